"""Assessment lifecycle, eligibility, self-assessment."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import Assessment, Referral, SelfAssessment
from selfdirect.core import clock
from selfdirect.outcomes import services as outcomes
from selfdirect.outcomes.models import OutcomeTerm, PersonalOutcome
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    return worker, person


def _ready_to_complete(worker, assessment):
    talk = assessing.conversation_book(actor=worker, assessment=assessment,
                                       when=timezone.now() - datetime.timedelta(hours=1),
                                       mode="face_to_face")
    assessing.conversation_record(actor=worker, conversation=talk, participants="P, worker",
                                  notes="Talked")
    outcome = outcomes.outcome_add(
        actor=worker, person=assessment.person, assessment=assessment,
        in_own_words="Walk the dog round the park every morning again",
        category=OutcomeTerm.objects.get(code="mobility"), better_looks_like="Daily walks",
        measure="Walks five mornings a week")
    outcomes.outcome_agree(actor=worker, outcome=outcome)
    assessing.eligibility_decide(actor=worker, assessment=assessment,
                                 areas=[("personal_care", "critical", "Falls when washing")],
                                 reasons="Critical risk", next_steps="Budget next")


def test_below_the_threshold_gives_a_written_decision_with_signposting(case):
    worker, person = case
    assessment = assessing.assessment_start(actor=worker, person=person)
    areas = [("relationships", "moderate", "Lonely since her husband died"),
             ("home", "low", "Manages the house with some effort")]
    with pytest.raises(ValidationError) as refused:
        assessing.eligibility_decide(actor=worker, assessment=assessment, areas=areas,
                                     reasons="Some risk, not substantial", next_steps="Review")
    assert "community support suggested" in refused.value.message_dict["signposting"][0]
    decision = assessing.eligibility_decide(
        actor=worker, assessment=assessment, areas=areas, reasons="Some risk, not substantial",
        next_steps="We will look again if things change",
        signposting="Tuesday lunch club at Leith community centre; Befriending Edinburgh")
    assert (decision.overall_band, decision.threshold_band, decision.eligible) == (
        "moderate", "substantial", False)
    assert "Ombudsman" in decision.challenge_route
    assert [a.band for a in decision.areas.all()] == ["moderate", "low"]


def test_the_threshold_in_force_on_the_day_decides(world, case):
    from selfdirect.authorities.models import PolicyFigure

    worker, person = case
    today = clock.today()
    # An earlier committee decision, already in force (set through the policy page it
    # would have been entered on or before its date).
    PolicyFigure.objects.create(authority=world.scot, country="scotland",
                                key="eligibility.threshold_band", kind="choice",
                                value="moderate", effective_from=today - datetime.timedelta(days=10),
                                reason="Committee")
    assessment = assessing.assessment_start(actor=worker, person=person,
                                            started_on=today - datetime.timedelta(days=30))
    areas = [("relationships", "moderate", "Isolated")]
    before = assessing.eligibility_decide(actor=worker, assessment=assessment, areas=areas,
                                          reasons="r", next_steps="n", signposting="Club",
                                          decided_on=today - datetime.timedelta(days=11))
    after = assessing.eligibility_decide(actor=worker, assessment=assessment, areas=areas,
                                         reasons="r", next_steps="n", decided_on=today)
    assert (before.eligible, before.threshold_band) == (False, "substantial")
    assert (after.eligible, after.threshold_band) == (True, "moderate")


def test_an_assessment_completes_only_when_its_guards_hold(case):
    worker, person = case
    assessment = assessing.assessment_start(actor=worker, person=person)
    with pytest.raises(ValidationError) as refused:
        assessing.assessment_complete(actor=worker, assessment=assessment)
    assert refused.value.messages == [
        "Record at least one conversation that was held",
        "Agree at least one personal outcome with the person",
        "Record the eligibility decision"]
    _ready_to_complete(worker, assessment)
    done = assessing.assessment_complete(actor=worker, assessment=assessment)
    assert (done.state, done.completed_by) == (Assessment.State.COMPLETED, worker)
    with pytest.raises(ValidationError):
        assessing.assessment_update(actor=worker, assessment=done, strengths="late edit")


def test_sign_off_needs_a_team_manager_who_did_not_complete_it(world, case):
    worker, person = case
    assessment = assessing.assessment_start(actor=worker, person=person)
    _ready_to_complete(worker, assessment)
    with pytest.raises(PermissionDenied):
        assessing.assessment_approve(actor=worker, assessment=assessment)
    manager = world.user("scot_team_manager")
    with pytest.raises(ValidationError, match="Only a completed assessment"):
        assessing.assessment_approve(actor=manager, assessment=assessment)
    assessing.assessment_complete(actor=worker, assessment=assessment)
    with pytest.raises(PermissionDenied):
        assessing.assessment_approve(actor=world.user("eng_team_manager"), assessment=assessment)
    approved = assessing.assessment_approve(actor=manager, assessment=assessment)
    assert (approved.state, approved.approved_by) == (Assessment.State.APPROVED, manager)


def test_a_self_assessment_becomes_the_workers_starting_point(world, case):
    worker, person = case
    me = UserFactory()
    person.user = me
    person.save()
    assessing.self_assessment_save(actor=me, person=person,
                                   what_matters="Seeing my grandchildren on Sundays",
                                   what_is_hard="The bus step")
    mine = outcomes.outcome_add(actor=me, person=person,
                                in_own_words="Get the bus to my daughter's on Sundays")
    assert mine.proposed_by == "person" and mine.assessment is None
    assessing.self_assessment_save(actor=me, person=person, share=True)
    assessment = assessing.assessment_start(actor=worker, person=person)
    assert assessment.from_self_assessment
    sa = assessment.self_assessments.get()
    assert (sa.state, sa.what_matters) == (SelfAssessment.State.USED,
                                           "Seeing my grandchildren on Sundays")
    assert list(assessment.outcomes.values_list("in_own_words", flat=True)) == [
        "Get the bus to my daughter's on Sundays"]
    assert PersonalOutcome.objects.get().history.first().history_change_reason == \
        "Taken into the assessment"


def test_nobody_else_writes_a_persons_self_assessment(world, case):
    worker, person = case
    with pytest.raises(PermissionDenied):
        assessing.self_assessment_save(actor=UserFactory(), person=person, what_matters="x")
    # A worker records outcomes in the assessment, not in the person's own pages.
    with pytest.raises(PermissionDenied):
        assessing.self_assessment_save(actor=worker, person=person, what_matters="x")


def test_a_referral_starts_the_clock_and_starting_the_assessment_moves_it_on(case):
    worker, person = case
    referral = assessing.referral_record(actor=worker, person=person, source="gp_health",
                                         reason="Falls at home", urgency="urgent",
                                         received_on=datetime.date(2026, 10, 1))
    assessment = assessing.assessment_start(actor=worker, person=person)
    referral.refresh_from_db()
    assert assessment.referral == referral
    assert referral.state == Referral.State.ASSESSING
    with pytest.raises(ValidationError) as refused:
        assessing.referral_record(actor=worker, person=person, source="self", reason="x",
                                  urgency="routine",
                                  received_on=clock.today() + datetime.timedelta(days=1))
    assert "received_on" in refused.value.message_dict


def test_only_one_assessment_in_progress_at_a_time(case):
    worker, person = case
    assessing.assessment_start(actor=worker, person=person)
    with pytest.raises(ValidationError, match="already has an assessment in progress"):
        assessing.assessment_start(actor=worker, person=person)


def test_staff_outside_the_caseload_cannot_assess(world, case):
    _, person = case
    for name in ("scot_other_social_worker", "eng_social_worker", "scot_finance_officer"):
        with pytest.raises(PermissionDenied):
            assessing.assessment_start(actor=world.user(name), person=person)


def test_sharing_during_an_assessment_joins_that_assessment(case):
    worker, person = case
    me = UserFactory()
    person.user = me
    person.save()
    assessment = assessing.assessment_start(actor=worker, person=person)
    outcomes.outcome_add(actor=me, person=person, in_own_words="Go to the football on Saturdays")
    sa = assessing.self_assessment_save(actor=me, person=person, what_matters="Football",
                                        share=True)
    assert (sa.state, sa.assessment) == (SelfAssessment.State.USED, assessment)
    assert list(assessment.outcomes.values_list("in_own_words", flat=True)) == [
        "Go to the football on Saturdays"]


def test_a_self_assessment_with_only_withdrawn_proposals_cannot_be_shared(case):
    _, person = case
    me = UserFactory()
    person.user = me
    person.save()
    proposal = outcomes.outcome_add(actor=me, person=person, in_own_words="Something")
    outcomes.outcome_withdraw(actor=me, outcome=proposal, reason="changed my mind")
    with pytest.raises(ValidationError) as refused:
        assessing.self_assessment_save(actor=me, person=person, share=True)
    assert "what_matters" in refused.value.message_dict
