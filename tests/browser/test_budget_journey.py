"""Scenario 4 in Chromium: the worker answers the budget questions by keyboard alone, sees
the budget, adds an adjustment and proposes it; then the person signs in and reads how her
budget was worked out. axe-core checks every page on the way (``visit``, ``navigated``),
and the pages she reads reflow at 320px."""

from __future__ import annotations

from typing import Any

from selfdirect.allocation.models import IndicativeBudget, RasQuestion
from selfdirect.assessments import services as assessing
from tests.allocation.test_ras import ANSWERS, live_version
from tests.browser.conftest import navigated, page_facts, sign_in, sign_in_quickly, visit
from tests.browser.test_keyboard import path_of, skip_to_main, tab, tab_until
from tests.factories import PersonFactory, UserFactory


def is_link(text: str) -> Any:
    return lambda s: s["tag"] == "a" and s["text"] == text


def is_button(text: str) -> Any:
    return lambda s: s["tag"] in ("button", "a") and s["text"] == text


def choose_by_keyboard(page: Any, index: int) -> None:
    """On the first radio of a group (just reached by Tab): choose the one at ``index``.
    Space chooses the first; each arrow moves down and chooses."""
    if index == 0:
        page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")


def reflows_at_320(page: Any) -> bool:
    page.set_viewport_size({"width": 320, "height": 800})
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    return bool(fits)


def test_questions_budget_adjustment_proposal_then_the_person_reads_it(page: Any,
                                                                      live_server: Any,
                                                                      world: Any) -> None:
    version = live_version(world)
    worker = world.user("scot_social_worker")
    eilidh = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Eilidh",
                           allocated_worker=worker, user=UserFactory(username="eilidh"))
    assessment = assessing.assessment_start(actor=worker, person=eilidh)
    questions = list(RasQuestion.objects.filter(domain__version=version)
                     .order_by("domain__position", "position", "pk").prefetch_related("answers"))

    # The worker: every question answered with the keyboard alone.
    sign_in_quickly(page, live_server, worker)
    visit(page, f"/assessments/{assessment.pk}/budget/questions/")
    assert page_facts(page)["h1s"] == ["Budget questions"]
    assert reflows_at_320(page)
    skip_to_main(page)
    for question in questions:
        codes = [a.code for a in question.answers.all()]
        state = tab_until(page, lambda s, q=question: s["id"] == f"id_{q.code}_0")
        assert state["type"] == "radio"
        choose_by_keyboard(page, codes.index(ANSWERS[question.code]))
    tab_until(page, is_button("Save the answers"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    budget = IndicativeBudget.objects.get(person=eilidh)
    assert path_of(page) == f"/budgets/{budget.pk}/"
    main = page.inner_text("main")
    assert "The indicative budget has been worked out: £1,485.00 a year." in main

    # An adjustment: the amount sits under "An amount in pounds", the percentage under "A
    # percentage". (The success banner has focus, as GOV.UK's banner takes it: Tab goes on
    # from there.)
    tab_until(page, is_button("Add an adjustment"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/budgets/{budget.pk}/adjust/"
    assert reflows_at_320(page)
    skip_to_main(page)
    tab_until(page, lambda s: s["id"] == "id_direction_0")
    page.keyboard.press("Space")
    assert tab(page)["id"] == "id_measure_0"
    page.keyboard.press("Space")
    assert tab(page)["id"] == "id_amount"
    page.keyboard.type("520.00")
    assert tab(page)["id"] == "id_percent"  # left empty: the choice above says which counts
    assert tab(page)["id"] == "id_reason_code_0"
    choose_by_keyboard(page, 2)  # Rural travel time
    assert tab(page)["id"] == "id_reason"
    page.keyboard.type("Two buses each way to the Gaelic choir")
    tab_until(page, is_button("Add the adjustment"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/budgets/{budget.pk}/"
    assert "Two buses each way to the Gaelic choir" in page.inner_text("main")

    # Proposing: more than the adjustment threshold, so the panel will decide.
    tab_until(page, is_button("Propose this budget"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert "The resource allocation panel will decide this budget" in page.inner_text("main")
    skip_to_main(page)
    tab_until(page, is_button("Propose the budget"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    main = page.inner_text("main")
    assert "The resource allocation panel will decide it, because:" in main
    budget.refresh_from_db()
    assert budget.state == IndicativeBudget.State.PROPOSED and budget.needs_panel

    # Eilidh signs in and reads it from her own pages.
    page.context.clear_cookies()
    sign_in(page, live_server, "eilidh")
    visit(page, "/my/")
    navigated(page, lambda: page.get_by_role("link", name="Your budget").click())
    assert path_of(page) == f"/people/{eilidh.pk}/budgets/"
    navigated(page, lambda: page.get_by_role("link", name="Proposed budget £2,005.00 a year")
              .click())
    assert page_facts(page)["h1s"] == ["How your budget was worked out"]
    main = page.inner_text("main")
    assert "33 points × £45.00 a point = £1,485.00" in main
    assert "Two buses each way to the Gaelic choir" in main
    assert "Proposed budget: £2,005.00 a year" in main
    assert "The resource allocation panel will decide this budget, because:" in main
    assert "Add an adjustment" not in main and "Propose this budget" not in main
    assert reflows_at_320(page)
    navigated(page, lambda: page.get_by_role("link", name="A copy to print or keep").click())
    assert page_facts(page)["h1s"] == ["Your budget"]
    assert reflows_at_320(page)
