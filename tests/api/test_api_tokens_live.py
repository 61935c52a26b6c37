"""Bearer tokens and the session, through a real HTTP server and a real HTTP client.

Django's test client skips CSRF, so it cannot show what a program calling the API sees.
These tests run pytest-django's live server and call it with urllib, as a program would:
a token alone reads and writes (no CSRF for a token), a read-only token cannot write,
no token or a revoked or expired one is refused, and a browser session must still send
its CSRF token to write."""

from __future__ import annotations

import datetime
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from django.utils import timezone

from selfdirect.accounts.models import ApiToken, ApiTokenUse
from selfdirect.accounts.services import api_token_create, api_token_revoke
from selfdirect.people.models import Person
from tests.factories import TEST_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def call(url: str, method: str = "GET", *, token: str | None = None, body: Any = None,
         headers: dict[str, str] | None = None,
         opener: urllib.request.OpenerDirector | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, raw.decode(errors="replace")


@pytest.fixture
def worker_and_person(world) -> tuple[Any, Person]:
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker,
                           preferred_name="")
    return worker, person


def test_a_token_alone_reads_and_writes(live_server, worker_and_person):
    worker, person = worker_and_person
    token, raw = api_token_create(user=worker, name="Care system", scope="read_write")
    status, me = call(f"{live_server.url}/api/me", token=raw)
    assert status == 200 and me["username"] == worker.username
    status, body = call(f"{live_server.url}/api/people/{person.pk}", "PATCH", token=raw,
                        body={"preferred_name": "Mo"})
    assert status == 200, body
    person.refresh_from_db()
    assert person.preferred_name == "Mo"
    # Each use is recorded, with the call and where it came from.
    uses = list(ApiTokenUse.objects.filter(token=token).order_by("at", "pk"))
    assert [(u.method, u.path, u.refused) for u in uses] == [
        ("GET", "/api/me", False), ("PATCH", f"/api/people/{person.pk}", False)]
    assert uses[0].ip_address == "127.0.0.1"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_read_only_token_cannot_write(live_server, worker_and_person):
    worker, person = worker_and_person
    token, raw = api_token_create(user=worker, name="Dashboard")
    assert token.scope == ApiToken.Scope.READ
    assert call(f"{live_server.url}/api/people/{person.pk}", token=raw)[0] == 200
    status, body = call(f"{live_server.url}/api/people/{person.pk}", "PATCH", token=raw,
                        body={"preferred_name": "Mo"})
    assert status == 403
    assert "may only read" in body["detail"]
    person.refresh_from_db()
    assert person.preferred_name == ""
    assert ApiTokenUse.objects.get(token=token, method="PATCH").refused


def test_no_token_a_wrong_one_a_revoked_one_or_an_expired_one_is_refused(live_server,
                                                                       worker_and_person):
    worker, person = worker_and_person
    url = f"{live_server.url}/api/people/{person.pk}"
    assert call(url)[0] == 401
    assert call(url, "PATCH", body={"preferred_name": "Mo"})[0] == 401
    assert call(url, token="sd_not-a-token")[0] == 401

    token, raw = api_token_create(user=worker, name="Old laptop", scope="read_write")
    assert call(url, token=raw)[0] == 200
    api_token_revoke(actor=worker, token=token)
    assert call(url, token=raw)[0] == 401
    assert call(url, "PATCH", token=raw, body={"preferred_name": "Mo"})[0] == 401

    expired, raw = api_token_create(user=worker, name="Last year", scope="read_write")
    ApiToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert call(url, token=raw)[0] == 401
    # A switched-off account's tokens stop working too.
    fresh, raw = api_token_create(user=worker, name="Spare", scope="read_write")
    type(worker).objects.filter(pk=worker.pk).update(is_active=False)
    assert call(url, token=raw)[0] == 401
    person.refresh_from_db()
    assert person.preferred_name == ""


def _signed_in_opener(live_server: Any, username: str) -> tuple[urllib.request.OpenerDirector,
                                                                http.cookiejar.CookieJar]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{live_server.url}/sign-in/", timeout=60) as response:
        html = response.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert csrf is not None
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf.group(1), "username": username,
                                   "password": TEST_PASSWORD, "next": "/dashboard/"}).encode()
    with opener.open(urllib.request.Request(f"{live_server.url}/sign-in/", data=form),
                     timeout=60) as response:
        assert response.url.endswith("/dashboard/"), response.url
    return opener, jar


def test_a_session_must_send_its_csrf_token_to_write(live_server, worker_and_person):
    worker, person = worker_and_person
    opener, jar = _signed_in_opener(live_server, worker.username)
    url = f"{live_server.url}/api/people/{person.pk}"
    assert call(url, opener=opener)[0] == 200  # reading needs no CSRF token
    status, body = call(url, "PATCH", body={"preferred_name": "Mo"}, opener=opener)
    assert status == 403
    assert "CSRF" in str(body)
    person.refresh_from_db()
    assert person.preferred_name == ""
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    status, body = call(url, "PATCH", body={"preferred_name": "Mo"}, opener=opener,
                        headers={"X-CSRFToken": csrf})
    assert status == 200, body
    person.refresh_from_db()
    assert person.preferred_name == "Mo"
