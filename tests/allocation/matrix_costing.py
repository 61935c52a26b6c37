"""Permission-matrix rows for the pages about what a budget is made of (see
tests/test_permission_matrix.py).

Each carries the marker ``allocation.calculate_budget``: roles that can never change an
assessment are refused (403), those who can see the person but not change the record
get 404 for it. The uplift is the administrator's, in the authority they are working in.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

# Who may change the person's budget: their worker and the team manager.
_CHANGE = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
              scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
              eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND)

MATRIX: dict[str, dict[str, int]] = {
    "budget-funding-add": _CHANGE,
    "budget-funding-remove": _CHANGE,
    "budget-employer-costing-add": _CHANGE,
    "budget-employer-costing-remove": _CHANGE,
    "budget-employer-costs-cover": _CHANGE,
    "budget-exception-add": _CHANGE,
    "employer-costs-uplift": row(REFUSED, anonymous=SIGN_IN, scot_administrator=OK,
                                 eng_administrator=OK),
}


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    from selfdirect.allocation import costing
    from tests.allocation.matrix_budget import make_budget

    if page == "employer-costs-uplift":
        return reverse(page)
    budget = make_budget(users, person)
    worker = users["scot_social_worker"]
    if page == "budget-funding-remove":
        line = costing.funding_line_add(actor=worker, budget=budget, stream="health",
                                        description="Nursing care", amount="50.00",
                                        period="weekly")
        return reverse(page, args=[budget.pk, line.pk])
    if page == "budget-employer-costing-remove":
        item = costing.employer_costing_add(actor=worker, budget=budget, label="PA 1",
                                            hourly_wage="13.00", hours_per_week="20",
                                            employment_allowance=True)
        return reverse(page, args=[budget.pk, item.pk])
    if page in MATRIX:
        return reverse(page, args=[budget.pk])
    raise KeyError(page)
