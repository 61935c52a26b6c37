"""The second factor for staff by keyboard alone, each page checked by axe.

A social worker signs in for the first time with ``STAFF_SECOND_FACTOR`` on: the password
leads to setting up an authenticator app. The code is worked out from the key as the page
writes it out (what a screen-reader user types into their app), so the written key is
proved to be the right one. A code left empty gets the GOV.UK error summary. The recovery
codes are shown once; the next sign-in asks for the 6-digit code."""

from __future__ import annotations

import base64
import time
from typing import Any

from django_otp.oath import TOTP

from tests.browser.conftest import navigated, visit
from tests.browser.test_keyboard import path_of, tab_until
from tests.browser.test_sign_in_protection import is_button, is_field, is_link
from tests.factories import TEST_PASSWORD

SW = "scot_social_worker"
ENROL = "/sign-in/authenticator-app/set-up/"
VERIFY = "/sign-in/authenticator-app/"


def code_from_written_key(written: str, steps_ahead: int = 0) -> str:
    key = written.replace(" ", "")
    key += "=" * (-len(key) % 8)
    totp = TOTP(base64.b32decode(key))
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def press_enter_to_load(page: Any) -> None:
    navigated(page, lambda: page.keyboard.press("Enter"))


def sign_in_by_keyboard(page: Any, live_server: Any) -> None:
    visit(page, f"{live_server.url}/sign-in/")
    tab_until(page, is_field("id_username"))
    page.keyboard.type(SW)
    tab_until(page, is_field("id_password"))
    page.keyboard.type(TEST_PASSWORD)
    press_enter_to_load(page)


def test_set_up_an_app_and_sign_in_with_it_by_keyboard(page, live_server, world, settings):
    settings.STAFF_SECOND_FACTOR = True
    sign_in_by_keyboard(page, live_server)
    assert path_of(page) == ENROL
    assert page.title() == "Set up an authenticator app – selfdirect"
    qr = page.get_by_role("img", name="QR code to add selfdirect to your authenticator app",
                          exact=False)
    assert qr.count() == 1
    written = page.locator("#secret-key").inner_text()
    assert len(written.replace(" ", "")) == 32

    # Nothing typed: the error summary names the field and links to it.
    tab_until(page, is_field("id_code"))
    tab_until(page, is_button("Continue"))
    press_enter_to_load(page)
    assert page.title().startswith("Error: ")
    assert "Enter the 6-digit code" in page.locator(".govuk-error-summary").inner_text()
    page.wait_for_function(
        "() => document.activeElement.classList.contains('govuk-error-summary')")
    tab_until(page, is_link("Enter the 6-digit code"))
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'id_code'")
    page.keyboard.type(code_from_written_key(written))
    press_enter_to_load(page)

    assert page.get_by_role("heading", level=1).inner_text() == "Your authenticator app is set up"
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    tab_until(page, is_link("I have saved my recovery codes"))
    press_enter_to_load(page)
    assert path_of(page) == "/dashboard/"

    # Sign out, and in again: now the 6-digit code is asked for.
    tab_until(page, is_button("Sign out"))
    press_enter_to_load(page)
    sign_in_by_keyboard(page, live_server)
    assert path_of(page) == VERIFY
    assert page.title() == "Enter the 6-digit code from your authenticator app – selfdirect"
    # The way to a recovery code, and back, by keyboard.
    tab_until(page, is_link("Use a recovery code instead"))
    press_enter_to_load(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Enter a recovery code"
    assert "You have 10 recovery codes left" in page.locator("main").inner_text()
    tab_until(page, is_link("Use your authenticator app instead"))
    press_enter_to_load(page)
    assert path_of(page) == VERIFY
    tab_until(page, is_field("id_code"))
    page.keyboard.type(code_from_written_key(written, steps_ahead=1))
    press_enter_to_load(page)
    assert path_of(page) == "/dashboard/"

    visit(page, f"{live_server.url}/account/authenticator-app/")
    assert "Recovery codes left" in page.locator("main").inner_text()
