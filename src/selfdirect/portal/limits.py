"""How often the public "ask for support" form may be sent: a few times an hour from one
address, and a few times an hour for one contact (email or phone), whoever sends it.

The counts live in Django's cache (``settings.CACHES``), not in the visitor's session, so
a fresh cookie does not reset them. One process needs nothing more; several web
processes must share a cache (``CACHE_BACKEND`` and ``CACHE_LOCATION``, such as Redis or
the database cache), or each would count on its own (docs/security.md). The address is
``REMOTE_ADDR``: behind a reverse proxy, the proxy must pass the visitor's own address.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.core.cache import cache

LIMIT = 5
WINDOW_SECONDS = 60 * 60


def _keys(request: Any, contact: str | None) -> list[str]:
    keys = [f"self-referral:ip:{request.META.get('REMOTE_ADDR') or 'unknown'}"]
    if contact:
        # Only a digest of the contact is kept, and only for the hour.
        normalised = "".join(contact.split()).lower()
        keys.append("self-referral:contact:" + hashlib.sha256(normalised.encode()).hexdigest())
    return keys


def _recent(key: str, now: float) -> list[float]:
    sent = cache.get(key) or []
    return [t for t in sent if isinstance(t, int | float) and now - t < WINDOW_SECONDS]


def limit_reached(request: Any, contact: str | None = None) -> bool:
    """Whether this address, or this contact, has already sent ``LIMIT`` in the hour."""
    now = time.time()
    return any(len(_recent(key, now)) >= LIMIT for key in _keys(request, contact))


def record_send(request: Any, contact: str | None) -> None:
    now = time.time()
    for key in _keys(request, contact):
        cache.set(key, [*_recent(key, now), now], timeout=WINDOW_SECONDS)
