"""Payment runs: prepare, approve, post, and the files for the bank.

- ``run_prepare`` works out every schedule's period starting in the window and writes a
  ``Payment`` for each. The database allows one payment per schedule and period, so a
  second run over the same period cannot pay anyone twice: it finds nothing left to pay.
- ``run_approve``: a second finance officer, never the one who prepared it.
- ``run_post`` writes one ledger entry per payment in batches, each batch committed
  with the payments it marks as posted. Stopped at any point (the process killed), it
  is started again and carries on from the first unposted payment: each payment has at
  most one entry (a one-to-one key), so nobody is paid twice and nobody is missed. When
  every payment is posted it writes the BACS Standard 18 file and the CSV.

Each step runs in a fixed number of queries per batch, whatever the number of people.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from selfdirect.authorities.models import Authority
from selfdirect.core import clock
from selfdirect.core.services import require_perm, save_with_history
from selfdirect.payments import bacs, ledger
from selfdirect.payments.models import (
    BankFile,
    EntryKind,
    OneOffPayment,
    Originator,
    Payment,
    PaymentRun,
)
from selfdirect.payments.schedules import (
    Due,
    adjustment,
    load_inputs,
    payee_accounts_on,
    periods_starting,
    schedules_due,
)

RUN = "payments.run_payments"
BATCH = 1000
LONGEST_WINDOW_DAYS = 92
# Periods that started before the window and were never paid (the plan was agreed after
# the last run, the account was recorded late, a run was cancelled) are paid in arrears
# with the next run, looking back this far; anything older is for finance to look at.
ARREARS_DAYS = 366


def _dues(authority: Authority, start: datetime.date, end: datetime.date) -> list[Due]:
    """Every payment due for periods starting up to ``end`` and not already paid: those
    starting in the window, and any unpaid since ``start - ARREARS_DAYS`` (arrears). A
    fixed number of queries for any number of schedules."""
    since = start - datetime.timedelta(days=ARREARS_DAYS)
    schedules = list(schedules_due(authority.pk, since, end))
    wanted = {(s.pk, first): (s, first, last)
              for s in schedules for first, last in periods_starting(s, since, end)}
    if not wanted:
        return []
    ids = list({key[0] for key in wanted})
    done: dict[int, list[tuple[datetime.date, datetime.date, int, int]]] = defaultdict(list)
    for schedule_id, first, last, amount, extra in (
            Payment.objects.filter(schedule_id__in=ids)
            .values_list("schedule_id", "period_start", "period_end", "amount", "one_offs")):
        done[schedule_id].append((first, last, amount, extra))
        wanted.pop((schedule_id, first), None)
    one_offs: dict[int, list[OneOffPayment]] = defaultdict(list)
    for item in OneOffPayment.objects.filter(schedule_id__in=ids,
                                             paid_in__isnull=True).order_by("due_on", "pk"):
        one_offs[item.schedule_id].append(item)
    inputs = load_inputs(schedules)
    dues = []
    for schedule, first, last in sorted(wanted.values(), key=lambda w: (w[0].pk, w[1])):
        data = inputs[schedule.pk]
        earlier = [d for d in done[schedule.pk] if d[0] < first]
        # A one-off goes with the period it falls due in (or the first one after it).
        waiting = one_offs.get(schedule.pk, [])
        items = [i for i in waiting if i.due_on <= last]
        one_offs[schedule.pk] = [i for i in waiting if i.due_on > last]
        due = Due(schedule=schedule, period_start=first, period_end=last,
                  amounts=data.period(first, last), adjustment=adjustment(data, earlier),
                  one_offs=sum(i.amount for i in items), one_off_ids=tuple(i.pk for i in items))
        dues.append(due)
        done[schedule.pk].append((first, last, due.amount, due.one_offs))
    return dues


def _check_window(start: datetime.date, end: datetime.date, pay_on: datetime.date) -> None:
    if end < start:
        raise ValidationError({"period_end": "The end of the window must be on or after its start"})
    if (end - start).days >= LONGEST_WINDOW_DAYS:
        raise ValidationError({"period_end": f"A run covers at most {LONGEST_WINDOW_DAYS} days"})
    today = clock.today()
    if pay_on < today:
        raise ValidationError({"pay_on": "The pay date has passed: choose today or a later day"})
    if pay_on > today + datetime.timedelta(days=bacs.PROCESSING_WINDOW_DAYS):
        raise ValidationError({"pay_on": f"The bank takes a file at most "
                                         f"{bacs.PROCESSING_WINDOW_DAYS} days before the pay "
                                         "date: choose a nearer day"})
    if pay_on > start:
        raise ValidationError({"pay_on": "Direct payments are paid in advance: the pay date "
                                         "must be on or before the first day of the window"})


def run_prepare(*, actor: Any, authority: Authority, period_start: datetime.date,
                period_end: datetime.date, pay_on: datetime.date) -> PaymentRun:
    """Prepare a run: a ``Payment`` for each schedule and period due in the window.
    Schedules with no account to pay into are listed on the run, not paid."""
    require_perm(actor, RUN, authority)
    _check_window(period_start, period_end, pay_on)
    with transaction.atomic():
        # One prepare at a time for an authority: two at once could both take the same
        # one-off sum or work an adjustment from payments the other is writing.
        Authority.objects.select_for_update().get(pk=authority.pk)
        run = PaymentRun(authority=authority, period_start=period_start,
                         period_end=period_end, pay_on=pay_on, prepared_by=actor)
        dues = _dues(authority, period_start, period_end)
        payees = payee_accounts_on({d.schedule.person_id for d in dues}, pay_on)
        run.problems = [
            {"schedule": d.schedule.pk, "person": d.schedule.person_id,
             "problem": "No account to pay into: record the person's direct-payment account"}
            for d in dues if d.schedule.person_id not in payees]
        save_with_history(run, actor=actor, reason="Run prepared")
        payable = [d for d in dues if d.schedule.person_id in payees]
        try:
            with transaction.atomic():
                payments = Payment.objects.bulk_create([
                    Payment(run=run, schedule=d.schedule, period_start=d.period_start,
                            period_end=d.period_end, gross=d.amounts.gross,
                            contribution=d.amounts.contribution, paused=d.amounts.paused,
                            adjustment=d.adjustment, one_offs=d.one_offs, amount=d.amount,
                            carried=d.carried, payee=payees[d.schedule.person_id])
                    for d in payable], batch_size=BATCH)
        except IntegrityError as exc:
            raise ValidationError({"period_start": "Another run is paying some of these "
                                                   "periods at the same time: try again"}) from exc
        items = {i: p.pk for d, p in zip(payable, payments, strict=True) for i in d.one_off_ids}
        changed = list(OneOffPayment.objects.filter(pk__in=list(items)))
        for item in changed:
            item.paid_in_id = items[item.pk]
        OneOffPayment.objects.bulk_update(changed, ["paid_in"], batch_size=BATCH)
    return run


def run_approve(*, actor: Any, run: PaymentRun) -> PaymentRun:
    require_perm(actor, RUN, run.authority)
    with transaction.atomic():
        run = PaymentRun.objects.select_for_update().get(pk=run.pk)
        if run.status != PaymentRun.Status.PREPARED:
            raise ValidationError({"status": f"This run is {run.get_status_display().lower()}: "
                                             "only a prepared run can be approved"})
        if run.prepared_by_id == actor.pk:
            raise ValidationError({"status": "A run is approved by a second finance officer, "
                                             "not the one who prepared it"})
        run.status, run.approved_by, run.approved_at = (PaymentRun.Status.APPROVED, actor,
                                                        timezone.now())
        save_with_history(run, actor=actor, reason="Run approved")
    return run


def run_cancel(*, actor: Any, run: PaymentRun, reason: str) -> PaymentRun:
    """Cancel a run nobody has started paying: its payments are removed, so the periods
    can go into another run."""
    require_perm(actor, RUN, run.authority)
    if not reason.strip():
        raise ValidationError({"cancel_reason": "Say why the run is cancelled"})
    with transaction.atomic():
        run = PaymentRun.objects.select_for_update().get(pk=run.pk)
        if run.status not in (PaymentRun.Status.PREPARED, PaymentRun.Status.APPROVED):
            raise ValidationError({"status": "A run that has started paying cannot be cancelled: "
                                             "correct a payment with a reversing entry"})
        OneOffPayment.objects.filter(paid_in__run=run).update(paid_in=None)
        run.payments.all().delete()
        run.status, run.cancelled_by, run.cancel_reason = (PaymentRun.Status.CANCELLED, actor,
                                                           reason.strip()[:300])
        save_with_history(run, actor=actor, reason="Run cancelled")
    return run


def _posting(payment: Payment, person_id: int, run: PaymentRun) -> ledger.Posting:
    schedule = payment.schedule
    authority_id = run.authority_id
    return ledger.Posting(
        authority_id=authority_id, kind=EntryKind.DIRECT_PAYMENT, effective_on=run.pay_on,
        description=(f"Direct payment for {payment.period_start:%-d %b %Y} to "
                     f"{payment.period_end:%-d %b %Y}"),
        lines=ledger.movement(authority_id=authority_id, person_id=person_id,
                              funding_stream=schedule.funding_stream, amount=payment.amount,
                              to=ledger.direct_payment_key(authority_id, person_id)),
        links={"payment": payment})


def run_post_begin(*, actor: Any, run: PaymentRun) -> PaymentRun:
    """Check that ``run`` may be paid and mark it as being paid (``posting``): the checks
    ``run_post`` makes before a penny is posted, so that a page can refuse at once what
    the background job would refuse (``payments.jobs.run_pay_with_job``)."""
    require_perm(actor, RUN, run.authority)
    if not Originator.objects.filter(authority_id=run.authority_id).exists():
        raise ValidationError({"status": "Record the authority's bank details and BACS "
                                         "service user number before paying a run"})
    with transaction.atomic():
        locked = PaymentRun.objects.select_for_update().get(pk=run.pk)
        if locked.status not in (PaymentRun.Status.APPROVED, PaymentRun.Status.POSTING,
                                 PaymentRun.Status.POSTED):
            raise ValidationError({"status": "Only an approved run can be paid"})
        if locked.status == PaymentRun.Status.APPROVED and locked.pay_on < clock.today():
            raise ValidationError({"pay_on": "The pay date has passed, so the bank cannot take "
                                             "this run: cancel it and prepare it again"})
        if locked.status == PaymentRun.Status.APPROVED:
            # Everything the bank will be sent is checked before a penny is posted.
            _bank_texts(locked)
            locked.status = PaymentRun.Status.POSTING
            save_with_history(locked, actor=actor, reason="Payment started")
    return locked


def run_post(*, actor: Any, run: PaymentRun, batch: int = BATCH,
             progress: Callable[[int, int], None] | None = None) -> PaymentRun:
    """Pay an approved run (or carry on with one that was stopped part-way), then write
    its bank files. Each batch of payments is posted and marked in one transaction."""
    run = run_post_begin(actor=actor, run=run)
    total = run.payments.count()
    while True:
        with transaction.atomic():
            chunk = list(run.payments.select_for_update()
                         .filter(posted_at__isnull=True).select_related("schedule")
                         .order_by("pk")[:batch])
            if not chunk:
                break
            ledger.post([_posting(p, p.schedule.person_id, run) for p in chunk if p.amount > 0],
                        actor=actor)
            Payment.objects.filter(pk__in=[p.pk for p in chunk],
                                   posted_at__isnull=True).update(posted_at=timezone.now())
        if progress is not None:
            progress(total - run.payments.filter(posted_at__isnull=True).count(), total)
    bank_files_write(actor=actor, run=run)
    if run.status != PaymentRun.Status.POSTED:
        run.status, run.posted_at = PaymentRun.Status.POSTED, timezone.now()
        save_with_history(run, actor=actor, reason="Run paid")
    return run


def _credits(run: PaymentRun) -> list[bacs.Credit]:
    return [bacs.Credit(sort_code=p.payee.sort_code, account_number=p.payee.account_number,
                        account_name=p.payee.account_name, amount_pence=p.amount,
                        reference=f"DP{p.schedule.person_id} {p.period_start:%d%m%y}")
            for p in run.payments.filter(amount__gt=0).select_related("payee", "schedule")
            .order_by("pk")]


def _bank_texts(run: PaymentRun) -> dict[str, str]:
    """The run's Standard 18 file and CSV as text (none when it pays nobody). A payee's
    details the bank would refuse are a ``ValidationError`` naming the payee."""
    credits = _credits(run)
    if not credits:
        return {}
    origin = Originator.objects.filter(authority_id=run.authority_id).first()
    if origin is None:
        raise ValidationError({"status": "Record the authority's bank details and BACS "
                                         "service user number before paying a run"})
    try:
        return {
            BankFile.Format.STANDARD_18: bacs.standard18(
                originator=bacs.Originator(
                    service_user_number=origin.service_user_number, name=origin.name,
                    sort_code=origin.sort_code, account_number=origin.account_number,
                    account_name=origin.account_name),
                credits=credits, processing_date=run.pay_on, file_number=run.pk % 999 + 1,
                created_on=clock.today()),
            BankFile.Format.CSV: bacs.payments_csv(credits=credits, processing_date=run.pay_on),
        }
    except ValueError as exc:
        raise ValidationError({"status": f"The bank would refuse this run: {exc}. Put it "
                                         "right, then pay the run"}) from exc


def bank_files_write(*, actor: Any, run: PaymentRun) -> list[BankFile]:
    """The run's BACS Standard 18 file and CSV, written once (the same files are kept if
    asked again). A run that pays nobody (every period nil) has no files."""
    existing = {f.format: f for f in run.bank_files.all()}
    if len(existing) == len(BankFile.Format.values):
        return list(existing.values())
    texts = _bank_texts(run)
    total = sum(c.amount_pence for c in _credits(run)) if texts else 0
    count = run.payments.filter(amount__gt=0).count()
    for fmt, text in texts.items():
        if fmt not in existing:
            existing[fmt] = BankFile.objects.create(
                run=run, format=fmt, content=text, payments=count, total=total,
                sha256=hashlib.sha256(text.encode()).hexdigest(), written_by=actor)
    return list(existing.values())


def run_summary(run: PaymentRun) -> dict[str, int]:
    """Counts and totals for the run's page: one query."""
    row = run.payments.aggregate(
        payments=Count("pk"), total=Sum("amount"), posted=Count("posted_at"),
        gross=Sum("gross"), contribution=Sum("contribution"), paused=Sum("paused"),
        adjustment=Sum("adjustment"), one_offs=Sum("one_offs"))
    return {key: int(value or 0) for key, value in row.items()}
