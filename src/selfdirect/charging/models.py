"""Financial assessment and charging: the services a contribution applies to, the
financial assessment, each contribution calculated (with its workings) and hardship
waivers.

A ``Contribution`` is a weekly amount from a date. A recalculation never edits one: it
ends the one in force the day before and starts a new one, so what the person was asked
to pay on any past day can always be shown with the workings and the policy figures used
then. Money is whole pence in ``MoneyField``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from selfdirect.authorities.models import Authority
from selfdirect.charging.catalogue import (
    CapitalKind,
    ExpenseKind,
    IncomeType,
    Owner,
    Period,
    ServiceType,
)
from selfdirect.core.money import MoneyField
from selfdirect.people.models import Person


class Option(models.TextChoices):
    OPTION_1 = "1", "Option 1: a direct payment"
    OPTION_2 = "2", "Option 2: the person chooses, the council or a provider holds the money"
    OPTION_3 = "3", "Option 3: the council chooses and arranges"


class PlannedService(models.Model):
    """A service planned for the person, with its weekly cost: what a contribution can
    apply to. Free services are recorded too, so the page can say why nothing is charged.
    When a support plan is agreed its lines become the person's planned services
    (``services.planned_services_from_plan``); before that a worker records them here."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="planned_services")
    service_type = models.CharField("type of service", max_length=20, choices=ServiceType.choices)
    description = models.CharField(max_length=200)
    option = models.CharField(max_length=1, choices=Option.choices, blank=True)
    weekly_cost = MoneyField("cost a week", help_text="In whole pence.")
    starts_on = models.DateField("starts on")
    ends_on = models.DateField("ends on", null=True, blank=True)
    source = models.CharField(
        max_length=50, blank=True,
        help_text='Where it came from: "support plan 12" once a plan is agreed; empty when '
                  "recorded by hand on the charging page.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weekly_cost__gte=0),
                                   name="planned_service_cost_not_negative"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="planned_service_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_type_display()}: {self.description}"

    def in_force_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class Route(models.TextChoices):
    FULL = "full", "A full financial assessment"
    DECLINED = "declined", "The person chose not to be assessed and pays the full charge"


class Household(models.TextChoices):
    SINGLE = "single", "Lives alone or with people who are not a partner"
    COUPLE = "couple", "Lives with a partner"


class FinancialAssessment(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    person = models.ForeignKey(Person, on_delete=models.PROTECT,
                               related_name="financial_assessments")
    route = models.CharField(max_length=10, choices=Route.choices, default=Route.FULL)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    household = models.CharField(max_length=10, choices=Household.choices, default=Household.SINGLE)
    dependants = models.PositiveSmallIntegerField("children or other dependants", default=0)
    evidence_seen = models.TextField(
        "evidence seen", blank=True, max_length=2000,
        help_text="Like: bank statements for 3 months, DWP award letter.")
    benefits_check_done = models.BooleanField("benefits check done", default=False)
    benefits_check_notes = models.TextField("benefits check notes", blank=True, max_length=2000)
    welfare_rights_referral = models.BooleanField("referred to welfare rights", default=False)
    assessed_on = models.DateField("date of the assessment", null=True, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "-created_at"]

    def __str__(self) -> str:
        return f"Financial assessment for {self.person} ({self.get_status_display()})"


class Income(models.Model):
    assessment = models.ForeignKey(FinancialAssessment, on_delete=models.CASCADE,
                                   related_name="incomes")
    income_type = models.CharField("type of income", max_length=30, choices=IncomeType.choices)
    owner = models.CharField("whose", max_length=10, choices=Owner.choices, default=Owner.PERSON)
    amount = MoneyField(help_text="In whole pence, for each period.")
    period = models.CharField(max_length=12, choices=Period.choices)
    evidence_seen = models.BooleanField("evidence seen", default=False)
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="income_positive")]

    def __str__(self) -> str:
        return self.get_income_type_display()


class Capital(models.Model):
    assessment = models.ForeignKey(FinancialAssessment, on_delete=models.CASCADE,
                                   related_name="capital")
    kind = models.CharField(max_length=20, choices=CapitalKind.choices)
    owner = models.CharField("whose", max_length=10, choices=Owner.choices, default=Owner.PERSON)
    amount = MoneyField(help_text="In whole pence.")
    evidence_seen = models.BooleanField("evidence seen", default=False)
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "pk"]
        verbose_name_plural = "capital"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="capital_positive")]

    def __str__(self) -> str:
        return self.get_kind_display()


class Expense(models.Model):
    """Housing costs and disability-related expenditure, allowed against income."""

    assessment = models.ForeignKey(FinancialAssessment, on_delete=models.CASCADE,
                                   related_name="expenses")
    kind = models.CharField(max_length=20, choices=ExpenseKind.choices)
    amount = MoneyField(help_text="In whole pence, for each period.")
    period = models.CharField(max_length=12, choices=Period.choices)
    evidence_seen = models.BooleanField("evidence seen", default=False)
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expense_positive")]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def disability_related(self) -> bool:
        return ExpenseKind.is_disability_related(self.kind)


class Basis(models.TextChoices):
    ASSESSED = "assessed", "Worked out from the financial assessment"
    DECLINED = "declined", "The person chose not to be assessed: the full charge"
    CAPITAL = "capital", "Capital above the upper limit: the full charge"
    FLAT = "flat", "Only flat-rate charges: no financial assessment is needed"
    FREE = "free", "Only free services are planned"


class Contribution(models.Model):
    """What the person pays a week towards chargeable services from ``effective_from``,
    with the workings that reached it (``lines`` add up to ``weekly_amount`` exactly),
    each service's share (``services``) and the policy figures used (``figures``)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contributions")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(FinancialAssessment, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="contributions")
    basis = models.CharField(max_length=10, choices=Basis.choices)
    weekly_amount = MoneyField(help_text="In whole pence.")
    chargeable_cost = MoneyField(help_text="The weekly cost of the chargeable services.")
    effective_from = models.DateField("applies from")
    effective_to = models.DateField("applies until", null=True, blank=True)
    superseded = models.BooleanField(
        default=False, help_text="Replaced before it applied, by a recalculation from an earlier date.")
    lines = models.JSONField(default=list, blank=True)
    services = models.JSONField(default=list, blank=True)
    figures = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=200)
    calculated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      related_name="+")
    calculated_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "-effective_from", "-pk"]
        indexes = [models.Index(fields=["authority", "effective_to"])]
        constraints = [
            models.CheckConstraint(condition=Q(weekly_amount__gte=0),
                                   name="contribution_not_negative"),
            models.CheckConstraint(condition=Q(weekly_amount__lte=models.F("chargeable_cost")),
                                   name="contribution_not_above_cost"),
        ]

    def __str__(self) -> str:
        return f"Contribution for {self.person} from {self.effective_from}"


class Waiver(models.Model):
    """A reduction of the contribution for hardship, asked for and decided by someone else."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="charge_waivers")
    weekly_reduction = MoneyField(
        null=True, blank=True,
        help_text="In whole pence a week; empty means the whole contribution is waived.")
    reason = models.TextField(max_length=2000)
    starts_on = models.DateField("from")
    ends_on = models.DateField("until", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("reasons for the decision", blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(weekly_reduction__isnull=True) | Q(weekly_reduction__gt=0),
                                   name="waiver_reduction_positive"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="waiver_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"Hardship waiver for {self.person} from {self.starts_on}"

    def in_force_on(self, day: datetime.date) -> bool:
        return (self.status == self.Status.APPROVED and self.starts_on <= day
                and (self.ends_on is None or self.ends_on >= day))
