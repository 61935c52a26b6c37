"""Issue an API token for a user. The token is printed once and never stored."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from selfdirect.accounts.models import DEFAULT_TOKEN_LIFETIME_DAYS, TOKEN_LIFETIMES_DAYS, ApiToken
from selfdirect.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Issue a bearer token for the API. It is shown once; only its digest is kept."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument("--write", action="store_true",
                            help="may also write (default: read only)")
        parser.add_argument("--days", type=int, default=DEFAULT_TOKEN_LIFETIME_DAYS,
                            choices=TOKEN_LIFETIMES_DAYS, help="how long it lasts")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user with the username {options['user']!r}.")
        scope = ApiToken.Scope.READ_WRITE if options["write"] else ApiToken.Scope.READ
        try:
            _, raw = api_token_create(user=user, name=options["name"], scope=scope,
                                      days=options["days"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(raw)
