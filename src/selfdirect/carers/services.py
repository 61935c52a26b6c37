"""Every change to carers' records: identification, the offer of an adult carer support
plan and its answer, the plan, its outcomes and the carer's eligibility.

Each service is one transaction, checks the actor's permission against the CARER's
record (``carers.rules``), locks what it changes, and leaves history with a reason and
an access-log entry against the carer.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from selfdirect.audit.models import AccessLog
from selfdirect.audit.services import access_log_record
from selfdirect.authorities.policy import policy_value
from selfdirect.core import clock
from selfdirect.core.services import require_perm, save_with_history
from selfdirect.core.working_days import add_working_days
from selfdirect.outcomes.models import OutcomeTerm, PersonalOutcome
from selfdirect.outcomes.quality import outcome_quality_issues
from selfdirect.people.models import ClientGroup, Person, Relationship, RelationshipKind

from .models import (
    DEFAULT_CHALLENGE_ROUTE,
    LEVEL_RANK,
    AdultCarerSupportPlan,
    CarerArea,
    CarerEligibilityArea,
    CarerEligibilityDecision,
    CarerLink,
    CarerSupportPlanOffer,
    Level,
    OfferMethod,
    PlanOutcome,
    ShortBreak,
)
from .selectors import carer_categories

CHANGE = "carers.change_carer_plan"
# The new carer's details a worker may give when identifying them (people.person_create).
NEW_CARER_FIELDS = ("given_name", "family_name", "date_of_birth", "phone", "email",
                    "address_line_1", "town", "postcode")
# What carer_plan_update may change, section by section on the pages.
PLAN_FIELDS = (
    "first_conversation_on", "circumstances", "nature_and_extent", "impact",
    "willingness_and_ability", "emergency_arrangements", "future_arrangements",
    "identified_needs", "local_support", "support_where_carer_lives",
    "support_to_be_provided", "short_break", "short_break_details", "review_arrangements",
)
# What must be written before the plan can be agreed (s.9(1)), with the message.
REQUIRED_TO_AGREE = {
    "circumstances": "Enter the carer's personal circumstances",
    "nature_and_extent": "Enter the nature and extent of the care provided",
    "impact": "Enter the impact of caring on the carer's wellbeing and day-to-day life",
    "willingness_and_ability": "Enter how far the carer is able and willing to provide care",
    "emergency_arrangements": (
        "Enter the arrangements for care in an emergency, or that there are none"),
    "future_arrangements": "Enter the arrangements for future care, or that there are none",
    "identified_needs": "Enter the carer's identified needs, or that no needs were identified",
    "local_support": "Enter the support available to carers in the area",
    "support_to_be_provided": "Enter the support the council provides or will provide",
    "review_arrangements": "Enter when the plan will be reviewed",
}


def _today() -> datetime.date:
    return clock.today()


def _log_change(actor: Any, person: Person) -> None:
    access_log_record(user=actor, person_id=person.pk, outcome=AccessLog.Outcome.CHANGED,
                      channel="page", path=f"carer:{person.pk}")


def _working_days_due(authority: Any, key: str, start: datetime.date,
                      field: str) -> datetime.date | None:
    """``start`` plus the policy figure's working days, or None where the authority's
    country sets no such clock (England has no Carers (Scotland) Act timescales)."""
    try:
        days = policy_value(authority=authority, key=key, on=start)
    except KeyError:
        return None
    return add_working_days(start, days, country=authority.country)


def _date_not_future(day: datetime.date | None, field: str, label: str,
                     errors: dict[str, str]) -> None:
    if day is None:
        errors[field] = f"Enter {label.lower()}"
    elif day > _today():
        errors[field] = f"{label} must be today or in the past"


# --- Identifying a carer -----------------------------------------------------------------


@transaction.atomic
def carer_identify(*, actor: Any, cared_for: Person, identified_on: datetime.date,
                   terminal_illness: bool, carer: Person | None = None,
                   new_carer: dict[str, Any] | None = None,
                   relationship: Relationship | None = None,
                   relationship_to_cared_for: str = "") -> CarerSupportPlanOffer:
    """Record that the authority has identified an unpaid carer of ``cared_for``: the
    carer's own record (an existing one, or a new one in the cared-for person's
    authority, the Act's responsible authority), the link between them, and the offer of
    an adult carer support plan that is now owed. For a carer of someone terminally ill
    the offer is due within the statutory number of working days."""
    require_perm(actor, "carers.identify_carer", cared_for)
    cared_for = Person.objects.select_for_update().get(pk=cared_for.pk)
    errors: dict[str, str] = {}
    _date_not_future(identified_on, "identified_on", "Date the carer was identified", errors)
    if (carer is None) == (new_carer is None):
        errors["carer"] = "Select the carer's record, or add a new one"
    if relationship is not None and (relationship.person_id != cared_for.pk
                                     or relationship.kind != RelationshipKind.UNPAID_CARER):
        errors["relationship"] = (
            f"Choose one of the unpaid carers on {cared_for.display_name}'s record")
    if carer is not None:
        if carer.pk == cared_for.pk:
            errors["carer"] = "Select someone other than the person cared for"
        elif carer.authority_id != cared_for.authority_id:
            errors["carer"] = ("Select a record in the authority where the person cared for "
                               "lives: it is responsible for the carer's support plan")
        elif not actor.has_perm(CHANGE, carer):
            errors["carer"] = "Select a carer whose record you can change"
    if errors:
        raise ValidationError(errors)
    if new_carer is not None:
        from selfdirect.people.services import person_create

        unknown = set(new_carer) - set(NEW_CARER_FIELDS)
        if unknown:
            raise ValueError(f"Fields a new carer record does not take: {sorted(unknown)}")
        missing = {name: f"Enter the carer's {label}" for name, label in (
            ("given_name", "given name"), ("family_name", "family name"),
            ("date_of_birth", "date of birth")) if not new_carer.get(name)}
        if missing:
            raise ValidationError(missing)
        carer = person_create(actor=actor, authority=cared_for.authority,
                              client_group=ClientGroup.CARER, **new_carer)
    assert carer is not None
    if CarerSupportPlanOffer.objects.select_for_update().filter(
            carer=carer, cared_for=cared_for).exclude(
            state=CarerSupportPlanOffer.State.DECLINED).exists():
        raise ValidationError({"carer": (
            f"{carer.display_name} has already been identified as a carer of "
            f"{cared_for.display_name}: continue with that offer")})
    link = CarerLink.objects.select_for_update().filter(carer=carer, cared_for=cared_for).first()
    if link is None:
        link = CarerLink(carer=carer, cared_for=cared_for, created_by=actor)
    if relationship is not None:
        link.relationship = relationship
    if relationship_to_cared_for.strip():
        link.relationship_to_cared_for = relationship_to_cared_for.strip()
    save_with_history(link, actor=actor, reason="Carer identified")
    offer = CarerSupportPlanOffer(
        carer=carer, cared_for=cared_for, identified_on=identified_on,
        terminal_illness=terminal_illness, recorded_by=actor)
    if terminal_illness:
        offer.offer_due_by = _working_days_due(
            cared_for.authority, "carers.terminal_offer_working_days", identified_on,
            "identified_on")
    save_with_history(offer, actor=actor, reason=(
        "Carer identified: plan to be offered"
        + (" (person cared for is terminally ill)" if terminal_illness else "")))
    _log_change(actor, carer)
    return offer


def _locked_offer(offer: CarerSupportPlanOffer) -> CarerSupportPlanOffer:
    return (CarerSupportPlanOffer.objects.select_for_update()
            .select_related("carer", "carer__authority").get(pk=offer.pk))


@transaction.atomic
def carer_offer_make(*, actor: Any, offer: CarerSupportPlanOffer, offered_on: datetime.date,
                     offered_how: str) -> CarerSupportPlanOffer:
    """Record that the plan was offered to the carer. Offering again after a decline
    makes a new offer that points back to the declined one; the declined one is kept."""
    require_perm(actor, CHANGE, offer)
    offer = _locked_offer(offer)
    State = CarerSupportPlanOffer.State
    if offer.state not in (State.IDENTIFIED, State.DECLINED):
        raise ValidationError(
            f"This offer is {offer.get_state_display().lower()}: it cannot be made again.")
    errors: dict[str, str] = {}
    _date_not_future(offered_on, "offered_on", "Date the plan was offered", errors)
    after = offer.answered_on if offer.state == State.DECLINED else offer.identified_on
    if "offered_on" not in errors and after is not None and offered_on < after:
        errors["offered_on"] = (
            f"Date the plan was offered must be on or after {after:%-d %B %Y}, when the "
            + ("carer declined the last offer" if offer.state == State.DECLINED
               else "carer was identified"))
    if offered_how not in OfferMethod.values:
        errors["offered_how"] = "Select how the plan was offered"
    if errors:
        raise ValidationError(errors)
    if offer.state == State.DECLINED:
        if CarerSupportPlanOffer.objects.filter(previous_offer=offer).exists():
            raise ValidationError("This offer has already been made again.")
        if CarerSupportPlanOffer.objects.filter(
                carer_id=offer.carer_id, cared_for_id=offer.cared_for_id).exclude(
                state=State.DECLINED).exists():
            raise ValidationError("A newer offer to this carer is open: continue with that one.")
        again = CarerSupportPlanOffer(
            carer_id=offer.carer_id, cared_for_id=offer.cared_for_id, previous_offer=offer,
            identified_on=offer.identified_on, terminal_illness=offer.terminal_illness,
            state=State.OFFERED, offered_on=offered_on, offered_how=offered_how,
            recorded_by=actor)
        save_with_history(again, actor=actor, reason="Plan offered again after a decline")
        _log_change(actor, offer.carer)
        return again
    offer.state = State.OFFERED
    offer.offered_on = offered_on
    offer.offered_how = offered_how
    late = offer.offer_due_by is not None and offered_on > offer.offer_due_by
    save_with_history(offer, actor=actor,
                      reason="Plan offered" + (" after the statutory time" if late else ""))
    _log_change(actor, offer.carer)
    return offer


@transaction.atomic
def carer_offer_answer(*, actor: Any, offer: CarerSupportPlanOffer, answer: str,
                       answered_on: datetime.date, note: str = "") -> CarerSupportPlanOffer:
    """Record the carer's answer. Accepting starts the plan (s.6(3)) and, for a carer of
    someone terminally ill, the clock for the first conversation."""
    require_perm(actor, CHANGE, offer)
    offer = _locked_offer(offer)
    State = CarerSupportPlanOffer.State
    if offer.state != State.OFFERED:
        raise ValidationError(
            "Record that the plan was offered first." if offer.state == State.IDENTIFIED
            else "The carer has already answered this offer.")
    errors: dict[str, str] = {}
    if answer not in CarerSupportPlanOffer.ANSWERED:
        errors["answer"] = "Select whether the carer accepted or declined the plan"
    _date_not_future(answered_on, "answered_on", "Date of the carer's answer", errors)
    if ("answered_on" not in errors and offer.offered_on is not None
            and answered_on < offer.offered_on):
        errors["answered_on"] = (f"Date of the carer's answer must be on or after "
                                 f"{offer.offered_on:%-d %B %Y}, when the plan was offered")
    if errors:
        raise ValidationError(errors)
    offer.state = answer
    offer.answered_on = answered_on
    offer.answer_note = note
    if answer == State.ACCEPTED and offer.terminal_illness:
        offer.conversation_due_by = _working_days_due(
            offer.carer.authority, "carers.terminal_conversation_working_days", answered_on,
            "answered_on")
    save_with_history(offer, actor=actor, reason=f"Carer {answer} the plan")
    if answer == State.ACCEPTED:
        plan = AdultCarerSupportPlan(offer=offer, carer_id=offer.carer_id,
                                     cared_for_id=offer.cared_for_id, created_by=actor)
        save_with_history(plan, actor=actor, reason="Plan started: the carer accepted")
    _log_change(actor, offer.carer)
    return offer


# --- The plan ----------------------------------------------------------------------------


def _locked_plan(plan: AdultCarerSupportPlan) -> AdultCarerSupportPlan:
    return (AdultCarerSupportPlan.objects.select_for_update()
            .select_related("carer", "carer__authority", "offer").get(pk=plan.pk))


def _require_draft(plan: AdultCarerSupportPlan) -> None:
    if plan.state != AdultCarerSupportPlan.State.DRAFT:
        raise ValidationError("This plan has been agreed: it is changed at a review, with "
                              "the carer.")


@transaction.atomic
def carer_plan_update(*, actor: Any, plan: AdultCarerSupportPlan, section: str = "",
                      **fields: Any) -> AdultCarerSupportPlan:
    """Change parts of a plan being prepared. Nothing is required yet: what the Act
    requires is checked when the plan is agreed (``carer_plan_agree``)."""
    require_perm(actor, CHANGE, plan)
    plan = _locked_plan(plan)
    _require_draft(plan)
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Unknown plan fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    if "first_conversation_on" in fields and fields["first_conversation_on"] is not None:
        held = fields["first_conversation_on"]
        accepted = plan.offer.answered_on
        if held > _today():
            errors["first_conversation_on"] = (
                "Date of the first conversation must be today or in the past")
        elif accepted is not None and held < accepted:
            errors["first_conversation_on"] = (
                f"Date of the first conversation must be on or after {accepted:%-d %B %Y}, "
                "when the carer accepted the plan")
    short_break = fields.get("short_break", plan.short_break)
    if short_break not in ShortBreak.values:
        errors["short_break"] = "Select whether a break from caring is to be provided"
    details = fields.get("short_break_details", plan.short_break_details)
    if "short_break" in fields and short_break == ShortBreak.YES and not details.strip():
        errors["short_break_details"] = (
            "Enter the break from caring to be provided: what, how often, who provides it")
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(plan, name, value)
    save_with_history(plan, actor=actor, reason=f"Plan updated: {section}"[:100]
                      if section else "Plan updated")
    _log_change(actor, plan.carer)
    return plan


@transaction.atomic
def carer_plan_outcome_add(*, actor: Any, plan: AdultCarerSupportPlan, in_own_words: str,
                           category: OutcomeTerm | None, better_looks_like: str = "",
                           measure: str = "",
                           priority: int = PersonalOutcome.Priority.MEDIUM) -> PersonalOutcome:
    """Add one of the carer's personal outcomes, in their words, on the CARER's record,
    under a category of the carers' framework."""
    from selfdirect.outcomes.services import outcome_add

    require_perm(actor, CHANGE, plan)
    plan = _locked_plan(plan)
    _require_draft(plan)
    errors: dict[str, str] = {}
    if not in_own_words.strip():
        errors["in_own_words"] = "Enter the outcome in the carer's own words"
    allowed = {t.pk for t in carer_categories(person=plan.carer)}
    if category is None or category.pk not in allowed:
        errors["category"] = "Select which carers' outcome it belongs to"
    if errors:
        raise ValidationError(errors)
    outcome = outcome_add(actor=actor, person=plan.carer, in_own_words=in_own_words.strip(),
                          category=category, better_looks_like=better_looks_like,
                          measure=measure, priority=priority,
                          proposed_by=PersonalOutcome.ProposedBy.PERSON)
    link = PlanOutcome(plan=plan, outcome=outcome)
    save_with_history(link, actor=actor, reason="Carer's outcome added to the plan")
    _log_change(actor, plan.carer)
    return outcome


@transaction.atomic
def carer_eligibility_decide(*, actor: Any, plan: AdultCarerSupportPlan,
                             areas: list[tuple[str, str, str]], reasons: str,
                             signposting: str = "",
                             challenge_route: str = DEFAULT_CHALLENGE_ROUTE,
                             decided_on: datetime.date | None = None) -> CarerEligibilityDecision:
    """Decide the carer's eligibility under the authority's local criteria: one level of
    impact per area, each above "no impact" with its reason; the highest level decides,
    against the authority's threshold (``carers.eligibility_threshold``) in force on the
    day of the decision. Below it, the other support suggested must be written."""
    require_perm(actor, CHANGE, plan)
    plan = _locked_plan(plan)
    _require_draft(plan)
    decided_on = decided_on or _today()
    errors: dict[str, str] = {}
    if decided_on > _today():
        errors["decided_on"] = "Date of the decision must be today or in the past"
    given = {area for area, _, _ in areas}
    if len(given) != len(areas):
        errors["areas"] = "Give each area once"
    missing = [CarerArea(a).label.lower() for a in CarerArea.values if a not in given]
    if missing:
        errors["areas"] = f"Select the level of impact for: {', '.join(missing)}"
    for area, level, reason in areas:
        if area not in CarerArea.values:
            errors["areas"] = "Select areas from the list"
        elif level not in Level.values:
            errors[f"level_{area}"] = (
                f"Select the level of impact on {CarerArea(area).label.lower()}")
        elif level != Level.NONE and not reason.strip():
            errors[f"reason_{area}"] = (
                f"Enter the reason for the level of impact on {CarerArea(area).label.lower()}")
    if not reasons.strip():
        errors["reasons"] = "Enter the reasons for the decision, in plain words"
    if not challenge_route.strip():
        errors["challenge_route"] = "Enter how the carer can challenge the decision"
    if errors:
        raise ValidationError(errors)
    try:
        threshold = policy_value(authority=plan.carer.authority,
                                 key="carers.eligibility_threshold", on=decided_on)
    except KeyError as exc:
        raise ValidationError({"decided_on": (
            "The authority has no carer eligibility threshold in force on that date: ask an "
            "administrator to set one")}) from exc
    overall = max((level for _, level, _ in areas), key=lambda lv: LEVEL_RANK[Level(lv)])
    eligible = LEVEL_RANK[Level(overall)] >= LEVEL_RANK[Level(threshold)]
    if not eligible and not signposting.strip():
        raise ValidationError({"signposting": (
            "Enter the other support suggested: the impact on the carer is below the "
            f"authority's threshold ({Level(threshold).label.lower()})")})
    decision = CarerEligibilityDecision(
        plan=plan, decided_on=decided_on, decided_by=actor, overall_level=overall,
        threshold_level=threshold, eligible=eligible, reasons=reasons,
        signposting=signposting, challenge_route=challenge_route)
    save_with_history(decision, actor=actor,
                      reason="Eligible" if eligible else "Not eligible: below the threshold")
    for area, level, reason in areas:
        row = CarerEligibilityArea(decision=decision, area=area, level=level, reason=reason)
        row.full_clean()
        row.save()
    _log_change(actor, plan.carer)
    return decision


def agreement_blockers(plan: AdultCarerSupportPlan) -> dict[str, list[str]]:
    """What stands between the plan and its agreement, by field (what the Act requires,
    the first conversation, outcomes that pass the quality checks, eligibility, breaks)."""
    blockers: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        blockers.setdefault(field, []).append(message)

    if plan.first_conversation_on is None:
        add("first_conversation_on", "Enter the date of the first conversation with the carer")
    for field, message in REQUIRED_TO_AGREE.items():
        if not getattr(plan, field).strip():
            add(field, message)
    if plan.short_break == ShortBreak.UNDECIDED:
        add("short_break", "Select whether support is to be provided as a break from caring")
    elif plan.short_break == ShortBreak.YES and not plan.short_break_details.strip():
        add("short_break_details", "Enter the break from caring to be provided")
    outcomes = [link.outcome for link in plan.plan_outcomes.all()
                if link.outcome.state != PersonalOutcome.State.WITHDRAWN]
    if not outcomes:
        add("outcomes", "Add at least one of the carer's personal outcomes, in their words")
    for number, outcome in enumerate(outcomes, start=1):
        for issue in outcome_quality_issues(outcome):
            add("outcomes", f"Outcome {number}: {issue.message}")
    if not plan.eligibility_decisions.exists():
        add("eligibility", "Decide the carer's eligibility")
    return blockers


@transaction.atomic
def carer_plan_agree(*, actor: Any, plan: AdultCarerSupportPlan,
                     agreed_on: datetime.date | None = None) -> AdultCarerSupportPlan:
    """Agree the plan with the carer, once it holds everything s.9(1) requires."""
    require_perm(actor, CHANGE, plan)
    plan = _locked_plan(plan)
    _require_draft(plan)
    blockers = agreement_blockers(plan)
    if blockers:
        raise ValidationError(blockers)
    plan.state = AdultCarerSupportPlan.State.AGREED
    plan.agreed_on = agreed_on or _today()
    plan.agreed_by = actor
    save_with_history(plan, actor=actor, reason="Plan agreed with the carer")
    from selfdirect.outcomes.models import PersonalOutcome
    from selfdirect.outcomes.services import outcome_agree

    for link in plan.plan_outcomes.select_related("outcome"):
        if link.outcome.state == PersonalOutcome.State.DRAFT:
            outcome_agree(actor=actor, outcome=link.outcome, in_carer_plan=True)
    _log_change(actor, plan.carer)
    return plan
