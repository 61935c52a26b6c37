"""Permission-matrix rows for the budget pages (see tests/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

# A budget is part of the person's record: whoever may see the person's assessment may
# see how their budget was worked out, the person included.
_VIEW = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK, scot_other_social_worker=NOT_FOUND,
            scot_team_manager=OK, scot_finance_officer=OK, eng_social_worker=NOT_FOUND,
            eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND, the_person=OK,
            carer_viewing=OK, attorney_acting=OK)
# Answering the questions, adjusting and proposing: whoever may change the person's
# assessment (their worker and team manager). The marker is allocation.calculate_budget,
# which no role without staff editing rights can hold (403); staff who could, but not for
# this person, get 404.
_CALCULATE = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
                 scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
                 eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND)
# Agreeing: the person's team manager; Manchester's team manager may agree budgets, not
# this one.
_AGREE = row(REFUSED, anonymous=SIGN_IN, scot_team_manager=OK, eng_team_manager=NOT_FOUND)

MATRIX: dict[str, dict[str, int]] = {
    "budget-detail": _VIEW,
    "budget-print": _VIEW,
    "person-budgets": _VIEW,
    "assessment-budget-questions": _CALCULATE,
    "budget-adjust": _CALCULATE,
    "budget-propose": _CALCULATE,
    "budget-agree": _AGREE,
}


def make_budget(users: dict[str, Any], person: Any) -> Any:
    from selfdirect.allocation import services as allocation
    from selfdirect.assessments.services import assessment_start
    from tests.allocation.test_ras import ANSWERS, START

    admin = users["scot_administrator"]
    version = allocation.ras_version_create_default(actor=admin, authority=person.authority,
                                                    effective_from=START)
    allocation.ras_version_publish(actor=admin, version=version)
    worker = users["scot_social_worker"]
    assessment = assessment_start(actor=worker, person=person)
    allocation.ras_responses_record(actor=worker, assessment=assessment, answers=ANSWERS)
    return allocation.indicative_budget_calculate(actor=worker, assessment=assessment)


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    from selfdirect.allocation import services as allocation

    if page not in MATRIX:
        raise KeyError(page)
    if page == "person-budgets":
        return reverse(page, args=[person.pk])
    budget = make_budget(users, person)
    if page == "assessment-budget-questions":
        return reverse(page, args=[budget.assessment_id])
    if page == "budget-agree":
        budget = allocation.budget_propose(actor=users["scot_social_worker"], budget=budget)
    return reverse(page, args=[budget.pk])
