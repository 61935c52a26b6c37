"""A person cared for in Edinburgh, allocated to scot_social_worker, and helpers that take
a carer through identification, the offer and the answer."""

from __future__ import annotations

import datetime

import pytest

from selfdirect.carers import services
from selfdirect.outcomes.models import OutcomeTerm
from tests.factories import PersonFactory

DAY = datetime.date(2026, 3, 2)  # a Monday, in the past


@pytest.fixture
def worker(world):
    return world.user("scot_social_worker")


@pytest.fixture
def cared_for(world, worker):
    return PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker,
                         given_name="Alasdair", family_name="Munro")


@pytest.fixture
def carer(world, worker):
    return PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker,
                         given_name="Catriona", family_name="Munro", client_group="carer")


def identify(worker, cared_for, carer, *, day=DAY, terminal=False):
    return services.carer_identify(actor=worker, cared_for=cared_for, carer=carer,
                                   identified_on=day, terminal_illness=terminal)


def accepted_plan(worker, cared_for, carer, *, day=DAY, terminal=False):
    offer = identify(worker, cared_for, carer, day=day, terminal=terminal)
    offer = services.carer_offer_make(actor=worker, offer=offer, offered_on=day,
                                      offered_how="phone")
    offer = services.carer_offer_answer(actor=worker, offer=offer, answer="accepted",
                                        answered_on=day)
    return offer.plan


def carers_category(code="carer_life_of_own"):
    return OutcomeTerm.objects.get(code=code)


ALL_AREAS_LOW = [
    ("health_wellbeing", "low", "Tired but sleeping"), ("relationships", "none", ""),
    ("living_environment", "none", ""), ("employment_training", "low", "Works part time"),
    ("finance", "none", ""), ("life_balance", "low", "Some time off"),
    ("future_planning", "none", ""),
]


def areas_with(area, level, reason="Because"):
    return [(a, level if a == area else lv, reason if a == area else r)
            for a, lv, r in ALL_AREAS_LOW]


def complete(worker, plan):
    """Everything the Act asks for, so the plan can be agreed."""
    services.carer_plan_update(
        actor=worker, plan=plan, first_conversation_on=DAY,
        circumstances="Works three days a week; lives with her partner",
        nature_and_extent="Visits her father every evening; helps with meals and medication",
        impact="Sleeps badly; has dropped her evening class",
        willingness_and_ability="Willing to keep caring; cannot do nights",
        emergency_arrangements="Her brother can step in for a few days",
        future_arrangements="None yet: to be talked about with the family",
        identified_needs="Time for herself; a break every few weeks",
        local_support="VOCAL carers' centre; a carers' group in Leith",
        support_to_be_provided="A short break every six weeks",
        short_break="yes", short_break_details="A weekend every six weeks, sitting service",
        review_arrangements="In six months, or sooner if his health changes")
    services.carer_plan_outcome_add(
        actor=worker, plan=plan, in_own_words="I want to keep going to my Tuesday choir",
        category=carers_category(), better_looks_like="At choir most weeks",
        measure="Goes to choir three Tuesdays in four")
    services.carer_eligibility_decide(
        actor=worker, plan=plan, areas=areas_with("life_balance", "substantial",
                                                  "No time for herself at all"),
        reasons="Caring leaves her no time of her own", decided_on=DAY)
