"""Spending rules and spending requests through the API: the rules in force on a day, a
request made with its amount as text and given back in pence and pounds, decided with
reasons (never by the person who made it, never twice), and the worklist."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from selfdirect.accounts.services import api_token_create
from selfdirect.core import clock
from selfdirect.spending import services
from selfdirect.spending.models import SpendingRequest
from tests.spending.matrix import agreed_outcome

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
def setting(cast):
    users, person = cast
    return users, person, agreed_outcome(person, users["scot_social_worker"])


def _ask(client, user, person, outcome, **overrides):
    body = {"description": "A weekend of respite in Crieff", "amount": "450.50",
            "outcome_id": outcome.pk, "wanted_on": str(clock.today()), **overrides}
    return call(client, user, "POST", f"/api/people/{person.pk}/spending-requests", body)


def test_the_rules_in_force_on_a_day_for_anyone_signed_in(client, world, cast):
    users, _ = cast
    admin = users["scot_administrator"]
    services.exclusion_add(actor=admin, authority=world.scot, title="Season tickets",
                           explanation="Football season tickets are not social care.",
                           keywords="season ticket", effective_from=datetime.date(2026, 6, 1),
                           reason="Council decision")
    status, before = call(client, users["the_person"], "GET",
                          "/api/authorities/S12000036/spending-rules?on=2026-05-31")
    assert status == 200 and before["principle"]
    assert "season-tickets" not in {e["key"] for e in before["exclusions"]}
    status, after = call(client, users["nobody"], "GET",
                         "/api/authorities/S12000036/spending-rules?on=2026-06-01")
    local = next(e for e in after["exclusions"] if e["key"] == "season-tickets")
    assert (local["is_local"], local["keywords"], local["effective_from"]) == (
        True, ["season ticket"], "2026-06-01")
    assert call(client, users["nobody"], "GET", "/api/authorities/NOPE/spending-rules")[0] == 404
    status, errors = call(client, users["nobody"], "GET",
                          "/api/authorities/S12000036/spending-rules?on=someday")
    assert status == 422


def test_a_request_made_listed_and_decided(client, setting):
    users, person, outcome = setting
    status, made = _ask(client, users["the_person"], person, outcome)
    assert status == 201
    assert (made["amount_pence"], made["amount"], made["status"]) == (45050, "450.50",
                                                                      "requested")
    assert made["outcome"] == "I want a break now and then"
    status, listed = call(client, users["carer_viewing"], "GET",
                          f"/api/people/{person.pk}/spending-requests")
    assert status == 200 and [r["id"] for r in listed] == [made["id"]]

    status, decided = call(client, users["scot_social_worker"], "POST",
                           f"/api/spending-requests/{made['id']}/decision",
                           {"decision": "approved_with_changes", "exclusion": "",
                            "decision_reason": "A shorter stay meets the outcome",
                            "changes": "One night, not two", "approved_amount": "225.25"})
    assert status == 200
    assert (decided["status"], decided["approved_amount_pence"], decided["approved_amount"],
            decided["changes"]) == ("approved_with_changes", 22525, "225.25",
                                    "One night, not two")
    # Decided once: a second decision is refused, the first stands.
    status, errors = call(client, users["scot_team_manager"], "POST",
                          f"/api/spending-requests/{made['id']}/decision",
                          {"decision": "refused", "decision_reason": "No"})
    assert status == 422 and "already been decided" in fields(errors)["decision"]
    assert SpendingRequest.objects.get(pk=made["id"]).status == "approved_with_changes"


def test_nobody_decides_their_own_request(client, setting):
    users, person, outcome = setting
    worker = users["scot_social_worker"]
    _, made = _ask(client, worker, person, outcome)
    status, errors = call(client, worker, "POST", f"/api/spending-requests/{made['id']}/decision",
                          {"decision": "approved", "decision_reason": "Fine"})
    assert status == 422 and "Someone other than" in fields(errors)["decision"]
    assert SpendingRequest.objects.get(pk=made["id"]).status == "requested"


def test_a_request_an_exclusion_applies_to_can_only_be_refused(client, setting, world):
    users, person, outcome = setting
    services.exclusion_add(actor=users["scot_administrator"], authority=world.scot,
                           title="Season tickets", explanation="Not social care.",
                           keywords="season ticket", effective_from=datetime.date(2020, 1, 1),
                           reason="Council decision")
    _, made = _ask(client, users["the_person"], person, outcome,
                   description="A season ticket for Hibs")
    url = f"/api/spending-requests/{made['id']}/decision"
    status, errors = call(client, users["scot_team_manager"], "POST", url,
                          {"decision": "approved", "decision_reason": "He loves it"})
    assert status == 422 and "Season tickets" in fields(errors)["decision"]
    status, refused = call(client, users["scot_team_manager"], "POST", url,
                           {"decision": "refused", "decision_reason": "On the list"})
    assert (status, refused["exclusion_key"], refused["approved_amount"]) == (
        200, "season-tickets", None)


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"amount": 450.5}, "amount", "as text"),
    ({"amount": "lots"}, "amount", "pounds and pence"),
    ({"amount": "0"}, "amount", "pounds and pence"),
    ({"description": "  "}, "description", "what the money is for"),
    ({"outcome_id": 999999}, "outcome_id", "agreed outcome"),
])
def test_a_request_that_cannot_be_made_names_the_field(client, setting, overrides, field,
                                                       words):
    users, person, outcome = setting
    status, errors = _ask(client, users["attorney_acting"], person, outcome, **overrides)
    assert status == 422 and words in fields(errors)[field]
    assert not SpendingRequest.objects.exists()


def test_a_decision_that_cannot_be_read_names_every_field(client, setting):
    users, person, outcome = setting
    _, made = _ask(client, users["the_person"], person, outcome)
    status, errors = call(client, users["scot_social_worker"], "POST",
                          f"/api/spending-requests/{made['id']}/decision",
                          {"decision": "approved_with_changes", "decision_reason": " ",
                           "approved_amount": 12})
    assert status == 422
    assert {"decision_reason", "changes", "approved_amount"} <= set(fields(errors))
    assert SpendingRequest.objects.get(pk=made["id"]).status == "requested"


def test_the_worklist_shows_the_requests_waiting_in_the_authority(client, setting, world):
    users, person, outcome = setting
    _, waiting = _ask(client, users["the_person"], person, outcome)
    _, decided = _ask(client, users["the_person"], person, outcome, description="Art classes")
    call(client, users["scot_team_manager"], "POST",
         f"/api/spending-requests/{decided['id']}/decision",
         {"decision": "approved", "decision_reason": "Serves the outcome"})
    for who in ("scot_team_manager", "scot_social_worker"):
        status, rows = call(client, users[who], "GET", "/api/authorities/S12000036/spending-requests")
        assert status == 200 and [r["id"] for r in rows] == [waiting["id"]]
    # Another worker of the council sees only their own caseload's.
    status, rows = call(client, users["scot_other_social_worker"], "GET",
                        "/api/authorities/S12000036/spending-requests")
    assert (status, rows) == (200, [])
    assert call(client, users["eng_team_manager"], "GET",
                "/api/authorities/S12000036/spending-requests")[0] == 404


def test_the_person_list_takes_the_same_queries_however_many_requests(client, setting):
    users, person, outcome = setting
    _, raw = api_token_create(user=users["scot_team_manager"], name="test", scope="read_write")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/people/{person.pk}/spending-requests",
                                  HTTP_AUTHORIZATION=f"Bearer {raw}")
        return len(response.json()), len(ctx)

    _ask(client, users["the_person"], person, outcome)
    one = queries()
    for n in range(3):
        _, made = _ask(client, users["the_person"], person, outcome, description=f"Class {n}")
        call(client, users["scot_social_worker"], "POST",
             f"/api/spending-requests/{made['id']}/decision",
             {"decision": "approved", "decision_reason": "Serves the outcome"})
    assert queries() == (4, one[1])
