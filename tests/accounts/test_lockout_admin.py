"""An authority's administrator sees the lockouts of its accounts and unlocks one; each
unlock records who unlocked whom and when. Anyone else is refused."""

from __future__ import annotations

import logging
import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from selfdirect.accounts.lockouts import current_lockouts
from selfdirect.accounts.models import SignInEvent
from selfdirect.audit.models import AccessLog
from selfdirect.authorities.models import Role
from tests.accounts.matrix import lock_out
from tests.factories import TEST_PASSWORD, StaffRoleFactory, staff

pytestmark = pytest.mark.django_db

SW = "scot_social_worker"
HERE = "198.51.100.20"


def locked_by_the_sign_in_page(username: str = SW) -> None:
    client = Client()
    for _ in range(10):
        client.post(reverse("sign-in"), {"username": username, "password": "wrong"},
                    REMOTE_ADDR=HERE)


def signs_in(username: str = SW) -> int:
    return Client().post(reverse("sign-in"), {"username": username, "password": TEST_PASSWORD},
                         REMOTE_ADDR=HERE).status_code


def as_user(username: str, **kwargs) -> Client:
    client = Client(**kwargs)
    assert client.login(username=username, password=TEST_PASSWORD)
    return client


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "the form carries no CSRF token"
    return match.group(1)


def test_the_administrator_sees_the_lockout_confirms_and_unlocks(world):
    locked_by_the_sign_in_page()
    assert signs_in() == 429
    admin = world.user("scot_administrator")
    client = as_user("scot_administrator", enforce_csrf_checks=True)

    listing = client.get(reverse("sign-in-lockouts"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert SW in page and HERE in page
    attempt = AccessAttempt.objects.get(username=SW)
    unlock_url = reverse("sign-in-lockout-unlock", args=[attempt.pk])
    assert unlock_url in page

    confirm = client.get(unlock_url)
    assert confirm.status_code == 200
    assert "Unlock sign-in for scot_social_worker" in confirm.content.decode()
    token = csrf_token(confirm.content.decode())
    # A POST without the CSRF token is refused and changes nothing.
    assert client.post(unlock_url).status_code == 403
    assert signs_in() == 429

    before = timezone.now()
    done = client.post(unlock_url, {"csrfmiddlewaretoken": token})
    assert done.status_code == 302
    assert done["Location"] == reverse("sign-in-lockouts")
    assert "scot_social_worker can sign in again" in client.get(
        reverse("sign-in-lockouts")).content.decode()

    unlock = SignInEvent.objects.get(kind=SignInEvent.Kind.UNLOCKED)
    assert (unlock.actor, unlock.account, unlock.username, unlock.ip_address) == (
        admin, world.user(SW), SW, HERE)
    assert before <= unlock.at <= timezone.now()
    assert unlock.history.count() == 1
    assert signs_in() == 302
    # The page lists both, newest first.
    page = client.get(reverse("sign-in-lockouts")).content.decode()
    assert "Nobody is locked out." in page
    assert page.index("Unlocked by an administrator") < page.index("Locked out<")


def test_a_social_worker_is_refused_and_the_refusal_logged(world, caplog):
    attempt = lock_out(SW)
    client = as_user("scot_other_social_worker")
    url = reverse("sign-in-lockout-unlock", args=[attempt.pk])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("sign-in-lockouts")).status_code == 403
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    refusals = [r for r in caplog.records if r.name == "django.request"
                and r.getMessage().startswith("Forbidden (Permission denied)")]
    assert len(refusals) == 3
    # In the access log, as every refused page is.
    logged = AccessLog.objects.filter(user=world.user("scot_other_social_worker"),
                                      outcome=AccessLog.Outcome.DENIED)
    assert sorted((row.path, row.status, row.person_id) for row in logged) == sorted([
        (reverse("sign-in-lockouts"), 403, None), (url, 403, None), (url, 403, None)])
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert not SignInEvent.objects.filter(kind=SignInEvent.Kind.UNLOCKED).exists()


def test_another_authoritys_administrator_neither_sees_nor_unlocks_it(world):
    attempt = lock_out(SW)
    client = as_user("eng_administrator")
    page = client.get(reverse("sign-in-lockouts")).content.decode()
    assert SW not in page and "Nobody is locked out." in page
    url = reverse("sign-in-lockout-unlock", args=[attempt.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    refused = SignInEvent.objects.filter(kind=SignInEvent.Kind.UNLOCK_REFUSED)
    assert {(e.actor, e.account) for e in refused} == {
        (world.user("eng_administrator"), world.user(SW))}
    assert refused.count() == 2
    assert AccessLog.objects.filter(user=world.user("eng_administrator"), path=url,
                                    outcome=AccessLog.Outcome.DENIED, status=404).count() == 2


def test_an_ended_lockout_or_a_username_with_no_account_is_not_found(world):
    client = as_user("scot_administrator")
    nobody = lock_out("no-such-person")
    assert client.get(reverse("sign-in-lockout-unlock", args=[nobody.pk])).status_code == 404
    assert "no-such-person" not in client.get(reverse("sign-in-lockouts")).content.decode()
    # Below the limit is no lockout; nor is an id that names nothing, however large.
    short = lock_out(SW)
    short.failures_since_start = 9
    short.save()
    assert client.get(reverse("sign-in-lockout-unlock", args=[short.pk])).status_code == 404
    assert client.get(reverse("sign-in-lockout-unlock", args=[10**12])).status_code == 404
    assert client.get("/settings/sign-in-lockouts/99999999999999999999/unlock/").status_code == 404


def test_each_administrator_sees_the_accounts_of_their_authorities(world, cast):
    users, person = cast
    for name in (SW, "eng_social_worker", "the_person", "carer_viewing", "nobody"):
        lock_out(name)
    scot = {lockout.username for lockout in current_lockouts(actor=world.user("scot_administrator"))}
    eng = {lockout.username for lockout in current_lockouts(actor=world.user("eng_administrator"))}
    assert scot == {SW, "the_person", "carer_viewing"}
    assert eng == {"eng_social_worker"}
    # An administrator of both sees both.
    both = staff(world.eng, Role.ADMINISTRATOR, None, username="both_admin")
    StaffRoleFactory(user=both, authority=world.scot, role=Role.ADMINISTRATOR)
    assert len(current_lockouts(actor=both)) == 4


def test_the_list_reads_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(5):
        lock_out(SW, ip_address=f"198.51.100.{n}")
    admin = world.user("scot_administrator")
    with django_assert_max_num_queries(3):
        assert len(current_lockouts(actor=admin)) == 5


def test_what_was_typed_is_escaped_on_the_page(world):
    odd = staff(world.scot, Role.SOCIAL_WORKER, world.scot_team, username="<b>odd</b>")
    odd.first_name = "<i>Ann</i>"
    odd.save()
    attempt = lock_out(odd.username)
    client = as_user("scot_administrator")
    for url in (reverse("sign-in-lockouts"), reverse("sign-in-lockout-unlock", args=[attempt.pk])):
        page = client.get(url).content.decode()
        assert "&lt;b&gt;odd&lt;/b&gt;" in page and "<b>odd</b>" not in page
        assert "<i>Ann</i>" not in page
