"""Surplus recovery with due process: nothing is taken back without a decision.

Each step is one service with its guard (``Recovery.Status``):

1. ``recovery_propose`` (``payments.propose_recovery``): an amount no more than what the
   ledger shows in the person's direct-payment account, less other recoveries still
   open, and the reason;
2. ``recovery_notice_send``: the notice (``notice_text``) with the amount, the reason, how
   to respond and by when (policy ``payments.recovery_response_days``), and the right to
   challenge;
3. ``recovery_respond`` (``payments.respond_recovery``): the person, whoever acts for
   them, or their worker recording what they said; "asked to be phoned" is an answer
   too, and nobody has to write;
4. ``recovery_decide`` (``payments.decide_recovery``): someone other than the proposer,
   after the notice and either a response or the response date passed, with reasons;
   the letter (``decision_letter``) says how to challenge the decision;
5. ``recovery_post`` (``payments.manage_direct_payments``): the ledger entry, only for a
   decision to recover all or part. It is the only code that posts an entry of kind
   ``recovery``; the database refuses one that names no recovery.

``recovery_withdraw`` stops a recovery at any step before the decision.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.urls import reverse
from django.utils import timezone

from selfdirect.allocation.models import FundingStream
from selfdirect.authorities.policy import policy_value
from selfdirect.core import clock
from selfdirect.core.money import format_pounds
from selfdirect.core.services import require_perm, save_with_history
from selfdirect.payments import ledger
from selfdirect.payments.models import (
    Account,
    AccountKind,
    Entry,
    EntryKind,
    Payment,
    Recovery,
    Schedule,
)
from selfdirect.people.models import Person

PROPOSE = "payments.propose_recovery"
DECIDE = "payments.decide_recovery"
RESPOND = "payments.respond_recovery"
POST = "payments.manage_direct_payments"
RESPONSE_DAYS_KEY = "payments.recovery_response_days"
DEFAULT_RESPONSE_DAYS = 28
ASKED_TO_BE_PHONED = "Asked to be phoned"
Status = Recovery.Status
Decision = Recovery.Decision
OPEN = (Status.PROPOSED, Status.NOTICE_SENT, Status.RESPONDED)


def dp_balance(person: Person) -> int:
    """What the ledger shows in the person's direct-payment account: one query."""
    account = Account.objects.filter(authority_id=person.authority_id,
                                     kind=AccountKind.DIRECT_PAYMENT, person=person).first()
    return ledger.balance(account) if account is not None else 0


def held_by_open_recoveries(person: Person, *, exclude: int | None = None) -> int:
    """Pence that recoveries still open (or decided but not yet posted) would take."""
    open_ = Recovery.objects.filter(person=person).filter(
        Q(status__in=OPEN) | Q(status=Status.DECIDED,
                               decision__in=[Decision.RECOVER, Decision.RECOVER_PART],
                               entry__isnull=True))
    if exclude is not None:
        open_ = open_.exclude(pk=exclude)
    decided = open_.filter(status=Status.DECIDED).aggregate(t=Sum("decided_amount"))["t"] or 0
    proposed = open_.exclude(status=Status.DECIDED).aggregate(t=Sum("proposed_amount"))["t"] or 0
    return int(decided) + int(proposed)


def response_days(person: Person, on: datetime.date) -> int:
    try:
        return int(policy_value(authority=person.authority, key=RESPONSE_DAYS_KEY, on=on))
    except KeyError:
        return DEFAULT_RESPONSE_DAYS


def _lock(recovery: Recovery) -> Recovery:
    return Recovery.objects.select_for_update().select_related(
        "person__authority", "schedule").get(pk=recovery.pk)


def paid_by_schedule(person: Person) -> dict[int, int]:
    """Schedule id -> what it has paid into the person's account, less recoveries posted or
    under way against it: what could go back to its funding stream (two queries)."""
    paid: dict[int, int] = defaultdict(int)
    for schedule_id, total in (Payment.objects.filter(schedule__person=person,
                                                      posted_at__isnull=False)
                               .values("schedule_id").annotate(t=Sum("amount"))
                               .values_list("schedule_id", "t")):
        paid[schedule_id] += int(total or 0)
    for item in Recovery.objects.filter(person=person).filter(
            Q(status__in=OPEN) | Q(status=Status.DECIDED,
                                   decision__in=[Decision.RECOVER, Decision.RECOVER_PART])):
        paid[item.schedule_id] -= (item.decided_amount if item.status == Status.DECIDED
                                   else item.proposed_amount)
    return dict(paid)


def latest_known_balance(person: Person) -> tuple[int, datetime.date] | None:
    """The balance the latest statement or receipts return showed, and its date."""
    statement = person.dp_statements.order_by("-period_end", "-pk").first()
    ret = person.dp_returns.order_by("-period_end", "-pk").first()
    found = [(s.closing_balance, s.period_end) for s in (statement,) if s is not None]
    found += [(r.balance, r.period_end) for r in (ret,) if r is not None]
    return max(found, key=lambda pair: pair[1]) if found else None


def _council_first() -> Case:
    """Order schedules with the council's first: the money goes back to the stream that
    pays most direct payments."""
    return Case(When(funding_stream=FundingStream.COUNCIL, then=Value(0)), default=Value(1),
                output_field=IntegerField())


def _text(value: str) -> str:
    return (value or "").strip()


@transaction.atomic
def recovery_propose(*, actor: Any, person: Person, amount: int, reason: str) -> Recovery:
    """Propose taking back ``amount`` pence of unspent direct payment, for ``reason``.
    Nothing moves: the notice, the person's response and a decision come first."""
    require_perm(actor, PROPOSE, person)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    errors: dict[str, str] = {}
    # The money goes back to the funding stream that paid it: the schedule with the most
    # paid in and not already being taken back (the council's first on a tie).
    available_by = paid_by_schedule(person)
    candidates = list(Schedule.objects.filter(person=person).order_by(_council_first(), "pk"))
    schedule = max(candidates, key=lambda s: available_by.get(s.pk, 0), default=None)
    if schedule is None:
        errors["amount"] = f"{person} has no direct payment to recover money from"
    reason = _text(reason)
    if not reason:
        errors["reason"] = "Say why the money should be taken back: the person will read it"
    elif len(reason) > 2000:
        errors["reason"] = "The reason must be 2,000 characters or fewer"
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        errors["amount"] = "Enter the amount in pounds and pence, like 500.00"
    elif schedule is not None:
        available = dp_balance(person) - held_by_open_recoveries(person)
        from_stream = available_by.get(schedule.pk, 0)
        known = latest_known_balance(person)
        if amount > available:
            errors["amount"] = (f"The amount must be no more than {format_pounds(max(0, available))}: "
                                "what the ledger shows in the direct-payment account, less "
                                "recoveries already under way")
        elif amount > from_stream:
            errors["amount"] = (
                f"The amount must be no more than {format_pounds(max(0, from_stream))}: what "
                f"the {schedule.get_funding_stream_display()} direct payment has paid in and "
                "is not already being taken back. Money from another funding stream is "
                "recovered separately")
        elif known is not None and amount > known[0] - held_by_open_recoveries(person):
            errors["amount"] = (
                f"The amount must be no more than "
                f"{format_pounds(max(0, known[0] - held_by_open_recoveries(person)))}: the "
                f"balance on {known[1]:%-d %B %Y}, the latest statement or return, less "
                "recoveries already under way")
    if errors:
        raise ValidationError(errors)
    assert schedule is not None
    recovery = Recovery(person=person, schedule=schedule, proposed_amount=amount,
                        reason=reason, proposed_by=actor)
    save_with_history(recovery, actor=actor, reason="Recovery proposed")
    return recovery


@transaction.atomic
def recovery_notice_send(*, actor: Any, recovery: Recovery, sent_on: datetime.date,
                         how: str) -> Recovery:
    """Record that the notice (``notice_text``) was sent, and how: the person has
    ``payments.recovery_response_days`` days from ``sent_on`` to respond."""
    recovery = _lock(recovery)
    require_perm(actor, PROPOSE, recovery.person)
    errors: dict[str, str] = {}
    if recovery.status != Status.PROPOSED:
        errors["sent_on"] = "The notice can only be sent for a recovery that has just been proposed"
    today = clock.today()
    if not isinstance(sent_on, datetime.date):
        errors.setdefault("sent_on", "Enter the date the notice was sent")
    elif sent_on > today:
        errors.setdefault("sent_on", "The date the notice was sent must be today or in the past")
    elif sent_on < timezone.localdate(recovery.proposed_at):
        errors.setdefault("sent_on", "The notice cannot be sent before the recovery was proposed")
    how = _text(how)
    if not how:
        errors["how"] = "Say how the notice was sent, like “by post and email”"
    elif len(how) > 200:
        errors["how"] = "How the notice was sent must be 200 characters or fewer"
    if errors:
        raise ValidationError(errors)
    recovery.status = Status.NOTICE_SENT
    recovery.notice_sent_on = sent_on
    recovery.notice_how = how
    recovery.respond_by = sent_on + datetime.timedelta(days=response_days(recovery.person,
                                                                          sent_on))
    save_with_history(recovery, actor=actor, reason=f"Notice sent {how}")
    return recovery


@transaction.atomic
def recovery_respond(*, actor: Any, recovery: Recovery, response: str,
                     on: datetime.date | None = None) -> Recovery:
    """The person's answer to the notice, given by them, whoever acts for them, or
    recorded by their worker (a phone call, a visit). ``ASKED_TO_BE_PHONED`` is an answer:
    the decision then waits for the call (or the response date). A later answer is added
    to the earlier ones."""
    recovery = _lock(recovery)
    require_perm(actor, RESPOND, recovery.person)
    errors: dict[str, str] = {}
    if recovery.status not in (Status.NOTICE_SENT, Status.RESPONDED):
        errors["response"] = ("There is no notice waiting for an answer: the recovery is "
                              f"{recovery.get_status_display().lower()}")
    response = _text(response)
    today = clock.today()
    on = on or today
    if not response:
        errors.setdefault("response", "Enter the answer, or choose “ask to be phoned”")
    if not isinstance(on, datetime.date) or on > today:
        errors["on"] = "The date of the answer must be today or in the past"
    elif recovery.notice_sent_on and on < recovery.notice_sent_on:
        errors["on"] = "The answer cannot be before the notice was sent"
    text = response if not recovery.response else (
        f"{recovery.response}\n\n{on:%-d %B %Y}: {response}")
    if len(text) > 4000:
        errors.setdefault("response", "The answer must be shorter: 4,000 characters in all")
    if errors:
        raise ValidationError(errors)
    recovery.response = text
    recovery.response_on = on
    recovery.status = Status.RESPONDED
    save_with_history(recovery, actor=actor, reason="Response recorded")
    return recovery


def waiting_for_call(recovery: Recovery, today: datetime.date) -> bool:
    """The only answer so far is a request to be phoned, and the response time is not over."""
    return (recovery.response.strip() == ASKED_TO_BE_PHONED
            and recovery.respond_by is not None and today <= recovery.respond_by)


def may_decide(recovery: Recovery, today: datetime.date | None = None) -> str:
    """Why the recovery cannot be decided yet ("" when it can)."""
    today = today or clock.today()
    if recovery.status == Status.PROPOSED:
        return "The notice has not been sent: send it and wait for the person's answer"
    if recovery.status in (Status.DECIDED, Status.WITHDRAWN):
        return f"The recovery is already {recovery.get_status_display().lower()}"
    if recovery.status == Status.NOTICE_SENT and recovery.respond_by is not None \
            and today <= recovery.respond_by:
        return (f"Wait for the person's answer: they have until "
                f"{recovery.respond_by:%-d %B %Y} to respond")
    if waiting_for_call(recovery, today):
        return "The person asked to be phoned: record what they said first"
    return ""


@transaction.atomic
def recovery_decide(*, actor: Any, recovery: Recovery, decision: str, amount: int | None,
                    reason: str) -> Recovery:
    """Decide whether to take the money back, with reasons the person reads. Never by the
    person who proposed it; only after the notice, and an answer or the response date."""
    recovery = _lock(recovery)
    require_perm(actor, DECIDE, recovery.person)
    errors: dict[str, str] = {}
    if recovery.proposed_by_id == actor.pk:
        errors["decision"] = "Someone other than the person who proposed the recovery must decide it"
    else:
        why_not = may_decide(recovery)
        if why_not:
            errors["decision"] = why_not
    if decision not in Decision.values:
        errors.setdefault("decision", "Select recover the amount, recover part of it, or do not recover")
    reason = _text(reason)
    if not reason:
        errors["reason"] = "Give the reasons for the decision: the person will read them"
    elif len(reason) > 4000:
        errors["reason"] = "The reasons must be 4,000 characters or fewer"
    decided = 0
    if decision == Decision.RECOVER:
        decided = recovery.proposed_amount
    elif decision == Decision.RECOVER_PART:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            errors["amount"] = "Enter the part to recover in pounds and pence, like 250.00"
        elif amount >= recovery.proposed_amount:
            errors["amount"] = (f"The part must be less than the {format_pounds(recovery.proposed_amount)} "
                                "proposed: to recover all of it, choose “recover the amount”")
        else:
            decided = amount
    if decided and "decision" not in errors:
        available = dp_balance(recovery.person) - held_by_open_recoveries(
            recovery.person, exclude=recovery.pk)
        if decided > available:
            errors["amount"] = (f"The ledger shows only {format_pounds(max(0, available))} "
                                "in the direct-payment account to recover")
    if errors:
        raise ValidationError(errors)
    recovery.status = Status.DECIDED
    recovery.decision = decision
    recovery.decided_amount = decided
    recovery.decision_reason = reason
    recovery.decided_by = actor
    recovery.decided_at = timezone.now()
    save_with_history(recovery, actor=actor, reason=f"Decided: {recovery.get_decision_display()}")
    return recovery


@transaction.atomic
def recovery_post(*, actor: Any, recovery: Recovery) -> Entry:
    """Post the ledger entry of a decision to recover: the decided amount comes back from
    the person's direct-payment account to the bank, and back to the funding stream and
    the budget. Refused for anything but a decision to recover all or part, and for a
    recovery already posted."""
    recovery = _lock(recovery)
    require_perm(actor, POST, recovery.person)
    if recovery.status != Status.DECIDED or recovery.decision not in (
            Decision.RECOVER, Decision.RECOVER_PART) or recovery.decided_amount <= 0:
        raise ValidationError({"recovery": "Nothing can be taken back without a decision to "
                                           "recover: this recovery is "
                                           f"{recovery.get_status_display().lower()}"
                                           + (f" ({recovery.get_decision_display().lower()})"
                                              if recovery.decision else "")})
    if Entry.objects.filter(recovery=recovery).exists():
        raise ValidationError({"recovery": "This recovery has already been posted"})
    if recovery.decided_amount > dp_balance(recovery.person):
        raise ValidationError({"recovery": "The ledger shows less than the decided amount in "
                                           "the direct-payment account"})
    person = recovery.person
    amount = recovery.decided_amount
    (entry,) = ledger.post([ledger.Posting(
        authority_id=person.authority_id, kind=EntryKind.RECOVERY,
        effective_on=clock.today(),
        description=f"Recovery of unspent direct payment from {person}",
        lines=ledger.movement(authority_id=person.authority_id, person_id=person.pk,
                              funding_stream=recovery.schedule.funding_stream, amount=-amount,
                              to=ledger.direct_payment_key(person.authority_id, person.pk)),
        links={"recovery": recovery})], actor=actor)
    save_with_history(recovery, actor=actor, reason=f"Posted to the ledger: {format_pounds(amount)}",
                      validate=False)
    return entry


@transaction.atomic
def recovery_withdraw(*, actor: Any, recovery: Recovery, reason: str) -> Recovery:
    """Stop a recovery before it is decided, saying why (``withdraw_reason``)."""
    recovery = _lock(recovery)
    require_perm(actor, PROPOSE, recovery.person)
    errors: dict[str, str] = {}
    if recovery.status not in OPEN:
        errors["reason"] = (f"A recovery that is {recovery.get_status_display().lower()} "
                            "cannot be withdrawn")
    reason = _text(reason)
    if not reason:
        errors["reason"] = "Say why the recovery is withdrawn"
    elif len(reason) > 2000:
        errors["reason"] = "The reason must be 2,000 characters or fewer"
    if errors:
        raise ValidationError(errors)
    recovery.status = Status.WITHDRAWN
    recovery.withdrawn_by, recovery.withdraw_reason = actor, reason
    save_with_history(recovery, actor=actor, reason=f"Withdrawn: {reason}")
    return recovery


# --- Words the person reads -----------------------------------------------------------------


def challenge_path(recovery: Recovery) -> str:
    return reverse("spending-challenge", args=[recovery.person.authority.code])


def notice_text(recovery: Recovery, *, challenge_url: str = "") -> list[str]:
    """The notice in plain English, a paragraph a line: the amount, the reason, how to
    respond, by when, and the right to challenge."""
    authority = recovery.person.authority
    by = (f"by {recovery.respond_by:%-d %B %Y}" if recovery.respond_by
          else f"within {response_days(recovery.person, clock.today())} days of this notice")
    return [
        f"{authority.name} proposes to take back {format_pounds(recovery.proposed_amount)} "
        "of your direct payment that has not been spent.",
        f"Why: {recovery.reason}",
        "Nothing has been taken. Nothing will be taken unless someone who did not propose "
        "this decides to, after reading your answer.",
        f"Please tell us {by} if the money is set aside for something, for example a "
        "planned purchase or a break, or anything else we should know. You can answer on "
        "your direct-payment pages, by phone or in person, or ask us to phone you. You do "
        "not have to write anything.",
        "If we decide to take money back, we will tell you why in writing. You can ask for "
        "the decision to be reviewed, and complain if you are still unhappy: "
        f"{challenge_url or challenge_path(recovery)}",
    ]


def decision_letter(recovery: Recovery, *, challenge_url: str = "") -> list[str]:
    """The decision in plain English with its reasons and how to challenge it."""
    if recovery.status != Status.DECIDED:
        return []
    if recovery.decision == Decision.DO_NOT_RECOVER:
        what = (f"We have decided not to take back the {format_pounds(recovery.proposed_amount)} "
                "we proposed. You keep it.")
    else:
        what = (f"We have decided to take back {format_pounds(recovery.decided_amount)} of the "
                f"{format_pounds(recovery.proposed_amount)} we proposed.")
    return [
        what,
        f"Our reasons: {recovery.decision_reason}",
        "If you disagree, you can ask for the decision to be reviewed, and then complain. "
        f"How to challenge this decision: {challenge_url or challenge_path(recovery)}",
    ]


# --- Reads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    when: datetime.datetime
    who: str
    what: str


def recovery_history(recovery: Recovery) -> list[Step]:
    """Every step of the recovery, oldest first, with who took it: two queries."""
    steps = []
    for row in recovery.history.select_related("history_user").order_by("history_date",
                                                                          "history_id"):
        user = row.history_user
        who = (user.get_full_name() or user.username) if user is not None else ""
        steps.append(Step(row.history_date, who, row.history_change_reason or ""))
    return steps


def person_recoveries(*, person: Person) -> list[Recovery]:
    return list(Recovery.objects.filter(person=person).select_related(
        "proposed_by", "decided_by", "entry").order_by("-proposed_at", "-pk"))
