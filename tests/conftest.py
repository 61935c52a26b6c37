"""Fixtures every test folder shares: two authorities, a team each, and a user for each role."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.conf import settings

from selfdirect.accounts.models import User
from selfdirect.authorities.models import Authority, Country, Role, Team
from tests.factories import AuthorityFactory, PersonFactory, TeamFactory, UserFactory, staff


def pytest_configure(config: pytest.Config) -> None:
    # A fast hasher: the suite signs in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    """Two authorities with staff of every role; people are added by each test."""

    scot: Authority
    eng: Authority
    scot_team: Team
    scot_other_team: Team
    eng_team: Team
    users: dict[str, User] = field(default_factory=dict)

    def user(self, name: str) -> User:
        return self.users[name]


@pytest.fixture
def world(db) -> World:
    scot = AuthorityFactory(name="City of Edinburgh Council", code="S12000036",
                            country=Country.SCOTLAND)
    eng = AuthorityFactory(name="Manchester City Council", code="E08000003",
                           country=Country.ENGLAND)
    w = World(scot=scot, eng=eng, scot_team=TeamFactory(authority=scot, name="North East"),
              scot_other_team=TeamFactory(authority=scot, name="South West"),
              eng_team=TeamFactory(authority=eng, name="Adults North"))
    for role in Role:
        team = w.scot_team if role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER) else None
        w.users[f"scot_{role.value}"] = staff(scot, role, team, username=f"scot_{role.value}")
        eng_team = w.eng_team if role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER) else None
        w.users[f"eng_{role.value}"] = staff(eng, role, eng_team, username=f"eng_{role.value}")
    w.users["scot_other_social_worker"] = staff(scot, Role.SOCIAL_WORKER, w.scot_other_team,
                                                username="scot_other_social_worker")
    w.users["nobody"] = UserFactory(username="nobody")
    return w


@pytest.fixture
def person_factory():
    return PersonFactory
