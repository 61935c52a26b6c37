"""Queue again the jobs a stopped worker left running (``make worker`` runs this first)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from selfdirect.jobs.services import jobs_recover


class Command(BaseCommand):
    help = "Queue again every job whose worker stopped (no progress for --stale-after minutes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stale-after", type=int, metavar="MINUTES",
                            default=settings.JOBS_STALE_AFTER_MINUTES,
                            help="minutes without progress after which a running job is "
                                 "taken to have lost its worker (default "
                                 "JOBS_STALE_AFTER_MINUTES)")

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = jobs_recover(stale_after=datetime.timedelta(minutes=options["stale_after"]))
        for job in recovered:
            self.stdout.write(f"Queued again: job {job.pk}, {job.title}")
        self.stdout.write(f"{len(recovered)} job(s) queued again.")
