"""Forms for the person's own pages and the public "Ask for support" page.

Plain English, second person, every question optional unless the service cannot work
without it. Rendered with the GOV.UK renderer (docs/decisions/0002-govuk-forms.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, validate_email

from selfdirect.assessments.models import TEXT_MAX, SelfReferral
from selfdirect.authorities.models import Authority
from selfdirect.core.forms import (
    GovukDateField,
    GovukForm,
    apply_govuk_messages,
    choice_field,
    model_choice_field,
)
from selfdirect.people.validators import validate_postcode

OUTCOME_WORDS_MAX = 1000  # PersonalOutcome.in_own_words


def _too_long_message(field: forms.Field, message: str) -> None:
    for validator in field.validators:
        if isinstance(validator, MaxLengthValidator):
            validator.message = message


# --- Supported self-assessment -----------------------------------------------------------

QUESTIONS: tuple[tuple[str, str, str, str], ...] = (
    # name, the question, its prompt, what an error message calls the answer
    ("what_matters", "What matters to you?",
     "For example, the people, places and things you enjoy, or what a good day is like "
     "for you.", "what matters to you"),
    ("what_works", "What is working well for you at the moment?",
     "For example, things you can do yourself, or help that already makes a difference.",
     "what is working well"),
    ("what_is_hard", "What is hard for you at the moment?",
     "For example, things you find difficult to do, or things you worry about.",
     "what is hard"),
    ("who_helps", "Who helps you now?",
     "For example, family, friends, neighbours, or groups you go to.", "who helps you"),
)
QUESTION_NAMES = tuple(q[0] for q in QUESTIONS)


class SelfAssessmentForm(GovukForm):
    """The four questions of the supported self-assessment. Each one is optional."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, hint, _ in QUESTIONS:
            self.fields[name] = forms.CharField(
                label=label, help_text=hint, required=False, max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "true"}))
        apply_govuk_messages(self)
        for name, _, _, short in QUESTIONS:
            # "What matters to you? must be ..." reads badly: name the answer instead.
            _too_long_message(self.fields[name], f"Your answer about {short} must be "
                                                 f"{TEXT_MAX:,} characters or fewer")

    def answers(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in QUESTION_NAMES}


@dataclass(frozen=True)
class TypicalOutcome:
    """One line of the menu: an everyday outcome in the first person, and the category it
    belongs to in each country's framework (Talking Points in Scotland, ASCOT in England)."""

    key: str
    group: str
    text: str
    scotland: str
    england: str


# About a dozen everyday examples, grouped like Talking Points' quality-of-life outcomes.
TYPICAL_OUTCOMES: tuple[TypicalOutcome, ...] = (
    TypicalOutcome("friends", "Seeing people", "I want to see my friends more often",
                   "seeing_people", "ascot_social"),
    TypicalOutcome("family", "Seeing people", "I want to spend more time with my family",
                   "seeing_people", "ascot_social"),
    TypicalOutcome("enjoy", "Having things to do",
                   "I want to get out of the house and do things I enjoy",
                   "things_to_do", "ascot_occupation"),
    TypicalOutcome("learn", "Having things to do",
                   "I want to learn something new, work or volunteer",
                   "things_to_do", "ascot_occupation"),
    TypicalOutcome("safe_home", "Feeling safe", "I want to feel safe at home, day and night",
                   "feeling_safe", "ascot_safety"),
    TypicalOutcome("safe_out", "Feeling safe", "I want to feel safe when I go out",
                   "feeling_safe", "ascot_safety"),
    TypicalOutcome("look_after", "Staying well",
                   "I want to keep clean and comfortable and look after myself",
                   "staying_well", "ascot_cleanliness"),
    TypicalOutcome("eat_well", "Staying well", "I want to eat well and have meals I enjoy",
                   "staying_well", "ascot_food"),
    TypicalOutcome("stay_home", "Living the way you want",
                   "I want to keep living in my own home",
                   "living_where_you_want", "ascot_accommodation"),
    TypicalOutcome("my_routine", "Living the way you want",
                   "I want to choose when I get up, wash and go to bed",
                   "living_where_you_want", "ascot_control"),
    TypicalOutcome("get_about", "Getting about and feeling confident",
                   "I want to get around my home and my area more easily",
                   "mobility", "ascot_control"),
    TypicalOutcome("confident", "Getting about and feeling confident",
                   "I want to feel more confident and do more for myself",
                   "confidence_morale", "ascot_dignity"),
)
TYPICAL_BY_KEY = {item.key: item for item in TYPICAL_OUTCOMES}


def typical_groups() -> list[tuple[str, list[TypicalOutcome]]]:
    """The menu in its groups, in order."""
    groups: dict[str, list[TypicalOutcome]] = {}
    for item in TYPICAL_OUTCOMES:
        groups.setdefault(item.group, []).append(item)
    return list(groups.items())


class OutcomeMenuForm(GovukForm):
    """Tick the things you would like to change, or say it in your own words."""

    chosen = forms.MultipleChoiceField(
        label="What would you like to change?", required=False,
        choices=[(item.key, item.text) for item in TYPICAL_OUTCOMES],
        widget=forms.CheckboxSelectMultiple)
    own_words = forms.CharField(
        label="Something else, in your own words", required=False,
        max_length=OUTCOME_WORDS_MAX,
        help_text="For example, “I want to go back to the swimming club on Saturdays”. "
                  "Leave this empty if you do not want to add anything.",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "true"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)
        self.fields["chosen"].error_messages["invalid_choice"] = (
            "Choose from the list of examples")


class RemoveOutcomeForm(GovukForm):
    outcome = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(GovukForm):
    text = forms.CharField(
        label="Add a comment", max_length=TEXT_MAX,
        help_text="For example, something we got wrong or missed, or something that has "
                  "changed. Your worker will read it.",
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "true"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)
        self.fields["text"].error_messages["required"] = "Enter your comment"
        _too_long_message(self.fields["text"],
                          f"Your comment must be {TEXT_MAX:,} characters or fewer")


# --- Asking for support without signing in ----------------------------------------------

_PHONE_CHARACTERS = re.compile(r"[0-9 +()\-.]+")
CONTACT_MESSAGE = ("Enter a phone number, like 0131 496 0000, or an email address, "
                   "like name@example.com")


def validate_contact(value: str) -> None:
    """A phone number (7 to 15 digits, with the spaces and brackets people type) or an
    email address."""
    value = value.strip()
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise ValidationError(CONTACT_MESSAGE, code="invalid") from exc
        return
    digits = re.sub(r"\D", "", value)
    if not _PHONE_CHARACTERS.fullmatch(value) or not 7 <= len(digits) <= 15:
        raise ValidationError(CONTACT_MESSAGE, code="invalid")


class SelfReferralForm(GovukForm):
    """The public "Ask for support" form: a few short questions on one page."""

    YES, NO = "yes", "no"

    authority = forms.ModelChoiceField(
        label="Which council do you want to ask for support?",
        help_text="Usually the council for the area where the person who needs support lives.",
        queryset=Authority.objects.order_by("name"), empty_label=None,
        widget=forms.RadioSelect)
    for_whom = forms.ChoiceField(
        label="Who needs support?",
        choices=[(SelfReferral.ForWhom.ME, "I do"),
                 (SelfReferral.ForWhom.SOMEONE_I_CARE_FOR, "Someone I care for")],
        widget=forms.RadioSelect)
    referrer_name = forms.CharField(
        label="Your name", required=False, max_length=200,
        help_text="Only if you are asking for someone else.")
    name = forms.CharField(label="Name of the person who needs support", max_length=200,
                           help_text="If this is for you, enter your own name.")
    contact = forms.CharField(
        label="Phone number or email address", max_length=200,
        help_text="So a worker can contact you. If you are asking for someone else, give "
                  "your own.")
    how_to_contact = forms.CharField(
        label="Anything we should know about contacting you", required=False,
        max_length=200,
        help_text="For example, the best time to phone, or text messages only.")
    what_help = forms.CharField(
        label="What help is needed?", max_length=TEXT_MAX,
        help_text="A few words are enough. A worker will talk it through with you.",
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "true"}))
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, birth_date=True,
        help_text="Of the person who needs support. For example, 27 3 1958. This helps us "
                  "find their records. Leave it empty if you do not know it.")
    postcode = forms.CharField(
        label="Postcode", required=False, max_length=10,
        help_text="Of the person who needs support. For example, EH1 1YZ.")
    communication_needs = forms.CharField(
        label="Tell us how you would like us to communicate", required=False,
        max_length=1000,
        help_text="For example, BSL, easy read, large print, or another language.",
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "true"}))
    wants_advocate = forms.ChoiceField(
        label="Would you like an independent advocate to help you?",
        help_text="An advocate is on your side and does not work for the council. They can "
                  "help you say what you want. It is free.",
        choices=[(YES, "Yes"), (NO, "No")], widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attrs = {
            "referrer_name": {"autocomplete": "name", "spellcheck": "false"},
            "name": {"spellcheck": "false"},
            "contact": {"spellcheck": "false"},
            "postcode": {"class": "govuk-input--width-10", "spellcheck": "false"},
        }
        for name, extra in attrs.items():
            self.fields[name].widget.attrs.update(extra)
        apply_govuk_messages(self)
        model_choice_field(self, "authority").error_messages.update({
            "required": "Select the council you want to ask for support",
            "invalid_choice": "Select the council you want to ask for support"})
        choice_field(self, "for_whom").error_messages.update({
            "required": "Select who needs support",
            "invalid_choice": "Select who needs support"})
        choice_field(self, "wants_advocate").error_messages.update({
            "required": "Select yes if you would like an independent advocate",
            "invalid_choice": "Select yes if you would like an independent advocate"})
        self.fields["name"].error_messages["required"] = (
            "Enter the name of the person who needs support")
        self.fields["contact"].error_messages["required"] = (
            "Enter a phone number or email address, so a worker can contact you")
        self.fields["what_help"].error_messages["required"] = (
            "Enter what help is needed: a few words are enough")

    def clean_contact(self) -> str:
        value: str = self.cleaned_data["contact"].strip()
        validate_contact(value)
        return value

    def clean_postcode(self) -> str:
        value: str = self.cleaned_data["postcode"].strip()
        if value:
            try:
                validate_postcode(value)
            except ValidationError as exc:
                raise ValidationError(
                    "Enter a full UK postcode, like EH1 1YZ, or leave it empty") from exc
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("for_whom") == SelfReferral.ForWhom.SOMEONE_I_CARE_FOR
                and not (data.get("referrer_name") or "").strip()
                and "referrer_name" not in self.errors):
            self.add_error("referrer_name", "Enter your name, so we know who is asking")
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "authority": data["authority"], "for_whom": data["for_whom"],
            "name": data["name"].strip(), "contact": data["contact"],
            "what_help": data["what_help"], "date_of_birth": data["date_of_birth"],
            "postcode": data["postcode"], "how_to_contact": data["how_to_contact"],
            "referrer_name": data["referrer_name"].strip(),
            "communication_needs": data["communication_needs"],
            "wants_advocate": data["wants_advocate"] == self.YES,
        }
