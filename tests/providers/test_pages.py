"""The directory pages: search with reasons, a provider's page, the PA register, the
forms for commissioners and "find a provider for this person"."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from selfdirect.people.models import CarerGender, Preferences
from selfdirect.providers.models import Provider, ProviderAuthority
from tests.factories import TEST_PASSWORD, PersonFactory
from tests.providers.factories import PersonalAssistantFactory, provider_in

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert('x')</script>"


def as_user(client, username):
    client.logout()
    assert client.login(username=username, password=TEST_PASSWORD)
    return client


def test_the_search_shows_why_each_provider_matches(client, world):
    provider_in(world.scot, districts=["EH6"], languages=["Urdu"], female_carers=True,
                food_practices=["halal"], framework=False)
    as_user(client, "scot_social_worker")
    page = client.get(reverse("provider-search"), {
        "authority": world.scot.pk, "district": "eh6", "language": "Urdu",
        "carer_gender": "women", "food": ["halal"], "service_type": "personal_care",
        "hours": "10"})
    text = page.content.decode()
    assert page.status_code == 200
    for reason in ("covers EH6", "speaks Urdu", "has female carers", "cooks halal food",
                   "can take 10 hours a week"):
        assert reason in text
    assert html.escape("not on the council's framework list") in text


def test_a_search_with_a_mistake_names_the_field_and_keeps_what_was_typed(client, world):
    as_user(client, "scot_social_worker")
    page = client.get(reverse("provider-search"), {"district": "Leith", "hours": "lots"})
    text = page.content.decode()
    assert "Enter the first part of a postcode, like EH6 or M14" in text
    assert "Enter hours a week as a whole number, like 20" in text
    assert 'value="Leith"' in text
    assert text.count('href="#id_district"') == 1


def test_staff_start_in_their_own_council(client, world):
    as_user(client, "eng_social_worker")
    page = client.get(reverse("provider-search"))
    assert page.context["form"]["authority"].value() == str(world.eng.pk)


def test_find_a_provider_for_this_person_fills_in_the_search(client, world):
    person = PersonFactory(authority=world.scot, team=world.scot_team, postcode="EH6 5AB",
                           allocated_worker=world.user("scot_social_worker"))
    Preferences.objects.create(person=person, food="Halal", routines="mornings",
                               carer_gender=CarerGender.WOMEN, carer_language="Urdu")
    fits = provider_in(world.scot, districts=["EH6"], languages=["Urdu"], female_carers=True,
                       food_practices=["halal"], times=["early_mornings"])
    as_user(client, "scot_social_worker")
    page = client.get(reverse("person-providers", args=[person.pk]))
    form = page.context["form"]
    assert form["district"].value() == "EH6"
    assert form["language"].value() == "Urdu"
    assert form["carer_gender"].value() == "women"
    assert page.context["matches"][0].provider == fits
    assert "covers early mornings" in page.content.decode()


def test_a_provider_page_escapes_what_people_typed(client, world):
    provider = provider_in(world.scot)
    Provider.objects.filter(pk=provider.pk).update(name=SCRIPT, description=SCRIPT)
    as_user(client, "scot_finance_officer")
    text = client.get(reverse("provider-detail", args=[provider.pk])).content.decode()
    assert SCRIPT not in text
    assert html.escape(SCRIPT) in text


def test_pa_contact_details_are_shown_only_to_staff_of_their_council(client, cast):
    users, person = cast
    pa = PersonalAssistantFactory(covers=[person.authority], phone="07700 900555",
                                  languages=["Urdu"], districts=["EH6"])
    PersonalAssistantFactory(covers=[person.authority], consent_given_on=None,
                             name="Not Consented")
    as_user(client, "scot_social_worker")
    text = client.get(reverse("personal-assistants")).content.decode()
    assert html.escape(pa.name) in text and "07700 900555" in text
    assert "Not Consented" not in text
    for other in ("eng_social_worker", "the_person"):
        as_user(client, other)
        text = client.get(reverse("personal-assistants"), {"language": "urdu"}).content.decode()
        assert html.escape(pa.name) in text
        assert "07700 900555" not in text


def test_a_commissioner_adds_a_provider_and_a_mistake_names_each_field(client, world):
    as_user(client, "scot_commissioner")
    bad = client.post(reverse("provider-add"), {"name": "", "website": "not a site",
                                                "registration_number": "CS123",
                                                "districts": "EH6, Leith",
                                                "service_name": "Care at home"})
    text = bad.content.decode()
    assert bad.status_code == 200
    for message in ("Enter name of the provider",
                    "Enter the website in the correct format, like https://www.example.org.uk",
                    "Select the care regulator the number is with",
                    "Enter postcode districts like EH6 or M14, separated by commas",
                    "Select at least one type of service"):
        assert message in text
    assert 'value="Care at home"' in text
    good = client.post(reverse("provider-add"), {
        "name": "Noor Care", "languages": "Urdu, Punjabi", "service_name": "Care at home",
        "service_types": ["personal_care"], "female_carers": "on", "food_practices": ["halal"],
        "capacity_hours": "30", "districts": "eh6, EH7", "active": "on"})
    provider = Provider.objects.get(name="Noor Care")
    assert good.status_code == 302
    assert provider.languages == ["Urdu", "Punjabi"]
    assert provider.areas.get().districts == ["EH6", "EH7"]
    assert provider.areas.get().authority == world.scot


def test_a_commissioner_changes_a_provider_and_marks_the_framework_list(client, world):
    provider = provider_in(world.scot, framework=None)
    as_user(client, "scot_commissioner")
    response = client.post(reverse("provider-edit", args=[provider.pk]),
                           {"name": "Renamed", "regulator": "care_inspectorate",
                            "registration_number": "CS2003001234", "active": "on"})
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Renamed"
    missing = client.post(reverse("provider-framework", args=[provider.pk]), {})
    assert html.escape("Select yes if the provider is on the council's framework list") in (
        missing.content.decode())
    client.post(reverse("provider-framework", args=[provider.pk]), {"on_framework": "yes"})
    assert ProviderAuthority.objects.get(provider=provider, authority=world.scot).on_framework
