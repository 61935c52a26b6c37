"""The retention policy from the command line: list what is past its retention period,
and carry out what a data protection officer approved.

    manage.py retention --list [--authority S12000036] [--on 2033-01-01]
    manage.py retention --anonymise --approved-by edinburgh.data_protection [--authority …]
        [--dry-run]
    manage.py retention --carry-out [--authority …]

``--list`` prints, for each council, the people past retention (with the reason), the
sign-in events and API token uses past their periods, and approvals waiting.

``--anonymise --approved-by USER`` records USER's approval of their council's list
(USER must be the council's data protection officer; with ``--authority``, of that
council only) and carries it out at once, with any approval made on the retention page
that is still waiting. ``--dry-run`` lists what it would approve and changes nothing.

``--carry-out`` carries out the approvals made on the retention page (the page only
records them). Schedule it nightly; it approves nothing itself.

``--on`` runs as if today were that date (``core.clock.as_of``). The access log is never
changed: it is append-only (docs/dataprotection.md).
"""

from __future__ import annotations

import datetime
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
        return "; ".join(m for messages in exc.message_dict.values() for m in messages)
    return "; ".join(exc.messages)


class Command(BaseCommand):
    help = ("List what is past its retention period; approve and carry out anonymisation "
            "and the deletion of old sign-in events and API token uses.")

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--list", action="store_true",
                          help="print what is past retention, and why, for each council")
        what.add_argument("--anonymise", action="store_true",
                          help="approve (as --approved-by) and carry out at once")
        what.add_argument("--carry-out", action="store_true",
                          help="carry out the approvals made on the retention page")
        parser.add_argument("--approved-by", metavar="USERNAME",
                            help="the data protection officer who approves (--anonymise)")
        parser.add_argument("--authority", metavar="CODE", help="one council's GSS code")
        parser.add_argument("--on", type=_date, metavar="YYYY-MM-DD",
                            help="run as if today were this date")
        parser.add_argument("--dry-run", action="store_true",
                            help="with --anonymise: list what would be approved, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        from selfdirect.core import clock

        day = options["on"] or clock.today()
        with clock.as_of(day):
            try:
                if options["list"]:
                    self._list(self._authorities(options["authority"]))
                elif options["anonymise"]:
                    self._anonymise(options)
                else:
                    self._carry_out(options)
            except ValidationError as exc:
                raise CommandError(_messages(exc)) from exc
            except PermissionDenied as exc:
                raise CommandError(f"{options.get('approved_by')} may not approve this: only "
                                   "the council's data protection officer may") from exc

    # --- helpers -------------------------------------------------------------------------------

    def _authorities(self, code: str | None) -> list[Any]:
        from selfdirect.authorities.models import Authority

        if code is None:
            return list(Authority.objects.order_by("name"))
        authority = Authority.objects.filter(code=code).first()
        if authority is None:
            raise CommandError(f"No council with the code {code!r}")
        return [authority]

    def _user(self, username: str | None) -> Any:
        from selfdirect.accounts.models import User

        if not username:
            raise CommandError("Give --approved-by: the username of the council's data "
                               "protection officer, who approves the anonymisation")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}")
        return user

    def _list(self, authorities: list[Any]) -> None:
        from selfdirect.dataprotection import selectors

        for authority in authorities:
            periods = {p.key: p.value for p in selectors.retention_periods(authority=authority)}
            people = selectors.people_past_retention(authority=authority)
            logs = selectors.log_rows_past_retention(authority=authority)
            self.stdout.write(
                f"{authority.name} ({authority.code}): records kept "
                f"{periods[selectors.CASE_YEARS]} years after the last activity, sign-in "
                f"events {periods[selectors.SIGN_IN_DAYS]} days, API token uses "
                f"{periods[selectors.TOKEN_USE_DAYS]} days")
            self.stdout.write(f"  People past retention: {len(people)}")
            for row in people:
                self.stdout.write(f"    {row.person.pk} {row.person.full_name}: {row.reason}")
            self.stdout.write(f"  Sign-in events past retention: {logs.sign_in_events}")
            self.stdout.write(f"  API token uses past retention: {logs.token_uses}")
            for approval in selectors.approvals_waiting(authority=authority):
                self.stdout.write(f"  Approved by {approval.approved_by} on "
                                  f"{approval.approved_at:%Y-%m-%d}, waiting to be carried out "
                                  f"(approval {approval.pk})")

    def _progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH if total <= 0 else min(BAR_WIDTH, done * BAR_WIDTH // total)
        self.stderr.write(f"\r[{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {done:,} of "
                          f"{total:,}", ending="")

    def _report(self, results: list[Any]) -> None:
        for result in results:
            approval = result.approval
            self.stdout.write(f"{approval.authority.name}: approval {approval.pk} by "
                              f"{approval.approved_by}: {result.summary}")
        if not results:
            self.stdout.write("Nothing was waiting to be carried out.")

    def _anonymise(self, options: dict[str, Any]) -> None:
        from selfdirect.dataprotection import selectors, services
        from selfdirect.dataprotection.models import RetentionApproval

        user = self._user(options["approved_by"])
        authorities = [a for a in self._authorities(options["authority"])
                       if user.has_perm(services.APPROVE, a)]
        if not authorities:
            raise PermissionDenied
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing is approved or changed.")
            self._list(authorities)
            return
        for authority in authorities:
            try:
                approval = services.retention_approve(
                    actor=user, authority=authority, confirmed=True,
                    channel=RetentionApproval.Channel.COMMAND)
            except ValidationError as exc:
                self.stdout.write(f"{authority.name}: {_messages(exc)}")
                continue
            self.stdout.write(f"{authority.name}: approval {approval.pk} recorded: "
                              f"{approval.people} people, {approval.sign_in_events} sign-in "
                              f"events, {approval.token_uses} API token uses")
        results = []
        for authority in authorities:
            waiting = list(selectors.approvals_waiting(authority=authority))
            for approval in waiting:
                results.append(services.retention_carry_out(
                    approval=approval, actor=approval.approved_by, progress=self._progress))
        self.stderr.write("")
        self._report(results)

    def _carry_out(self, options: dict[str, Any]) -> None:
        from selfdirect.dataprotection import selectors, services

        results = []
        for authority in self._authorities(options["authority"]):
            for approval in selectors.approvals_waiting(authority=authority):
                results.append(services.retention_carry_out(
                    approval=approval, actor=approval.approved_by, progress=self._progress))
        self.stderr.write("")
        self._report(results)
