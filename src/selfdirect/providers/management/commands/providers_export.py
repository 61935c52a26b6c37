"""Write the provider directory to a file as Open Referral UK JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from selfdirect.providers.oruk import directory_export


class Command(BaseCommand):
    help = "Export the provider directory as Open Referral UK JSON to the file given."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The file to write, like providers.json")

    def handle(self, *args: Any, **options: Any) -> None:
        doc = directory_export()
        with open(options["path"], "w", encoding="utf-8") as out:
            json.dump(doc, out, ensure_ascii=False, indent=2, sort_keys=True)
            out.write("\n")
        self.stdout.write(f"Wrote {len(doc['organization'])} providers to {options['path']}")
