"""Load the demo: ``manage.py demo_load [--people N] [--reset] [--with-superuser]
[--today YYYY-MM-DD] [--seed S]``.

Creates (or brings up to date) two authorities, two teams each, a staff login for every
role in each, a second social worker in each, one team manager working in both, synthetic
people split between the authorities, and portal logins for a person, a carer, a welfare
attorney and an advocate whose consent was withdrawn. Every change to a person goes through
``selfdirect.people.services``, so history, consent and the access log are real.

Idempotent: everything is found by its natural key (authority code, team name, username,
the login's relationship, a demo need's wording) and only created or changed when missing
or different; people are topped up to the requested number, never duplicated. ``--reset``
deletes the demo authorities' people first (staff logins stay, as the access log refers
to them). All passwords are ``selfdirect.demo.accounts.DEMO_PASSWORD``.

The demo is a pure function of its inputs: the number of people, the seed and the day.
Each authority's people are drawn from a seed fixed by its code (or from ``--seed`` and
the code), never from a database id, and every date is worked out from ``--today``
(default: the real date) through ``selfdirect.core.clock.as_of``. Loading twice, or on a
database that already holds other authorities, gives the same people, names and numbers.
"""

from __future__ import annotations

import zlib
from datetime import date
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models import Q

from selfdirect.accounts.models import User
from selfdirect.authorities.models import Authority, StaffRole, Team
from selfdirect.core import clock
from selfdirect.core.services import save_with_history
from selfdirect.demo.accounts import (
    AUTHORITIES,
    DEMO_PASSWORD,
    EDINBURGH,
    MANCHESTER,
    PORTAL_LOGINS,
    SUPERUSER,
    demo_logins,
    demo_staff,
)
from selfdirect.demo.loading import bulk_load_people
from selfdirect.demo.synthetic import PeopleGenerator
from selfdirect.jobs.services import jobs_run_queued
from selfdirect.people.models import (
    Access,
    CommunicationNeed,
    Consent,
    ConsentMethod,
    ConsentScope,
    Person,
    Relationship,
    RelationshipKind,
)
from selfdirect.people.services import (
    communication_needs_set,
    consent_record,
    person_update,
    relationship_add,
)

MIN_PEOPLE = 20
SEEDS = {EDINBURGH: 20260001, MANCHESTER: 20260002}


def seed_for(code: str, base: int | None = None) -> int:
    """The seed for an authority's synthetic people: fixed by its code, or by ``base``
    (``--seed``) and its code. Never a database id, so what else the database holds
    changes nothing."""
    if base is None and code in SEEDS:
        return SEEDS[code]
    return zlib.crc32(f"{base}:{code}".encode())


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be a date like 2026-12-07, not {value!r}.") from exc

# The demo's own communication needs. Their wording is unique to the demo, which is how a
# second run finds the same people again.
DEAF_NEEDS = {
    "bsl_interpreter": "Deaf, uses BSL: book a BSL/English interpreter for every meeting",
    "face_to_face_only": "Meet in person with the interpreter: no phone calls",
}
PEN_NEEDS = {
    "cannot_write": "Cannot hold a pen: record agreement by voice, never ask for a signature",
}
INTERPRETER_NEEDS = {
    "interpreter": "Urdu: book an interpreter for every meeting and call",
}
ATTORNEY_POWERS = ("Welfare powers: to decide where the granter lives and what care and "
                   "support they receive, and to see their social work and health records.")
ATTORNEY_REFERENCE = "OPG-DEMO-2026-0001"
ADVOCACY_ORGANISATION = "Capital Independent Advocacy (fictional)"


def _upsert(model: type[models.Model], lookup: dict[str, Any],
            values: dict[str, Any]) -> tuple[Any, bool]:
    """Find by ``lookup``; create with ``values``, or save only the values that differ
    (so a second run writes nothing and adds no history)."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)  # field names or attnames (team_id) alike
    return obj, False


def _years_ago(years: int) -> date:
    today = clock.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class _Passwords:
    """Gives every demo user DEMO_PASSWORD with one hash per run (hashing is slow on
    purpose), checking each distinct stored hash once."""

    def __init__(self) -> None:
        self._hash: str | None = None
        self._checked: dict[str, bool] = {}

    def ensure(self, user: User) -> bool:
        encoded = user.password or ""
        if encoded not in self._checked:
            self._checked[encoded] = bool(encoded) and check_password(DEMO_PASSWORD, encoded)
        if self._checked[encoded]:
            return False
        if self._hash is None:
            self._hash = make_password(DEMO_PASSWORD)
            self._checked[self._hash] = True
        user.password = self._hash
        return True


class Command(BaseCommand):
    help = ("Load demo authorities, teams, staff, synthetic people and portal logins "
            "(idempotent). Demo data only: never run it against real records.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=300, metavar="N",
                            help="synthetic people across both authorities (default 300)")
        parser.add_argument("--reset", action="store_true",
                            help="delete the demo authorities' people first, then load")
        parser.add_argument("--with-superuser", action="store_true",
                            help=f"also create a Django superuser {SUPERUSER!r}")
        parser.add_argument("--today", type=str, default=None, metavar="YYYY-MM-DD",
                            help="the day the demo is loaded as of (default: today)")
        parser.add_argument("--seed", type=int, default=None, metavar="S",
                            help="draw different synthetic people (default: the demo's own)")

    def handle(self, *args: Any, **options: Any) -> None:
        total = options["people"]
        if total is None or total < MIN_PEOPLE:
            raise CommandError(f"--people must be at least {MIN_PEOPLE}, not {total}.")
        self.passwords = _Passwords()
        self.seed = options.get("seed")
        day = _date(options["today"]) if options.get("today") else clock.today()
        with clock.as_of(day), transaction.atomic():
            if options["reset"]:
                self._reset()
            authorities, teams = self._authorities()
            users = self._staff(authorities, teams)
            self._people(authorities, total)
            managers = {a.code: self._fresh(users[f"{a.prefix}.team_manager"])
                        for a in AUTHORITIES}
            self._portal(authorities[EDINBURGH], managers[EDINBURGH])
            self._needs(authorities, managers)
            self._assessments(authorities[EDINBURGH], users)
            self._budgets(authorities[EDINBURGH], users)
            self._charging(authorities, users)
            self._planning(authorities[EDINBURGH], users)
            self._providers(authorities)
            self._payments(authorities[EDINBURGH], users)
            # The recalculations the demo's price changes queued, done as the worker would.
            jobs_run_queued(worker_id="demo_load")
            if options["with_superuser"]:
                self._superuser()
        self._report(authorities, with_superuser=options["with_superuser"])

    # -- steps ------------------------------------------------------------------------------

    def _reset(self) -> None:
        from selfdirect.demo.assessments import delete_demo_records
        from selfdirect.demo.budgets import delete_demo_budgets
        from selfdirect.demo.charging import delete_demo_charging
        from selfdirect.demo.payments import delete_demo_payments
        from selfdirect.demo.planning import delete_demo_planning

        codes = [a.code for a in AUTHORITIES]
        delete_demo_payments(authority_codes=codes)
        delete_demo_planning(authority_codes=codes)
        delete_demo_charging(authority_codes=codes)
        delete_demo_budgets(authority_codes=codes)
        delete_demo_records(authority_codes=codes)
        people = Person.objects.filter(authority__code__in=codes)
        deleted = people.count()
        people.delete()
        self.stdout.write(f"Reset: deleted {deleted} people from the demo authorities.")

    def _authorities(self) -> tuple[dict[str, Authority], dict[str, list[Team]]]:
        authorities: dict[str, Authority] = {}
        teams: dict[str, list[Team]] = {}
        for demo in AUTHORITIES:
            authority, _ = _upsert(Authority, {"code": demo.code},
                                   {"name": demo.name, "country": demo.country})
            authorities[demo.code] = authority
            teams[demo.code] = [_upsert(Team, {"authority": authority, "name": name}, {})[0]
                                for name in demo.teams]
        return authorities, teams

    def _user(self, username: str, first_name: str | None = None,
              last_name: str | None = None, **extra: Any) -> User:
        """The user, created or brought up to date; a name given as None is left alone."""
        values = {"email": f"{username}@example.org", "is_active": True, **extra}
        if first_name is not None:
            values["first_name"] = first_name
        if last_name is not None:
            values["last_name"] = last_name
        user, _ = _upsert(User, {"username": username}, values)
        if self.passwords.ensure(user):
            user.save(update_fields=["password"])
        return user

    def _staff(self, authorities: dict[str, Authority],
               teams: dict[str, list[Team]]) -> dict[str, User]:
        users: dict[str, User] = {}
        for member in demo_staff():
            user = users.get(member.username) or self._user(
                member.username, member.first_name, member.last_name)
            users[member.username] = user
            team = (teams[member.authority_code][member.team_index]
                    if member.team_index is not None else None)
            _upsert(StaffRole, {"user": user, "authority": authorities[member.authority_code],
                                "role": member.role},
                    {"team_id": team.pk if team else None, "active": True})
        return users

    def _people(self, authorities: dict[str, Authority], total: int) -> None:
        shares = {EDINBURGH: (total + 1) // 2, MANCHESTER: total // 2}
        for code, share in shares.items():
            authority = authorities[code]
            existing = Person.objects.filter(authority=authority)
            have = existing.count()
            if have >= share:
                continue
            taken = [n for pair in existing.values_list("chi_number", "nhs_number")
                     for n in pair if n]
            # A top-up draws new people, not the first ones again.
            seed = seed_for(code, self.seed) + have
            generator = PeopleGenerator(seed=seed, authority=authority,
                                        today=clock.today(), taken_identifiers=taken)
            created = bulk_load_people(authority=authority, rows=generator.rows(share - have),
                                       seed=seed)
            self.stdout.write(f"{authority.name}: created {created} synthetic people.")

    @staticmethod
    def _fresh(user: User) -> User:
        """A new instance, so no role cache from before the roles existed is used."""
        return User.objects.get(pk=user.pk)

    def _pick(self, authority: Authority, used: set[int], *preferences: Q) -> Person:
        """The first person (by id) matching the first preference that anyone matches."""
        people = Person.objects.filter(authority=authority).exclude(pk__in=used)
        for condition in (*preferences, Q()):
            person = people.filter(condition).order_by("id").first()
            if person is not None:
                used.add(person.pk)
                return person
        raise CommandError(f"Not enough people in {authority.name} for the demo logins.")

    def _portal(self, authority: Authority, manager: User) -> None:
        """edinburgh.person, .carer, .attorney and .advocate, each linked to a person."""
        used: set[int] = set()
        adult = Q(date_of_birth__lte=_years_ago(30), date_of_birth__gt=_years_ago(65))
        over_75 = Q(date_of_birth__lte=_years_ago(75))

        # The person: their own sign-in.
        user = self._user("edinburgh.person")
        person = Person.objects.filter(user=user).first()
        if person is None:
            person = self._pick(authority, used, adult & Q(user__isnull=True)
                                & Q(client_group="physical_sensory"), adult & Q(user=None))
            person.user = user
            save_with_history(person, actor=manager, reason="Own sign-in linked")
        used.add(person.pk)
        _upsert(User, {"pk": user.pk}, {"first_name": person.given_name,
                                        "last_name": person.family_name})

        # An unpaid carer, with consent: sees the record.
        self._relationship(
            authority, manager, used, username="edinburgh.carer", first_name="Lorna",
            kind=RelationshipKind.UNPAID_CARER, access=Access.VIEW,
            preferences=(over_75 & Q(client_group="elderly_frail"), over_75),
            consents=(Consent.Decision.GIVEN,))
        # A welfare attorney: a legal power, no consent needed.
        self._relationship(
            authority, manager, used, username="edinburgh.attorney", first_name="Graham",
            kind=RelationshipKind.WELFARE_ATTORNEY, access=Access.ACT,
            preferences=(Q(client_group="dementia"), over_75),
            extra={"powers_held": ATTORNEY_POWERS, "document_reference": ATTORNEY_REFERENCE})
        # An advocate whose consent was given, then withdrawn: sees nothing.
        self._relationship(
            authority, manager, used, username="edinburgh.advocate", first_name="Jamie",
            last_name="Thomson", kind=RelationshipKind.ADVOCATE, access=Access.VIEW,
            preferences=(adult & Q(client_group__in=["learning_disability", "mental_health"]),
                         adult),
            consents=(Consent.Decision.GIVEN, Consent.Decision.WITHDRAWN),
            extra={"organisation": ADVOCACY_ORGANISATION})

    def _relationship(self, authority: Authority, manager: User, used: set[int], *,
                      username: str, first_name: str, kind: str, access: str,
                      preferences: tuple[Q, ...], consents: tuple[str, ...] = (),
                      last_name: str | None = None,
                      extra: dict[str, Any] | None = None) -> None:
        user = self._user(username, first_name, last_name)
        rel = Relationship.objects.filter(user=user, kind=kind).select_related("person").first()
        if rel is not None:
            used.add(rel.person_id)
            return
        person = self._pick(authority, used, *preferences)
        surname = last_name or person.family_name  # a relative shares the family name
        _upsert(User, {"pk": user.pk}, {"last_name": surname})
        rel = relationship_add(actor=manager, person=person, kind=kind,
                               name=f"{first_name} {surname}", user=user, access=access,
                               phone=f"07700 900{list(PORTAL_LOGINS).index(username):03d}",
                               email=f"{username}@example.org", **(extra or {}))
        for decision in consents:
            consent_record(actor=manager, person=person,
                           scope=ConsentScope.SHARE_WITH_RELATIONSHIP, decision=decision,
                           method=ConsentMethod.VERBAL, relationship=rel,
                           note=f"Demo: consent {decision} in a review conversation")

    def _needs(self, authorities: dict[str, Authority], managers: dict[str, User]) -> None:
        """A Deaf BSL user and a person who cannot hold a pen in Edinburgh; a person who
        needs an Urdu interpreter in Manchester."""
        adult = Q(date_of_birth__lte=_years_ago(18), date_of_birth__gt=_years_ago(65))
        over_75 = Q(date_of_birth__lte=_years_ago(75))
        linked = set(Person.objects.filter(user__isnull=False).values_list("pk", flat=True)) | set(
            Relationship.objects.filter(user__isnull=False).values_list("person_id", flat=True))
        plan = [
            (EDINBURGH, DEAF_NEEDS, {"contact_preference": "text"}, (adult,)),
            (EDINBURGH, PEN_NEEDS, {}, (over_75 & Q(client_group="physical_sensory"),
                                        over_75)),
            (MANCHESTER, INTERPRETER_NEEDS, {"contact_preference": "face_to_face"}, (adult,)),
        ]
        for code, needs, details, preferences in plan:
            authority, manager = authorities[code], managers[code]
            marker = next(iter(needs.items()))
            found = CommunicationNeed.objects.filter(
                person__authority=authority, kind=marker[0], detail=marker[1]).first()
            if found is not None:
                person = found.person
            else:
                person = self._pick(authority, set(linked), *preferences)
            linked.add(person.pk)
            current = dict(person.communication_needs.values_list("kind", "detail"))
            if current != needs:
                communication_needs_set(actor=manager, person=person, needs=needs)
            changes = {k: v for k, v in details.items() if getattr(person, k) != v}
            if changes:
                person_update(actor=manager, person=person, **changes)

    def _assessments(self, authority: Authority, users: dict[str, User]) -> None:
        from selfdirect.demo.assessments import load_demo_assessments

        own = Person.objects.get(user__username="edinburgh.person")
        created = load_demo_assessments(authority=authority,
                                        worker=self._fresh(users["edinburgh.social_worker"]),
                                        manager=self._fresh(users["edinburgh.team_manager"]),
                                        person_with_login=own)
        if created:
            self.stdout.write(f"{authority.name}: {created} demo assessments, referrals "
                              "waiting, and two requests from the public page.")

    def _budgets(self, authority: Authority, users: dict[str, User]) -> None:
        from selfdirect.demo.budgets import load_demo_budgets

        made = load_demo_budgets(
            authority=authority, worker=self._fresh(users["edinburgh.social_worker"]),
            manager=self._fresh(users["edinburgh.team_manager"]),
            administrator=self._fresh(users["edinburgh.administrator"]),
            finance=self._fresh(users["edinburgh.finance_officer"]),
            panel_member=self._fresh(users["edinburgh.panel_member"]),
            person_with_login=Person.objects.get(user__username="edinburgh.person"))
        if made:
            self.stdout.write(f"{authority.name}: a live resource allocation questionnaire, "
                              f"{made} budgets (agreed, waiting for the panel, and the "
                              "person's own), a panel meeting and the year's envelope.")

    def _charging(self, authorities: dict[str, Authority], users: dict[str, User]) -> None:
        from selfdirect.demo.charging import load_demo_charging

        for demo in AUTHORITIES:
            own = (Person.objects.get(user__username="edinburgh.person")
                   if demo.code == EDINBURGH else None)
            made = load_demo_charging(
                authority=authorities[demo.code],
                manager=self._fresh(users[f"{demo.prefix}.team_manager"]),
                finance=self._fresh(users[f"{demo.prefix}.finance_officer"]),
                worker=self._fresh(users[f"{demo.prefix}.social_worker"]),
                person_with_login=own)
            if made:
                self.stdout.write(f"{demo.name}: planned services and charging for {made} people "
                                  "(assessed, free services only, declined, in progress, waiting).")

    def _planning(self, authority: Authority, users: dict[str, User]) -> None:
        from selfdirect.demo.planning import load_demo_planning

        made = load_demo_planning(
            authority=authority, worker=self._fresh(users["edinburgh.social_worker"]),
            manager=self._fresh(users["edinburgh.team_manager"]),
            person_with_login=Person.objects.get(user__username="edinburgh.person"))
        if made:
            self.stdout.write(f"{authority.name}: the person's choice of options and a plan "
                              f"being written; {made} choices recorded.")

    def _providers(self, authorities: dict[str, Authority]) -> None:
        from selfdirect.providers.demo import load_demo_providers

        for authority in authorities.values():
            count = load_demo_providers(authority)
            self.stdout.write(f"{authority.name}: {count} providers and personal assistants "
                              "in the directory.")

    def _payments(self, authority: Authority, users: dict[str, User]) -> None:
        from selfdirect.demo.payments import load_demo_payments

        glen = Person.objects.get(user__username="edinburgh.person")
        made = load_demo_payments(
            authority=authority, worker=self._fresh(users["edinburgh.social_worker"]),
            manager=self._fresh(users["edinburgh.team_manager"]),
            finance=self._fresh(users["edinburgh.finance_officer"]),
            second_finance=self._fresh(users["edinburgh.finance_officer2"]), exclude=[glen.pk],
            provider_user=self._fresh(users["edinburgh.provider_user"]))
        if made:
            self.stdout.write(f"{authority.name}: {made} people with direct payments, this "
                              "period's payment run paid, and the ledger.")

    def _superuser(self) -> None:
        self._user(SUPERUSER, "Demo", "Superuser", is_staff=True, is_superuser=True)

    # -- report -----------------------------------------------------------------------------

    def _report(self, authorities: dict[str, Authority], *, with_superuser: bool) -> None:
        for authority in authorities.values():
            people = Person.objects.filter(authority=authority)
            self.stdout.write(
                f"{authority.name} ({authority.code}): {people.count()} people, "
                f"{people.filter(allocated_worker__isnull=False).count()} allocated to a worker, "
                f"{people.filter(team__isnull=True).count()} unallocated")
        logins = [(username, shows + self._whose(username)) for username, shows in demo_logins()]
        if with_superuser:
            logins.append((SUPERUSER, "Django superuser: the admin site"))
        width = max(len(username) for username, _ in logins)
        self.stdout.write("")
        self.stdout.write(f"Demo logins. The password for every one is: {DEMO_PASSWORD}")
        self.stdout.write(f"  {'username'.ljust(width)}  what it shows")
        self.stdout.write(f"  {'-' * width}  {'-' * 13}")
        for username, shows in logins:
            self.stdout.write(f"  {username.ljust(width)}  {shows}")

    @staticmethod
    def _whose(username: str) -> str:
        """For a portal login, whose record it is linked to."""
        if username not in PORTAL_LOGINS:
            return ""
        person = (Person.objects.filter(user__username=username).first()
                  or Person.objects.filter(relationships__user__username=username).first())
        return f" [{person.full_name}]" if person else ""
