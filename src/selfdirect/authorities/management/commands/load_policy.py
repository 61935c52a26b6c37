"""Load (or top up) the national default policy figures from authorities/data/policy/."""

from django.core.management.base import BaseCommand

from selfdirect.authorities.policy import load_defaults


class Command(BaseCommand):
    help = "Load the default policy figures for Scotland and England (idempotent)."

    def handle(self, *args, **options):
        created = load_defaults()
        self.stdout.write(f"Loaded {created} new policy figure entries.")
