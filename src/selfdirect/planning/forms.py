"""The form the worker fills in to record the choice made with the person. It only parses
what was typed; the service checks the rules (no choice and options together, a direct
payment that is not available) and names the field that is wrong."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from selfdirect.core.forms import (
    GovukDateField,
    GovukMessagesForm,
    set_max_length,
    set_missing_message,
)

OPTION_CHOICES = [
    ("1", "Option 1: a direct payment"),
    ("2", "Option 2: the person chooses, the council or a provider holds the money"),
    ("3", "Option 3: the council chooses and arranges"),
]
HELP_CHOICES = [
    ("advocate", "An independent advocate helped"),
    ("broker", "An independent support broker helped"),
]


class OptionChoiceForm(GovukMessagesForm):
    # Which fields are needed depends on the answers (options or no choice; the reasons and
    # date only when a direct payment is not available): the hints say so, not "(optional)".
    no_optional_marks = True

    options = forms.MultipleChoiceField(
        label="Which options did the person choose?", choices=OPTION_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. More than one is Option 4.")
    no_choice = forms.BooleanField(
        label="The person made no choice", required=False,
        help_text="The law treats this as Option 3, and it will be recorded that way.")
    decided_on = GovukDateField(label="Date of the choice",
                                help_text="For example, 25 11 2026")
    present = forms.CharField(
        label="Who was present", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Including the person, and anyone who supported them")
    explained_how = forms.CharField(
        label="How the options were explained", required=False,
        help_text="Optional. For example, face to face with a BSL interpreter; an easy read "
                  "leaflet")
    independent_help = forms.MultipleChoiceField(
        label="Did anyone independent help the person?", choices=HELP_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Select all that apply, or none")
    direct_payment_unavailable = forms.BooleanField(
        label="A direct payment is not available to this person", required=False,
        help_text="Then give the reasons and the date it will be looked at again. The other "
                  "options are still offered.")
    direct_payment_reasons = forms.CharField(
        label="Why a direct payment is not available", required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only if a direct payment is not available. The person is told these "
                  "reasons in writing.")
    direct_payment_review_on = GovukDateField(
        label="Date it will be looked at again", required=False,
        help_text="Only if a direct payment is not available. For example, 25 2 2027")

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        self.today = today
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = today

    def prepare(self) -> None:
        set_max_length(self.fields["present"], 1000)
        set_max_length(self.fields["explained_how"], 300)
        set_max_length(self.fields["direct_payment_reasons"], 2000)
        set_missing_message(self.fields["present"], "Say who was present, including the person")

    def clean_decided_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["decided_on"]
        if value > self.today:
            raise forms.ValidationError("Date of the choice must be today or in the past")
        return value

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        unavailable = bool(data.get("direct_payment_unavailable"))
        helped = set(data.get("independent_help") or [])
        return {
            "options": list(data.get("options") or []),
            "no_choice": bool(data.get("no_choice")),
            "decided_on": data["decided_on"], "present": data["present"],
            "explained_how": data.get("explained_how") or "",
            "advocate_helped": "advocate" in helped, "broker_helped": "broker" in helped,
            "direct_payment_available": not unavailable,
            "direct_payment_reasons": data.get("direct_payment_reasons") or "",
            "direct_payment_review_on": data.get("direct_payment_review_on"),
        }
