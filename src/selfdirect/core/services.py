"""Helpers every service uses: permission checks and history attribution."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models


def require_perm(actor: Any, permission: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``actor`` holds ``permission`` (for ``obj``)."""
    if actor is None or not actor.has_perm(permission, obj):
        raise PermissionDenied(f"Not allowed: {permission}")


HISTORY_REASON_LIMIT = 100  # django-simple-history's history_change_reason column


def history_reason(text: str) -> str:
    """``text`` cut to fit the history's change-reason column, with an ellipsis when cut
    (the full words stay on the record itself)."""
    text = " ".join(text.split())
    if len(text) <= HISTORY_REASON_LIMIT:
        return text
    return text[:HISTORY_REASON_LIMIT - 1].rstrip() + "…"


def save_with_history(instance: models.Model, *, actor: Any, reason: str,
                      validate: bool = True) -> None:
    """Validate, then save, recording who made the change and why in its history.

    ``validate=False`` is for rows a service builds itself from records already validated
    (a recalculated contribution): ``full_clean`` would query the database once for each
    foreign key and check constraint, and the database enforces those anyway."""
    if validate:
        instance.full_clean()
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = history_reason(reason)  # type: ignore[attr-defined]
    instance.save()


def delete_with_history(instance: models.Model, *, actor: Any, reason: str) -> None:
    """Delete, recording who removed it and why in its history."""
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = history_reason(reason)  # type: ignore[attr-defined]
    instance.delete()
