"""Forgotten password by keyboard alone, and the lockout page, each page checked by axe.

The reset walk uses only page.keyboard (Tab, Enter, typing): from the sign-in page's
"Forgotten your password?" link, through the emailed link, a refused weak password (the
GOV.UK error summary takes focus) and the new one, back to signing in with it."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail

from tests.browser.conftest import (
    allow_console_error,
    axe_check,
    navigated,
    visit,
)
from tests.browser.test_keyboard import path_of, tab_until
from tests.factories import TEST_PASSWORD, UserFactory

NEW_PASSWORD = "heather-on-the-pentland-hills"


def is_link(text: str) -> Any:
    return lambda state: state["tag"] == "a" and state["text"] == text


def is_field(field_id: str) -> Any:
    return lambda state: state["id"] == field_id


def is_button(text: str) -> Any:
    return lambda state: state["tag"] == "button" and state["text"] == text


def press_enter_to_load(page: Any) -> None:
    navigated(page, lambda: page.keyboard.press("Enter"))


def test_reset_a_forgotten_password_by_keyboard(page, live_server, world):
    UserFactory(username="ann.example", email="ann@example.org")
    visit(page, f"{live_server.url}/sign-in/")
    tab_until(page, is_link("Forgotten your password?"))
    press_enter_to_load(page)
    assert path_of(page) == "/sign-in/forgotten-password/"
    assert page.title() == "Reset your password – selfdirect"

    tab_until(page, is_field("id_email"))
    page.keyboard.type("ann@example.org")
    tab_until(page, is_button("Send the link"))
    press_enter_to_load(page)
    assert path_of(page) == "/sign-in/forgotten-password/check-your-email/"
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"

    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/sign-in/new-password/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    visit(page, link.group(0).replace("http://testserver", live_server.url))
    assert path_of(page).endswith("/set-password/")  # the token left the address

    # A password that is too short: the error summary, which GOV.UK Frontend focuses,
    # names the field and links to it.
    tab_until(page, is_field("id_new_password1"))
    page.keyboard.type("short")
    tab_until(page, is_field("id_new_password2"))
    page.keyboard.type("short")
    tab_until(page, is_button("Set new password"))
    press_enter_to_load(page)
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert "New password must be 12 characters or more" in summary.inner_text()
    page.wait_for_function("() => document.activeElement.classList.contains('govuk-error-summary')")
    tab_until(page, is_link("New password must be 12 characters or more"))
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'id_new_password1'")
    page.keyboard.type(NEW_PASSWORD)
    tab_until(page, is_field("id_new_password2"))
    page.keyboard.type(NEW_PASSWORD)
    tab_until(page, is_button("Set new password"))
    press_enter_to_load(page)
    assert path_of(page) == "/sign-in/password-changed/"
    assert "Your password has been changed" in page.inner_text("h1")

    tab_until(page, is_link("Sign in"))
    press_enter_to_load(page)
    assert path_of(page) == "/sign-in/"
    tab_until(page, is_field("id_username"))
    page.keyboard.type("ann.example")
    tab_until(page, is_field("id_password"))
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/dashboard/$"))
    axe_check(page)


def test_the_lockout_page_passes_axe(page, live_server, world):
    # Chromium logs each answer over 400 as a console error: 429 is expected here.
    allow_console_error(page, "status of 429")
    visit(page, f"{live_server.url}/sign-in/")
    for _ in range(10):
        page.get_by_label("Username", exact=True).fill("scot_social_worker")
        page.get_by_label("Password", exact=True).fill("not-the-password")
        with page.expect_navigation(wait_until="load") as navigation:
            page.get_by_role("button", name="Sign in").click()
    assert navigation.value.status == 429
    axe_check(page)
    assert page.title() == "You cannot sign in at the moment – selfdirect"
    assert "You can try again after" in page.inner_text("main")

    # The right password now gets the same page, which still passes.
    visit(page, f"{live_server.url}/sign-in/")
    page.get_by_label("Username", exact=True).fill("scot_social_worker")
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    with page.expect_navigation(wait_until="load") as navigation:
        page.get_by_role("button", name="Sign in").click()
    assert navigation.value.status == 429
    axe_check(page)
    assert page.get_by_role("link", name="Reset your password").is_visible()
