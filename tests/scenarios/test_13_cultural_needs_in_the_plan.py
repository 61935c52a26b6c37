"""Scenario 13. Cultural needs in the plan.

Maryam's plan records her food and cooking practices, the times she prefers personal
care, and her wish for a female carer who speaks Urdu; the provider search shows which
providers say they can meet them.

Her preferences are on her record once. Her worker opens her support plan and sees them
under "What matters about how support is given", as will a provider sent the printable
plan. "Find a provider" fills the search in from her record: the provider that says it
meets every wish comes first and says why; one off the council's framework list is shown,
never hidden, with what that means.
"""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from selfdirect.people.models import CarerGender, Preferences
from selfdirect.planning import plans
from tests.factories import TEST_PASSWORD
from tests.providers.factories import provider_in

pytestmark = pytest.mark.django_db

FOOD = "Halal only; she cooks with her daughter"
MORNINGS = "Personal care early in the morning, before 8"


def test_maryams_wishes_are_in_her_plan_and_lead_the_provider_search(cast):
    users, maryam = cast
    maryam.postcode = "EH6 5AB"
    maryam.save()
    Preferences.objects.create(person=maryam, food=FOOD, routines=MORNINGS, faith="Muslim",
                               carer_gender=CarerGender.WOMEN, carer_language="Urdu")
    plans.plan_start(actor=users["scot_social_worker"], person=maryam)
    worker = Client()
    assert worker.login(username="scot_social_worker", password=TEST_PASSWORD)

    page = worker.get(reverse("person-plan", args=[maryam.pk])).content.decode()
    assert "What matters about how support is given" in page
    for wish in (FOOD, MORNINGS, "Urdu"):
        assert html.escape(wish) in page, wish
    printable = worker.get(reverse("person-plan-print", args=[maryam.pk])).content.decode()
    assert html.escape(FOOD) in printable and "Urdu" in printable

    plain = provider_in(maryam.authority, districts=["EH6"], female_carers=False,
                        food_practices=[], times=["daytime"], capacity_hours=40)
    fits = provider_in(maryam.authority, framework=False, districts=["EH6"],
                       languages=["Urdu"], female_carers=True, food_practices=["halal"],
                       times=["early_mornings"], capacity_hours=20)
    found = worker.get(reverse("person-providers", args=[maryam.pk])).content.decode()
    assert found.index(html.escape(fits.name)) < found.index(html.escape(plain.name))
    for reason in ("has female carers", "speaks Urdu", "cooks halal food", "covers early mornings"):
        assert reason in found, reason
    assert "not on the council" in found and "Option 2" in found
