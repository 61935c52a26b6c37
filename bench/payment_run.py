"""How fast a direct-payment run is prepared, approved and paid (posted to the ledger),
against a bulk insert of the same ledger rows.

    .venv/bin/python bench/payment_run.py [--people 100000]
    .venv/bin/python bench/payment_run.py --database-url postgres://postgres@127.0.0.1:5432/postgres

Uses a throwaway database, as generate_people.py does. Builds one Scottish authority, its
bank details (``Originator``), two finance officers and N people, each with a council
direct-payment schedule (first period starting on one of the next seven days), a weekly
rate and a direct-payment account (all bulk inserts). Then, in one process, times:

  (a) the real path, as finance does it: ``runs.run_prepare`` for periods starting in the
      next seven days (one ``Payment`` per schedule), ``runs.run_approve`` by the second
      officer, and ``runs.run_post`` (one ledger entry of four lines per payment, in
      committed batches of ``--batch``, then the Standard 18 file and the CSV);
  (b) a raw ``bulk_create`` of the same number of ledger rows: one entry and four lines
      per payment (built beforehand, as reversals of (a)'s entries so the database's
      checks hold), rolled back afterwards so the ledger keeps only what (a) posted;
  (c) unless ``--no-memory``: prepare, approve and post again for a smaller authority
      (``--memory-people``) under ``tracemalloc``, for the peak Python memory (its time is
      slower and not comparable).

Prints payments per second and queries for each step of (a), rows per second for (b), the
ratio of (a)'s posting time (and its whole time) to (b)'s, and (c)'s peak. No pass or fail.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(BENCH))
os.environ["DJANGO_SETTINGS_MODULE"] = "selfdirect.config.settings"

from generate_people import ThrowawayDatabase  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000,
                        help="payments per committed batch when posting (default 1000)")
    parser.add_argument("--memory-people", type=int, default=10_000,
                        help="people in the smaller repeat under tracemalloc (default 10000)")
    parser.add_argument("--no-memory", action="store_true", help="skip (c)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""),
                        help="a postgres:// URL used only to create and drop a throwaway "
                             "database (default: BENCH_DATABASE_URL, else temporary SQLite)")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def rate(count: int, seconds: float, what: str = "payments/s") -> str:
    return f"{count / seconds:>10,.0f} {what}" if seconds > 0 else "—"


def main() -> None:
    args = parse_args()
    if args.people <= 0 or args.batch <= 0:
        raise SystemExit("--people and --batch must be positive")
    os.environ["DEBUG"] = "false"
    database = ThrowawayDatabase()
    database.admin_url = args.database_url
    with database as url:
        import django

        django.setup()
        run(args, url)


def build(*, code: str, name: str, people: int, seed: int) -> tuple[Any, Any, Any]:
    """An authority with its bank details, two finance officers and ``people`` people,
    each with a schedule starting in the next seven days, a rate and an account."""
    from django.db import transaction
    from django.utils import timezone

    from selfdirect.accounts.models import User
    from selfdirect.authorities.models import Authority, Role, StaffRole
    from selfdirect.demo.loading import bulk_load_people
    from selfdirect.demo.synthetic import generate_people
    from selfdirect.payments.models import Originator, PayeeAccount, Schedule, ScheduleRate
    from selfdirect.people.models import Person

    rng = random.Random(seed)
    authority = Authority.objects.create(name=name, code=code, country="scotland")
    first = User.objects.create(username=f"{code}.finance.one")
    second = User.objects.create(username=f"{code}.finance.two")
    for user in (first, second):
        StaffRole.objects.create(user=user, authority=authority, role=Role.FINANCE_OFFICER)
    Originator.objects.create(authority=authority, service_user_number="123456",
                              name="BENCH COUNCIL SDS", sort_code="800001",
                              account_number="10203040", account_name="BENCH COUNCIL")
    today = timezone.localdate()
    bulk_load_people(authority=authority, rows=generate_people(seed=seed, authority=authority,
                                                               count=people),
                     batch_size=5000, with_history=False, seed=seed)
    ids = list(Person.objects.filter(authority=authority).order_by("pk")
               .values_list("pk", flat=True))
    batch = 5000
    for offset in range(0, len(ids), batch):
        chunk = ids[offset:offset + batch]
        with transaction.atomic():
            schedules = Schedule.objects.bulk_create([
                Schedule(person_id=pk, authority=authority, starts_on=today
                         + datetime.timedelta(days=i % 7), created_by=first)
                for i, pk in enumerate(chunk, start=offset)])
            ScheduleRate.objects.bulk_create([
                ScheduleRate(schedule=s, effective_from=s.starts_on,
                             weekly_gross=rng.randrange(5000, 60000), reason="Loaded",
                             recorded_by=first) for s in schedules])
            PayeeAccount.objects.bulk_create([
                PayeeAccount(person_id=pk, account_name=f"DP ACCOUNT {pk}",
                             sort_code=f"{rng.randrange(10**6):06d}",
                             account_number=f"{rng.randrange(10**8):08d}",
                             effective_from=today - datetime.timedelta(days=30),
                             recorded_by=first) for pk in chunk])
    return authority, first, second


class Counter:
    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.queries += 1
        return execute(sql, params, many, context)


def paid_run(authority: Any, first: Any, second: Any, batch: int,
             timings: dict[str, tuple[float, int]] | None = None) -> Any:
    """Prepare, approve and post a run for periods starting in the next seven days."""
    from django.db import connection
    from django.utils import timezone

    from selfdirect.payments import runs

    today = timezone.localdate()
    steps = {
        "prepare": lambda _run: runs.run_prepare(
            actor=first, authority=authority, period_start=today,
            period_end=today + datetime.timedelta(days=6), pay_on=today),
        "approve": lambda run: runs.run_approve(actor=second, run=run),
        "post": lambda run: runs.run_post(actor=first, run=run, batch=batch),
    }
    run = None
    for name, step in steps.items():
        counter = Counter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            run = step(run)
        if timings is not None:
            timings[name] = (time.perf_counter() - started, counter.queries)
    return run


def run(args: argparse.Namespace, url: str) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from selfdirect.payments import bacs, ledger
    from selfdirect.payments.models import BankFile, Entry, EntryKind, Line

    print(f"Database: {connection.vendor} (throwaway: {url.rsplit('@', 1)[-1]}); "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"Migrated in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    authority, first, second = build(code="S12000036", name="Benchmark council",
                                     people=args.people, seed=args.seed)
    print(f"Built {args.people:,} people with a schedule, a rate and an account in "
          f"{time.perf_counter() - started:.1f}s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    # (a) the real path.
    timings: dict[str, tuple[float, int]] = {}
    paid = paid_run(authority, first, second, args.batch, timings)
    n = paid.payments.count()
    entries = Entry.objects.filter(payment__run=paid).count()
    assert n == args.people and entries == n, (n, entries)
    assert not ledger.ledger_problems()
    std18 = paid.bank_files.get(format=BankFile.Format.STANDARD_18)
    assert bacs.validate_standard18(std18.content) == []

    # (b) the same number of entries and lines by bulk insert, rolled back afterwards.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    posted = list(Entry.objects.filter(payment__run=paid).order_by("pk"))
    lines: dict[int, list[tuple[int, int]]] = {}
    for entry_id, account_id, amount in (Line.objects.filter(entry__payment__run=paid)
                                         .order_by("pk")
                                         .values_list("entry_id", "account_id", "amount")):
        lines.setdefault(entry_id, []).append((account_id, amount))
    new_entries = [Entry(authority_id=e.authority_id, kind=EntryKind.REVERSAL,
                         effective_on=e.effective_on, description=f"Bench copy of {e.pk}",
                         reversal_of_id=e.pk, posted_by=first) for e in posted]
    with transaction.atomic():
        started = time.perf_counter()
        made = Entry.objects.bulk_create(new_entries, batch_size=1000)
        Line.objects.bulk_create(
            [Line(entry=copy, account_id=account_id, amount=-amount)
             for copy, entry in zip(made, posted, strict=True)
             for account_id, amount in lines[entry.pk]], batch_size=1000)
        t_raw = time.perf_counter() - started
        transaction.set_rollback(True)
    rows = n * 5

    t_prep, q_prep = timings["prepare"]
    t_appr, q_appr = timings["approve"]
    t_post, q_post = timings["post"]
    t_all = t_prep + t_appr + t_post
    print(f"Payments: {n:,} (one a schedule), {entries:,} ledger entries, "
          f"{entries * 4:,} lines; batches of {args.batch:,}")
    print(f"  (a) prepare                                 {t_prep:8.2f}s {rate(n, t_prep)}"
          f"   {q_prep:,} queries")
    print(f"      approve                                 {t_appr:8.2f}s"
          f"                      {q_appr:,} queries")
    print(f"      post (ledger, then both bank files)     {t_post:8.2f}s {rate(n, t_post)}"
          f"   {q_post:,} queries ({q_post / n:.3f} a payment)")
    print(f"      all three                               {t_all:8.2f}s {rate(n, t_all)}")
    print(f"  (b) bulk_create of {n:,} entries and {n * 4:,} lines {t_raw:6.2f}s "
          f"{rate(rows, t_raw, 'rows/s')}")
    print(f"  ratio post/raw (time, a-post/b)             {t_post / t_raw:8.2f}x")
    print(f"  ratio all/raw (time, a/b)                   {t_all / t_raw:8.2f}x")

    if not args.no_memory:
        small = args.memory_people
        authority2, first2, second2 = build(code="S12000033", name="Smaller council",
                                            people=small, seed=args.seed + 1)
        tracemalloc.start()
        started = time.perf_counter()
        paid_run(authority2, first2, second2, args.batch)
        t_mem = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  (c) {small:,} payments under tracemalloc   {t_mem:8.2f}s   "
              f"peak {peak / 1e6:.1f} MB")
    print(f"  load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
