"""The forms of the budget pages: the questionnaire's answers, an adjustment, and the
team manager's reasons for agreeing a budget. Each only parses what was typed; the
services decide (and name the field when they refuse)."""

from __future__ import annotations

from typing import Any

from django import forms

from selfdirect.allocation.models import BudgetAdjustment, RasDomain, ReasonCode
from selfdirect.core.forms import GovukForm, apply_govuk_messages

REASON_LIMIT = 2000


class RasAnswersForm(GovukForm):
    """One set of radios per question of the questionnaire in force, named by the
    question's code. Every question may be left for later: ``unanswered`` lists what is
    left once the saved answers are counted."""

    def __init__(self, data: Any = None, *, domains: list[RasDomain],
                 current: dict[str, str]) -> None:
        super().__init__(data, initial=current)
        self.domains = domains
        for domain in domains:
            for question in domain.questions.all():
                self.fields[question.code] = forms.ChoiceField(
                    label=question.text, required=False, widget=forms.RadioSelect,
                    choices=[(a.code, a.text) for a in question.answers.all()])
        self.no_optional_marks = True

    def groups(self) -> list[tuple[RasDomain, list[forms.BoundField]]]:
        """The questions under their domain, in the questionnaire's order."""
        return [(d, [self[q.code] for q in d.questions.all()]) for d in self.domains]

    def chosen(self) -> dict[str, str]:
        return {code: value for code, value in self.cleaned_data.items() if value}

    def mark_unanswered(self, codes: list[str]) -> None:
        for code in codes:
            self.add_error(code, f"Select an answer for: {self.fields[code].label}")


DIRECTIONS = [("add", "Add to the budget"), ("subtract", "Take off the budget")]
MEASURES = [("amount", "An amount in pounds"),
            ("percent", "A percentage of the sum the questionnaire gave")]
_KIND = {("add", "amount"): BudgetAdjustment.Kind.ADD_AMOUNT,
         ("subtract", "amount"): BudgetAdjustment.Kind.SUBTRACT_AMOUNT,
         ("add", "percent"): BudgetAdjustment.Kind.ADD_PERCENT,
         ("subtract", "percent"): BudgetAdjustment.Kind.SUBTRACT_PERCENT}


class AdjustmentForm(GovukForm):
    """The kind of adjustment is asked as two plain questions (add or take off; an amount
    or a percentage), and the amount or the percentage is revealed under the choice it
    belongs to. ``service_fields`` gives ``budget_adjust`` its arguments."""

    direction = forms.ChoiceField(label="Add to the budget or take off it", choices=DIRECTIONS,
                                  widget=forms.RadioSelect)
    measure = forms.ChoiceField(label="How much", choices=MEASURES, widget=forms.RadioSelect)
    amount = forms.CharField(label="Amount a year, in pounds", required=False, max_length=20,
                             help_text="For example, 520.00")
    percent = forms.CharField(label="Percentage", required=False, max_length=10,
                              help_text="For example, 12.5")
    reason_code = forms.ChoiceField(
        label="Reason", widget=forms.RadioSelect,
        choices=[(c.value, c.label) for c in ReasonCode if c != ReasonCode.PANEL])
    reason = forms.CharField(
        label="Why, in words the person will read", max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The person sees this on their budget. Write it in plain English.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)
        self.fields["direction"].error_messages["required"] = (
            "Select whether to add to the budget or take off it")
        self.fields["measure"].error_messages["required"] = (
            "Select an amount in pounds or a percentage")
        self.fields["reason"].error_messages["required"] = "Enter why the budget is being adjusted"
        self.fields["reason_code"].error_messages["required"] = (
            "Select the main reason for the adjustment")
        self.fields["amount"].widget.attrs.update({"class": "govuk-input--width-10",
                                                   "inputmode": "decimal",
                                                   "spellcheck": "false"})
        self.fields["percent"].widget.attrs.update({"class": "govuk-input--width-5",
                                                    "inputmode": "decimal",
                                                    "spellcheck": "false"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        measure = data.get("measure")
        if measure == "amount" and not (data.get("amount") or "").strip():
            self.add_error("amount", "Enter the amount in pounds, like 520.00")
        if measure == "percent" and not (data.get("percent") or "").strip():
            self.add_error("percent", "Enter the percentage, like 12.5")
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        measure = data["measure"]
        return {
            "kind": _KIND[(data["direction"], measure)],
            "amount": data["amount"].strip() if measure == "amount" else None,
            "percent": data["percent"].strip() if measure == "percent" else None,
            "reason_code": data["reason_code"], "reason": data["reason"],
        }

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """The service names ``kind``; this form asks it as ``measure``."""
        for field, messages in errors.items():
            target = "measure" if field == "kind" else field
            self.add_error(target if target in self.fields else None, messages)


class AgreeForm(GovukForm):
    decision_reason = forms.CharField(
        label="Reasons for agreeing the budget", max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The person reads these reasons on their budget. Write them in plain English, "
                  "to the person.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)
        self.fields["decision_reason"].error_messages["required"] = (
            "Enter the reasons for agreeing the budget")
