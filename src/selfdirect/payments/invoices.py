"""A provider's invoice: received by a finance officer, checked line by line against the
hours the provider recorded as delivered and the rate the plan agreed, queried with the
provider, approved (with a recorded reason when the check found problems) and paid
through the ledger in one balanced entry.

The check compares, for each support line on the invoice, the hours charged with the
hours recorded as delivered for the weeks that begin inside the invoice's period, and the
hourly rate charged with the line's agreed rate (its weekly cost over its weekly hours,
whole pence half up). Each problem is written in words the finance officer can send on.

Paying posts one ``provider_payment`` entry naming the invoice (so it can be paid only
once): for each person and funding stream on it, the person's budget is charged and the
stream drawn, and the money moves from the authority's bank to the provider's account.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from selfdirect.authorities.models import Authority
from selfdirect.core import clock
from selfdirect.core.money import format_pounds
from selfdirect.core.services import require_perm, save_with_history
from selfdirect.payments import ledger
from selfdirect.payments.hours import hourly_rate, hours_text, line_reference, monday_of
from selfdirect.payments.models import DeliveredHours, Entry, EntryKind, Invoice, InvoiceLine
from selfdirect.planning.models import Referral, SupportLine
from selfdirect.providers.models import Provider

MANAGE = "payments.manage_invoices"
MOST_HOURS = Decimal("99999.99")


def _line_amount(hours: Decimal, rate: int) -> int:
    return int((hours * Decimal(rate)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _hours(value: Any) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Hours must not be a float: pass a str or Decimal")
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(str(value)) from exc
    if not hours.is_finite():
        raise ValueError(str(value))
    return hours


@transaction.atomic
def invoice_receive(*, actor: Any, provider: Provider, authority: Authority, reference: str,
                    period: tuple[datetime.date, datetime.date],
                    lines: Sequence[tuple[SupportLine, Decimal | str, int]]) -> Invoice:
    """Enter an invoice from ``provider``: its reference, the period it covers and a line
    for each support line charged (the line, the hours, the hourly rate in pence). It is
    checked at once (``invoice_check``). Raises ValidationError naming each field."""
    require_perm(actor, MANAGE, authority)
    errors: dict[str, str] = {}
    reference = " ".join((reference or "").split())
    start, end = period
    if not reference:
        errors["reference"] = "Enter the provider's invoice number"
    elif len(reference) > 50:
        errors["reference"] = "The invoice number must be 50 characters or fewer"
    elif Invoice.objects.filter(provider=provider, authority=authority,
                                reference__iexact=reference).exists():
        errors["reference"] = (f"Invoice {reference} from {provider.name} has already been "
                               "entered")
    if end < start:
        errors["period_end"] = "The end of the period must be on or after its start"
    parsed: list[tuple[SupportLine, Decimal, int]] = []
    seen: set[int] = set()
    for line, hours, rate in lines:
        name = f"{line.what} ({line_reference(line)})"
        try:
            value = _hours(hours)
        except ValueError:
            errors["lines"] = f"{name}: enter the hours charged as a number, like 35 or 7.5"
            continue
        if value <= 0 or value > MOST_HOURS or value != value.quantize(Decimal("0.01")):
            errors["lines"] = (f"{name}: enter the hours charged as a number above 0, to no "
                               "more than 2 decimal places")
        elif not isinstance(rate, int) or isinstance(rate, bool) or rate <= 0:
            errors["lines"] = f"{name}: enter the hourly rate in pounds and pence, like 22.50"
        elif line.plan.person.authority_id != authority.pk:
            errors["lines"] = f"{name} is not support arranged by {authority.name}"
        elif line.pk in seen:
            errors["lines"] = f"{name} is on the invoice twice: enter it once"
        seen.add(line.pk)
        parsed.append((line, value, rate))
    if not lines:
        errors["lines"] = "Enter the hours and rate for at least one line of support"
    if errors:
        raise ValidationError(errors)
    invoice = Invoice(provider=provider, authority=authority, reference=reference,
                      period_start=start, period_end=end, received_by=actor)
    save_with_history(invoice, actor=actor, reason=f"Invoice {reference} received")
    InvoiceLine.objects.bulk_create([
        InvoiceLine(invoice=invoice, line=line, hours=hours, hourly_rate=rate,
                    amount=_line_amount(hours, rate)) for line, hours, rate in parsed])
    invoice_check(invoice)
    return invoice


def _period_words(invoice: Invoice) -> str:
    return f"{invoice.period_start:%-d %B} to {invoice.period_end:%-d %B %Y}"


def invoice_check(invoice: Invoice) -> dict[int, list[str]]:
    """Check each line of the invoice and keep what was found on it: the hours recorded
    as delivered by this provider for the weeks beginning in the period, less hours its
    other invoices for overlapping periods already charge, the agreed rate, and the
    problems in words. Returns invoice line id -> problems. Five queries."""
    first_monday = monday_of(invoice.period_start)
    if first_monday < invoice.period_start:
        first_monday += datetime.timedelta(days=7)
    rows = list(invoice.lines.select_related("line__plan__person"))
    line_ids = [r.line_id for r in rows]
    delivered = dict(DeliveredHours.objects.filter(
        line_id__in=line_ids, provider_id=invoice.provider_id, week_start__gte=first_monday,
        week_start__lte=invoice.period_end).values("line_id").annotate(
        total=Sum("hours")).values_list("line_id", "total"))
    # The same hours are paid once: what other invoices for overlapping periods charge.
    elsewhere: dict[int, tuple[Decimal, str]] = {}
    for line_id, hours, reference in (
            InvoiceLine.objects.filter(line_id__in=line_ids,
                                       invoice__period_start__lte=invoice.period_end,
                                       invoice__period_end__gte=invoice.period_start)
            .exclude(invoice=invoice).values_list("line_id", "hours", "invoice__reference")):
        total, references = elsewhere.get(line_id, (Decimal(0), ""))
        elsewhere[line_id] = (total + hours,
                              f"{references}, {reference}" if references else reference)
    referred = set(Referral.objects.filter(
        line_id__in=line_ids, provider_id=invoice.provider_id,
        status=Referral.Status.ACCEPTED).values_list("line_id", flat=True))
    found: dict[int, list[str]] = {}
    for row in rows:
        problems = []
        line = row.line
        name = f"{line.what} for {line.plan.person.display_name}"
        row.delivered_hours = Decimal(delivered.get(row.line_id) or 0)
        agreed = hourly_rate(line)
        row.agreed_rate = agreed or 0
        if row.line_id not in referred:
            problems.append(f"{name} was not referred to {invoice.provider.name}, or they did "
                            "not accept it")
        already, references = elsewhere.get(row.line_id, (Decimal(0), ""))
        if already and row.hours + already > row.delivered_hours:
            problems.append(
                f"{name}: {hours_text(already)} of the hours delivered in this period are "
                f"already charged on invoice {references}, so "
                f"{hours_text(max(Decimal(0), row.delivered_hours - already))} hours are left "
                "to charge")
        elif row.hours > row.delivered_hours:
            problems.append(
                f"{name}: {hours_text(row.hours)} hours are charged, but "
                f"{hours_text(row.delivered_hours)} hours were recorded as delivered in the "
                f"weeks beginning {_period_words(invoice)}")
        if agreed is None:
            problems.append(f"{name}: the plan does not count this support in hours, so "
                            "there is no agreed hourly rate to check the charge against")
        elif row.hourly_rate != agreed:
            problems.append(f"{name}: charged at {format_pounds(row.hourly_rate)} an hour; the "
                            f"agreed rate is {format_pounds(agreed)} an hour")
        row.problems = problems
        found[row.pk] = problems
    InvoiceLine.objects.bulk_update(rows, ["delivered_hours", "agreed_rate", "problems"])
    return found


def invoice_problems(invoice: Invoice) -> list[str]:
    """Every problem the last check found, in order (one query)."""
    return [p for row in invoice.lines.order_by("pk") for p in row.problems]


def invoice_total(invoice: Invoice) -> int:
    return int(invoice.lines.aggregate(total=Sum("amount"))["total"] or 0)


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().select_related("provider").get(pk=invoice.pk)


@transaction.atomic
def invoice_query(*, actor: Any, invoice: Invoice, query: str) -> Invoice:
    """Query the invoice with the provider: what is wrong, in words they can act on."""
    invoice = _locked(invoice)
    require_perm(actor, MANAGE, invoice.authority)
    query = (query or "").strip()
    if invoice.status in (Invoice.Status.APPROVED, Invoice.Status.PAID):
        raise ValidationError({"query": f"This invoice is {invoice.get_status_display().lower()}: "
                                        "it can no longer be queried"})
    if not query:
        raise ValidationError({"query": "Say what is queried, so the provider can answer it"})
    if len(query) > 2000:
        raise ValidationError({"query": "The query must be 2,000 characters or fewer"})
    invoice.status, invoice.query = Invoice.Status.QUERIED, query
    save_with_history(invoice, actor=actor, reason="Invoice queried with the provider")
    return invoice


@transaction.atomic
def invoice_approve(*, actor: Any, invoice: Invoice, reason: str = "") -> Invoice:
    """Approve the invoice for payment. It is checked again first; when the check finds
    problems it is approved only with a recorded reason (``approval_reason``), and by a
    finance officer other than the one who entered it."""
    invoice = _locked(invoice)
    require_perm(actor, MANAGE, invoice.authority)
    if invoice.status not in (Invoice.Status.RECEIVED, Invoice.Status.QUERIED):
        raise ValidationError({"status": f"This invoice is already "
                                         f"{invoice.get_status_display().lower()}"})
    invoice_check(invoice)
    problems = invoice_problems(invoice)
    reason = (reason or "").strip()
    if problems and not reason:
        raise ValidationError({"reason": "The check found problems: say why the invoice "
                                         "should be paid as it is, or query it"})
    if problems and invoice.received_by_id == actor.pk:
        raise ValidationError({"reason": "The check found problems, so another finance "
                                         "officer, not the one who entered it, approves it"})
    if len(reason) > 2000:
        raise ValidationError({"reason": "The reason must be 2,000 characters or fewer"})
    if problems:
        invoice.approval_reason = reason
    invoice.status = Invoice.Status.APPROVED
    invoice.approved_by, invoice.approved_at = actor, timezone.now()
    save_with_history(invoice, actor=actor,
                      reason=f"Invoice approved: {reason}" if reason else "Invoice approved")
    return invoice


@transaction.atomic
def invoice_pay(*, actor: Any, invoice: Invoice, on: datetime.date | None = None) -> Entry:
    """Pay an approved invoice: one ledger entry (kind ``provider_payment``, naming the
    invoice, so it is never paid twice) with, for each person and funding stream on it,
    the budget charged, the stream drawn, and the money moved from the bank to the
    provider."""
    invoice = _locked(invoice)
    require_perm(actor, MANAGE, invoice.authority)
    if invoice.status != Invoice.Status.APPROVED:
        raise ValidationError({"status": "Only an approved invoice is paid"
                               if invoice.status != Invoice.Status.PAID
                               else "This invoice has already been paid"})
    by_person: dict[tuple[int, str], int] = defaultdict(int)
    for row in invoice.lines.select_related("line__plan"):
        by_person[(row.line.plan.person_id, row.line.funding_stream)] += row.amount
    to = ledger.provider_key(invoice.authority_id, invoice.provider_id)
    lines: list[tuple[ledger.AccountKey, int]] = []
    for (person_id, stream), amount in sorted(by_person.items()):
        if amount:
            lines.extend(ledger.movement(authority_id=invoice.authority_id, person_id=person_id,
                                         funding_stream=stream, amount=amount, to=to))
    if not lines:
        raise ValidationError({"status": "There is nothing to pay on this invoice"})
    (entry,) = ledger.post([ledger.Posting(
        authority_id=invoice.authority_id, kind=EntryKind.PROVIDER_PAYMENT,
        effective_on=on or clock.today(),
        description=f"Invoice {invoice.reference} from {invoice.provider.name}",
        lines=lines, links={"invoice": invoice})], actor=actor)
    invoice.status = Invoice.Status.PAID
    save_with_history(invoice, actor=actor, reason="Invoice paid")
    return entry


def invoices_for(authority: Authority) -> QuerySet[Invoice]:
    """An authority's invoices, the latest period first, with their totals (one query)."""
    return (Invoice.objects.filter(authority=authority).select_related("provider")
            .annotate(total=Sum("lines__amount")).order_by("-period_start", "-pk"))
