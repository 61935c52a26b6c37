"""Scenario 1 through the browser: outcomes, not a list played back.

A social worker opens Aileen's record, starts an assessment and adds what she wants as an
outcome in her own words, but without a measure. Trying to agree it, the page names the
missing measure; the worker adds it and agrees the outcome. The add-outcome form is filled
by keyboard alone (radios by the arrow keys, the form sent by Enter). axe-core checks every
page on the way (``visit`` and ``navigated``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from selfdirect.assessments.models import Assessment
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.services import communication_needs_set
from tests.browser.conftest import focused, navigated, shows_govuk_focus, sign_in_quickly, visit
from tests.factories import PersonFactory

SW = "scot_social_worker"
WORDS = "I want to get back to the Thursday lunch club at the church hall"


@pytest.fixture
def aileen(world):
    person = PersonFactory(authority=world.scot, team=world.scot_team,
                           allocated_worker=world.user(SW), given_name="Aileen",
                           family_name="Brown")
    communication_needs_set(actor=world.user(SW), person=person, needs={"large_print": ""})
    return person


def path_of(page: Any) -> str:
    return urlsplit(page.url).path


def tab_until(page: Any, wanted: Any, limit: int = 60) -> dict[str, Any]:
    """Press Tab until ``wanted(focused element)``; each stop must show GOV.UK's focus."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        path.append(state.get("id") or state.get("text") or state["tag"])
        if state["tag"] not in ("main", "body"):
            assert shows_govuk_focus(state), f"focus is not visible on {state}"
        if wanted(state):
            return state
    pytest.fail(f"Tab never reached it. Focus went: {' > '.join(map(str, path))}")


def by_id(element_id: str) -> Any:
    return lambda state: state.get("id") == element_id


def test_an_outcome_without_a_measure_is_agreed_once_it_has_one(page, live_server, world,
                                                                aileen):
    sign_in_quickly(page, live_server, world.user(SW))
    visit(page, f"/people/{aileen.pk}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Aileen Brown")
    # The person page links to the assessments once the workspace adds the link.
    link = page.get_by_role("link", name=re.compile(r"^Assessments"))
    if link.count():
        navigated(page, lambda: link.first.click())
    else:
        visit(page, f"/people/{aileen.pk}/assessments/")
    assert page.get_by_role("heading", level=1).inner_text() == "Assessments"

    # Start an assessment.
    navigated(page, lambda: page.get_by_role("button", name="Start an assessment").click())
    assessment = Assessment.objects.get(person=aileen)
    assert path_of(page) == f"/assessments/{assessment.pk}/"
    assert "The assessment has been started." in page.locator(
        ".govuk-notification-banner--success").inner_text()
    banner = page.get_by_role("region", name="Communication and access needs")
    assert banner.locator("li").all_inner_texts() == ["Large print"]
    navigated(page, lambda: page.get_by_role("link", name="Add an outcome").click())
    assert page.get_by_role("heading", level=1).inner_text() == "Add an outcome"

    # The add-outcome form by keyboard alone, with no measure.
    tab_until(page, by_id("id_in_own_words"))
    page.keyboard.type(WORDS)
    first = tab_until(page, lambda s: s.get("name") == "category")
    assert (first["id"], first["checked"]) == ("id_category_0", False)
    page.keyboard.press("Space")  # Feeling safe
    page.keyboard.press("ArrowDown")  # Having things to do
    page.keyboard.press("ArrowDown")  # Seeing people
    state = focused(page)
    assert (state["id"], state["checked"]) == ("id_category_2", True)
    assert shows_govuk_focus(state), state
    # Tab leaves the radios in one step, into the national outcomes.
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_national_outcomes_0"
    social_inclusion = page.get_by_label("Improved social inclusion").get_attribute("id")
    tab_until(page, by_id(social_inclusion))
    page.keyboard.press("Space")
    tab_until(page, by_id("id_better_looks_like"))
    page.keyboard.type("Going every Thursday without worrying about the stairs")
    assert tab_until(page, by_id("id_measure"))["id"] == "id_measure"  # left empty
    priority = tab_until(page, lambda s: s.get("name") == "priority")
    assert (priority["id"], priority["checked"]) == ("id_priority_1", True)  # Medium
    page.keyboard.press("ArrowUp")
    assert (focused(page)["id"], focused(page)["checked"]) == ("id_priority_0", True)  # High
    save = tab_until(page, lambda s: s["tag"] == "button")
    assert save["text"] == "Save"
    navigated(page, lambda: page.keyboard.press("Enter"))

    assert path_of(page) == f"/assessments/{assessment.pk}/"
    outcome = PersonalOutcome.objects.get(assessment=assessment)
    assert (outcome.in_own_words, outcome.category.code, outcome.priority, outcome.measure) == (
        WORDS, "seeing_people", 1, "")
    assert [t.code for t in outcome.national_outcomes.all()] == ["cc_social_inclusion"]

    # Try to agree it: the page names the missing measure.
    navigated(page, lambda: page.get_by_role("link", name="Agree this outcome").click())
    assert page.get_by_role("heading", level=1).inner_text() == "Agree an outcome"
    missing = page.locator("#quality-issues li")
    assert missing.count() == 1
    assert missing.first.inner_text().startswith("Add how you will both know")
    assert page.get_by_role("button", name="Agree this outcome").count() == 0

    # The message links to the measure box on the change page.
    navigated(page, lambda: missing.first.get_by_role("link").click())
    assert path_of(page) == f"/assessments/{assessment.pk}/outcomes/{outcome.pk}/edit/"
    assert urlsplit(page.url).fragment == "id_measure"
    page.get_by_label("How you will both know").fill(
        "Aileen goes to the lunch club at least three Thursdays a month")
    navigated(page, lambda: page.get_by_role("button", name="Save").click())

    # Now it can be agreed.
    navigated(page, lambda: page.get_by_role("link", name="Agree this outcome").click())
    assert page.locator("#quality-issues").count() == 0
    navigated(page, lambda: page.get_by_role("button", name="Agree this outcome").click())
    assert path_of(page) == f"/assessments/{assessment.pk}/"
    assert "The outcome has been agreed." in page.locator(
        ".govuk-notification-banner--success").inner_text()
    outcome.refresh_from_db()
    assert outcome.state == PersonalOutcome.State.AGREED
    assert page.get_by_role("link", name="Agree this outcome").count() == 0
