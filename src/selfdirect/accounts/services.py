"""Changes to accounts."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from selfdirect.accounts.models import (
    DEFAULT_TOKEN_LIFETIME_DAYS,
    TOKEN_LIFETIMES_DAYS,
    ApiToken,
    User,
)


@transaction.atomic
def api_token_create(*, user: User, name: str, scope: str = ApiToken.Scope.READ,
                     days: int = DEFAULT_TOKEN_LIFETIME_DAYS) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; returns the record and the raw token, which is never
    stored. Read only unless asked; it expires after ``days`` (30, 90 or 365)."""
    if days not in TOKEN_LIFETIMES_DAYS:
        allowed = ", ".join(str(d) for d in TOKEN_LIFETIMES_DAYS)
        raise ValidationError({"days": f"How long the token lasts must be {allowed} days"})
    raw = ApiToken.new_raw_token()
    token = ApiToken(user=user, name=name.strip(), digest=ApiToken.digest_for(raw), scope=scope,
                     expires_at=timezone.now() + datetime.timedelta(days=days))
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of ``actor``'s own tokens, at once. Revoking twice changes nothing."""
    if token.user_id != actor.pk:
        raise ValidationError("You can only revoke your own tokens")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
