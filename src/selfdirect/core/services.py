"""Helpers every service uses: permission checks and history attribution."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.text import capfirst

from selfdirect.core.bounds import too_long_message


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


def full_validate(instance: models.Model) -> None:
    """``full_clean``, and the ``max_length`` of every ``TextField`` too: Django gives it
    to a form but never checks it on the model, so text from the API or an import would
    be saved at any length. Every mistake is raised at once, each on its field."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        instance.full_clean()
    except ValidationError as exc:
        errors = dict(exc.error_dict) if hasattr(exc, "error_dict") else {
            "__all__": exc.error_list}
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.TextField) and field.max_length and field.name not in errors:
            value = getattr(instance, field.attname)
            if isinstance(value, str) and len(value) > field.max_length:
                errors[field.name] = [ValidationError(
                    too_long_message(capfirst(str(field.verbose_name)), field.max_length),
                    code="max_length", params={"limit_value": field.max_length})]
    if errors:
        raise ValidationError(errors)


def save_with_history(instance: models.Model, *, actor: Any, reason: str,
                      validate: bool = True) -> None:
    """Validate (:func:`full_validate`), then save, recording who made the change and why in
    its history.

    ``validate=False`` is for rows a service builds itself from records already validated
    (a recalculated contribution): ``full_clean`` would query the database once for each
    foreign key and check constraint, and the database enforces those anyway."""
    if validate:
        full_validate(instance)
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = history_reason(reason)  # type: ignore[attr-defined]
    instance.save()


def delete_with_history(instance: models.Model, *, actor: Any, reason: str) -> None:
    """Delete, recording who removed it and why in its history."""
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = history_reason(reason)  # type: ignore[attr-defined]
    instance.delete()
