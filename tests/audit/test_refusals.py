"""Every refusal is in the access log once, and the log is append-only."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from selfdirect.accounts.services import api_token_create
from selfdirect.audit.models import AccessLog, AppendOnly
from selfdirect.audit.services import access_log_record
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _new_rows(since: int) -> list[tuple]:
    return list(AccessLog.objects.filter(id__gt=since).order_by("id")
                .values_list("user__username", "person_id", "outcome", "channel", "status"))


def _last_id() -> int:
    return AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def bearer(user):
    _, raw = api_token_create(user=user, name="t", scope="read_write")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("actor", ["advocate_withdrawn", "scot_provider_user",
                                   "scot_panel_member", "eng_team_manager"])
def test_an_api_refusal_is_logged_once_naming_the_person(client, cast, actor):
    users, person = cast
    since = _last_id()
    response = client.get(f"/api/people/{person.pk}", **bearer(users[actor]))
    assert response.status_code in (403, 404)
    rows = _new_rows(since)
    assert len(rows) == 1
    assert rows[0][:4] == (actor, person.pk, "denied", "api")
    # The status is recorded where the middleware logs it; a selector that refuses the
    # person logs before the answer is made.
    assert rows[0][4] in (response.status_code, None)


def test_a_person_refusal_already_logged_by_the_selector_is_not_logged_twice(client, world):
    person = PersonFactory(authority=world.scot, team=world.scot_team)
    client.force_login(world.user("eng_social_worker"))
    since = _last_id()
    assert client.get(f"/people/{person.pk}/").status_code == 404
    rows = _new_rows(since)
    assert len(rows) == 1
    assert rows[0][:3] == ("eng_social_worker", person.pk, "denied")


def test_a_person_page_the_middleware_refuses_is_logged_naming_the_person(client, world):
    """A role that may never see people is refused before the view runs (403); the
    permission middleware reports it (core.signals.page_refused) and the audit app writes
    it, once, against the person the address names."""
    person = PersonFactory(authority=world.scot, team=world.scot_team)
    client.force_login(world.user("scot_provider_user"))
    since = _last_id()
    assert client.get(f"/people/{person.pk}/").status_code == 403
    rows = _new_rows(since)
    assert len(rows) == 1
    assert rows[0][:3] == ("scot_provider_user", person.pk, "denied")


def test_a_page_refusal_about_no_person_is_logged_with_its_path(client, world):
    client.force_login(world.user("scot_social_worker"))
    since = _last_id()
    response = client.get("/payments/runs/")
    assert response.status_code == 403
    row = AccessLog.objects.get(id__gt=since)
    assert (row.user.username, row.person_id, row.outcome, row.channel, row.status,
            row.path) == ("scot_social_worker", None, "denied", "page", 403, "/payments/runs/")


def test_anonymous_visitors_and_allowed_pages_add_nothing(client, world):
    since = _last_id()
    client.get("/payments/runs/")  # sent to sign in
    client.force_login(world.user("scot_finance_officer"))
    assert client.get("/dashboard/").status_code == 200
    assert _new_rows(since) == []


def test_the_log_cannot_be_changed_or_deleted_through_the_orm(world):
    row = access_log_record(user=world.user("scot_social_worker"), person_id=1,
                            outcome=AccessLog.Outcome.VIEWED, path="/people/1/")
    row.outcome = AccessLog.Outcome.DENIED
    with pytest.raises(AppendOnly):
        row.save()
    with pytest.raises(AppendOnly):
        row.delete()
    with pytest.raises(AppendOnly):
        AccessLog.objects.filter(pk=row.pk).update(outcome="denied")
    with pytest.raises(AppendOnly):
        AccessLog.objects.filter(pk=row.pk).delete()
    assert AccessLog.objects.get(pk=row.pk).outcome == "viewed"


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the trigger is PostgreSQL's; SQLite relies on the ORM guards above")
def test_postgresql_itself_refuses_update_and_delete(world):
    row = access_log_record(user=None, person_id=1, outcome=AccessLog.Outcome.VIEWED,
                            path="/people/1/")
    for sql in ("UPDATE audit_accesslog SET outcome = 'denied' WHERE id = %s",
                "DELETE FROM audit_accesslog WHERE id = %s"):
        with pytest.raises((DatabaseError, IntegrityError), match="append-only"), \
                transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    assert AccessLog.objects.get(pk=row.pk).outcome == "viewed"


def test_the_admin_cannot_delete_the_log(admin_client):
    row = access_log_record(user=None, person_id=1, outcome=AccessLog.Outcome.VIEWED,
                            path="/people/1/")
    response = admin_client.post(f"/django-admin/audit/accesslog/{row.pk}/delete/",
                                 {"post": "yes"})
    assert response.status_code in (302, 403)
    assert AccessLog.objects.filter(pk=row.pk).exists()
