"""Writes to the access log. Nothing else writes it.

A refusal is logged once, where it is decided: a selector that refuses a person, the
permission middleware that refuses a role, an API operation. Whatever is refused without
a row of its own (an object loaded and found to be another council's, an API role
check) is logged by ``selfdirect.audit.middleware.RefusalLogMiddleware`` from the
response's 403 or 404: ``refusal_logged`` tells it this request's refusal already has its
row."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from selfdirect.audit.models import AccessLog

_refusal_logged: ContextVar[bool] = ContextVar("selfdirect_refusal_logged", default=False)


def access_log_record(*, user: Any, person_id: int | None, outcome: str, path: str = "",
                      channel: str = "page", status: int | None = None,
                      purpose: str = "") -> AccessLog:
    if outcome == AccessLog.Outcome.DENIED:
        _refusal_logged.set(True)
    return AccessLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        # A NUL cannot be stored as text on PostgreSQL: an address may carry one (%00).
        person_id=person_id, outcome=outcome, path=path.replace("\x00", "\ufffd")[:300],
        channel=channel[:10],
        status=status, purpose=purpose[:100])


def refusal_logged() -> bool:
    """Whether a refusal was logged since :func:`refusal_tracking_start`."""
    return _refusal_logged.get()


def refusal_tracking_start() -> None:
    """A new request: no refusal logged yet."""
    _refusal_logged.set(False)
