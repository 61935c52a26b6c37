"""Resource allocation: the questionnaire (a RAS version), a person's answers, and the
indicative budget they lead to, with its adjustments.

A ``RasVersion`` belongs to one authority and applies from a date. Its questionnaire is
domains → questions → answers, each answer worth points; the version's price per point
turns points into money. Versions are never edited once live: a new price is a new
version (``services.ras_price_change``). Money is whole pence in ``MoneyField``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from selfdirect.assessments.models import Assessment
from selfdirect.authorities.models import Authority
from selfdirect.core.money import MoneyField
from selfdirect.people.models import Person


class RasVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        RETIRED = "retired", "Retired"

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="ras_versions")
    name = models.CharField(max_length=150)
    effective_from = models.DateField("applies from")
    price_per_point = MoneyField(help_text="In whole pence: 4500 is £45.00 a point.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    # Which assessments it applies to. A council may run one questionnaire for everyone,
    # or several (say one for people with a learning disability, one for everyone else):
    # each line of versions has its own ``scope``, and a person is scored by the latest
    # live version whose rules fit them.
    scope = models.SlugField("who it is for (a short name)", max_length=50, default="everyone",
                             help_text='Versions with the same scope replace each other: '
                                       'like "everyone" or "learning-disability".')
    client_groups = models.JSONField(
        default=list, blank=True,
        help_text="Client group codes it applies to; empty for every client group.")
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["authority", "-effective_from", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "scope", "effective_from"],
                                    condition=Q(state="live"),
                                    name="ras_one_live_version_per_scope_and_date"),
            models.CheckConstraint(condition=Q(price_per_point__gt=0),
                                   name="ras_price_per_point_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (from {self.effective_from:%-d %B %Y})"

    def applies_to(self, person: Any, on: Any) -> bool:
        """Whether the version's rules fit ``person`` on the date ``on``."""
        if self.client_groups and person.client_group not in self.client_groups:
            return False
        age = person.age_on(on)
        if self.minimum_age is not None and age < self.minimum_age:
            return False
        return self.maximum_age is None or age <= self.maximum_age

    @property
    def rules_text(self) -> str:
        """Who it applies to, in plain English."""
        from selfdirect.people.models import ClientGroup

        parts = []
        if self.client_groups:
            labels = dict(ClientGroup.choices)
            parts.append("people whose main client group is "
                         + " or ".join(str(labels.get(c, c)).lower() for c in self.client_groups))
        if self.minimum_age is not None and self.maximum_age is not None:
            parts.append(f"aged {self.minimum_age} to {self.maximum_age}")
        elif self.minimum_age is not None:
            parts.append(f"aged {self.minimum_age} or over")
        elif self.maximum_age is not None:
            parts.append(f"aged {self.maximum_age} or under")
        return ", ".join(parts).capitalize() if parts else "Everyone assessed"


class RasBand(models.Model):
    """An optional band of points in a version. A band with an ``amount`` gives that yearly
    sum to everyone whose points fall in it (a band table); a band with a ``cap`` keeps
    points × price per point but never above the cap. Points outside every band are
    priced plainly."""

    version = models.ForeignKey(RasVersion, on_delete=models.CASCADE, related_name="bands")
    label = models.CharField(max_length=50, help_text='Like "Band C".')
    lower_points = models.PositiveIntegerField("from (points)")
    upper_points = models.PositiveIntegerField("to (points)", null=True, blank=True,
                                               help_text="Empty for no upper limit.")
    amount = MoneyField(null=True, blank=True, help_text="A fixed yearly sum, in whole pence.")
    cap = MoneyField(null=True, blank=True, help_text="The most a year, in whole pence.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "lower_points"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(amount__isnull=False, cap__isnull=True)
                           | Q(amount__isnull=True, cap__isnull=False)),
                name="ras_band_amount_or_cap"),
            models.CheckConstraint(
                condition=Q(upper_points__isnull=True) | Q(upper_points__gte=models.F("lower_points")),
                name="ras_band_upper_not_below_lower"),
        ]

    def __str__(self) -> str:
        return self.label

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "lower": self.lower_points, "upper": self.upper_points,
                "amount": self.amount, "cap": self.cap}


class RasDomain(models.Model):
    version = models.ForeignKey(RasVersion, on_delete=models.CASCADE, related_name="domains")
    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=150)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "code"],
                                               name="ras_domain_code_unique_in_version")]

    def __str__(self) -> str:
        return self.name


class RasQuestion(models.Model):
    domain = models.ForeignKey(RasDomain, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=50, help_text="Unique within the version.")
    text = models.TextField(help_text="In plain English.")
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["domain__position", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["domain", "code"],
                                               name="ras_question_code_unique_in_domain")]

    def __str__(self) -> str:
        return self.text


class RasAnswer(models.Model):
    question = models.ForeignKey(RasQuestion, on_delete=models.CASCADE, related_name="answers")
    code = models.SlugField(max_length=50)
    text = models.TextField()
    points = models.PositiveIntegerField()
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "code"],
                                               name="ras_answer_code_unique_in_question")]

    def __str__(self) -> str:
        return f"{self.text} ({self.points} points)"


class RasResponse(models.Model):
    """The answer chosen for one question in one assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="ras_responses")
    question = models.ForeignKey(RasQuestion, on_delete=models.PROTECT, related_name="responses")
    answer = models.ForeignKey(RasAnswer, on_delete=models.PROTECT, related_name="responses")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "question"],
                                               name="ras_one_response_per_question")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.answer_id}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.answer_id and self.question_id and self.answer.question_id != self.question_id:
            raise ValidationError({"answer": "Choose one of this question's answers"})


class IndicativeBudget(models.Model):
    """A yearly budget worked out from the assessment's answers: points × price per point
    (copied at calculation, so a later price change never rewrites it silently), plus
    adjustments. ``domain_points`` keeps the points per domain as calculated, for the
    explanation."""

    class State(models.TextChoices):
        INDICATIVE = "indicative", "Indicative"
        PROPOSED = "proposed", "Proposed"
        AGREED = "agreed", "Agreed"
        SUPERSEDED = "superseded", "Superseded"

    class Period(models.TextChoices):
        YEARLY = "yearly", "A year"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="budgets")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="budgets")
    ras_version = models.ForeignKey(RasVersion, on_delete=models.PROTECT, related_name="budgets")
    points = models.PositiveIntegerField()
    domain_points = models.JSONField(
        default=list, blank=True,
        help_text='Points per domain as calculated: [{"code", "name", "points"}, ...].')
    price_per_point = MoneyField(help_text="In whole pence, copied from the RAS version.")
    band = models.JSONField(
        default=dict, blank=True,
        help_text='The band applied, as calculated: {"label", "lower", "upper", "amount", '
                  '"cap"}; empty when none.')
    base_amount = MoneyField(help_text="Points × price per point, in whole pence.")
    total = MoneyField(help_text="Base plus adjustments, in whole pence.")
    period = models.CharField(max_length=10, choices=Period.choices, default=Period.YEARLY)
    state = models.CharField(max_length=12, choices=State.choices, default=State.INDICATIVE)
    calculated_at = models.DateTimeField()
    calculated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      related_name="+")
    proposed_at = models.DateTimeField(null=True, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    agreed_on = models.DateField(null=True, blank=True)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    decision_reason = models.TextField("reasons for the decision", blank=True, max_length=2000)
    needs_panel = models.BooleanField(
        default=False, help_text="Set when proposed: the panel decides, not the team manager.")
    panel_reasons = models.JSONField(
        default=list, blank=True, help_text="Why the panel decides, in plain English.")
    review_flag = models.TextField(
        blank=True, help_text="What to look at at the next review (set when the questionnaire, "
                              "price or rates change after the budget was agreed).")
    review_flagged_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-calculated_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="budget_total_not_negative"),
            models.UniqueConstraint(fields=["assessment"], condition=Q(state="indicative"),
                                    name="budget_one_indicative_per_assessment"),
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        from selfdirect.core.money import format_pounds

        return f"{self.get_state_display()} budget {format_pounds(self.total)} a year"

    @property
    def total_display(self) -> str:
        from selfdirect.core.money import format_pounds

        return format_pounds(self.total)


class ReasonCode(models.TextChoices):
    LIVING_ALONE = "living_alone", "Living alone with no unpaid carer"
    TWO_CARERS = "two_carers", "Two carers needed for moving and handling"
    RURAL_TRAVEL = "rural_travel", "Rural travel time"
    CULTURE_LANGUAGE = "culture_language", "Cultural or language needs"
    SHORT_TERM = "short_term", "Short-term extra support"
    EMPLOYER_COSTS = "employer_costs", "The cost of employing personal assistants"
    PANEL = "panel", "The resource allocation panel's decision"
    OTHER = "other", "Other"


class BudgetAdjustment(models.Model):
    """A change to the calculated base, with its reason. Amounts are whole pence;
    percentages apply to the base (see ``arithmetic.adjustment_effect``)."""

    class Kind(models.TextChoices):
        ADD_AMOUNT = "add_amount", "Add an amount"
        SUBTRACT_AMOUNT = "subtract_amount", "Take off an amount"
        ADD_PERCENT = "add_percent", "Add a percentage"
        SUBTRACT_PERCENT = "subtract_percent", "Take off a percentage"

    budget = models.ForeignKey(IndicativeBudget, on_delete=models.CASCADE,
                               related_name="adjustments")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = MoneyField(null=True, blank=True, help_text="In whole pence, for amount kinds.")
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True,
                                  help_text="For percentage kinds: 10.00 is 10%.")
    reason_code = models.CharField(max_length=20, choices=ReasonCode.choices)
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["budget", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind__in=["add_amount", "subtract_amount"], amount__gt=0,
                             percent__isnull=True)
                           | Q(kind__in=["add_percent", "subtract_percent"], percent__gt=0,
                               amount__isnull=True)),
                name="adjustment_amount_or_percent_by_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_reason_code_display()}"


class Period(models.TextChoices):
    WEEKLY = "weekly", "A week"
    FOUR_WEEKLY = "four_weekly", "Four weeks"
    YEARLY = "yearly", "A year"


PERIODS_A_YEAR = {Period.WEEKLY: 52, Period.FOUR_WEEKLY: 13, Period.YEARLY: 1}


class FundingStream(models.TextChoices):
    """Where money in an individual budget comes from. The council's social care share is
    the budget's own total (the questionnaire's sum and its adjustments); the other streams
    are ``FundingLine`` rows beside it."""

    COUNCIL = "council", "Council social care"
    HEALTH = "health", "Health (integration joint board or NHS)"
    ILF = "ilf", "Independent Living Fund"
    HOUSING_SUPPORT = "housing_support", "Housing support"
    ACCESS_TO_WORK = "access_to_work", "Access to Work"
    EDUCATION = "education", "Education (for example Disabled Students' Allowance)"


class FundingLine(models.Model):
    """Money from another funding stream in the person's individual budget: an amount for a
    period, and the same as a yearly sum (exact: weeks × 52, four-weeks × 13)."""

    budget = models.ForeignKey(IndicativeBudget, on_delete=models.CASCADE,
                               related_name="funding_lines")
    stream = models.CharField(max_length=20, choices=FundingStream.choices)
    description = models.CharField(max_length=200)
    amount = MoneyField(help_text="In whole pence, for each period.")
    period = models.CharField(max_length=12, choices=Period.choices)
    yearly_amount = MoneyField(help_text="The amount for a year, in whole pence.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["budget", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_line_amount_positive"),
            models.CheckConstraint(condition=~Q(stream="council"),
                                   name="funding_line_not_council"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stream_display()}: {self.description}"


class EmployerCosting(models.Model):
    """What it costs to employ one personal assistant, as a line-by-line snapshot of
    ``employer_costs.employer_costs`` with the figures in force on ``rates_on``. Kept as
    recorded, so a later change of rates never rewrites what the person was shown; an
    annual uplift recosts it (history keeps the earlier figures)."""

    budget = models.ForeignKey(IndicativeBudget, on_delete=models.CASCADE,
                               related_name="employer_costings")
    label = models.CharField(max_length=100, help_text='Like "Personal assistant 1".')
    hourly_wage = MoneyField(help_text="In whole pence.")
    hours_per_week = models.DecimalField(max_digits=5, decimal_places=2)
    employment_allowance = models.BooleanField(
        help_text="Whether the person, as employer, can claim the Employment Allowance.")
    pension_enrolled = models.BooleanField(default=True)
    rates_on = models.DateField(help_text="The date whose policy figures were used.")
    lines = models.JSONField(help_text='[{"key", "label", "amount", "rule"}, ...], amounts in pence.')
    yearly_total = MoneyField(help_text="The sum of the lines, in whole pence.")
    start_up = MoneyField(help_text="The one-off start-up sum, in whole pence; not yearly.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["budget", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours_per_week__gt=0),
                                   name="employer_costing_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.label


class BudgetException(models.Model):
    """Something about a budget the panel must decide on, whatever its size."""

    class Kind(models.TextChoices):
        FAMILY_MEMBER_PA = "family_member_pa", "Employing a family member as a personal assistant"
        OUTSIDE_POLICY = "outside_policy", "Support outside the authority's usual policy"

    budget = models.ForeignKey(IndicativeBudget, on_delete=models.CASCADE,
                               related_name="exceptions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField(max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["budget", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class AllocationEnvelope(models.Model):
    """The authority's yearly envelope for budgets: the sum it can commit in a financial
    year (1 April to 31 March)."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="envelopes")
    year_start = models.DateField(help_text="1 April of the financial year.")
    amount = MoneyField(help_text="In whole pence.")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    set_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["authority", "-year_start"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "year_start"],
                                    name="envelope_one_per_authority_and_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="envelope_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.authority} {self.year_start:%Y}/{(self.year_start.year + 1) % 100:02d}"


class PanelMeeting(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT,
                                  related_name="panel_meetings")
    date = models.DateField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="panel_meetings",
                                     help_text="Who sat on the panel, the chair included.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["authority", "-date", "-pk"]

    def __str__(self) -> str:
        return f"Panel on {self.date:%-d %B %Y}"


class PanelDecision(models.Model):
    """The panel's decision on one budget, with reasons the person can read."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", "Approved"
        AMEND = "amend", "Approved with a different amount"
        DECLINE = "decline", "Declined"

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="decisions")
    budget = models.ForeignKey(IndicativeBudget, on_delete=models.PROTECT,
                               related_name="panel_decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    amended_total = MoneyField(null=True, blank=True,
                               help_text="For an amendment: the yearly sum agreed, in pence.")
    reasons = models.TextField(max_length=2000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome="amend", amended_total__gte=0)
                           | (~Q(outcome="amend") & Q(amended_total__isnull=True))),
                name="panel_decision_amended_total_only_for_amend"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: budget {self.budget_id}"
