"""Referrals to providers: Option 2 and 3 lines only; a provider off the framework list or
outside the area chosen with a recorded decision, never blocked; the provider accepts or
declines with a reason; a provider's staff see only their own referrals."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from selfdirect.planning import plans
from selfdirect.planning.models import Referral
from selfdirect.planning.referrals import (
    referral_respond,
    referral_send,
    referral_withdraw,
    referrals_for_member,
)
from selfdirect.providers.models import ProviderMember
from tests.factories import UserFactory
from tests.providers.factories import provider_in

DAY = datetime.date(2026, 11, 25)


@pytest.fixture
def lines(cast):
    users, person = cast  # lives at EH1 1YZ
    plan = plans.plan_start(actor=users["scot_social_worker"], person=person)
    made = {}
    for option in ("1", "2", "3"):
        plan.refresh_from_db()
        made[option] = plans.line_add(
            actor=users["scot_social_worker"], plan=plan, expected_version=plan.version,
            what=f"Support under option {option}", who_kind="provider", weekly_cost=5000,
            option=option, service_type="day_service", contingency="Family covers")
    return users, person, made


def member_of(provider, username):
    user = UserFactory(username=username)
    ProviderMember.objects.create(provider=provider, user=user)
    return user


def test_a_provider_on_the_list_in_the_area_is_referred_and_accepts(lines):
    users, person, made = lines
    provider = provider_in(person.authority, districts=["EH1"], service_types=["day_service"])
    referral = referral_send(actor=users["scot_social_worker"], line=made["3"],
                             provider=provider, message="Mornings suit him best")
    assert referral.chosen_despite == ""
    staff = member_of(provider, "day_centre_manager")
    other = member_of(provider_in(person.authority, districts=["EH1"]), "someone_else")
    with pytest.raises(PermissionDenied):
        referral_respond(actor=other, referral=referral, accept=True)
    assert list(referrals_for_member(other)) == []
    assert list(referrals_for_member(staff)) == [referral]
    accepted = referral_respond(actor=staff, referral=referral, accept=True)
    assert accepted.status == Referral.Status.ACCEPTED and accepted.responded_by == staff


def test_off_the_list_or_outside_the_area_needs_a_recorded_decision_not_a_block(lines):
    users, person, made = lines
    away = provider_in(person.authority, framework=False, districts=["EH9"])
    with pytest.raises(ValidationError) as caught:
        referral_send(actor=users["scot_social_worker"], line=made["2"], provider=away)
    message = caught.value.message_dict["chosen_despite"][0]
    assert "not on City of Edinburgh Council's framework list" in message
    assert "does not say it covers EH1" in message
    referral = referral_send(actor=users["scot_social_worker"], line=made["2"], provider=away,
                             chosen_despite="The only provider with Urdu-speaking staff; "
                                            "she chose them under Option 2")
    assert referral.chosen_despite.startswith("The only provider")


def test_option_1_support_is_not_referred_and_a_line_goes_to_one_provider_at_a_time(lines):
    users, person, made = lines
    provider = provider_in(person.authority, districts=["EH1"])
    with pytest.raises(ValidationError) as caught:
        referral_send(actor=users["scot_social_worker"], line=made["1"], provider=provider)
    assert "under option 1 the person arranges" in caught.value.message_dict["line"][0]
    first = referral_send(actor=users["scot_social_worker"], line=made["3"], provider=provider)
    with pytest.raises(ValidationError):
        referral_send(actor=users["scot_social_worker"], line=made["3"], provider=provider)
    referral_withdraw(actor=users["scot_social_worker"], referral=first)
    referral_send(actor=users["scot_social_worker"], line=made["3"], provider=provider)


def test_a_decline_needs_a_reason(lines):
    users, person, made = lines
    provider = provider_in(person.authority, districts=["EH1"])
    referral = referral_send(actor=users["scot_social_worker"], line=made["3"], provider=provider)
    staff = member_of(provider, "agency_coordinator")
    with pytest.raises(ValidationError):
        referral_respond(actor=staff, referral=referral, accept=False)
    declined = referral_respond(actor=staff, referral=referral, accept=False,
                                reason="No staff free on Tuesdays until March")
    assert declined.status == Referral.Status.DECLINED
    assert declined.history.count() == 2
