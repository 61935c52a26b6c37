"""Forms for the support plan pages. Each only parses what was typed (amounts in pounds
become whole pence, hours a decimal); the services in ``plans.py`` check the rules and
name the field that is wrong.

Every form carries the plan's ``version`` as it was when the page was opened, which the
services compare with the plan's version now, so a change made meanwhile by someone else
is never overwritten.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from selfdirect.allocation.models import FundingStream
from selfdirect.charging.catalogue import ServiceType
from selfdirect.core.forms import (
    GovukDateField,
    GovukMessagesForm,
    money_input,
    number_input,
    radios,
    set_max_length,
    set_missing_message,
)
from selfdirect.core.money import amount_message, pence_from_pounds, pounds
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.planning.models import AgreedHow, FamilyCircumstance, SupportLine, WhoKind

# The value of the outcome radio for a line that serves no single outcome.
NO_OUTCOME = "none"
OPTION_CHOICES = [
    ("1", "Option 1: a direct payment"),
    ("2", "Option 2: the person chooses, the council or a provider holds the money"),
    ("3", "Option 3: the council chooses and arranges"),
]


class _PlanForm(GovukMessagesForm):
    """A form about one plan: the version the user opened travels with it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def prepare(self) -> None:
        set_missing_message(self.fields["version"],
                            "The page was missing the plan's version: open the plan again")

    @property
    def expected_version(self) -> int:
        return int(self.cleaned_data["version"])


class SupportLineForm(_PlanForm):
    outcome = radios([], "Which agreed outcome does this support meet?",
                     "Select the outcome this support meets, or running the support")
    what = forms.CharField(label="What is the support?",
                           help_text='For example, "Help to get to the allotment"')
    who_kind = radios(list(WhoKind.choices), "Who gives the support?",
                      "Select who gives the support")
    who_name = forms.CharField(label="Name of the provider or person", required=False)
    when = forms.CharField(label="When", required=False,
                           help_text='For example, "Tuesday and Thursday mornings"')
    hours_per_week = forms.CharField(label="Hours a week", required=False,
                                     help_text="Leave it empty if it is not counted in hours")
    weekly_cost = forms.CharField(label="Cost a week",
                                  help_text="In pounds and pence, like 120.50 (0 if it is free)")
    option = radios(OPTION_CHOICES, "Which self-directed support option pays for it?",
                    "Select option 1, 2 or 3 for this support")
    funding_stream = radios(list(FundingStream.choices), "Where does the money come from?",
                            "Select where the money comes from")
    service_type = forms.ChoiceField(label="Type of service",
                                     choices=[("", "Choose the type of service"),
                                              *ServiceType.choices])
    contingency = forms.CharField(
        label="If this support breaks down", required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed for options 1 and 2: what happens if a personal assistant is ill "
                  "or leaves, who to call, and the fallback.")

    def __init__(self, *args: Any, outcomes: list[PersonalOutcome], **kwargs: Any) -> None:
        self.outcomes = {str(o.pk): o for o in outcomes}
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        super().prepare()
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        outcome.choices = [*((pk, o.in_own_words) for pk, o in self.outcomes.items()),
                           (NO_OUTCOME, "Running the support (no single outcome), like a "
                                        "payroll service")]
        set_max_length(self.fields["what"], 200)
        set_max_length(self.fields["who_name"], 150)
        set_max_length(self.fields["when"], 200)
        set_max_length(self.fields["contingency"], 2000)
        money_input(self.fields["weekly_cost"])
        number_input(self.fields["hours_per_week"], suffix="hours")
        set_missing_message(self.fields["what"], 'Say what the support is, like "Help to get '
                                                 'to the allotment"')
        set_missing_message(self.fields["weekly_cost"],
                            "Enter the cost a week, like 120.50 (0 if it is free)")
        set_missing_message(self.fields["service_type"], "Select the type of service")
        if not self.is_bound and "funding_stream" not in self.initial:
            self.initial["funding_stream"] = FundingStream.COUNCIL

    def clean_weekly_cost(self) -> int:
        value = self.cleaned_data["weekly_cost"]
        try:
            pence = pence_from_pounds(value)
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(amount_message(
                exc, "The cost a week", "Enter the cost a week in pounds and pence, like 120.50",
            )) from exc
        if pence < 0:
            raise forms.ValidationError("The cost a week must be 0 or more")
        return pence

    def clean_hours_per_week(self) -> Decimal | None:
        text = str(self.cleaned_data.get("hours_per_week") or "").strip()
        if not text:
            return None
        try:
            hours = Decimal(text)
        except InvalidOperation as exc:
            raise forms.ValidationError(
                "Enter the hours a week as a number, like 7.5") from exc
        if not hours.is_finite() or hours < 0 or hours > 168:
            raise forms.ValidationError("Enter the hours a week as a number from 0 to 168")
        if hours != hours.quantize(Decimal("0.01")):
            raise forms.ValidationError("Hours a week can have at most 2 decimal places")
        return hours.quantize(Decimal("0.01"))

    def line_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "outcome": self.outcomes.get(data["outcome"]),
            "what": data["what"].strip(), "who_kind": data["who_kind"],
            "who_name": data.get("who_name", "").strip(), "when": data.get("when", "").strip(),
            "hours_per_week": data.get("hours_per_week"), "weekly_cost": data["weekly_cost"],
            "option": data["option"], "funding_stream": data["funding_stream"],
            "service_type": data["service_type"],
            "contingency": data.get("contingency", "").strip(),
        }


def line_initial(line: SupportLine) -> dict[str, Any]:
    """A line's values as the form shows them (the cost in pounds, without the "£")."""
    hours = line.hours_per_week
    return {
        "outcome": str(line.outcome_id) if line.outcome_id else NO_OUTCOME,
        "what": line.what, "who_kind": line.who_kind, "who_name": line.who_name,
        "when": line.when, "hours_per_week": "" if hours is None else f"{hours.normalize():f}",
        "weekly_cost": f"{pounds(line.weekly_cost):.2f}",
        "option": line.option, "funding_stream": line.funding_stream,
        "service_type": line.service_type, "contingency": line.contingency,
    }


class ConfirmForm(_PlanForm):
    """A confirmation (remove a line, sign the plan, agree online): only the version."""


class OutcomeReasonForm(_PlanForm):
    reason = forms.CharField(
        label="Why does this outcome need no paid support?",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text='For example, "Met by her family and the lunch club" or "Not a priority '
                  'for now: looked at again at the review"')

    def prepare(self) -> None:
        super().prepare()
        set_max_length(self.fields["reason"], 2000)
        set_missing_message(self.fields["reason"],
                            "Say why this outcome needs no paid support")


class OverBudgetForm(_PlanForm):
    over_budget_reason = forms.CharField(
        label="Reasons for the decision", widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Why the plan may cost more than the budget, and until when. The person "
                  "will read this.")

    def prepare(self) -> None:
        super().prepare()
        set_max_length(self.fields["over_budget_reason"], 2000)
        set_missing_message(self.fields["over_budget_reason"],
                            "Give the reasons for the decision")


class RecordAgreementForm(_PlanForm):
    """The worker records how the person agreed: in a meeting, by phone or another way."""

    person_agreed_how = radios(
        [(value, label) for value, label in AgreedHow.choices if value != AgreedHow.ONLINE],
        "How did the person agree the plan?", "Select how the person agreed the plan")
    person_agreed_on = GovukDateField(label="Date they agreed",
                                      help_text="For example, 25 11 2026")
    person_agreed_note = forms.CharField(
        label="How they agreed, in a few words", required=False,
        help_text='Needed for "another way", like "by nodding when asked, with their advocate"')

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        self.today = today
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        super().prepare()
        set_max_length(self.fields["person_agreed_note"], 300)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        on = data.get("person_agreed_on")
        if on is not None and on > self.today:
            self.add_error("person_agreed_on", "Date they agreed must be today or in the past")
        if (data.get("person_agreed_how") == AgreedHow.PREFERRED
                and not str(data.get("person_agreed_note", "")).strip()):
            self.add_error("person_agreed_note", 'Say how the person agreed, like "by nodding '
                                                 'when asked, with their advocate"')
        return data


# The value of the support line radio for a request not yet tied to a line.
NO_LINE = "none"
YES_NO = [("yes", "Yes"), ("no", "No")]


class FamilyPaRequestForm(_PlanForm):
    """A family member paid as a personal assistant. Only whether they live with the
    person is needed here; ``plans.family_pa_request`` checks the rest (the conditions,
    the circumstances, the reasons) and names each field that is wrong, all at once."""

    no_optional_marks = True

    family_member = forms.CharField(label="The family member's name", required=False)
    relationship = forms.CharField(label="How are they related to the person?", required=False,
                                   help_text="For example, daughter, nephew or husband")
    lives_with_person = radios(
        YES_NO, "Does the family member live with the person?",
        "Select yes if the family member lives with the person",
        help_text="A family member who lives with the person does not need to be a member "
                  "of the PVG scheme. Anyone else paid as a personal assistant does.")
    both_agree = forms.BooleanField(
        label="The person and the family member both agree to the arrangement", required=False)
    can_meet_needs = forms.BooleanField(
        label="The family member is able to meet the person's needs", required=False)
    circumstances = forms.MultipleChoiceField(
        label="Which circumstances apply?", required=False,
        choices=list(FamilyCircumstance.choices), widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. At least one is needed.")
    other_reason = forms.CharField(label="What is the other reason?", required=False)
    reason = forms.CharField(
        label="Why, in the person's situation?", required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text='For example, "No care agency covers the island, and none will travel"')
    line = radios([], "Which personal assistant support line is it for? (optional)", "",
                  required=False)

    def __init__(self, *args: Any, lines: list[SupportLine], **kwargs: Any) -> None:
        self.lines = {str(line.pk): line for line in lines}
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        super().prepare()
        line = self.fields["line"]
        assert isinstance(line, forms.ChoiceField)
        line.choices = [*((pk, f"{item.what}{f' ({item.who_name})' if item.who_name else ''}")
                          for pk, item in self.lines.items()),
                        (NO_LINE, "Not for a support line yet")]
        set_max_length(self.fields["family_member"], 150)
        set_max_length(self.fields["relationship"], 100)
        set_max_length(self.fields["other_reason"], 300)
        set_max_length(self.fields["reason"], 2000)

    @property
    def conditions_fields(self) -> list[Any]:
        """The two conditions, shown together in one fieldset."""
        return [self["both_agree"], self["can_meet_needs"]]

    def request_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "family_member": data.get("family_member", ""),
            "relationship": data.get("relationship", ""),
            "lives_with_person": data["lives_with_person"] == "yes",
            "both_agree": bool(data.get("both_agree")),
            "can_meet_needs": bool(data.get("can_meet_needs")),
            "circumstances": list(data.get("circumstances") or []),
            "other_reason": data.get("other_reason", ""),
            "reason": data.get("reason", ""),
            "line": self.lines.get(data.get("line") or ""),
        }


class FamilyPaDecideForm(GovukMessagesForm):
    decision = radios([("approve", "Approve: the family member may be paid as a personal "
                                   "assistant"),
                       ("refuse", "Refuse")],
                      "What is the decision?", "Select approve or refuse")
    decision_reason = forms.CharField(
        label="Reasons for the decision", widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The person will read this.")

    def prepare(self) -> None:
        set_max_length(self.fields["decision_reason"], 2000)
        set_missing_message(self.fields["decision_reason"], "Give the reasons for the decision")
