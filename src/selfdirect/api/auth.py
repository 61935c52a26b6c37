"""Session (for pages calling the API, with CSRF) and bearer-token authentication."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from selfdirect.accounts.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request: Any, token: str) -> Any:
        record = (ApiToken.objects.select_related("user")
                  .filter(digest=ApiToken.digest_for(token), revoked_at__isnull=True).first())
        if record is None or not record.user.is_active:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        return record.user


class Session(SessionAuth):
    """Django's session, returning the user (CSRF is checked for unsafe methods)."""

    def authenticate(self, request: Any, key: Any) -> Any:
        user = super().authenticate(request, key)
        return user if user and user.is_authenticated else None
