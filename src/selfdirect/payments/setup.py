"""Setting a direct payment up before anything is paid: lining its first period up with
the authority's payment cycle.

A schedule starts on the day its plan is agreed, but an authority usually pays everyone
on the same cycle (every four weeks from a fixed Monday, say). ``schedule_start_set``
moves the first period's start, and the first weekly rate with it, so the schedule's
periods fall on that cycle. Only before any run has included the schedule: once a
period has been paid, the periods are fixed, because every later payment and every
adjustment is worked out from them.

- The new start is today or later. A run pays only periods starting on or after its pay
  date, and a pay date is never in the past, so a period starting before today could
  never be paid.
- The new start is no more than one period after the present one: further is not lining
  up with a cycle but delaying the direct payment.
- Moving the start later leaves the days between the old and the new start unpaid. With
  ``pay_days_before`` those days are worked out exactly as a period would be (gross, less
  any council cover and the contribution) and added as a one-off sum paid with the first
  payment, so the person is not left without money for them.

Nothing is deleted: the first rate is marked replaced and a new rate from the new start
says why, and the schedule's history records the old start.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from selfdirect.audit.models import AccessLog
from selfdirect.audit.services import access_log_record
from selfdirect.core import clock
from selfdirect.core.money import format_pounds
from selfdirect.core.services import delete_with_history, require_perm, save_with_history
from selfdirect.payments.models import OneOffPayment, Payment, Schedule, ScheduleRate
from selfdirect.payments.schedules import DAY, load_inputs

MANAGE = "payments.manage_direct_payments"


DAYS_BEFORE = "The days from "


@transaction.atomic
def schedule_start_set(*, actor: Any, schedule: Schedule, starts_on: datetime.date,
                       reason: str, pay_days_before: bool = False) -> Schedule:
    """Move the start of ``schedule``'s first period to ``starts_on`` (and its first
    rate with it), before anything has been paid. Returns the schedule as saved."""
    require_perm(actor, MANAGE, schedule.person)
    schedule = Schedule.objects.select_for_update().select_related("person").get(pk=schedule.pk)
    why = " ".join(reason.split())
    if not why:
        raise ValidationError({"reason": "Say why the start is moving, like “to line up "
                                         "with the council's four-weekly payment cycle”"})
    if Payment.objects.filter(schedule=schedule).exists():
        raise ValidationError({"starts_on": "A run has already included this direct payment, so "
                                            "its periods are fixed: the start cannot move now"})
    today = clock.today()
    old = schedule.starts_on
    if starts_on == old:
        raise ValidationError({"starts_on": f"The first period already starts on "
                                            f"{old:%-d %B %Y}"})
    if starts_on < today:
        raise ValidationError({"starts_on": "The first period must start today or later: a "
                                            "period starting in the past can never be paid"})
    latest = old + datetime.timedelta(days=schedule.period_days)
    if starts_on > latest:
        raise ValidationError({"starts_on": f"The first period can move at most one period "
                                            f"({schedule.frequency_weeks} weeks) later, to "
                                            f"{latest:%-d %B %Y}"})
    if schedule.ends_on is not None and starts_on > schedule.ends_on:
        raise ValidationError({"starts_on": f"The direct payment ends on "
                                            f"{schedule.ends_on:%-d %B %Y}: the first period "
                                            "must start before then"})
    rates = list(schedule.rates.filter(superseded=False).order_by("effective_from", "pk"))
    first = rates[0] if rates else None
    if len(rates) > 1 and starts_on >= rates[1].effective_from:
        raise ValidationError({"starts_on": f"The weekly amount changes on "
                                            f"{rates[1].effective_from:%-d %B %Y}: the first "
                                            "period must start before that change"})
    # A sum for the days before the first period, from an earlier move, no longer applies:
    # the periods are being set again (nothing has been paid yet).
    for earlier in OneOffPayment.objects.filter(schedule=schedule, paid_in__isnull=True,
                                                description__startswith=DAYS_BEFORE):
        delete_with_history(earlier, actor=actor, reason="The first period moved again")
    one_off = 0
    if pay_days_before and starts_on > old:
        inputs = load_inputs([schedule])[schedule.pk]
        one_off = inputs.period(old, starts_on - DAY).net
    schedule.starts_on = starts_on
    save_with_history(schedule, actor=actor,
                      reason=f"First period moved from {old:%-d %b %Y}: {why}")
    if first is not None:
        first.superseded = True
        save_with_history(first, actor=actor,
                          reason=f"Moved to {starts_on:%-d %b %Y} with the first period")
        moved = ScheduleRate(schedule=schedule, effective_from=starts_on,
                             weekly_gross=first.weekly_gross, plan=first.plan,
                             reason=f"{first.reason} (first period moved from "
                                    f"{old:%-d %b %Y}: {why})"[:200],
                             recorded_by=actor)
        save_with_history(moved, actor=actor, reason=f"First period moved: {why}")
    if one_off > 0:
        last = starts_on - DAY
        item = OneOffPayment(
            schedule=schedule, amount=one_off, due_on=old,
            description=(f"{DAYS_BEFORE}{old:%-d %b %Y} to {last:%-d %b %Y}, before the "
                         f"first full period")[:200],
            recorded_by=actor)
        save_with_history(item, actor=actor,
                          reason=f"Days before the first period: {format_pounds(one_off)}")
    access_log_record(user=actor, person_id=schedule.person_id,
                      outcome=AccessLog.Outcome.CHANGED, path=f"payments:schedule:{schedule.pk}")
    return schedule
