"""The person record and what travels with it: communication and access needs,
cultural and personal preferences, self-declared equality information, relationships
and consent.

Every model here belongs to a person, and so to an authority; every one keeps history.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from selfdirect.authorities.models import Authority, Team
from selfdirect.core import clock
from selfdirect.core.bounds import birth_date_problem

NAME_MAX = 100
NOTE_MAX = 5000


class ClientGroup(models.TextChoices):
    """Public Health Scotland's social care client groups (Source dataset)."""

    ELDERLY_FRAIL = "elderly_frail", "Elderly or frail"
    DEMENTIA = "dementia", "Dementia"
    MENTAL_HEALTH = "mental_health", "Mental health"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    PHYSICAL_SENSORY = "physical_sensory", "Physical and sensory disability"
    DRUGS = "drugs", "Drugs"
    ALCOHOL = "alcohol", "Alcohol"
    PALLIATIVE = "palliative", "Palliative care"
    CARER = "carer", "Carer"
    NEUROLOGICAL = "neurological", "Neurological condition"
    AUTISM = "autism", "Autism"
    OTHER_VULNERABLE = "other_vulnerable", "Other vulnerable groups"
    NOT_KNOWN = "not_known", "Not known"


class ContactPreference(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    FACE_TO_FACE = "face_to_face", "Face to face"
    VIDEO = "video", "Video call (including BSL video relay)"
    THROUGH_REPRESENTATIVE = "representative", "Through my representative"


DUPLICATE_MESSAGE = {
    field: (f"This {label} is already recorded in this authority. Search for the person, "
            "or ask your team manager to check it")
    for field, label in (("chi_number", "CHI number"), ("nhs_number", "NHS number"))
}


class Person(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="people")
    given_name = models.CharField("given name", max_length=NAME_MAX)
    family_name = models.CharField("family name", max_length=NAME_MAX)
    preferred_name = models.CharField("preferred name", max_length=NAME_MAX, blank=True)
    pronouns = models.CharField(max_length=50, blank=True)
    date_of_birth = models.DateField("date of birth")
    chi_number = models.CharField("CHI number", max_length=10, blank=True, db_index=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    address_line_1 = models.CharField("address line 1", max_length=200, blank=True)
    address_line_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    contact_preference = models.CharField("how to contact", max_length=20,
                                          choices=ContactPreference.choices, blank=True)
    client_group = models.CharField("main client group", max_length=30,
                                    choices=ClientGroup.choices, default=ClientGroup.NOT_KNOWN)
    notes = models.TextField(blank=True, max_length=NOTE_MAX)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="people")
    allocated_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="allocated_people")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="person_record",
                                help_text="The person's own sign-in, if they have one.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            models.Index(fields=["authority", "family_name", "given_name"]),
            models.Index(fields=["authority", "date_of_birth"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["authority", "chi_number"],
                                    condition=~models.Q(chi_number=""),
                                    name="person_chi_unique_in_authority",
                                    violation_error_message=DUPLICATE_MESSAGE["chi_number"]),
            models.UniqueConstraint(fields=["authority", "nhs_number"],
                                    condition=~models.Q(nhs_number=""),
                                    name="person_nhs_unique_in_authority",
                                    violation_error_message=DUPLICATE_MESSAGE["nhs_number"]),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean_fields(self, exclude: Any = None) -> None:
        """Normalise what people type (spaces in a CHI number or postcode) before the
        length checks run, so "010456 1238" is read as the 10 digits it is."""
        from selfdirect.people.validators import (
            normalise_chi,
            normalise_nhs_number,
            normalise_postcode,
        )

        if self.chi_number:
            self.chi_number = normalise_chi(self.chi_number)
        if self.nhs_number:
            self.nhs_number = normalise_nhs_number(self.nhs_number)
        if self.postcode:
            self.postcode = normalise_postcode(self.postcode)
        super().clean_fields(exclude=exclude)

    def validate_constraints(self, exclude: Any = None) -> None:
        """A repeated CHI or NHS number is reported against its own field."""
        from django.core.exceptions import ValidationError

        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            remapped: dict[str, list[str]] = {}
            for message in exc.messages:
                field = next((f for f, m in DUPLICATE_MESSAGE.items() if m == message), None)
                remapped.setdefault(field or "__all__", []).append(message)
            raise ValidationError(remapped) from exc

    def clean(self) -> None:
        """Rules that hold however the record is saved: page, API or import."""
        from django.core.exceptions import ValidationError

        from selfdirect.people.validators import (
            normalise_chi,
            normalise_nhs_number,
            normalise_postcode,
            validate_chi_number,
            validate_nhs_number,
            validate_postcode,
        )

        errors: dict[str, list[str]] = {}

        def attempt(field: str, check: Any) -> None:
            try:
                check()
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.messages)

        if self.date_of_birth:
            problem = birth_date_problem("Date of birth", self.date_of_birth)
            if problem:
                errors["date_of_birth"] = [problem]
        if self.chi_number:
            self.chi_number = normalise_chi(self.chi_number)
            dob = self.date_of_birth if "date_of_birth" not in errors else None
            attempt("chi_number", lambda: validate_chi_number(self.chi_number, date_of_birth=dob))
        if self.nhs_number:
            self.nhs_number = normalise_nhs_number(self.nhs_number)
            attempt("nhs_number", lambda: validate_nhs_number(self.nhs_number))
        if self.postcode:
            attempt("postcode", lambda: validate_postcode(self.postcode))
            if "postcode" not in errors:
                self.postcode = normalise_postcode(self.postcode)
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def communication_needs_summary(self) -> list[str]:
        """Short lines for the needs banner on every page about the person (from the
        prefetched needs when ``people.selectors.person_get`` loaded the person)."""
        return [str(need) for need in self.communication_needs.all()]

    @property
    def address_lines(self) -> list[str]:
        lines = (self.address_line_1, self.address_line_2, self.town, self.postcode)
        return [line for line in lines if line]

    @property
    def identifier(self) -> str:
        return self.chi_number or self.nhs_number

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class NeedKind(models.TextChoices):
    BSL_INTERPRETER = "bsl_interpreter", "BSL interpreter"
    OTHER_INTERPRETER = "interpreter", "Spoken-language interpreter"
    FACE_TO_FACE_ONLY = "face_to_face_only", "Face-to-face meetings only"
    EASY_READ = "easy_read", "Easy read"
    LARGE_PRINT = "large_print", "Large print"
    PREFERRED_LANGUAGE = "preferred_language", "Preferred language"
    CANNOT_WRITE = "cannot_write", "Cannot write or hold a pen"
    SOMEONE_PRESENT = "someone_present", "Needs someone present"
    OTHER = "other", "Other"


class CommunicationNeed(models.Model):
    """A communication or access need: shown on every page and appointment about the person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE,
                               related_name="communication_needs")
    kind = models.CharField(max_length=20, choices=NeedKind.choices)
    detail = models.CharField(max_length=200, blank=True,
                              help_text="For example the language, or who should be present.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["person", "kind"],
                                               name="communication_need_once_per_kind")]

    def __str__(self) -> str:
        label = NeedKind(self.kind).label
        return f"{label}: {self.detail}" if self.detail else label


class CarerGender(models.TextChoices):
    NO_PREFERENCE = "", "No preference"
    WOMEN = "women", "Women"
    MEN = "men", "Men"


class Preferences(models.Model):
    """Cultural and personal preferences: what good support looks like to this person."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="preferences")
    food = models.TextField("food and cooking", blank=True, max_length=1000)
    routines = models.TextField("routines and times", blank=True, max_length=1000)
    faith = models.TextField("faith and observance", blank=True, max_length=1000)
    carer_gender = models.CharField("preferred gender of carers", max_length=10,
                                    choices=CarerGender.choices, blank=True)
    carer_language = models.CharField("preferred language of carers", max_length=100,
                                      blank=True)
    other = models.TextField("anything else", blank=True, max_length=1000)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Preferences of {self.person}"


PREFER_NOT = ("prefer_not_to_say", "Prefer not to say")


class EqualityInfo(models.Model):
    """Self-declared equality information. Every answer is optional; blank means not asked."""

    YES_NO = [("yes", "Yes"), ("no", "No"), PREFER_NOT]
    SEX = [("female", "Female"), ("male", "Male"), PREFER_NOT]
    ORIENTATION = [("straight", "Straight or heterosexual"), ("gay_lesbian", "Gay or lesbian"),
                   ("bisexual", "Bisexual"), ("other", "Other sexual orientation"), PREFER_NOT]
    RELIGION = [("none", "None"), ("church_of_scotland", "Church of Scotland"),
                ("roman_catholic", "Roman Catholic"), ("other_christian", "Other Christian"),
                ("muslim", "Muslim"), ("buddhist", "Buddhist"), ("sikh", "Sikh"),
                ("jewish", "Jewish"), ("hindu", "Hindu"), ("pagan", "Pagan"),
                ("other", "Another religion or belief"), PREFER_NOT]
    ETHNIC = [("white_scottish", "White: Scottish"), ("white_other_british", "White: Other British"),
              ("white_irish", "White: Irish"), ("white_gypsy_traveller", "White: Gypsy or Traveller"),
              ("white_polish", "White: Polish"), ("white_other", "White: Other"),
              ("mixed", "Mixed or multiple ethnic groups"), ("asian", "Asian, Scottish Asian or British Asian"),
              ("african", "African, Scottish African or British African"),
              ("caribbean_black", "Caribbean or Black"), ("arab", "Arab, Scottish Arab or British Arab"),
              ("other", "Other ethnic group"), PREFER_NOT]
    PARTNERSHIP = [("single", "Never married or in a civil partnership"), ("married", "Married"),
                   ("civil_partnership", "In a civil partnership"), ("separated", "Separated"),
                   ("divorced", "Divorced or civil partnership dissolved"),
                   ("widowed", "Widowed or surviving civil partner"), PREFER_NOT]

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="equality")
    disability = models.CharField("considers themself disabled", max_length=20, choices=YES_NO, blank=True)
    sex = models.CharField(max_length=20, choices=SEX, blank=True)
    trans = models.CharField("trans, or has a trans history", max_length=20, choices=YES_NO, blank=True)
    sexual_orientation = models.CharField(max_length=20, choices=ORIENTATION, blank=True)
    religion = models.CharField("religion or belief", max_length=20, choices=RELIGION, blank=True)
    ethnic_group = models.CharField(max_length=25, choices=ETHNIC, blank=True)
    partnership = models.CharField("marriage or civil partnership", max_length=20,
                                   choices=PARTNERSHIP, blank=True)
    pregnancy_maternity = models.CharField("pregnant or on maternity leave", max_length=20,
                                           choices=YES_NO, blank=True)
    main_language = models.CharField(max_length=100, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Equality information of {self.person}"


class RelationshipKind(models.TextChoices):
    UNPAID_CARER = "unpaid_carer", "Unpaid carer"
    REPRESENTATIVE = "representative", "Representative"
    WELFARE_ATTORNEY = "welfare_attorney", "Welfare attorney"
    GUARDIAN = "guardian", "Welfare guardian"
    ADVOCATE = "advocate", "Independent advocate"


LEGAL_POWER_KINDS = {RelationshipKind.WELFARE_ATTORNEY, RelationshipKind.GUARDIAN}


class Access(models.TextChoices):
    NONE = "none", "No access to the record"
    VIEW = "view", "Can see the record"
    ACT = "act", "Can see the record and act for the person"


class Relationship(models.Model):
    """Someone who supports or acts for the person, and the access the person (or the law) gave.

    For carers, representatives and advocates the access holds only while the person's
    consent stands (``consent_given``, kept by ``people.services.consent_record``). A
    welfare attorney or guardian acts under a legal power instead: access holds while the
    power is in force and covers welfare matters.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    organisation = models.CharField(max_length=200, blank=True,
                                    help_text="For an advocate: the advocacy organisation.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="relationships",
                             help_text="Their sign-in, if they have one.")
    access = models.CharField(max_length=10, choices=Access.choices, default=Access.NONE)
    consent_given = models.BooleanField(default=False, editable=False)
    powers_held = models.TextField("powers held", blank=True, max_length=2000)
    document_reference = models.CharField(max_length=100, blank=True,
                                          help_text="e.g. the Office of the Public Guardian reference")
    started_on = models.DateField(default=date.today)
    ended_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()} of {self.person})"

    @property
    def is_legal_power(self) -> bool:
        return self.kind in LEGAL_POWER_KINDS

    @property
    def access_in_force(self) -> str:
        """The access that holds today: between its start and end dates, and, unless it
        rests on a legal power, while the person's consent stands."""
        today = clock.today()
        if self.access == Access.NONE or self.started_on > today:
            return Access.NONE
        if self.ended_on is not None and self.ended_on <= today:
            return Access.NONE
        if self.is_legal_power or self.consent_given:
            return self.access
        return Access.NONE


class ConsentScope(models.TextChoices):
    SHARE_WITH_RELATIONSHIP = "relationship_access", "Let this person see or act on my record"
    SHARE_WITH_PROFESSIONALS = "professional_contributions", "Professionals may contribute to my assessment"
    SHARE_WITH_FAMILY = "family_contributions", "Family may contribute to my assessment"
    SHARE_WITH_PROVIDERS = "provider_referral", "Share details with support providers"


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", "In writing"
    VERBAL = "verbal", "Said to a worker"
    BSL = "bsl", "In BSL, with an interpreter"
    EASY_READ = "easy_read", "Easy-read form"
    ONLINE = "online", "On their own pages"
    BY_ATTORNEY = "by_attorney", "By their welfare attorney or guardian"
    OTHER = "other", "Another way"


class Consent(models.Model):
    """One decision by the person: consent given or withdrawn. Rows are never changed;
    the latest decision for a scope and recipient is the one in force."""

    class Decision(models.TextChoices):
        GIVEN = "given", "Given"
        WITHDRAWN = "withdrawn", "Withdrawn"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(max_length=30, choices=ConsentScope.choices)
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="consents")
    recipient = models.CharField(max_length=200, blank=True,
                                 help_text="Who it is given to, when not a recorded relationship.")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    method = models.CharField("how it was recorded", max_length=20, choices=ConsentMethod.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    note = models.TextField(blank=True, max_length=1000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.get_decision_display()}"
