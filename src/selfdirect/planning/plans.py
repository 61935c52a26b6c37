"""Support plans: how the budget meets each agreed outcome.

Every change goes through a service that takes the ``version`` of the plan the user
opened. If someone else has changed the plan since, the change is refused with
``PlanChanged``, which lists what changed and who changed it, so the user can look again:
nothing is silently overwritten. Each change raises the version and writes a history row
saying what changed.

A plan is agreed when the person has agreed it (online, or recorded by their worker from
a meeting or a call: no step needs them to write), their worker has signed it, and a team
manager has signed it off. It cannot be agreed while an agreed outcome has no support line
and no recorded reason, while it costs more than the budget without a manager's recorded
decision, or while an Option 1 or 2 line has no contingency plan.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from selfdirect.allocation.models import FundingStream, IndicativeBudget
from selfdirect.allocation.selectors import person_current_budget
from selfdirect.authorities import limits
from selfdirect.authorities.limits import over_limit
from selfdirect.charging.catalogue import ServiceType
from selfdirect.charging.services import planned_services_from_plan
from selfdirect.core import clock
from selfdirect.core.money import format_pounds
from selfdirect.core.services import delete_with_history, require_perm, save_with_history
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.models import Person
from selfdirect.planning.models import (
    AgreedHow,
    FamilyCircumstance,
    FamilyPaException,
    OutcomeWithoutSupport,
    SupportLine,
    SupportPlan,
    WhoKind,
)
from selfdirect.planning.selectors import current_choice
from selfdirect.planning.signals import plan_agreed

WEEKS_A_YEAR = 52


class PlanChanged(ValidationError):
    """The plan changed since the user opened it; ``changes`` says what changed."""

    def __init__(self, changes: list[str]) -> None:
        super().__init__({"version": (
            "Someone else changed this plan after you opened it, so your change was not "
            "saved. Look at what changed, then make your change again: " + "; ".join(changes))})
        self.changes = changes


def changes_since(plan: SupportPlan, version: int) -> list[str]:
    """What changed after ``version``, oldest first: when, who, and what."""
    rows = (plan.history.filter(version__gt=version).select_related("history_user")
            .order_by("history_date", "history_id"))
    return [f"{row.history_date:%-d %B %Y %H:%M} {_name(row.history_user)}: "
            f"{row.history_change_reason}" for row in rows]


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else "someone"


def _locked(plan: SupportPlan, expected_version: int) -> SupportPlan:
    current = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if current.version != expected_version:
        raise PlanChanged(changes_since(current, expected_version))
    if current.status != SupportPlan.Status.DRAFT:
        raise ValidationError({"status": "This plan is no longer being written: start a new one"})
    return current


def _changed(actor: Any, plan: SupportPlan, reason: str, *, content: bool = True) -> SupportPlan:
    """Save a change and raise the version. A change to what the plan says (``content``)
    clears any agreement and signatures already given: they were given to the plan as it
    was, so the person agrees and the worker signs again."""
    if content:
        plan.person_agreed_on, plan.person_agreed_how, plan.person_agreed_note = None, "", ""
        plan.worker_signed_by, plan.worker_signed_at = None, None
        plan.manager_signed_by, plan.manager_signed_at = None, None
    plan.version += 1
    save_with_history(plan, actor=actor, reason=reason)
    return plan


@transaction.atomic
def plan_start(*, actor: Any, person: Person) -> SupportPlan:
    """A new draft, against the person's agreed budget (or the budget that speaks for them)."""
    require_perm(actor, "planning.write_plan", person)
    if SupportPlan.objects.filter(person=person, status=SupportPlan.Status.DRAFT).exists():
        raise ValidationError({"status": "A plan is already being written: carry on with it"})
    plan = SupportPlan(person=person, budget=person_current_budget(person=person),
                       created_by=actor)
    save_with_history(plan, actor=actor, reason="Plan started")
    return plan


LINE_FIELDS = ("outcome", "what", "who_kind", "who_name", "when", "hours_per_week",
               "weekly_cost", "option", "funding_stream", "service_type", "contingency")


def _check_line(plan: SupportPlan, fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    unknown = set(fields) - set(LINE_FIELDS)
    if unknown:
        errors.update(dict.fromkeys(unknown, "This cannot be set on a support line"))
    outcome = fields.get("outcome")
    if outcome is not None and outcome.person_id != plan.person_id:
        errors["outcome"] = "Choose one of the person's own outcomes"
    if not str(fields.get("what", "")).strip():
        errors["what"] = "Say what the support is"
    if fields.get("who_kind") not in WhoKind.values:
        errors["who_kind"] = "Choose who gives the support"
    cost = fields.get("weekly_cost")
    if not isinstance(cost, int) or isinstance(cost, bool) or cost < 0:
        errors["weekly_cost"] = "Enter the cost a week in pounds and pence, like 120.50 (0 if free)"
    elif too_much := over_limit(authority=plan.person.authority, key=limits.PLAN_LINE_WEEKLY,
                                pence=cost, what="The cost a week"):
        errors["weekly_cost"] = too_much
    if fields.get("option") not in ("1", "2", "3"):
        errors["option"] = "Choose option 1, 2 or 3 for this support"
    if fields.get("funding_stream", FundingStream.COUNCIL) not in FundingStream.values:
        errors["funding_stream"] = "Choose where the money comes from"
    if fields.get("service_type") not in ServiceType.values:
        errors["service_type"] = "Choose the type of service"
    hours = fields.get("hours_per_week")
    if hours is not None and (not isinstance(hours, Decimal) or hours < 0 or hours > 168):
        errors["hours_per_week"] = "Enter the hours a week as a number from 0 to 168"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def line_add(*, actor: Any, plan: SupportPlan, expected_version: int,
             **fields: Any) -> SupportLine:
    require_perm(actor, "planning.write_plan", plan.person)
    plan = _locked(plan, expected_version)
    _check_line(plan, fields)
    line = SupportLine(plan=plan, **fields)
    save_with_history(line, actor=actor, reason="Support line added")
    _changed(actor, plan, f"Added: {line.what}, {format_pounds(line.weekly_cost)} a week "
                          f"(option {line.option})")
    return line


@transaction.atomic
def line_change(*, actor: Any, line: SupportLine, expected_version: int,
                **fields: Any) -> SupportLine:
    require_perm(actor, "planning.write_plan", line.plan.person)
    plan = _locked(line.plan, expected_version)
    merged = {name: getattr(line, name) for name in LINE_FIELDS} | fields
    _check_line(plan, merged)
    for name, value in fields.items():
        setattr(line, name, value)
    save_with_history(line, actor=actor, reason="Support line changed")
    _changed(actor, plan, f"Changed: {line.what} ({', '.join(sorted(fields)) or 'nothing'})")
    return line


@transaction.atomic
def line_remove(*, actor: Any, line: SupportLine, expected_version: int) -> None:
    require_perm(actor, "planning.write_plan", line.plan.person)
    plan = _locked(line.plan, expected_version)
    what = line.what
    delete_with_history(line, actor=actor, reason="Support line removed")
    _changed(actor, plan, f"Removed: {what}")


@transaction.atomic
def outcome_without_support_record(*, actor: Any, plan: SupportPlan, outcome: PersonalOutcome,
                                   reason: str, expected_version: int) -> OutcomeWithoutSupport:
    require_perm(actor, "planning.write_plan", plan.person)
    plan = _locked(plan, expected_version)
    if outcome.person_id != plan.person_id:
        raise ValidationError({"outcome": "Choose one of the person's own outcomes"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why this outcome needs no paid support, like "
                                         "\"met by her family and the lunch club\""})
    record, _ = OutcomeWithoutSupport.objects.update_or_create(
        plan=plan, outcome=outcome, defaults={"reason": reason.strip(), "recorded_by": actor})
    _changed(actor, plan, f"Reason recorded for “{outcome.in_own_words[:60]}”")
    return record


@dataclass(frozen=True)
class PlanTotals:
    weekly: int
    yearly: int
    budget_yearly: int | None

    @property
    def over_budget_by(self) -> int:
        return 0 if self.budget_yearly is None else max(self.yearly - self.budget_yearly, 0)


def plan_totals(plan: SupportPlan) -> PlanTotals:
    """The plan's cost against the individual budget: the council's share and any other
    funding streams, all as yearly sums."""
    weekly = sum(line.weekly_cost for line in plan.lines.all())
    budget: IndicativeBudget | None = plan.budget
    budget_yearly = None
    if budget is not None:
        budget_yearly = budget.total + sum(f.yearly_amount for f in budget.funding_lines.all())
    return PlanTotals(weekly=weekly, yearly=weekly * WEEKS_A_YEAR, budget_yearly=budget_yearly)


def plan_problems(plan: SupportPlan) -> dict[str, list[str]]:
    """What stops the plan being agreed, by the part of the plan it concerns."""
    problems: dict[str, list[str]] = {}
    lines = list(plan.lines.all())
    served = {line.outcome_id for line in lines}
    explained = set(plan.reasons.values_list("outcome_id", flat=True))
    agreed = PersonalOutcome.objects.filter(person=plan.person, state=PersonalOutcome.State.AGREED)
    for outcome in agreed:
        if outcome.pk not in served and outcome.pk not in explained:
            problems.setdefault("outcomes", []).append(
                f"“{outcome.in_own_words}” has no support line and no reason recorded")
    if plan.budget is None or plan.budget.state != IndicativeBudget.State.AGREED:
        problems.setdefault("budget", []).append("The person's budget must be agreed first")
    totals = plan_totals(plan)
    if totals.over_budget_by and not plan.over_budget_reason:
        problems.setdefault("budget", []).append(
            f"The plan costs {format_pounds(totals.yearly)} a year, "
            f"{format_pounds(totals.over_budget_by)} more than the budget: a team manager must "
            "record a decision")
    for line in lines:
        if line.option in ("1", "2") and not line.contingency.strip():
            problems.setdefault("contingency", []).append(
                f"{line.what} (option {line.option}) needs a plan for when it breaks down")
    if not lines:
        problems.setdefault("lines", []).append("The plan has no support lines")
    choice = current_choice(plan.person)
    if choice is None:
        problems.setdefault("options", []).append(
            "Record the person's choice of options first (if they make no choice, record "
            "that: the law treats it as Option 3)")
    else:
        for line in lines:
            if line.option not in choice.options:
                problems.setdefault("options", []).append(
                    f"{line.what} is under option {line.option}, but the person chose "
                    f"{choice.label}: change the line, or record their new choice")
    for exception in plan.family_pas.all():
        if exception.status != FamilyPaException.Status.APPROVED and exception.line_id in {
                line.pk for line in lines}:
            problems.setdefault("family_pa", []).append(
                f"Paying {exception.family_member} as a personal assistant is "
                f"{exception.get_status_display().lower()}: it must be approved first")
    return problems


@transaction.atomic
def over_budget_decide(*, actor: Any, plan: SupportPlan, reason: str,
                       expected_version: int) -> SupportPlan:
    require_perm(actor, "planning.manage_plan", plan.person)
    plan = _locked(plan, expected_version)
    if not reason.strip():
        raise ValidationError({"over_budget_reason": "Give the reasons for the decision"})
    plan.over_budget_reason = reason.strip()
    plan.over_budget_decided_by = actor
    plan.over_budget_decided_at = timezone.now()
    return _changed(actor, plan, "Decision recorded: the plan may cost more than the budget",
                    content=False)


def _require_no_problems(plan: SupportPlan) -> None:
    problems = plan_problems(plan)
    if problems:
        raise ValidationError({key: "; ".join(items) for key, items in problems.items()})


@transaction.atomic
def plan_agree_by_person(*, actor: Any, plan: SupportPlan, how: str, on: datetime.date,
                         expected_version: int, note: str = "") -> SupportPlan:
    """The person agrees the plan: online themselves, or recorded by their worker."""
    require_perm(actor, "planning.agree_own_plan", plan.person)
    plan = _locked(plan, expected_version)
    if how not in AgreedHow.values:
        raise ValidationError({"person_agreed_how": "Say how the person agreed the plan"})
    if how == AgreedHow.PREFERRED and not note.strip():
        raise ValidationError({"person_agreed_note": "Say how the person agreed, like \"by "
                                                     "nodding when asked, with their advocate\""})
    _require_no_problems(plan)
    plan.person_agreed_on, plan.person_agreed_how, plan.person_agreed_note = on, how, note.strip()
    return _changed(actor, plan, f"Agreed by the person ({AgreedHow(how).label.lower()})",
                    content=False)


@transaction.atomic
def plan_sign(*, actor: Any, plan: SupportPlan, expected_version: int) -> SupportPlan:
    """The worker signs, then a team manager signs off. With the person's agreement and
    both signatures the plan is agreed, and the plan it follows is replaced."""
    as_manager = actor.has_perm("planning.manage_plan", plan.person)
    require_perm(actor, "planning.manage_plan" if as_manager else "planning.write_plan",
                 plan.person)
    plan = _locked(plan, expected_version)
    _require_no_problems(plan)
    now = timezone.now()
    if as_manager and plan.worker_signed_by_id is not None:
        if plan.worker_signed_by_id == actor.pk:
            raise ValidationError({"status": "The worker who signed cannot also sign it off"})
        plan.manager_signed_by, plan.manager_signed_at = actor, now
    else:
        plan.worker_signed_by, plan.worker_signed_at = actor, now
    if plan.person_agreed_on and plan.worker_signed_by_id and plan.manager_signed_by_id:
        SupportPlan.objects.filter(person=plan.person, status=SupportPlan.Status.AGREED).update(
            status=SupportPlan.Status.REPLACED)
        plan.status = SupportPlan.Status.AGREED
        agreed = _changed(actor, plan, "Signed off: the plan is agreed", content=False)
        planned_services_from_plan(actor=actor, person=plan.person, lines=list(plan.lines.all()),
                                   source=f"support plan {plan.pk}", on=clock.today())
        plan_agreed.send(sender=SupportPlan, plan=agreed, actor=actor, on=clock.today())
        return agreed
    return _changed(actor, plan, "Signed by " + ("the team manager" if plan.manager_signed_by_id
                                                  == actor.pk else "the worker"), content=False)


# --- A family member as a personal assistant ----------------------------------------------


@transaction.atomic
def family_pa_request(*, actor: Any, plan: SupportPlan, expected_version: int,
                      family_member: str, relationship: str, reason: str,
                      circumstances: list[str], both_agree: bool, can_meet_needs: bool,
                      lives_with_person: bool = False, other_reason: str = "",
                      line: SupportLine | None = None) -> FamilyPaException:
    """Ask for a family member to be paid as a personal assistant. The 2014 Regulations'
    conditions (both agree; they can meet the needs) must hold, and at least one of the
    circumstances must apply."""
    require_perm(actor, "planning.write_plan", plan.person)
    plan = _locked(plan, expected_version)
    errors: dict[str, str] = {}
    if not family_member.strip():
        errors["family_member"] = "Enter the family member's name"
    if not relationship.strip():
        errors["relationship"] = "Say how they are related to the person, like daughter"
    if not both_agree:
        errors["both_agree"] = ("The person and the family member must both agree: the 2014 "
                                "Regulations require it")
    if not can_meet_needs:
        errors["can_meet_needs"] = ("The family member must be able to meet the person's needs: "
                                    "the 2014 Regulations require it")
    chosen = [c for c in circumstances if c in FamilyCircumstance.values]
    if not chosen or len(chosen) != len(circumstances):
        errors["circumstances"] = "Select at least one of the circumstances that apply"
    if FamilyCircumstance.OTHER in chosen and not other_reason.strip():
        errors["other_reason"] = "Say what the other reason is"
    if not reason.strip():
        errors["reason"] = "Say why, in the person's situation"
    if line is not None and line.plan_id != plan.pk:
        errors["line"] = "Choose a support line of this plan"
    if errors:
        raise ValidationError(errors)
    exception = FamilyPaException(
        plan=plan, line=line, family_member=family_member.strip(),
        relationship=relationship.strip(), lives_with_person=lives_with_person,
        both_agree=True, can_meet_needs=True, circumstances=chosen,
        other_reason=other_reason.strip(), reason=reason.strip(), requested_by=actor)
    save_with_history(exception, actor=actor, reason="Family member as a PA: asked for")
    _changed(actor, plan, f"Asked for {exception.family_member} ({exception.relationship}) to be "
                          "paid as a personal assistant")
    return exception


@transaction.atomic
def family_pa_decide(*, actor: Any, exception: FamilyPaException, approve: bool, reason: str,
                     by_panel: bool = False) -> FamilyPaException:
    """A named approver (a team manager), or the panel, decides; never whoever asked."""
    person = exception.plan.person
    if by_panel:
        require_perm(actor, "allocation.sit_on_panel", person)
    else:
        require_perm(actor, "planning.manage_plan", person)
    exception = FamilyPaException.objects.select_for_update().get(pk=exception.pk)
    if exception.status != FamilyPaException.Status.REQUESTED:
        raise ValidationError({"status": "This has already been decided"})
    if exception.requested_by_id == actor.pk:
        raise ValidationError({"status": "Someone other than the person who asked must decide"})
    if not reason.strip():
        raise ValidationError({"decision_reason": "Give the reasons for the decision: the person "
                                                  "will read them"})
    exception.status = (FamilyPaException.Status.APPROVED if approve
                        else FamilyPaException.Status.REFUSED)
    exception.decided_by, exception.decided_at = actor, timezone.now()
    exception.decided_by_panel = by_panel
    exception.decision_reason = reason.strip()
    save_with_history(exception, actor=actor,
                      reason=f"Family member as a PA: {exception.get_status_display().lower()}")
    return exception
