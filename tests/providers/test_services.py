"""Changes to the directory and the PA register: who may make them and what is checked."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from selfdirect.core import clock
from selfdirect.providers import selectors, services
from selfdirect.providers.models import PersonalAssistant, ProviderAuthority, PvgStatus
from tests.providers.factories import PersonalAssistantFactory, provider_in

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)


def test_a_commissioner_adds_a_provider_with_a_service_and_its_history(world):
    commissioner = world.user("scot_commissioner")
    provider = services.provider_create(
        actor=commissioner, name="Noor Care", languages=[" Urdu", "urdu", "Punjabi "],
        commitments=["culturally_specific"],
        services=[{"name": "Care at home", "service_types": ["personal_care"],
                   "female_carers": True, "food_practices": ["halal"]}])
    assert provider.languages == ["Urdu", "Punjabi"]
    assert provider.services.get().female_carers is True
    record = provider.history.get()
    assert record.history_user == commissioner
    assert record.history_change_reason == "Provider added to the directory"


@pytest.mark.parametrize("actor", ["scot_social_worker", "scot_team_manager", "the_person"])
def test_only_commissioners_and_administrators_change_the_directory(cast, actor):
    users, _ = cast
    with pytest.raises(PermissionDenied):
        services.provider_create(actor=users[actor], name="Anything")


def test_a_service_names_the_field_that_is_wrong(world):
    provider = provider_in(world.scot)
    with pytest.raises(ValidationError) as exc:
        services.provider_service_add(actor=world.user("scot_administrator"),
                                      provider=provider, name="Meals", service_types=[])
    assert exc.value.message_dict == {"service_types": ["Select at least one type of service"]}
    with pytest.raises(ValidationError) as exc:
        services.provider_area_set(actor=world.user("scot_administrator"), provider=provider,
                                   authority=world.scot, districts=["EH6", "Leith"])
    assert "LEITH is not one" in exc.value.message_dict["districts"][0]


def test_each_council_marks_only_its_own_framework_list(world):
    provider = provider_in(world.scot, framework=None)
    row = services.provider_framework_set(actor=world.user("scot_commissioner"),
                                          provider=provider, authority=world.scot,
                                          on_framework=True)
    assert row.on_framework
    assert row.history.get().history_change_reason == "Put on the framework list"
    with pytest.raises(PermissionDenied):
        services.provider_framework_set(actor=world.user("scot_commissioner"),
                                        provider=provider, authority=world.eng,
                                        on_framework=True)
    services.provider_framework_set(actor=world.user("scot_administrator"), provider=provider,
                                    authority=world.scot, on_framework=False)
    assert not ProviderAuthority.objects.get(provider=provider).on_framework


def test_only_pas_who_consented_are_listed(world):
    listed = PersonalAssistantFactory(covers=[world.scot])
    PersonalAssistantFactory(covers=[world.scot], consent_given_on=None)
    withdrawn = PersonalAssistantFactory(covers=[world.scot])
    services.personal_assistant_consent_withdraw(actor=world.user("scot_commissioner"),
                                                 pa=withdrawn, day=clock.today())
    assert selectors.personal_assistants_listed() == [listed]
    with pytest.raises(PermissionDenied):
        services.personal_assistant_consent_withdraw(actor=world.user("eng_administrator"),
                                                     pa=listed, day=clock.today())


def test_a_pa_is_added_with_consent_and_a_pvg_date(world):
    admin = world.user("scot_administrator")
    with pytest.raises(ValidationError) as exc:
        services.personal_assistant_add(actor=admin, authorities=[world.scot], name="Aisha",
                                        consent_given_on=TODAY, pvg_status=PvgStatus.MEMBER)
    assert "pvg_date" in exc.value.message_dict
    pa = services.personal_assistant_add(actor=admin, authorities=[world.scot], name="Aisha",
                                         consent_given_on=TODAY, pvg_status=PvgStatus.MEMBER,
                                         pvg_date=TODAY, districts=["eh6", "EH 7"])
    assert pa.districts == ["EH6", "EH7"]
    with pytest.raises(PermissionDenied):
        services.personal_assistant_add(actor=world.user("eng_administrator"),
                                        authorities=[world.scot], name="B",
                                        consent_given_on=TODAY)


def test_pvg_membership_lasts_five_years_and_a_family_member_living_in_is_exempt():
    member = PersonalAssistant(pvg_status=PvgStatus.MEMBER, pvg_date=datetime.date(2021, 6, 1))
    assert member.pvg_valid_on(datetime.date(2026, 5, 31))
    assert not member.pvg_valid_on(datetime.date(2026, 6, 1))
    assert member.pvg_expires_on() == datetime.date(2026, 6, 1)
    assert PersonalAssistant(pvg_status=PvgStatus.EXEMPT).pvg_valid_on(TODAY)
    assert not PersonalAssistant(pvg_status=PvgStatus.APPLIED).pvg_valid_on(TODAY)


def test_pa_contact_details_only_for_staff_of_the_councils_they_cover(cast):
    users, _ = cast
    pa = PersonalAssistantFactory(covers=[users["scot_social_worker"].staff_roles.get().authority])
    assert users["scot_social_worker"].has_perm("providers.view_pa_contact", pa)
    assert users["scot_provider_user"].has_perm("providers.view_pa_contact", pa)
    assert not users["eng_social_worker"].has_perm("providers.view_pa_contact", pa)
    assert not users["the_person"].has_perm("providers.view_pa_contact", pa)
