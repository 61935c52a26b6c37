"""Spending rules and spending requests.

An authority's spending rules are the principle (any spend that serves an agreed outcome
within the budget is allowed) and a short exclusion list. The list is data with effective
dates, like the policy figures (``authorities.policy``): each ``ExclusionEntry`` puts an
exclusion in force, or withdraws it, from a date. Entries are never edited: a change is a
new entry, so every past decision can be explained by the list in force at the time.
National defaults (``authority`` empty) are loaded from ``spending/data/<country>.yaml``.

A ``SpendingRequest`` asks to spend part of the budget on something, for an agreed
outcome; someone other than the requester decides it, with reasons the person reads.
Money is whole pence in ``MoneyField``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from selfdirect.authorities.models import Authority, Country
from selfdirect.core.money import MoneyField
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.models import Person


class ExclusionEntry(models.Model):
    """One exclusion put in force, or withdrawn, from a date: nationally (no authority)
    or by one authority."""

    class Action(models.TextChoices):
        IN_FORCE = "in_force", "In force"
        WITHDRAWN = "withdrawn", "Withdrawn"

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="spending_exclusions")
    country = models.CharField(max_length=10, choices=Country.choices)
    key = models.SlugField(max_length=60)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.IN_FORCE)
    title = models.CharField(max_length=150)
    explanation = models.TextField("explanation in plain English", max_length=2000)
    keywords = models.CharField(
        "words that suggest it", max_length=500, blank=True,
        help_text="Words or phrases, separated by commas, that suggest a request is for it.")
    effective_from = models.DateField("from")
    source = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "key", "-effective_from", "pk"]
        verbose_name_plural = "exclusion entries"
        constraints = [
            models.UniqueConstraint(fields=["authority", "country", "key", "effective_from"],
                                    name="spending_exclusion_one_entry_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.get_action_display().lower()} from {self.effective_from}"

    def keyword_list(self) -> list[str]:
        return [k.strip().lower() for k in self.keywords.split(",") if k.strip()]


class SpendingRequest(models.Model):
    """A request to spend part of the person's budget on something, for an agreed outcome."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        APPROVED_WITH_CHANGES = "approved_with_changes", "Approved with changes"
        REFUSED = "refused", "Refused"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="spending_requests")
    description = models.CharField("what the money is for", max_length=300)
    amount = MoneyField(help_text="In whole pence.")
    outcome = models.ForeignKey(PersonalOutcome, on_delete=models.PROTECT, related_name="+",
                                verbose_name="agreed outcome it serves")
    wanted_on = models.DateField("when the money will be spent")
    status = models.CharField(max_length=25, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("reasons for the decision", blank=True, max_length=2000)
    changes = models.TextField("what was changed", blank=True, max_length=2000)
    approved_amount = MoneyField("amount approved", null=True, blank=True,
                                 help_text="In whole pence.")
    # The exclusion a refusal rests on, as it read when the decision was made.
    exclusion_key = models.SlugField(max_length=60, blank=True)
    exclusion_title = models.CharField(max_length=150, blank=True)
    exclusion_explanation = models.TextField(blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="spending_request_positive"),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gt=0),
                name="spending_request_approved_positive"),
            models.CheckConstraint(
                condition=Q(status="requested") | ~Q(decision_reason=""),
                name="spending_request_decision_has_reasons"),
        ]

    def __str__(self) -> str:
        return f"Spending request for {self.person}: {self.description[:60]}"

    @property
    def decided(self) -> bool:
        return self.status != self.Status.REQUESTED
