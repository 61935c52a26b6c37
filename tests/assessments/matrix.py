"""Permission-matrix rows for this domain's pages (see tests/test_permission_matrix.py).

Every page carries the view marker (``assessments.view_assessment``): roles that can never
see a person are refused (403), everyone else gets 404 for a record they may not see. The
pages that change an assessment load it with ``assessments.change_assessment``, so those
who may see but not change it (the finance officer, the person, a carer, an attorney)
get 404 there; sign-off needs ``assessments.approve_assessment`` (team managers).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

# Who may see the person's assessments: the same as the person page.
_VIEW = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK, scot_other_social_worker=NOT_FOUND,
            scot_team_manager=OK, scot_finance_officer=OK, eng_social_worker=NOT_FOUND,
            eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND, the_person=OK,
            carer_viewing=OK, attorney_acting=OK)
# Who may change it: the allocated worker (and their team) and the team manager.
_CHANGE = {**_VIEW, "scot_finance_officer": NOT_FOUND, "the_person": NOT_FOUND,
           "carer_viewing": NOT_FOUND, "attorney_acting": NOT_FOUND}
_APPROVE = {**_CHANGE, "scot_social_worker": NOT_FOUND}

MATRIX: dict[str, dict[str, int]] = {
    "referral-new": _CHANGE,
    "assessment-list": _VIEW,
    "assessment-detail": _VIEW,
    "assessment-print": _VIEW,
    "assessment-edit": _CHANGE,
    "conversation-new": _CHANGE,
    "conversation-record": _CHANGE,
    "conversation-cancel": _CHANGE,
    "outcome-new": _CHANGE,
    "outcome-edit": _CHANGE,
    "outcome-agree": _CHANGE,
    "contribution-new": _CHANGE,
    "risk-new": _CHANGE,
    "assessment-eligibility": _CHANGE,
    "assessment-complete": _CHANGE,
    "assessment-sign-off": _APPROVE,
    "assessment-service-started": _CHANGE,
}

_PERSON_PAGES = {"referral-new", "assessment-list"}


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    """The URL to ask for ``page`` about ``person`` (create what it needs with services)."""
    from selfdirect.assessments import services as assessing
    from selfdirect.outcomes import services as outcomes

    if page not in MATRIX:
        raise KeyError(page)
    if page in _PERSON_PAGES:
        return reverse(page, args=[person.pk])
    worker = users["scot_social_worker"]
    assessment = assessing.assessment_start(actor=worker, person=person)
    if page in ("conversation-record", "conversation-cancel"):
        conversation = assessing.conversation_book(
            actor=worker, assessment=assessment, mode="face_to_face",
            when=timezone.now() - datetime.timedelta(hours=1))
        return reverse(page, args=[assessment.pk, conversation.pk])
    if page in ("outcome-edit", "outcome-agree"):
        outcome = outcomes.outcome_add(actor=worker, person=person, assessment=assessment,
                                       in_own_words="Get to the Thursday lunch club again")
        return reverse(page, args=[assessment.pk, outcome.pk])
    return reverse(page, args=[assessment.pk])
