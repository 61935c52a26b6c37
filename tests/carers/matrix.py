"""Permission-matrix rows for this domain's pages (see tests/test_permission_matrix.py).

The carer's offer and plan are the CARER's record. The carer made here lives in the same
authority and team as the person cared for and is allocated to the same worker, so staff
see both; but the person cared for (``the_person``) and those who see only the cared-for
person's record (``carer_viewing``, ``attorney_acting``) get 404 on the carer's pages.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from selfdirect.core import clock
from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

# The carer's record, seen: staff who may see the carer; nobody through the cared-for person.
_CARER_VIEW = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
                  scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
                  scot_finance_officer=OK, eng_social_worker=NOT_FOUND,
                  eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND,
                  the_person=NOT_FOUND, carer_viewing=NOT_FOUND, attorney_acting=NOT_FOUND)
# Changed: staff who may change the carer's record (or, to identify one, the cared-for's).
_STAFF_EDIT = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
                  scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
                  eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND)

MATRIX: dict[str, dict[str, int]] = {
    "carer-identify": _STAFF_EDIT,
    "carer-offer": _CARER_VIEW,
    "carer-plan": _CARER_VIEW,
    "carer-plan-section": _STAFF_EDIT,
    "carer-plan-outcome-add": _STAFF_EDIT,
    "carer-plan-eligibility": _STAFF_EDIT,
    "carer-plan-agree": _STAFF_EDIT,
    "carers-waiting-list": row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
                               scot_other_social_worker=OK, scot_team_manager=OK,
                               eng_social_worker=OK, eng_team_manager=OK),
}


def make_carer(users: dict[str, Any], person: Any, *, accepted: bool = True) -> Any:
    """A carer of ``person`` with an offer (accepted, so with a plan, unless told not)."""
    from selfdirect.carers import services
    from tests.factories import PersonFactory

    manager = users["scot_team_manager"]
    carer = PersonFactory(authority=person.authority, team=person.team,
                          allocated_worker=person.allocated_worker, client_group="carer",
                          given_name="Kirsty", family_name="Carer")
    day = clock.today() - datetime.timedelta(days=10)
    offer = services.carer_identify(actor=manager, cared_for=person, carer=carer,
                                    identified_on=day, terminal_illness=False)
    if not accepted:
        return offer
    offer = services.carer_offer_make(actor=manager, offer=offer, offered_on=day,
                                      offered_how="phone")
    offer = services.carer_offer_answer(actor=manager, offer=offer, answer="accepted",
                                        answered_on=day)
    return offer.plan


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    """The URL to ask for ``page`` about ``person`` (create what it needs with services)."""
    if page == "carer-identify":
        return reverse(page, args=[person.pk])
    if page == "carers-waiting-list":
        return reverse(page)
    if page == "carer-offer":
        return reverse(page, args=[make_carer(users, person, accepted=False).pk])
    plan = make_carer(users, person)
    if page == "carer-plan-section":
        return reverse(page, args=[plan.pk, "circumstances"])
    if page in MATRIX:
        return reverse(page, args=[plan.pk])
    raise KeyError(page)
