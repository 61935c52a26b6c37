"""Permission-matrix rows for the budget pages (see tests/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

# A budget is part of the person's record: whoever may see the person's assessment may
# see how their budget was worked out, the person included.
MATRIX: dict[str, dict[str, int]] = {
    "budget-detail": row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
                         scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
                         scot_finance_officer=OK, eng_social_worker=NOT_FOUND,
                         eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND,
                         the_person=OK, carer_viewing=OK, attorney_acting=OK),
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
    if page == "budget-detail":
        return reverse(page, args=[make_budget(users, person).pk])
    raise KeyError(page)
