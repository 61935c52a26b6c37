"""Money that follows the plan: a double-entry ledger, direct-payment schedules and runs,
provider hours and invoices, light-touch monitoring, surplus recovery and temporary
switches.

The ledger
    Every movement of money is an ``Entry`` whose ``Line`` amounts (signed whole pence:
    a debit is positive, a credit negative) add up to nothing. Entries and lines are never
    changed or deleted: a correction is a reversing entry (``reversal_of``). ``ledger``
    writes them and checks the balance before anything is saved; ``ledger_problems``
    checks every entry in one query, and the test suite runs it after every test.

    Accounts, one per thing money is counted against, created when first used:

    - ``budget`` (a person): what has been spent from their individual budget;
    - ``direct_payment`` (a person): money paid into their direct-payment account and not
      yet accounted for (recoveries come back out of it);
    - ``provider`` (a provider, per authority): what the authority has paid it;
    - ``stream`` (a funding stream, per authority): what has been drawn from it;
    - ``bank`` (the authority): money out of (credit) and back into (debit) its bank.

    A direct payment of £100 from the council stream is one entry of four lines: the
    budget is charged and the stream drawn (Dr budget 100, Cr stream 100), and the money
    moves (Dr direct_payment 100, Cr bank 100).

Direct-payment schedules
    A ``Schedule`` pays one person's direct payment from one funding stream, in periods
    of ``frequency_weeks`` (policy ``payments.direct_payment_frequency_weeks``, four by
    default) from ``starts_on``, in advance. Its weekly gross is ``ScheduleRate`` rows
    with effective dates, written from the Option 1 lines of each agreed plan; the
    person's contribution (``charging.Contribution``, council stream only) and any
    temporary switch (``TemporarySwitch``) are taken off when a period is worked out, so
    a change to either changes future payments from its own date without touching the
    schedule. ``OneOffPayment`` adds a sum such as a start-up payment.

Payment runs
    A ``PaymentRun`` pays every schedule whose period starts inside its window. Preparing
    it writes one ``Payment`` per schedule and period: a second run over the same period
    cannot pay that schedule again (unique constraint). A second finance officer approves;
    posting writes one ledger entry per payment in committed batches, so a run stopped
    half-way and started again pays everyone exactly once. ``BankFile`` keeps the file
    sent to the bank.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from selfdirect.allocation.models import FundingStream
from selfdirect.authorities.models import Authority
from selfdirect.core.money import MoneyField
from selfdirect.people.models import Person


class Immutable(Exception):
    """Raised on any attempt to change or delete a posted ledger row."""


class LedgerQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise Immutable("Ledger rows are never changed: post a reversing entry")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise Immutable("Ledger rows are never deleted: post a reversing entry")


class AccountKind(models.TextChoices):
    BUDGET = "budget", "Individual budget"
    DIRECT_PAYMENT = "direct_payment", "Direct-payment account"
    PROVIDER = "provider", "Provider"
    STREAM = "stream", "Funding stream"
    BANK = "bank", "Authority's bank"


class Account(models.Model):
    """Something money is counted against. Exactly the fields its kind needs are set
    (checked by the database)."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    funding_stream = models.CharField(max_length=20, choices=FundingStream.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["authority", "kind", "person"],
                                    condition=Q(person__isnull=False),
                                    name="account_once_per_person"),
            models.UniqueConstraint(fields=["authority", "kind", "provider"],
                                    condition=Q(provider__isnull=False),
                                    name="account_once_per_provider"),
            models.UniqueConstraint(fields=["authority", "kind", "funding_stream"],
                                    condition=Q(person__isnull=True, provider__isnull=True),
                                    name="account_once_per_stream_or_bank"),
            models.CheckConstraint(
                name="account_fields_fit_kind",
                condition=(
                    Q(kind__in=["budget", "direct_payment"], person__isnull=False,
                      provider__isnull=True, funding_stream="")
                    | Q(kind="provider", person__isnull=True, provider__isnull=False,
                        funding_stream="")
                    | (Q(kind="stream", person__isnull=True, provider__isnull=True)
                       & ~Q(funding_stream=""))
                    | Q(kind="bank", person__isnull=True, provider__isnull=True,
                        funding_stream=""))),
        ]

    def __str__(self) -> str:
        whose = self.person or self.provider or self.get_funding_stream_display() or ""
        return f"{self.get_kind_display()}: {whose}".rstrip(": ")


class EntryKind(models.TextChoices):
    DIRECT_PAYMENT = "direct_payment", "Direct payment"
    PROVIDER_PAYMENT = "provider_payment", "Payment to a provider"
    RECOVERY = "recovery", "Recovery of unspent direct payment"
    REVERSAL = "reversal", "Correction (reverses an entry)"


class Entry(models.Model):
    """One movement of money: its lines add up to nothing. Never changed; a mistake is
    put right by a reversing entry. A direct payment names its ``Payment``, a provider
    payment its ``Invoice``, and a recovery its ``Recovery`` whose decision allowed it."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    effective_on = models.DateField("date of the movement")
    description = models.CharField(max_length=300)
    payment = models.OneToOneField("Payment", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="entry")
    invoice = models.OneToOneField("Invoice", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="entry")
    recovery = models.OneToOneField("Recovery", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="entry")
    reversal_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="reversed_by")
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    posted_at = models.DateTimeField(auto_now_add=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["effective_on", "pk"]
        indexes = [models.Index(fields=["authority", "effective_on"])]
        constraints = [
            models.CheckConstraint(name="entry_says_why",
                                   condition=Q(kind="direct_payment", payment__isnull=False)
                                   | Q(kind="provider_payment", invoice__isnull=False)
                                   | Q(kind="recovery", recovery__isnull=False)
                                   | Q(kind="reversal", reversal_of__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.effective_on}: {self.description}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise Immutable("Ledger entries are never changed: post a reversing entry")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise Immutable("Ledger entries are never deleted: post a reversing entry")


class Line(models.Model):
    """One side of an entry: a debit (positive pence) or a credit (negative)."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    amount = MoneyField(help_text="Whole pence: a debit is positive, a credit negative.")

    objects = LedgerQuerySet.as_manager()

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(amount=0),
                                              name="ledger_line_not_zero")]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise Immutable("Ledger lines are never changed: post a reversing entry")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise Immutable("Ledger lines are never deleted: post a reversing entry")


# --- Direct payments ------------------------------------------------------------------------


class PayeeAccount(models.Model):
    """Where a person's direct payment goes: a dedicated bank account or a prepaid card
    account. A change of account is a new row from a date; the old row is kept."""

    class Method(models.TextChoices):
        BANK = "bank", "A bank account kept only for the direct payment"
        PREPAID_CARD = "card", "A prepaid card account"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="payee_accounts")
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.BANK)
    account_name = models.CharField("name on the account", max_length=100)
    sort_code = models.CharField(max_length=8)
    account_number = models.CharField(max_length=8)
    effective_from = models.DateField("used from")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "-effective_from", "-pk"]

    def __str__(self) -> str:
        return f"{self.account_name} ({self.sort_code} ****{self.account_number[-4:]})"


class Schedule(models.Model):
    """One person's direct payment from one funding stream, paid in advance every
    ``frequency_weeks`` from ``starts_on`` until ``ends_on`` (if set)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="payment_schedules")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    funding_stream = models.CharField(max_length=20, choices=FundingStream.choices,
                                      default=FundingStream.COUNCIL)
    frequency_weeks = models.PositiveSmallIntegerField(default=4)
    starts_on = models.DateField("first period starts")
    ends_on = models.DateField("last day paid for", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "funding_stream"]
        indexes = [models.Index(fields=["authority", "ends_on"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "funding_stream"],
                                    name="schedule_once_per_person_and_stream"),
            models.CheckConstraint(condition=Q(frequency_weeks__gte=1, frequency_weeks__lte=13),
                                   name="schedule_frequency_1_to_13_weeks"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True)
                                   | Q(ends_on__gte=models.F("starts_on")),
                                   name="schedule_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"Direct payment for {self.person} ({self.get_funding_stream_display()})"

    @property
    def period_days(self) -> int:
        return self.frequency_weeks * 7

    def period_containing(self, day: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The period (first and last day) that ``day`` falls in."""
        index = max(0, (day - self.starts_on).days) // self.period_days
        start = self.starts_on + datetime.timedelta(days=index * self.period_days)
        return start, start + datetime.timedelta(days=self.period_days - 1)


class ScheduleRate(models.Model):
    """The weekly gross of a schedule from a date, written from the Option 1 lines of an
    agreed plan. A later rate from the same date replaces it (``superseded``)."""

    schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="rates")
    effective_from = models.DateField("applies from")
    weekly_gross = MoneyField("gross a week")
    plan = models.ForeignKey("planning.SupportPlan", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    reason = models.CharField(max_length=200)
    superseded = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["schedule", "effective_from", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weekly_gross__gte=0),
                                   name="schedule_rate_not_negative"),
            models.UniqueConstraint(fields=["schedule", "effective_from"],
                                    condition=Q(superseded=False),
                                    name="schedule_rate_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.schedule}: {self.weekly_gross}p a week from {self.effective_from}"


class OneOffPayment(models.Model):
    """A sum paid once with the first run whose window reaches ``due_on``: a start-up
    payment, equipment."""

    schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="one_offs")
    due_on = models.DateField("pay on or after")
    amount = MoneyField()
    description = models.CharField(max_length=200)
    paid_in = models.ForeignKey("Payment", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="one_off_items")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["schedule", "due_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0),
                                              name="one_off_positive")]

    def __str__(self) -> str:
        return f"{self.description} ({self.amount}p)"


class TemporarySwitch(models.Model):
    """An Option 1 line arranged by the council for a while (a gap in care: the PA left):
    the direct payment is reduced by the line's weekly cost from ``starts_on`` until the
    switch back (``ends_on``, the last day of council cover)."""

    line = models.ForeignKey("planning.SupportLine", on_delete=models.PROTECT,
                             related_name="temporary_switches")
    schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="switches")
    weekly_amount = MoneyField("direct payment paused, a week")
    starts_on = models.DateField("council cover starts")
    ends_on = models.DateField("council cover ends", null=True, blank=True)
    reason = models.TextField(max_length=2000)
    cover = models.TextField("what the council arranges", max_length=2000)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    end_note = models.TextField("how it ended", blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["schedule", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weekly_amount__gte=0),
                                   name="switch_amount_not_negative"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True)
                                   | Q(ends_on__gte=models.F("starts_on")),
                                   name="switch_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.line} arranged by the council from {self.starts_on}"


class Originator(models.Model):
    """The authority's own bank details and BACS service user number, which every bank
    file it sends carries. Set by a finance officer."""

    authority = models.OneToOneField(Authority, on_delete=models.PROTECT, related_name="+")
    service_user_number = models.CharField("BACS service user number", max_length=6)
    name = models.CharField("name the bank knows the authority by", max_length=18)
    sort_code = models.CharField(max_length=6)
    account_number = models.CharField(max_length=8)
    account_name = models.CharField(max_length=18)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.name} ({self.service_user_number})"


class PaymentRun(models.Model):
    """Every schedule whose period starts between ``period_start`` and ``period_end``,
    paid on ``pay_on``. Prepared by one finance officer, approved by another, then posted."""

    class Status(models.TextChoices):
        PREPARED = "prepared", "Prepared, waiting for approval"
        APPROVED = "approved", "Approved, waiting to be paid"
        POSTING = "posting", "Being paid"
        POSTED = "posted", "Paid"
        CANCELLED = "cancelled", "Cancelled"

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField("periods starting from")
    period_end = models.DateField("periods starting up to")
    pay_on = models.DateField("date the bank pays")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARED)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    cancel_reason = models.CharField(max_length=300, blank=True)
    problems = models.JSONField(
        default=list, blank=True,
        help_text="Schedules that could not be paid in this run and why (no account details).")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="run_window_in_order"),
            models.CheckConstraint(condition=Q(approved_by__isnull=True)
                                   | ~Q(approved_by=models.F("prepared_by")),
                                   name="run_approved_by_someone_else"),
        ]

    def __str__(self) -> str:
        return f"Payment run {self.period_start} to {self.period_end} ({self.get_status_display()})"


class Payment(models.Model):
    """One schedule paid for one period: at most once, whatever happens to runs
    (unique ``schedule`` and ``period_start``). ``amount`` is the period's net plus
    ``adjustment`` (a change backdated into periods already paid) plus ``one_offs``."""

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="payments")
    schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="payments")
    period_start = models.DateField()
    period_end = models.DateField()
    gross = MoneyField("gross for the period")
    contribution = MoneyField("the person's contribution taken off")
    paused = MoneyField("taken off for council cover", default=0)
    adjustment = MoneyField("adjustment for earlier periods", default=0)
    one_offs = MoneyField("one-off sums", default=0)
    amount = MoneyField("paid")
    carried = MoneyField("owed back, taken from later payments", default=0)
    payee = models.ForeignKey(PayeeAccount, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "pk"]
        indexes = [models.Index(fields=["run", "posted_at"])]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "period_start"],
                                    name="payment_once_per_schedule_and_period"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} {self.period_start} to {self.period_end}: {self.amount}p"


class BankFile(models.Model):
    """A file written for the bank from a posted run, kept as sent."""

    class Format(models.TextChoices):
        STANDARD_18 = "std18", "BACS Standard 18"
        CSV = "csv", "CSV"

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="bank_files")
    format = models.CharField(max_length=10, choices=Format.choices)
    content = models.TextField()
    sha256 = models.CharField(max_length=64)
    payments = models.PositiveIntegerField()
    total = MoneyField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "format"],
                                               name="bank_file_once_per_format")]

    def __str__(self) -> str:
        return f"{self.get_format_display()} for {self.run}"


# --- Providers: planned and delivered hours, invoices ------------------------------------------


class DeliveredHours(models.Model):
    """Hours a provider delivered for one support line in one week (Monday to Sunday).
    A correction replaces the week's figure; the history keeps the earlier one."""

    class Source(models.TextChoices):
        PAGE = "page", "Entered on the page"
        API = "api", "Sent through the API"
        CSV = "csv", "Uploaded in a CSV file"

    line = models.ForeignKey("planning.SupportLine", on_delete=models.PROTECT,
                             related_name="delivered_hours")
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT,
                                 related_name="delivered_hours")
    week_start = models.DateField("week beginning (Monday)")
    planned_hours = models.DecimalField(max_digits=5, decimal_places=2)
    hours = models.DecimalField("hours delivered", max_digits=5, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PAGE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "week_start"]
        constraints = [
            models.UniqueConstraint(fields=["line", "week_start"],
                                    name="delivered_hours_once_a_week"),
            models.CheckConstraint(condition=Q(hours__gte=0, hours__lte=168),
                                   name="delivered_hours_in_a_week"),
        ]

    def __str__(self) -> str:
        return f"{self.line}: {self.hours} of {self.planned_hours} hours, week of {self.week_start}"


class ShortfallAlert(models.Model):
    """Delivered hours fell short of planned for the policy's number of weeks running
    (``payments.shortfall_weeks``). The worker sees it; the person sees the shortfall and
    the money not spent, and can ask to use it another way."""

    line = models.ForeignKey("planning.SupportLine", on_delete=models.PROTECT,
                             related_name="shortfall_alerts")
    first_week = models.DateField()
    last_week = models.DateField()
    planned_hours = models.DecimalField(max_digits=7, decimal_places=2)
    delivered_hours = models.DecimalField(max_digits=7, decimal_places=2)
    unspent = MoneyField("money not spent")
    raised_at = models.DateTimeField(auto_now_add=True)
    seen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    seen_at = models.DateTimeField(null=True, blank=True)
    action = models.TextField("what the worker did", blank=True, max_length=2000)
    spending_request = models.ForeignKey("spending.SpendingRequest", on_delete=models.SET_NULL,
                                         null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-last_week", "-pk"]
        constraints = [models.UniqueConstraint(fields=["line", "first_week"],
                                               name="shortfall_alert_once")]

    def __str__(self) -> str:
        return f"{self.line}: {self.delivered_hours} of {self.planned_hours} hours delivered"


class Invoice(models.Model):
    """A provider's invoice for a period, checked line by line against delivered hours and
    the agreed rate before it is approved and paid through the ledger."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received, to be checked"
        QUERIED = "queried", "Queried with the provider"
        APPROVED = "approved", "Approved"
        PAID = "paid", "Paid"

    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT,
                                 related_name="invoices")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField("the provider's invoice number", max_length=50)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    query = models.TextField("what was queried", blank=True, max_length=2000)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_reason = models.TextField(
        "why it was approved although the check found problems", blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "authority", "reference"],
                                    name="invoice_reference_once"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="invoice_period_in_order"),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.reference} from {self.provider}"


class InvoiceLine(models.Model):
    """One support line on an invoice: hours charged at a rate, and what the check found."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey("planning.SupportLine", on_delete=models.PROTECT,
                             related_name="invoice_lines")
    hours = models.DecimalField(max_digits=7, decimal_places=2)
    hourly_rate = MoneyField()
    amount = MoneyField()
    delivered_hours = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    agreed_rate = MoneyField(default=0)
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["invoice", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0, hours__gte=0),
                                              name="invoice_line_not_negative")]

    def __str__(self) -> str:
        return f"{self.line}: {self.hours} hours"


# --- Light-touch monitoring ---------------------------------------------------------------


class Statement(models.Model):
    """A direct-payment account or prepaid-card statement imported from CSV."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="dp_statements")
    period_start = models.DateField()
    period_end = models.DateField()
    closing_balance = MoneyField()
    file_name = models.CharField(max_length=200, blank=True)
    flags = models.JSONField(default=list, blank=True,
                             help_text="Only what needs a look: a balance above the threshold, "
                                       "payments to payees nobody expected.")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "-period_end", "-pk"]

    def __str__(self) -> str:
        return f"Statement for {self.person}, {self.period_start} to {self.period_end}"


class StatementLine(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    day = models.DateField()
    payee = models.CharField(max_length=200)
    amount = MoneyField(help_text="Money in is positive, money out negative.")
    balance = MoneyField(null=True, blank=True)
    matched_line = models.ForeignKey("planning.SupportLine", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    unexpected = models.BooleanField(default=False)

    class Meta:
        ordering = ["statement", "day", "pk"]

    def __str__(self) -> str:
        return f"{self.day} {self.payee} {self.amount}"


class ReceiptsReturn(models.Model):
    """The simple return for a person who keeps receipts rather than sending statements:
    what was spent in the period and the money left."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="dp_returns")
    period_start = models.DateField()
    period_end = models.DateField()
    spent = MoneyField()
    balance = MoneyField("money left in the account")
    note = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "-period_end"]

    def __str__(self) -> str:
        return f"Return for {self.person}, {self.period_start} to {self.period_end}"


# --- Surplus recovery with due process ----------------------------------------------------


class Recovery(models.Model):
    """Unspent direct payment the authority proposes to take back. Nothing is taken
    without every step: a proposal, a notice to the person with the amount and reason,
    their response (or the response time passing), and a decision with reasons. Only a
    decision to recover posts a ledger entry (``services.recovery_post``)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        NOTICE_SENT = "notice_sent", "Notice sent, waiting for the person's response"
        RESPONDED = "responded", "The person has responded"
        DECIDED = "decided", "Decided"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Decision(models.TextChoices):
        RECOVER = "recover", "Recover the amount"
        RECOVER_PART = "recover_part", "Recover part of it"
        DO_NOT_RECOVER = "keep", "Do not recover: the person keeps it"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="recoveries")
    schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="recoveries")
    proposed_amount = MoneyField()
    reason = models.TextField("why", max_length=2000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    notice_sent_on = models.DateField(null=True, blank=True)
    notice_how = models.CharField("how the notice was sent", max_length=200, blank=True)
    respond_by = models.DateField(null=True, blank=True)
    response = models.TextField("the person's response", blank=True, max_length=4000)
    response_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    decided_amount = MoneyField(default=0)
    decision_reason = models.TextField("reasons for the decision", blank=True, max_length=4000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    withdraw_reason = models.TextField("why it was withdrawn", blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "recoveries"
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(proposed_amount__gt=0),
                                   name="recovery_amount_positive"),
            models.CheckConstraint(
                name="recovery_decided_with_reasons",
                condition=~Q(status="decided") | (Q(decided_by__isnull=False)
                                                  & ~Q(decision="") & ~Q(decision_reason=""))),
            models.CheckConstraint(
                name="recovery_decision_after_notice",
                condition=~Q(status="decided") | Q(notice_sent_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"Recovery of {self.proposed_amount}p from {self.person}"
