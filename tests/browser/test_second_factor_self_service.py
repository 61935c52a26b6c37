"""New recovery codes, and replacing your authenticator app, by keyboard alone, each page
checked by axe (tests/accounts/test_second_factor_self_service.py has every path).

A social worker with an app signs in with its code, makes new recovery codes with the
next code, then replaces the app with one of the new recovery codes: the new app's first
code is worked out from the key as the page writes it out."""

from __future__ import annotations

import base64

from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import visit
from tests.browser.test_keyboard import path_of, tab_until
from tests.browser.test_second_factor import (
    SW,
    VERIFY,
    code_from_written_key,
    press_enter_to_load,
    sign_in_by_keyboard,
)
from tests.browser.test_sign_in_protection import is_button, is_field, is_link

STATUS = "/account/authenticator-app/"


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    return code_from_written_key(base64.b32encode(device.bin_key).decode().rstrip("="),
                                 steps_ahead)


def test_new_recovery_codes_then_a_new_app_by_keyboard(page, live_server, world, settings):
    settings.STAFF_SECOND_FACTOR = True
    old = TOTPDevice.objects.create(user=world.user(SW), name="Authenticator app",
                                    confirmed=True)
    sign_in_by_keyboard(page, live_server)
    assert path_of(page) == VERIFY
    tab_until(page, is_field("id_code"))
    page.keyboard.type(code_of(old))
    press_enter_to_load(page)

    visit(page, STATUS)
    tab_until(page, is_link("Make new recovery codes"))
    press_enter_to_load(page)
    assert page.title() == "Make new recovery codes – selfdirect"
    tab_until(page, is_field("id_code"))
    page.keyboard.type(code_of(old, steps_ahead=1))  # the sign-in's code is used
    press_enter_to_load(page)
    assert page.get_by_role("heading", level=1).inner_text() == "You have new recovery codes"
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    tab_until(page, is_link("I have saved my recovery codes"))
    press_enter_to_load(page)
    assert path_of(page) == STATUS

    tab_until(page, is_link("Replace your authenticator app"))
    press_enter_to_load(page)
    assert page.title() == "Replace your authenticator app – selfdirect"
    tab_until(page, is_link("Use a recovery code instead"))
    press_enter_to_load(page)
    tab_until(page, is_field("id_code"))
    page.keyboard.type(codes[0])
    tab_until(page, is_button("Continue"))
    press_enter_to_load(page)
    assert path_of(page) == STATUS + "replace/new-app/"
    assert page.title() == "Set up your new authenticator app – selfdirect"
    written = page.locator("#secret-key").inner_text()
    tab_until(page, is_field("id_code"))
    page.keyboard.type(code_from_written_key(written))
    press_enter_to_load(page)
    assert path_of(page) == STATUS
    assert "Your new authenticator app is set up" in page.locator("main").inner_text()
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
