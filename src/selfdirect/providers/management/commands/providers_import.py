"""Read a provider directory from an Open Referral UK JSON file written by
``providers_export`` (or another publisher using the same extensions)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from selfdirect.providers.oruk import ImportProblem, directory_import


class Command(BaseCommand):
    help = "Import providers from an Open Referral UK JSON file (adds or replaces by id)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The file to read, like providers.json")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check the file and say how many providers, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with open(options["path"], encoding="utf-8") as source:
                doc = json.load(source)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {options['path']}: {exc}") from exc
        try:
            with transaction.atomic():
                count = directory_import(doc)
                if options["dry_run"]:
                    transaction.set_rollback(True)
        except (ImportProblem, KeyError, ValueError) as exc:
            raise CommandError(f"Cannot import {options['path']}: {exc}") from exc
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(f"{verb} {count} providers from {options['path']}")
