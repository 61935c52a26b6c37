"""Demo assessments: enough to show every stage of the assessment pages and the waiting
list. Built through the real services, so history, consent and the guards all apply.

Some examples need to have happened weeks ago (a completed assessment past the six-week
target). The services date things "today", so those dates are moved back afterwards with
a plain update: demo data only, never a pattern for real records.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import Assessment, Referral, SelfReferral
from selfdirect.core import clock
from selfdirect.outcomes import services as outcomes
from selfdirect.outcomes.models import OutcomeTerm
from selfdirect.people.models import ConsentMethod, ConsentScope, Person
from selfdirect.people.services import consent_record

TODAY = clock.today


def _days_ago(days: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=days)


def _term(code: str) -> OutcomeTerm:
    return OutcomeTerm.objects.get(code=code)


def _completed(worker: Any, person: Person, *, band: str, days_ago: int,
               words: str, category: str, measure: str, signposting: str = "") -> Assessment:
    assessment = assessing.assessment_start(actor=worker, person=person,
                                            started_on=_days_ago(days_ago + 14))
    talk = assessing.conversation_book(
        actor=worker, assessment=assessment, mode="face_to_face",
        when=timezone.now() - datetime.timedelta(days=days_ago + 7),
        adjustments="Arranged as recorded", needs_acknowledged=True)
    assessing.conversation_record(actor=worker, conversation=talk,
                                  participants=f"{person.display_name}, worker",
                                  notes="What a good week would look like")
    outcome = outcomes.outcome_add(actor=worker, person=person, assessment=assessment,
                                   in_own_words=words, category=_term(category),
                                   better_looks_like="As the person described it",
                                   measure=measure)
    outcomes.outcome_agree(actor=worker, outcome=outcome)
    assessing.eligibility_decide(
        actor=worker, assessment=assessment, decided_on=_days_ago(days_ago),
        areas=[("personal_care", band, "From the conversation and the home visit")],
        reasons=f"The risk to independence is {band}", next_steps="An indicative budget",
        signposting=signposting)
    assessing.assessment_complete(actor=worker, assessment=assessment)
    Assessment.objects.filter(pk=assessment.pk).update(completed_on=_days_ago(days_ago))
    return assessment


def load_demo_assessments(*, authority: Any, worker: Any, manager: Any,
                          person_with_login: Person) -> int:
    """Idempotent: does nothing once the authority has any assessment."""
    if Assessment.objects.filter(person__authority=authority).exists():
        return 0
    from selfdirect.authorities.models import StaffRole
    from selfdirect.people.services import person_allocate

    role = StaffRole.objects.filter(user=worker, authority=authority).first()
    team = role.team if role else None
    # The worker's own caseload first, then anyone not linked to a demo login.
    candidates = (Person.objects.filter(authority=authority, user__isnull=True,
                                        relationships__isnull=True)
                  .exclude(pk=person_with_login.pk).order_by("-allocated_worker", "id"))
    caseload = []
    for person in candidates[:9]:
        if person.allocated_worker_id != worker.pk:
            person = person_allocate(actor=manager, person=person, team=team, worker=worker)
        caseload.append(person)
    if len(caseload) < 9:
        return 0
    # The person with their own sign-in: a shared self-assessment became the start.
    if person_with_login.allocated_worker_id != worker.pk:
        person_allocate(actor=manager, person=person_with_login, team=team, worker=worker)

    own = person_with_login.user
    assessing.self_assessment_save(
        actor=own, person=person_with_login,
        what_matters="Getting out to the swimming pool again, and seeing my sister on Sundays",
        what_is_hard="Getting dressed in the morning takes me over an hour",
        who_helps="My sister, and a neighbour who does my shopping")
    outcomes.outcome_add(actor=own, person=person_with_login,
                         in_own_words="I want to swim at the Commonwealth Pool on Tuesdays",
                         category=_term("things_to_do"))
    assessing.self_assessment_save(actor=own, person=person_with_login, share=True)
    assessing.assessment_start(actor=worker, person=Person.objects.get(pk=person_with_login.pk))

    past_target, on_time, below, in_progress, *waiting = caseload
    _completed(worker, past_target, band="critical", days_ago=50,
               words="I want to get washed and dressed without falling",
               category="feeling_safe", measure="No falls in the bathroom in three months")
    _completed(worker, on_time, band="substantial", days_ago=20,
               words="I want to cook my own tea most nights",
               category="living_where_you_want", measure="Cooks four nights a week")
    _completed(worker, below, band="moderate", days_ago=10,
               words="I want some company on the long afternoons",
               category="seeing_people", measure="Out with others twice a week",
               signposting="Lunch club at the community centre; a befriending service")

    # In progress, with a consented contribution from a daughter.
    assessment = assessing.assessment_start(actor=worker, person=in_progress)
    consent_record(actor=worker, person=in_progress, scope=ConsentScope.SHARE_WITH_FAMILY,
                   decision="given", method=ConsentMethod.VERBAL)
    assessing.contribution_add(actor=worker, assessment=assessment,
                               contributor_name="Daughter", contributor_role="family",
                               content="Mum is managing days but nights are frightening.")
    # Waiting for an assessment: referrals of different ages.
    for days, person in zip((3, 12, 30, 45, 60), waiting, strict=False):
        assessing.referral_record(actor=worker, person=person, source=Referral.Source.GP_HEALTH,
                                  reason="Struggling at home after a fall", urgency="routine",
                                  received_on=_days_ago(days))
    # Two requests from the public page, waiting in the inbox.
    for name, who in (("Agnes Example", SelfReferral.ForWhom.ME),
                      ("Peter Example", SelfReferral.ForWhom.SOMEONE_I_CARE_FOR)):
        assessing.self_referral_submit(
            authority=authority, for_whom=who, name=name, contact="07700 900999",
            what_help="Help to stay at home", postcode="EH6 5AB",
            referrer_name="" if who == SelfReferral.ForWhom.ME else "Mary Example",
            wants_advocate=who == SelfReferral.ForWhom.ME)
    return Assessment.objects.filter(person__authority=authority).count()


def delete_demo_records(*, authority_codes: list[str]) -> None:
    """Remove the assessment-stage records of the demo authorities, children first (the
    foreign keys protect them, as they should for real records)."""
    from selfdirect.assessments.models import (
        Contribution,
        EligibilityDecision,
        SelfAssessment,
    )
    from selfdirect.outcomes.models import PersonalOutcome

    mine = {"person__authority__code__in": authority_codes}
    through_assessment = {"assessment__person__authority__code__in": authority_codes}
    SelfReferral.objects.filter(authority__code__in=authority_codes).delete()
    Contribution.objects.filter(**through_assessment).delete()
    EligibilityDecision.objects.filter(**through_assessment).delete()
    PersonalOutcome.objects.filter(**mine).delete()
    SelfAssessment.objects.filter(**mine).delete()
    Assessment.objects.filter(**mine).delete()
    Referral.objects.filter(**mine).delete()
