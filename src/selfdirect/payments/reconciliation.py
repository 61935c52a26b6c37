"""Reconciliation: for one authority and period, by funding stream, what the agreed plans
cost, what the direct-payment schedules made due, what was paid (to people, to providers,
less recoveries, with corrections), and what providers delivered; and a check that the
payment records agree with the ledger to the penny.

Two independent sources are compared: the records of what was paid (``Payment``,
``Invoice`` lines, ``Recovery`` decisions, each with its ledger entry) and the ledger's
funding-stream accounts. They must agree; a difference is shown, never hidden. The
whole report is a fixed number of queries (eight) whatever the number of people.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, Sum

from selfdirect.allocation.models import FundingStream
from selfdirect.authorities.models import Authority
from selfdirect.payments.models import (
    AccountKind,
    DeliveredHours,
    EntryKind,
    InvoiceLine,
    Line,
    Payment,
    Recovery,
)
from selfdirect.planning.models import SupportLine, SupportPlan


@dataclass
class StreamRow:
    stream: str
    agreed: int = 0
    scheduled: int = 0
    paid_direct: int = 0
    paid_providers: int = 0
    recovered: int = 0
    corrections: int = 0
    delivered: int = 0
    ledger: int = 0

    @property
    def label(self) -> str:
        return str(FundingStream(self.stream).label)

    @property
    def paid(self) -> int:
        """Paid out, net of recoveries and corrections."""
        return self.paid_direct + self.paid_providers - self.recovered + self.corrections

    @property
    def difference(self) -> int:
        return self.ledger - self.paid

    @property
    def balances(self) -> bool:
        return self.difference == 0


@dataclass
class Reconciliation:
    authority: Authority
    start: datetime.date
    end: datetime.date
    rows: list[StreamRow] = field(default_factory=list)
    bank: int = 0

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def total(self) -> StreamRow:
        total = StreamRow(stream=FundingStream.COUNCIL)
        for row in self.rows:
            for name in ("agreed", "scheduled", "paid_direct", "paid_providers", "recovered",
                         "corrections", "delivered", "ledger"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total

    @property
    def balances(self) -> bool:
        """Every stream agrees with the ledger, and the streams together equal what left
        the bank."""
        return all(row.balances for row in self.rows) and self.total.ledger == self.bank


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def reconciliation(*, authority: Authority, start: datetime.date,
                   end: datetime.date) -> Reconciliation:
    rows: dict[str, StreamRow] = defaultdict(lambda: StreamRow(stream=""))

    def row(stream: str) -> StreamRow:
        if stream not in rows:
            rows[stream] = StreamRow(stream=stream)
        return rows[stream]

    days = (end - start).days + 1
    # Agreed: the lines of every agreed plan, for the days of the period.
    agreed = (SupportLine.objects.filter(plan__status=SupportPlan.Status.AGREED,
                                         plan__person__authority=authority)
              .values("funding_stream").annotate(weekly=Sum("weekly_cost")))
    for item in agreed:
        row(item["funding_stream"]).agreed = _half_up(Decimal(item["weekly"] * days) / 7)
    # Scheduled: what direct-payment periods starting in the window made due.
    scheduled = (Payment.objects.filter(schedule__authority=authority,
                                        period_start__range=(start, end))
                 .values("schedule__funding_stream")
                 .annotate(due=Sum(F("gross") - F("contribution") - F("paused"))))
    for item in scheduled:
        row(item["schedule__funding_stream"]).scheduled = int(item["due"] or 0)
    # Paid, from the payment records whose ledger entry falls in the period.
    in_period = Q(entry__effective_on__range=(start, end))
    for item in (Payment.objects.filter(in_period, schedule__authority=authority)
                 .values("schedule__funding_stream").annotate(total=Sum("amount"))):
        row(item["schedule__funding_stream"]).paid_direct = int(item["total"] or 0)
    for item in (InvoiceLine.objects.filter(invoice__authority=authority,
                                            invoice__entry__effective_on__range=(start, end))
                 .values("line__funding_stream").annotate(total=Sum("amount"))):
        row(item["line__funding_stream"]).paid_providers = int(item["total"] or 0)
    for item in (Recovery.objects.filter(in_period, person__authority=authority)
                 .values("schedule__funding_stream").annotate(total=Sum("decided_amount"))):
        row(item["schedule__funding_stream"]).recovered = int(item["total"] or 0)
    # The ledger: what each stream account gave out in the period (credits are negative),
    # and corrections, which no payment record carries.
    stream_lines = (Line.objects.filter(account__authority=authority,
                                        account__kind=AccountKind.STREAM,
                                        entry__effective_on__range=(start, end))
                    .values("account__funding_stream", "entry__kind")
                    .annotate(total=Sum("amount")))
    for item in stream_lines:
        target = row(item["account__funding_stream"])
        given = -int(item["total"] or 0)
        target.ledger += given
        if item["entry__kind"] == EntryKind.REVERSAL:
            target.corrections += given
    bank = Line.objects.filter(account__authority=authority, account__kind=AccountKind.BANK,
                               entry__effective_on__range=(start, end)).aggregate(
        total=Sum("amount"))["total"]
    # Delivered: hours recorded for weeks starting in the period, at each line's rate.
    delivered: dict[str, Decimal] = defaultdict(Decimal)
    for stream, hours, weekly, planned in (
            DeliveredHours.objects.filter(line__plan__person__authority=authority,
                                          week_start__range=(start, end))
            .values_list("line__funding_stream", "hours", "line__weekly_cost",
                         "line__hours_per_week")):
        if planned:
            delivered[stream] += Decimal(hours) * Decimal(weekly) / Decimal(planned)
    for stream, value in delivered.items():
        row(stream).delivered = _half_up(value)
    order = list(FundingStream.values)
    return Reconciliation(authority=authority, start=start, end=end,
                          rows=sorted(rows.values(), key=lambda r: order.index(r.stream)),
                          bank=-int(bank or 0))
