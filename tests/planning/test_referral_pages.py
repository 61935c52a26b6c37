"""Referral pages: the worker picks a provider from the best matches (or every provider),
recording why when it is off the list or outside the area; the provider's staff see their
referrals only, with the person's wishes about how support is given, and answer."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from selfdirect.people.models import CarerGender, Preferences
from selfdirect.planning import plans
from selfdirect.planning.models import Referral
from selfdirect.providers.models import ProviderMember
from tests.factories import TEST_PASSWORD, UserFactory
from tests.providers.factories import provider_in

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=TEST_PASSWORD)
    return client


@pytest.fixture
def day_centre(cast):
    users, person = cast
    Preferences.objects.create(person=person, food="Vegetarian", carer_gender=CarerGender.WOMEN,
                               carer_language="Polish")
    plan = plans.plan_start(actor=users["scot_social_worker"], person=person)
    line = plans.line_add(actor=users["scot_social_worker"], plan=plan,
                          expected_version=plan.version, what="Day centre, two days a week",
                          who_kind="provider", weekly_cost=9000, option="3",
                          service_type="day_service")
    return users, person, line


def test_the_worker_refers_and_the_provider_answers(day_centre):
    users, person, line = day_centre
    fits = provider_in(person.authority, districts=["EH1"], service_types=["day_service"],
                       languages=["Polish"], female_carers=True)
    off_list = provider_in(person.authority, framework=False, districts=["EH1"],
                           service_types=["day_service"])
    worker = signed_in("scot_social_worker")
    url = reverse("plan-line-refer", args=[line.pk])
    page = worker.get(url).content.decode()
    assert html.escape(fits.name) in page and "Fits:" in page
    assert "not on the council" in page or "framework list" in page
    refused = worker.post(url, {"provider": str(off_list.pk), "message": "Tuesdays please"})
    body = refused.content.decode()
    assert refused.status_code == 200 and "framework list" in body
    assert "Tuesdays please" in body  # what was typed is kept
    response = worker.post(url, {"provider": str(off_list.pk), "message": "Tuesdays please",
                                 "chosen_despite": "The only day centre she will go to"})
    assert response.status_code == 302
    referral = Referral.objects.get(line=line)
    assert referral.chosen_despite == "The only day centre she will go to"
    plan_page = worker.get(reverse("person-plan", args=[person.pk])).content.decode()
    assert "Waiting for the provider" in plan_page

    staff = UserFactory(username="centre_manager")
    ProviderMember.objects.create(provider=off_list, user=staff)
    stranger = UserFactory(username="other_agency")
    ProviderMember.objects.create(provider=fits, user=stranger)
    theirs = signed_in("centre_manager")
    listing = theirs.get(reverse("provider-referrals")).content.decode()
    assert "Day centre, two days a week" in listing
    detail = theirs.get(reverse("provider-referral", args=[referral.pk])).content.decode()
    assert "Vegetarian" in detail and "Polish" in detail and "Tuesdays please" in detail
    other = signed_in("other_agency")
    assert "Day centre" not in other.get(reverse("provider-referrals")).content.decode()
    assert other.get(reverse("provider-referral", args=[referral.pk])).status_code == 404
    missing = theirs.post(reverse("provider-referral", args=[referral.pk]), {"answer": "decline"})
    assert "Say why you cannot take this on" in missing.content.decode()
    done = theirs.post(reverse("provider-referral", args=[referral.pk]), {"answer": "accept"})
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED


def test_every_provider_can_be_listed_to_choose_one_the_search_leaves_out(day_centre):
    users, person, line = day_centre
    elsewhere = provider_in(users["eng_team_manager"].staff_roles.first().authority,
                            districts=["M14"], service_types=["day_service"])
    worker = signed_in("scot_social_worker")
    url = reverse("plan-line-refer", args=[line.pk])
    assert html.escape(elsewhere.name) not in worker.get(url).content.decode()
    every = worker.get(url + "?all=1").content.decode()
    assert html.escape(elsewhere.name) in every
    assert "does not say it works in this council" in every
