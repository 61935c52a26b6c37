"""Generate synthetic people in one authority: ``manage.py generate_people --authority CODE
--count N [--seed S] [--batch-size B] [--dry-run] [--no-history]``.

Rows come from ``selfdirect.demo.synthetic`` (no real person's data) and are written by
``selfdirect.demo.loading.bulk_load_people`` with history.
"""

from __future__ import annotations

import random
import sys
import time
from itertools import chain
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from selfdirect.authorities.models import Authority
from selfdirect.core import clock
from selfdirect.demo.loading import bulk_load_people
from selfdirect.demo.synthetic import PeopleGenerator, summarise
from selfdirect.people.models import Person


def positive_int(name: str, value: int | None) -> int:
    if value is None or value <= 0:
        raise CommandError(f"{name} must be a positive whole number, not {value}.")
    return value


class Command(BaseCommand):
    help = ("Generate synthetic people (no real person's data) in one authority, with their "
            "communication needs and history.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--authority", required=True, metavar="CODE",
                            help="the authority's GSS code, e.g. S12000036")
        parser.add_argument("--count", type=int, required=True, metavar="N",
                            help="how many people to create")
        parser.add_argument("--seed", type=int, default=None,
                            help="random seed, for the same people again (default: random)")
        parser.add_argument("--batch-size", type=int, default=2000, metavar="B",
                            help="people per transaction (default 2000)")
        parser.add_argument("--dry-run", action="store_true",
                            help="generate the rows and summarise them; save nothing")
        parser.add_argument("--no-history", action="store_true",
                            help="skip history records (load tests only: history is required "
                                 "on every person-owned model)")

    def handle(self, *args: Any, **options: Any) -> None:
        count = positive_int("--count", options["count"])
        batch_size = positive_int("--batch-size", options["batch_size"])
        code = options["authority"].strip().upper()
        authority = Authority.objects.filter(code=code).first()
        if authority is None:
            known = ", ".join(Authority.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(
                f"No authority has the code {options['authority']!r}. "
                + (f"Known codes: {known}." if known else
                   "There are no authorities yet: run manage.py demo_load first."))
        seed = options["seed"]
        if seed is None:
            seed = random.SystemRandom().randrange(2**32)
        dry_run = options["dry_run"]

        started = time.perf_counter()
        taken = chain.from_iterable(
            Person.objects.filter(authority=authority).values_list("chi_number", "nhs_number"))
        generator = PeopleGenerator(seed=seed, authority=authority,
                                    today=clock.today(),
                                    taken_identifiers=(n for n in taken if n))
        bar = tqdm(total=count, unit="people", file=sys.stderr, disable=not sys.stderr.isatty(),
                   desc="Generating" if dry_run else "Creating")
        try:
            if dry_run:
                rows = []
                for row in generator.rows(count):
                    rows.append(row)
                    if len(rows) % batch_size == 0:
                        bar.update(batch_size)
                bar.update(len(rows) % batch_size)
                created = len(rows)
            else:
                created = bulk_load_people(authority=authority, rows=generator.rows(count),
                                           batch_size=batch_size, progress=bar.update,
                                           with_history=not options["no_history"], seed=seed)
        finally:
            bar.close()
        elapsed = time.perf_counter() - started
        rate = created / elapsed if elapsed > 0 else 0.0
        verb = "Generated" if dry_run else "Created"
        self.stdout.write(f"{verb} {created} people in {elapsed:.1f}s ({rate:.0f} people/s)")
        self.stdout.write(f"Authority {authority.name} ({authority.code}); seed {seed}"
                          + ("; dry run: nothing saved" if dry_run else "")
                          + ("; no history written" if options["no_history"] and not dry_run
                             else ""))
        if dry_run:
            self._summary(rows)

    def _summary(self, rows: list[dict[str, Any]]) -> None:
        shares = summarise(rows, today=clock.today())
        for heading, values in shares.items():
            line = ", ".join(f"{key} {value:.1%}" for key, value in values.items())
            self.stdout.write(f"  {heading}: {line}")
