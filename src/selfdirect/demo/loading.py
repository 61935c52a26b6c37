"""Fast loading of synthetic people, with their communication needs and history.

``bulk_load_people`` writes ``Person`` and ``CommunicationNeed`` rows with ``bulk_create`` in
batches, one transaction per batch, and gives every row its django-simple-history "+"
record in the same transaction (history is required on every person-owned model). On SQLite
(3.35 or later) and PostgreSQL ``bulk_create`` returns the new primary keys, so needs and
history can point at them.

History: ``simple_history.utils.bulk_create_with_history`` works with the project's
``HistoricalRecords`` (``fast_history=False`` uses it), but it builds a historical model
instance per row and sends every value through Django's insert compiler: loading 100,000
people took 31 s on SQLite and 26 s on PostgreSQL with it (``bench/generate_people.py``),
about half of it history. ``HistoryWriter`` writes the same rows straight from the saved
objects (``executemany`` on SQLite, ``COPY`` on PostgreSQL): 19.5 s and 14.4 s.
``tests/demo/test_commands.py`` proves both give the same history rows. Both write to the
default database, as ``bulk_create`` does here.

People are allocated as a council would: about ``UNALLOCATED_SHARE`` wait unallocated (no
team, no worker); the rest join a team, and the authority's social workers take people
round-robin until each holds a caseload of ``CASELOAD_RANGE`` (counting the people they
already hold); anyone left over is held by a team without a named worker.
"""

from __future__ import annotations

import itertools
import random
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

from selfdirect.authorities.models import Authority, Role, StaffRole
from selfdirect.people.models import CommunicationNeed, Person
from selfdirect.people.services import PERSON_FIELDS

UNALLOCATED_SHARE = 0.10
CASELOAD_RANGE = (20, 40)
CHANGE_REASON = "Synthetic person generated"


class Allocator:
    """Chooses (team_id, worker_id) for each new person in one authority."""

    def __init__(self, *, team_ids: Sequence[int], workers: Sequence[tuple[int, int | None]],
                 existing: dict[int, int], rng: random.Random) -> None:
        self.rng = rng
        self._teams = itertools.cycle(team_ids) if team_ids else None
        self._capacity: dict[int, int] = {}
        self._worker_team: dict[int, int | None] = {}
        for user_id, team_id in workers:
            target = rng.randint(*CASELOAD_RANGE)
            self._capacity[user_id] = max(0, target - existing.get(user_id, 0))
            self._worker_team[user_id] = team_id
        self._queue = deque(w for w, cap in self._capacity.items() if cap > 0)

    @classmethod
    def for_authority(cls, authority: Authority, rng: random.Random) -> Allocator:
        team_ids = list(authority.teams.order_by("id").values_list("id", flat=True))
        workers = list(
            StaffRole.objects.filter(authority=authority, role=Role.SOCIAL_WORKER, active=True)
            .order_by("user_id").values_list("user_id", "team_id"))
        existing = dict(
            Person.objects.filter(authority=authority, allocated_worker__isnull=False)
            .values_list("allocated_worker").annotate(n=Count("id")).values_list(
                "allocated_worker", "n"))
        return cls(team_ids=team_ids, workers=workers, existing=existing, rng=rng)

    def next(self) -> tuple[int | None, int | None]:
        if self._teams is None and not self._queue:
            return None, None
        if self.rng.random() < UNALLOCATED_SHARE:
            return None, None
        if self._queue:
            worker = self._queue.popleft()
            self._capacity[worker] -= 1
            if self._capacity[worker] > 0:
                self._queue.append(worker)
            team = self._worker_team[worker]
            if team is None and self._teams is not None:
                team = next(self._teams)
            return team, worker
        assert self._teams is not None
        return next(self._teams), None


class _PersonMaker:
    """Builds unsaved ``Person`` objects with positional arguments (in the order of the
    model's concrete fields), which Django's ``Model.__init__`` handles several times faster
    than keyword arguments."""

    def __init__(self, authority_id: int) -> None:
        self.fields = [field.attname for field in Person._meta.concrete_fields]
        unknown = set(self.fields) - set(PERSON_FIELDS) - {
            "id", "authority_id", "team_id", "allocated_worker_id", "user_id", "created_at",
            "updated_at"}
        if unknown:  # a new Person field: PERSON_FIELDS or this list needs it
            raise ImproperlyConfigured(f"Person fields the loader does not fill: {unknown}")
        self.defaults = {field.attname: field.get_default()
                         for field in Person._meta.concrete_fields}
        self.defaults["authority_id"] = authority_id

    def __call__(self, row: dict[str, Any], team_id: int | None,
                 worker_id: int | None) -> Person:
        values = dict(self.defaults, team_id=team_id, allocated_worker_id=worker_id)
        for name in PERSON_FIELDS:
            if name in row:
                values[name] = row[name]
        return Person(*[values[name] for name in self.fields])  # type: ignore[misc]


def _batched(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def bulk_load_people(*, authority: Authority, rows: Iterable[dict[str, Any]],
                     batch_size: int = 2000, progress: Callable[[int], Any] | None = None,
                     with_history: bool = True, history_user: Any = None,
                     change_reason: str = CHANGE_REASON, seed: int | None = None,
                     fast_history: bool = True) -> int:
    """Insert ``rows`` (``Person`` field dicts from ``demo.synthetic``) into ``authority``.

    Each row may carry ``communication_needs``, a list of ``(kind, detail)``; other keys
    that are not person fields (``sex``) are ignored, and rows are not changed. The rows
    are trusted: they are not validated one by one (``synthetic`` makes them valid and its
    tests prove it). ``progress`` is called with the number of people after each batch.
    ``with_history=False`` skips the history records (for load tests only: history is
    required on every person-owned model). Returns the number of people created.
    """
    if batch_size <= 0:
        raise ValueError("batch_size must be positive")
    # Seeded by the authority's code when no seed is given: never by a database id, which
    # depends on what else the database holds.
    allocator = Allocator.for_authority(
        authority, random.Random(seed if seed is not None else zlib.crc32(authority.code.encode())))
    make_person = _PersonMaker(authority.pk)
    created = 0
    for batch in _batched(rows, batch_size):
        people: list[Person] = []
        needs_by_person: list[tuple[int, list[tuple[str, str]]]] = []
        for index, row in enumerate(batch):
            people.append(make_person(row, *allocator.next()))
            if row.get("communication_needs"):
                needs_by_person.append((index, row["communication_needs"]))
        with transaction.atomic():
            now = timezone.now()
            _create(Person, people, batch_size, with_history, history_user, change_reason, now,
                    fast_history)
            needs = [CommunicationNeed(person_id=people[index].pk, kind=kind, detail=detail)
                     for index, pairs in needs_by_person for kind, detail in pairs]
            if needs:
                _create(CommunicationNeed, needs, batch_size, with_history, history_user,
                        change_reason, now, fast_history)
        created += len(people)
        if progress is not None:
            progress(len(people))
    return created


def _create(model: Any, objs: list[Any], batch_size: int, with_history: bool,
            history_user: Any, change_reason: str, now: Any, fast_history: bool) -> None:
    if with_history and not fast_history:
        bulk_create_with_history(objs, model, batch_size=batch_size, default_user=history_user,
                                 default_change_reason=change_reason, default_date=now)
    else:
        model.objects.bulk_create(objs, batch_size=batch_size)
    if objs and objs[0].pk is None:  # a database that cannot return new keys
        raise RuntimeError(f"{model.__name__}: the database did not return the new keys")
    if with_history and fast_history:
        HistoryWriter.for_model(model).write(objs, user=history_user, reason=change_reason,
                                             when=now)


# Field types the database drivers (sqlite3, psycopg) take as Python values unchanged.
_PASSTHROUGH_TYPES = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "IntegerField",
    "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
    "PositiveSmallIntegerField", "BooleanField", "CharField", "TextField", "ForeignKey",
    "OneToOneField", "SlugField",
})


class HistoryWriter:
    """Writes the "+" (created) history records of saved objects, as
    ``HistoryManager.bulk_history_create`` would, but as one ``executemany`` (or ``COPY``) of
    tuples instead of a historical model instance per row and Django's insert compiler per
    value (``tests/demo`` proves the rows are the same).

    Refuses (``ImproperlyConfigured``) a historical model with a field it does not know how
    to fill, such as a custom history field without a default, rather than guess.
    """

    _cache: dict[type, HistoryWriter] = {}

    def __init__(self, model: type) -> None:
        history_model = self.history_model = get_history_model_for_model(model)
        tracked = {field.attname for field in history_model.tracked_fields}
        self.table = history_model._meta.db_table
        self.columns: list[str] = []
        # Per column: (kind, key, adapter): kind is "attr" (copied from the object),
        # "date", "reason", "type", "user" or "default".
        self.plan: list[tuple[str, Any, Callable[[Any], Any] | None]] = []
        for field in history_model._meta.concrete_fields:
            if field.primary_key and field.get_internal_type() in _AUTO_TYPES:
                continue
            adapter = (None if field.get_internal_type() in _PASSTHROUGH_TYPES
                       else partial(_prep_save, field))
            if field.attname in tracked and not field.name.startswith("history_"):
                step = ("attr", field.attname, adapter)
            elif field.name == "history_date":
                step = ("date", None, adapter)
            elif field.name == "history_change_reason":
                step = ("reason", None, adapter)
            elif field.name == "history_type":
                step = ("type", None, adapter)
            elif field.name == "history_user":
                step = ("user", None, adapter)
            elif field.has_default():
                step = ("default", field, adapter)
            else:
                raise ImproperlyConfigured(
                    f"{history_model.__name__}.{field.name}: no value for it in bulk history")
            self.columns.append(field.column)
            self.plan.append(step)

    @classmethod
    def for_model(cls, model: type) -> HistoryWriter:
        writer = cls._cache.get(model)
        if writer is None:
            writer = cls._cache[model] = cls(model)
        return writer

    def write(self, objs: list[Any], *, user: Any, reason: str, when: Any) -> int:
        """Write a "+" history row for each of ``objs`` (saved, with primary keys)."""
        if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return 0
        if user is None:  # as bulk_history_create: the request's user, if there is one
            user = self.history_model.get_default_history_user(objs[0])
        fixed = {"date": when, "reason": reason, "type": "+",
                 "user": getattr(user, "pk", user)}
        getters: list[Callable[[Any], Any]] = []
        for kind, key, adapter in self.plan:
            if kind == "attr":
                getter = attrgetter(key)
                getters.append(getter if adapter is None else _compose(adapter, getter))
            elif kind == "default":  # per row: a default may differ each time (uuid4)
                getters.append(_compose(adapter or _same, _default_of(key)))
            else:
                value = fixed[kind]
                value = value if adapter is None else adapter(value)
                getters.append(_constant(value))
        params = [tuple(get(obj) for get in getters) for obj in objs]
        ops = connection.ops
        table = ops.quote_name(self.table)
        columns = ", ".join(ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: several times faster than executemany through psycopg's client cursor.
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in params:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                # Names from the model's meta, quoted; values are parameters.
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(sql, params)
        return len(params)


_AUTO_TYPES = frozenset({"AutoField", "BigAutoField", "SmallAutoField"})


def _prep_save(field: Any, value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def _compose(adapter: Callable[[Any], Any], getter: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda obj: adapter(getter(obj))


def _constant(value: Any) -> Callable[[Any], Any]:
    return lambda _obj: value


def _default_of(field: Any) -> Callable[[Any], Any]:
    return lambda _obj: field.get_default()


def _same(value: Any) -> Any:
    return value
