"""The directory of care providers and the register of personal assistants (PAs).

A ``Provider`` is an organisation; what it offers is one or more ``ProviderService`` rows
(the types of service, what they can meet and how much they can take on), where it works
from (``ProviderLocation``) and where it works (``ServiceArea``: an authority, and the
postcode districts in it, none meaning all of it). Each authority keeps its own framework
list (``ProviderAuthority``): a provider not on it can still be chosen under Option 2
with a recorded decision, so the directory never hides it.

A ``PersonalAssistant`` is listed only while their consent to be listed is in force; their
phone and email are personal data, shown only to staff of the authorities they cover
(``providers.view_pa_contact``).

Lists of words (languages, districts, tags) are JSON lists, so the search reads a provider
and everything about it in a fixed number of queries on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from selfdirect.authorities.models import Authority
from selfdirect.charging.catalogue import ServiceType
from selfdirect.core import clock

PVG_YEARS = 5


class Regulator(models.TextChoices):
    CARE_INSPECTORATE = "care_inspectorate", "Care Inspectorate (Scotland)"
    CQC = "cqc", "Care Quality Commission (England)"


class Commitment(models.TextChoices):
    LGBT_INCLUSIVE = "lgbt_inclusive", "LGBT inclusive"
    CULTURALLY_SPECIFIC = "culturally_specific", "Culturally specific service"
    FAITH_AWARE = "faith_aware", "Faith aware"
    DEAF_AWARE = "deaf_aware", "Deaf aware (BSL users)"
    DEMENTIA_FRIENDLY = "dementia_friendly", "Dementia friendly"
    LIVING_WAGE = "living_wage", "Pays the real Living Wage"


class FoodPractice(models.TextChoices):
    HALAL = "halal", "Halal"
    KOSHER = "kosher", "Kosher"
    VEGETARIAN = "vegetarian", "Vegetarian"
    VEGAN = "vegan", "Vegan"
    HINDU_VEGETARIAN = "hindu_vegetarian", "Hindu vegetarian (no egg)"
    SIKH = "sikh", "Sikh practice (no halal or kosher meat)"
    AFRO_CARIBBEAN = "afro_caribbean", "African and Caribbean cooking"
    SOUTH_ASIAN = "south_asian", "South Asian cooking"


class CoverTime(models.TextChoices):
    EARLY_MORNINGS = "early_mornings", "Early mornings"
    DAYTIME = "daytime", "Daytime"
    EVENINGS = "evenings", "Evenings"
    NIGHTS = "nights", "Nights"
    WEEKENDS = "weekends", "Weekends"


class Gender(models.TextChoices):
    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    OTHER = "other", "Another gender"


class PvgStatus(models.TextChoices):
    MEMBER = "member", "PVG scheme member"
    APPLIED = "applied", "Applied, waiting for membership"
    NOT_MEMBER = "not_member", "Not a member"
    EXEMPT = "exempt", "Exempt: a family member living with the person"


class Provider(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    website = models.URLField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    regulator = models.CharField("care regulator", max_length=20, choices=Regulator.choices,
                                 blank=True)
    registration_number = models.CharField("registration number with the regulator",
                                           max_length=30, blank=True)
    commitments = models.JSONField("equality commitments", default=list, blank=True,
                                   help_text="Values of Commitment.")
    languages = models.JSONField("languages spoken", default=list, blank=True,
                                 help_text="Besides English, like Urdu, Polish or BSL.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def commitment_labels(self) -> list[str]:
        return [Commitment(c).label for c in self.commitments if c in Commitment.values]


class ProviderGrade(models.Model):
    """A grade from the provider's latest inspection, one row for each theme."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="grades")
    theme = models.CharField(max_length=100, help_text="Like: How well do we support wellbeing?")
    grade = models.CharField(max_length=50, help_text="Like: 5 - Very good, or Good")
    graded_on = models.DateField("date of the inspection")
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider", "theme", "pk"]

    def __str__(self) -> str:
        return f"{self.theme}: {self.grade}"


class ProviderAuthority(models.Model):
    """The provider on (or off) one authority's framework list."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="frameworks")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT,
                                  related_name="provider_frameworks")
    on_framework = models.BooleanField("on the framework list", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["authority__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["provider", "authority"],
                                               name="provider_framework_once_per_authority")]

    def __str__(self) -> str:
        state = "on" if self.on_framework else "not on"
        return f"{self.provider} {state} the framework list of {self.authority}"


class ProviderService(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    service_types = models.JSONField("types of service", default=list,
                                     help_text="Values of charging.catalogue.ServiceType.")
    female_carers = models.BooleanField("female carers available", default=False)
    male_carers = models.BooleanField("male carers available", default=False)
    food_practices = models.JSONField("food and cooking practices", default=list, blank=True)
    times = models.JSONField("times it can cover", default=list, blank=True)
    capacity_hours = models.PositiveIntegerField("hours a week it can take on", null=True,
                                                 blank=True)
    capacity_places = models.PositiveIntegerField("places free", null=True, blank=True)
    active = models.BooleanField(
        "offered now", default=True,
        help_text="A withdrawn service stays on the provider's page but leaves the search.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.provider}: {self.name}"

    @property
    def food_labels(self) -> list[str]:
        return [FoodPractice(v).label for v in self.food_practices if v in FoodPractice.values]

    @property
    def type_names(self) -> list[str]:
        return [str(ServiceType(v).label) if v in ServiceType.values else v
                for v in self.service_types]

    @property
    def time_labels(self) -> list[str]:
        return [CoverTime(v).label for v in self.times if v in CoverTime.values]


class ProviderLocation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8)
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider", "postcode", "pk"]

    def __str__(self) -> str:
        return f"{self.address}, {self.postcode}"


class ServiceArea(models.Model):
    """Where the provider works: an authority, and the postcode districts within it (none
    listed means the whole authority)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="areas")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT,
                                  related_name="provider_areas")
    districts = models.JSONField("postcode districts", default=list, blank=True,
                                 help_text="Like EH6, M14. Empty means the whole authority.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider", "authority__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["provider", "authority"],
                                               name="service_area_once_per_authority")]

    def __str__(self) -> str:
        where = ", ".join(self.districts) or "all areas"
        return f"{self.authority}: {where}"


class PersonalAssistantQuerySet(models.QuerySet["PersonalAssistant"]):
    def listed(self, day: datetime.date | None = None) -> PersonalAssistantQuerySet:
        """PAs who consented to be listed, and have not withdrawn it, on ``day``."""
        day = day or clock.today()
        return self.filter(active=True, consent_given_on__isnull=False,
                           consent_given_on__lte=day).exclude(consent_withdrawn_on__lte=day)


class PersonalAssistant(models.Model):
    name = models.CharField(max_length=150)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    authorities = models.ManyToManyField(Authority, related_name="personal_assistants",
                                         help_text="The authorities whose areas the PA covers.")
    districts = models.JSONField("postcode districts", default=list, blank=True)
    languages = models.JSONField("languages spoken", default=list, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    skills = models.JSONField(default=list, blank=True,
                              help_text="Like: personal care, moving and handling, cooking.")
    times = models.JSONField("times they can work", default=list, blank=True)
    pvg_status = models.CharField("PVG scheme status", max_length=12, choices=PvgStatus.choices,
                                  default=PvgStatus.NOT_MEMBER)
    pvg_date = models.DateField("date of PVG membership", null=True, blank=True)
    consent_given_on = models.DateField("consent to be listed given on", null=True, blank=True)
    consent_withdrawn_on = models.DateField("consent withdrawn on", null=True, blank=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    objects = PersonalAssistantQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def pvg_expires_on(self) -> datetime.date | None:
        if self.pvg_status != PvgStatus.MEMBER or self.pvg_date is None:
            return None
        try:
            return self.pvg_date.replace(year=self.pvg_date.year + PVG_YEARS)
        except ValueError:  # 29 February
            return self.pvg_date.replace(year=self.pvg_date.year + PVG_YEARS, day=28)

    def pvg_valid_on(self, day: datetime.date) -> bool:
        """Membership lasts five years; a family member living with the person is exempt."""
        if self.pvg_status == PvgStatus.EXEMPT:
            return True
        expires = self.pvg_expires_on()
        return expires is not None and self.pvg_date is not None and (
            self.pvg_date <= day < expires)


class ProviderMember(models.Model):
    """A user who works for a provider: they see the referrals sent to it, and answer
    them, and nothing else of the council's records."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="provider_memberships")
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "user"],
                                               name="provider_member_once")]

    def __str__(self) -> str:
        return f"{self.user} at {self.provider}"
