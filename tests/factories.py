"""factory-boy factories shared by every test folder. Faker speaks en_GB."""

from __future__ import annotations

import datetime
import random

import factory
from factory.django import DjangoModelFactory

from selfdirect.accounts.models import User
from selfdirect.authorities.models import Authority, Country, Role, StaffRole, Team
from selfdirect.people.models import Person, Relationship
from selfdirect.people.validators import make_chi_number, make_nhs_number

factory.Faker._DEFAULT_LOCALE = "en_GB"
TEST_PASSWORD = "correct-horse-battery-staple"


class AuthorityFactory(DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Test Council {n}")
    code = factory.Sequence(lambda n: f"S12{n:06d}")
    country = Country.SCOTLAND


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Locality team {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class StaffRoleFactory(DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    authority = factory.SubFactory(AuthorityFactory)
    role = Role.SOCIAL_WORKER
    team = None


def staff(authority: Authority, role: str, team: Team | None = None, **user_kwargs) -> User:
    user = UserFactory(**user_kwargs)
    StaffRoleFactory(user=user, authority=authority, role=role, team=team)
    return user


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    authority = factory.SubFactory(AuthorityFactory)
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = factory.LazyFunction(
        lambda: datetime.date(1940, 1, 1) + datetime.timedelta(days=random.randint(0, 25000)))
    chi_number = factory.LazyAttribute(
        lambda o: make_chi_number(o.date_of_birth, random.Random())
        if o.authority.country == Country.SCOTLAND else "")
    nhs_number = factory.LazyAttribute(
        lambda o: make_nhs_number(random.Random())
        if o.authority.country == Country.ENGLAND else "")
    postcode = "EH1 1YZ"


class RelationshipFactory(DjangoModelFactory):
    class Meta:
        model = Relationship

    person = factory.SubFactory(PersonFactory)
    kind = "unpaid_carer"
    name = factory.Faker("name")
