"""A gap in care under Option 1: the council arranges the support of one line for a while
(Option 4, with council cover), then the person goes back to their direct payment.

``switch_start`` records a ``TemporarySwitch`` for one Option 1 line of the person's agreed
plan: from its first day the direct payment of that line's funding stream is reduced by
the line's weekly cost, because the council is paying for the cover itself.
``switch_end`` records the switch back: ``ends_on`` is the last day of council cover, and
the full direct payment resumes the day after. Nothing else has to happen for payments
to pause and resume: ``schedules.Inputs`` takes every switch off the days it covers when a
run works a period out, and a switch recorded or ended after a period was paid is settled
in the next payment (``Payment.adjustment``), never paid twice.

The plan itself is not rewritten: the line stays as agreed, the switch says what the
council arranges instead (``cover``) and why, and both switches, with their dates and who
recorded them, are kept in the switch's history and shown on the person's payments page.

Dates
    Council cover usually starts on a day still to come (the PA's last day is known) or
    today. It may start earlier only inside the current period *while that period has not
    been paid*: then nothing has been paid for those days yet, and the run simply pays
    less for them. Once the current period has been paid, a switch from an earlier day
    would turn into taking money back that the person may already have spent on their PA
    for those days, so it is refused; record the switch from today, and if money for
    earlier days should come back, that is a recovery, with its notice and decision.
    A switch that starts from today inside a period already paid in advance is settled
    the same way as any other change: the days of cover are taken off the next payment,
    and the person's payments page says so.

    The switch back may be on any day from the first day of cover: ending it on an
    earlier day than first planned only gives the person more (the next payment makes up
    the difference). A switch that has already ended stays as it is: a new gap in care
    is a new switch.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from selfdirect.audit.models import AccessLog
from selfdirect.audit.services import access_log_record
from selfdirect.core import clock
from selfdirect.core.services import delete_with_history, require_perm, save_with_history
from selfdirect.payments.models import Payment, Schedule, TemporarySwitch
from selfdirect.planning.models import SupportLine, SupportPlan

SWITCH = "payments.switch_cover"
DAY = datetime.timedelta(days=1)
TEXT_LIMIT = 2000


def _text(value: str, field: str, missing: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationError({field: missing})
    if len(text) > TEXT_LIMIT:
        raise ValidationError({field: f"Use {TEXT_LIMIT:,} characters or fewer"})
    return text


def _overlapping(line: SupportLine, starts_on: datetime.date, ends_on: datetime.date | None,
                 *, exclude: int | None = None) -> TemporarySwitch | None:
    """A switch of ``line`` whose days meet ``starts_on`` to ``ends_on`` (None: open)."""
    found = TemporarySwitch.objects.filter(line=line).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on is not None:
        found = found.filter(starts_on__lte=ends_on)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.order_by("starts_on").first()


def _when(switch: TemporarySwitch) -> str:
    if switch.ends_on is None:
        return f"from {switch.starts_on:%-d %B %Y}, not yet ended"
    return f"from {switch.starts_on:%-d %B %Y} to {switch.ends_on:%-d %B %Y}"


def _check_start(schedule: Schedule, starts_on: datetime.date) -> None:
    today = clock.today()
    if starts_on >= today:
        return
    period_start, period_end = schedule.period_containing(today)
    paid = Payment.objects.filter(schedule=schedule, period_start=period_start).exists()
    if paid:
        raise ValidationError({"starts_on": (
            f"The direct payment for the current period ({period_start:%-d %B %Y} to "
            f"{period_end:%-d %B %Y}) has already been paid, so council cover cannot start "
            "before today: start it today or later")})
    if starts_on < period_start:
        raise ValidationError({"starts_on": (
            f"Council cover can start before today only within the current period, which "
            f"has not been paid yet: from {period_start:%-d %B %Y}")})


@transaction.atomic
def switch_start(*, actor: Any, line: SupportLine, starts_on: datetime.date, reason: str,
                 cover: str) -> TemporarySwitch:
    """Switch ``line`` (Option 1, on the person's agreed plan) to council-arranged cover
    from ``starts_on``, until ``switch_end`` records the switch back."""
    line = SupportLine.objects.select_related("plan__person__authority").get(pk=line.pk)
    person = line.plan.person
    require_perm(actor, SWITCH, person)
    if line.plan.status != SupportPlan.Status.AGREED:
        raise ValidationError({"line": "Only a line of the person's agreed plan can be switched"})
    if line.option != "1":
        raise ValidationError({"line": "Only support paid by direct payment (Option 1) can be "
                                       "switched to council-arranged cover"})
    if line.weekly_cost <= 0:
        raise ValidationError({"line": "This support costs nothing a week, so there is no "
                                       "direct payment to pause"})
    schedule = (Schedule.objects.select_for_update()
                .filter(person=person, funding_stream=line.funding_stream).first())
    if schedule is None:
        raise ValidationError({"line": "There is no direct payment for this support yet, so "
                                       "there is nothing to pause"})
    why = _text(reason, "reason", "Say why the council is arranging the support, like "
                                  "“the personal assistant left and no one has been recruited "
                                  "yet”")
    arranged = _text(cover, "cover", "Say what the council arranges instead, like “home care "
                                     "from the council's own team, mornings and evenings”")
    if schedule.ends_on is not None and starts_on > schedule.ends_on:
        raise ValidationError({"starts_on": f"The direct payment ends on "
                                            f"{schedule.ends_on:%-d %B %Y}: there is nothing to "
                                            "pause after then"})
    _check_start(schedule, starts_on)
    clash = _overlapping(line, starts_on, None)
    if clash is not None:
        raise ValidationError({"starts_on": f"This support is already arranged by the council "
                                            f"{_when(clash)}: end that switch first, or start "
                                            "this one after it"})
    switch = TemporarySwitch(line=line, schedule=schedule, weekly_amount=line.weekly_cost,
                             starts_on=starts_on, reason=why, cover=arranged, started_by=actor)
    save_with_history(switch, actor=actor,
                      reason=f"Switched to council cover from {starts_on:%-d %b %Y}: {why}")
    access_log_record(user=actor, person_id=person.pk, outcome=AccessLog.Outcome.CHANGED,
                      path=f"payments:switch:{switch.pk}")
    return switch


@transaction.atomic
def switch_end(*, actor: Any, switch: TemporarySwitch, ends_on: datetime.date,
               note: str) -> TemporarySwitch:
    """Record the switch back to the direct payment: ``ends_on`` is the last day of
    council cover; the full direct payment resumes the day after."""
    switch = (TemporarySwitch.objects.select_for_update()
              .select_related("schedule__person", "line").get(pk=switch.pk))
    person = switch.schedule.person
    require_perm(actor, SWITCH, person)
    how = _text(note, "note", "Say how the gap in care ended, like “a new personal "
                              "assistant starts on Monday”")
    today = clock.today()
    if switch.ends_on is not None and switch.ends_on < today:
        raise ValidationError({"ends_on": f"This switch ended on {switch.ends_on:%-d %B %Y}: a "
                                          "new gap in care is a new switch"})
    if ends_on < switch.starts_on:
        raise ValidationError({"ends_on": f"The last day of council cover must be on or after "
                                          f"its first day, {switch.starts_on:%-d %B %Y}"})
    current_start, _current_end = switch.schedule.period_containing(today)
    if ends_on < today - DAY and ends_on < current_start:
        raise ValidationError({"ends_on": (
            f"Council cover can be recorded as ending before today only within the current "
            f"period, from {current_start:%-d %B %Y}: for earlier days the council has already "
            "arranged and paid for the support, so ask finance to put it right")})
    clash = _overlapping(switch.line, switch.starts_on, ends_on, exclude=switch.pk)
    if clash is not None:
        raise ValidationError({"ends_on": f"Another switch of this support runs {_when(clash)}: "
                                          "end this one before it starts"})
    switch.ends_on, switch.ended_by, switch.ended_at, switch.end_note = (
        ends_on, actor, timezone.now(), how)
    save_with_history(switch, actor=actor,
                      reason=f"Switched back: council cover ends {ends_on:%-d %b %Y}: {how}")
    access_log_record(user=actor, person_id=person.pk, outcome=AccessLog.Outcome.CHANGED,
                      path=f"payments:switch:{switch.pk}")
    return switch


def _matching_line(plan: SupportPlan, old: SupportLine) -> SupportLine | None:
    """The new plan's Option 1 line that carries on the old one: the same support from
    the same funding stream; else, when each plan has exactly one Option 1 line from that
    stream, that line."""
    def option_1(lines: Any) -> list[SupportLine]:
        return [line for line in lines if line.option == "1"
                and line.funding_stream == old.funding_stream and line.weekly_cost > 0]

    candidates = option_1(plan.lines.all())
    same = [line for line in candidates if line.what.strip().casefold()
            == old.what.strip().casefold()]
    if len(same) == 1:
        return same[0]
    if len(candidates) == 1 and len(option_1(old.plan.lines.all())) == 1:
        return candidates[0]
    return None


@transaction.atomic
def switches_follow_plan(*, actor: Any, plan: SupportPlan, on: datetime.date) -> None:
    """When a new plan is agreed, council cover still running on a line of an earlier
    plan moves to the new plan's matching line from ``on`` (the same end date, the new
    line's weekly cost), so the direct payment is not paused twice nor resumed by
    accident; with no matching line the cover ends the day before, and says why.
    Called by ``receivers`` after the schedules have followed the plan."""
    running = (TemporarySwitch.objects.filter(line__plan__person_id=plan.person_id)
               .exclude(line__plan=plan)
               .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
               .select_related("line", "schedule"))
    for switch in running:
        line = _matching_line(plan, switch.line)
        if switch.starts_on >= on:
            # Not started yet: it belongs on the new plan's line, or not at all.
            if line is not None:
                switch.line, switch.weekly_amount = line, line.weekly_cost
                save_with_history(switch, actor=actor,
                                  reason=f"Moved to the line of support plan {plan.pk}")
            else:
                # Never started, and the new plan has no such support: it goes (the
                # history keeps it), so it pauses nothing.
                delete_with_history(switch, actor=actor,
                                    reason=f"Support plan {plan.pk} no longer has this support "
                                           "by direct payment")
            continue
        planned_end = switch.ends_on
        switch.ends_on = on - datetime.timedelta(days=1)
        switch.ended_by, switch.ended_at = actor, timezone.now()
        switch.end_note = (f"Support plan {plan.pk} was agreed: "
                           + ("the council's cover carries on under it" if line is not None
                              else "it no longer has this support by direct payment"))
        save_with_history(switch, actor=actor, reason="Ended with the plan it belonged to")
        if line is not None:
            moved = TemporarySwitch(line=line, schedule=switch.schedule,
                                    weekly_amount=line.weekly_cost, starts_on=on,
                                    ends_on=planned_end, reason=switch.reason, cover=switch.cover,
                                    started_by=actor)
            save_with_history(moved, actor=actor,
                              reason=f"Council cover carried on under support plan {plan.pk}")
