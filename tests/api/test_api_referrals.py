"""Referrals through the API: a worker sends an Option 2 or 3 line to a provider; the
people who work for a provider see only the referrals sent to it, with how the person
wants support given, and accept or decline with a reason; a referral waiting can be
withdrawn. A step the referral's state does not allow is refused, naming the field."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from selfdirect.accounts.services import api_token_create
from selfdirect.audit.models import AccessLog
from selfdirect.people.models import CommunicationNeed, Preferences
from selfdirect.planning import plans
from selfdirect.planning.models import Referral
from selfdirect.providers.models import ProviderMember
from tests.factories import UserFactory
from tests.providers.factories import provider_in

pytestmark = pytest.mark.django_db


def call(client, user, method, url, body=None):
    _, raw = api_token_create(user=user, name="test", scope="read_write")
    response = client.generic(method, url, json.dumps(body) if body is not None else "",
                              content_type="application/json",
                              HTTP_AUTHORIZATION=f"Bearer {raw}")
    return response.status_code, (response.json() if response.content else None)


def fields(errors):
    return {field: " ".join(messages) for field, messages in errors["errors"].items()}


@pytest.fixture
def setting(cast, world):
    users, person = cast
    worker = users["scot_social_worker"]
    plan = plans.plan_start(actor=worker, person=person)

    def line(option="3", what="Day centre"):
        plan.refresh_from_db()
        return plans.line_add(actor=worker, plan=plan, expected_version=plan.version,
                              what=what, who_kind="provider", weekly_cost=4000, option=option,
                              service_type="day_service", when="Tuesdays and Thursdays")

    provider = provider_in(world.scot, service_types=["day_service"])
    ProviderMember.objects.create(provider=provider, user=users["scot_provider_user"])
    return users, person, line, provider


def _send(client, users, line, provider, **extra):
    return call(client, users["scot_social_worker"], "POST",
                f"/api/support-lines/{line.pk}/referrals", {"provider_id": provider.pk, **extra})


def test_a_referral_sent_answered_and_seen_by_both_sides(client, setting):
    users, person, line, provider = setting
    Preferences.objects.create(person=person, food="Halal only", carer_language="Urdu")
    CommunicationNeed.objects.create(person=person, kind="bsl_interpreter")
    status, sent = _send(client, users, line(), provider, message="She likes mornings")
    assert status == 201
    assert (sent["status"], sent["provider"], sent["person_id"]) == ("sent", provider.name,
                                                                     person.pk)
    member = users["scot_provider_user"]
    status, listed = call(client, member, "GET", "/api/referrals")
    assert status == 200 and [r["id"] for r in listed] == [sent["id"]]
    assert listed[0]["when"] == "Tuesdays and Thursdays"
    status, one = call(client, member, "GET", f"/api/referrals/{sent['id']}")
    assert status == 200
    assert (one["wishes"]["food"], one["wishes"]["carer_language"]) == ("Halal only", "Urdu")
    assert [n["kind"] for n in one["communication_needs"]] == ["bsl_interpreter"]
    assert "chi_number" not in one and "date_of_birth" not in one  # nothing else of the record
    assert AccessLog.objects.filter(user=member, person_id=person.pk, channel="api",
                                    outcome=AccessLog.Outcome.VIEWED).exists()

    url = f"/api/referrals/{sent['id']}/response"
    status, errors = call(client, member, "POST", url, {"accept": False})
    assert status == 422 and "Say why" in fields(errors)["decline_reason"]
    status, answered = call(client, member, "POST", url, {"accept": True})
    assert (status, answered["status"]) == (200, "accepted")
    # Answered once: a second answer and a withdrawal are refused; the answer stands.
    status, errors = call(client, member, "POST", url,
                          {"accept": False, "decline_reason": "Changed our minds"})
    assert status == 422 and "already been answered" in fields(errors)["accept"]
    status, errors = call(client, users["scot_social_worker"], "POST",
                          f"/api/referrals/{sent['id']}/withdraw")
    assert status == 422 and "status" in fields(errors)
    assert Referral.objects.get(pk=sent["id"]).status == Referral.Status.ACCEPTED


def test_a_provider_member_sees_only_their_providers_referrals(client, setting, world):
    users, _person, line, provider = setting
    elsewhere = provider_in(world.scot, service_types=["day_service"])
    _, ours = _send(client, users, line(), provider)
    _, theirs = _send(client, users, line(what="Swimming"), elsewhere)
    member = users["scot_provider_user"]
    status, listed = call(client, member, "GET", "/api/referrals")
    assert [r["id"] for r in listed] == [ours["id"]]
    assert call(client, member, "GET", f"/api/referrals/{theirs['id']}")[0] == 404
    status, _ = call(client, member, "POST", f"/api/referrals/{theirs['id']}/response",
                     {"accept": True})
    assert status == 404
    assert Referral.objects.get(pk=theirs["id"]).status == Referral.Status.SENT
    # Someone who stopped working for the provider sees nothing.
    ProviderMember.objects.filter(user=member).update(active=False)
    assert call(client, member, "GET", "/api/referrals")[0] == 403


def test_a_referral_declined_with_a_reason_the_worker_reads(client, setting):
    users, _person, line, provider = setting
    _, sent = _send(client, users, line(), provider)
    status, declined = call(client, users["scot_provider_user"], "POST",
                            f"/api/referrals/{sent['id']}/response",
                            {"accept": False, "decline_reason": "No places until March"})
    assert (status, declined["status"], declined["decline_reason"]) == (
        200, "declined", "No places until March")
    # The line is free to go to someone else.
    assert _send(client, users, Referral.objects.get(pk=sent["id"]).line, provider)[0] == 201


def test_a_waiting_referral_is_withdrawn_and_can_no_longer_be_answered(client, setting):
    users, _person, line, provider = setting
    _, sent = _send(client, users, line(), provider)
    status, withdrawn = call(client, users["scot_team_manager"], "POST",
                             f"/api/referrals/{sent['id']}/withdraw")
    assert (status, withdrawn["status"]) == (200, "withdrawn")
    status, errors = call(client, users["scot_provider_user"], "POST",
                          f"/api/referrals/{sent['id']}/response", {"accept": True})
    assert status == 422 and "accept" in fields(errors)


def test_a_referral_that_cannot_be_sent_names_the_field(client, setting, world):
    users, _person, line, provider = setting
    status, errors = _send(client, users, line(option="1"), provider)
    assert status == 422 and "options 2 and 3" in fields(errors)["line"]
    status, errors = call(client, users["scot_social_worker"], "POST",
                          f"/api/support-lines/{line().pk}/referrals", {"provider_id": 999999})
    assert status == 422 and "provider_id" in fields(errors)
    # Off the framework list: it can be chosen, with the reason recorded.
    off_list = provider_in(world.scot, framework=False, service_types=["day_service"])
    day_centre = line()
    status, errors = _send(client, users, day_centre, off_list)
    assert status == 422 and "framework list" in fields(errors)["chosen_despite"]
    status, sent = _send(client, users, day_centre, off_list,
                         chosen_despite="The only one with a Gaelic speaker")
    assert (status, sent["chosen_despite"]) == (201, "The only one with a Gaelic speaker")
    # Already with a provider: withdraw that one first.
    status, errors = _send(client, users, day_centre, provider)
    assert status == 422 and "withdraw that referral" in fields(errors)["provider_id"]
    assert Referral.objects.filter(line=day_centre).count() == 1


def test_a_worker_for_someone_else_cannot_send_or_withdraw(client, setting):
    users, _person, line, provider = setting
    day_centre = line()
    other = users["scot_other_social_worker"]
    status, _ = call(client, other, "POST", f"/api/support-lines/{day_centre.pk}/referrals",
                     {"provider_id": provider.pk})
    assert status == 404
    _, sent = _send(client, users, day_centre, provider)
    assert call(client, other, "POST", f"/api/referrals/{sent['id']}/withdraw")[0] == 404
    assert call(client, UserFactory(), "GET", "/api/referrals")[0] == 403
    assert Referral.objects.get(pk=sent["id"]).status == Referral.Status.SENT


def test_the_providers_list_takes_the_same_queries_however_many_referrals(client, setting):
    users, _person, line, provider = setting
    member = users["scot_provider_user"]
    _, raw = api_token_create(user=member, name="test", scope="read_write")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/referrals", HTTP_AUTHORIZATION=f"Bearer {raw}")
        return len(response.json()), len(ctx)

    _send(client, users, line(), provider)
    one = queries()
    for n in range(3):
        _send(client, users, line(what=f"Day centre {n}"), provider)
    assert queries() == (4, one[1])
