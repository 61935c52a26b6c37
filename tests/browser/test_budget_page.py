"""The budget explanation page in Chromium: axe finds nothing serious, one h1, and it
reflows at 320px (the person reads it on a phone)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from selfdirect.allocation import services as allocation
from tests.allocation.matrix_budget import make_budget
from tests.browser.conftest import page_facts, sign_in_quickly, visit
from tests.factories import PersonFactory, UserFactory


def test_the_person_reads_how_their_budget_was_worked_out(page: Any, live_server: Any,
                                                          world: Any) -> None:
    me = UserFactory()
    person = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Eilidh",
                           allocated_worker=world.user("scot_social_worker"), user=me)
    budget = make_budget(world.users, person)
    allocation.budget_adjust(actor=world.user("scot_social_worker"), budget=budget,
                             kind="add_amount", reason_code="rural_travel",
                             reason="Two buses to the day centre", amount=Decimal("520.00"))
    sign_in_quickly(page, live_server, me)
    visit(page, f"{live_server.url}/budgets/{budget.pk}/")
    facts = page_facts(page)
    assert facts["h1s"] == ["How your budget was worked out"]
    assert facts["title"].endswith(" – selfdirect")
    assert "Two buses to the day centre" in page.inner_text("main")
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
