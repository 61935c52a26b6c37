"""Identifying a carer, the offer and its answer, the plan, outcomes, eligibility and
agreement: each one transaction, permission-checked, with history and a reason."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from selfdirect.audit.models import AccessLog
from selfdirect.authorities.models import PolicyFigure
from selfdirect.carers import services
from selfdirect.carers.models import (
    AdultCarerSupportPlan,
    CarerEligibilityDecision,
    CarerLink,
    CarerSupportPlanOffer,
    PlanOutcome,
)
from selfdirect.core import clock
from selfdirect.outcomes.models import OutcomeTerm, PersonalOutcome
from selfdirect.people.models import Access, Person, RelationshipKind
from selfdirect.people.services import relationship_add
from tests.carers.conftest import (
    ALL_AREAS_LOW,
    DAY,
    accepted_plan,
    areas_with,
    carers_category,
    complete,
    identify,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
State = CarerSupportPlanOffer.State


# --- Identifying ---------------------------------------------------------------------------


def test_identifying_a_new_carer_gives_them_their_own_record_in_the_responsible_authority(
        world, worker, cared_for):
    rel = relationship_add(actor=worker, person=cared_for, kind=RelationshipKind.UNPAID_CARER,
                           name="Catriona Munro", access=Access.NONE)
    offer = services.carer_identify(
        actor=worker, cared_for=cared_for, identified_on=DAY, terminal_illness=False,
        new_carer={"given_name": "Catriona", "family_name": "Munro",
                   "date_of_birth": datetime.date(1972, 5, 4)},
        relationship=rel, relationship_to_cared_for="daughter")
    carer = offer.carer
    assert (carer.authority, carer.client_group, carer.allocated_worker) == (
        world.scot, "carer", worker)
    assert carer.pk != cared_for.pk
    link = CarerLink.objects.get(carer=carer, cared_for=cared_for)
    assert (link.relationship, link.relationship_to_cared_for) == (rel, "daughter")
    assert (offer.state, offer.offer_due_by, offer.conversation_due_by) == (
        State.IDENTIFIED, None, None)
    record = offer.history.get()
    assert (record.history_user, record.history_change_reason) == (
        worker, "Carer identified: plan to be offered")
    assert AccessLog.objects.filter(person_id=carer.pk, outcome="changed").exists()


def test_a_carer_of_someone_terminally_ill_is_owed_an_offer_within_two_working_days(
        worker, cared_for, carer):
    # Thursday 21 May 2026: Friday is one working day, Monday 25 May a Scottish holiday.
    offer = identify(worker, cared_for, carer, day=datetime.date(2026, 5, 21), terminal=True)
    assert offer.offer_due_by == datetime.date(2026, 5, 26)
    offer = services.carer_offer_make(actor=worker, offer=offer,
                                      offered_on=datetime.date(2026, 5, 22), offered_how="phone")
    offer = services.carer_offer_answer(actor=worker, offer=offer, answer="accepted",
                                        answered_on=datetime.date(2026, 5, 22))
    # Five working days after Friday 22 May, skipping the weekend and the holiday.
    assert offer.conversation_due_by == datetime.date(2026, 6, 1)


def test_bad_identification_names_each_field_and_saves_nothing(world, worker, cared_for):
    people_before = Person.objects.count()
    elsewhere = PersonFactory(authority=world.eng)
    future = clock.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.carer_identify(actor=worker, cared_for=cared_for, carer=elsewhere,
                                identified_on=future, terminal_illness=False)
    assert set(caught.value.message_dict) == {"identified_on", "carer"}
    assert caught.value.message_dict["identified_on"] == [
        "Date the carer was identified must be today or in the past"]
    with pytest.raises(ValidationError) as caught:
        services.carer_identify(actor=worker, cared_for=cared_for, carer=cared_for,
                                identified_on=DAY, terminal_illness=False)
    assert caught.value.message_dict["carer"] == [
        "Select someone other than the person cared for"]
    with pytest.raises(ValidationError) as caught:
        services.carer_identify(actor=worker, cared_for=cared_for, identified_on=DAY,
                                terminal_illness=False, new_carer={"given_name": "A"})
    assert set(caught.value.message_dict) == {"family_name", "date_of_birth"}
    assert Person.objects.count() == people_before + 1  # only `elsewhere`
    assert not CarerSupportPlanOffer.objects.exists() and not CarerLink.objects.exists()


def test_a_carer_is_identified_once_while_their_offer_is_open(worker, cared_for, carer):
    identify(worker, cared_for, carer)
    with pytest.raises(ValidationError) as caught:
        identify(worker, cared_for, carer)
    assert "already been identified" in caught.value.message_dict["carer"][0]
    assert CarerSupportPlanOffer.objects.count() == 1
    # And the database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        CarerSupportPlanOffer.objects.create(carer=carer, cared_for=cared_for,
                                             identified_on=DAY, recorded_by=worker)


def test_only_staff_who_may_change_the_person_cared_for_identify_their_carers(
        world, cared_for, carer):
    for name in ("scot_other_social_worker", "scot_finance_officer", "eng_team_manager"):
        with pytest.raises(PermissionDenied):
            identify(world.user(name), cared_for, carer)


def test_a_worker_cannot_attach_a_carer_record_they_cannot_change(world, worker, cared_for):
    manager = world.user("scot_team_manager")
    someone_elses = PersonFactory(authority=world.scot, team=world.scot_other_team)
    assert manager.has_perm("carers.change_carer_plan", someone_elses)
    with pytest.raises(ValidationError) as caught:
        identify(worker, cared_for, someone_elses)
    assert caught.value.message_dict["carer"] == ["Select a carer whose record you can change"]


# --- The offer and the answer -------------------------------------------------------------


def test_the_offer_lifecycle_is_guarded(worker, cared_for, carer):
    offer = identify(worker, cared_for, carer)
    with pytest.raises(ValidationError, match="offered first"):
        services.carer_offer_answer(actor=worker, offer=offer, answer="accepted",
                                    answered_on=DAY)
    with pytest.raises(ValidationError) as caught:
        services.carer_offer_make(actor=worker, offer=offer, offered_on=DAY
                                  - datetime.timedelta(days=1), offered_how="by pigeon")
    assert set(caught.value.message_dict) == {"offered_on", "offered_how"}
    offer.refresh_from_db()
    assert offer.state == State.IDENTIFIED
    offer = services.carer_offer_make(actor=worker, offer=offer, offered_on=DAY,
                                      offered_how="letter")
    with pytest.raises(ValidationError):
        services.carer_offer_make(actor=worker, offer=offer, offered_on=DAY,
                                  offered_how="letter")
    with pytest.raises(ValidationError) as caught:
        services.carer_offer_answer(actor=worker, offer=offer, answer="maybe",
                                    answered_on=DAY - datetime.timedelta(days=3))
    assert set(caught.value.message_dict) == {"answer", "answered_on"}
    assert not AdultCarerSupportPlan.objects.exists()


def test_a_declined_offer_can_be_made_again_later_and_the_first_is_kept(
        worker, cared_for, carer):
    offer = identify(worker, cared_for, carer)
    offer = services.carer_offer_make(actor=worker, offer=offer, offered_on=DAY,
                                      offered_how="face_to_face")
    declined = services.carer_offer_answer(actor=worker, offer=offer, answer="declined",
                                           answered_on=DAY, note="Not now, maybe later")
    assert declined.state == State.DECLINED and not AdultCarerSupportPlan.objects.exists()
    later = DAY + datetime.timedelta(days=20)
    again = services.carer_offer_make(actor=worker, offer=declined, offered_on=later,
                                      offered_how="phone")
    assert again.pk != declined.pk and again.previous_offer == declined
    assert (again.state, again.offered_on) == (State.OFFERED, later)
    declined.refresh_from_db()
    assert declined.state == State.DECLINED and declined.answer_note == "Not now, maybe later"
    with pytest.raises(ValidationError, match="already been made again"):
        services.carer_offer_make(actor=worker, offer=declined, offered_on=later,
                                  offered_how="phone")
    accepted = services.carer_offer_answer(actor=worker, offer=again, answer="accepted",
                                           answered_on=later)
    assert accepted.plan.state == AdultCarerSupportPlan.State.DRAFT
    assert accepted.plan.carer == carer and accepted.plan.cared_for == cared_for


def test_accepting_starts_the_plan_with_history(worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    assert plan.history.get().history_change_reason == "Plan started: the carer accepted"
    reasons = [h.history_change_reason for h in plan.offer.history.order_by("history_id")]
    assert reasons == ["Carer identified: plan to be offered", "Plan offered",
                       "Carer accepted the plan"]


# --- The plan -----------------------------------------------------------------------------


def test_the_plan_records_sections_and_checks_short_breaks_and_conversation_dates(
        worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    with pytest.raises(ValidationError) as caught:
        services.carer_plan_update(actor=worker, plan=plan, short_break="yes",
                                   short_break_details=" ",
                                   first_conversation_on=DAY - datetime.timedelta(days=1))
    assert set(caught.value.message_dict) == {"short_break_details", "first_conversation_on"}
    plan.refresh_from_db()
    assert plan.short_break == "" and plan.first_conversation_on is None
    services.carer_plan_update(actor=worker, plan=plan, section="The carer's circumstances",
                               circumstances="Works nights")
    plan.refresh_from_db()
    assert plan.circumstances == "Works nights"
    assert plan.history.latest().history_change_reason == "Plan updated: The carer's circumstances"
    with pytest.raises(ValueError):
        services.carer_plan_update(actor=worker, plan=plan, state="agreed")


def test_the_carers_outcomes_are_on_the_carers_own_record_under_carers_categories(
        worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    talking_point = OutcomeTerm.objects.get(code="mobility")
    with pytest.raises(ValidationError) as caught:
        services.carer_plan_outcome_add(actor=worker, plan=plan, in_own_words="Walk more",
                                        category=talking_point)
    assert caught.value.message_dict["category"] == ["Select which carers' outcome it belongs to"]
    with pytest.raises(ValidationError) as caught:
        services.carer_plan_outcome_add(actor=worker, plan=plan, in_own_words="  ",
                                        category=carers_category())
    assert caught.value.message_dict == {"in_own_words": [
        "Enter the outcome in the carer's own words"]}
    assert not PersonalOutcome.objects.exists()
    outcome = services.carer_plan_outcome_add(
        actor=worker, plan=plan, in_own_words="I want an evening a week with my friends",
        category=carers_category())
    assert outcome.person == carer and outcome.category.framework == "carers"
    assert outcome.proposed_by == "person" and outcome.assessment is None
    assert PlanOutcome.objects.get().outcome == outcome
    assert not PersonalOutcome.objects.filter(person=cared_for).exists()


def test_eligibility_against_the_authority_threshold_on_the_day(world, worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    # The national default is substantial; moderate is below it: signposting needed.
    with pytest.raises(ValidationError) as caught:
        services.carer_eligibility_decide(actor=worker, plan=plan,
                                          areas=areas_with("finance", "moderate"),
                                          reasons="Some strain", decided_on=DAY)
    assert "below the authority's threshold (substantial)" in \
        caught.value.message_dict["signposting"][0]
    assert not CarerEligibilityDecision.objects.exists()
    below = services.carer_eligibility_decide(
        actor=worker, plan=plan, areas=areas_with("finance", "moderate"), reasons="Some strain",
        signposting="Carers' centre money advice", decided_on=DAY)
    assert (below.overall_level, below.threshold_level, below.eligible) == (
        "moderate", "substantial", False)
    assert below.areas.count() == 7
    # The authority lowers its threshold to moderate from a date: decisions from then on
    # use it; the earlier decision keeps the threshold it was made under.
    PolicyFigure.objects.create(authority=world.scot, country="scotland",
                                key="carers.eligibility_threshold", kind="choice",
                                value="moderate", effective_from=DAY + datetime.timedelta(days=1))
    later = services.carer_eligibility_decide(
        actor=worker, plan=plan, areas=areas_with("finance", "moderate"), reasons="Some strain",
        decided_on=DAY + datetime.timedelta(days=1))
    assert (later.threshold_level, later.eligible) == ("moderate", True)
    below.refresh_from_db()
    assert (below.threshold_level, below.eligible) == ("substantial", False)


def test_eligibility_needs_every_area_and_reasons_named_by_field(worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    areas = [a for a in areas_with("finance", "critical", "") if a[0] != "future_planning"]
    with pytest.raises(ValidationError) as caught:
        services.carer_eligibility_decide(actor=worker, plan=plan, areas=areas, reasons=" ",
                                          challenge_route="")
    errors = caught.value.message_dict
    assert errors["areas"] == ["Select the level of impact for: future planning"]
    assert errors["reason_finance"] == ["Enter the reason for the level of impact on finance"]
    assert set(errors) == {"areas", "reason_finance", "reasons", "challenge_route"}
    decision = services.carer_eligibility_decide(
        actor=worker, plan=plan, areas=ALL_AREAS_LOW, reasons="Low impact",
        signposting="VOCAL", decided_on=DAY)
    assert decision.overall_level == "low" and not decision.eligible


def test_a_plan_is_agreed_only_with_everything_the_act_requires(worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    with pytest.raises(ValidationError) as caught:
        services.carer_plan_agree(actor=worker, plan=plan)
    errors = caught.value.message_dict
    assert {"first_conversation_on", "circumstances", "short_break", "outcomes",
            "eligibility", "review_arrangements"} <= set(errors)
    complete(worker, plan)
    agreed = services.carer_plan_agree(actor=worker, plan=plan)
    assert agreed.state == AdultCarerSupportPlan.State.AGREED and agreed.agreed_by == worker
    with pytest.raises(ValidationError, match="changed at a review"):
        services.carer_plan_update(actor=worker, plan=agreed, impact="More")
    with pytest.raises(ValidationError, match="changed at a review"):
        services.carer_plan_outcome_add(actor=worker, plan=agreed, in_own_words="More",
                                        category=carers_category())


def test_a_vague_outcome_stops_agreement_and_says_which_check(worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    complete(worker, plan)
    services.carer_plan_outcome_add(actor=worker, plan=plan, in_own_words="To be happy",
                                    category=carers_category())
    with pytest.raises(ValidationError) as caught:
        services.carer_plan_agree(actor=worker, plan=plan)
    messages = caught.value.message_dict["outcomes"]
    assert any(m.startswith("Outcome 2: Say what it means for this person") for m in messages)
    assert any(m.startswith("Outcome 2: Add how you will both know") for m in messages)


def test_only_staff_who_may_change_the_carers_record_change_the_plan(
        world, worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    for name in ("scot_other_social_worker", "scot_finance_officer", "eng_team_manager"):
        with pytest.raises(PermissionDenied):
            services.carer_plan_update(actor=world.user(name), plan=plan, impact="x")
    carer.user = world.user("nobody")
    carer.save()
    with pytest.raises(PermissionDenied):  # the carer sees their plan; staff write it
        services.carer_plan_update(actor=carer.user, plan=plan, impact="x")
