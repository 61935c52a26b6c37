"""Reads for the home page: what waits for each role in payments, a few counts each in one
query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from selfdirect.authorities.models import Authority
from selfdirect.core import clock
from selfdirect.payments.hours import alerts_for_worker
from selfdirect.payments.models import PaymentRun, Recovery


@dataclass(frozen=True)
class PaymentsWork:
    runs_to_approve: int = 0
    shortfalls: int = 0
    recoveries_to_decide: int = 0

    @property
    def any(self) -> bool:
        return bool(self.runs_to_approve or self.shortfalls or self.recoveries_to_decide)


def payments_work(*, authority: Authority | None, user: Any) -> PaymentsWork:
    """For ``user`` in ``authority``: runs prepared by someone else waiting for their
    approval (finance officers), shortfall alerts nobody has looked at yet (the worker's
    caseload; a team manager's or finance officer's whole authority), and recoveries whose
    notice has been answered or whose time to answer is over, waiting for a decision."""
    if authority is None:
        return PaymentsWork()
    runs = 0
    if user.has_perm("payments.run_payments", authority):
        runs = (PaymentRun.objects.filter(authority=authority, status=PaymentRun.Status.PREPARED)
                .exclude(prepared_by=user).count())
    shortfalls = 0
    if user.has_perm("payments.monitor", authority) or user.has_perm("payments.monitor"):
        shortfalls = alerts_for_worker(user, unseen_only=True).filter(
            line__plan__person__authority=authority).count()
    recoveries = 0
    if user.has_perm("payments.decide_recovery", authority):
        today = clock.today()
        recoveries = (Recovery.objects.filter(person__authority=authority)
                      .filter(Q(status=Recovery.Status.RESPONDED)
                              | Q(status=Recovery.Status.NOTICE_SENT, respond_by__lt=today))
                      .exclude(proposed_by=user).count())
    return PaymentsWork(runs, shortfalls, recoveries)
