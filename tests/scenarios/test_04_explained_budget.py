"""Scenario 4. An explained budget before planning.

Eilidh's self-assessment gives an indicative budget up front. Her page shows how it was
reached: points per area, the price per point, each adjustment with its reason, and what
it covers. A change in the authority's price per point recalculates budgets not yet agreed,
and leaves agreed ones alone.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from selfdirect.allocation import services as allocation
from selfdirect.allocation.models import IndicativeBudget, RasVersion
from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import Assessment
from selfdirect.core import clock
from selfdirect.core.money import format_pounds
from tests.allocation.test_ras import ANSWERS, POINTS, calculated, live_version
from tests.factories import TEST_PASSWORD, PersonFactory, UserFactory
from tests.jobs_helpers import run_jobs

pytestmark = pytest.mark.django_db


def sign_in(client, username):
    """Through the sign-in form, as the person does from the portal."""
    client.logout()
    response = client.post(reverse("sign-in"), {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def text_of(response):
    """The page's words, tags stripped, spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_eilidh_reads_how_her_budget_was_reached_and_a_new_price_follows_it(client, world):
    version = live_version(world)
    worker = world.user("scot_social_worker")
    eilidh = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Eilidh",
                           allocated_worker=worker, user=UserFactory(username="eilidh"))

    # Her self-assessment, in her own words, shared with her worker...
    assessing.self_assessment_save(
        actor=eilidh.user, person=eilidh, share=True,
        what_matters="Getting to the Gaelic choir on Tuesdays, and my garden",
        what_is_hard="Washing and dressing in the mornings; the bus is two changes")
    # ...is the starting point of the assessment, where the worker answers the budget
    # questions with her, through the page.
    assessment = assessing.assessment_start(actor=worker, person=eilidh)
    assert assessment.from_self_assessment
    sign_in(client, "scot_social_worker")
    response = client.post(reverse("assessment-budget-questions", args=[assessment.pk]), ANSWERS)
    budget = IndicativeBudget.objects.get(person=eilidh)
    assert response.url == reverse("budget-detail", args=[budget.pk])
    # Up front: the budget is there while the assessment is still in progress, before any
    # plan is made.
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.IN_PROGRESS
    assert budget.state == IndicativeBudget.State.INDICATIVE
    assert (budget.points, budget.price_per_point, budget.base_amount) == (POINTS, 4500, 148500)
    response = client.post(reverse("budget-adjust", args=[budget.pk]), {
        "direction": "add", "measure": "amount", "amount": "520.00",
        "reason_code": "rural_travel", "reason": "Two buses each way to the choir"})
    assert response.status_code == 302

    # Eilidh signs in herself and finds her budget from her own pages.
    sign_in(client, "eilidh")
    home = client.get(reverse("portal-home"))
    assert reverse("person-budgets", args=[eilidh.pk]) in home.content.decode()
    listing = client.get(reverse("person-budgets", args=[eilidh.pk]))
    assert reverse("budget-detail", args=[budget.pk]) in listing.content.decode()
    page = text_of(client.get(reverse("budget-detail", args=[budget.pk])))
    assert "How your budget was worked out" in page
    for area in budget.domain_points:  # the points for each area of her life
        assert f"{area['name']}: {area['points']} points" in page
    assert f"{POINTS} points × £45.00 a point = £1,485.00" in page  # the price per point
    assert "Add £520.00: Rural travel time — Two buses each way to the choir" in page
    assert "Indicative budget: £2,005.00 a year" in page  # the total
    assert "It is a guide, not a limit" in page

    # Someone else's budget is agreed before the price changes.
    other = calculated(world, given_name="Fraser")
    allocation.budget_propose(actor=worker, budget=other)
    allocation.budget_agree(actor=world.user("scot_team_manager"), budget=other,
                            reason="It meets the outcomes we agreed")

    # The council changes its price per point from today.
    new = allocation.ras_price_change(actor=world.user("scot_administrator"), version=version,
                                      price_per_point="50.00",
                                      effective_from=clock.today())
    run_jobs()  # the recalculation the price change queued
    assert new.state == RasVersion.State.LIVE

    budget.refresh_from_db()
    assert (budget.price_per_point, budget.base_amount, budget.total) == (
        5000, POINTS * 5000, POINTS * 5000 + 52000)
    assert budget.ras_version == new
    other.refresh_from_db()
    assert (other.state, other.price_per_point, other.total) == ("agreed", 4500, 148500)

    page = text_of(client.get(reverse("budget-detail", args=[budget.pk])))
    assert f"{POINTS} points × £50.00 a point = {format_pounds(POINTS * 5000)}" in page
    assert "Two buses each way to the choir" in page
    assert f"Indicative budget: {format_pounds(POINTS * 5000 + 52000)} a year" in page
    # And she can print it or keep it.
    printed = client.get(reverse("budget-print", args=[budget.pk]))
    assert printed.status_code == 200
    assert format_pounds(POINTS * 5000 + 52000) in printed.content.decode()
