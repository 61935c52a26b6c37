"""Permission-matrix rows for the panel pages (see tests/test_permission_matrix.py).

The panel's pages are for its members and the authority's team managers; the envelope
page is for finance officers and the administrator. Each page works in the user's
*current* authority, so Manchester's team manager (who sits on Manchester's panel) gets
Manchester's panel home, and Manchester's finance officer and administrator its envelope
page; a Scottish meeting is "not found" for them. Everyone else (social workers, the
provider, the commissioner, the person, their carer and representatives) is refused.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from selfdirect.core import clock
from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

_PANEL_HOME = row(REFUSED, anonymous=SIGN_IN, scot_panel_member=OK, scot_team_manager=OK,
                  eng_team_manager=OK)
# A Scottish meeting: Manchester's team manager may sit on panels, but not this one.
_PANEL_MEETING = row(REFUSED, anonymous=SIGN_IN, scot_panel_member=OK, scot_team_manager=OK,
                     eng_team_manager=NOT_FOUND)

MATRIX: dict[str, dict[str, int]] = {
    "panel-home": _PANEL_HOME,
    "panel-meeting-create": _PANEL_HOME,
    "panel-meeting": _PANEL_MEETING,
    "panel-decide": _PANEL_MEETING,
    "panel-envelope": row(REFUSED, anonymous=SIGN_IN, scot_finance_officer=OK,
                          scot_administrator=OK, eng_finance_officer=OK, eng_administrator=OK),
}


def panel_budget(users: dict[str, Any], person: Any) -> Any:
    """A proposed budget for ``person`` that needs the panel: an addition of more than
    15% of the calculated sum (the default threshold)."""
    from selfdirect.allocation import services as allocation
    from tests.allocation.matrix_budget import make_budget

    worker = users["scot_social_worker"]
    budget = make_budget(users, person)
    allocation.budget_adjust(actor=worker, budget=budget, kind="add_amount",
                             reason_code="two_carers", reason="Two carers for every transfer",
                             amount=Decimal("900.00"))
    return allocation.budget_propose(actor=worker, budget=budget)


def panel_meeting(users: dict[str, Any], person: Any) -> Any:
    from selfdirect.allocation.panel import panel_meeting_create

    chair = users["scot_panel_member"]
    return panel_meeting_create(actor=chair, authority=person.authority,
                                date=clock.today(), chair=chair,
                                members=[chair, users["scot_team_manager"]])


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    if page == "panel-meeting":
        return reverse(page, args=[panel_meeting(users, person).pk])
    if page == "panel-decide":
        budget = panel_budget(users, person)
        return reverse(page, args=[panel_meeting(users, person).pk, budget.pk])
    if page in MATRIX:
        return reverse(page)
    raise KeyError(page)
