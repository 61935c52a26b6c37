"""Scenario 1. Outcomes, not a list played back.

Aileen tells her social worker three things she wants. The assessment records each as a
personal outcome in her own words, linked to a national outcome and a Talking Points
category, with what "better" would look like and how it will be known. An outcome with
no measure cannot be agreed; the message says which is missing. (The "no linked support"
check joins when support plans exist: outcomes.quality.EXTRA_CHECKS.)
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from selfdirect.assessments import services as assessing
from selfdirect.core import clock
from selfdirect.outcomes import services as outcomes
from selfdirect.outcomes.models import OutcomeTerm, PersonalOutcome
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def term(code):
    return OutcomeTerm.objects.get(code=code)


def test_aileens_three_outcomes_in_her_own_words(world):
    worker = world.user("scot_social_worker")
    aileen = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Aileen",
                           allocated_worker=worker)
    assessment = assessing.assessment_start(actor=worker, person=aileen)

    wants = [
        ("I want to get back to the Thursday lunch club at the church hall", "seeing_people",
         "cc_social_inclusion", "Going every Thursday without worrying about the stairs",
         "Aileen goes to lunch club at least three Thursdays a month"),
        ("I want to make my own porridge in the morning like I used to", "living_where_you_want",
         "nhwo_2", "Making breakfast herself most days",
         "Aileen makes her own breakfast five days out of seven"),
        ("I want my daughter to stop worrying about me falling at night", "feeling_safe",
         "nhwo_7", "No falls at night, and her daughter sleeps through",
         "No night-time falls in three months; the pendant alarm is worn every night"),
    ]
    recorded = []
    for words, category, national, better, measure in wants:
        outcome = outcomes.outcome_add(
            actor=worker, person=aileen, assessment=assessment, in_own_words=words,
            category=term(category), national_outcomes=[term(national)],
            better_looks_like=better, measure=measure)
        recorded.append(outcomes.outcome_agree(actor=worker, outcome=outcome))

    assert [o.in_own_words for o in assessment.outcomes.all()] == [w[0] for w in wants]
    for outcome, (_, category, national, better, measure) in zip(recorded, wants, strict=True):
        assert outcome.state == PersonalOutcome.State.AGREED
        assert outcome.category.code == category
        assert outcome.category.framework == "talking_points"
        assert [t.code for t in outcome.national_outcomes.all()] == [national]
        assert (outcome.better_looks_like, outcome.measure) == (better, measure)
        assert outcome.agreed_by == worker
        assert outcome.agreed_on == clock.today()


def test_an_outcome_without_a_measure_cannot_be_agreed_and_the_message_says_so(world):
    worker = world.user("scot_social_worker")
    aileen = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    assessment = assessing.assessment_start(actor=worker, person=aileen,
                                            started_on=clock.today())
    outcome = outcomes.outcome_add(
        actor=worker, person=aileen, assessment=assessment,
        in_own_words="I want to get back to the Thursday lunch club",
        category=term("seeing_people"), better_looks_like="Going most weeks")
    with pytest.raises(ValidationError) as refused:
        outcomes.outcome_agree(actor=worker, outcome=outcome)
    assert list(refused.value.message_dict) == ["measure"]
    assert "how you will both know" in refused.value.message_dict["measure"][0]
    outcome.refresh_from_db()
    assert outcome.state == PersonalOutcome.State.DRAFT


def test_a_vague_outcome_is_sent_back_for_specifics(world):
    worker = world.user("scot_social_worker")
    aileen = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    assessment = assessing.assessment_start(actor=worker, person=aileen)
    outcome = outcomes.outcome_add(
        actor=worker, person=aileen, assessment=assessment, in_own_words="To stay safe and well",
        category=term("feeling_safe"), better_looks_like="Safe", measure="Fewer incidents")
    with pytest.raises(ValidationError) as refused:
        outcomes.outcome_agree(actor=worker, outcome=outcome)
    assert "general phrase without specifics" in refused.value.message_dict["in_own_words"][0]
