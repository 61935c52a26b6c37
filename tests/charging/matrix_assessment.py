"""Permission-matrix rows for the financial assessment pages (see
tests/test_permission_matrix.py).

Each carries the marker ``charging.assess_finances``: the authority's finance officers and
whoever may change the person's record (their worker, the team manager). Roles that can
never assess anyone's finances are refused (403); staff who could, but not for this
person (another team, another authority), get 404.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from selfdirect.core import clock
from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

_ASSESS = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
              scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
              scot_finance_officer=OK, eng_social_worker=NOT_FOUND,
              eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND)

MATRIX: dict[str, dict[str, int]] = {
    "financial-assessment-start": _ASSESS,
    "financial-assessment": _ASSESS,
    "financial-assessment-details": _ASSESS,
    "financial-assessment-income-add": _ASSESS,
    "financial-assessment-capital-add": _ASSESS,
    "financial-assessment-expense-add": _ASSESS,
    "financial-assessment-item-remove": _ASSESS,
    "financial-assessment-complete": _ASSESS,
}


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    from selfdirect.charging import services
    from selfdirect.charging.catalogue import IncomeType, Period, ServiceType

    if page not in MATRIX:
        raise KeyError(page)
    services.planned_service_add(
        actor=users["scot_social_worker"], person=person, service_type=ServiceType.DAY_SERVICE,
        description="Day centre", weekly_cost=9000, starts_on=clock.today())
    if page == "financial-assessment-start":
        return reverse(page, args=[person.pk])
    assessment = services.financial_assessment_start(actor=users["scot_finance_officer"],
                                                     person=person)
    if page == "financial-assessment-item-remove":
        income = services.income_add(actor=users["scot_finance_officer"], assessment=assessment,
                                     income_type=IncomeType.ESA, amount=20000, period=Period.WEEK)
        return reverse(page, args=[assessment.pk, "incomes", income.pk])
    return reverse(page, args=[assessment.pk])
