"""Choice and support planning: the person's choice of how their support is arranged.

Under sections 4 and 5 of the Social Care (Self-directed Support) (Scotland) Act 2013 the
council offers four options and the person chooses: Option 1 (a direct payment), Option 2
(they choose, the council or a provider holds the money), Option 3 (the council chooses
and arranges), or Option 4 (a mix: Option 1, 2 or 3 for each kind of support). An
``OptionChoice`` records one decision: which options, the date, who was present, whether
an advocate or broker helped, and how the options were explained. It is never edited: a
change of mind is a new choice, so the history of choices stays whole.

If the person makes no choice, the law treats them as having chosen Option 3 (s.5(5)):
that is recorded as such (``no_choice``), never silently. If a direct payment is not
available to them, the reasons are given in writing with the date it will be looked at
again, and the other options are still offered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from selfdirect.allocation.models import FundingStream, IndicativeBudget
from selfdirect.charging.catalogue import ServiceType
from selfdirect.core.money import MoneyField
from selfdirect.people.models import Person

OPTION_NUMBERS = ("1", "2", "3")


class OptionChoice(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="option_choices")
    budget = models.ForeignKey(
        IndicativeBudget, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The budget the options were explained against.")
    options = models.CharField(
        max_length=3, help_text='The options chosen, in order: "1", "13", "123". More than one '
                                "is Option 4.")
    no_choice = models.BooleanField(
        "the person made no choice", default=False,
        help_text="Treated as Option 3 under section 5(5) of the 2013 Act.")
    decided_on = models.DateField("date of the choice")
    present = models.TextField("who was present", max_length=1000)
    explained_how = models.CharField(
        "how the options were explained", max_length=300, blank=True,
        help_text="Like: face to face with a BSL interpreter; easy read leaflet.")
    advocate_helped = models.BooleanField("an advocate helped", default=False)
    broker_helped = models.BooleanField("an independent support broker helped", default=False)
    direct_payment_available = models.BooleanField(default=True)
    direct_payment_reasons = models.TextField(
        "why a direct payment is not available", blank=True, max_length=2000)
    direct_payment_review_on = models.DateField(
        "when it will be looked at again", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(options__in=["1", "2", "3", "12", "13", "23", "123"]),
                                   name="option_choice_options_valid"),
            models.CheckConstraint(condition=Q(no_choice=False) | Q(options="3"),
                                   name="option_choice_no_choice_is_option_3"),
            models.CheckConstraint(
                condition=Q(direct_payment_available=True) | ~Q(options__contains="1"),
                name="option_choice_no_direct_payment_when_unavailable"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.label}"

    @property
    def numbers(self) -> list[str]:
        return list(self.options)

    @property
    def is_option_4(self) -> bool:
        return len(self.options) > 1

    @property
    def label(self) -> str:
        """"Option 3", "Option 4 (options 1 and 3)", "Option 3 (no choice made)"."""
        if self.no_choice:
            return "Option 3 (no choice was made, so the law treats it as Option 3)"
        if self.is_option_4:
            parts = self.numbers
            return f"Option 4 (options {', '.join(parts[:-1])} and {parts[-1]})"
        return f"Option {self.options}"


class WhoKind(models.TextChoices):
    PROVIDER = "provider", "A provider or agency"
    PERSONAL_ASSISTANT = "pa", "A personal assistant"
    THE_PERSON = "person", "The person themself"
    UNPAID = "unpaid", "Unpaid help from family or friends"
    COMMUNITY = "community", "A community resource"


class AgreedHow(models.TextChoices):
    ONLINE = "online", "Online, on their own pages"
    MEETING = "meeting", "In a meeting, recorded by their worker"
    PHONE = "phone", "By phone, recorded by their worker"
    PREFERRED = "preferred", "In another way they prefer (say how)"


class SupportPlan(models.Model):
    """How the budget meets each agreed outcome. ``version`` rises with every change, so
    a second person saving a plan they opened before someone else's change is told it
    changed, and what changed, instead of overwriting it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Being written"
        AGREED = "agreed", "Agreed"
        REPLACED = "replaced", "Replaced by a later plan"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="support_plans")
    budget = models.ForeignKey(IndicativeBudget, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    over_budget_reason = models.TextField(
        "why the plan may cost more than the budget", blank=True, max_length=2000)
    over_budget_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                               null=True, blank=True, related_name="+")
    over_budget_decided_at = models.DateTimeField(null=True, blank=True)
    person_agreed_on = models.DateField(null=True, blank=True)
    person_agreed_how = models.CharField(max_length=10, choices=AgreedHow.choices, blank=True)
    person_agreed_note = models.CharField(max_length=300, blank=True)
    worker_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+")
    worker_signed_at = models.DateTimeField(null=True, blank=True)
    manager_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                          null=True, blank=True, related_name="+")
    manager_signed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="draft"),
                                    name="support_plan_one_draft_per_person"),
        ]

    def __str__(self) -> str:
        return f"Support plan for {self.person} ({self.get_status_display().lower()})"


class SupportLine(models.Model):
    """One piece of support: what, who, when, how many hours, its cost a week, the option
    that pays for it and the funding stream. ``outcome`` is the agreed outcome it serves
    (empty for what runs the support, like a payroll service)."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="lines")
    outcome = models.ForeignKey("outcomes.PersonalOutcome", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="support_lines")
    what = models.CharField(max_length=200)
    who_kind = models.CharField("who", max_length=10, choices=WhoKind.choices)
    who_name = models.CharField("name of the provider or person", max_length=150, blank=True)
    when = models.CharField("when", max_length=200, blank=True)
    hours_per_week = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    weekly_cost = MoneyField("cost a week", help_text="In whole pence.")
    option = models.CharField(max_length=1, choices=[("1", "Option 1"), ("2", "Option 2"),
                                                     ("3", "Option 3")])
    funding_stream = models.CharField(max_length=20, choices=FundingStream.choices,
                                      default=FundingStream.COUNCIL)
    service_type = models.CharField("type of service", max_length=20, choices=ServiceType.choices)
    contingency = models.TextField(
        "if this support breaks down", blank=True, max_length=2000,
        help_text="What happens if a personal assistant is ill or leaves: who to call, and "
                  "the fallback. Needed for options 1 and 2.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "pk"]
        constraints = [models.CheckConstraint(condition=Q(weekly_cost__gte=0),
                                              name="support_line_cost_not_negative")]

    def __str__(self) -> str:
        return self.what


class OutcomeWithoutSupport(models.Model):
    """Why an agreed outcome has no paid support line (met by the person's own network,
    not a priority now): recorded so no outcome is silently left out."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="reasons")
    outcome = models.ForeignKey("outcomes.PersonalOutcome", on_delete=models.PROTECT,
                                related_name="+")
    reason = models.TextField(max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "outcome"],
                                               name="outcome_without_support_once")]

    def __str__(self) -> str:
        return f"No support line for “{self.outcome}”: {self.reason}"


class FamilyCircumstance(models.TextChoices):
    """The circumstances in which the Self-directed Support (Direct Payments) (Scotland)
    Regulations 2014 allow a family member to be paid as a personal assistant."""

    LIMITED_CHOICE = "limited_choice", "There is a limited choice of providers, such as on an island"
    COMMUNICATION = "communication", "The person has communication needs the family member can meet"
    TIMES = "times", "Support is needed at times others cannot cover"
    INTIMATE = "intimate", "The support is intimate and the person wants a family member to give it"
    BELIEFS = "beliefs", "The person's religious or cultural beliefs"
    PALLIATIVE = "palliative", "Palliative care"
    EMERGENCY = "emergency", "An emergency or a short-term need"
    OTHER = "other", "Another reason"


class FamilyPaException(models.Model):
    """A family member employed as a personal assistant: asked for with the conditions the
    2014 Regulations set (the person and the family member both agree, and the family
    member can meet the needs) and at least one of the circumstances, and decided by a
    named approver or the panel. A family member who lives with the person needs no PVG
    check."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="family_pas")
    line = models.ForeignKey(SupportLine, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="family_pas")
    family_member = models.CharField("the family member's name", max_length=150)
    relationship = models.CharField("how they are related", max_length=100)
    lives_with_person = models.BooleanField("lives with the person", default=False)
    both_agree = models.BooleanField("the person and the family member both agree", default=False)
    can_meet_needs = models.BooleanField("the family member can meet the person's needs",
                                         default=False)
    circumstances = models.JSONField(default=list)
    other_reason = models.CharField("the other reason", max_length=300, blank=True)
    reason = models.TextField("why, in the person's situation", max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_by_panel = models.BooleanField(default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("reasons for the decision", blank=True, max_length=2000)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-requested_at"]

    def __str__(self) -> str:
        return f"{self.family_member} ({self.relationship}) as a personal assistant"

    @property
    def pvg_needed(self) -> bool:
        """PVG membership is the PA's duty, except for a family member living with the person."""
        return not self.lives_with_person

    @property
    def circumstance_labels(self) -> list[str]:
        return [FamilyCircumstance(c).label for c in self.circumstances
                if c in FamilyCircumstance.values]


class Referral(models.Model):
    """A support line sent to a provider (Options 2 and 3): the provider accepts, or
    declines with a reason. A provider off the council's framework list, or not working in
    the person's area, can still be chosen under Option 2 with the decision recorded."""

    class Status(models.TextChoices):
        SENT = "sent", "Waiting for the provider"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    line = models.ForeignKey(SupportLine, on_delete=models.CASCADE, related_name="referrals")
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT,
                                 related_name="referrals")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    message = models.TextField("what the provider needs to know", blank=True, max_length=2000)
    chosen_despite = models.TextField(
        "why this provider is chosen although it is off the framework list or outside the area",
        blank=True, max_length=2000)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField("why the provider declined", blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.line} to {self.provider} ({self.get_status_display().lower()})"
