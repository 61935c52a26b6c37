"""Forms for the referral and assessment pages. Each only parses and checks what was
typed; the service it feeds checks the rules and says what is wrong, field by field
(``core.views.add_service_errors`` puts those messages on the fields named here)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from selfdirect.assessments.models import (
    Assessment,
    Band,
    Contribution,
    Conversation,
    NeedArea,
    Referral,
    Risk,
)
from selfdirect.assessments.services import ASSESSMENT_TEXT_FIELDS, DEFAULT_CHALLENGE_ROUTE
from selfdirect.core import clock
from selfdirect.core.forms import (
    GovukDateField,
    GovukForm,
    GovukModelForm,
    apply_govuk_messages,
    choice_field,
    max_length_message,
    model_choice_field,
)
from selfdirect.outcomes.models import OutcomeTerm, PersonalOutcome
from selfdirect.outcomes.selectors import terms_for
from selfdirect.people.models import ClientGroup, Person

AREA_REASON_MAX = 2000


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _drop_blank_choice(form: forms.BaseForm, name: str) -> None:
    """Radios need no "---------" option: nothing chosen is the blank."""
    field = choice_field(form, name)
    field.choices = [c for c in field.choices if c[0] not in ("", None)]  # type: ignore[union-attr,index,misc]


def _set_length_message(field: forms.Field, message: str) -> None:
    for validator in field.validators:
        if isinstance(validator, MaxLengthValidator):
            validator.message = message


# --- Referrals ---------------------------------------------------------------------------


class ReferralForm(GovukModelForm):
    received_on = GovukDateField(label="Date received", help_text="For example, 27 3 2025")

    class Meta:
        model = Referral
        fields = ["source", "referrer_name", "referrer_contact", "reason", "urgency",
                  "received_on"]
        widgets = {"source": forms.RadioSelect, "urgency": forms.RadioSelect,
                   "reason": _textarea(5)}
        help_texts = {
            "referrer_name": "Leave blank when the person referred themself",
            "reason": "In the words of whoever asked, as far as you can",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _drop_blank_choice(self, "source")
        _drop_blank_choice(self, "urgency")
        self.fields["received_on"].initial = clock.today()
        apply_govuk_messages(self)

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


# --- The assessment ----------------------------------------------------------------------


class AssessmentForm(GovukModelForm):
    class Meta:
        model = Assessment
        fields = list(ASSESSMENT_TEXT_FIELDS)
        widgets = {name: _textarea(5) for name in ASSESSMENT_TEXT_FIELDS}
        labels = {"person_view": "The person's own view of the assessment, in their words"}
        help_texts = {
            "areas_discussed": "For example: getting washed and dressed, meals, seeing friends",
            "strengths": "What the person does well and what is working",
            "networks": "Family, friends, neighbours, groups and services",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)

    def service_fields(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ASSESSMENT_TEXT_FIELDS}


# --- Conversations -----------------------------------------------------------------------

_TIME = re.compile(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])")
TIME_FORMAT_MESSAGE = "Conversation time must be in 24-hour clock, like 09:30 or 14:30"


class ConversationBookForm(GovukForm):
    """When, how and with whom; and, when the person has communication needs, what has
    been arranged for them (the service refuses a booking that does not say)."""

    no_optional_marks = False

    date = GovukDateField(label="Conversation date", help_text="For example, 27 3 2026")
    time = forms.CharField(label="Conversation time", max_length=5,
                           help_text="In 24-hour clock, for example 09:30 or 14:30",
                           widget=forms.TextInput(attrs={"class": "govuk-input--width-5",
                                                         "inputmode": "numeric",
                                                         "autocomplete": "off"}))
    mode = forms.ChoiceField(label="How it will happen", choices=Conversation.Mode.choices,
                             widget=forms.RadioSelect)
    location = forms.CharField(label="Where", max_length=200, required=False,
                               help_text="For example, at home, or the video link to use")
    participants = forms.CharField(label="Who will take part", max_length=1000,
                                   required=False, widget=_textarea(3))
    adjustments = forms.CharField(
        label="Adjustments arranged", max_length=1000, required=False, widget=_textarea(3),
        help_text="For example: BSL interpreter booked, easy-read agenda sent")
    needs_acknowledged = forms.BooleanField(label="I have arranged for these needs",
                                            required=False)

    def __init__(self, *args: Any, needs: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs:
            # The service needs the adjustments and the confirmation, so nothing here is
            # marked optional; the boxes that are say so in their hints.
            self.no_optional_marks = True
            self.fields["location"].help_text = f"Optional. {self.fields['location'].help_text}"
            self.fields["participants"].help_text = "Optional"
            self.fields["adjustments"].help_text = "What has been arranged for each need"
        else:
            del self.fields["needs_acknowledged"]
        apply_govuk_messages(self)
        self.fields["mode"].error_messages["required"] = "Select how the conversation will happen"
        self.fields["time"].error_messages["required"] = "Enter conversation time, like 14:30"
        _set_length_message(self.fields["time"], TIME_FORMAT_MESSAGE)

    def clean_time(self) -> datetime.time:
        typed = self.cleaned_data["time"].strip()
        match = _TIME.fullmatch(typed)
        if match is None:
            raise forms.ValidationError(TIME_FORMAT_MESSAGE)
        return datetime.time(int(match.group(1)), int(match.group(2)))

    def when(self) -> datetime.datetime:
        day: datetime.date = self.cleaned_data["date"]
        at: datetime.time = self.cleaned_data["time"]
        return timezone.make_aware(datetime.datetime.combine(day, at))

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"when": self.when(), "mode": data["mode"], "location": data["location"],
                "participants": data["participants"], "adjustments": data["adjustments"],
                "needs_acknowledged": data.get("needs_acknowledged", False)}


class ConversationRecordForm(GovukForm):
    participants = forms.CharField(label="Who took part", max_length=1000, widget=_textarea(3))
    notes = forms.CharField(label="What was talked about", max_length=5000, widget=_textarea(8))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)


class ConversationCancelForm(GovukForm):
    reason = forms.CharField(label="Why it is cancelled", max_length=80,
                             help_text="For example, the interpreter was not available")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)


# --- Outcomes ----------------------------------------------------------------------------


def _grouped(field: forms.BoundField, group_of: Any) -> list[tuple[str, list[Any]]]:
    """The options of a radios or checkboxes field in groups, in order of first appearance."""
    groups: dict[str, list[Any]] = {}
    for option in field.subwidgets:
        value = option.data["value"]
        term = getattr(value, "instance", None)
        groups.setdefault(group_of(term) if term is not None else "", []).append(option)
    return list(groups.items())


class OutcomeForm(GovukModelForm):
    """A personal outcome in the person's words. Only the words are needed to note it;
    the quality checks (outcomes.quality) decide when it can be agreed."""

    class Meta:
        model = PersonalOutcome
        fields = ["in_own_words", "category", "national_outcomes", "better_looks_like",
                  "measure", "priority", "proposed_by"]
        widgets = {
            "in_own_words": _textarea(3), "category": forms.RadioSelect,
            "national_outcomes": forms.CheckboxSelectMultiple,
            "better_looks_like": _textarea(3), "measure": _textarea(3),
            "priority": forms.RadioSelect, "proposed_by": forms.RadioSelect,
        }
        labels = {
            "in_own_words": "What matters, in the person's own words",
            "category": "Outcome category",
            "national_outcomes": "National outcomes it serves",
            "better_looks_like": 'What "better" looks like',
            "measure": "How you will both know",
            "proposed_by": "Who proposed it",
        }
        help_texts = {
            "in_own_words": "Write it as they said it, for example \"I want to get back to "
                            "the Thursday lunch club\"",
            "category": "Needed before the outcome can be agreed",
            "national_outcomes": "Select all that apply",
            "better_looks_like": "What will be different for the person. Needed before the "
                                 "outcome can be agreed.",
            "measure": "An indicator or measure both sides can check, for example \"goes "
                       "to the lunch club twice a week\". Needed before the outcome can be "
                       "agreed.",
        }

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = person.authority.country
        category = model_choice_field(self, "category")
        category.queryset = terms_for(country=country, role=OutcomeTerm.Role.CATEGORY,
                                      carer=person.client_group == ClientGroup.CARER)
        category.empty_label = None
        category.required = False
        national = model_choice_field(self, "national_outcomes")
        national.queryset = terms_for(country=country, role=OutcomeTerm.Role.NATIONAL)
        _drop_blank_choice(self, "priority")
        _drop_blank_choice(self, "proposed_by")
        apply_govuk_messages(self)
        self.fields["in_own_words"].error_messages["required"] = (
            "Enter what matters, in the person's own words")
        self.fields["national_outcomes"].error_messages["invalid_choice"] = (
            "Select national outcomes from the list")
        self.fields["national_outcomes"].error_messages["invalid_pk_value"] = (
            "Select national outcomes from the list")

    def category_groups(self) -> list[tuple[str, list[Any]]]:
        """Talking Points categories under their group (quality of life, process, change)."""
        return _grouped(self["category"], lambda term: term.group_name)

    def national_groups(self) -> list[tuple[str, list[Any]]]:
        return _grouped(self["national_outcomes"], lambda term: term.framework_name)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"in_own_words": data["in_own_words"], "category": data["category"],
                "national_outcomes": list(data["national_outcomes"]),
                "better_looks_like": data["better_looks_like"], "measure": data["measure"],
                "priority": data["priority"], "proposed_by": data["proposed_by"]}


# --- Contributions and risks -------------------------------------------------------------


class ContributionForm(GovukModelForm):
    class Meta:
        model = Contribution
        fields = ["contributor_name", "contributor_role", "content", "worker_only"]
        widgets = {"contributor_role": forms.RadioSelect, "content": _textarea(6)}
        help_texts = {"content": "As they said it. Say if you are summarising."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _drop_blank_choice(self, "contributor_role")
        apply_govuk_messages(self)

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


class RiskForm(GovukModelForm):
    class Meta:
        model = Risk
        fields = ["risk", "what_person_wants", "how_shared", "who_does_what"]
        widgets = {name: _textarea(3) for name in fields}
        help_texts = {"risk": "What could go wrong, and how likely it is",
                      "what_person_wants": "Risks are shared and enabled, not only avoided"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


# --- Eligibility -------------------------------------------------------------------------


class EligibilityForm(GovukForm):
    """A band (or "not assessed") and a reason for each area of need, then the decision's
    words. The service works out the overall band and holds it against the threshold."""

    no_optional_marks = True  # nine optional pairs: the page says to leave areas blank

    reasons = forms.CharField(label="Reasons for the decision", max_length=5000,
                              widget=_textarea(5),
                              help_text="In plain words: the person will read this")
    next_steps = forms.CharField(label="What happens next", max_length=5000, widget=_textarea(3))
    signposting = forms.CharField(
        label="Community support suggested", max_length=5000, required=False,
        widget=_textarea(3),
        help_text="Needed when the needs are below the authority's threshold")
    challenge_route = forms.CharField(label="How to challenge this decision", max_length=5000,
                                      widget=_textarea(5), initial=DEFAULT_CHALLENGE_ROUTE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision_fields = {name: self.fields.pop(name) for name in list(self.fields)}
        for area in NeedArea:
            self.fields[f"band_{area.value}"] = forms.ChoiceField(
                label="Band", required=False, choices=[("", "Not assessed"), *Band.choices])
            self.fields[f"reason_{area.value}"] = forms.CharField(
                label="Reason for the band", required=False, max_length=AREA_REASON_MAX,
                widget=_textarea(2))
        self.fields.update(decision_fields)
        apply_govuk_messages(self)
        for area in NeedArea:
            name = area.label.lower()
            self.fields[f"band_{area.value}"].error_messages["invalid_choice"] = (
                f"Select the band for {name} from the list")  # noqa: S608
            _set_length_message(self.fields[f"reason_{area.value}"], max_length_message(
                f"The reason for {name}", AREA_REASON_MAX))

    def area_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(area.label, self[f"band_{area.value}"], self[f"reason_{area.value}"])
                for area in NeedArea]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = 0
        for area in NeedArea:
            band = data.get(f"band_{area.value}")
            reason = (data.get(f"reason_{area.value}") or "").strip()
            name = area.label.lower()
            if band:
                chosen += 1
                if not reason and f"reason_{area.value}" not in self.errors:
                    self.add_error(f"reason_{area.value}",
                                   f"Enter the reason for the band of {name}")
            elif reason:
                self.add_error(f"band_{area.value}",
                               f"Select the band for {name}, or delete its reason")
        if not chosen and not any(f"band_{a.value}" in self.errors for a in NeedArea):
            self.add_error(f"band_{NeedArea.values[0]}",
                           "Select the band of at least one area of need, with its reason")
        return data

    def areas(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        return [(area.value, data[f"band_{area.value}"], data[f"reason_{area.value}"])
                for area in NeedArea if data.get(f"band_{area.value}")]

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"areas": self.areas(), "reasons": data["reasons"],
                "next_steps": data["next_steps"], "signposting": data["signposting"],
                "challenge_route": data["challenge_route"]}


# --- Support started ---------------------------------------------------------------------


class ServiceStartedForm(GovukForm):
    service_started_on = GovukDateField(label="Date support started",
                                        help_text="For example, 3 11 2025")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)

    def clean_service_started_on(self) -> datetime.date:
        started: datetime.date = self.cleaned_data["service_started_on"]
        if started > clock.today():
            raise forms.ValidationError("Date support started must be today or in the past")
        return started

