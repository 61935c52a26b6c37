"""The API: same permission rules as the pages, clear validation errors, token auth."""

from __future__ import annotations

import json

import pytest

from selfdirect.accounts.services import api_token_create
from selfdirect.api.api import api
from selfdirect.api.permissions import ATTRIBUTE
from selfdirect.audit.models import AccessLog
from selfdirect.people.models import Person
from tests.factories import TEST_PASSWORD, PersonFactory


def bearer(user):
    _, raw = api_token_create(user=user, name="test", scope="read_write")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_every_api_operation_declares_a_permission():
    missing = []
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if getattr(operation.view_func, ATTRIBUTE, None) is None:
                    missing.append((path, operation.methods))
    assert missing == []


@pytest.mark.django_db
def test_the_openapi_schema_generates_and_lists_the_people_endpoints(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/people" in paths
    assert "/api/people/{person_id}" in paths
    assert client.get("/api/docs").status_code == 200


@pytest.mark.django_db
def test_no_credentials_no_data(client, world):
    PersonFactory(authority=world.scot)
    assert client.get("/api/people").status_code == 401
    assert client.get("/api/people", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


@pytest.mark.django_db
def test_a_revoked_token_stops_working(client, world):
    from django.utils import timezone

    user = world.user("scot_team_manager")
    token, raw = api_token_create(user=user, name="t", scope="read_write")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/me", **headers).status_code == 200
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/me", **headers).status_code == 401


@pytest.mark.django_db
def test_another_authoritys_person_is_404_by_api_and_logged(client, world):
    person = PersonFactory(authority=world.eng)
    worker = world.user("scot_social_worker")
    response = client.get(f"/api/people/{person.pk}", **bearer(worker))
    assert response.status_code == 404
    entry = AccessLog.objects.get(person_id=person.pk)
    assert (entry.user, entry.outcome, entry.channel) == (worker, "denied", "api")


@pytest.mark.django_db
def test_list_filters_and_pages_within_what_the_user_may_see(client, world):
    worker = world.user("scot_social_worker")
    for i in range(30):
        PersonFactory(authority=world.scot, team=world.scot_team, family_name=f"Grant{i:02d}")
    PersonFactory(authority=world.scot, team=world.scot_other_team, family_name="Grant99")
    PersonFactory(authority=world.eng, family_name="Grant98")
    headers = bearer(worker)
    first = client.get("/api/people?name=grant&page_size=20", **headers).json()
    second = client.get("/api/people?name=grant&page_size=20&page=2", **headers).json()
    assert first["count"] == 30
    assert len(first["items"]) == 20 and len(second["items"]) == 10
    names = [p["family_name"] for p in first["items"] + second["items"]]
    assert names == sorted(names) and "Grant99" not in names and "Grant98" not in names


@pytest.mark.django_db
def test_list_runs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    worker = world.user("scot_social_worker")
    headers = bearer(worker)
    for _ in range(5):
        PersonFactory(authority=world.scot, team=world.scot_team)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/api/people?page_size=100", **headers)
    for _ in range(40):
        PersonFactory(authority=world.scot, team=world.scot_team)
    with CaptureQueriesContext(connection) as large:
        client.get("/api/people?page_size=100", **headers)
    assert len(small.captured_queries) == len(large.captured_queries)


@pytest.mark.django_db
def test_create_validates_like_the_pages(client, world):
    headers = bearer(world.user("scot_social_worker"))
    body = {"given_name": "<script>x</script>", "family_name": "B" * 101,
            "date_of_birth": "2099-01-01", "chi_number": "0104561239", "postcode": "EH1"}
    response = client.post("/api/people", json.dumps(body), content_type="application/json",
                           **headers)
    assert response.status_code == 422
    fields = set(response.json()["errors"])
    assert {"family_name", "date_of_birth", "postcode"} <= fields
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_create_then_read_then_patch(client, world):
    worker = world.user("scot_social_worker")
    headers = bearer(worker)
    body = {"given_name": "Aileen", "family_name": "Brown", "date_of_birth": "1956-04-01",
            "chi_number": "0104561238", "postcode": "eh1 1yz"}
    created = client.post("/api/people", json.dumps(body), content_type="application/json",
                          **headers)
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert created.json()["postcode"] == "EH1 1YZ"
    assert client.get(f"/api/people/{pid}", **headers).json()["allocated_worker"] == \
        worker.get_full_name()
    patched = client.patch(f"/api/people/{pid}", json.dumps({"preferred_name": "Ailie"}),
                           content_type="application/json", **headers)
    assert patched.status_code == 200
    assert patched.json()["preferred_name"] == "Ailie"
    assert Person.objects.get(pk=pid).history.count() == 2


@pytest.mark.django_db
def test_roles_that_cannot_see_people_are_refused(client, world):
    for role in ("panel_member", "provider_user", "commissioner", "administrator"):
        response = client.get("/api/people", **bearer(world.user(f"scot_{role}")))
        assert response.status_code == 403, role


@pytest.mark.django_db
def test_session_auth_works_and_needs_csrf_for_changes(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.login(username="scot_social_worker", password=TEST_PASSWORD)
    assert client.get("/api/me").json()["username"] == "scot_social_worker"
    body = {"given_name": "A", "family_name": "B", "date_of_birth": "1956-04-01"}
    response = client.post("/api/people", json.dumps(body), content_type="application/json")
    assert response.status_code in (401, 403)
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_a_person_reads_their_own_record_but_cannot_search(client, world):
    from tests.factories import UserFactory

    me = UserFactory()
    mine = PersonFactory(authority=world.scot, user=me)
    other = PersonFactory(authority=world.scot)
    headers = bearer(me)
    assert client.get(f"/api/people/{mine.pk}", **headers).status_code == 200
    assert client.get(f"/api/people/{other.pk}", **headers).status_code == 404
    assert client.get("/api/people", **headers).status_code == 403
    assert client.get("/api/me", **headers).json()["people_in_own_portal"] == [mine.pk]


@pytest.mark.django_db
def test_the_token_command_prints_a_working_token_once(client, world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from selfdirect.accounts.models import ApiToken

    out = StringIO()
    call_command("create_api_token", user="scot_team_manager", name="reporting", stdout=out)
    raw = out.getvalue().strip()
    assert not ApiToken.objects.filter(digest=raw).exists()  # only the digest is stored
    response = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.json()["username"] == "scot_team_manager"
    with pytest.raises(CommandError, match="No user with the username 'ghost'"):
        call_command("create_api_token", user="ghost", name="x")
