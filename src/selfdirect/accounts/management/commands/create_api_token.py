"""Issue an API token for a user. The token is printed once and never stored."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from selfdirect.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Issue a bearer token for the API. It is shown once; only its digest is kept."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--name", required=True, help="what the token is for")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user with the username {options['user']!r}.")
        _, raw = api_token_create(user=user, name=options["name"])
        self.stdout.write(raw)
