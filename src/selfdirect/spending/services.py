"""Changes to spending requests and to an authority's exclusion list.

A request is decided against the authority's spending rules in force on the day the
money will be spent (``rulebook.spending_rules``): anything that serves an agreed outcome
within the budget is allowed unless an exclusion in force names it. ``spending_request_check``
says which exclusion applies, if any; the decider confirms it or records that none does
(an agreed exception, or words that only looked like an exclusion). A request an
exclusion applies to can only be refused, and the refusal names the exclusion. No
decision without reasons; the requester never decides their own request.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from selfdirect.authorities.models import Authority
from selfdirect.core.money import format_pounds
from selfdirect.core.services import require_perm, save_with_history
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.models import Person
from selfdirect.spending.models import ExclusionEntry, SpendingRequest
from selfdirect.spending.rulebook import Exclusion, SpendingRules, entries_for, spending_rules

MOST_PENCE = 100_000_000  # £1,000,000: no single request is more
Decision = SpendingRequest.Status


# --- Spending requests ---------------------------------------------------------------------


@transaction.atomic
def spending_request_make(*, actor: Any, person: Person, description: str, amount: int,
                          outcome: PersonalOutcome | None, wanted_on: datetime.date) -> SpendingRequest:
    """Ask to spend ``amount`` pence of the person's budget on ``description`` for one of
    their agreed outcomes. Raises a ValidationError naming each field that is wrong."""
    require_perm(actor, "spending.make_request", person)
    errors: dict[str, str] = {}
    description = " ".join((description or "").split())
    if not description:
        errors["description"] = "Enter what the money is for"
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        errors["amount"] = "Enter the amount in pounds and pence, like 500.00"
    elif amount > MOST_PENCE:
        errors["amount"] = f"The amount must be {format_pounds(MOST_PENCE)} or less"
    if outcome is None or outcome.person_id != person.pk:
        errors["outcome"] = "Select the agreed outcome the spending serves"
    elif outcome.state != PersonalOutcome.State.AGREED:
        errors["outcome"] = "Select an outcome that has been agreed"
    if errors:
        raise ValidationError(errors)
    request = SpendingRequest(person=person, description=description, amount=amount,
                              outcome=outcome, wanted_on=wanted_on, requested_by=actor)
    save_with_history(request, actor=actor, reason="Spending request made")
    return request


@dataclass(frozen=True)
class RuleCheck:
    rules: SpendingRules
    exclusion: Exclusion | None
    outcome_agreed: bool


def spending_request_check(request: SpendingRequest) -> RuleCheck:
    """The request against the rules in force on the day the money will be spent: which
    exclusion applies, if any, and whether its outcome is still agreed."""
    rules = spending_rules(request.person.authority, request.wanted_on)
    return RuleCheck(rules=rules, exclusion=rules.matching(request.description),
                     outcome_agreed=request.outcome.state == PersonalOutcome.State.AGREED)


@transaction.atomic
def spending_request_decide(*, actor: Any, request: SpendingRequest, decision: str,
                            reason: str, exclusion_key: str | None = None, changes: str = "",
                            approved_amount: int | None = None) -> SpendingRequest:
    """Approve, approve with changes, or refuse a request, with reasons the person reads.

    ``exclusion_key`` is the exclusion the decider finds applies ("" for none); None takes
    the one ``spending_request_check`` finds. A request an exclusion applies to can only be
    refused."""
    request = SpendingRequest.objects.select_for_update().select_related(
        "person__authority", "outcome").get(pk=request.pk)
    require_perm(actor, "spending.decide_request", request.person)
    if request.decided:
        raise ValidationError({"decision": "This request has already been decided"})
    if request.requested_by_id == actor.pk:
        raise ValidationError({"decision": "Someone other than the person who made the "
                                           "request must decide it"})
    check = spending_request_check(request)
    errors: dict[str, str] = {}
    if decision not in (Decision.APPROVED, Decision.APPROVED_WITH_CHANGES, Decision.REFUSED):
        errors["decision"] = "Select approve, approve with changes, or refuse"
    reason = (reason or "").strip()
    if not reason:
        errors["decision_reason"] = "Give the reasons for the decision: the person will read them"
    exclusion = check.exclusion if exclusion_key is None else (
        check.rules.exclusion(exclusion_key) if exclusion_key else None)
    if exclusion_key and exclusion is None:
        errors["exclusion"] = ("Select an exclusion in force on "
                               f"{request.wanted_on:%-d %B %Y}, or none")
    approving = decision in (Decision.APPROVED, Decision.APPROVED_WITH_CHANGES)
    if approving and exclusion is not None:
        errors["decision"] = (f"“{exclusion.title}” is on the exclusion list in force on "
                              f"{request.wanted_on:%-d %B %Y}: refuse the request, or record "
                              "that no exclusion applies")
    elif approving and not check.outcome_agreed:
        errors["decision"] = ("The outcome this request serves is no longer agreed: refuse "
                              "the request, or ask for a new one for an agreed outcome")
    if decision == Decision.APPROVED_WITH_CHANGES:
        changes = (changes or "").strip()
        if not changes:
            errors["changes"] = "Say what was changed: the person will read it"
        if approved_amount is not None and (not isinstance(approved_amount, int)
                                            or approved_amount <= 0):
            errors["approved_amount"] = "Enter the amount approved in pounds and pence, like 450.00"
    if errors:
        raise ValidationError(errors)
    request.status = decision
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.changes = changes if decision == Decision.APPROVED_WITH_CHANGES else ""
    request.approved_amount = (
        (approved_amount or request.amount) if approving else None)
    if exclusion is not None:
        request.exclusion_key = exclusion.key
        request.exclusion_title = exclusion.title
        request.exclusion_explanation = exclusion.explanation
    save_with_history(request, actor=actor,
                      reason=f"Spending request {request.get_status_display().lower()}")
    return request


# --- The exclusion list ---------------------------------------------------------------------


def _check_change(authority: Authority, key: str, effective_from: Any, reason: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not isinstance(effective_from, datetime.date):
        errors["effective_from"] = "Enter the date the change applies from"
    elif ExclusionEntry.objects.filter(authority=authority, key=key,
                                       effective_from=effective_from).exists():
        errors["effective_from"] = ("This exclusion already has a change from that date: "
                                    "choose another date")
    if not (reason or "").strip():
        errors["reason"] = "Enter the reason for the change"
    return errors


@transaction.atomic
def exclusion_add(*, actor: Any, authority: Authority, title: str, explanation: str,
                  effective_from: datetime.date, reason: str, keywords: str = "") -> ExclusionEntry:
    """Put an exclusion on the authority's list from a date (or back on it, when one with
    the same title was withdrawn)."""
    require_perm(actor, "spending.manage_rules", authority)
    Authority.objects.select_for_update().filter(pk=authority.pk).first()
    title = " ".join((title or "").split())
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Enter the name of the exclusion"
    if not (explanation or "").strip():
        errors["explanation"] = "Enter the explanation in plain English: people will read it"
    key = slugify(title)[:60]
    if title and not key:
        errors["title"] = "The name of the exclusion must include letters or numbers"
    if key and not errors.get("title"):
        errors.update(_check_change(authority, key, effective_from, reason))
    elif not (reason or "").strip():
        errors["reason"] = "Enter the reason for the change"
    if errors:
        raise ValidationError(errors)
    words = ", ".join(w.strip() for w in (keywords or "").split(",") if w.strip())
    entry = ExclusionEntry(authority=authority, country=authority.country, key=key,
                           action=ExclusionEntry.Action.IN_FORCE, title=title,
                           explanation=explanation.strip(), keywords=words[:500],
                           effective_from=effective_from, reason=reason.strip(),
                           recorded_by=actor)
    save_with_history(entry, actor=actor, reason=f"Exclusion added: {reason.strip()}")
    return entry


@transaction.atomic
def exclusion_withdraw(*, actor: Any, authority: Authority, key: str,
                       effective_from: datetime.date, reason: str) -> ExclusionEntry:
    """Take an exclusion off the authority's list from a date. The entries before stay:
    decisions made under them can still be explained."""
    require_perm(actor, "spending.manage_rules", authority)
    Authority.objects.select_for_update().filter(pk=authority.pk).first()
    errors: dict[str, str] = {}
    current = None
    if isinstance(effective_from, datetime.date):
        current = spending_rules(authority, effective_from).exclusion(key or "")
    if current is None:
        latest = entries_for(authority).filter(key=key or "").order_by("-effective_from").first()
        if latest is None:
            errors["key"] = "Select the exclusion to withdraw"
        elif isinstance(effective_from, datetime.date):
            errors["effective_from"] = (f"“{latest.title}” is not in force on "
                                        f"{effective_from:%-d %B %Y}: choose a later date")
    errors.update({k: v for k, v in _check_change(authority, key or "", effective_from,
                                                   reason).items() if k not in errors})
    if errors:
        raise ValidationError(errors)
    assert current is not None
    entry = ExclusionEntry(authority=authority, country=authority.country, key=current.key,
                           action=ExclusionEntry.Action.WITHDRAWN, title=current.title,
                           explanation=current.explanation, keywords=", ".join(current.keywords),
                           effective_from=effective_from, reason=reason.strip(),
                           recorded_by=actor)
    save_with_history(entry, actor=actor, reason=f"Exclusion withdrawn: {reason.strip()}")
    return entry
