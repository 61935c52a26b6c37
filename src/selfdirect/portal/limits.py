"""How often the public "ask for support" form may be sent: a few times an hour from one
address, and a few times an hour for one contact (email or phone), whoever sends it.

The counting is ``core.rate_limits`` (in Django's cache, shared by every web process
that shares the cache; docs/security.md).
"""

from __future__ import annotations

from typing import Any

from selfdirect.core import rate_limits

LIMIT = 5
WINDOW_SECONDS = 60 * 60
BY_ADDRESS = rate_limits.Limit("self-referral:ip", LIMIT, WINDOW_SECONDS)
BY_CONTACT = rate_limits.Limit("self-referral:contact", LIMIT, WINDOW_SECONDS)


def _checks(request: Any, contact: str | None) -> list[rate_limits.Check]:
    checks = [(BY_ADDRESS, rate_limits.client_address(request))]
    if contact:
        checks.append((BY_CONTACT, rate_limits.contact_digest(contact)))
    return checks


def limit_reached(request: Any, contact: str | None = None) -> bool:
    """Whether this address, or this contact, has already sent ``LIMIT`` in the hour."""
    return bool(rate_limits.limits_reached(_checks(request, contact)))


def record_send(request: Any, contact: str | None) -> None:
    rate_limits.record_all(_checks(request, contact))
