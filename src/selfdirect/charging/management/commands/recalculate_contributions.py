"""Recalculate every contribution of an authority from a date: the yearly uprating after
new national figures are loaded (``manage.py load_policy``). An authority's own change of
a charging figure from its settings page does this by itself."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from selfdirect.accounts.models import User
from selfdirect.authorities.models import Authority
from selfdirect.charging.services import contributions_recalculate_all


class Command(BaseCommand):
    help = ("Recalculate an authority's contributions from a date with the charging figures "
            "then in force; earlier contributions are kept.")

    def add_arguments(self, parser):
        parser.add_argument("--authority", required=True, help="The authority's GSS code.")
        parser.add_argument("--from", dest="effective_from", required=True,
                            help="The date the new figures apply from, as YYYY-MM-DD.")
        parser.add_argument("--as", dest="username", required=True,
                            help="The administrator or finance officer responsible.")
        parser.add_argument("--reason", default="Yearly uprating of the charging figures")

    def handle(self, *args, **options):
        try:
            authority = Authority.objects.get(code=options["authority"])
        except Authority.DoesNotExist as exc:
            raise CommandError(f"No authority has the code {options['authority']}") from exc
        try:
            effective_from = datetime.date.fromisoformat(options["effective_from"])
        except ValueError as exc:
            raise CommandError("--from must be a date like 2027-04-01") from exc
        actor = User.objects.filter(username=options["username"]).first()
        if actor is None or not actor.has_perm("charging.recalculate", authority):
            raise CommandError(f"{options['username']} is not an administrator or finance "
                               f"officer of {authority}")
        summary = contributions_recalculate_all(actor=actor, authority=authority,
                                                effective_from=effective_from,
                                                reason=options["reason"])
        self.stdout.write(f"{summary.people} people recalculated from {effective_from}: "
                          f"{summary.changed} changed, {len(summary.skipped)} skipped.")
        for line in summary.skipped:
            self.stdout.write(f"  skipped: {line}")
