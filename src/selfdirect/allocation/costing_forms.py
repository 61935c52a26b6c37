"""Forms for the funding-stream, employer-cost, exception and uplift pages. Each only
parses what was typed; the service checks the rules and names the field that is wrong."""

from __future__ import annotations

from typing import Any

from django import forms

from selfdirect.allocation.costing import OTHER_STREAMS
from selfdirect.allocation.models import BudgetException, Period
from selfdirect.core.forms import (
    GovukDateField,
    GovukMessagesForm,
    money_input,
    number_input,
    radios,
    set_max_length,
    set_missing_message,
)

YES_NO = [("yes", "Yes"), ("no", "No")]



class _Form(GovukMessagesForm):
    """GOV.UK messages that name each field; a question's own "select" message for radios;
    amounts in pounds checked (``pounds_fields``) and passed on as typed."""

    def require(self, **messages: str) -> None:
        """The message for each named field left empty, where its label is a question."""
        for name, message in messages.items():
            set_missing_message(self.fields[name], message)


class FundingLineForm(_Form):
    pounds_fields = ("amount",)
    stream = radios(OTHER_STREAMS, "Where does the money come from?",
                    "Select where the money comes from")
    description = forms.CharField(label="What is it for?",
                                  help_text="For example, nursing care at night")
    amount = forms.CharField(label="Amount")
    period = radios(list(Period.choices), "How often?",
                    "Select whether the amount is for a week, four weeks or a year")

    def prepare(self) -> None:
        set_max_length(self.fields["description"], 200)
        money_input(self.fields["amount"])
        self.require(description="Say what the money is for", amount="Enter the amount")


class EmployerCostingForm(_Form):
    pounds_fields = ("hourly_wage",)
    label = forms.CharField(label="Who is this for?",
                            help_text='A name or a label, like "Personal assistant 1"')
    hourly_wage = forms.CharField(label="Hourly wage")
    hours_per_week = forms.CharField(label="Hours a week")
    employment_allowance = radios(
       YES_NO, "Can the employer claim the Employment Allowance?",
       "Select yes if the employer can claim the Employment Allowance",
       "Most people employing their own personal assistants can. HMRC decides.")
    pension_enrolled = radios(YES_NO, "Will the personal assistant be in a workplace pension?",
                              "Select yes if the personal assistant will be in a pension",
                              "An employer must enrol most employees who earn enough.")

    def __init__(self, *args: Any, minimum_wage: str = "", **kwargs: Any) -> None:
        self.minimum_wage = minimum_wage
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        set_max_length(self.fields["label"], 100)
        money_input(self.fields["hourly_wage"], width=5)
        if self.minimum_wage:
            self.fields["hourly_wage"].help_text = f"At least {self.minimum_wage} an hour"
        number_input(self.fields["hours_per_week"], suffix="hours")
        self.require(label="Say who the costs are for, like \"Personal assistant 1\"",
                     hourly_wage="Enter the hourly wage",
                     hours_per_week="Enter the hours a week")

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"label": data["label"], "hourly_wage": data["hourly_wage"],
                "hours_per_week": data["hours_per_week"],
                "employment_allowance": data["employment_allowance"] == "yes",
                "pension_enrolled": data["pension_enrolled"] == "yes"}


class BudgetExceptionForm(_Form):
    kind = radios(list(BudgetException.Kind.choices), "What is the exception?",
                  "Select what the exception is")
    reason = forms.CharField(label="Why is it needed?", widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="For example, no agency covers the island, so the person "
                                       "asks to employ their daughter")

    def prepare(self) -> None:
        set_max_length(self.fields["reason"], 2000)
        self.require(reason="Say why the exception is needed")


class UpliftForm(_Form):
    on = GovukDateField(label="New figures apply from",
                        help_text="Usually the start of the tax year, for example 6 4 2026")
    wage_uplift_percent = forms.CharField(
        label="Raise personal assistants' hourly wages by", required=False,
        help_text="Leave empty to keep wages as they are (they are still raised to the "
                  "minimum wage in force)")

    def prepare(self) -> None:
        number_input(self.fields["wage_uplift_percent"], suffix="%")
