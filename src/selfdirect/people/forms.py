"""Forms for people's records, used by the staff pages and the person's own pages alike."""

from __future__ import annotations

from typing import Any

from django import forms

from selfdirect.authorities.models import Country, Role, StaffRole, Team
from selfdirect.core.forms import (
    GovukDateField,
    GovukDateWidget,
    GovukForm,
    GovukModelForm,
    apply_govuk_messages,
    choice_field,
    model_choice_field,
    set_max_length,
)
from selfdirect.people.models import (
    Access,
    Consent,
    ConsentMethod,
    ConsentScope,
    ContactPreference,
    EqualityInfo,
    NeedKind,
    Person,
    Preferences,
    Relationship,
)
from selfdirect.people.services import SELF_SERVICE_FIELDS


class PersonForm(GovukModelForm):
    """The person's details. Shows the CHI number in Scotland and the NHS number in England."""

    date_of_birth = GovukDateField(label="Date of birth", birth_date=True,
                                   help_text="For example, 27 3 1958",
                                   widget=GovukDateWidget(attrs={"data-autocomplete": "bday"}))

    class Meta:
        model = Person
        fields = [
            "given_name", "family_name", "preferred_name", "pronouns", "date_of_birth",
            "chi_number", "nhs_number", "address_line_1", "address_line_2", "town",
            "postcode", "phone", "email", "contact_preference", "client_group", "notes",
        ]
        widgets = {
            "contact_preference": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "preferred_name": "What they like to be called, if different",
            "pronouns": "For example, she/her, he/him, they/them",
            "chi_number": "10 digits. The first 6 are the date of birth, for example 270358 1234",
            "nhs_number": "10 digits, for example 943 476 5919",
            "postcode": "For example, EH1 1YZ",
            "notes": "Anything a colleague should know. Do not record health details here.",
        }

    def __init__(self, *args: Any, authority_country: str | None = None,
                 fields_allowed: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = authority_country or (self.instance.authority.country
                                        if self.instance.authority_id else Country.SCOTLAND)
        drop = "nhs_number" if country == Country.SCOTLAND else "chi_number"
        self.fields.pop(drop, None)
        if fields_allowed is not None:
            for name in list(self.fields):
                if name not in fields_allowed:
                    self.fields.pop(name)
        if "contact_preference" in self.fields:
            contact = choice_field(self, "contact_preference")
            contact.choices = [c for c in ContactPreference.choices if c[0]]
            contact.required = False
        # The postcode is normalised on save, so allow the spaces people type.
        if "postcode" in self.fields:
            set_max_length(self.fields["postcode"], 10)
            self.fields["postcode"].widget.attrs.update(
                {"autocomplete": "postal-code", "class": "govuk-input--width-10"})
        for name, auto in (("given_name", "given-name"), ("family_name", "family-name"),
                           ("email", "email"), ("phone", "tel"),
                           ("address_line_1", "address-line1"),
                           ("address_line_2", "address-line2"), ("town", "address-level2")):
            if name in self.fields:
                self.fields[name].widget.attrs["autocomplete"] = auto
        for name in ("chi_number", "nhs_number"):
            if name in self.fields:
                set_max_length(self.fields[name], 13)
                self.fields[name].widget.attrs.update(
                    {"inputmode": "numeric", "class": "govuk-input--width-10",
                     "spellcheck": "false"})
        for name in ("given_name", "family_name", "preferred_name"):
            if name in self.fields:
                self.fields[name].widget.attrs["spellcheck"] = "false"
        apply_govuk_messages(self)
        if "date_of_birth" in self.fields and self.instance.pk:
            self.initial["date_of_birth"] = self.instance.date_of_birth

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


class SelfServiceDetailsForm(PersonForm):
    """What the person, or someone acting for them, can change themselves."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["fields_allowed"] = SELF_SERVICE_FIELDS
        super().__init__(*args, **kwargs)


class PersonSearchForm(GovukForm):
    no_optional_marks = True  # every search box is optional; saying so on each is noise
    name = forms.CharField(label="Name", required=False, max_length=100)
    identifier = forms.CharField(label="CHI or NHS number", required=False, max_length=12)
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    date_of_birth = GovukDateField(label="Date of birth", required=False, past_only=True)
    mine_only = forms.BooleanField(label="Only people allocated to me", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["identifier"].widget.attrs.update({"inputmode": "numeric",
                                                       "class": "govuk-input--width-10"})
        self.fields["postcode"].widget.attrs["class"] = "govuk-input--width-10"
        apply_govuk_messages(self)


class AllocationForm(GovukForm):
    team: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="No team")
    worker: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Worker", queryset=Team.objects.none(), required=False, empty_label="No worker yet")

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        team = model_choice_field(self, "team")
        team.queryset = Team.objects.filter(authority=person.authority)
        team.label_from_instance = lambda t: t.name  # type: ignore[assignment,method-assign]
        worker_ids = StaffRole.objects.filter(
            authority=person.authority, active=True,
            role__in=[Role.SOCIAL_WORKER, Role.TEAM_MANAGER]).values("user_id")
        worker = model_choice_field(self, "worker")
        worker.queryset = get_user_model().objects.filter(
            pk__in=worker_ids).order_by("last_name", "first_name")
        worker.label_from_instance = lambda u: u.get_full_name()  # type: ignore[assignment,method-assign]
        apply_govuk_messages(self)


class CommunicationNeedsForm(GovukForm):
    """Each need as a checkbox with its own detail box."""

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {n.kind: n.detail for n in person.communication_needs.all()}
        for kind in NeedKind:
            self.fields[f"need_{kind.value}"] = forms.BooleanField(
                label=kind.label, required=False, initial=kind.value in current)
            self.fields[f"detail_{kind.value}"] = forms.CharField(
                label=f"Details: {kind.label.lower()}", required=False, max_length=200,
                initial=current.get(kind.value, ""))
        apply_govuk_messages(self)

    def pairs(self) -> list[tuple[Any, Any]]:
        return [(self[f"need_{k.value}"], self[f"detail_{k.value}"]) for k in NeedKind]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for kind in (NeedKind.OTHER_INTERPRETER, NeedKind.PREFERRED_LANGUAGE, NeedKind.OTHER):
            if data.get(f"need_{kind.value}") and not data.get(f"detail_{kind.value}", "").strip():
                self.add_error(f"detail_{kind.value}",
                               f"Enter details for {kind.label.lower()}, for example the language")
        return data

    def needs(self) -> dict[str, str]:
        return {k.value: self.cleaned_data.get(f"detail_{k.value}", "").strip()
                for k in NeedKind if self.cleaned_data.get(f"need_{k.value}")}


class PreferencesForm(GovukModelForm):
    class Meta:
        model = Preferences
        fields = ["food", "routines", "faith", "carer_gender", "carer_language", "other"]
        widgets: dict[str, Any] = {name: forms.Textarea(attrs={"rows": 3})
                                   for name in ("food", "routines", "faith", "other")}
        widgets["carer_gender"] = forms.RadioSelect

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)
        self.fields["carer_gender"].required = False


class EqualityForm(GovukModelForm):
    class Meta:
        model = EqualityInfo
        fields = ["disability", "sex", "trans", "sexual_orientation", "religion",
                  "ethnic_group", "partnership", "pregnancy_maternity", "main_language"]
        widgets = {name: forms.RadioSelect for name in fields if name != "main_language"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            if isinstance(field, forms.ChoiceField):
                field.choices = [c for c in field.choices if c[0]]  # type: ignore[union-attr,index,misc]
        apply_govuk_messages(self)


class RelationshipForm(GovukModelForm):
    class Meta:
        model = Relationship
        fields = ["kind", "name", "phone", "email", "organisation", "access", "powers_held",
                  "document_reference"]
        widgets = {"kind": forms.RadioSelect, "access": forms.RadioSelect,
                   "powers_held": forms.Textarea(attrs={"rows": 3})}
        labels = {"kind": "Relationship to the person", "access": "Access to the record"}
        help_texts = {
            "access": "Carers, representatives and advocates get this access only once the "
                      "person's consent is recorded. Attorneys and guardians act under their powers.",
            "powers_held": "Attorneys and guardians only: the welfare powers, as the document states them",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["access"].initial = Access.NONE
        apply_govuk_messages(self)


def _relationship_label(rel: Relationship) -> str:
    return f"{rel.name} ({rel.get_kind_display()})"


class ConsentForm(GovukForm):
    scope = forms.ChoiceField(label="What the consent covers", choices=ConsentScope.choices,
                              widget=forms.RadioSelect)
    relationship: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Who it is for", queryset=Relationship.objects.none(), required=False,
        empty_label="Not a recorded relationship")
    recipient = forms.CharField(label="Or, who it is for", required=False, max_length=200)
    decision = forms.ChoiceField(label="The person's decision", choices=Consent.Decision.choices,
                                 widget=forms.RadioSelect)
    method = forms.ChoiceField(label="How the decision was given", choices=ConsentMethod.choices,
                               widget=forms.RadioSelect)
    note = forms.CharField(label="Note", required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        relationship = model_choice_field(self, "relationship")
        relationship.queryset = Relationship.objects.filter(person=person, ended_on__isnull=True)
        relationship.label_from_instance = _relationship_label  # type: ignore[assignment,method-assign]
        apply_govuk_messages(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == ConsentScope.SHARE_WITH_RELATIONSHIP and not data.get("relationship"):
            self.add_error("relationship", "Select who the consent is for")
        return data


