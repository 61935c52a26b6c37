"""Changing an assessment by API: the same services, the same checks, the same words."""

from __future__ import annotations

import json

import pytest

from selfdirect.accounts.services import api_token_create
from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import Assessment, Contribution, Conversation
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.services import communication_needs_set
from tests.carers.matrix import make_carer
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t', scope='read_write')[1]}"}


def post(client, user, url, body=None):
    return client.post(url, json.dumps(body) if body is not None else "",
                       content_type="application/json", **bearer(user))


def fields(response):
    return set(response.json()["errors"])


@pytest.fixture
def case(world):
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    return worker, person


OUTCOME = {"in_own_words": "Walk the dog round the park every morning again",
           "category": "mobility", "national_outcomes": ["nhwo_4"],
           "better_looks_like": "Daily walks"}


def test_scenario_1_by_api_an_outcome_is_agreed_only_with_a_measure(client, case):
    worker, person = case
    started = post(client, worker, f"/api/people/{person.pk}/assessments")
    assert started.status_code == 201, started.content
    assessment_id = started.json()["id"]
    assert started.json()["state"] == "in_progress"

    vague = post(client, worker, f"/api/assessments/{assessment_id}/outcomes", OUTCOME)
    assert vague.status_code == 201, vague.content
    assert vague.json()["category"] == "mobility"
    assert vague.json()["national_outcomes"] == ["nhwo_4"]
    refused = post(client, worker, f"/api/outcomes/{vague.json()['id']}/agree")
    assert refused.status_code == 422
    assert fields(refused) == {"measure"}
    assert PersonalOutcome.objects.get(pk=vague.json()["id"]).state == "draft"

    measured = post(client, worker, f"/api/assessments/{assessment_id}/outcomes",
                    {**OUTCOME, "measure": "Walks five mornings a week"})
    agreed = post(client, worker, f"/api/outcomes/{measured.json()['id']}/agree")
    assert agreed.status_code == 200, agreed.content
    assert agreed.json()["state"] == "agreed"


def test_an_unknown_outcome_code_names_its_field(client, case):
    worker, person = case
    assessment = assessing.assessment_start(actor=worker, person=person)
    for body, field in (({**OUTCOME, "category": "no_such_term"}, "category"),
                        ({**OUTCOME, "national_outcomes": ["nhwo_99"]}, "national_outcomes")):
        response = post(client, worker, f"/api/assessments/{assessment.pk}/outcomes", body)
        assert response.status_code == 422
        assert fields(response) == {field}
    assert not assessment.outcomes.exists()


def test_a_contribution_without_consent_is_refused_and_nothing_saved(client, case):
    worker, person = case
    assessment = assessing.assessment_start(actor=worker, person=person)
    response = post(client, worker, f"/api/assessments/{assessment.pk}/contributions",
                    {"contributor_name": "Son", "contributor_role": "family",
                     "content": "She is lonely"})
    assert response.status_code == 422
    assert fields(response) == {"consent"}
    assert not Contribution.objects.filter(assessment=assessment).exists()


def test_booking_for_a_person_with_needs_must_acknowledge_them(client, case):
    worker, person = case
    communication_needs_set(actor=worker, person=person, needs={"large_print": ""})
    assessment = assessing.assessment_start(actor=worker, person=person)
    url = f"/api/assessments/{assessment.pk}/conversations"
    body = {"when": "2030-06-01T10:00:00Z", "mode": "face_to_face",
            "adjustments": "Letter sent in large print"}
    refused = post(client, worker, url, body)
    assert refused.status_code == 422
    assert fields(refused) == {"needs_acknowledged"}
    assert not Conversation.objects.filter(assessment=assessment).exists()
    booked = post(client, worker, url, {**body, "needs_acknowledged": True})
    assert booked.status_code == 201, booked.content
    assert booked.json()["adjustments"] == "Letter sent in large print"


def test_below_the_threshold_needs_signposting(client, case):
    worker, person = case
    assessment = assessing.assessment_start(actor=worker, person=person)
    url = f"/api/assessments/{assessment.pk}/eligibility"
    body = {"areas": [{"area": "relationships", "band": "moderate", "reason": "Lonely"}],
            "reasons": "Some risk, not substantial", "next_steps": "Review if things change"}
    refused = post(client, worker, url, body)
    assert refused.status_code == 422
    assert fields(refused) == {"signposting"}
    assert not assessment.eligibility_decisions.exists()
    decided = post(client, worker, url, {**body, "signposting": "Tuesday lunch club"})
    assert decided.status_code == 201, decided.content
    got = decided.json()
    assert (got["overall_band"], got["threshold_band"], got["eligible"]) == (
        "moderate", "substantial", False)
    assert got["areas"] == [{"area": "relationships", "band": "moderate", "reason": "Lonely"}]


def test_complete_then_sign_off_by_api(client, world, case):
    worker, person = case
    assessment = assessing.assessment_start(actor=worker, person=person)
    url = f"/api/assessments/{assessment.pk}"
    blocked = post(client, worker, f"{url}/complete")
    assert blocked.status_code == 422
    assert sum(len(m) for m in blocked.json()["errors"].values()) == 3
    talk = post(client, worker, f"{url}/conversations",
                {"when": "2020-06-01T10:00:00Z", "mode": "phone"}).json()
    held = post(client, worker, f"/api/conversations/{talk['id']}/record",
                {"participants": "The person, the worker", "notes": "Talked about walks"})
    assert (held.status_code, held.json()["state"]) == (200, "held")
    outcome = post(client, worker, f"{url}/outcomes",
                   {**OUTCOME, "measure": "Walks five mornings a week"}).json()
    assert post(client, worker, f"/api/outcomes/{outcome['id']}/agree").status_code == 200
    assert post(client, worker, f"{url}/eligibility", {
        "areas": [{"area": "personal_care", "band": "critical", "reason": "Falls"}],
        "reasons": "Critical risk", "next_steps": "Budget next"}).status_code == 201
    done = post(client, worker, f"{url}/complete")
    assert (done.status_code, done.json()["state"]) == (200, "completed")
    signed = post(client, world.user("scot_team_manager"), f"{url}/sign-off")
    assert (signed.status_code, signed.json()["state"]) == (200, "approved")
    assert Assessment.objects.get(pk=assessment.pk).approved_by == world.user("scot_team_manager")


def test_a_conversation_in_the_future_cannot_be_recorded(client, case):
    worker, person = case
    assessment = assessing.assessment_start(actor=worker, person=person)
    talk = post(client, worker, f"/api/assessments/{assessment.pk}/conversations",
                {"when": "2030-06-01T10:00:00Z", "mode": "phone"}).json()
    response = post(client, worker, f"/api/conversations/{talk['id']}/record",
                    {"participants": "P", "notes": "N"})
    assert response.status_code == 422
    assert fields(response) == {"when"}


def test_a_carers_plan_reads_for_staff_and_not_for_the_person_cared_for(client, cast):
    users, person = cast
    plan = make_carer(users, person)
    url = f"/api/carers/plans/{plan.pk}"
    read = client.get(url, **bearer(users["scot_social_worker"]))
    assert read.status_code == 200, read.content
    body = read.json()
    assert (body["id"], body["carer_id"], body["cared_for_id"], body["state"]) == (
        plan.pk, plan.carer_id, person.pk, "draft")
    assert body["outcomes"] == [] and body["latest_eligibility"] is None
    assert client.get(url, **bearer(users["the_person"])).status_code == 404
    assert client.get("/api/carers/plans/999999",
                      **bearer(users["scot_social_worker"])).status_code == 404


def test_starting_names_the_referral_and_refuses_a_second_assessment(client, case):
    worker, person = case
    url = f"/api/people/{person.pk}/assessments"
    wrong = post(client, worker, url, {"referral_id": 999999})
    assert (wrong.status_code, fields(wrong)) == (422, {"referral_id"})
    started = post(client, worker, url, {"started_on": "2025-01-06"})
    assert (started.status_code, started.json()["started_on"]) == (201, "2025-01-06")
    again = post(client, worker, url)
    assert (again.status_code, fields(again)) == (422, {"__all__"})
    assert Assessment.objects.filter(person=person).count() == 1
