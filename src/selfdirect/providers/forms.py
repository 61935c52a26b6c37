"""Forms for the directory pages. Each parses what was typed; the services check the rest
and name the field that is wrong."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from selfdirect.authorities.models import Authority
from selfdirect.charging.catalogue import ServiceType
from selfdirect.core import clock
from selfdirect.core.forms import (
    GovukDateField,
    GovukMessagesForm,
    number_input,
    radios,
    set_max_length,
    set_missing_message,
)
from selfdirect.people.models import CarerGender
from selfdirect.providers.models import (
    Commitment,
    CoverTime,
    FoodPractice,
    Gender,
    PvgStatus,
    Regulator,
)

DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
MOST_HOURS = 168


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


def _clean_district(form: forms.Form, name: str) -> str:
    value = "".join(str(form.cleaned_data.get(name) or "").split()).upper()
    if value and not DISTRICT.match(value):
        raise forms.ValidationError(
            "Enter the first part of a postcode, like EH6 or M14")
    return value


class SearchForm(GovukMessagesForm):
    """The directory search. Every question is optional: the fewer answered, the more
    providers are listed."""

    service_type = forms.ChoiceField(label="Type of service", required=False,
                                     choices=[("", "Any type of service"), *ServiceType.choices])
    authority = forms.ModelChoiceField(label="Council", required=False,
                                       queryset=Authority.objects.order_by("name"),
                                       empty_label="Any council")
    district = forms.CharField(label="Area (first part of the postcode)", required=False,
                               max_length=8, help_text="For example, EH6 or M14")
    language = forms.CharField(label="Language carers speak", required=False, max_length=100,
                               help_text="For example, Urdu, Polish or BSL")
    carer_gender = forms.ChoiceField(label="Gender of carers", required=False,
                                     choices=CarerGender.choices, widget=forms.RadioSelect)
    food = forms.MultipleChoiceField(label="Food and cooking", required=False,
                                     choices=FoodPractice.choices,
                                     widget=forms.CheckboxSelectMultiple)
    times = forms.MultipleChoiceField(label="Times support is needed", required=False,
                                      choices=CoverTime.choices,
                                      widget=forms.CheckboxSelectMultiple)
    hours = forms.IntegerField(label="Hours a week needed", required=False, min_value=1,
                               max_value=MOST_HOURS)

    def prepare(self) -> None:
        number_input(self.fields["hours"], suffix="hours")
        self.fields["hours"].error_messages.update({
            "invalid": "Enter hours a week as a whole number, like 20",
            "min_value": "Hours a week must be 1 or more",
            "max_value": f"Hours a week must be {MOST_HOURS} or fewer"})

    def clean_district(self) -> str:
        return _clean_district(self, "district")


class ProviderForm(GovukMessagesForm):
    name = forms.CharField(label="Name of the provider", max_length=200)
    description = forms.CharField(label="What the provider does", required=False,
                                  max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    website = forms.URLField(label="Website", required=False, assume_scheme="https",
                             help_text="For example, https://www.example.org.uk")
    phone = forms.CharField(label="Phone number", required=False, max_length=30)
    email = forms.EmailField(label="Email address", required=False)
    regulator = forms.ChoiceField(label="Care regulator", required=False,
                                  choices=[("", "Not registered"), *Regulator.choices])
    registration_number = forms.CharField(label="Registration number with the regulator",
                                          required=False, max_length=30)
    commitments = forms.MultipleChoiceField(label="Equality commitments", required=False,
                                            choices=Commitment.choices,
                                            widget=forms.CheckboxSelectMultiple)
    languages = forms.CharField(label="Languages spoken besides English", required=False,
                                max_length=500,
                                help_text="Separate them with commas, like Urdu, Polish, BSL")
    active = forms.BooleanField(label="Taking on new people", required=False, initial=True)

    def prepare(self) -> None:
        self.fields["website"].error_messages["invalid"] = (
            "Enter the website in the correct format, like https://www.example.org.uk")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("registration_number") and not data.get("regulator"):
            self.add_error("regulator", "Select the care regulator the number is with")
        return data

    def provider_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["name"], "description": data["description"],
                "website": data["website"], "phone": data["phone"], "email": data["email"],
                "regulator": data["regulator"],
                "registration_number": data["registration_number"],
                "commitments": list(data["commitments"]),
                "languages": _words(data["languages"]), "active": data["active"]}


class NewProviderForm(ProviderForm):
    """A new provider with its first service and where it works in the user's council."""

    service_name = forms.CharField(label="Name of the service", max_length=200,
                                   help_text="For example, Care at home")
    service_types = forms.MultipleChoiceField(label="Types of service",
                                              choices=ServiceType.choices,
                                              widget=forms.CheckboxSelectMultiple)
    female_carers = forms.BooleanField(label="Female carers available", required=False)
    male_carers = forms.BooleanField(label="Male carers available", required=False)
    food_practices = forms.MultipleChoiceField(label="Food and cooking it can provide",
                                               required=False, choices=FoodPractice.choices,
                                               widget=forms.CheckboxSelectMultiple)
    times = forms.MultipleChoiceField(label="Times it can cover", required=False,
                                      choices=CoverTime.choices,
                                      widget=forms.CheckboxSelectMultiple)
    capacity_hours = forms.IntegerField(label="Hours a week it can take on", required=False,
                                        min_value=0, max_value=100_000)
    districts = forms.CharField(label="Postcode districts it covers", required=False,
                                max_length=500,
                                help_text="Separate them with commas, like EH6, EH7. "
                                          "Leave it empty for the whole council area")

    def prepare(self) -> None:
        super().prepare()
        number_input(self.fields["capacity_hours"], suffix="hours", width=5)
        set_missing_message(self.fields["service_types"], "Select at least one type of service")
        self.fields["capacity_hours"].error_messages.update({
            "invalid": "Enter hours a week it can take on as a whole number, like 40",
            "min_value": "Hours a week it can take on must be 0 or more",
            "max_value": "Hours a week it can take on must be 100,000 or fewer"})

    def clean_districts(self) -> list[str]:
        values = [d.upper().replace(" ", "") for d in _words(self.cleaned_data["districts"])]
        wrong = [d for d in values if not DISTRICT.match(d)]
        if wrong:
            raise forms.ValidationError(
                "Enter postcode districts like EH6 or M14, separated by commas")
        return values

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["service_name"], "service_types": list(data["service_types"]),
                "female_carers": data["female_carers"], "male_carers": data["male_carers"],
                "food_practices": list(data["food_practices"]), "times": list(data["times"]),
                "capacity_hours": data["capacity_hours"]}


class FrameworkForm(GovukMessagesForm):
    on_framework = radios([("yes", "Yes, on the framework list"),
                           ("no", "No, not on the framework list")],
                          "Is the provider on the council's framework list?",
                          "Select yes if the provider is on the council's framework list")


class PaSearchForm(GovukMessagesForm):
    district = forms.CharField(label="Area (first part of the postcode)", required=False,
                               max_length=8, help_text="For example, EH6 or M14")
    language = forms.CharField(label="Language", required=False, max_length=100)
    gender = forms.ChoiceField(label="Gender", required=False,
                               choices=[("", "Any"), *Gender.choices], widget=forms.RadioSelect)

    def clean_district(self) -> str:
        return _clean_district(self, "district")


def _capacity_messages(field: forms.Field, what: str, example: str, most: int) -> None:
    field.error_messages.update({
        "invalid": f"Enter {what} as a whole number, like {example}",
        "min_value": f"{what.capitalize()} must be 0 or more",
        "max_value": f"{what.capitalize()} must be {most:,} or fewer"})


class ServiceForm(GovukMessagesForm):
    """A service the provider offers: what it is, what it can meet, how much it can take."""

    name = forms.CharField(label="Name of the service", max_length=200,
                           help_text="For example, Care at home")
    description = forms.CharField(label="What the service does", required=False,
                                  max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    service_types = forms.MultipleChoiceField(label="Types of service",
                                              choices=ServiceType.choices,
                                              widget=forms.CheckboxSelectMultiple)
    female_carers = forms.BooleanField(label="Female carers available", required=False)
    male_carers = forms.BooleanField(label="Male carers available", required=False)
    food_practices = forms.MultipleChoiceField(label="Food and cooking it can provide",
                                               required=False, choices=FoodPractice.choices,
                                               widget=forms.CheckboxSelectMultiple)
    times = forms.MultipleChoiceField(label="Times it can cover", required=False,
                                      choices=CoverTime.choices,
                                      widget=forms.CheckboxSelectMultiple)
    capacity_hours = forms.IntegerField(label="Hours a week it can take on", required=False,
                                        min_value=0, max_value=100_000,
                                        help_text="Leave it empty if the provider has not said")
    capacity_places = forms.IntegerField(label="Places free", required=False, min_value=0,
                                         max_value=100_000,
                                         help_text="Leave it empty if the provider has not said")
    active = forms.BooleanField(
        label="Offered now", required=False, initial=True,
        help_text="Untick to withdraw the service: it stays on the provider's page, marked "
                  "as withdrawn, and no longer comes up in the search")

    def prepare(self) -> None:
        number_input(self.fields["capacity_hours"], suffix="hours", width=5)
        number_input(self.fields["capacity_places"], suffix="places", width=5)
        set_missing_message(self.fields["service_types"], "Select at least one type of service")
        _capacity_messages(self.fields["capacity_hours"], "hours a week it can take on", "40",
                           100_000)
        _capacity_messages(self.fields["capacity_places"], "places free", "3", 100_000)

    @staticmethod
    def initial_for(service: Any) -> dict[str, Any]:
        return {"name": service.name, "description": service.description,
                "service_types": list(service.service_types),
                "female_carers": service.female_carers, "male_carers": service.male_carers,
                "food_practices": list(service.food_practices), "times": list(service.times),
                "capacity_hours": service.capacity_hours,
                "capacity_places": service.capacity_places, "active": service.active}

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["name"], "description": data["description"],
                "service_types": list(data["service_types"]),
                "female_carers": data["female_carers"], "male_carers": data["male_carers"],
                "food_practices": list(data["food_practices"]), "times": list(data["times"]),
                "capacity_hours": data["capacity_hours"],
                "capacity_places": data["capacity_places"], "active": data["active"]}


class LocationForm(GovukMessagesForm):
    name = forms.CharField(label="Name of the place", required=False, max_length=200,
                           help_text="For example, Leith office. Leave it empty if it has none")
    address = forms.CharField(label="Address", max_length=300,
                              help_text="The building and street")
    town = forms.CharField(label="Town or city", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode", max_length=8)

    def prepare(self) -> None:
        set_max_length(self.fields["postcode"], 10)  # spaces typed are taken out
        self.fields["postcode"].widget.attrs.update({"autocomplete": "postal-code",
                                                     "class": "govuk-input--width-10"})


class AreaForm(GovukMessagesForm):
    districts = forms.CharField(
        label="Postcode districts it covers", required=False, max_length=500,
        help_text="Separate them with commas, like EH6, EH7. Leave it empty if it covers "
                  "the whole council area")

    def districts_list(self) -> list[str]:
        return _words(self.cleaned_data["districts"])


class GradeForm(GovukMessagesForm):
    theme = forms.CharField(label="Theme", max_length=100,
                            help_text="For example, How well do we support people's wellbeing?")
    grade = forms.CharField(label="Grade", max_length=50,
                            help_text="For example, 5 - Very good")
    graded_on = GovukDateField(label="Date of the inspection",
                               help_text="For example, 14 3 2026")


class MemberForm(GovukMessagesForm):
    email = forms.EmailField(label="Email address of their account", max_length=254,
                             help_text="They need an account already")

    def prepare(self) -> None:
        self.fields["email"].widget.attrs.update({"autocomplete": "off",
                                                  "spellcheck": "false"})


class PersonalAssistantForm(GovukMessagesForm):
    """A PA who agreed to be listed. ``authorities`` offers only the councils where the
    user manages the directory."""

    name = forms.CharField(label="Full name", max_length=150)
    phone = forms.CharField(label="Phone number", required=False, max_length=30)
    email = forms.EmailField(label="Email address", required=False)
    authorities = forms.ModelMultipleChoiceField(
        label="Councils they work in", queryset=Authority.objects.none(),
        widget=forms.CheckboxSelectMultiple)
    districts = forms.CharField(label="Postcode districts they cover", required=False,
                                max_length=500,
                                help_text="Separate them with commas, like EH6, EH7. Leave it "
                                          "empty if they cover the whole council area")
    languages = forms.CharField(label="Languages spoken besides English", required=False,
                                max_length=500,
                                help_text="Separate them with commas, like Urdu, Polish, BSL")
    gender = forms.ChoiceField(label="Gender", required=False,
                               choices=[("", "Not said"), *Gender.choices],
                               widget=forms.RadioSelect)
    skills = forms.CharField(label="Skills", required=False, max_length=500,
                             help_text="Separate them with commas, like personal care, "
                                       "moving and handling, cooking")
    times = forms.MultipleChoiceField(label="Times they can work", required=False,
                                      choices=CoverTime.choices,
                                      widget=forms.CheckboxSelectMultiple)
    pvg_status = radios(list(PvgStatus.choices), "PVG scheme status",
                        "Select their PVG scheme status")
    pvg_date = GovukDateField(label="Date of PVG membership", required=False,
                              help_text="Needed if they are a PVG scheme member. "
                                        "For example, 1 6 2024")
    consent = forms.BooleanField(label="They agreed to be listed in the register")
    consent_given_on = GovukDateField(label="Date they agreed to be listed",
                                      help_text="For example, 20 11 2026")

    def __init__(self, *args: Any, authorities: Any = None, **kwargs: Any) -> None:
        self._authorities = authorities
        super().__init__(*args, **kwargs)
        self.fields["authorities"].error_messages["invalid_choice"] = (
            "Select only councils from the list")

    def prepare(self) -> None:
        field = self.fields["authorities"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        if self._authorities is not None:
            field.queryset = self._authorities
        set_missing_message(field, "Select at least one council they work in")
        set_missing_message(self.fields["consent"],
                            "Confirm they agreed to be listed in the register")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = clock.today()
        for name in ("pvg_date", "consent_given_on"):
            day = data.get(name)
            if day is not None and day > today:
                self.add_error(name, f"{self.fields[name].label} must be today or in the past")
        return data

    def pa_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["name"].strip(), "phone": data["phone"].strip(),
                "email": data["email"], "authorities": list(data["authorities"]),
                "districts": _words(data["districts"]), "languages": _words(data["languages"]),
                "gender": data["gender"], "skills": _words(data["skills"]),
                "times": list(data["times"]), "pvg_status": data["pvg_status"],
                "pvg_date": data["pvg_date"], "consent_given_on": data["consent_given_on"]}


class ConsentWithdrawForm(GovukMessagesForm):
    consent_withdrawn_on = GovukDateField(label="Date consent was withdrawn",
                                          help_text="They leave the register from this date. "
                                                    "For example, 26 11 2026")
