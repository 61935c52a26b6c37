"""Forms for the charging pages. Each only parses what was typed (amounts in pounds become
whole pence); the service checks the rules and names the field that is wrong."""

from __future__ import annotations

from typing import Any

from django import forms

from selfdirect.charging.catalogue import ServiceType
from selfdirect.charging.models import Option
from selfdirect.core.forms import (
    GovukDateField,
    GovukMessagesForm,
    money_input,
    radios,
    set_max_length,
    set_missing_message,
)


class _Form(GovukMessagesForm):
    """GOV.UK messages that name each field; amounts in pounds checked and turned into pence
    (``money_fields``), so every mistake shows at once."""


class PlannedServiceForm(_Form):
    money_fields = ("weekly_cost",)
    service_type = radios(list(ServiceType.choices), "Type of service",
                          "Select the type of service")
    description = forms.CharField(label="Description",
                                  help_text="What the service is, like \"Help to go swimming\"")
    option = radios([*Option.choices, ("", "Not chosen yet")],
                    "Which self-directed support option pays for it?",
                    "Select option 1, 2 or 3, or not chosen yet", required=False)
    weekly_cost = forms.CharField(label="Cost a week")
    starts_on = GovukDateField(label="Date the service starts", help_text="For example, 1 12 2026")
    ends_on = GovukDateField(label="Date the service ends", required=False,
                             help_text="Leave it empty if it has no end date")

    def __init__(self, *args: Any, free_hint: str = "", **kwargs: Any) -> None:
        self.free_hint = free_hint
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        set_max_length(self.fields["description"], 200)
        money_input(self.fields["weekly_cost"])
        self.fields["service_type"].help_text = self.free_hint
        set_missing_message(self.fields["description"],
            "Enter a description of the service")
        set_missing_message(self.fields["weekly_cost"],
            "Enter the cost a week, like 120.50 (0 if it costs nothing)")

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"service_type": data["service_type"], "description": data["description"],
                "option": data.get("option") or "", "weekly_cost": data["weekly_cost"],
                "starts_on": data["starts_on"], "ends_on": data.get("ends_on")}


class PlannedServiceEndForm(_Form):
    ends_on = GovukDateField(label="Last day of the service", help_text="For example, 31 3 2027")


class WaiverRequestForm(_Form):
    money_fields = ("weekly_reduction",)
    reason = forms.CharField(
        label="Why would paying the contribution cause hardship?",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example, rent arrears, a funeral, a large bill. Someone else will read "
                  "this and decide.")
    starts_on = GovukDateField(label="Date the waiver starts", help_text="For example, 1 12 2026")
    ends_on = GovukDateField(label="Date the waiver ends", required=False,
                             help_text="Leave it empty to ask for it with no end date")
    weekly_reduction = forms.CharField(
        label="Reduction a week", required=False,
        help_text="Leave it empty to ask for the whole contribution to be waived")

    def prepare(self) -> None:
        set_max_length(self.fields["reason"], 2000)
        money_input(self.fields["weekly_reduction"])
        set_missing_message(self.fields["reason"],
            "Say why paying the contribution would cause hardship")

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"reason": data["reason"], "starts_on": data["starts_on"],
                "ends_on": data.get("ends_on"), "weekly_reduction": data.get("weekly_reduction")}


class WaiverDecideForm(_Form):
    decision = radios([("approve", "Approve the waiver"), ("refuse", "Refuse the waiver")],
                      "Your decision", "Select whether to approve or refuse the waiver")
    decision_reason = forms.CharField(
        label="Reasons for the decision", widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The person will read these. Say what you took into account.")

    def prepare(self) -> None:
        set_max_length(self.fields["decision_reason"], 2000)
        set_missing_message(self.fields["decision_reason"],
            "Give the reasons for the decision: the person will read them")


class RecalculateForm(_Form):
    effective_from = GovukDateField(
        label="Recalculate from", help_text="Usually the date new figures apply, like 6 4 2027")
    reason = forms.CharField(label="Reason", help_text="The people affected will read this, "
                             "for example \"Yearly uprating of benefit rates\"")

    def prepare(self) -> None:
        set_max_length(self.fields["reason"], 200)
        set_missing_message(self.fields["reason"],
            "Enter the reason for the recalculation")
