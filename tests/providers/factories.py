"""Factories for the provider directory."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from factory.django import DjangoModelFactory

from selfdirect.core import clock
from selfdirect.providers.models import (
    PersonalAssistant,
    Provider,
    ProviderAuthority,
    ProviderLocation,
    ProviderMember,
    ProviderService,
    ServiceArea,
)


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n}")
    description = "Support at home."
    languages: list[str] = []
    commitments: list[str] = []


class ProviderServiceFactory(DjangoModelFactory):
    class Meta:
        model = ProviderService

    provider = factory.SubFactory(ProviderFactory)
    name = "Care at home"
    service_types = factory.LazyFunction(lambda: ["personal_care"])
    food_practices: list[str] = []
    times: list[str] = []
    capacity_hours = 20


class ServiceAreaFactory(DjangoModelFactory):
    class Meta:
        model = ServiceArea

    provider = factory.SubFactory(ProviderFactory)
    districts: list[str] = []


class ProviderAuthorityFactory(DjangoModelFactory):
    class Meta:
        model = ProviderAuthority

    provider = factory.SubFactory(ProviderFactory)
    on_framework = True


class ProviderLocationFactory(DjangoModelFactory):
    class Meta:
        model = ProviderLocation

    provider = factory.SubFactory(ProviderFactory)
    address = "1 Example Street"
    town = "Edinburgh"
    postcode = "EH6 5AB"


class ProviderMemberFactory(DjangoModelFactory):
    """Someone working for a provider (``user`` must be given, or one is made)."""

    class Meta:
        model = ProviderMember

    provider = factory.SubFactory(ProviderFactory)
    user = factory.SubFactory("tests.factories.UserFactory")


class PersonalAssistantFactory(DjangoModelFactory):
    class Meta:
        model = PersonalAssistant
        skip_postgeneration_save = True

    name = factory.Faker("name", locale="en_GB")
    phone = "07700 900123"
    email = "pa@example.com"
    consent_given_on = factory.LazyFunction(lambda: clock.today()
                                            - datetime.timedelta(days=10))

    @factory.post_generation
    def covers(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        pa: Any = self
        if create and extracted:
            pa.authorities.set(extracted)


def provider_in(authority, *, framework: bool | None = True, districts=(), languages=(),
                **service):
    """A provider working in ``authority`` with one service (keyword arguments)."""
    provider = ProviderFactory(languages=list(languages))
    ServiceAreaFactory(provider=provider, authority=authority, districts=list(districts))
    if framework is not None:
        ProviderAuthorityFactory(provider=provider, authority=authority, on_framework=framework)
    ProviderServiceFactory(provider=provider, **service)
    return provider
