"""Forms for the spending pages. Each only parses what was typed (amounts in pounds become
whole pence); the services check the rules and name the field that is wrong."""

from __future__ import annotations

from typing import Any

from django import forms

from selfdirect.core.forms import (
    GovukDateField,
    GovukMessagesForm,
    choice_field,
    money_input,
    radios,
    set_max_length,
    set_missing_message,
)
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.spending.models import SpendingRequest
from selfdirect.spending.rulebook import Exclusion


class _Form(GovukMessagesForm):
    """Amounts in pounds (``money_fields``) checked and turned into whole pence by the base."""


class SpendingRequestForm(_Form):
    money_fields = ("amount",)
    description = forms.CharField(
        label="What do you want to spend the money on?",
        help_text="For example, \"A weekend of respite at a cottage in Pitlochry\"")
    amount = forms.CharField(label="Amount")
    outcome = radios([], "Which agreed outcome does it serve?",
                     "Select the agreed outcome the spending serves")
    wanted_on = GovukDateField(label="Date the money will be spent",
                               help_text="For example, 12 12 2026")

    def __init__(self, *args: Any, outcomes: list[PersonalOutcome], **kwargs: Any) -> None:
        self.outcomes = {str(o.pk): o for o in outcomes}
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        set_max_length(self.fields["description"], 300)
        money_input(self.fields["amount"])
        choice_field(self, "outcome").choices = [
            (pk, o.in_own_words) for pk, o in self.outcomes.items()]
        set_missing_message(self.fields["description"], "Enter what the money is for")
        set_missing_message(self.fields["amount"],
                            "Enter the amount in pounds and pence, like 500.00")

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"description": data["description"], "amount": data["amount"],
                "outcome": self.outcomes.get(data["outcome"]), "wanted_on": data["wanted_on"]}


NO_EXCLUSION = "none"


class DecideForm(_Form):
    money_fields = ("approved_amount",)
    exclusion = radios([], "Does an exclusion apply?",
                       "Select the exclusion that applies, or that none applies")
    decision = radios([(SpendingRequest.Status.APPROVED, "Approve"),
                       (SpendingRequest.Status.APPROVED_WITH_CHANGES, "Approve with changes"),
                       (SpendingRequest.Status.REFUSED, "Refuse")],
                      "Your decision", "Select approve, approve with changes, or refuse")
    changes = forms.CharField(
        label="What was changed", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only if you approve with changes. The person will read this.")
    approved_amount = forms.CharField(
        label="Amount approved", required=False,
        help_text="Only if you approve a different amount")
    decision_reason = forms.CharField(
        label="Reasons for the decision", widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The person will read these. Say which outcome it serves and what you "
                  "took into account.")

    def __init__(self, *args: Any, exclusions: tuple[Exclusion, ...],
                 suggested: Exclusion | None, **kwargs: Any) -> None:
        self.exclusions = exclusions
        super().__init__(*args, **kwargs)
        self.initial.setdefault("exclusion", suggested.key if suggested else NO_EXCLUSION)

    def prepare(self) -> None:
        choice_field(self, "exclusion").choices = [
            (NO_EXCLUSION, "No exclusion applies"),
            *[(e.key, e.title) for e in self.exclusions]]
        set_max_length(self.fields["changes"], 2000)
        set_max_length(self.fields["decision_reason"], 2000)
        money_input(self.fields["approved_amount"])
        set_missing_message(self.fields["decision_reason"],
                            "Give the reasons for the decision: the person will read them")

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        key = data["exclusion"]
        return {"decision": data["decision"], "reason": data["decision_reason"],
                "exclusion_key": "" if key == NO_EXCLUSION else key,
                "changes": data.get("changes") or "",
                "approved_amount": data.get("approved_amount")}


class ExclusionAddForm(_Form):
    title = forms.CharField(label="Name of the exclusion",
                            help_text="For example, \"Holidays abroad\"")
    explanation = forms.CharField(
        label="Explanation in plain English", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What it covers and why. People asking to spend their budget read this.")
    keywords = forms.CharField(
        label="Words that suggest it", required=False,
        help_text="Separated by commas, like \"flight, flights, abroad\". A request using "
                  "them is flagged to the person deciding it.")
    effective_from = GovukDateField(label="Date it is in force from", help_text="For example, 1 4 2027")
    reason = forms.CharField(label="Reason for the change",
                             help_text="Kept in the history of the rules")

    def prepare(self) -> None:
        set_max_length(self.fields["title"], 150)
        set_max_length(self.fields["explanation"], 2000)
        set_max_length(self.fields["keywords"], 500)
        set_max_length(self.fields["reason"], 300)
        set_missing_message(self.fields["title"], "Enter the name of the exclusion")
        set_missing_message(self.fields["explanation"],
                            "Enter the explanation in plain English: people will read it")
        set_missing_message(self.fields["reason"], "Enter the reason for the change")


class ExclusionWithdrawForm(_Form):
    key = radios([], "Exclusion to withdraw", "Select the exclusion to withdraw")
    effective_from = GovukDateField(label="Date it is withdrawn from", help_text="For example, 1 4 2027")
    reason = forms.CharField(label="Reason for withdrawing it",
                             help_text="Kept in the history of the rules")

    def __init__(self, *args: Any, exclusions: tuple[Exclusion, ...], **kwargs: Any) -> None:
        self.exclusions = exclusions
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        choice_field(self, "key").choices = [(e.key, e.title) for e in self.exclusions]
        set_max_length(self.fields["reason"], 300)
        set_missing_message(self.fields["reason"], "Enter the reason for withdrawing it")
