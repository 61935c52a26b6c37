"""factory-boy factories shared by every test folder. Faker speaks en_GB.

Nothing here is left to chance. pytest-randomly reseeds ``random``, Faker and factory-boy
before every test (the seed is printed at the top of the run: ``-p randomly -p
"randomly_seed=N"`` replays it), and identifiers that must be unique (CHI and NHS numbers)
are unique by construction from the factory's sequence number, not by luck.
"""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from selfdirect.accounts.models import User
from selfdirect.authorities.models import Authority, Country, Role, StaffRole, Team
from selfdirect.people.models import Person, Relationship
from selfdirect.people.validators import mod11_check_digit

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


def _with_check_digit(even_first_nine: int, width: int) -> str:
    """The valid number from ``even_first_nine`` or the odd one after it. The ninth digit
    has weight 2 in the modulus 11 sum, so when one of the pair has no check digit (10),
    the other has one; pairs never overlap, so different inputs give different numbers."""
    for first_nine in (f"{even_first_nine:0{width}d}", f"{even_first_nine + 1:0{width}d}"):
        check = mod11_check_digit(first_nine)
        if check != 10:
            return f"{first_nine}{check}"
    raise AssertionError("unreachable: one of two neighbours always has a check digit")


def chi_number_for(date_of_birth: datetime.date, n: int) -> str:
    """A valid CHI number for ``date_of_birth``, different for each ``n`` below 500 on
    the same birthday (so two people never share one, whatever birthdays a test gives)."""
    prefix = int(date_of_birth.strftime("%d%m%y")) * 1000
    return _with_check_digit(prefix + 2 * (n % 500), 9)


def nhs_number_for(n: int) -> str:
    """A valid NHS number from the testing range (999...), different for each ``n`` below
    500,000."""
    return _with_check_digit(999_000_000 + 2 * (n % 500_000), 9)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    authority = factory.SubFactory(AuthorityFactory)
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    # Birthdays spread over 1940-2008, a different one for each of 25,000 people in a row.
    date_of_birth = factory.Sequence(
        lambda n: datetime.date(1940, 1, 1) + datetime.timedelta(days=n * 7919 % 25000))
    chi_number = factory.LazyAttributeSequence(
        lambda o, n: chi_number_for(o.date_of_birth, n)
        if o.authority.country == Country.SCOTLAND else "")
    nhs_number = factory.LazyAttributeSequence(
        lambda o, n: nhs_number_for(n) if o.authority.country == Country.ENGLAND else "")
    postcode = "EH1 1YZ"


class RelationshipFactory(DjangoModelFactory):
    class Meta:
        model = Relationship

    person = factory.SubFactory(PersonFactory)
    kind = "unpaid_carer"
    name = factory.Faker("name")
