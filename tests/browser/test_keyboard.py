"""The main journey by keyboard alone: only page.keyboard (Tab, Shift+Tab, Enter, Space, the
arrow keys, typing); never .click() or .fill(). At each step the expected element has focus
and shows GOV.UK's focus state (the yellow #ffdd00 background, outline or ring)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from selfdirect.people.services import communication_needs_set
from tests.browser.conftest import (
    GOVUK_YELLOW,
    focused,
    navigated,
    shows_govuk_focus,
    sign_in_quickly,
    visit,
)
from tests.factories import TEST_PASSWORD, PersonFactory

SW = "scot_social_worker"


def describe(state: dict[str, Any]) -> str:
    name = state.get("id") or state.get("name") or ""
    text = (state.get("text") or "").split("\n")[0][:40]
    return f"{state['tag']}{'#' + name if name else ''}{' ' + repr(text) if text else ''}"


def tab(page: Any, key: str = "Tab") -> dict[str, Any]:
    """Press Tab (or Shift+Tab) and return what has focus, which must show it has."""
    page.keyboard.press(key)
    state = focused(page)
    # <main>, focused by the skip link, shows no ring on purpose (GOV.UK's skip link).
    if state["tag"] not in ("main", "body"):
        visible = shows_govuk_focus(state) or (
            # A radio or checkbox without GOV.UK's drawn box still shows focus if it has
            # the yellow outline itself; test_search_checkbox_* checks the drawn box.
            state.get("type") in ("radio", "checkbox")
            and shows_govuk_focus({**state, "type": None}))
        assert visible, f"focus is not visible on {describe(state)}: {state}"
    return state


def tab_until(page: Any, wanted: Any, limit: int = 40, key: str = "Tab") -> dict[str, Any]:
    """Tab (or Shift+Tab) until ``wanted(focused element)``; fail with the path focus took."""
    path = []
    for _ in range(limit):
        state = tab(page, key)
        path.append(describe(state))
        if wanted(state):
            return state
    pytest.fail(f"{key} never reached it. Focus went: {' > '.join(path)}")


def path_of(page: Any) -> str:
    return urlsplit(page.url).path


def skip_to_main(page: Any) -> None:
    """From the top of a page: Tab to the skip link, Enter; focus is on <main>."""
    link = tab(page)
    assert (link["text"], link["href"]) == ("Skip to main content", "#main-content"), link
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main-content"


@pytest.fixture
def morag(world):
    person = PersonFactory(authority=world.scot, team=world.scot_team,
                           allocated_worker=world.user(SW), given_name="Morag",
                           family_name="Macleod", postcode="EH6 5AB")
    communication_needs_set(actor=world.user(SW), person=person, needs={"large_print": ""})
    return person


def is_people_link(state: dict[str, Any]) -> bool:
    return state["tag"] == "a" and state["text"] == "People"


def test_the_main_journey_by_keyboard_alone(page, live_server, morag, subtests):
    visit(page, "/sign-in/")
    skip_to_main(page)

    # Sign in.
    assert tab(page)["id"] == "id_username"
    page.keyboard.type(SW)
    assert tab(page)["id"] == "id_password"
    page.keyboard.type(TEST_PASSWORD)
    button = tab(page)
    assert (button["tag"], button["text"]) == ("button", "Sign in")
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == "/dashboard/"

    # The header, in order, then People.
    with subtests.test(msg="after signing in, Tab starts at the top of the dashboard"):
        assert urlsplit(page.url).fragment == "", (
            f"{page.url}: the skip link's #main-content followed the sign-in form's POST "
            "and its redirect, so focus starts inside <main>, past the navigation")
        order = [describe(tab(page)) for _ in range(4)]
        assert order == ["a 'Skip to main content'", "a 'selfdirect'", "a 'Home'", "a 'People'"]
    if not is_people_link(focused(page)):
        # Only while the subtest above fails: the navigation is behind focus; go back.
        tab_until(page, is_people_link, key="Shift+Tab")
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == "/people/"

    # Search by name: type, Enter.
    skip_to_main(page)
    assert tab(page)["id"] == "id_name"
    page.keyboard.type("macleod")
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert "name=macleod" in page.url

    # The first result.
    tab_until(page, lambda s: s["tag"] == "a" and s["text"] == "Macleod, Morag")
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/people/{morag.pk}/"

    # Change details.
    tab_until(page, lambda s: s["tag"] == "a" and s["text"].startswith("Change details"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/people/{morag.pk}/edit/"

    tab_until(page, lambda s: s["id"] == "id_preferred_name")
    page.keyboard.press("Control+A")
    page.keyboard.type("Mo")
    save = tab_until(page, lambda s: s["tag"] == "button")
    assert save["text"] == "Save"
    navigated(page, lambda: page.keyboard.press("Space"))

    assert path_of(page) == f"/people/{morag.pk}/"
    banner = page.locator(".govuk-notification-banner--success")
    assert banner.inner_text().endswith("The details have been saved.")
    assert page.locator("h1").inner_text().startswith("Mo Macleod")
    morag.refresh_from_db()
    assert morag.preferred_name == "Mo"


def test_date_boxes_and_contact_radios_by_keyboard(page, live_server, world):
    sign_in_quickly(page, live_server, world.user(SW))
    visit(page, "/people/new/")

    # Day, month, year: in that order, one Tab apart.
    tab_until(page, lambda s: s["id"] == "id_date_of_birth_0")
    page.keyboard.type("27")
    assert tab(page)["id"] == "id_date_of_birth_1"
    page.keyboard.type("3")
    assert tab(page)["id"] == "id_date_of_birth_2"
    page.keyboard.type("1958")

    # "How to contact": one Tab stop; Space selects, the arrow keys move and select.
    first = tab_until(page, lambda s: s["name"] == "contact_preference")
    assert (first["id"], first["checked"]) == ("id_contact_preference_0", False)
    page.keyboard.press("Space")
    assert focused(page)["checked"] is True
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    state = focused(page)
    assert (state["id"], state["checked"]) == ("id_contact_preference_1", True)
    assert shows_govuk_focus(state), state
    checked = page.evaluate("() => [...document.querySelectorAll("
                            "'input[name=contact_preference]:checked')].map(r => r.value)")
    assert checked == ["text"]
    # Tab leaves the group in one step; Shift+Tab comes back to the chosen radio.
    assert tab(page)["id"] == "id_client_group"
    assert tab(page, "Shift+Tab")["id"] == "id_contact_preference_1"

    # Save with the names empty: the error summary takes focus; its first link, by Enter,
    # takes focus to the field.
    tab_until(page, lambda s: s["tag"] == "button" and s["text"] == "Save")
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert "govuk-error-summary" in focused(page)["classes"]
    link = tab(page)
    assert (link["tag"], link["text"]) == ("a", "Enter given name")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_given_name"
    # What was typed and chosen is kept.
    kept = page.evaluate("""() => [
        ...['0', '1', '2'].map(i => document.getElementById('id_date_of_birth_' + i).value),
        document.querySelector('input[name=contact_preference]:checked')?.value]""")
    assert kept == ["27", "3", "1958", "text"]


def test_the_error_summary_takes_focus_after_the_skip_link_was_used(page, live_server, world):
    """Keyboard users use the skip link; the URL then ends #main-content. A form with no
    action posts to that URL, and when the page with errors loads there, Chromium scrolls
    to #main-content and clears focus: the error summary loses the focus it took."""
    sign_in_quickly(page, live_server, world.user(SW))
    visit(page, "/people/new/")
    skip_to_main(page)
    tab_until(page, lambda s: s["tag"] == "button" and s["text"] == "Save")
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert page.title().startswith("Error: ")
    state = focused(page)
    assert "govuk-error-summary" in state.get("classes", ""), (
        f"focus is on {describe(state)}, not the error summary; the page is at {page.url}")


def test_search_checkbox_is_a_govuk_checkbox_by_keyboard(page, live_server, world):
    """"Only people allocated to me": Space ticks it, Enter searches, and it is drawn and
    focused as a GOV.UK checkbox (the yellow ring round the drawn box)."""
    sign_in_quickly(page, live_server, world.user(SW))
    visit(page, "/people/")
    skip_to_main(page)
    state = tab_until(page, lambda s: s["id"] == "id_mine_only")
    page.keyboard.press("Space")
    assert focused(page)["checked"] is True
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert "mine_only=on" in page.url

    visit(page, "/people/")
    skip_to_main(page)
    state = tab_until(page, lambda s: s["id"] == "id_mine_only")
    assert "govuk-checkboxes__input" in state["classes"].split(), (
        f"the checkbox has class {state['classes']!r}, so it is drawn as a text box")
    assert GOVUK_YELLOW in (state["drawnBoxShadow"] or ""), state
