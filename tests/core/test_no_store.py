"""Nothing with personal data is kept in a browser's or a proxy's cache."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_pages_for_a_signed_in_user_are_never_stored(client, world):
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    client.force_login(worker)
    for url in (reverse("dashboard"), reverse("person-detail", args=[person.pk]),
                reverse("people-search"), "/api/me", f"/api/people/{person.pk}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_api_answers_are_never_stored_even_refusals(client, world):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert "no-store" in response["Cache-Control"]


def test_public_pages_stay_cacheable(client, world):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
