"""Forgotten password: Django's reset views with GOV.UK pages, end to end by email."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from selfdirect.accounts.models import SignInEvent
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "heather-on-the-pentland-hills"
HERE = "198.51.100.20"


@pytest.fixture
def ann(db):
    return UserFactory(username="ann.example", email="ann@example.org")


def ask_for_a_link(client: Client, email: str):
    return client.post(reverse("password-reset"), {"email": email})


def link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"http://testserver(/sign-in/new-password/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def without_nonces(response) -> str:
    """The page, without the CSP nonces that differ on every response."""
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


def signs_in(username: str, password: str) -> bool:
    response = Client().post(reverse("sign-in"), {"username": username, "password": password},
                             REMOTE_ADDR=HERE)
    return response.status_code == 302


def set_new_password(client: Client, link: str, password: str, again: str | None = None):
    form_page = client.get(link)
    assert form_page.status_code == 302  # the token moves to the session, out of the URL
    return client.post(form_page["Location"], {"new_password1": password,
                                               "new_password2": again or password})


def test_the_sign_in_page_links_to_it(client, db):
    page = client.get(reverse("sign-in")).content.decode()
    assert f'href="{reverse("password-reset")}">Forgotten your password?</a>' in page


def test_reset_end_to_end(client, ann):
    form = client.get(reverse("password-reset"))
    assert form.status_code == 200
    assert "Reset your password" in form.content.decode()

    sent = ask_for_a_link(client, "ANN@example.org")  # any case: addresses match as typed
    assert sent.status_code == 302
    assert sent["Location"] == reverse("password-reset-done")
    assert "Check your email" in client.get(sent["Location"]).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.org"]
    assert message.subject == "Reset your selfdirect password"
    assert "ann.example" in message.body
    assert "2 hours" in message.body
    link = link_in(message)

    changing = client.get(link)
    assert changing.status_code == 302
    assert "set-password" in changing["Location"]
    page = client.get(changing["Location"])
    assert page.status_code == 200
    assert "Set a new password" in page.content.decode()
    done = client.post(changing["Location"], {"new_password1": NEW_PASSWORD,
                                              "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("password-reset-complete")
    assert "Your password has been changed" in client.get(done["Location"]).content.decode()

    assert signs_in("ann.example", NEW_PASSWORD)
    assert not signs_in("ann.example", TEST_PASSWORD)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(ann):
    known, unknown = Client(), Client()
    a = ask_for_a_link(known, "ann@example.org")
    b = ask_for_a_link(unknown, "nobody@example.org")
    assert (a.status_code, a["Location"]) == (b.status_code, b["Location"])
    assert a.content == b.content
    assert without_nonces(known.get(a["Location"])) == without_nonces(unknown.get(b["Location"]))
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]


def test_no_mail_for_an_account_that_is_switched_off_or_has_no_password(db):
    UserFactory(username="off", email="off@example.org", is_active=False)
    no_password = UserFactory(username="sso", email="sso@example.org")
    no_password.set_unusable_password()
    no_password.save()
    for email in ("off@example.org", "sso@example.org"):
        assert ask_for_a_link(Client(), email).status_code == 302
    assert mail.outbox == []


def test_a_used_link_does_not_work_again(client, ann):
    ask_for_a_link(client, "ann@example.org")
    link = link_in(mail.outbox[0])
    assert set_new_password(client, link, NEW_PASSWORD).status_code == 302

    other = Client()
    again = other.get(link)
    assert again.status_code == 200
    page = again.content.decode()
    assert "This link does not work" in page
    assert reverse("password-reset") in page
    # Nor can the form be posted to: nothing changes.
    uid, token = link.strip("/").split("/")[-2:]
    other.post(reverse("password-reset-confirm", args=[uid, token]),
               {"new_password1": "another-long-password", "new_password2": "another-long-password"})
    other.post(reverse("password-reset-confirm", args=[uid, "set-password"]),
               {"new_password1": "another-long-password", "new_password2": "another-long-password"})
    assert signs_in("ann.example", NEW_PASSWORD)


def test_a_weak_password_is_refused_naming_the_field(client, ann):
    ask_for_a_link(client, "ann@example.org")
    link = link_in(mail.outbox[0])
    response = set_new_password(client, link, "short")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Set a new password" in page
    assert 'class="govuk-error-summary"' in page
    assert '<a href="#id_new_password1">New password must be 12 characters or more</a>' in page
    for problem, message in (("password", "New password is a common password"),
                             ("1234567890123", "New password must not be only numbers"),
                             ("ann.example.org", "New password is too like your username")):
        again = client.post(response.request["PATH_INFO"],
                            {"new_password1": problem, "new_password2": problem})
        assert message in again.content.decode(), problem
    mismatch = client.post(response.request["PATH_INFO"],
                           {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert ('<a href="#id_new_password2">The passwords do not match. Enter the same new '
            "password in both boxes</a>") in mismatch.content.decode()
    empty = client.post(response.request["PATH_INFO"], {})
    assert '<a href="#id_new_password1">Enter a new password</a>' in empty.content.decode()
    assert signs_in("ann.example", TEST_PASSWORD)


def test_a_missing_or_malformed_address_is_named(client, db):
    for typed, message in (("", "Enter your email address"),
                           ("ann at example", "Enter an email address in the correct format, "
                                              "like name@example.com"),
                           ("ann\x00@example.org", "Email address must not contain a null "
                                                    "character"),
                           ("a" * 250 + "@example.org", "Email address must be 254 characters "
                                                        "or fewer")):
        response = ask_for_a_link(client, typed)
        assert response.status_code == 200, typed
        page = response.content.decode()
        assert '<a href="#id_email">' in page, typed
        assert message in page, typed
    assert mail.outbox == []


@pytest.mark.parametrize("uid, token", [
    ("MQ", "not-a-token"),
    ("!!!", "abc"),
    ("OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "abc-def"),  # a number far too large
    ("bm90LWEtbnVtYmVy", "abc-def"),  # not a number
    ("x" * 500, "y" * 500),
    ("MQ", "set-password"),  # no token in the session
])
def test_a_broken_link_says_so_and_never_fails(client, ann, uid, token):
    response = client.get(reverse("password-reset-confirm", args=[uid, token]))
    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()
    assert client.post(reverse("password-reset-confirm", args=[uid, token]),
                       {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
                       ).status_code == 200
    assert signs_in("ann.example", TEST_PASSWORD)


def test_a_new_password_ends_a_lockout(client, ann):
    for _ in range(10):
        Client().post(reverse("sign-in"), {"username": "ann.example", "password": "wrong"},
                      REMOTE_ADDR=HERE)
    assert not signs_in("ann.example", TEST_PASSWORD)
    ask_for_a_link(client, "ann@example.org")
    set_new_password(client, link_in(mail.outbox[0]), NEW_PASSWORD)
    assert signs_in("ann.example", NEW_PASSWORD)
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.UNLOCKED_BY_RESET)
    assert (event.account, event.actor, event.ip_address) == (ann, None, HERE)


def test_a_new_password_signs_the_account_out_elsewhere(client, ann):
    elsewhere = Client()
    assert elsewhere.login(username="ann.example", password=TEST_PASSWORD)
    ask_for_a_link(client, "ann@example.org")
    set_new_password(client, link_in(mail.outbox[0]), NEW_PASSWORD)
    assert elsewhere.get(reverse("dashboard")).status_code == 302
