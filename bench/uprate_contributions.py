"""How fast contributions are recalculated after a charging figure changes (the yearly
uprating), against a bulk insert of the same contribution rows.

    .venv/bin/python bench/uprate_contributions.py [--people 20000]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/uprate_contributions.py

Uses a throwaway database, as generate_people.py does. Builds one Scottish authority and N
people, each with a chargeable planned service, a completed financial assessment with one
or two incomes, and the contribution the calculation gives (all bulk inserts). Then, in
one process, times:

  (a) the real path: the authority's administrator sets a new taper from a date
      (``authorities.services.policy_figure_set``), and the charging app recalculates
      every contribution from it (``charging.services.contributions_recalculate_all``:
      per person, a locked read of their services, assessment and contributions, the
      calculation with its workings, the old contribution ended and the new one saved,
      each with a history row);
  (b) a bulk insert (``bulk_create``) of the new contribution rows (a) wrote, again: no
      reading, no calculation, no history.

Prints people per second for (a) (all of them are recalculated; only those whose amount
changes get a new row), rows per second for (b), the ratio of (a)'s time to (b)'s, and (a)'s queries per
person. No pass or fail.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
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
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""),
                        help="a postgres:// URL used only to create and drop a throwaway "
                             "database (default: BENCH_DATABASE_URL, else temporary SQLite)")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f} people/s" if seconds > 0 else "—"


def main() -> None:
    args = parse_args()
    if args.people <= 0:
        raise SystemExit("--people must be positive")
    os.environ["DEBUG"] = "false"
    database = ThrowawayDatabase()
    database.admin_url = args.database_url
    with database as url:
        import django

        django.setup()
        run(args, url)


def build(args: argparse.Namespace) -> tuple[Any, Any, datetime.date]:
    from django.db import transaction
    from django.utils import timezone

    from selfdirect.accounts.models import User
    from selfdirect.authorities.models import Authority, Role, StaffRole
    from selfdirect.charging.calculation import calculate
    from selfdirect.charging.catalogue import IncomeType, Period, ServiceType
    from selfdirect.charging.models import (
        Contribution,
        FinancialAssessment,
        Income,
        PlannedService,
    )
    from selfdirect.charging.policy import charging_rules
    from selfdirect.charging.services import facts_from, service_facts
    from selfdirect.demo.loading import bulk_load_people
    from selfdirect.demo.synthetic import generate_people
    from selfdirect.people.models import Person

    rng = random.Random(args.seed)
    authority = Authority.objects.create(name="Benchmark council", code="S12000036",
                                         country="scotland")
    admin = User.objects.create(username="bench.admin")
    finance = User.objects.create(username="bench.finance")
    StaffRole.objects.create(user=admin, authority=authority, role=Role.ADMINISTRATOR)
    StaffRole.objects.create(user=finance, authority=authority, role=Role.FINANCE_OFFICER)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=100)
    bulk_load_people(authority=authority, rows=generate_people(seed=args.seed, authority=authority,
                                                               count=args.people),
                     batch_size=5000, with_history=False, seed=args.seed)
    rules = charging_rules(authority, start)
    people = list(Person.objects.filter(authority=authority).order_by("pk"))
    batch = 2000
    for offset in range(0, len(people), batch):
        chunk = people[offset:offset + batch]
        with transaction.atomic():
            planned = PlannedService.objects.bulk_create([
                PlannedService(person=p, service_type=ServiceType.DAY_SERVICE,
                               description="Day centre", option="3",
                               weekly_cost=rng.randrange(5000, 30000), starts_on=start,
                               created_by=finance) for p in chunk])
            assessments = FinancialAssessment.objects.bulk_create([
                FinancialAssessment(person=p, status=FinancialAssessment.Status.COMPLETE,
                                    benefits_check_done=True, assessed_on=start,
                                    assessed_by=finance, created_by=finance) for p in chunk])
            incomes = []
            for fa in assessments:
                incomes.append(Income(assessment=fa, income_type=IncomeType.ESA,
                                      amount=rng.randrange(9000, 40000), period=Period.WEEK))
                if rng.random() < 0.5:
                    incomes.append(Income(assessment=fa, income_type=IncomeType.PRIVATE_PENSION,
                                          amount=rng.randrange(10000, 90000), period=Period.MONTH))
            Income.objects.bulk_create(incomes)
            by_fa: dict[int, list[Income]] = {}
            for income in incomes:
                by_fa.setdefault(income.assessment_id, []).append(income)
            contributions = []
            for person, service, fa in zip(chunk, planned, assessments, strict=True):
                fa._prefetched_objects_cache = {  # type: ignore[attr-defined]
                    "incomes": by_fa.get(fa.pk, []), "capital": [], "expenses": []}
                result = calculate(rules, facts_from(fa, person, start), service_facts([service]))
                contributions.append(Contribution(
                    person=person, authority=authority, assessment=fa, basis=result.basis,
                    weekly_amount=result.weekly, chargeable_cost=result.chargeable_cost,
                    effective_from=start, lines=[line.as_dict() for line in result.lines],
                    services=result.services, figures=list(rules.figures), reason="Loaded",
                    calculated_by=finance))
            Contribution.objects.bulk_create(contributions)
    return authority, admin, today + datetime.timedelta(days=30)


def run(args: argparse.Namespace, url: str) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from selfdirect.authorities.services import policy_figure_set
    from selfdirect.charging.models import Contribution

    print(f"Database: {connection.vendor} (throwaway: {url.rsplit('@', 1)[-1]}); "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"Migrated in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    authority, admin, day = build(args)
    n = Contribution.objects.count()
    print(f"Built {n:,} people with a service, an assessment and a contribution in "
          f"{time.perf_counter() - started:.1f}s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    # (a) the real path: a new taper from a date recalculates everyone from it.
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        policy_figure_set(actor=admin, authority=authority, key="charging.taper_percent",
                          value="70", effective_from=day, reason="Committee decision")
    t_real = time.perf_counter() - started
    new = list(Contribution.objects.filter(effective_from=day))
    changed = len(new)
    # A contribution the new taper does not change (nothing above the threshold, or held
    # at the cost of the service) runs on: only the changed ones are ended and replaced.
    assert Contribution.objects.filter(effective_to=day - datetime.timedelta(days=1)).count() == changed
    assert Contribution.objects.filter(effective_to__isnull=True).count() == n

    # (b) the same rows by bulk insert.
    for c in new:
        c.pk = None
        c.effective_from = day + datetime.timedelta(days=1)
    started = time.perf_counter()
    with transaction.atomic():
        Contribution.objects.bulk_create(new, batch_size=2000)
    t_raw = time.perf_counter() - started

    print(f"People: {n:,}, of whom {changed:,} pay a different amount from {day}")
    print(f"  (a) a new taper, every contribution recalculated  {t_real:7.2f}s {rate(n, t_real)}"
          f"   {queries / n:.2f} queries a person ({queries:,} in all)")
    print(f"  (b) bulk insert of the {changed:,} new rows again    {t_raw:7.2f}s {rate(changed, t_raw)}"
          "   no reading, no calculation, no history")
    print(f"  ratio real/raw (time, a/b)                        {t_real / t_raw:7.2f}x")
    print(f"  load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
