"""The planning API: the options with their amounts, the choice, and a plan written with
the version read, so a stale change is refused (409) with what changed."""

from __future__ import annotations

import datetime
import json

import pytest

from selfdirect.accounts.services import api_token_create
from selfdirect.allocation import services as allocation
from selfdirect.outcomes.models import PersonalOutcome
from tests.allocation.matrix_budget import make_budget

DAY = datetime.date(2026, 11, 25)


def call(client, user, method, url, body=None):
    _, raw = api_token_create(user=user, name="test", scope="read_write")
    response = client.generic(method, url, json.dumps(body) if body is not None else "",
                              content_type="application/json",
                              HTTP_AUTHORIZATION=f"Bearer {raw}")
    return response.status_code, (response.json() if response.content else None)


@pytest.fixture
def setting(cast):
    users, person = cast
    budget = make_budget(users, person)
    allocation.budget_propose(actor=users["scot_social_worker"], budget=budget)
    allocation.budget_agree(actor=users["scot_team_manager"], budget=budget, reason="Fine")
    outcome = PersonalOutcome.objects.create(
        person=person, in_own_words="I want to get to the allotment twice a week",
        state=PersonalOutcome.State.AGREED, agreed_on=DAY, created_by=users["scot_social_worker"])
    return users, person, outcome


def test_options_choice_and_a_plan_through_the_api(client, setting):
    users, person, outcome = setting
    worker = users["scot_social_worker"]
    status, options = call(client, users["the_person"], "GET", f"/api/people/{person.pk}/options")
    assert status == 200
    assert [o["number"] for o in options["options"]] == ["1", "2", "3", "4"]
    assert options["current_choice"] is None

    status, bad = call(client, worker, "POST", f"/api/people/{person.pk}/option-choices",
                       {"options": [], "decided_on": str(DAY), "present": "The person"})
    assert status == 422 and next(iter(bad["errors"])) == "options"
    status, choice = call(client, worker, "POST", f"/api/people/{person.pk}/option-choices",
                          {"options": ["1", "3"], "decided_on": str(DAY),
                           "present": "The person and their worker"})
    assert (status, choice["label"]) == (201, "Option 4 (options 1 and 3)")

    status, plan = call(client, worker, "POST", f"/api/people/{person.pk}/plan")
    assert status == 201
    line = {"outcome_id": outcome.pk, "what": "Allotment support", "who_kind": "pa",
            "weekly_cost": "20.00", "option": "1", "service_type": "social_support",
            "contingency": "His brother goes with him"}
    opened = plan["version"]
    status, plan = call(client, worker, "POST", f"/api/plans/{plan['id']}/lines",
                        {**line, "version": opened})
    assert status == 201 and plan["lines"][0]["weekly_cost_pence"] == 2000
    # A second client that read the plan before that change is refused, told what changed.
    status, stale = call(client, users["scot_team_manager"], "POST",
                         f"/api/plans/{plan['id']}/lines", {**line, "version": opened})
    assert status == 409
    assert any("Added: Allotment support" in change for change in stale["changes"])
    # Money as a JSON number is refused, naming the field.
    status, bad = call(client, worker, "POST", f"/api/plans/{plan['id']}/lines",
                       {**line, "weekly_cost": 20, "version": plan["version"]})
    assert status == 422 and "weekly_cost" in set(bad["errors"])

    status, agreed = call(client, users["the_person"], "POST", f"/api/plans/{plan['id']}/agree",
                          {"version": plan["version"]})
    assert status == 200 and agreed["person_agreed_how"] == "online"
    assert agreed["problems"] == {}
