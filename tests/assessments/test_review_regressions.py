"""Holes found in review of the assessment stage, closed and held closed."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import Assessment, Referral
from selfdirect.assessments.selectors import Stage, waiting_list
from selfdirect.core import clock
from selfdirect.outcomes import services as outcomes
from selfdirect.outcomes.models import OutcomeTerm, PersonalOutcome
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(world):
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    assessment = assessing.assessment_start(actor=worker, person=person)
    booked = assessing.conversation_book(actor=worker, assessment=assessment, mode="phone",
                                         when=timezone.now() + datetime.timedelta(days=3))
    held = assessing.conversation_book(actor=worker, assessment=assessment, mode="phone",
                                       when=timezone.now() - datetime.timedelta(hours=1))
    assessing.conversation_record(actor=worker, conversation=held, participants="P",
                                  notes="N")
    good = outcomes.outcome_add(actor=worker, person=person, assessment=assessment,
                                in_own_words="Walk to the shop on the corner every morning",
                                category=OutcomeTerm.objects.get(code="mobility"),
                                better_looks_like="Daily", measure="Five mornings a week")
    draft = outcomes.outcome_add(actor=worker, person=person, assessment=assessment,
                                 in_own_words="See my brother in Fife every month",
                                 category=OutcomeTerm.objects.get(code="seeing_people"),
                                 better_looks_like="Monthly", measure="Twelve visits a year")
    outcomes.outcome_agree(actor=worker, outcome=good)
    assessing.eligibility_decide(actor=worker, assessment=assessment,
                                 areas=[("activities", "substantial", "r")], reasons="r",
                                 next_steps="n")
    assessing.assessment_complete(actor=worker, assessment=assessment)
    return worker, assessment, booked, draft, good


def test_a_finished_assessment_keeps_its_conversations(finished):
    worker, _, booked, _, _ = finished
    with pytest.raises(ValidationError, match="can no longer be changed"):
        assessing.conversation_cancel(actor=worker, conversation=booked, reason="x")


def test_a_finished_assessment_keeps_its_outcomes(finished):
    worker, _, _, draft, good = finished
    with pytest.raises(ValidationError, match="finished"):
        outcomes.outcome_agree(actor=worker, outcome=draft)
    with pytest.raises(ValidationError, match="finished"):
        outcomes.outcome_update(actor=worker, outcome=draft, measure="x")
    with pytest.raises(ValidationError, match="finished"):
        outcomes.outcome_withdraw(actor=worker, outcome=good, reason="x")
    draft.refresh_from_db()
    good.refresh_from_db()
    assert (draft.state, good.state) == (PersonalOutcome.State.DRAFT, PersonalOutcome.State.AGREED)


def test_eligibility_cannot_be_dated_in_the_future_or_before_the_assessment(world):
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    assessment = assessing.assessment_start(actor=worker, person=person,
                                            started_on=clock.today())
    for when in (clock.today() + datetime.timedelta(days=1),
                 clock.today() - datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            assessing.eligibility_decide(actor=worker, assessment=assessment, decided_on=when,
                                         areas=[("home", "critical", "r")], reasons="r",
                                         next_steps="n")
        assert "decided_on" in refused.value.message_dict


def test_someone_being_assessed_is_not_also_waiting_for_assessment(world):
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    assessing.referral_record(actor=worker, person=person, source="self", reason="r",
                              urgency="routine")
    assessing.assessment_start(actor=worker, person=person)
    assessing.referral_record(actor=worker, person=person, source="gp_health", reason="again",
                              urgency="routine")
    assert Referral.objects.filter(person=person, state="open").count() == 1
    stages = [r.stage for r in waiting_list(user=worker) if r.person == person]
    assert stages == [Stage.ASSESSING]
    assert Assessment.objects.filter(person=person).count() == 1


def test_a_carers_plan_outcomes_stay_with_the_plan(world):
    from selfdirect.carers.services import carer_plan_outcome_add
    from tests.carers.matrix import make_carer

    worker = world.user("scot_social_worker")
    cared_for = PersonFactory(authority=world.scot, team=world.scot_team,
                              allocated_worker=worker)
    plan = make_carer(world.users, cared_for)
    in_plan = carer_plan_outcome_add(
        actor=worker, plan=plan, in_own_words="Keep my job at the library three days a week",
        category=OutcomeTerm.objects.get(code="carer_life_of_own"))
    own = outcomes.outcome_add(actor=worker, person=plan.carer,
                               in_own_words="Learn to drive so I can get to work")
    assessment = assessing.assessment_start(actor=worker, person=plan.carer)
    from selfdirect.outcomes.services import outcomes_attach_to_assessment

    outcomes_attach_to_assessment(actor=worker, person=plan.carer, assessment=assessment)
    in_plan.refresh_from_db()
    own.refresh_from_db()
    assert in_plan.assessment is None
    assert own.assessment == assessment
