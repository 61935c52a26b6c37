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

from selfdirect.allocation.models import IndicativeBudget
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
