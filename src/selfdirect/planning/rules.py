"""Who may see the options explained and record the person's choice.

- ``planning.view_options``: whoever may see the person (the person, their worker and
  team, the authority's team managers and finance officers, people the person gave
  access) reads the four options explained for them. Amounts that depend on the person's
  contribution are shown only to those who may see their money (``charging.view_charging``).
- ``planning.record_choice``: the person's worker or team manager records the choice made
  with the person (in a meeting, by phone, in the person's preferred way: no step needs
  the person to write).
"""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.people.rules import can_edit_person, can_view_person


def _person(obj: Any) -> Any:
    return getattr(obj, "person", obj)


@rules.predicate
def can_view_options(user: Any, obj: Any = None) -> bool:
    return bool(can_view_person(user, None if obj is None else _person(obj)))


@rules.predicate
def can_record_choice(user: Any, obj: Any = None) -> bool:
    return bool(can_edit_person(user, None if obj is None else _person(obj)))


rules.add_perm("planning.view_options", can_view_options)
rules.add_perm("planning.record_choice", can_record_choice)
