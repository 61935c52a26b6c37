"""The "Your API tokens" pages: make a token (shown once), see its use, revoke it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from selfdirect.accounts.models import ApiToken, ApiTokenUse
from selfdirect.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, world):
    user = world.user("scot_finance_officer")
    client.force_login(user)
    return user


def test_a_token_is_shown_once_and_only_its_digest_is_kept(client, signed_in):
    response = client.post(reverse("token-create"),
                           {"name": "  Month-end spreadsheet ", "scope": "read", "days": "30"})
    assert response.status_code == 200
    raw = response.context["raw"]
    assert raw.startswith("sd_") and raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=signed_in)
    assert token.name == "Month-end spreadsheet"
    assert token.digest == ApiToken.digest_for(raw) and raw not in token.digest
    assert token.scope == "read"
    assert 29 <= (token.expires_at - token.created_at).days <= 30
    listing = client.get(reverse("token-list")).content.decode()
    assert "Month-end spreadsheet" in listing and raw not in listing
    assert raw not in client.get(reverse("token-detail", args=[token.pk])).content.decode()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": "", "scope": "read", "days": "90"}, "name", "Enter what the token is for"),
    ({"name": "   ", "scope": "read", "days": "90"}, "name", "Enter what the token is for"),
    ({"name": "x" * 101, "scope": "read", "days": "90"}, "name", "100"),
    ({"name": "Returns", "days": "90"}, "scope", "Select what the token may do"),
    ({"name": "Returns", "scope": "admin", "days": "90"}, "scope", "Select what the token may do"),
    ({"name": "Returns", "scope": "read"}, "days", "Select how long the token lasts"),
    ({"name": "Returns", "scope": "read", "days": "3650"}, "days",
     "Select how long the token lasts"),
])
def test_mistakes_name_the_field_and_make_nothing(client, signed_in, data, field, message):
    response = client.post(reverse("token-create"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_then_stops_the_token(client, signed_in):
    token, _ = api_token_create(user=signed_in, name="Old laptop", scope="read_write")
    ApiTokenUse.objects.create(token=token, method="GET", path="/api/me",
                               ip_address="192.0.2.7")
    detail = client.get(reverse("token-detail", args=[token.pk])).content.decode()
    assert "/api/me" in detail and "192.0.2.7" in detail and "1 time" in detail
    confirm = client.get(reverse("token-revoke", args=[token.pk]))
    assert confirm.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(reverse("token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.status == "Revoked"
    assert "Revoke this token" not in client.get(
        reverse("token-detail", args=[token.pk])).content.decode()


def test_someone_elses_token_cannot_be_revoked(client, signed_in, world):
    theirs, _ = api_token_create(user=world.user("scot_social_worker"), name="Theirs")
    assert client.post(reverse("token-revoke", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_command_makes_read_only_tokens_unless_asked(world, capsys):
    from django.core.management import call_command

    call_command("create_api_token", "--user", "scot_administrator", "--name", "Returns")
    call_command("create_api_token", "--user", "scot_administrator", "--name", "Loader",
                 "--write", "--days", "30")
    scopes = dict(ApiToken.objects.values_list("name", "scope"))
    assert scopes == {"Returns": "read", "Loader": "read_write"}
