"""A carer of someone terminally ill, on the statutory clocks.

Mairi cares for her father, Donald, who is terminally ill. The council identifies her as
his carer on Thursday 2 April 2026, the day before Good Friday. In Scotland Good Friday is
a bank holiday and Easter Monday is not, so the two working days for the offer of an adult
carer support plan are Monday 6 and Tuesday 7 April. She accepts on Tuesday 7 April; the
first conversation is due within five working days of that, by Tuesday 14 April. Both
clocks show on the carers' waiting list. Her plan records her outcomes in her own words
under the carers' outcomes, her eligibility under Edinburgh's own threshold, and a break
from caring. Donald cannot see her plan.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from selfdirect.authorities.models import PolicyFigure
from selfdirect.carers import services
from selfdirect.carers.models import AdultCarerSupportPlan, CarerSupportPlanOffer
from selfdirect.carers.selectors import CarerStage, carers_waiting
from selfdirect.core.working_days import add_working_days, is_working_day
from selfdirect.outcomes.models import OutcomeTerm, PersonalOutcome
from tests.factories import TEST_PASSWORD, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

THURSDAY = datetime.date(2026, 4, 2)
GOOD_FRIDAY = datetime.date(2026, 4, 3)
EASTER_MONDAY = datetime.date(2026, 4, 6)
OFFER_DUE = datetime.date(2026, 4, 7)
CONVERSATION_DUE = datetime.date(2026, 4, 14)


def test_a_daughter_caring_for_her_terminally_ill_father(client, world):
    worker = world.user("scot_social_worker")
    donald = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker,
                           given_name="Donald", family_name="MacInnes",
                           client_group="palliative")
    donald.user = UserFactory(username="donald")
    donald.save()

    # The calendar: Good Friday is a Scottish bank holiday, Easter Monday is not.
    assert THURSDAY.strftime("%A") == "Thursday"
    assert not is_working_day(GOOD_FRIDAY, country="scotland")
    assert is_working_day(EASTER_MONDAY, country="scotland")
    assert add_working_days(THURSDAY, 2, country="england") == datetime.date(2026, 4, 8)

    # Identified on the Thursday: the offer is due in two working days.
    offer = services.carer_identify(
        actor=worker, cared_for=donald, identified_on=THURSDAY, terminal_illness=True,
        new_carer={"given_name": "Mairi", "family_name": "MacInnes",
                   "date_of_birth": datetime.date(1979, 9, 14), "phone": "07700 900123"},
        relationship_to_cared_for="daughter")
    mairi = offer.carer
    assert mairi.authority == donald.authority and mairi.client_group == "carer"
    assert offer.offer_due_by == OFFER_DUE

    row, = carers_waiting(user=worker, today=THURSDAY)
    assert (row.carer, row.cared_for, row.stage) == (mairi, donald, CarerStage.OFFER_DUE)
    assert (row.due_by, row.overdue, row.working_days_left) == (OFFER_DUE, False, 2)
    # Had nobody offered it by Wednesday, the list would say so.
    late, = carers_waiting(user=worker, today=datetime.date(2026, 4, 8))
    assert (late.overdue, late.working_days_overdue) == (True, 1)

    # Offered on the Tuesday, in time; she accepts the same day.
    offer = services.carer_offer_make(actor=worker, offer=offer, offered_on=OFFER_DUE,
                                      offered_how="face_to_face")
    offer = services.carer_offer_answer(actor=worker, offer=offer, answer="accepted",
                                        answered_on=OFFER_DUE, note="Yes, I need some help")
    assert offer.state == CarerSupportPlanOffer.State.ACCEPTED
    assert offer.conversation_due_by == CONVERSATION_DUE
    plan = offer.plan

    row, = carers_waiting(user=worker, today=datetime.date(2026, 4, 8))
    assert (row.stage, row.due_by, row.working_days_left) == (
        CarerStage.CONVERSATION_DUE, CONVERSATION_DUE, 4)
    assert row.plan == plan

    # The page shows the clock too.
    client.login(username="scot_social_worker", password=TEST_PASSWORD)
    html = client.get(reverse("carers-waiting-list")).content.decode()
    assert "Mairi MacInnes" in html and "Tue 14 Apr 2026" in html and "Terminally ill" in html

    # The first conversation, on Friday 10 April: she leaves the waiting list.
    services.carer_plan_update(actor=worker, plan=plan,
                               first_conversation_on=datetime.date(2026, 4, 10))
    assert carers_waiting(user=worker, today=datetime.date(2026, 4, 10)) == []

    # Her outcomes, in her words, under the carers' outcomes, on HER record.
    said = [("I want to be with Dad at the end, not worn out", "carer_relationship"),
            ("I want to keep my job at the library three days a week", "carer_life_of_own")]
    for words, code in said:
        services.carer_plan_outcome_add(
            actor=worker, plan=plan, in_own_words=words,
            category=OutcomeTerm.objects.get(code=code),
            better_looks_like="She sleeps through most nights", measure="Asked at each visit")
    outcomes = PersonalOutcome.objects.filter(person=mairi).select_related("category")
    assert sorted(o.in_own_words for o in outcomes) == sorted(w for w, _ in said)
    assert {o.category.framework for o in outcomes} == {"carers"}
    assert not PersonalOutcome.objects.filter(person=donald).exists()

    # Eligibility under Edinburgh's own threshold: it supports carers from "moderate".
    PolicyFigure.objects.create(authority=world.scot, country="scotland",
                                key="carers.eligibility_threshold", kind="choice",
                                value="moderate", effective_from=datetime.date(2026, 1, 1),
                                reason="Council decision, December 2025")
    areas = [("health_wellbeing", "moderate", "Not sleeping; anxious about Dad"),
             ("relationships", "low", "Less time with her partner"),
             ("living_environment", "none", ""), ("employment_training", "moderate",
                                                  "Has cut her hours at the library"),
             ("finance", "low", "Lost some income"), ("life_balance", "moderate",
                                                      "No time for herself"),
             ("future_planning", "low", "Knows what Dad wants; no plan for after")]
    decision = services.carer_eligibility_decide(
        actor=worker, plan=plan, areas=areas,
        reasons="Caring is having a moderate impact on Mairi's health, work and time",
        decided_on=datetime.date(2026, 4, 10))
    assert (decision.overall_level, decision.threshold_level, decision.eligible) == (
        "moderate", "moderate", True)

    # A break from caring, and the rest of what the Act asks for.
    services.carer_plan_update(
        actor=worker, plan=plan, short_break="yes",
        short_break_details="A sitter two evenings a week so she can rest",
        circumstances="Lives ten minutes away; works part time at the library",
        nature_and_extent="With Dad every evening and most nights",
        impact="Exhausted; anxious", willingness_and_ability="Willing; cannot manage nights alone",
        emergency_arrangements="Her brother Iain, from Inverness, at a day's notice",
        future_arrangements="Anticipatory care plan agreed with the GP",
        identified_needs="Rest at night; someone to talk to",
        local_support="VOCAL carers' centre; the hospice family support team",
        support_to_be_provided="Sitting service; hospice at home nights",
        review_arrangements="Weekly while Dad is at home, and after he dies")
    plan = services.carer_plan_agree(actor=worker, plan=plan,
                                     agreed_on=datetime.date(2026, 4, 10))
    assert plan.state == AdultCarerSupportPlan.State.AGREED
    assert plan.short_break == "yes"
    # Her outcomes are agreed with the plan.
    assert {link.outcome.state for link in plan.plan_outcomes.select_related("outcome")} == {
        "agreed"}

    page = client.get(reverse("carer-plan", args=[plan.pk])).content.decode()
    assert "I want to keep my job at the library three days a week" in page
    assert "A life of my own" in page and "Eligible for support" in page
    assert "A sitter two evenings a week" in page
    assert "Carers are not charged for support" in page

    # Her father cannot see her plan, or the offer.
    assert not donald.user.has_perm("carers.view_carer_plan", plan)
    client.logout()
    client.login(username="donald", password=TEST_PASSWORD)
    assert client.get(reverse("carer-plan", args=[plan.pk])).status_code == 404
    assert client.get(reverse("carer-offer", args=[offer.pk])).status_code == 404
