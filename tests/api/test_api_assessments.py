"""The assessment API shows what the page shows, and no more."""

from __future__ import annotations

import json

import pytest

from selfdirect.accounts.services import api_token_create
from selfdirect.assessments import services as assessing
from selfdirect.outcomes import services as outcomes
from selfdirect.outcomes.models import OutcomeTerm
from selfdirect.people.models import ConsentScope
from selfdirect.people.services import consent_record
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t', scope='read_write')[1]}"}


def test_an_assessment_reads_with_outcomes_and_only_visible_contributions(client, world):
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    assessment = assessing.assessment_start(actor=worker, person=person)
    outcomes.outcome_add(actor=worker, person=person, assessment=assessment,
                         in_own_words="Back to the allotment on Saturdays",
                         category=OutcomeTerm.objects.get(code="things_to_do"),
                         national_outcomes=[OutcomeTerm.objects.get(code="nhwo_4")],
                         measure="Goes most Saturdays")
    consent_record(actor=worker, person=person, scope=ConsentScope.SHARE_WITH_FAMILY,
                   decision="given", method="verbal")
    assessing.contribution_add(actor=worker, assessment=assessment, contributor_name="Son",
                               contributor_role="family", content="Open", worker_only=False)
    assessing.contribution_add(actor=worker, assessment=assessment, contributor_name="Daughter",
                               contributor_role="family", content="Private", worker_only=True)
    body = client.get(f"/api/assessments/{assessment.pk}",
                      **bearer(world.user("scot_team_manager"))).json()
    assert body["outcomes"][0]["category"] == "things_to_do"
    assert body["outcomes"][0]["national_outcomes"] == ["nhwo_4"]
    assert [c["content"] for c in body["contributions"]] == ["Open"]
    mine = client.get(f"/api/assessments/{assessment.pk}", **bearer(worker)).json()
    assert [c["content"] for c in mine["contributions"]] == ["Open", "Private"]


def test_a_referral_by_api_validates_like_the_service(client, world):
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team)
    bad = client.post(f"/api/people/{person.pk}/referrals",
                      json.dumps({"source": "nobody", "reason": "", "urgency": "soon"}),
                      content_type="application/json", **bearer(worker))
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) >= {"source", "reason", "urgency"}
    assert not person.referrals.exists()


def test_reading_an_assessment_by_api_is_logged_as_the_api(client, world):
    from selfdirect.audit.models import AccessLog

    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    assessment = assessing.assessment_start(actor=worker, person=person)
    before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    client.get(f"/api/assessments/{assessment.pk}", **bearer(worker))
    client.get(f"/api/assessments/{assessment.pk}", **bearer(world.user("eng_team_manager")))
    assert list(AccessLog.objects.filter(id__gt=before).order_by("id")
                .values_list("outcome", "channel")) == [
        ("viewed", "api"), ("denied", "api")]
