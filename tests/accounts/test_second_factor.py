"""The second factor for staff: an authenticator app (TOTP) after the password, recovery
codes, the administrators' reset, and the Django admin behind it (docs/security.md).

The suite runs with ``STAFF_SECOND_FACTOR`` off (tests/conftest.py); these tests turn it
on. Codes are computed from the device's own key, as the app on a phone would, never
mocked."""

from __future__ import annotations

import base64
import datetime
import json
import re
import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from selfdirect.accounts.models import SignInEvent
from selfdirect.accounts.services import api_token_create
from selfdirect.audit.models import AccessLog
from tests.factories import TEST_PASSWORD, UserFactory
from tests.test_settings import _manage

pytestmark = pytest.mark.django_db

SW = "scot_social_worker"


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.STAFF_SECOND_FACTOR = True


def wrong_code_for(device: TOTPDevice) -> str:
    """A code that is wrong by construction: none of those the app shows from two periods
    before to two after now (wider than the tolerance the check allows)."""
    near = {code_for(device, steps_ahead=ahead) for ahead in range(-2, 3)}
    return next(code for code in (f"{n:06d}" for n in range(10)) if code not in near)


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the app shows now (or ``steps_ahead`` periods of 30 seconds from now: a code
    is accepted once, and the next period's is accepted early)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def signed_in(username: str, **kwargs) -> Client:
    client = Client(**kwargs)
    assert client.login(username=username, password=TEST_PASSWORD)
    return client


def app_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def verified(username: str, user) -> Client:
    """A session that has given the password and a code from the account's app."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or app_for(user)
    client = signed_in(username)
    response = client.post(reverse("second-factor-verify"), {"code": code_for(device)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def text(response) -> str:
    return response.content.decode()


def sign_out(client: Client) -> None:
    client.post(reverse("sign-out"))


# --- Enforcement -------------------------------------------------------------------------


def test_staff_without_a_second_factor_reach_no_page_and_no_session_api_write(cast):
    users, person = cast
    client = signed_in(SW)
    for url in (reverse("dashboard"), reverse("person-detail", args=[person.pk]),
                reverse("token-list"), reverse("second-factor")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == (f"{reverse('second-factor-enrol')}?next="
                                         + url.replace("/", "%2F"))
    response = client.patch(f"/api/people/{person.pk}", json.dumps({"given_name": "Hacked"}),
                            content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": response.json()["detail"], "errors": {}}
    assert "6-digit code" in response.json()["detail"]
    assert client.get("/api/people").status_code == 403
    person.refresh_from_db()
    assert person.given_name != "Hacked"
    # The refusal of the API call is in the access log, like every refusal.
    assert AccessLog.objects.filter(user=users[SW], path=f"/api/people/{person.pk}",
                                    outcome=AccessLog.Outcome.DENIED).exists()
    # Public pages, signing out and the second factor's own pages stay open.
    assert client.get(reverse("accessibility")).status_code == 200
    assert client.get(reverse("second-factor-enrol")).status_code == 200
    assert client.post(reverse("sign-out")).status_code == 302


def test_staff_with_an_app_are_asked_for_the_code_and_then_get_in(cast):
    users, person = cast
    device = app_for(users[SW])
    client = signed_in(SW)
    response = client.get(reverse("person-detail", args=[person.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second-factor-verify") + "?next=")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Enter the 6-digit code from your authenticator app" in text(page)
    assert "Use a recovery code instead" in text(page)
    assert 'autocomplete="one-time-code"' in text(page)
    # No menu before the code: every link in it would come back here.
    assert page.context["nav_items"] == []
    answer = client.post(response["Location"], {
        "code": code_for(device), "next": reverse("person-detail", args=[person.pk])})
    assert answer.status_code == 302
    assert answer["Location"] == reverse("person-detail", args=[person.pk])
    assert client.get(reverse("person-detail", args=[person.pk])).status_code == 200
    assert client.get(reverse("dashboard")).status_code == 200
    response = client.patch(f"/api/people/{person.pk}", json.dumps({"given_name": "Morag"}),
                            content_type="application/json")
    assert response.status_code == 200, response.content


def test_next_must_be_on_this_site(world):
    device = app_for(world.user(SW))
    client = signed_in(SW)
    response = client.post(reverse("second-factor-verify"), {
        "code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("dashboard")


def test_a_bearer_token_is_its_own_credential(world):
    _, raw = api_token_create(user=world.user(SW), name="Returns")
    assert Client().get("/api/people", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    # With an unverified session as well, the valid token still answers; a wrong token
    # does not get round the second factor by falling back to the session.
    client = signed_in(SW)
    assert client.get("/api/people", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert client.get("/api/people", HTTP_AUTHORIZATION="Bearer sd_wrong").status_code == 403


# --- Setting up an app -------------------------------------------------------------------


def test_set_up_an_app_end_to_end(world):
    user = world.user(SW)
    client = signed_in(SW, enforce_csrf_checks=False)
    first = client.get(reverse("dashboard"))
    page = client.get(first["Location"])
    assert page.status_code == 200
    body = text(page)
    assert "Set up an authenticator app" in body
    assert 'src="data:image/svg+xml' in body
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    written = re.search(r'<code id="secret-key" class="sd-secret-key">([A-Z2-7 ]+)</code>', body)
    assert written and written.group(1).replace(" ", "") == secret
    assert "otpauth://" not in body  # the QR code is an image, not a link
    # Opening the page again shows the same key.
    assert secret in text(client.get(reverse("second-factor-enrol"))).replace(" ", "")

    wrong = client.post(reverse("second-factor-enrol"),
                        {"code": wrong_code_for(device), "next": "/dashboard/"})
    assert wrong.status_code == 200
    assert "The 6-digit code is not correct" in text(wrong)
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=2),
                             tick=True):
        done = client.post(reverse("second-factor-enrol"),
                           {"code": code_for(device), "next": "/dashboard/"})
        assert done.status_code == 200
        assert "Your authenticator app is set up" in text(done)
        codes = done.context["codes"]
        assert len(codes) == 10 and len(set(codes)) == 10
        for code in codes:
            assert f"<code>{code}</code>" in text(done)
        assert done["Cache-Control"].startswith("max-age=0") or "no-store" in done["Cache-Control"]
        assert TOTPDevice.objects.get(pk=device.pk).confirmed
        assert StaticToken.objects.filter(device__user=user).count() == 10
        assert SignInEvent.objects.filter(kind=SignInEvent.Kind.SECOND_FACTOR_ADDED,
                                          account=user).exists()
        # The session is verified with the new app.
        assert client.get(reverse("dashboard")).status_code == 200
        # The page to set one up does not replace the app now.
        assert client.get(reverse("second-factor-enrol"))["Location"] == reverse("second-factor")

        # The next sign-in asks for the code.
        sign_out(client)
        client = signed_in(SW)
        assert client.get(reverse("dashboard"))["Location"].startswith(
            reverse("second-factor-verify"))
        # Someone with only the password cannot set up another app.
        assert client.get(reverse("second-factor-enrol"))["Location"].startswith(
            reverse("second-factor-verify"))
        response = client.post(reverse("second-factor-verify"),
                               {"code": code_for(device, steps_ahead=1), "next": "/dashboard/"})
        assert response["Location"] == "/dashboard/"
        assert client.get(reverse("dashboard")).status_code == 200


def test_a_code_is_accepted_once(world):
    device = app_for(world.user(SW))
    code = code_for(device)
    first = signed_in(SW)
    assert first.post(reverse("second-factor-verify"), {"code": code}).status_code == 302
    again = signed_in(SW)
    assert again.post(reverse("second-factor-verify"), {"code": code}).status_code == 200


def test_a_wrong_code_is_refused_with_a_message_and_throttled(world):
    device = app_for(world.user(SW))
    client = signed_in(SW)
    right = code_for(device)
    wrong = wrong_code_for(device)
    response = client.post(reverse("second-factor-verify"), {"code": wrong})
    assert response.status_code == 200
    body = text(response)
    assert response.context["form"].errors["code"] == [
        "The 6-digit code is not correct. Enter the code your app shows now"]
    assert "<title>Error: Enter the 6-digit code" in body
    assert '<a href="#id_code">The 6-digit code is not correct' in body
    # django-otp's throttling: straight after a wrong code, even the right one is not
    # checked, and the message says how long to wait.
    throttled = client.post(reverse("second-factor-verify"), {"code": right})
    assert throttled.context["form"].errors["code"] == [
        "You entered a wrong 6-digit code too many times. Wait 1 second, then try again"]
    assert client.get(reverse("dashboard")).status_code == 302
    for typed, message in (("", "Enter the 6-digit code"),
                           ("12ab56", "The 6-digit code must be numbers only"),
                           ("12345", "The 6-digit code must be 6 numbers")):
        response = client.post(reverse("second-factor-verify"), {"code": typed})
        assert response.context["form"].errors["code"] == [message]


# --- Recovery codes ----------------------------------------------------------------------


def test_a_recovery_code_works_once(world):
    user = world.user(SW)
    app_for(user)
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    StaticToken.objects.create(device=static, token="efgh6789")

    client = signed_in(SW)
    page = client.get(reverse("second-factor-recovery"))
    assert "You have 2 recovery codes left" in text(page)
    response = client.post(reverse("second-factor-recovery"),
                           {"code": "ABCD 2345", "next": "/dashboard/"})
    assert response["Location"] == "/dashboard/"
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200
    assert "You signed in with a recovery code. You have 1 recovery code left." in text(dashboard)

    sign_out(client)
    client = signed_in(SW)
    refused = client.post(reverse("second-factor-recovery"), {"code": "abcd2345"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["code"] == [
        "Recovery code is not correct or has been used. Check it, or enter another"]
    assert client.get("/dashboard/").status_code == 302
    bad = client.post(reverse("second-factor-recovery"), {"code": "abc"})
    assert bad.context["form"].errors["code"] == ["Recovery code must be 8 letters and numbers"]


# --- Not staff -----------------------------------------------------------------------------


def test_the_person_is_not_forced_but_may_choose_it(cast):
    users, person = cast
    client = signed_in("the_person")
    assert client.get(reverse("portal-home")).status_code == 200
    status = client.get(reverse("second-factor"))
    assert status.status_code == 200
    assert "Set up an authenticator app" in text(status)
    page = client.get(reverse("second-factor-enrol"))
    assert page.status_code == 200
    assert page.context["nav_items"]  # not forced: the menu stays
    device = TOTPDevice.objects.get(user=users["the_person"], confirmed=False)
    done = client.post(reverse("second-factor-enrol"), {"code": code_for(device)})
    assert "Your authenticator app is set up" in text(done)

    # Having chosen it, they are asked for the code at every sign-in.
    sign_out(client)
    client = signed_in("the_person")
    assert client.get(reverse("portal-home"))["Location"].startswith(
        reverse("second-factor-verify"))
    client.post(reverse("second-factor-verify"), {"code": code_for(device, steps_ahead=1)})
    assert client.get(reverse("portal-home")).status_code == 200


def test_the_header_links_to_your_authenticator_app(world):
    client = verified(SW, world.user(SW))
    body = text(client.get(reverse("dashboard")))
    assert f'href="{reverse("second-factor")}">Your authenticator app</a>' in body


# --- The administrators' reset -------------------------------------------------------------


def test_an_administrator_resets_a_lost_app(world):
    worker = world.user(SW)
    app_for(worker)
    worker_session = verified(SW, worker)
    admin = world.user("scot_administrator")
    client = verified("scot_administrator", admin)
    client.handler.enforce_csrf_checks = True

    listing = client.get(reverse("second-factor-resets"))
    assert listing.status_code == 200
    assert worker in listing.context["accounts"]
    url = reverse("second-factor-reset", args=[worker.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Reset the authenticator app of" in text(confirm)
    # The reset is a POST with the CSRF token.
    assert client.post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=worker).exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(confirm)).group(1)
    done = client.post(url, {"csrfmiddlewaretoken": token})
    assert done["Location"] == reverse("second-factor-resets")
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert not StaticDevice.objects.filter(user=worker).exists()
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.SECOND_FACTOR_RESET)
    assert (event.account, event.actor, event.username) == (worker, admin, SW)
    assert event.at is not None
    # The worker's session, verified with the lost app, must set up a new one.
    assert worker_session.get(reverse("dashboard"))["Location"].startswith(
        reverse("second-factor-enrol"))
    # Gone from the list; the reset is in the recent resets.
    listing = client.get(reverse("second-factor-resets"))
    assert worker not in listing.context["accounts"]
    assert event in listing.context["events"]


def test_a_social_worker_is_refused_the_reset(world):
    target = world.user("scot_team_manager")
    app_for(target)
    client = verified(SW, world.user(SW))
    url = reverse("second-factor-reset", args=[target.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()


def test_another_authoritys_administrator_does_not_find_it(world):
    target = world.user(SW)
    app_for(target)
    eng_admin = world.user("eng_administrator")
    client = verified("eng_administrator", eng_admin)
    url = reverse("second-factor-reset", args=[target.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert TOTPDevice.objects.filter(user=target).exists()
    assert target not in client.get(reverse("second-factor-resets")).context["accounts"]
    refused = SignInEvent.objects.filter(kind=SignInEvent.Kind.SECOND_FACTOR_RESET_REFUSED,
                                         account=target, actor=eng_admin)
    assert refused.count() == 2


# --- The Django admin ----------------------------------------------------------------------


def test_the_django_admin_needs_the_second_factor(db):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    response = client.post("/django-admin/login/?next=/django-admin/",
                           {"username": "root", "password": TEST_PASSWORD,
                            "next": "/django-admin/"}, REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 302
    answer = client.get("/django-admin/")
    assert answer.status_code == 302
    assert answer["Location"] == f"{reverse('second-factor-enrol')}?next=%2Fdjango-admin%2F"
    assert client.get("/django-admin/accounts/signinevent/").status_code == 302

    device = TOTPDevice.objects.create(user=UserFactory._meta.model.objects.get(username="root"),
                                       name="Authenticator app", confirmed=True)
    answer = client.get("/django-admin/")
    assert answer["Location"].startswith(reverse("second-factor-verify"))
    client.post(reverse("second-factor-verify"), {"code": code_for(device),
                                                 "next": "/django-admin/"})
    assert client.get("/django-admin/").status_code == 200


# --- Settings --------------------------------------------------------------------------------

PRINT = "from django.conf import settings as s; print(s.STAFF_SECOND_FACTOR)"
PRODUCTION = {"SELFDIRECT_ENV": "production", "ALLOWED_HOSTS": "selfdirect.example.org",
              "SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
              "EMAIL_HOST": "smtp.example.org", "DEFAULT_FROM_EMAIL": "sd@example.org"}


def test_the_setting_is_on_unless_turned_off_and_production_refuses_it_off():
    on = _manage("shell", "--no-imports", "-c", PRINT)
    assert on.returncode == 0, on.stderr
    assert on.stdout.strip() == "True"
    off = _manage("shell", "--no-imports", "-c", PRINT, STAFF_SECOND_FACTOR="false")
    assert off.stdout.strip() == "False"
    refused = _manage("check", **PRODUCTION, STAFF_SECOND_FACTOR="false")
    assert refused.returncode != 0
    assert "STAFF_SECOND_FACTOR cannot be turned off in production" in refused.stderr
    bad = _manage("check", STAFF_SECOND_FACTOR="maybe")
    assert bad.returncode != 0
    assert "STAFF_SECOND_FACTOR must be true or false" in bad.stderr


def test_make_demo_turns_it_off():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "STAFF_SECOND_FACTOR=false" in demo
