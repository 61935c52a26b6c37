"""Permission-matrix rows for the spending pages (see tests/test_permission_matrix.py).

- A person's spending requests and each decision follow seeing the person: their worker,
  team managers and finance officers of their council, the person and those they let see
  their record. Staff who see people but not this one get 404, other roles 403.
- A request may be made by the person, whoever acts for them (not a carer who may only
  see), their worker or a team manager.
- Deciding: the person's worker or a team manager (the request here was made by the person).
- The list of requests to decide: social workers and team managers, in the council they
  work in. Changing the exclusion list: the council's administrator.
- The spending rules and how to challenge a decision are public.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from tests.matrix import NOT_FOUND, OK, REFUSED, SIGN_IN, row

_VIEW = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK, scot_other_social_worker=NOT_FOUND,
            scot_team_manager=OK, scot_finance_officer=OK, eng_social_worker=NOT_FOUND,
            eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND, the_person=OK,
            carer_viewing=OK, attorney_acting=OK)
_REQUEST = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
               scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
               eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND, the_person=OK,
               attorney_acting=OK, carer_viewing=NOT_FOUND)
_DECIDE = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
              scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
              eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND)

MATRIX: dict[str, dict[str, int]] = {
    "person-spending": _VIEW,
    "spending-request-new": _REQUEST,
    "spending-request-detail": _VIEW,
    "spending-request-decide": _DECIDE,
    "spending-requests": row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
                             scot_other_social_worker=OK, scot_team_manager=OK,
                             eng_social_worker=OK, eng_team_manager=OK),
    "spending-rules": row(OK),
    "spending-challenge": row(OK),
    "spending-rules-manage": row(REFUSED, anonymous=SIGN_IN, scot_administrator=OK,
                                 eng_administrator=OK),
}


def agreed_outcome(person: Any, worker: Any, words: str = "I want a break now and then") -> Any:
    from selfdirect.outcomes.models import PersonalOutcome

    return PersonalOutcome.objects.create(
        person=person, in_own_words=words, state=PersonalOutcome.State.AGREED,
        agreed_on=datetime.date(2026, 11, 1), created_by=worker)


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    from selfdirect.spending import services

    if page not in MATRIX:
        raise KeyError(page)
    if page in ("person-spending", "spending-request-new"):
        return reverse(page, args=[person.pk])
    if page in ("spending-rules", "spending-challenge"):
        return reverse(page, args=[person.authority.code])
    if page in ("spending-request-detail", "spending-request-decide"):
        outcome = agreed_outcome(person, users["scot_social_worker"])
        made = services.spending_request_make(
            actor=users["the_person"], person=person, description="A weekend of respite",
            amount=50000, outcome=outcome, wanted_on=datetime.date(2026, 12, 12))
        return reverse(page, args=[made.pk])
    return reverse(page)
