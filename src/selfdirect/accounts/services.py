"""Changes to accounts."""

from __future__ import annotations

from django.db import transaction

from selfdirect.accounts.models import ApiToken, User


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token; returns the record and the raw token, which is never stored."""
    raw = ApiToken.new_raw_token()
    token = ApiToken(user=user, name=name, digest=ApiToken.digest_for(raw))
    token.full_clean()
    token.save()
    return token, raw
