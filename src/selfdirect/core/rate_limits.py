"""How often anyone may do something that costs us or someone else: send the public form,
ask for a password reset email. A few times in a window for one client address, and a
few times for one contact (an email address, a phone number), whoever asks.

The counts live in Django's cache (``settings.CACHES``), not in the visitor's session, so
a fresh cookie does not reset them. One process needs nothing more; several web
processes must share a cache (``CACHE_BACKEND`` and ``CACHE_LOCATION``, such as Redis or
the database cache), or each would count on its own (docs/security.md). A contact is
kept only as a digest, and only for the window.

The client address is the one sign-in lockouts use (django-axes, through django-ipware):
``REMOTE_ADDR`` unless ``SIGN_IN_CLIENT_IP_HEADERS`` names a header a reverse proxy sets.

Each count is read, then written: two requests at the same moment may both get through
at the limit. A limit here is against floods, not an exact quota.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_client_ip_address
from django.core.cache import cache


def client_address(request: Any) -> str:
    """The client's address, as sign-in lockouts see it ("unknown" if there is none)."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "unknown"


def client_ip(request: Any) -> str | None:
    """The client's address if it is an IP address (to store in a record), else None."""
    try:
        return str(ipaddress.ip_address(client_address(request)))
    except ValueError:
        return None


def contact_digest(contact: str) -> str:
    """A contact compared without spaces or case, kept only as a SHA-256 digest."""
    normalised = "".join(contact.split()).lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


@dataclass(frozen=True)
class Limit:
    """At most ``count`` times in ``window_seconds`` for each value of one thing (each
    client address, each contact's digest). ``name`` starts the cache key."""

    name: str
    count: int
    window_seconds: int = 60 * 60

    def key(self, value: str) -> str:
        return f"{self.name}:{value}"

    def _recent(self, value: str, now: float) -> list[float]:
        sent = cache.get(self.key(value)) or []
        return [t for t in sent if isinstance(t, int | float) and now - t < self.window_seconds]

    def used(self, value: str) -> int:
        """How many times in the window, now."""
        return len(self._recent(value, time.time()))

    def reached(self, value: str) -> bool:
        return self.used(value) >= self.count

    def record(self, value: str) -> None:
        now = time.time()
        cache.set(self.key(value), [*self._recent(value, now), now], timeout=self.window_seconds)

    def first_refusal(self, value: str) -> bool:
        """True once per window for ``value``: for recording a refusal as it begins, not
        every refused request (which would let a flood fill the record)."""
        return bool(cache.add(f"{self.key(value)}:refused", 1, timeout=self.window_seconds))


Check = tuple[Limit, str]


def limits_reached(checks: Iterable[Check]) -> list[Check]:
    """The limits, of those given with their values, already reached."""
    return [(limit, value) for limit, value in checks if limit.reached(value)]


def record_all(checks: Iterable[Check]) -> None:
    for limit, value in checks:
        limit.record(value)
