"""Scenario 2. More than one conversation.

Assessing Ben takes three conversations, one by video and two face to face; his mother
and his psychiatrist each add a contribution in a separate record that Ben consented to.
The assessment shows all of them, and who said what.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import Contribution, Conversation
from selfdirect.assessments.selectors import assessment_get, visible_contributions
from selfdirect.people.models import ConsentMethod, ConsentScope
from selfdirect.people.services import consent_record
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _hold(worker, assessment, days_ago, mode, participants, notes):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    conversation = assessing.conversation_book(actor=worker, assessment=assessment, when=when,
                                               mode=mode, location="Ben's flat")
    return assessing.conversation_record(actor=worker, conversation=conversation,
                                         participants=participants, notes=notes)


def test_ben_three_conversations_and_two_contributions_with_consent(world):
    worker = world.user("scot_social_worker")
    ben = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Ben",
                        allocated_worker=worker)
    assessment = assessing.assessment_start(actor=worker, person=ben)
    _hold(worker, assessment, 20, Conversation.Mode.VIDEO, "Ben, worker",
          "Ben talked about college")
    _hold(worker, assessment, 13, Conversation.Mode.FACE_TO_FACE, "Ben, his mother, worker",
          "Mornings are hard")
    _hold(worker, assessment, 6, Conversation.Mode.FACE_TO_FACE, "Ben, worker",
          "What a good week looks like")

    # Without Ben's consent nothing from his mother can be saved.
    with pytest.raises(ValidationError) as refused:
        assessing.contribution_add(actor=worker, assessment=assessment,
                                   contributor_name="Morag (mother)", contributor_role="family",
                                   content="He needs help to get up")
    assert "has not given consent for family" in refused.value.message_dict["consent"][0]
    assert Contribution.objects.count() == 0

    for scope in (ConsentScope.SHARE_WITH_FAMILY, ConsentScope.SHARE_WITH_PROFESSIONALS):
        consent_record(actor=worker, person=ben, scope=scope, decision="given",
                       method=ConsentMethod.VERBAL)
    mother = assessing.contribution_add(
        actor=worker, assessment=assessment, contributor_name="Morag Stewart",
        contributor_role="family", content="Mornings are the hardest; he is fine by lunchtime.")
    psychiatrist = assessing.contribution_add(
        actor=worker, assessment=assessment, contributor_name="Dr Iqbal",
        contributor_role="psychiatrist", content="Medication reviewed in May; stable.")
    assert mother.pk != psychiatrist.pk  # each its own record
    assert mother.consent.scope == ConsentScope.SHARE_WITH_FAMILY
    assert psychiatrist.consent.scope == ConsentScope.SHARE_WITH_PROFESSIONALS

    shown = assessment_get(user=world.user("scot_team_manager"), assessment_id=assessment.pk)
    modes = [c.get_mode_display() for c in shown.conversations.all()]
    assert modes == ["Video", "Face to face", "Face to face"]
    said = {(c.contributor_name, c.get_contributor_role_display(), c.content)
            for c in visible_contributions(user=world.user("scot_team_manager"),
                                           assessment=shown)}
    assert said == {("Morag Stewart", "Family member",
                     "Mornings are the hardest; he is fine by lunchtime."),
                    ("Dr Iqbal", "Psychiatrist", "Medication reviewed in May; stable.")}


def test_withdrawn_consent_hides_a_contribution_from_all_but_its_recorder(world):
    worker = world.user("scot_social_worker")
    manager = world.user("scot_team_manager")
    ben = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    assessment = assessing.assessment_start(actor=worker, person=ben)
    consent_record(actor=worker, person=ben, scope=ConsentScope.SHARE_WITH_PROFESSIONALS,
                   decision="given", method=ConsentMethod.WRITTEN)
    note = assessing.contribution_add(actor=worker, assessment=assessment,
                                      contributor_name="Dr Iqbal",
                                      contributor_role="psychiatrist", content="Stable.")
    consent_record(actor=manager, person=ben, scope=ConsentScope.SHARE_WITH_PROFESSIONALS,
                   decision="withdrawn", method=ConsentMethod.VERBAL)
    shown = assessment_get(user=manager, assessment_id=assessment.pk)
    assert visible_contributions(user=manager, assessment=shown) == []
    assert visible_contributions(user=worker, assessment=shown) == [note]
    note.refresh_from_db()
    last = note.history.first()
    assert last.history_change_reason == "Hidden: the person withdrew consent"
    assert last.history_user == manager
