"""How fast indicative budgets are recalculated after a price change, against a bulk UPDATE.

    .venv/bin/python bench/recalculate.py [--budgets 100000] [--batch-size 2000]
    .venv/bin/python bench/recalculate.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/recalculate.py

Uses a throwaway database, as generate_people.py does: a temporary SQLite file, or, when
--database-url (or BENCH_DATABASE_URL) names a PostgreSQL server, a fresh database created
through it and dropped at the end. Migrates it, builds one authority with a live default
questionnaire and N people, each with an assessment, an answer to every question and an
indicative budget (one in ten with an adjustment), all with bulk inserts. Then, in one
process, times:

  (a) the real path: ``services.ras_price_change`` (a new version, then
      ``recalculation.recalculate_indicative``: every budget re-scored from its answers,
      adjustments kept, a bulk UPDATE and a history row per budget, in batches);
  (b) a raw bulk UPDATE of the same rows: one ``QuerySet.update`` setting the version,
      price, base and total from the points column (no scoring, no adjustments, no history);
  (c) the real path again under ``tracemalloc``, for its peak memory (its time is slower
      and not comparable).

Prints budgets per second for (a) and (b), the ratio of (a)'s time to (b)'s, and (c)'s peak
memory. No pass or fail.
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
    parser.add_argument("--budgets", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=2000,
                        help="budgets per batch in the recalculation (default 2000)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""),
                        help="a postgres:// URL of any database on the server, used only to "
                             "create and drop a throwaway one (default: BENCH_DATABASE_URL, "
                             "else a temporary SQLite file)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-memory", action="store_true", help="skip (c)")
    return parser.parse_args()


ADJUSTMENT = 50_000  # £500.00, added to one budget in ten


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f} budgets/s" if seconds > 0 else "—"


def main() -> None:
    args = parse_args()
    if args.budgets <= 0 or args.batch_size <= 0:
        raise SystemExit("--budgets and --batch-size must be positive")
    os.environ["DEBUG"] = "false"
    database = ThrowawayDatabase()
    database.admin_url = args.database_url
    with database as url:
        import django

        django.setup()
        run(args, url)


def build(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """One authority, its administrator and worker, a live default questionnaire, and N
    people with an assessment, answers and an indicative budget each (bulk inserts, no
    history: the recalculation writes the history being measured)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from selfdirect.accounts.models import User
    from selfdirect.allocation import services
    from selfdirect.allocation.models import (
        BudgetAdjustment,
        IndicativeBudget,
        RasDomain,
        RasResponse,
    )
    from selfdirect.assessments.models import Assessment
    from selfdirect.authorities.models import Authority, Role, StaffRole, Team
    from selfdirect.demo.loading import bulk_load_people
    from selfdirect.demo.synthetic import generate_people
    from selfdirect.people.models import Person

    rng = random.Random(args.seed)
    n, batch = args.budgets, 5000
    authority = Authority.objects.create(name="Benchmark council (S12000036)", code="S12000036",
                                         country="scotland")
    team = Team.objects.create(authority=authority, name="North locality")
    admin = User.objects.create(username="bench.admin", first_name="Bench", last_name="Admin")
    worker = User.objects.create(username="bench.worker", first_name="Bench", last_name="Worker")
    StaffRole.objects.create(user=admin, authority=authority, role=Role.ADMINISTRATOR)
    StaffRole.objects.create(user=worker, authority=authority, role=Role.SOCIAL_WORKER, team=team)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=200)
    version = services.ras_version_publish(actor=admin, version=services.ras_version_create_default(
        actor=admin, authority=authority, effective_from=start))

    bulk_load_people(authority=authority, rows=generate_people(seed=args.seed, authority=authority,
                                                               count=n),
                     batch_size=batch, with_history=False, seed=args.seed)
    person_ids = list(Person.objects.filter(authority=authority).order_by("pk")
                      .values_list("pk", flat=True))
    domains = list(RasDomain.objects.filter(version=version).prefetch_related("questions__answers"))
    questions = [(d, q, list(q.answers.all())) for d in domains for q in d.questions.all()]
    now = timezone.now()
    now_db = RasResponse._meta.get_field("recorded_at").get_db_prep_save(now, connection)
    quote = connection.ops.quote_name
    response_sql = (f"INSERT INTO {quote(RasResponse._meta.db_table)} "
                    "(assessment_id, question_id, answer_id, recorded_by_id, recorded_at) "
                    "VALUES (%s, %s, %s, %s, %s)")
    for offset in range(0, n, batch):
        ids = person_ids[offset:offset + batch]
        with transaction.atomic():
            assessments = Assessment.objects.bulk_create(
                [Assessment(person_id=pk, worker=worker, started_on=start) for pk in ids])
            responses, budgets = [], []
            for assessment in assessments:
                breakdown = []
                for d, q, answers in questions:
                    answer = rng.choice(answers)
                    responses.append((assessment.pk, q.pk, answer.pk, worker.pk, now_db))
                    if breakdown and breakdown[-1]["code"] == d.code:
                        breakdown[-1]["points"] += answer.points
                    else:
                        breakdown.append({"code": d.code, "name": d.name,
                                          "points": answer.points})
                points = sum(item["points"] for item in breakdown)
                base = points * version.price_per_point
                extra = ADJUSTMENT if len(budgets) % 10 == 0 else 0  # see the adjustments below
                budgets.append(IndicativeBudget(
                    person_id=assessment.person_id, assessment_id=assessment.pk,
                    ras_version=version, points=points, domain_points=breakdown,
                    price_per_point=version.price_per_point, base_amount=base,
                    total=base + extra, calculated_at=now, calculated_by=worker))
            with connection.cursor() as cursor:  # executemany: ten answers a budget
                cursor.executemany(response_sql, responses)
            IndicativeBudget.objects.bulk_create(budgets)
            BudgetAdjustment.objects.bulk_create(
                [BudgetAdjustment(budget=b, kind="add_amount", amount=ADJUSTMENT,
                                  reason_code="living_alone", reason="Lives alone",
                                  created_by=worker) for b in budgets[::10]])
    return authority, admin, version


def run(args: argparse.Namespace, url: str) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import F
    from django.utils import timezone

    from selfdirect.allocation import recalculation, services
    from selfdirect.allocation.models import IndicativeBudget, RasResponse

    recalculation.BATCH_SIZE = args.batch_size
    print(f"Database: {connection.vendor} (throwaway: {url.rsplit('@', 1)[-1]}); "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"Migrated in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    authority, admin, version = build(args)
    n = IndicativeBudget.objects.filter(state="indicative").count()
    print(f"Built {n:,} indicative budgets ({RasResponse.objects.count():,} answers) in "
          f"{time.perf_counter() - started:.1f}s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    today = timezone.localdate()
    history = IndicativeBudget.history.model

    # (a) the real path
    started = time.perf_counter()
    new, result = services.ras_price_change_with_result(
        actor=admin, version=version, price_per_point="47.00", effective_from=today)
    t_real = time.perf_counter() - started
    assert result.recalculated == n, result.summary
    assert history.objects.count() == n
    # Every budget at the new price, its adjustment kept.
    wrong = (IndicativeBudget.objects.exclude(price_per_point=4700)
             | IndicativeBudget.objects.filter(adjustments__isnull=True)
             .exclude(total=F("points") * 4700)
             | IndicativeBudget.objects.filter(adjustments__isnull=False)
             .exclude(total=F("points") * 4700 + ADJUSTMENT))
    assert not wrong.exists()

    # (b) a raw bulk UPDATE of the same rows (the money as if there were no adjustments)
    price = 4900
    started = time.perf_counter()
    updated = (IndicativeBudget.objects.filter(person__authority=authority, state="indicative")
               .update(ras_version=new, price_per_point=price,
                       base_amount=F("points") * price,
                       total=F("total") - F("base_amount") + F("points") * price,
                       calculated_at=timezone.now()))
    t_raw = time.perf_counter() - started
    assert updated == n

    print(f"Budgets: {n:,}; recalculation batch size {args.batch_size}")
    print(f"  (a) ras_price_change + history  {t_real:7.2f}s {rate(n, t_real)}"
          f"   {result.summary}")
    print(f"  (b) one bulk UPDATE             {t_raw:7.2f}s {rate(n, t_raw)}"
          "   no scoring, no adjustments, no history")
    print(f"  ratio real/raw (time, a/b)      {t_real / t_raw:7.2f}x")

    if not args.no_memory:
        tracemalloc.start()
        started = time.perf_counter()
        _, again = services.ras_price_change_with_result(
            actor=admin, version=new, price_per_point="51.00", effective_from=today)
        t_mem = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert again.recalculated == n
        print(f"  (c) again under tracemalloc     {t_mem:7.2f}s   peak Python memory "
              f"{peak / 1_000_000:,.1f} MB")
    print(f"  load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
