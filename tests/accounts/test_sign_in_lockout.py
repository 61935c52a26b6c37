"""Too many wrong passwords lock a username out at that address (django-axes), on our
sign-in page and the Django admin's; the lockout ends after the cool-off."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core.checks import run_checks
from django.test import Client
from django.urls import reverse

from selfdirect.accounts.lockout_views import clock_time
from selfdirect.accounts.lockouts import _ends_at
from selfdirect.accounts.models import SignInEvent
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SW = "scot_social_worker"
HERE = "198.51.100.20"
ELSEWHERE = "198.51.100.99"
WRONG = "not-the-password"
LONDON = ZoneInfo("Europe/London")


def sign_in(client: Client, username: str, password: str, address: str = HERE):
    return client.post(reverse("sign-in"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def fail(client: Client, username: str, times: int, address: str = HERE):
    response = None
    for _ in range(times):
        response = sign_in(client, username, WRONG, address)
    return response


def signed_in(client: Client) -> bool:
    return client.get(reverse("dashboard")).status_code == 200


def test_the_defaults_are_ten_failures_and_thirty_minutes():
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    # In the database, rolled back with each test: never a cache shared between tests.
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert [m for m in run_checks() if m.id.startswith("axes.")] == []


def test_ten_wrong_passwords_lock_the_username_out(client, world):
    for attempt in range(1, 10):
        response = sign_in(client, SW, WRONG)
        assert response.status_code == 200, attempt
        assert "Enter a correct username and password" in response.content.decode()
    tenth = sign_in(client, SW, WRONG)
    assert tenth.status_code == 429
    # Now even the right password is refused, with the same page.
    refused = sign_in(client, SW, TEST_PASSWORD)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "You cannot sign in at the moment" in page
    assert "You can try again after" in page
    assert reverse("password-reset") in page
    assert "social work office" in page and "administrator" in page
    assert "Traceback" not in page
    assert 1 <= int(refused["Retry-After"]) <= 30 * 60
    assert not signed_in(client)
    # Recorded: the lockout once (not again for the refused attempt), every failure.
    events = SignInEvent.objects.filter(username=SW)
    assert [(e.kind, e.failures, e.ip_address, e.account) for e in events] == [
        (SignInEvent.Kind.LOCKED_OUT, 10, HERE, world.user(SW))]
    assert AccessFailureLog.objects.filter(username=SW).count() == 10
    assert AccessFailureLog.objects.filter(username=SW, locked_out=True).count() == 1


def test_the_lockout_page_says_when_to_try_again(client, world):
    start = datetime.datetime(2027, 3, 2, 14, 5, tzinfo=LONDON)
    with time_machine.travel(start, tick=False):
        fail(client, SW, 10)
        page = sign_in(client, SW, TEST_PASSWORD).content.decode()
    assert "You can try again after 2:35pm (in 30 minutes)" in page


def test_a_lockout_is_for_that_username_at_that_address_only(client, world):
    fail(client, SW, 10)
    assert sign_in(client, SW, TEST_PASSWORD).status_code == 429
    # The same person from another address (a colleague's office, home) is not locked out,
    # and nobody else at this address is either: a shared office address is never blocked.
    elsewhere = Client()
    assert sign_in(elsewhere, SW, TEST_PASSWORD, ELSEWHERE).status_code == 302
    colleague = Client()
    assert sign_in(colleague, "scot_team_manager", TEST_PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_it(client, world):
    """The address is REMOTE_ADDR unless a proxy header is configured: a client that
    sends a different X-Forwarded-For with each try is still one address."""
    for n in range(10):
        client.post(reverse("sign-in"), {"username": SW, "password": WRONG}, REMOTE_ADDR=HERE,
                    HTTP_X_FORWARDED_FOR=f"203.0.113.{n}", HTTP_X_REAL_IP=f"203.0.113.{n}")
    assert sign_in(client, SW, TEST_PASSWORD).status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, world):
    start = datetime.datetime(2027, 3, 2, 9, 0, tzinfo=LONDON)
    with time_machine.travel(start, tick=False) as traveller:
        fail(client, SW, 10)
        traveller.shift(datetime.timedelta(minutes=20))
        # Trying while locked out is refused and does not push the end back.
        assert sign_in(client, SW, TEST_PASSWORD).status_code == 429
        traveller.shift(datetime.timedelta(minutes=9, seconds=59))
        assert sign_in(client, SW, TEST_PASSWORD).status_code == 429
        traveller.shift(datetime.timedelta(seconds=2))
        response = sign_in(client, SW, TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert signed_in(client)
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.LOCKED_OUT).count() == 1


def test_signing_in_clears_the_failures_before_it(client, world):
    fail(client, SW, 9)
    assert sign_in(client, SW, TEST_PASSWORD).status_code == 302
    client.post(reverse("sign-out"))
    fail(client, SW, 9)
    assert sign_in(client, SW, TEST_PASSWORD).status_code == 302


def test_the_django_admin_sign_in_is_protected_the_same_way(client, db):
    admin = UserFactory(username="site_admin", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(9):
        response = client.post(url, {"username": admin.username, "password": WRONG},
                               REMOTE_ADDR=HERE)
        assert response.status_code == 200
    assert client.post(url, {"username": admin.username, "password": WRONG},
                       REMOTE_ADDR=HERE).status_code == 429
    refused = client.post(url, {"username": admin.username, "password": TEST_PASSWORD},
                          REMOTE_ADDR=HERE)
    assert refused.status_code == 429
    assert "You cannot sign in at the moment" in refused.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # still not signed in
    assert SignInEvent.objects.filter(username="site_admin",
                                      kind=SignInEvent.Kind.LOCKED_OUT).count() == 1


def test_a_username_that_names_no_account_is_locked_out_too(client, db):
    fail(client, "no-such-person", 10)
    assert sign_in(client, "no-such-person", WRONG).status_code == 429
    event = SignInEvent.objects.get()
    assert (event.username, event.account) == ("no-such-person", None)


def test_the_test_clients_login_counts_towards_a_lockout_too(client, world):
    """tests/conftest.py gives Client.login a request, as the sign-in page has."""
    for _ in range(10):
        assert not client.login(username=SW, password=WRONG)
    assert not client.login(username=SW, password=TEST_PASSWORD)
    assert AccessAttempt.objects.get(username=SW).ip_address == "127.0.0.1"


def test_failures_of_one_test_are_gone_in_the_next(db):
    """Runs after the tests above in file order: their attempts were rolled back."""
    assert not AccessAttempt.objects.exists()


def test_when_a_lockout_ends_counts_newest_failures_first():
    t = datetime.datetime(2027, 1, 1, 12, 0, tzinfo=datetime.UTC)
    window = datetime.timedelta(minutes=30)
    minute = datetime.timedelta(minutes=1)
    assert _ends_at([(t, 10)], 10, window) == t + window
    assert _ends_at([(t, 9)], 10, window) is None
    # Two browsers: 6 failures ending at t, 4 more ending at t+5. The 10 hold until the
    # older row drops out, 30 minutes after t.
    assert _ends_at([(t, 6), (t + 5 * minute, 4)], 10, window) == t + window
    # 12 failures in the newer row alone hold until it drops out.
    assert _ends_at([(t, 3), (t + 5 * minute, 12)], 10, window) == t + 5 * minute + window


def test_clock_times_read_the_govuk_way():
    day = datetime.datetime(2027, 3, 2, 9, 5, tzinfo=LONDON)
    with time_machine.travel(day, tick=False):
        assert clock_time(day) == "9:05am"
        assert clock_time(day.replace(hour=12, minute=0)) == "12:00pm"
        assert clock_time(day.replace(hour=0, minute=30)) == "12:30am"
        assert clock_time(day + datetime.timedelta(days=1)) == "9:05am on Wednesday 3 March"
