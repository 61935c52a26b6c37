"""Anonymising one person's record, as the registry declares (``registry.Part``).

Every part's rows about the person are found first (their ids, current and in the
history), then each model is changed with one UPDATE for its rows and one for its
historical rows: a fixed number of queries, whatever the record holds. What changes:

- free text: cleared. Short fields (under 40 characters: a phone number, a postcode, an
  identifier) and email addresses become empty; longer ones become ``REMOVED`` when they
  held anything, so a rule that wants text (a decision's reasons) still holds;
- what a part lists in ``clear``: choices, JSON, nullable keys (the person's sign-in);
- dates in ``year_only``: 1 January of their year (a date of birth);
- what a part ``replace``s: the name ("Anonymised person 12"), the sign-in's username;
- nothing in a part with ``anonymise=False``: the ledger, the access log, another
  person's records that name this one.

Amounts, dates of events, states and who did what stay: the accounts still add up, and
figures about the service can still be counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Case, Value, When
from django.db.models.functions import TruncYear

from selfdirect.dataprotection.export import history_model
from selfdirect.dataprotection.registry import Part, sections

REMOVED = "Removed under the retention policy"
SHORT = 40


def field_updates(part: Part) -> dict[str, Any]:
    """The UPDATE for ``part.model``'s rows (and, by the same names, its history)."""
    updates: dict[str, Any] = {}
    for f in part.model._meta.concrete_fields:
        name = f.name
        if f.primary_key or name in part.keep:
            continue
        if name in part.replace:
            updates[f.attname] = part.replace[name]()
        elif name in part.year_only:
            updates[name] = TruncYear(name, output_field=models.DateField())
        elif name in part.clear:
            if isinstance(f, models.JSONField):
                updates[name] = Value(f.get_default(), output_field=f)
            elif f.null:
                updates[f.attname] = None
            else:
                updates[name] = Value("")
        elif isinstance(f, models.GenericIPAddressField):
            if f.null:
                updates[name] = None
        elif (isinstance(f, models.CharField | models.TextField) and not f.choices
              and not isinstance(f, models.SlugField)):
            short = isinstance(f, models.EmailField) or (
                f.max_length is not None and f.max_length < SHORT)
            updates[name] = Value("") if short else Case(
                When(**{name: ""}, then=Value("")), default=Value(REMOVED))
    return updates


@dataclass
class Found:
    """One part's rows about a person: the ids of its current rows and of every row in
    its history (a removed one included)."""

    part: Part
    ids: set[int]


def _find(part: Part, *, person_id: int, parent_ids: set[int], out: list[Found]) -> None:
    manager = part.model._default_manager
    query = (manager.filter(**{part.person: person_id}) if part.person
             else manager.filter(**{f"{part.parent}__in": sorted(parent_ids)}))
    ids = set(query.values_list("pk", flat=True))
    historical = history_model(part.model)
    if historical is not None:
        lookup = ({("id" if part.person == "pk" else part.person): person_id} if part.person
                  else {f"{part.parent}__in": sorted(parent_ids)})
        ids |= set(historical._default_manager.filter(**lookup)
                   .values_list("id", flat=True).distinct())
    out.append(Found(part, ids))
    for child in part.children:
        _find(child, person_id=person_id, parent_ids=ids, out=out)


def find(person_id: int) -> list[Found]:
    """Every registered part's rows about the person (before anything is changed: the
    person's sign-in is found through the record that is about to lose it)."""
    found: list[Found] = []
    for section in sections():
        for part in section.parts:
            _find(part, person_id=person_id, parent_ids=set(), out=found)
    return found


def anonymise_person(person_id: int) -> int:
    """Anonymise everything registered about the person; returns the rows changed
    (current and historical). Runs inside the caller's transaction."""
    changed = 0
    for item in find(person_id):
        part = item.part
        if not part.anonymise or not item.ids:
            continue
        updates = field_updates(part)
        if not updates:
            continue
        ids = sorted(item.ids)
        changed += part.model._default_manager.filter(pk__in=ids).update(**updates)
        historical = history_model(part.model)
        if historical is not None:
            changed += historical._default_manager.filter(id__in=ids).update(**updates)
    return changed
