"""Forms for the financial assessment pages. Each only parses what was typed (amounts in
pounds and pence become whole pence); the service checks the rules and names the field
that is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundWidget

from selfdirect.charging.catalogue import CapitalKind, ExpenseKind, IncomeType, Owner, Period
from selfdirect.charging.models import Household, Route
from selfdirect.core.forms import (
    GovukDateField,
    GovukMessagesForm,
    money_input,
    number_input,
    radios,
    set_max_length,
    set_missing_message,
)
from selfdirect.core.money import amount_message, pence_from_pounds


class _Form(GovukMessagesForm):
    """GOV.UK messages that name each field; a question's own message for radios."""



class StartForm(_Form):
    route = radios(list(Route.choices), "How will the person's contribution be worked out?",
                   "Select a full financial assessment, or that the person chooses not to "
                   "have one")


class DetailsForm(_Form):
    household = radios(list(Household.choices), "Who does the person live with?",
                       "Select who the person lives with")
    dependants = forms.IntegerField(
        label="Children or other dependants", min_value=0, max_value=20,
        widget=forms.TextInput,
        help_text="How many children or other people depend on the person. Enter 0 if none.")
    evidence_seen = forms.CharField(
        label="Evidence seen", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, bank statements for 3 months, a DWP award letter")
    benefits_check_done = forms.BooleanField(
        label="A benefits check has been done", required=False,
        help_text="You have checked whether the person may be missing a benefit they are "
                  "entitled to")
    benefits_check_notes = forms.CharField(
        label="Benefits check notes", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was checked and what the person was told")
    welfare_rights_referral = forms.BooleanField(
        label="Referred to welfare rights", required=False,
        help_text="The person was referred to a welfare rights or money advice service")

    def prepare(self) -> None:
        number_input(self.fields["dependants"], width=2)
        self.fields["dependants"].widget.attrs["inputmode"] = "numeric"
        set_max_length(self.fields["evidence_seen"], 2000)
        set_max_length(self.fields["benefits_check_notes"], 2000)
        field = self.fields["dependants"]
        field.error_messages["invalid"] = "Enter the number of dependants as a whole number, like 2"
        field.error_messages["min_value"] = "The number of dependants must be 0 or more"
        field.error_messages["max_value"] = "The number of dependants must be 20 or fewer"

    def service_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class _ItemForm(_Form):
    """An income, capital or expense: an amount in pounds and pence and what it is."""

    amount_label = "Amount"

    def prepare(self) -> None:
        amount = self.fields["amount"]
        amount.label = self.amount_label
        money_input(amount)
        set_max_length(self.fields["note"], 200)
        set_missing_message(self.fields["amount"], f"Enter {self.amount_label.lower()}")

    def clean_amount(self) -> int:
        text = self.cleaned_data["amount"]
        try:
            pence = pence_from_pounds(text)
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(amount_message(
                exc, self.amount_label,
                f"Enter {self.amount_label.lower()} in pounds and pence, like 92.05")) from None
        if pence <= 0:
            raise forms.ValidationError(f"{self.amount_label} must be more than £0")
        return pence

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["note"] = data.get("note") or ""
        return data


def _amount() -> forms.CharField:
    return forms.CharField(label="Amount")


def _period() -> forms.ChoiceField:
    return radios(list(Period.choices), "How often is this amount?",
                  "Select how often: a week, a fortnight, four weeks, a month or a year")


def _owner() -> forms.ChoiceField:
    return radios(list(Owner.choices), "Whose is it?",
                  "Select whether it is the person's own or joint with a partner")


def _evidence() -> forms.BooleanField:
    return forms.BooleanField(label="Evidence seen", required=False,
                              help_text="You have seen a letter, statement or payslip that shows it")


def _note(example: str) -> forms.CharField:
    return forms.CharField(label="Note", required=False, help_text=f"For example, {example}")


class IncomeForm(_ItemForm):
    amount_label = "Amount of income"
    income_type = radios(list(IncomeType.choices), "What type of income is it?",
                         "Select the type of income")
    amount = _amount()
    period = _period()
    owner = _owner()
    evidence_seen = _evidence()
    note = _note("the name of the pension or the employer")


class CapitalForm(_ItemForm):
    amount_label = "Amount of capital"
    kind = radios(list(CapitalKind.choices), "What kind of capital is it?",
                  "Select the kind of capital")
    amount = _amount()
    owner = _owner()
    evidence_seen = _evidence()
    note = _note("the bank and the account")


HOUSING_COSTS = "Housing costs"
DISABILITY_RELATED = "Disability-related expenses"


class ExpenseForm(_ItemForm):
    amount_label = "Amount of the expense"
    kind = radios(list(ExpenseKind.choices), "What is the expense?", "Select what the expense is")
    amount = _amount()
    period = _period()
    evidence_seen = _evidence()
    note = _note("what the extra cost is for")

    def kind_groups(self) -> list[tuple[str, list[BoundWidget]]]:
        """The kinds of expense as two groups of radios: housing costs and
        disability-related expenses."""
        housing: list[BoundWidget] = []
        disability: list[BoundWidget] = []
        for option in self["kind"].subwidgets:
            value = str(option.data["value"])
            (disability if ExpenseKind.is_disability_related(value) else housing).append(option)
        return [(HOUSING_COSTS, housing), (DISABILITY_RELATED, disability)]


class CompleteForm(_Form):
    effective_from = GovukDateField(label="Date the contribution applies from",
                                    help_text="Usually today. For example, 27 3 2026")
