"""Scenario 3. Reasonable adjustments follow the person.

Cara is Deaf and asks for face-to-face meetings with a BSL interpreter; Dan cannot hold a
pen. Every appointment booked for Cara shows the need; no step in Dan's journey requires
a form he must fill in himself.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import Conversation
from selfdirect.outcomes import services as outcomes
from selfdirect.outcomes.models import OutcomeTerm
from selfdirect.people.models import ConsentMethod, ConsentScope
from selfdirect.people.services import communication_needs_set, consent_record
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_appointment_for_cara_shows_and_meets_her_needs(world):
    worker = world.user("scot_social_worker")
    cara = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Cara",
                         allocated_worker=worker)
    communication_needs_set(actor=worker, person=cara,
                            needs={"bsl_interpreter": "", "face_to_face_only": ""})
    assessment = assessing.assessment_start(actor=worker, person=cara)
    when = timezone.now() + datetime.timedelta(days=3)

    # A phone call is refused; so is a booking that does not say what was arranged.
    with pytest.raises(ValidationError) as refused:
        assessing.conversation_book(actor=worker, assessment=assessment, when=when,
                                    mode=Conversation.Mode.PHONE)
    errors = refused.value.message_dict
    assert "face-to-face meetings only" in errors["mode"][0]
    assert "BSL interpreter" in errors["needs_acknowledged"][0]
    assert "BSL interpreter" in errors["adjustments"][0]
    assert not Conversation.objects.exists()

    booked = assessing.conversation_book(
        actor=worker, assessment=assessment, when=when, mode=Conversation.Mode.FACE_TO_FACE,
        adjustments="BSL interpreter booked (agency ref 4471)", needs_acknowledged=True)
    assert booked.needs_acknowledged_by == worker
    assert booked.adjustments == "BSL interpreter booked (agency ref 4471)"
    assert assessing.needs_to_arrange(cara) == ["BSL interpreter", "Face-to-face meetings only"]


def test_dans_journey_has_no_step_he_must_fill_in_himself(world):
    """Everything is done by the worker with Dan, or by someone acting for him: his
    referral by phone, his consent given verbally, his outcomes in his words as he said
    them, his eligibility decision. His own account never has to write anything."""
    worker = world.user("scot_social_worker")
    dans_account = UserFactory()
    dan = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Dan",
                        allocated_worker=worker, user=dans_account)
    communication_needs_set(actor=worker, person=dan, needs={"cannot_write": ""})
    assessing.referral_record(actor=worker, person=dan, source="self", urgency="routine",
                              reason="Dan phoned: he needs help with letters and shopping")
    consent_record(actor=worker, person=dan, scope=ConsentScope.SHARE_WITH_FAMILY,
                   decision="given", method=ConsentMethod.VERBAL)
    assessment = assessing.assessment_start(actor=worker, person=dan)
    held = assessing.conversation_book(
        actor=worker, assessment=assessment, when=timezone.now() - datetime.timedelta(hours=2),
        mode=Conversation.Mode.FACE_TO_FACE, adjustments="Worker writes; Dan checks by reading back",
        needs_acknowledged=True)
    assessing.conversation_record(actor=worker, conversation=held, participants="Dan, worker",
                                  notes="Dan said what he wants; the worker wrote it down")
    outcome = outcomes.outcome_add(
        actor=worker, person=dan, assessment=assessment, proposed_by="person",
        in_own_words="I want to do my own shopping at the Co-op on Fridays",
        category=OutcomeTerm.objects.get(code="living_where_you_want"),
        better_looks_like="Shopping on his own with a list made with his PA",
        measure="Dan shops on his own most Fridays")
    outcomes.outcome_agree(actor=worker, outcome=outcome)
    assessing.eligibility_decide(actor=worker, assessment=assessment,
                                 areas=[("activities", "substantial", "Cannot shop alone")],
                                 reasons="Substantial risk to independence",
                                 next_steps="An indicative budget will be worked out")
    completed = assessing.assessment_complete(actor=worker, assessment=assessment)
    assert completed.state == "completed"
    # Dan's own account made no change anywhere in the record.
    from selfdirect.people.history import person_changes

    assert all(c.who != dans_account.get_full_name() for c in person_changes(person=dan))
    assert not assessment.history.filter(history_user=dans_account).exists()
