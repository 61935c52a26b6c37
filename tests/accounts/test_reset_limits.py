"""A limit on password reset emails: per email address and per client address, in the
cache. Over it, nothing is sent and the page answers exactly as always (docs/security.md,
"Forgotten password")."""

from __future__ import annotations

import datetime
import logging
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from selfdirect.accounts.models import SignInEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HERE = "198.51.100.20"


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    settings.PASSWORD_RESET_LIMIT_PER_IP = 5
    settings.PASSWORD_RESET_LIMIT_WINDOW_MINUTES = 60


@pytest.fixture
def ann(db):
    return UserFactory(username="ann.example", email="ann@example.org")


def ask(email: str, ip: str = HERE):
    """A new visitor each time (a fresh cookie does not reset a count)."""
    client = Client()
    response = client.post(reverse("password-reset"), {"email": email}, REMOTE_ADDR=ip)
    page = client.get(response["Location"], REMOTE_ADDR=ip) if response.status_code == 302 else None
    return response, page


def without_nonces(response) -> str:
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


def test_no_mail_beyond_the_limit_for_one_address_and_the_same_answer(ann, caplog):
    answers = []
    for n in range(3):
        # Any case and spaces: the same address as far as the count goes.
        answers.append(ask(" ANN@example.org " if n == 1 else "ann@example.org",
                           ip=f"192.0.2.{n + 1}"))
    assert len(mail.outbox) == 3
    with caplog.at_level(logging.WARNING, logger="selfdirect.accounts"):
        held_back = [ask("ann@example.org", ip=f"203.0.113.{n + 1}") for n in range(2)]
    assert len(mail.outbox) == 3  # nothing more sent, from any address
    for response, page in held_back:
        sent_response, sent_page = answers[0]
        assert (response.status_code, response["Location"]) == (
            sent_response.status_code, sent_response["Location"])
        assert response.content == sent_response.content
        assert without_nonces(page) == without_nonces(sent_page)
        assert "Check your email" in page.content.decode()
    # Logged every time, without the email address; recorded once, as it began.
    logged = [r.getMessage() for r in caplog.records if "not sent" in r.getMessage()]
    assert len(logged) == 2
    assert all("this email address" in line and "ann@" not in line for line in logged)
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.RESET_LIMIT_EMAIL)
    assert (event.username, event.account, event.ip_address, event.failures) == (
        "ann@example.org", ann, "203.0.113.1", 3)
    # Someone else's address is not held back.
    UserFactory(username="bob", email="bob@example.org")
    ask("bob@example.org", ip="203.0.113.9")
    assert [m.to for m in mail.outbox][-1] == ["bob@example.org"]


def test_an_unknown_address_over_the_limit_gets_the_same_answer(ann):
    for _ in range(4):
        known, _page = ask("ann@example.org")
        unknown, _page = ask("nobody@example.org", ip="192.0.2.50")
        assert (known.status_code, known["Location"]) == (unknown.status_code,
                                                          unknown["Location"])
    assert len(mail.outbox) == 3
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.RESET_LIMIT_EMAIL,
                                    username="nobody@example.org")
    assert event.account is None


def test_no_mail_beyond_the_limit_from_one_client_address(ann):
    people = [UserFactory(username=f"user{n}", email=f"user{n}@example.org") for n in range(6)]
    for person in people[:5]:
        ask(person.email)
    assert len(mail.outbox) == 5
    response, page = ask("ann@example.org")  # never asked for before, but from here
    assert response.status_code == 302
    assert response["Location"] == reverse("password-reset-done")
    assert "Check your email" in page.content.decode()
    assert len(mail.outbox) == 5
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.RESET_LIMIT_IP)
    assert (event.ip_address, event.failures) == (HERE, 5)
    # From another address, the same email address is sent.
    ask("ann@example.org", ip="192.0.2.77")
    assert mail.outbox[-1].to == ["ann@example.org"]


def test_sending_resumes_when_the_window_has_passed(ann):
    for _ in range(4):
        ask("ann@example.org")
    assert len(mail.outbox) == 3
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        ask("ann@example.org")
    assert len(mail.outbox) == 4


def test_a_malformed_address_is_still_named_and_not_counted(ann):
    for _ in range(5):
        response, _page = ask("ann at example")
        assert response.status_code == 200
        assert "Enter an email address in the correct format" in response.content.decode()
    ask("ann@example.org")
    assert len(mail.outbox) == 1


def test_the_limits_are_settings_from_the_environment():
    from tests.test_settings import _manage

    shown = _manage("shell", "--no-imports", "-c",
                    "from django.conf import settings as s; print(s.PASSWORD_RESET_LIMIT_PER_EMAIL,"
                    " s.PASSWORD_RESET_LIMIT_PER_IP, s.PASSWORD_RESET_LIMIT_WINDOW_MINUTES)")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == ["5", "20", "60"]
    changed = _manage("shell", "--no-imports", "-c",
                      "from django.conf import settings as s; print(s.PASSWORD_RESET_LIMIT_PER_IP)",
                      PASSWORD_RESET_LIMIT_PER_IP="50")
    assert changed.stdout.strip() == "50"
    refused = _manage("check", PASSWORD_RESET_LIMIT_PER_EMAIL="0")
    assert refused.returncode != 0
    assert "must be 1 or more" in refused.stderr
