"""How fast synthetic people are generated and loaded, against a raw-insert floor.

    .venv/bin/python bench/generate_people.py [--count 100000] [--batch-size 2000]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/generate_people.py

Uses a throwaway database: a temporary SQLite file, or, when BENCH_DATABASE_URL names a
PostgreSQL server, a fresh database created through it and dropped at the end. Migrates it,
then in one process times:

  (c) row generation alone (``demo.synthetic``);
  (a) a raw insert of the same people and needs: pre-built tuples through
      ``cursor.executemany`` (no ORM, no history, no allocation), one transaction per batch;
  (b) the real path, ``demo.loading.bulk_load_people`` with history;
  (d) with --compare-simple-history, (b) again with simple_history's bulk_create_with_history.

Prints people per second for each and the ratio of (b)'s time to (a)'s. No pass or fail.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ["DJANGO_SETTINGS_MODULE"] = "selfdirect.config.settings"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--country", choices=["scotland", "england"], default="scotland")
    parser.add_argument("--workers", type=int, default=100,
                        help="social workers in the authority (default 100)")
    parser.add_argument("--compare-simple-history", action="store_true",
                        help="also time (d): the real path with simple_history's own "
                             "bulk_create_with_history instead of demo.loading.HistoryWriter")
    parser.add_argument("--debug", action="store_true",
                        help="run with DEBUG on, as manage.py does in development")
    return parser.parse_args()


class ThrowawayDatabase:
    """A temporary SQLite file, or a fresh PostgreSQL database made via BENCH_DATABASE_URL."""

    def __init__(self) -> None:
        self.admin_url = os.environ.get("BENCH_DATABASE_URL", "")
        self.tmpdir: str | None = None
        self.pg_name: str | None = None

    def __enter__(self) -> str:
        if self.admin_url:
            import psycopg

            parts = urlsplit(self.admin_url)
            if not parts.scheme.startswith("postgres"):
                raise SystemExit("BENCH_DATABASE_URL must be a postgres:// URL")
            self.pg_name = f"selfdirect_bench_{os.getpid()}"
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}"')
                conn.execute(f'CREATE DATABASE "{self.pg_name}"')
            url = urlunsplit(parts._replace(path=f"/{self.pg_name}"))
        else:
            self.tmpdir = tempfile.mkdtemp(prefix="selfdirect-bench-")
            url = f"sqlite:///{self.tmpdir}/bench.sqlite3"
        os.environ["DATABASE_URL"] = url
        return url

    def __exit__(self, *exc: Any) -> None:
        from django.db import connections

        connections.close_all()
        if self.pg_name:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f} people/s" if seconds > 0 else "—"


def main() -> None:
    args = parse_args()
    if args.count <= 0 or args.batch_size <= 0:
        raise SystemExit("--count and --batch-size must be positive")
    os.environ["DEBUG"] = "true" if args.debug else "false"

    with ThrowawayDatabase() as url:
        import django

        django.setup()
        run(args, url)


def setup_authority(args: argparse.Namespace) -> Any:
    from selfdirect.accounts.models import User
    from selfdirect.authorities.models import Authority, Role, StaffRole, Team

    code = "S12000036" if args.country == "scotland" else "E08000003"
    authority = Authority.objects.create(name=f"Benchmark council ({code})", code=code,
                                         country=args.country)
    teams = [Team.objects.create(authority=authority, name=name)
             for name in ("North locality", "South locality")]
    users = User.objects.bulk_create(
        [User(username=f"bench.worker{i}", first_name="Bench", last_name=f"Worker {i}")
         for i in range(args.workers)])
    StaffRole.objects.bulk_create(
        [StaffRole(user=user, authority=authority, role=Role.SOCIAL_WORKER,
                   team=teams[i % len(teams)]) for i, user in enumerate(users)])
    return authority


def raw_insert(authority: Any, rows: list[dict[str, Any]], batch_size: int) -> tuple[float, int]:
    """Time an executemany INSERT of pre-built tuples: the floor for writing these rows."""
    from django.db import connection, transaction
    from django.utils import timezone

    from selfdirect.people.models import CommunicationNeed, Person
    from selfdirect.people.services import PERSON_FIELDS

    ops = connection.ops
    now_value = ops.adapt_datetimefield_value(timezone.now())  # as Django would store it
    person_columns = ["id", "authority_id", *PERSON_FIELDS, "created_at", "updated_at"]
    need_columns = ["id", "person_id", "kind", "detail"]
    dob_index = PERSON_FIELDS.index("date_of_birth")
    people: list[tuple[Any, ...]] = []
    needs: list[tuple[Any, ...]] = []
    for pk, row in enumerate(rows, start=1):
        values = [row[name] for name in PERSON_FIELDS]
        values[dob_index] = ops.adapt_datefield_value(row["date_of_birth"])
        people.append((pk, authority.pk, *values, now_value, now_value))
        for kind, detail in row["communication_needs"]:
            needs.append((len(needs) + 1, pk, kind, detail))

    placeholder = "?" if connection.vendor == "sqlite" else "%s"

    def insert_sql(table: str, columns: list[str]) -> str:
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join([placeholder] * len(columns))
        return f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})"

    def driver_cursor() -> Any:
        """The DB-API cursor itself. For PostgreSQL a server-binding psycopg cursor, whose
        executemany pipelines one prepared statement (Django's own cursors bind on the client,
        which makes executemany several times slower)."""
        connection.ensure_connection()
        if connection.vendor == "postgresql":
            import psycopg

            return psycopg.Cursor(connection.connection)
        return contextlib.closing(connection.connection.cursor())

    person_sql = insert_sql(Person._meta.db_table, person_columns)
    need_sql = insert_sql(CommunicationNeed._meta.db_table, need_columns)
    need_index = 0
    started = time.perf_counter()
    for start in range(0, len(people), batch_size):
        chunk = people[start:start + batch_size]
        last_pk = chunk[-1][0]
        need_end = need_index
        while need_end < len(needs) and needs[need_end][1] <= last_pk:
            need_end += 1
        with transaction.atomic(), driver_cursor() as cursor:
            cursor.executemany(person_sql, chunk)
            if need_end > need_index:
                cursor.executemany(need_sql, needs[need_index:need_end])
        need_index = need_end
    elapsed = time.perf_counter() - started
    assert Person.objects.count() == len(rows)
    return elapsed, len(needs)


def clear_people(*, history: bool = False) -> None:
    from django.db import connection

    from selfdirect.people.models import CommunicationNeed, Person

    tables = [CommunicationNeed._meta.db_table, Person._meta.db_table]
    if history:
        tables += [CommunicationNeed.history.model._meta.db_table,
                   Person.history.model._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def run(args: argparse.Namespace, url: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    from selfdirect.demo.loading import bulk_load_people
    from selfdirect.demo.synthetic import generate_people
    from selfdirect.people.models import CommunicationNeed, Person

    print(f"Database: {connection.vendor} (throwaway: {url.rsplit('@', 1)[-1]}); "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"Migrated in {time.perf_counter() - started:.1f}s")
    authority = setup_authority(args)
    n = args.count

    # (c) generation alone
    started = time.perf_counter()
    rows = generate_people(seed=args.seed, authority=authority, count=n)
    t_gen = time.perf_counter() - started

    # (a) raw insert of the same rows, then clear the tables again
    t_raw, n_needs = raw_insert(authority, rows, args.batch_size)
    clear_people()

    # (b) the real path
    started = time.perf_counter()
    created = bulk_load_people(authority=authority, rows=rows, batch_size=args.batch_size,
                               with_history=True, seed=args.seed)
    t_real = time.perf_counter() - started

    history = Person.history.count()
    need_rows = CommunicationNeed.objects.count()
    need_history = CommunicationNeed.history.count()
    allocated = Person.objects.filter(allocated_worker__isnull=False).count()
    unallocated = Person.objects.filter(team__isnull=True).count()
    assert created == n == Person.objects.count() == history, (created, history)
    assert need_rows == n_needs == need_history, (need_rows, n_needs, need_history)

    print(f"People: {n:,}; communication needs: {n_needs:,}; batch size {args.batch_size}; "
          f"DEBUG {'on' if args.debug else 'off'}")
    print(f"  (c) generation only             {t_gen:7.2f}s {rate(n, t_gen)}")
    print(f"  (a) raw executemany insert      {t_raw:7.2f}s {rate(n, t_raw)}"
          "   people + needs, no ORM, no history")
    print(f"  (b) bulk_load_people + history  {t_real:7.2f}s {rate(n, t_real)}"
          f"   {history:,} + {need_history:,} history rows")
    print(f"  ratio real/raw (time, b/a)      {t_real / t_raw:7.2f}x")
    print(f"  generate + load (c + b)         {t_gen + t_real:7.2f}s {rate(n, t_gen + t_real)}")
    print(f"  allocated to a worker: {allocated:,}; unallocated: {unallocated:,} "
          f"({unallocated / n:.1%}); load average now {os.getloadavg()[0]:.2f}")

    if args.compare_simple_history:
        clear_people(history=True)
        started = time.perf_counter()
        bulk_load_people(authority=authority, rows=rows, batch_size=args.batch_size,
                         with_history=True, seed=args.seed, fast_history=False)
        t_simple = time.perf_counter() - started
        assert Person.history.count() == n
        print(f"  (d) same, bulk_create_with_history {t_simple:5.2f}s {rate(n, t_simple)}"
              f"   ratio d/a {t_simple / t_raw:.2f}x, d/b {t_simple / t_real:.2f}x")


if __name__ == "__main__":
    main()
