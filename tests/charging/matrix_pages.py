"""Permission-matrix rows for the charging pages (see tests/test_permission_matrix.py).

- Seeing what the person pays (``charging.view_charging``) follows the person record:
  their worker, team managers and finance officers of their council, the person and those
  they let see it. Staff who see people but not this one get 404, other roles 403.
- Recording services follows changing the record (worker, team manager).
- A hardship waiver may be asked for by the person or someone acting for them (not by a
  carer who may only see), their worker, a team manager or a finance officer.
- Deciding a waiver, the worklist: finance officers and team managers of the council.
- The recalculation: the council's finance officers and administrator, in the council
  they are working in.
- The charging policy is public.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from selfdirect.core import clock
from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

_VIEW = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK, scot_other_social_worker=NOT_FOUND,
            scot_team_manager=OK, scot_finance_officer=OK, eng_social_worker=NOT_FOUND,
            eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND, the_person=OK,
            attorney_acting=OK, carer_viewing=NOT_FOUND)  # seeing the record is not seeing money
_RECORD = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
              scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
              eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND)
_REQUEST = _VIEW
_DECIDE = row(REFUSED, anonymous=SIGN_IN, scot_team_manager=OK, scot_finance_officer=OK,
              eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND)
_AUTHORITY_ROLE = row(REFUSED, anonymous=SIGN_IN, scot_team_manager=OK, scot_finance_officer=OK,
                      eng_team_manager=OK, eng_finance_officer=OK)

MATRIX: dict[str, dict[str, int]] = {
    "person-charging": _VIEW,
    "planned-service-add": _RECORD,
    "planned-service-end": _RECORD,
    "waiver-request": _REQUEST,
    "waiver-decide": _DECIDE,
    "contribution-detail": _VIEW,
    "charging-worklist": _AUTHORITY_ROLE,
    "charging-policy": row(OK),
    "charging-recalculate": row(REFUSED, anonymous=SIGN_IN, scot_finance_officer=OK,
                                scot_administrator=OK, eng_finance_officer=OK,
                                eng_administrator=OK),
}


def _service(users: dict[str, Any], person: Any, kind: str = "social_support") -> Any:
    from selfdirect.charging import services

    return services.planned_service_add(
        actor=users["scot_social_worker"], person=person, service_type=kind,
        description="Support to go swimming", weekly_cost=9000,
        starts_on=clock.today())


def _contribution(users: dict[str, Any], person: Any) -> Any:
    from selfdirect.charging import services

    _service(users, person)
    finance = users["scot_finance_officer"]
    fa = services.financial_assessment_start(actor=finance, person=person)
    services.income_add(actor=finance, assessment=fa, income_type="esa", amount=20000,
                        period="week")
    services.financial_assessment_update(actor=finance, assessment=fa, benefits_check_done=True)
    return services.financial_assessment_complete(actor=finance, assessment=fa)[0]


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    from selfdirect.charging import services

    if page in ("person-charging", "planned-service-add", "waiver-request"):
        return reverse(page, args=[person.pk])
    if page == "planned-service-end":
        return reverse(page, args=[person.pk, _service(users, person).pk])
    if page == "waiver-decide":
        waiver = services.waiver_request(actor=users["scot_social_worker"], person=person,
                                         reason="Rent arrears", starts_on=clock.today())
        return reverse(page, args=[waiver.pk])
    if page == "contribution-detail":
        return reverse(page, args=[_contribution(users, person).pk])
    if page == "charging-policy":
        return reverse(page, args=[person.authority.code])
    if page in MATRIX:
        return reverse(page)
    raise KeyError(page)
