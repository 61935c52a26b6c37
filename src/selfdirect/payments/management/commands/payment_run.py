"""Payment runs from the command line, for runs too large to pay from a page.

    manage.py payment_run prepare --authority S12000036 --start 2026-12-01 \\
        --end 2026-12-07 --pay-on 2026-11-30 --user finance.one
    manage.py payment_run approve RUN_ID --user finance.two
    manage.py payment_run post RUN_ID --user finance.one [--batch 1000]
    manage.py payment_run status RUN_ID

Each step calls the same service as the pages (``payments.runs``), as the named user, so
the same permissions and checks apply (a second finance officer approves). ``post`` shows
a progress bar on stderr and can be started again on a run that was stopped part-way: it
carries on from the first payment not yet paid, and nobody is paid twice.

``--pause-ms`` waits that long after each committed batch. It is for drills and tests
that stop a run part-way on purpose (``tests/payments/test_interrupted_run.py``); leave it
out for real runs.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

BAR_WIDTH = 30


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a date: give it as YYYY-MM-DD") from exc


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {message}" for field, messages in exc.message_dict.items()
                         for message in messages)
    return "; ".join(exc.messages)


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """``[#####     ] 5,000 of 10,000 payments``: plain text, no colour."""
    filled = width if total <= 0 else min(width, done * width // total)
    return f"[{'#' * filled}{' ' * (width - filled)}] {done:,} of {total:,} payments"


class Command(BaseCommand):
    help = "Prepare, approve, pay (post) or show a direct-payment run."

    def add_arguments(self, parser: CommandParser) -> None:
        steps = parser.add_subparsers(dest="step", required=True, metavar="STEP")
        prepare = steps.add_parser("prepare", help="Prepare a run for a window of periods")
        prepare.add_argument("--authority", required=True, help="the authority's GSS code")
        prepare.add_argument("--start", required=True, type=_date,
                             help="first day a period may start (YYYY-MM-DD)")
        prepare.add_argument("--end", required=True, type=_date,
                             help="last day a period may start (YYYY-MM-DD)")
        prepare.add_argument("--pay-on", required=True, type=_date,
                             help="the day the bank pays (YYYY-MM-DD)")
        prepare.add_argument("--user", required=True, help="username of the finance officer")
        approve = steps.add_parser("approve", help="Approve a prepared run (a second officer)")
        approve.add_argument("run_id", type=int)
        approve.add_argument("--user", required=True)
        post = steps.add_parser("post", help="Pay an approved run, or carry on with a "
                                             "stopped one")
        post.add_argument("run_id", type=int)
        post.add_argument("--user", required=True)
        post.add_argument("--batch", type=int, default=1000,
                          help="payments per committed batch (default 1000)")
        post.add_argument("--pause-ms", type=int, default=0,
                          help="wait this long after each batch: for drills and tests only")
        status = steps.add_parser("status", help="Show a run's status, counts and totals")
        status.add_argument("run_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        step = options["step"]
        try:
            getattr(self, f"_{step}")(options)
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{options.get('user')} may not do this: only the authority's "
                               "finance officers run payments") from exc

    # --- helpers ---------------------------------------------------------------------------

    def _user(self, username: str) -> Any:
        from selfdirect.accounts.models import User

        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}")
        return user

    def _run(self, run_id: int) -> Any:
        from selfdirect.payments.models import PaymentRun

        run = PaymentRun.objects.select_related("authority").filter(pk=run_id).first()
        if run is None:
            raise CommandError(f"No payment run {run_id}")
        return run

    def _show(self, run: Any) -> None:
        from selfdirect.core.money import format_pounds
        from selfdirect.payments.runs import run_summary

        summary = run_summary(run)
        self.stdout.write(
            f"Run {run.pk} for {run.authority.name}: periods starting {run.period_start} to "
            f"{run.period_end}, paid on {run.pay_on}\n"
            f"Status: {run.get_status_display()}\n"
            f"Payments: {summary['payments']:,} ({summary['posted']:,} paid), "
            f"total {format_pounds(summary['total'])}\n"
            f"Problems (not paid): {len(run.problems):,}")

    # --- steps -----------------------------------------------------------------------------

    def _prepare(self, options: dict[str, Any]) -> None:
        from selfdirect.authorities.models import Authority
        from selfdirect.payments import runs

        authority = Authority.objects.filter(code=options["authority"]).first()
        if authority is None:
            raise CommandError(f"No authority with the code {options['authority']!r}")
        run = runs.run_prepare(actor=self._user(options["user"]), authority=authority,
                               period_start=options["start"], period_end=options["end"],
                               pay_on=options["pay_on"])
        self._show(run)
        self.stdout.write(f"RUN_ID={run.pk}")

    def _approve(self, options: dict[str, Any]) -> None:
        from selfdirect.payments import runs

        run = runs.run_approve(actor=self._user(options["user"]),
                               run=self._run(options["run_id"]))
        self._show(run)

    def _post(self, options: dict[str, Any]) -> None:
        from selfdirect.payments import runs

        if options["batch"] < 1:
            raise CommandError("--batch must be 1 or more")
        pause = max(0, options["pause_ms"]) / 1000
        actor, run = self._user(options["user"]), self._run(options["run_id"])
        already = run.payments.filter(posted_at__isnull=False).count()
        if already and already == run.payments.count():
            self.stderr.write(f"Nothing left to pay: all {already:,} payments were paid before")
        elif already:
            self.stderr.write(f"Carrying on: {already:,} payments were paid before it stopped")
        err: Any = self.stderr._out  # the real stream: the bar rewrites one line on a terminal
        tty = hasattr(err, "isatty") and err.isatty()

        def progress(done: int, total: int) -> None:
            err.write(("\r" if tty else "") + progress_bar(done, total) + ("" if tty else "\n"))
            err.flush()
            if pause:
                time.sleep(pause)

        run = runs.run_post(actor=actor, run=run, batch=options["batch"], progress=progress)
        if tty:
            err.write("\n")
        self._show(run)

    def _status(self, options: dict[str, Any]) -> None:
        self._show(self._run(options["run_id"]))

