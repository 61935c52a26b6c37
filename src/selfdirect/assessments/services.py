"""Every change to referrals and assessments: one transaction each, permission checked,
history written. Transitions of the assessment's lifecycle check their guards here."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from selfdirect.assessments.models import (
    BAND_ORDER,
    Assessment,
    AssessmentComment,
    Band,
    Contribution,
    Conversation,
    EligibilityArea,
    EligibilityDecision,
    Referral,
    Risk,
    SelfAssessment,
    SelfReferral,
)
from selfdirect.authorities.policy import policy_value
from selfdirect.core import clock
from selfdirect.core.services import require_perm, save_with_history
from selfdirect.people.models import ConsentScope, NeedKind, Person
from selfdirect.people.selectors import consent_in_force

ASSESSMENT_TEXT_FIELDS = ("areas_discussed", "strengths", "networks", "person_view")
DEFAULT_CHALLENGE_ROUTE = (
    "If you disagree with this decision, tell your worker or contact the council's social "
    "work office: you can ask for it to be looked at again. If you are still unhappy, you "
    "can make a complaint, and after that go to the Scottish Public Services Ombudsman. An "
    "independent advocate can help you do this.")


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("person").get(pk=assessment.pk)


def _require_in_progress(assessment: Assessment) -> None:
    if assessment.state != Assessment.State.IN_PROGRESS:
        raise ValidationError(
            f"This assessment is {assessment.get_state_display().lower()}: it can no longer "
            "be changed. Start a new assessment or a review instead.")


# --- Referrals ---------------------------------------------------------------------------


@transaction.atomic
def referral_record(*, actor: Any, person: Person, source: str, reason: str, urgency: str,
                    received_on: datetime.date | None = None, referrer_name: str = "",
                    referrer_contact: str = "") -> Referral:
    """Record a referral: who asked, why, how urgent. Its date starts the waiting clock."""
    require_perm(actor, "assessments.change_assessment", person)
    received_on = received_on or clock.today()
    if received_on > clock.today():
        raise ValidationError({"received_on": "Date received must be today or in the past"})
    referral = Referral(person=person, source=source, reason=reason, urgency=urgency,
                        received_on=received_on, referrer_name=referrer_name,
                        referrer_contact=referrer_contact, created_by=actor)
    save_with_history(referral, actor=actor, reason="Referral received")
    return referral


@transaction.atomic
def referral_close(*, actor: Any, referral: Referral, reason: str) -> Referral:
    require_perm(actor, "assessments.change_assessment", referral.person)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not reason.strip():
        raise ValidationError({"closed_reason": "Enter why the referral is being closed"})
    referral.state = Referral.State.CLOSED
    referral.closed_reason = reason
    save_with_history(referral, actor=actor, reason="Referral closed")
    return referral


# --- Self-assessment ---------------------------------------------------------------------


@transaction.atomic
def self_assessment_save(*, actor: Any, person: Person, share: bool = False,
                         **answers: str) -> SelfAssessment:
    """The person (or someone acting for them) writes what matters, in their own words.
    ``share`` passes it to the worker as the starting point of the assessment."""
    require_perm(actor, "assessments.speak_for_person", person)
    current = (SelfAssessment.objects.select_for_update()
               .filter(person=person, state__in=[SelfAssessment.State.DRAFT,
                                                 SelfAssessment.State.SHARED]).first())
    sa = current or SelfAssessment(person=person, written_by=actor)
    for name in ("what_matters", "what_works", "what_is_hard", "who_helps"):
        if name in answers:
            setattr(sa, name, answers[name])
    if share:
        from selfdirect.outcomes.models import PersonalOutcome

        proposed = PersonalOutcome.objects.filter(
            person=person, assessment=None, state=PersonalOutcome.State.DRAFT).exists()
        if not (sa.what_matters.strip() or proposed):
            raise ValidationError({"what_matters": "Tell us what matters to you before sharing"})
        sa.state = SelfAssessment.State.SHARED
    save_with_history(sa, actor=actor, reason="Shared with the worker" if share else "Saved")
    if share:
        # An assessment already under way takes it in at once; otherwise the next one will.
        under_way = Assessment.objects.filter(person=person,
                                              state=Assessment.State.IN_PROGRESS).first()
        if under_way is not None:
            from selfdirect.outcomes.services import outcomes_attach_to_assessment

            sa.assessment = under_way
            sa.state = SelfAssessment.State.USED
            save_with_history(sa, actor=actor, reason="Taken into the assessment under way")
            outcomes_attach_to_assessment(actor=actor, person=person, assessment=under_way)
    return sa


# --- The assessment and its lifecycle ----------------------------------------------------


@transaction.atomic
def assessment_start(*, actor: Any, person: Person, referral: Referral | None = None,
                     started_on: datetime.date | None = None) -> Assessment:
    """Start an assessment. A shared self-assessment and the outcomes the person proposed
    become its starting point: the worker sees them, nobody retypes them."""
    require_perm(actor, "assessments.change_assessment", person)
    if Assessment.objects.filter(person=person, state=Assessment.State.IN_PROGRESS).exists():
        raise ValidationError("This person already has an assessment in progress: continue that one.")
    if referral is not None:
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.person_id != person.pk:
            raise ValidationError({"referral": "Choose one of this person's referrals."})
    else:
        referral = (Referral.objects.select_for_update()
                    .filter(person=person, state=Referral.State.OPEN).order_by("received_on").first())
    assessment = Assessment(person=person, referral=referral, worker=actor,
                            started_on=started_on or clock.today())
    shared = SelfAssessment.objects.filter(person=person, state=SelfAssessment.State.SHARED).first()
    if shared is not None:
        assessment.from_self_assessment = True
    save_with_history(assessment, actor=actor, reason="Assessment started")
    if shared is not None:
        shared.assessment = assessment
        shared.state = SelfAssessment.State.USED
        save_with_history(shared, actor=actor, reason="Taken into the assessment")
        from selfdirect.outcomes.services import outcomes_attach_to_assessment

        outcomes_attach_to_assessment(actor=actor, person=person, assessment=assessment)
    if referral is not None:
        referral.state = Referral.State.ASSESSING
        save_with_history(referral, actor=actor, reason="Assessment started")
    return assessment


@transaction.atomic
def assessment_update(*, actor: Any, assessment: Assessment, **fields: str) -> Assessment:
    require_perm(actor, "assessments.change_assessment", assessment)
    assessment = _locked(assessment)
    _require_in_progress(assessment)
    unknown = set(fields) - set(ASSESSMENT_TEXT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown assessment fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(assessment, name, value)
    save_with_history(assessment, actor=actor, reason="Assessment updated")
    return assessment


def completion_blockers(assessment: Assessment) -> list[str]:
    """What still stands between this assessment and completion, in plain words."""
    blockers = []
    if not assessment.conversations.filter(state=Conversation.State.HELD).exists():
        blockers.append("Record at least one conversation that was held")
    if not assessment.outcomes.filter(state="agreed").exists():
        blockers.append("Agree at least one personal outcome with the person")
    if not assessment.eligibility_decisions.exists():
        blockers.append("Record the eligibility decision")
    return blockers


@transaction.atomic
def assessment_complete(*, actor: Any, assessment: Assessment) -> Assessment:
    """The worker signs the assessment off as complete."""
    require_perm(actor, "assessments.change_assessment", assessment)
    assessment = _locked(assessment)
    _require_in_progress(assessment)
    blockers = completion_blockers(assessment)
    if blockers:
        raise ValidationError(blockers)
    assessment.state = Assessment.State.COMPLETED
    assessment.completed_on = clock.today()
    assessment.completed_by = actor
    save_with_history(assessment, actor=actor, reason="Completed by the worker")
    return assessment


@transaction.atomic
def assessment_approve(*, actor: Any, assessment: Assessment) -> Assessment:
    """The team manager signs off a completed assessment. Not the same person who completed it."""
    require_perm(actor, "assessments.approve_assessment", assessment)
    assessment = _locked(assessment)
    if assessment.state != Assessment.State.COMPLETED:
        raise ValidationError("Only a completed assessment can be signed off.")
    if assessment.completed_by_id == actor.pk:
        raise ValidationError("Another team manager must sign off an assessment you completed.")
    assessment.state = Assessment.State.APPROVED
    assessment.approved_on = clock.today()
    assessment.approved_by = actor
    save_with_history(assessment, actor=actor, reason="Signed off by the team manager")
    return assessment


@transaction.atomic
def assessment_service_started(*, actor: Any, assessment: Assessment,
                               started_on: datetime.date) -> Assessment:
    """Record when support began: stops the waiting clock. (Support plans will set this.)"""
    require_perm(actor, "assessments.change_assessment", assessment)
    assessment = _locked(assessment)
    if assessment.state == Assessment.State.IN_PROGRESS:
        raise ValidationError("Complete the assessment before recording that support started.")
    if assessment.completed_on and started_on < assessment.completed_on:
        raise ValidationError({"service_started_on": "Support cannot start before the assessment was completed"})
    assessment.service_started_on = started_on
    save_with_history(assessment, actor=actor, reason="Support started")
    return assessment


# --- Conversations -----------------------------------------------------------------------


def needs_to_arrange(person: Person) -> list[str]:
    """The person's communication needs, as the lines a booking must acknowledge."""
    return [str(n) for n in person.communication_needs.all()]


@transaction.atomic
def conversation_book(*, actor: Any, assessment: Assessment, when: datetime.datetime,
                      mode: str, location: str = "", participants: str = "",
                      adjustments: str = "", needs_acknowledged: bool = False) -> Conversation:
    """Book a conversation. When the person has communication needs the worker must say
    what has been arranged for them, and a face-to-face-only person is met face to face."""
    require_perm(actor, "assessments.change_assessment", assessment)
    assessment = _locked(assessment)
    _require_in_progress(assessment)
    needs = list(assessment.person.communication_needs.all())
    errors: dict[str, str] = {}
    if needs:
        listed = ", ".join(str(n) for n in needs)
        if not needs_acknowledged:
            errors["needs_acknowledged"] = (
                f"Confirm you have arranged for {assessment.person.display_name}'s "
                f"communication needs: {listed}")
        if not adjustments.strip():
            errors["adjustments"] = f"Say what has been arranged for: {listed}"
    kinds = {n.kind for n in needs}
    if NeedKind.FACE_TO_FACE_ONLY in kinds and mode != Conversation.Mode.FACE_TO_FACE:
        errors["mode"] = (f"{assessment.person.display_name} asked for face-to-face meetings "
                          "only: book this conversation face to face")
    if errors:
        raise ValidationError(errors)
    conversation = Conversation(
        assessment=assessment, when=when, mode=mode, location=location,
        participants=participants, adjustments=adjustments)
    if needs:
        conversation.needs_acknowledged_by = actor
        conversation.needs_acknowledged_at = timezone.now()
    save_with_history(conversation, actor=actor, reason="Conversation booked")
    return conversation


@transaction.atomic
def conversation_record(*, actor: Any, conversation: Conversation, participants: str,
                        notes: str) -> Conversation:
    """Record that a booked conversation was held: who took part and what was said."""
    require_perm(actor, "assessments.change_assessment", conversation.assessment)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    _require_in_progress(conversation.assessment)
    if conversation.state == Conversation.State.CANCELLED:
        raise ValidationError("This conversation was cancelled: book a new one.")
    if conversation.when > timezone.now():
        raise ValidationError({"when": "A conversation can be recorded once its time has come"})
    errors = {}
    if not participants.strip():
        errors["participants"] = "Enter who took part"
    if not notes.strip():
        errors["notes"] = "Enter what was talked about"
    if errors:
        raise ValidationError(errors)
    conversation.participants = participants
    conversation.notes = notes
    conversation.state = Conversation.State.HELD
    save_with_history(conversation, actor=actor, reason="Conversation held")
    return conversation


@transaction.atomic
def conversation_cancel(*, actor: Any, conversation: Conversation, reason: str) -> Conversation:
    require_perm(actor, "assessments.change_assessment", conversation.assessment)
    _require_in_progress(_locked(conversation.assessment))
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.state != Conversation.State.BOOKED:
        raise ValidationError("Only a booked conversation can be cancelled.")
    conversation.state = Conversation.State.CANCELLED
    save_with_history(conversation, actor=actor, reason=f"Cancelled: {reason}"[:100])
    return conversation


# --- Contributions -----------------------------------------------------------------------


def contribution_scope(role: str) -> str:
    return (ConsentScope.SHARE_WITH_PROFESSIONALS if role in Contribution.PROFESSIONAL_ROLES
            else ConsentScope.SHARE_WITH_FAMILY)


@transaction.atomic
def contribution_add(*, actor: Any, assessment: Assessment, contributor_name: str,
                     contributor_role: str, content: str,
                     worker_only: bool = False) -> Contribution:
    """Add what a family member or professional said, in its own record. Only with the
    person's consent in force for that kind of contributor."""
    require_perm(actor, "assessments.change_assessment", assessment)
    assessment = _locked(assessment)
    _require_in_progress(assessment)
    scope = contribution_scope(contributor_role)
    consent = consent_in_force(person=assessment.person, scope=scope)
    if consent is None:
        who = "professionals" if scope == ConsentScope.SHARE_WITH_PROFESSIONALS else "family"
        raise ValidationError({"consent": (
            f"{assessment.person.display_name} has not given consent for {who} to contribute. "
            "Record their consent first: nothing has been saved.")})
    contribution = Contribution(
        assessment=assessment, contributor_name=contributor_name,
        contributor_role=contributor_role, content=content, worker_only=worker_only,
        consent=consent, recorded_by=actor)
    save_with_history(contribution, actor=actor, reason="Contribution recorded with consent")
    return contribution


def contributions_hide_on_consent_withdrawn(*, actor: Any, person: Person, consent: Any) -> None:
    """Called inside ``consent_record`` when consent is withdrawn: hide every contribution
    given under that scope from all but the worker who recorded it, and say so in history."""
    roles = (Contribution.PROFESSIONAL_ROLES
             if consent.scope == ConsentScope.SHARE_WITH_PROFESSIONALS
             else {Contribution.ContributorRole.FAMILY, Contribution.ContributorRole.FRIEND}
             if consent.scope == ConsentScope.SHARE_WITH_FAMILY else set())
    if not roles:
        return
    now = timezone.now()
    for contribution in Contribution.objects.select_for_update().filter(
            assessment__person=person, contributor_role__in=list(roles), hidden_at__isnull=True):
        contribution.hidden_at = now
        contribution.hidden_reason = f"Consent withdrawn on {now:%-d %B %Y}"
        save_with_history(contribution, actor=actor,
                          reason="Hidden: the person withdrew consent")


# --- Risks -------------------------------------------------------------------------------


@transaction.atomic
def risk_add(*, actor: Any, assessment: Assessment, risk: str, what_person_wants: str,
             how_shared: str = "", who_does_what: str = "") -> Risk:
    require_perm(actor, "assessments.change_assessment", assessment)
    assessment = _locked(assessment)
    _require_in_progress(assessment)
    record = Risk(assessment=assessment, risk=risk, what_person_wants=what_person_wants,
                  how_shared=how_shared, who_does_what=who_does_what)
    save_with_history(record, actor=actor, reason="Risk recorded")
    return record


# --- Eligibility -------------------------------------------------------------------------


@transaction.atomic
def eligibility_decide(*, actor: Any, assessment: Assessment,
                       areas: list[tuple[str, str, str]], reasons: str, next_steps: str,
                       signposting: str = "", challenge_route: str = DEFAULT_CHALLENGE_ROUTE,
                       decided_on: datetime.date | None = None) -> EligibilityDecision:
    """Decide eligibility from the band of each area of need, against the authority's
    threshold in force on the day. The most serious band decides. Below the threshold the
    decision must say what community support was suggested, and always how to challenge."""
    require_perm(actor, "assessments.change_assessment", assessment)
    assessment = _locked(assessment)
    _require_in_progress(assessment)
    decided_on = decided_on or clock.today()
    errors: dict[str, str] = {}
    if decided_on > clock.today():
        errors["decided_on"] = "Date of the decision must be today or in the past"
    elif decided_on < assessment.started_on:
        errors["decided_on"] = "Date of the decision cannot be before the assessment started"
    if not areas:
        errors["areas"] = "Give the band of at least one area of need, with its reason"
    seen = set()
    for area, band, reason in areas:
        if area in seen:
            errors["areas"] = "Give each area of need once"
        seen.add(area)
        if band not in Band.values:
            errors["areas"] = "Choose critical, substantial, moderate or low for each area"
        if not reason.strip():
            errors["areas"] = "Give the reason for the band of each area of need"
    if not reasons.strip():
        errors["reasons"] = "Enter the reasons for the decision, in plain words"
    if not next_steps.strip():
        errors["next_steps"] = "Enter what happens next"
    if not challenge_route.strip():
        errors["challenge_route"] = "Enter how the person can challenge the decision"
    if errors:
        raise ValidationError(errors)
    overall = min((band for _, band, _ in areas), key=lambda b: BAND_ORDER[Band(b)])
    try:
        threshold = policy_value(authority=assessment.person.authority,
                                 key="eligibility.threshold_band", on=decided_on)
    except KeyError as exc:
        # England decides eligibility by the 2015 Regulations' outcomes, not by bands:
        # that rule is still to come.
        raise ValidationError(
            "This authority has no eligibility threshold in force on that date, so the "
            "decision cannot be recorded here yet.") from exc
    eligible = BAND_ORDER[Band(overall)] <= BAND_ORDER[Band(threshold)]
    if not eligible and not signposting.strip():
        raise ValidationError({"signposting": (
            "Enter the community support suggested: the needs are below the authority's "
            f"threshold ({Band(threshold).label.lower()})")})
    decision = EligibilityDecision(
        assessment=assessment, decided_on=decided_on, decided_by=actor, overall_band=overall,
        threshold_band=threshold, eligible=eligible, reasons=reasons, next_steps=next_steps,
        signposting=signposting, challenge_route=challenge_route)
    save_with_history(decision, actor=actor,
                      reason="Eligible" if eligible else "Not eligible: below the threshold")
    for area, band, reason in areas:
        row = EligibilityArea(decision=decision, area=area, band=band, reason=reason)
        row.full_clean()
        row.save()
    return decision




# --- The person's comments ---------------------------------------------------------------


@transaction.atomic
def assessment_comment_add(*, actor: Any, assessment: Assessment, text: str) -> AssessmentComment:
    """The person, or someone acting for them, comments on the assessment from their pages."""
    require_perm(actor, "assessments.speak_for_person", assessment.person)
    if not text.strip():
        raise ValidationError({"text": "Enter your comments"})
    comment = AssessmentComment(assessment=assessment, author=actor, text=text)
    save_with_history(comment, actor=actor, reason="Comment added by the person")
    return comment


# --- Referrals made on the public page ---------------------------------------------------


@transaction.atomic
def self_referral_submit(*, authority: Any, for_whom: str, name: str, contact: str,
                         what_help: str, date_of_birth: datetime.date | None = None,
                         postcode: str = "", how_to_contact: str = "",
                         referrer_name: str = "", communication_needs: str = "",
                         wants_advocate: bool = False) -> SelfReferral:
    """Anyone may ask for help. Nothing is looked up or shown back: the council finds the
    person's record when it records the referral (``self_referral_record``)."""
    from selfdirect.people.validators import normalise_postcode, validate_postcode

    errors: dict[str, str] = {}
    if postcode.strip():
        try:
            validate_postcode(postcode)
        except ValidationError:
            errors["postcode"] = "Enter a full UK postcode, like EH1 1YZ, or leave it blank"
        else:
            postcode = normalise_postcode(postcode)
    if date_of_birth and date_of_birth >= clock.today():
        errors["date_of_birth"] = "Date of birth must be in the past"
    if for_whom == SelfReferral.ForWhom.SOMEONE_I_CARE_FOR and not referrer_name.strip():
        errors["referrer_name"] = "Enter your name, so we know who is asking"
    if errors:
        raise ValidationError(errors)
    referral = SelfReferral(
        authority=authority, for_whom=for_whom, name=name, date_of_birth=date_of_birth,
        postcode=postcode, contact=contact, how_to_contact=how_to_contact,
        referrer_name=referrer_name, what_help=what_help,
        communication_needs=communication_needs, wants_advocate=wants_advocate)
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def self_referral_record(*, actor: Any, self_referral: SelfReferral, person: Person,
                         urgency: str = Referral.Urgency.ROUTINE) -> Referral:
    """A worker matches a public referral to the person's record (found or newly added)
    and records it as a referral; the waiting clock starts from the day it was sent."""
    sr = SelfReferral.objects.select_for_update().get(pk=self_referral.pk)
    require_perm(actor, "assessments.triage_self_referrals", sr)
    if sr.state != SelfReferral.State.NEW:
        raise ValidationError("This referral has already been recorded.")
    if person.authority_id != sr.authority_id:
        raise ValidationError({"person": "Choose a person in the authority the referral was sent to."})
    source = (Referral.Source.SELF if sr.for_whom == SelfReferral.ForWhom.ME
              else Referral.Source.FAMILY)
    referral = referral_record(
        actor=actor, person=person, source=source, reason=sr.what_help, urgency=urgency,
        received_on=timezone.localtime(sr.submitted_at).date(),
        referrer_name=sr.referrer_name or sr.name, referrer_contact=sr.contact)
    sr.state = SelfReferral.State.RECORDED
    sr.referral = referral
    save_with_history(sr, actor=actor, reason="Recorded as a referral")
    return referral
