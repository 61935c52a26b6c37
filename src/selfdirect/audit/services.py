"""Writes to the access log. Nothing else writes it."""

from __future__ import annotations

from typing import Any

from selfdirect.audit.models import AccessLog


def access_log_record(*, user: Any, person_id: int, outcome: str, path: str = "",
                      channel: str = "page") -> AccessLog:
    return AccessLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        person_id=person_id, outcome=outcome, path=path[:300], channel=channel)
