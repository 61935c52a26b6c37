"""How an API call is authenticated: a bearer token, or the browser's session.

**Bearer tokens** (``Authorization: Bearer sd_...``) are tried first. A token is sent on
purpose by a program, never attached by a browser on its own, so a token request is not
checked for CSRF. The token must exist (only its SHA-256 digest is stored), not be
revoked or expired, and belong to an active account; a read-only token is refused (403)
for anything but GET, HEAD and OPTIONS. Every use is recorded (``ApiTokenUse``), refused
ones too, and stamps ``last_used_at``.

**The session** is for the platform's own pages calling the API. It applies only when
the request carries the session cookie, and then Django's CSRF check applies to every
unsafe method, as on the pages. A request without the cookie is never refused for CSRF:
a client sending only a bearer token is not a browser.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from selfdirect.accounts.models import ApiToken, ApiTokenUse

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_ONLY_REFUSAL = ("This token may only read. Make a token that can read and write on "
                     "your API tokens page.")


def _client_ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class BearerToken(HttpBearer):
    def authenticate(self, request: Any, token: str) -> Any:
        now = timezone.now()
        record = (ApiToken.objects.select_related("user")
                  .filter(digest=ApiToken.digest_for(token), revoked_at__isnull=True,
                          expires_at__gt=now).first())
        if record is None or not record.user.is_active:
            return None
        refused = request.method not in SAFE_METHODS and not record.can_write
        ApiTokenUse.objects.create(token=record, method=request.method[:10],
                                   path=request.path.replace("\x00", "\ufffd")[:300],
                                   ip_address=_client_ip(request),
                                   refused=refused)
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        if refused:
            raise HttpError(403, READ_ONLY_REFUSAL)
        request.api_token = record
        return record.user


class Session(SessionAuth):
    """Django's session, returning the user. Only when the session cookie is sent; then
    CSRF is checked for unsafe methods."""

    def _get_key(self, request: Any) -> str | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: Any, key: Any) -> Any:
        if key is None:
            return None
        user = super().authenticate(request, key)
        return user if user and user.is_authenticated else None
