"""Direct-payment schedules: set up from the Option 1 lines of an agreed plan, and worked
out period by period.

What a period pays is worked out when a run is prepared, from what is in force on each
day of it: the weekly gross (``ScheduleRate``, from the plan), less any line switched
to council cover (``TemporarySwitch``), less the person's contribution
(``charging.Contribution``, taken from the council stream only, never more than what is
left). A change to any of them, from any date, changes what later periods pay; if it
reaches back into periods already paid, the difference is settled in the next payment
(``Due.adjustment``) and never paid twice.

Every amount is whole pence. A period's part-weeks are worked in pence-days and
rounded half up once per period; the gross, the switch and the contribution are each
rounded and the net is what is left, so the parts always add up.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from selfdirect.allocation.models import FundingStream
from selfdirect.authorities.policy import policy_value
from selfdirect.charging.models import Contribution
from selfdirect.core import clock
from selfdirect.core.services import require_perm, save_with_history
from selfdirect.payments import bacs
from selfdirect.payments.models import OneOffPayment, PayeeAccount, Schedule, ScheduleRate
from selfdirect.people.models import Person
from selfdirect.planning.models import SupportLine, SupportPlan

DAY = datetime.timedelta(days=1)
FREQUENCY_KEY = "payments.direct_payment_frequency_weeks"


def _round_days(pence_days: int) -> int:
    """Pence-days to pence for a period, rounded half up (pence-days are never negative)."""
    return (pence_days * 2 + 7) // 14


@dataclass(frozen=True)
class Span:
    """An amount a week in force from ``start`` to ``end`` (inclusive; None: open)."""

    start: datetime.date
    end: datetime.date | None
    weekly: int

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass
class Inputs:
    """Everything that decides what one schedule pays, loaded in bulk for a run."""

    schedule: Schedule
    rates: list[tuple[datetime.date, int]] = field(default_factory=list)  # sorted by date
    contributions: list[Span] = field(default_factory=list)
    switches: list[Span] = field(default_factory=list)

    def _changes(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        days = {start}
        days.update(day for day, _w in self.rates if start < day <= end)
        for span in (*self.contributions, *self.switches):
            if start < span.start <= end:
                days.add(span.start)
            if span.end is not None and start <= span.end < end:
                days.add(span.end + DAY)
        ends_on = self.schedule.ends_on
        if ends_on is not None and start <= ends_on < end:
            days.add(ends_on + DAY)
        return sorted(days)

    def _gross_on(self, day: datetime.date) -> int:
        weekly = 0
        for since, amount in self.rates:
            if since > day:
                break
            weekly = amount
        ends_on = self.schedule.ends_on
        if day < self.schedule.starts_on or (ends_on is not None and day > ends_on):
            return 0
        return weekly

    def period(self, start: datetime.date, end: datetime.date) -> PeriodAmounts:
        """What is due for the days ``start`` to ``end``."""
        gross = paused = contribution = 0
        changes = self._changes(start, end)
        for index, day in enumerate(changes):
            until = changes[index + 1] - DAY if index + 1 < len(changes) else end
            days = (until - day).days + 1
            weekly_gross = self._gross_on(day)
            weekly_paused = min(weekly_gross, sum(s.weekly for s in self.switches
                                                  if s.covers(day)))
            weekly_contribution = min(weekly_gross - weekly_paused,
                                      sum(s.weekly for s in self.contributions if s.covers(day)))
            gross += weekly_gross * days
            paused += weekly_paused * days
            contribution += weekly_contribution * days
        gross_p, paused_p, contribution_p = (_round_days(gross), _round_days(paused),
                                             _round_days(contribution))
        # Rounded separately, the parts could exceed the gross by a penny: never pay less
        # than nothing for the regular part.
        contribution_p = min(contribution_p, gross_p - paused_p)
        return PeriodAmounts(gross_p, paused_p, contribution_p)


@dataclass(frozen=True)
class PeriodAmounts:
    gross: int
    paused: int
    contribution: int

    @property
    def net(self) -> int:
        return self.gross - self.paused - self.contribution


@dataclass(frozen=True)
class Due:
    """What one schedule is paid for one period."""

    schedule: Schedule
    period_start: datetime.date
    period_end: datetime.date
    amounts: PeriodAmounts
    adjustment: int
    one_offs: int
    one_off_ids: tuple[int, ...]

    @property
    def total(self) -> int:
        return self.amounts.net + self.adjustment + self.one_offs

    @property
    def amount(self) -> int:
        return max(0, self.total)

    @property
    def carried(self) -> int:
        return max(0, -self.total)


def adjustment(data: Inputs,
               earlier: Iterable[tuple[datetime.date, datetime.date, int, int]]) -> int:
    """What the periods already paid are owed (positive) or were overpaid (negative) as
    things now stand: what the inputs make them due, less what was paid for them (each
    payment's amount less its one-off sums). ``earlier``: (first day, last day, amount,
    one-offs) of each period paid before the one being worked out."""
    paid = list(earlier)
    owed = sum(data.period(first, last).net for first, last, _amount, _extra in paid)
    settled = sum(amount - extra for _first, _last, amount, extra in paid)
    return owed - settled


def periods_starting(schedule: Schedule, start: datetime.date,
                     end: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The schedule's periods whose first day falls from ``start`` to ``end``."""
    length = schedule.period_days
    offset = (start - schedule.starts_on).days
    index = max(0, -(-offset // length))
    found: list[tuple[datetime.date, datetime.date]] = []
    while True:
        first = schedule.starts_on + datetime.timedelta(days=index * length)
        if first > end or (schedule.ends_on is not None and first > schedule.ends_on):
            return found
        found.append((first, first + datetime.timedelta(days=length - 1)))
        index += 1


def load_inputs(schedules: Sequence[Schedule]) -> dict[int, Inputs]:
    """The rates, contributions and switches of many schedules: three queries."""
    from selfdirect.payments.models import TemporarySwitch

    inputs = {s.pk: Inputs(schedule=s) for s in schedules}
    ids = list(inputs)
    for rate in (ScheduleRate.objects.filter(schedule_id__in=ids, superseded=False)
                 .order_by("schedule_id", "effective_from", "pk")
                 .values_list("schedule_id", "effective_from", "weekly_gross")):
        inputs[rate[0]].rates.append((rate[1], rate[2]))
    for switch in (TemporarySwitch.objects.filter(schedule_id__in=ids)
                   .values_list("schedule_id", "starts_on", "ends_on", "weekly_amount")):
        inputs[switch[0]].switches.append(Span(switch[1], switch[2], switch[3]))
    council = {s.person_id: s.pk for s in schedules
               if s.funding_stream == FundingStream.COUNCIL}
    for person_id, start, end, weekly in (
            Contribution.objects.filter(person_id__in=list(council), superseded=False)
            .values_list("person_id", "effective_from", "effective_to", "weekly_amount")):
        inputs[council[person_id]].contributions.append(Span(start, end, weekly))
    return inputs


# --- Setting schedules up -------------------------------------------------------------------


def _frequency(person: Person, on: datetime.date) -> int:
    try:
        return int(policy_value(authority=person.authority, key=FREQUENCY_KEY, on=on))
    except KeyError:
        return 4


def _rate(*, actor: Any, schedule: Schedule, on: datetime.date, weekly: int,
          plan: SupportPlan | None, reason: str) -> None:
    for earlier in schedule.rates.filter(effective_from=on, superseded=False):
        earlier.superseded = True
        save_with_history(earlier, actor=actor, reason=f"Replaced: {reason}")
    rate = ScheduleRate(schedule=schedule, effective_from=on, weekly_gross=weekly, plan=plan,
                        reason=reason, recorded_by=actor)
    save_with_history(rate, actor=actor, reason=reason)


def option_1_weekly(lines: Iterable[SupportLine]) -> dict[str, int]:
    """The weekly gross of a plan's Option 1 lines, by funding stream."""
    totals: dict[str, int] = defaultdict(int)
    for line in lines:
        if line.option == "1":
            totals[line.funding_stream] += line.weekly_cost
    return dict(totals)


@transaction.atomic
def schedules_from_plan(*, actor: Any, plan: SupportPlan,
                        on: datetime.date | None = None) -> list[Schedule]:
    """Set the person's direct-payment schedules to the agreed plan's Option 1 lines from
    ``on``: a new schedule for a new funding stream, a new rate for a changed one, and a
    rate of nothing for a stream the plan no longer pays by direct payment."""
    on = on or clock.today()
    person = plan.person
    weekly = option_1_weekly(plan.lines.all())
    existing = {s.funding_stream: s for s in person.payment_schedules.all()}
    touched = []
    for stream, amount in sorted(weekly.items()):
        schedule = existing.get(stream)
        if schedule is None:
            schedule = Schedule(person=person, authority_id=person.authority_id,
                                funding_stream=stream, frequency_weeks=_frequency(person, on),
                                starts_on=on, created_by=actor)
            save_with_history(schedule, actor=actor,
                              reason=f"Set up from the agreed support plan {plan.pk}")
        elif schedule.ends_on is not None and schedule.ends_on < on:
            schedule.ends_on = None
            save_with_history(schedule, actor=actor, reason="Restarted by an agreed plan")
        _rate(actor=actor, schedule=schedule, on=on, weekly=amount, plan=plan,
              reason=f"Support plan {plan.pk} agreed")
        touched.append(schedule)
    for stream, schedule in existing.items():
        if stream not in weekly and schedule.ends_on is None:
            _rate(actor=actor, schedule=schedule, on=on, weekly=0, plan=plan,
                  reason=f"Support plan {plan.pk} has no direct payment from this stream")
            touched.append(schedule)
    return touched


SORT_CODE_DIGITS = 6
ACCOUNT_DIGITS = 8


def _digits(value: str, field_name: str, length: int, what: str) -> str:
    digits = "".join(ch for ch in value if ch not in " -")
    if not digits.isdigit() or len(digits) != length:
        raise ValidationError({field_name: f"Enter {what} as {length} digits"})
    return digits


@transaction.atomic
def payee_account_set(*, actor: Any, person: Person, account_name: str, sort_code: str,
                      account_number: str, effective_from: datetime.date,
                      method: str = PayeeAccount.Method.BANK) -> PayeeAccount:
    """Record where the person's direct payment goes from ``effective_from``."""
    require_perm(actor, "payments.manage_direct_payments", person)
    name = account_name.strip()
    if not name:
        raise ValidationError({"account_name": "Enter the name on the account"})
    if not bacs.bacs_text(name).strip():
        raise ValidationError({"account_name": "Enter the name on the account as the bank "
                                               "has it, in letters A to Z and numbers"})
    account = PayeeAccount(
        person=person, method=method, account_name=name[:100],
        sort_code=_digits(sort_code, "sort_code", SORT_CODE_DIGITS, "the sort code"),
        account_number=_digits(account_number, "account_number", ACCOUNT_DIGITS,
                               "the account number"),
        effective_from=effective_from, recorded_by=actor)
    save_with_history(account, actor=actor, reason="Direct-payment account recorded")
    return account


@transaction.atomic
def one_off_add(*, actor: Any, schedule: Schedule, amount: int, due_on: datetime.date,
                description: str) -> OneOffPayment:
    """A sum paid once with the next run that reaches ``due_on``, like a start-up payment."""
    require_perm(actor, "payments.manage_direct_payments", schedule.person)
    if amount <= 0:
        raise ValidationError({"amount": "Enter an amount more than £0"})
    if not description.strip():
        raise ValidationError({"description": "Say what the sum is for"})
    item = OneOffPayment(schedule=schedule, amount=amount, due_on=due_on,
                         description=description.strip()[:200], recorded_by=actor)
    save_with_history(item, actor=actor, reason="One-off sum added")
    return item


def payee_accounts_on(person_ids: Iterable[int], day: datetime.date) -> dict[int, PayeeAccount]:
    """Each person's account in force on ``day``: one query."""
    found: dict[int, PayeeAccount] = {}
    for account in (PayeeAccount.objects.filter(person_id__in=list(person_ids),
                                                effective_from__lte=day)
                    .order_by("person_id", "-effective_from", "-pk")):
        found.setdefault(account.person_id, account)
    return found


def schedules_due(authority_id: int, start: datetime.date, end: datetime.date) -> Any:
    """Schedules of the authority with a period that may start from ``start`` to ``end``."""
    return (Schedule.objects.filter(authority_id=authority_id, starts_on__lte=end)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start)))
