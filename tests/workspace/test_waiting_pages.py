"""The waiting-list page and the inbox of referrals sent on the public page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from selfdirect.assessments.models import Assessment, EligibilityDecision, Referral, SelfReferral
from selfdirect.assessments.services import self_referral_submit
from selfdirect.core import clock
from tests.factories import TEST_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db


def test_the_waiting_list_page_flags_a_critical_person_past_six_weeks(client, world):
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Isla")
    done = clock.today() - datetime.timedelta(days=50)
    assessment = Assessment.objects.create(person=person, worker=worker, started_on=done,
                                           completed_on=done, state="completed")
    EligibilityDecision.objects.create(assessment=assessment, decided_on=done, decided_by=worker,
                                       overall_band="critical", threshold_band="substantial",
                                       eligible=True, reasons="r", next_steps="n",
                                       challenge_route="c")
    client.login(username="scot_team_manager", password=TEST_PASSWORD)
    html = client.get(reverse("waiting-list")).content.decode()
    assert "1 person is past the target" in html
    assert "Past target" in html and "Isla" in html and "Critical" in html


def test_a_public_referral_is_recorded_against_the_persons_record(client, world):
    person = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Morag",
                           family_name="Finlay")
    sr = self_referral_submit(authority=world.scot, for_whom="cared_for", name="Morag Finlay",
                              contact="07700 900001", what_help="Mum is struggling at night",
                              referrer_name="Ailsa Finlay", wants_advocate=True)
    client.login(username="scot_social_worker", password=TEST_PASSWORD)
    inbox = client.get(reverse("self-referrals")).content.decode()
    assert "Morag Finlay" in inbox
    page = client.get(reverse("self-referral-detail", args=[sr.pk]))
    assert [p.pk for p in page.context["matches"]] == [person.pk]
    missing = client.post(reverse("self-referral-detail", args=[sr.pk]), {"urgency": "urgent"})
    assert "Select the person this referral is about" in missing.content.decode()
    done = client.post(reverse("self-referral-detail", args=[sr.pk]),
                       {"person": person.pk, "urgency": "urgent"})
    assert done.status_code == 302
    referral = Referral.objects.get(person=person)
    assert (referral.source, referral.urgency, referral.referrer_name) == (
        "family", "urgent", "Ailsa Finlay")
    sr.refresh_from_db()
    assert sr.state == SelfReferral.State.RECORDED and sr.referral == referral
    assert "No referrals are waiting" in client.get(reverse("self-referrals")).content.decode()


def test_a_referral_to_one_authority_is_not_seen_by_another(client, world):
    sr = self_referral_submit(authority=world.scot, for_whom="me", name="Ann Example",
                              contact="0131 496 0001", what_help="Help")
    client.login(username="eng_team_manager", password=TEST_PASSWORD)
    assert "Ann Example" not in client.get(reverse("self-referrals")).content.decode()
    assert client.get(reverse("self-referral-detail", args=[sr.pk])).status_code == 404


def test_the_public_referral_service_checks_what_people_type(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        self_referral_submit(authority=world.scot, for_whom="cared_for", name="A",
                             contact="x", what_help="y", postcode="EH1",
                             date_of_birth=clock.today() + datetime.timedelta(days=1))
    assert set(caught.value.message_dict) == {"postcode", "date_of_birth", "referrer_name"}
    assert not SelfReferral.objects.exists()
