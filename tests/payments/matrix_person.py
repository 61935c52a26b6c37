"""Permission-matrix rows for a person's payments pages and the temporary switch (see
tests/test_permission_matrix.py).

- The payments page: the person, whoever acts for them, their worker, a team manager and
  the authority's finance officers. Not a carer who may only see the person's record
  (money is not shown to view-only relationships, as with charging), and no one from
  another authority (404: the record's existence is not disclosed).
- Recording the account, adding a one-off sum and lining the first period up with the
  payment cycle: the authority's finance officers only.
- Switching a line to council-arranged cover and back: the person's worker or a team
  manager.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix import NOT_FOUND, OK, REFUSED, SIGN_IN, row

_VIEW = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK, scot_other_social_worker=NOT_FOUND,
            scot_team_manager=OK, scot_finance_officer=OK, eng_social_worker=NOT_FOUND,
            eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND, the_person=OK,
            carer_viewing=NOT_FOUND, attorney_acting=OK)
_MANAGE = row(REFUSED, anonymous=SIGN_IN, scot_finance_officer=OK,
              eng_finance_officer=NOT_FOUND)
_SWITCH = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
              scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
              eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND)

MATRIX: dict[str, dict[str, int]] = {
    "person-payments": _VIEW,
    "person-payee-account": _MANAGE,
    "person-one-off-add": _MANAGE,
    "person-schedule-start": _MANAGE,
    "switch-start": _SWITCH,
    "switch-end": _SWITCH,
}


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    from selfdirect.allocation.models import FundingStream
    from selfdirect.payments import switches
    from tests.payments.factories import DAY, agreed_plan

    if page not in MATRIX:
        raise KeyError(page)
    if page in ("person-payments", "person-payee-account", "switch-start"):
        return reverse(page, args=[person.pk])
    plan = agreed_plan(users, person, [("1", 30000, FundingStream.COUNCIL)])
    schedule = person.payment_schedules.get()
    if page == "switch-end":
        switch = switches.switch_start(actor=users["scot_social_worker"],
                                       line=plan.lines.get(), starts_on=DAY,
                                       reason="The PA left", cover="Council home care")
        return reverse(page, args=[person.pk, switch.pk])
    return reverse(page, args=[person.pk, schedule.pk])
