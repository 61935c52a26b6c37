"""A person's record's history, as people read it: who changed what, when and why.

Reads every history table that belongs to the person in one query each, and works out
what changed between consecutive versions in Python (so the page's query count does not
grow with the number of changes). Equality information is sensitive: the history says
that it changed, never what it says.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from selfdirect.people.models import (
    CommunicationNeed,
    Consent,
    EqualityInfo,
    Person,
    Preferences,
    Relationship,
)

_ACTION = {"+": "Added", "~": "Changed", "-": "Removed"}
_SKIP = {"id", "history_id", "history_date", "history_change_reason", "history_type",
         "history_user", "history_user_id", "updated_at", "created_at", "person", "person_id"}


@dataclass(frozen=True)
class Change:
    at: datetime.datetime
    who: str
    what: str
    action: str
    fields: tuple[str, ...]
    reason: str


def _labels(model: Any) -> dict[str, str]:
    return {f.attname: str(getattr(f, "verbose_name", f.name)) for f in model._meta.fields}


def _changes(model: Any, rows: list[Any], what: Any, *, hide_values: bool = False) -> list[Change]:
    labels = _labels(model)
    names = [f.attname for f in model._meta.fields if f.attname not in _SKIP]
    previous: dict[int, Any] = {}
    result = []
    for row in sorted(rows, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(row.id)
        if row.history_type == "~" and before is not None:
            changed = tuple(labels[n] for n in names if getattr(before, n) != getattr(row, n))
        else:
            changed = ()
        previous[row.id] = row
        user = row.history_user
        result.append(Change(
            at=row.history_date, who=user.get_full_name() if user else "The platform",
            what=what(row) if callable(what) else what, action=_ACTION[row.history_type],
            fields=() if hide_values else changed, reason=row.history_change_reason or ""))
    return result


def person_changes(*, person: Person, limit: int = 200) -> list[Change]:
    """Every recorded change to the person's record, newest first (six queries)."""

    def rows(model: type, **filters: Any) -> list[Any]:
        return list(model.history.filter(**filters).select_related("history_user")  # type: ignore[attr-defined]
                    .order_by("-history_date")[:limit])

    changes = (
        _changes(Person, rows(Person, id=person.pk), "Details")
        + _changes(CommunicationNeed, rows(CommunicationNeed, person_id=person.pk),
                   lambda r: f"Communication need: {r.get_kind_display()}")
        + _changes(Preferences, rows(Preferences, person_id=person.pk), "Preferences")
        + _changes(EqualityInfo, rows(EqualityInfo, person_id=person.pk),
                   "Equality information", hide_values=True)
        + _changes(Relationship, rows(Relationship, person_id=person.pk),
                   lambda r: f"{r.get_kind_display()}: {r.name}")
        + _changes(Consent, rows(Consent, person_id=person.pk),
                   lambda r: f"Consent {r.get_decision_display().lower()}: {r.get_scope_display()}")
    )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:limit]
