"""Your own second factor: new recovery codes, and replacing your authenticator app, each
after a code from the app you have now or a recovery code (docs/security.md, "Second
factor for staff").

Codes are worked out from each device's key, as the app on a phone would, never mocked.
The clock is moved on 30 seconds at a time where a test needs a fresh code (an app's code
is accepted once) or must wait out django-otp's throttling after a wrong one."""

from __future__ import annotations

import datetime
import re
import time

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from selfdirect.accounts.models import SignInEvent
from tests.accounts.test_second_factor import (
    app_for,
    code_for,
    sign_out,
    signed_in,
    text,
    verified,
    wrong_code_for,
)

pytestmark = pytest.mark.django_db

SW = "scot_social_worker"
OLD_CODES = ("abcd2345", "efgh6789", "jkmn2345")


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.STAFF_SECOND_FACTOR = True


@pytest.fixture
def clock():
    """Time that moves only when told (``clock.shift(seconds)``)."""
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as traveller:
        yield traveller


def later(clock, seconds: int = 31) -> None:
    clock.shift(datetime.timedelta(seconds=seconds))


@pytest.fixture
def worker(world):
    """A social worker with an app and three recovery codes."""
    user = world.user(SW)
    app_for(user)
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for token in OLD_CODES:
        StaticToken.objects.create(device=static, token=token)
    return user


def code_from_key(device: TOTPDevice) -> str:
    """What an app set up with ``device``'s key shows now, even once the device is gone."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def tokens(user) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def errors(response) -> list[str]:
    return list(response.context["form"].errors.get("code", []))


# --- The pages are for an account with an app, in a verified session -------------------------


def test_your_authenticator_app_links_to_both(worker, clock):
    client = verified(SW, worker)
    body = text(client.get(reverse("second-factor")))
    assert f'href="{reverse("second-factor-new-codes")}"' in body
    assert f'href="{reverse("second-factor-replace")}"' in body
    assert "Make new recovery codes" in body and "Replace your authenticator app" in body


@pytest.mark.parametrize("page", ["second-factor-new-codes", "second-factor-replace",
                                  "second-factor-replace-new"])
def test_someone_with_only_the_password_is_asked_for_the_code_first(worker, page):
    client = signed_in(SW)
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second-factor-verify") + "?next=")
    assert client.post(reverse(page), {"code": "123456"}).status_code == 302
    assert tokens(worker) == set(OLD_CODES)
    assert TOTPDevice.objects.filter(user=worker).count() == 1


@pytest.mark.parametrize("page", ["second-factor-new-codes", "second-factor-replace",
                                  "second-factor-replace-new"])
def test_an_account_without_an_app_is_sent_to_set_one_up(cast, page):
    client = signed_in("the_person")
    response = client.get(reverse(page))
    assert response["Location"] == reverse("second-factor")


def test_an_app_set_up_since_signing_in_needs_its_code_here_too(cast, clock):
    """Not forced to use an app, the person set one up in another session: this session,
    which has not given a code, is asked for one before these pages."""
    users, _person = cast
    client = signed_in("the_person")
    app_for(users["the_person"])
    response = client.get(reverse("second-factor-new-codes"))
    assert response["Location"] == (f"{reverse('second-factor-verify')}?next="
                                    + reverse("second-factor-new-codes").replace("/", "%2F"))


# --- New recovery codes ------------------------------------------------------------------------


def test_new_recovery_codes_after_a_code_from_the_app(worker, clock):
    device = TOTPDevice.objects.get(user=worker)
    client = verified(SW, worker)
    url = reverse("second-factor-new-codes")
    page = client.get(url)
    assert page.status_code == 200
    assert "<h1 class=\"govuk-heading-l\">Make new recovery codes</h1>" in text(page)
    assert "You have 3 recovery codes left" in text(page)
    assert 'autocomplete="one-time-code"' in text(page)

    later(clock)
    wrong = client.post(url, {"code": wrong_code_for(device)})
    assert wrong.status_code == 200
    assert errors(wrong) == ["The 6-digit code is not correct. Enter the code your app shows now"]
    assert "<title>Error: Make new recovery codes" in text(wrong)
    assert '<a href="#id_code">The 6-digit code is not correct' in text(wrong)
    # Straight after a wrong code, even the right one is not checked (django-otp).
    throttled = client.post(url, {"code": code_for(device)})
    assert errors(throttled) == [
        "You entered a wrong 6-digit code too many times. Wait 1 second, then try again"]
    for typed, message in (("", "Enter the 6-digit code"),
                           ("12345", "The 6-digit code must be 6 numbers")):
        assert errors(client.post(url, {"code": typed})) == [message]
    assert tokens(worker) == set(OLD_CODES)
    assert not SignInEvent.objects.filter(kind=SignInEvent.Kind.RECOVERY_CODES_RENEWED).exists()

    later(clock)
    done = client.post(url, {"code": code_for(device)})
    assert done.status_code == 200
    assert "You have new recovery codes" in text(done)
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert f"<code>{code}</code>" in text(done)
    assert "no-store" in done["Cache-Control"] or done["Cache-Control"].startswith("max-age=0")
    assert tokens(worker) == set(codes)  # the old ones stop working
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.RECOVERY_CODES_RENEWED)
    assert (event.account, event.actor, event.username, event.ip_address) == (
        worker, worker, SW, "127.0.0.1")
    assert TOTPDevice.objects.filter(user=worker, confirmed=True).count() == 1  # app kept

    # At the next sign-in an old code is refused and a new one works.
    sign_out(client)
    client = signed_in(SW)
    assert errors(client.post(reverse("second-factor-recovery"), {"code": OLD_CODES[1]})) == [
        "Recovery code is not correct or has been used. Check it, or enter another"]
    later(clock, 2)
    assert client.post(reverse("second-factor-recovery"),
                       {"code": codes[0], "next": "/dashboard/"})["Location"] == "/dashboard/"


def test_new_recovery_codes_after_a_recovery_code(worker, clock):
    client = verified(SW, worker)
    url = reverse("second-factor-new-codes")
    page = client.get(url)
    switch = re.search(r'href="([^"]*using=recovery-code[^"]*)">Use a recovery code instead',
                       text(page))
    assert switch, text(page)
    recovery_url = switch.group(1).replace("&amp;", "&")
    page = client.get(recovery_url)
    assert "Enter one of your recovery codes" in text(page)
    assert "Use your authenticator app instead" in text(page)

    wrong = client.post(recovery_url, {"code": "zzzz9999"})
    assert errors(wrong) == [
        "Recovery code is not correct or has been used. Check it, or enter another"]
    later(clock, 2)
    assert errors(client.post(recovery_url, {"code": "abc"})) == [
        "Recovery code must be 8 letters and numbers"]
    assert tokens(worker) == set(OLD_CODES)

    done = client.post(recovery_url, {"code": "ABCD-2345"})
    assert done.status_code == 200
    assert tokens(worker) == set(done.context["codes"])
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.RECOVERY_CODES_RENEWED,
                                      account=worker).count() == 1


def test_with_no_recovery_codes_left_the_page_says_so(worker, clock):
    StaticToken.objects.filter(device__user=worker).delete()
    client = verified(SW, worker)
    page = client.get(reverse("second-factor-new-codes"))
    assert "Use a recovery code instead" not in text(page)
    by_recovery = client.get(reverse("second-factor-new-codes") + "?using=recovery-code")
    assert "You have no recovery codes left" in text(by_recovery)
    assert 'name="code"' not in text(by_recovery)


# --- Replacing your app ------------------------------------------------------------------------


def test_replace_your_app_end_to_end(worker, clock):
    old = TOTPDevice.objects.get(user=worker)
    client = verified(SW, worker)
    later(clock)
    elsewhere = verified(SW, worker)  # another session, verified with the old app
    start = reverse("second-factor-replace")
    new_app = reverse("second-factor-replace-new")

    page = client.get(start)
    assert page.status_code == 200
    assert "Replace your authenticator app" in text(page)
    # The new app's page is not open before a code is given.
    assert client.get(new_app)["Location"] == start
    later(clock)
    wrong = client.post(start, {"code": wrong_code_for(old)})
    assert errors(wrong) == ["The 6-digit code is not correct. Enter the code your app shows now"]
    assert client.get(new_app)["Location"] == start
    assert TOTPDevice.objects.filter(user=worker).count() == 1

    later(clock)
    right = client.post(start, {"code": code_for(old)})
    assert right["Location"] == new_app
    setup = client.get(new_app)
    assert setup.status_code == 200
    body = text(setup)
    assert "Set up your new authenticator app" in body
    assert 'src="data:image/svg+xml' in body
    new = TOTPDevice.objects.get(user=worker, confirmed=False)
    written = re.search(r'<code id="secret-key" class="sd-secret-key">([A-Z2-7 ]+)</code>', body)
    assert written and written.group(1).replace(" ", "") != old.key
    # Until the new app is confirmed, the old one still works.
    assert TOTPDevice.objects.get(pk=old.pk).confirmed
    later(clock)
    assert elsewhere.get(reverse("dashboard")).status_code == 200
    again = signed_in(SW)
    assert again.post(reverse("second-factor-verify"), {"code": code_for(old)}).status_code == 302

    wrong_new = client.post(new_app, {"code": wrong_code_for(new)})
    assert errors(wrong_new) == [
        "The 6-digit code is not correct. Enter the code your app shows now"]
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    assert not TOTPDevice.objects.get(pk=new.pk).confirmed

    later(clock)
    done = client.post(new_app, {"code": code_for(new)})
    assert done["Location"] == reverse("second-factor")
    status = client.get(done["Location"])
    assert "Your new authenticator app is set up" in text(status)
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.get(pk=new.pk).confirmed
    assert tokens(worker) == set(OLD_CODES)  # the recovery codes stay
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.SECOND_FACTOR_REPLACED)
    assert (event.account, event.actor, event.username) == (worker, worker, SW)
    # This session goes on, verified with the new app; one verified with the old app must
    # give a code again.
    assert client.get(reverse("dashboard")).status_code == 200
    assert elsewhere.get(reverse("dashboard"))["Location"].startswith(
        reverse("second-factor-verify"))
    # The next sign-in takes the new app's code, not the old one's.
    later(clock)
    fresh = signed_in(SW)
    gone = code_from_key(old)  # what the old app shows now
    assert fresh.post(reverse("second-factor-verify"), {"code": gone}).status_code == 200
    later(clock, 2)
    assert fresh.post(reverse("second-factor-verify"), {"code": code_for(new)}).status_code == 302
    # The step cannot be repeated without a new code.
    assert client.get(new_app)["Location"] == start


def test_replace_a_lost_app_with_a_recovery_code(worker, clock):
    """Signed in with one recovery code, the worker replaces the lost app with another."""
    client = signed_in(SW)
    assert client.post(reverse("second-factor-recovery"), {"code": OLD_CODES[0]}).status_code == 302
    start = reverse("second-factor-replace") + "?using=recovery-code"
    used = client.post(start, {"code": OLD_CODES[0]})
    assert errors(used) == [
        "Recovery code is not correct or has been used. Check it, or enter another"]
    later(clock, 2)
    assert client.post(start, {"code": OLD_CODES[1]})["Location"] == reverse(
        "second-factor-replace-new")
    assert tokens(worker) == {OLD_CODES[2]}  # each code works once
    new = TOTPDevice.objects.get(user=worker, confirmed=False)
    done = client.post(reverse("second-factor-replace-new"), {"code": code_for(new)})
    assert done["Location"] == reverse("second-factor")
    assert list(TOTPDevice.objects.filter(user=worker)) == [new]
    assert TOTPDevice.objects.get(pk=new.pk).confirmed


def test_the_new_app_must_be_set_up_within_ten_minutes(worker, clock):
    old = TOTPDevice.objects.get(user=worker)
    client = verified(SW, worker)
    later(clock)
    assert client.post(reverse("second-factor-replace"), {"code": code_for(old)}).status_code == 302
    new = TOTPDevice.objects.get(user=worker, confirmed=False)
    later(clock, 10 * 60 + 1)
    late = client.post(reverse("second-factor-replace-new"), {"code": code_for(new)})
    assert late["Location"] == reverse("second-factor-replace")
    assert TOTPDevice.objects.get(pk=old.pk).confirmed
    assert not TOTPDevice.objects.get(pk=new.pk).confirmed
    assert not SignInEvent.objects.filter(kind=SignInEvent.Kind.SECOND_FACTOR_REPLACED).exists()


def test_starting_again_makes_a_new_key(worker, clock):
    old = TOTPDevice.objects.get(user=worker)
    client = verified(SW, worker)
    later(clock)
    client.post(reverse("second-factor-replace"), {"code": code_for(old)})
    first = TOTPDevice.objects.get(user=worker, confirmed=False)
    later(clock)
    client.post(reverse("second-factor-replace"), {"code": code_for(old)})
    second = TOTPDevice.objects.get(user=worker, confirmed=False)
    assert second.pk != first.pk and second.key != first.key


def test_an_administrator_reset_during_a_replacement_ends_it(world, worker, clock):
    from selfdirect.accounts.second_factor import second_factor_reset

    old = TOTPDevice.objects.get(user=worker)
    client = verified(SW, worker)
    later(clock)
    client.post(reverse("second-factor-replace"), {"code": code_for(old)})
    second_factor_reset(actor=world.user("scot_administrator"), account=worker)
    assert not TOTPDevice.objects.filter(user=worker).exists()
    response = client.get(reverse("second-factor-replace-new"))
    assert response["Location"].startswith(reverse("second-factor-enrol"))
