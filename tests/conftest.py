"""Fixtures every test folder shares: two authorities, a team each, and a user for each role."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from selfdirect.accounts.models import User
from selfdirect.authorities.models import Authority, Country, Role, Team
from selfdirect.people.models import Access, Consent, ConsentMethod, ConsentScope
from selfdirect.people.services import consent_record, relationship_add
from tests.factories import AuthorityFactory, PersonFactory, TeamFactory, UserFactory, staff

# Hypothesis: the same examples on every run (derandomize), so a property test cannot pass
# or fail by chance; no deadline, as a loaded 2-core machine is slow by moments. To hunt
# for new counterexamples locally: pytest --hypothesis-profile=explore.
hypothesis_settings.register_profile(
    "selfdirect", derandomize=True, deadline=None, print_blob=True, database=None,
    suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.register_profile("explore", deadline=None, print_blob=True)
hypothesis_settings.load_profile("selfdirect")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--today", default=os.environ.get("SELFDIRECT_TEST_TODAY") or None,
        metavar="YYYY-MM-DD",
        help="run the whole suite as if today were this date (the clock starts at noon, "
             "Europe/London, and ticks); also SELFDIRECT_TEST_TODAY. A future date: the "
             "browser's own clock is not moved, and would see past cookies as expired.")
    parser.addoption(
        "--fuzz-examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", "2")),
        metavar="N",
        help="calls schemathesis makes to each API operation as each caller in "
             "tests/api/test_api_fuzz.py (default 2; also FUZZ_EXAMPLES); more for an "
             "exploratory run")


def _login_with_a_request(client: Client, **credentials: Any) -> bool:
    """``Client.login`` as the sign-in page does it, with the request: django-axes, first
    of the authentication backends, refuses a sign-in it cannot tie to an address. Wrong
    passwords count towards a lockout as on the page (at 127.0.0.1), in the database,
    which is rolled back after each test."""
    if credentials.get("request") is None:
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        credentials["request"] = request
    return _client_login(client, **credentials)


_client_login = Client.login


def pytest_configure(config: pytest.Config) -> None:
    # A fast hasher: the suite signs in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The second factor for staff is off for the suite, so its hundreds of staff sign-ins
    # need only the password; tests/accounts/test_second_factor.py turns it on with the
    # ``settings`` fixture.
    settings.STAFF_SECOND_FACTOR = False
    # PostgreSQL: a commit does not wait for the disk (synchronous_commit=off). Only the
    # durability of the throwaway test database after a crash changes, not what any query
    # does; on a slow disk the transactional tests (the live server, the browser, the fuzz
    # run) spent most of their time waiting for it.
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
    Client.login = _login_with_a_request  # type: ignore[method-assign]
    day = config.getoption("--today")
    if day:
        import time_machine

        try:
            start = datetime.datetime.combine(datetime.date.fromisoformat(day),
                                              datetime.time(12), tzinfo=ZoneInfo("Europe/London"))
        except ValueError as exc:
            raise pytest.UsageError(f"--today must be a date like 2028-02-29, not {day!r}") from exc
        traveller = time_machine.travel(start, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_report_header(config: pytest.Config) -> str:
    day = config.getoption("--today")
    return f"selfdirect: today is {day} (--today)" if day else "selfdirect: today is the real date"


_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """The ledger balances after every test that used the database: every entry's lines
    add up to nothing (``payments.ledger.ledger_problems``, one query). Runs after the
    test body and before its database is rolled back, so it sees what the test wrote."""
    result = yield
    uses_database = item.get_closest_marker("django_db") is not None or bool(
        _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))
    if uses_database:
        from selfdirect.payments.ledger import ledger_problems

        problems = ledger_problems()
        assert not problems, "The ledger does not balance:\n" + "\n".join(problems)
    return result


@pytest.fixture
def reference_data(transactional_db):
    """What the data migrations load (the policy figures, the outcome taxonomy, the
    spending exclusions), put back for a transactional test: the flush after an earlier
    transactional test empties every table, and the suite loads them again after it
    (pytest_runtest_teardown below), so this only loads what is missing."""
    from django.db import transaction

    from selfdirect.authorities.models import PolicyFigure
    from selfdirect.outcomes.models import OutcomeTerm
    from selfdirect.spending.models import ExclusionEntry

    loaded = (PolicyFigure.objects.filter(authority=None).exists()
              and OutcomeTerm.objects.exists() and ExclusionEntry.objects.exists())
    if not loaded:
        with transaction.atomic():
            _load_reference_data()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the public form's limits live there), so no
    test sees what another left."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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


def _build_world() -> World:
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


# The world is built once per worker and committed, not once per test: about 1,500 tests
# use it, and building it (17 users with their roles and history) cost more than most of
# them. Each test still gets its own objects, read again from the database, and whatever
# it changes is rolled back with its transaction. A transactional test empties every table
# when it ends; the reference data and the world are then loaded again at once
# (pytest_runtest_teardown below).
#
# Tests that must not see it: a test marked ``fresh_database`` (the demo's, which loads its
# own Edinburgh) has the world's rows deleted inside its own transaction, so they come
# back when it is rolled back (``_world_hidden``); a transactional test that does not ask
# for the world starts from an emptied database with the reference data loaded again
# (pytest_runtest_setup below).
_world_keys: dict[str, Any] | None = None
_world_rows: dict[str, list[Any]] = {}
_world_wanted = False
_TRANSACTIONAL = frozenset({"transactional_db", "live_server", "django_db_reset_sequences"})


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(_TRANSACTIONAL & set(getattr(item, "fixturenames", ()))) or bool(
        marker and marker.kwargs.get("transaction"))


def _unblocked(config: pytest.Config) -> Any:
    from pytest_django.plugin import blocking_manager_key

    return config.stash[blocking_manager_key].unblock()


def _row_keys() -> dict[str, set[Any]]:
    """Every table's primary keys (the database is small whenever this is called)."""
    from django.apps import apps

    return {model._meta.label: set(model._base_manager.values_list("pk", flat=True))
            for model in apps.get_models(include_auto_created=True)
            if not model._meta.proxy and model._meta.managed}


def _commit_world(config: pytest.Config, *, after_flush: bool = False) -> None:
    """Build the world outside any test's transaction, so that it stays, and note every
    row it made (its history included) so that a test may be run without it. After a
    transactional test's flush, what the data migrations load is loaded again first, so
    every later test sees the database as migrations leave it, whatever ran before."""
    global _world_keys, _world_rows
    from django.db import transaction

    with _unblocked(config), transaction.atomic():
        if after_flush:
            _load_reference_data()
        before = _row_keys()
        w = _build_world()
        after = _row_keys()
    _world_rows = {label: sorted(keys - before.get(label, set()))
                   for label, keys in after.items() if keys - before.get(label, set())}
    _world_keys = {"authorities": [w.scot.pk, w.eng.pk],
                   "teams": [w.scot_team.pk, w.scot_other_team.pk, w.eng_team.pk],
                   "users": {name: user.pk for name, user in w.users.items()}}


def _load_reference_data() -> None:
    from selfdirect.authorities.policy import load_defaults as load_policy
    from selfdirect.outcomes.taxonomy import load_taxonomy
    from selfdirect.spending.rulebook import load_defaults as load_exclusions

    load_policy()
    load_taxonomy()
    load_exclusions()


def _fresh_database(config: pytest.Config) -> None:
    """Empty every table, then load what the data migrations load."""
    global _world_keys
    from django.core.management import call_command
    from django.db import transaction

    with _unblocked(config):
        # As Django's own flush after a transactional test: post_migrate puts back the
        # content types and permissions.
        call_command("flush", interactive=False, verbosity=0)
        with transaction.atomic():
            _load_reference_data()
    _world_keys = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    uses_world = bool({"world", "cast"} & set(getattr(item, "fixturenames", ())))
    if _world_keys is not None and _is_transactional(item) and not uses_world:
        _fresh_database(item.config)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    result = yield
    # Put back what a transactional test's flush emptied (after the last test the test
    # database is gone).
    if nextitem is not None and _is_transactional(item):
        if _world_wanted:
            _commit_world(item.config, after_flush=True)
        else:
            from django.db import transaction

            with _unblocked(item.config), transaction.atomic():
                _load_reference_data()
    return result


@pytest.fixture(autouse=True)
def _world_hidden(request: pytest.FixtureRequest) -> None:
    """For a test marked ``fresh_database``: delete the world's rows inside the test's
    transaction (no signals, no history of the deletion), so the test sees the database
    as migrations leave it and the world is back when the transaction is rolled back."""
    if request.node.get_closest_marker("fresh_database") is None or not _world_rows:
        return
    if _is_transactional(request.node):
        raise pytest.UsageError("fresh_database is for tests that run in a transaction")
    request.getfixturevalue("db")
    from django.apps import apps
    from django.db import connection

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for label, keys in _world_rows.items():
            meta = apps.get_model(label)._meta
            marks = ", ".join(["%s"] * len(keys))
            cursor.execute(f"DELETE FROM {quote(meta.db_table)} "  # noqa: S608 - our own names
                           f"WHERE {quote(meta.pk.column)} IN ({marks})", keys)


@pytest.fixture(scope="session")
def _committed_world(request: pytest.FixtureRequest, django_db_setup: None) -> None:
    global _world_wanted
    _world_wanted = True
    if _world_keys is None:
        _commit_world(request.config)


@pytest.fixture
def world(request: pytest.FixtureRequest, _committed_world: None, db: None) -> World:
    if _world_keys is None:
        raise AssertionError("the world is built once per worker and after each flush")
    users = User.objects.in_bulk(_world_keys["users"].values())
    authorities = Authority.objects.in_bulk(_world_keys["authorities"])
    teams = Team.objects.in_bulk(_world_keys["teams"])
    scot, eng = (authorities[pk] for pk in _world_keys["authorities"])
    scot_team, scot_other_team, eng_team = (teams[pk] for pk in _world_keys["teams"])
    return World(scot=scot, eng=eng, scot_team=scot_team, scot_other_team=scot_other_team,
                 eng_team=eng_team,
                 users={name: users[pk] for name, pk in _world_keys["users"].items()})


@pytest.fixture
def person_factory():
    return PersonFactory


@pytest.fixture
def cast(world):
    """The actors, signed-in-able, and the person they are asked about."""
    manager = world.user("scot_team_manager")
    person = PersonFactory(authority=world.scot, team=world.scot_team,
                           allocated_worker=world.user("scot_social_worker"))
    users = dict(world.users)
    users["the_person"] = UserFactory(username="the_person")
    person.user = users["the_person"]
    person.save()

    def related(name, kind, access, consent, **extra):
        users[name] = UserFactory(username=name)
        rel = relationship_add(actor=manager, person=person, kind=kind, name=name,
                               user=users[name], access=access, **extra)
        for decision in consent:
            consent_record(actor=manager, person=person, relationship=rel, decision=decision,
                           scope=ConsentScope.SHARE_WITH_RELATIONSHIP, method=ConsentMethod.VERBAL)

    related("carer_viewing", "unpaid_carer", Access.VIEW, [Consent.Decision.GIVEN])
    related("attorney_acting", "welfare_attorney", Access.ACT, [],
            powers_held="Welfare decisions", document_reference="OPG-123")
    related("advocate_withdrawn", "advocate", Access.VIEW,
            [Consent.Decision.GIVEN, Consent.Decision.WITHDRAWN])
    return users, person
