"""The provider search: who matches a person's needs and preferences, and why."""

from __future__ import annotations

import pytest

from selfdirect.people.models import CarerGender, CommunicationNeed, NeedKind, Preferences
from selfdirect.people.selectors import person_get
from selfdirect.providers import selectors
from selfdirect.providers.models import Provider, ProviderAuthority, ProviderService, ServiceArea
from selfdirect.providers.selectors import OFF_FRAMEWORK, Needs, needs_from_person
from tests.factories import PersonFactory
from tests.providers.factories import provider_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def maryam(world):
    """Scenario 13: Maryam's plan records halal cooking, personal care in the mornings and
    her wish for a female carer who speaks Urdu."""
    person = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Maryam",
                           postcode="EH6 5AB",
                           allocated_worker=world.user("scot_social_worker"))
    Preferences.objects.create(person=person, food="Halal only; she cooks with her daughter",
                               routines="Personal care early in the morning, before 8",
                               faith="Muslim", carer_gender=CarerGender.WOMEN,
                               carer_language="Urdu")
    return person


def test_the_search_reads_the_persons_record(world, maryam):
    loaded = person_get(user=world.user("scot_social_worker"), person_id=maryam.pk)
    needs = needs_from_person(loaded, service_type="personal_care", hours=14)
    assert needs.authority == world.scot
    assert needs.district == "EH6"
    assert needs.carer_gender == "women"
    assert needs.languages == ("Urdu",)
    assert needs.food == ("halal",)
    assert needs.times == ("early_mornings",)


def test_a_bsl_need_asks_for_carers_who_sign(world):
    person = PersonFactory(authority=world.scot, postcode="EH1 1YZ")
    CommunicationNeed.objects.create(person=person, kind=NeedKind.BSL_INTERPRETER)
    assert needs_from_person(person).languages == ("BSL",)


def test_scenario_13_providers_that_can_meet_maryams_wishes_come_first(world, maryam):
    plain = provider_in(world.scot, districts=["EH6"], female_carers=False,
                        food_practices=[], times=["daytime"], capacity_hours=40)
    fits = provider_in(world.scot, framework=False, districts=["EH6", "EH7"],
                       languages=["Urdu", "Punjabi"], female_carers=True,
                       food_practices=["halal"], times=["early_mornings"], capacity_hours=20)
    partly = provider_in(world.scot, districts=[], languages=["Urdu"], female_carers=True,
                         food_practices=[], times=["evenings"], capacity_hours=10)
    elsewhere = provider_in(world.eng, languages=["Urdu"], female_carers=True,
                            food_practices=["halal"], times=["early_mornings"])
    other_type = provider_in(world.scot, districts=["EH6"], service_types=["day_service"],
                             languages=["Urdu"], female_carers=True)

    needs = needs_from_person(maryam, service_type="personal_care", hours=14)
    results = selectors.provider_search(needs=needs)

    assert [m.provider for m in results] == [fits, partly, plain]
    assert elsewhere not in [m.provider for m in results]
    assert other_type not in [m.provider for m in results]
    best = results[0]
    for reason in ("covers EH6", "has female carers", "speaks Urdu", "cooks halal food",
                   "covers early mornings", "can take 14 hours a week"):
        assert reason in best.reasons
    # Off the framework list: said, never hidden, never a reason to drop it down the list.
    assert best.gaps == [OFF_FRAMEWORK]
    assert "on the framework list" in results[1].reasons
    assert "can take only 10 hours a week (14 needed)" in results[1].gaps
    assert "has not said it can cook halal food" in results[1].gaps
    assert "has not said it has female carers" in results[2].gaps
    assert "has not said it speaks Urdu" in results[2].gaps


def test_a_district_not_covered_is_a_gap_not_a_reason(world):
    provider = provider_in(world.scot, districts=["EH10"])
    [match] = selectors.provider_search(needs=Needs(authority=world.scot, district="EH6"))
    assert match.provider == provider
    assert "does not list EH6 among the districts it covers" in match.gaps


def test_inactive_providers_are_not_listed(world):
    provider = provider_in(world.scot)
    Provider.objects.filter(pk=provider.pk).update(active=False)
    assert selectors.provider_search(needs=Needs(authority=world.scot)) == []


def test_the_search_takes_the_same_queries_for_5000_providers(world, django_assert_num_queries):
    count = 5000
    providers = Provider.objects.bulk_create(
        Provider(name=f"Provider {i:04d}", languages=["Urdu"] if i % 7 == 0 else [])
        for i in range(count))
    ProviderService.objects.bulk_create(
        ProviderService(provider=p, name="Care", service_types=["personal_care"],
                        female_carers=i % 2 == 0, food_practices=["halal"] if i % 5 == 0 else [],
                        times=["early_mornings"] if i % 3 == 0 else [], capacity_hours=i % 40)
        for i, p in enumerate(providers))
    ServiceArea.objects.bulk_create(
        ServiceArea(provider=p, authority=world.scot if i % 4 else world.eng,
                    districts=["EH6"] if i % 2 else []) for i, p in enumerate(providers))
    ProviderAuthority.objects.bulk_create(
        ProviderAuthority(provider=p, authority=world.scot, on_framework=i % 3 == 0)
        for i, p in enumerate(providers) if i % 2)
    needs = Needs(authority=world.scot, district="EH6", service_type="personal_care", hours=20,
                  carer_gender="women", languages=("Urdu",), food=("halal",),
                  times=("early_mornings",))
    with django_assert_num_queries(4):
        results = selectors.provider_search(needs=needs)
    assert len(results) == count * 3 // 4
    top = results[0]
    assert top.unmet == 0
    assert {"speaks Urdu", "has female carers", "cooks halal food"} <= set(top.reasons)


def test_a_language_named_twice_is_asked_for_once_in_its_first_spelling(world):
    person = PersonFactory(authority=world.scot, postcode="EH1 1YZ")
    Preferences.objects.create(person=person, carer_language="Urdu")
    CommunicationNeed.objects.create(person=person, kind=NeedKind.PREFERRED_LANGUAGE,
                                     detail="urdu")
    CommunicationNeed.objects.create(person=person, kind=NeedKind.BSL_INTERPRETER)
    assert needs_from_person(person).languages == ("Urdu", "BSL")
