"""Who may see and do what with spending requests and spending rules.

- ``spending.view_requests``: whoever may see the person (``people.view_person``) sees
  their spending requests and the decisions (object: a person, or anything with
  ``person``).
- ``spending.make_request``: the person, whoever acts for them (``act`` access, a welfare
  attorney or guardian), and their worker or a team manager on their behalf.
- ``spending.decide_request``: the person's worker or a team manager of their authority,
  never on their own request (``services.spending_request_decide``).
- ``spending.view_worklist``: social workers and team managers see the requests waiting
  for a decision in the authority they work in (object: an authority); a worker sees
  those of the people they may decide for.
- ``spending.manage_rules``: the authority's administrator adds or withdraws an exclusion
  from a date (object: an authority).

The spending rules themselves and how to challenge a decision are public.
"""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.authorities.models import Authority, Role
from selfdirect.authorities.rules import is_administrator
from selfdirect.authorities.selectors import user_roles
from selfdirect.people.rules import can_act_for_person, can_edit_person, can_view_person


def _person(obj: Any) -> Any:
    return getattr(obj, "person", obj)


@rules.predicate
def can_view(user: Any, obj: Any = None) -> bool:
    return bool(can_view_person(user, None if obj is None else _person(obj)))


@rules.predicate
def can_act_for(user: Any, obj: Any = None) -> bool:
    return bool(can_act_for_person(user, None if obj is None else _person(obj)))


@rules.predicate
def is_worker_or_manager(user: Any, obj: Any = None) -> bool:
    """The person's worker (their caseload) or a team manager of their authority."""
    return bool(can_edit_person(user, None if obj is None else _person(obj)))


@rules.predicate
def decides_in_authority(user: Any, authority: Authority | None = None) -> bool:
    roles = user_roles(user)
    wanted = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
    if authority is None:
        return bool(roles.authorities_with(*wanted))
    return roles.has(authority.pk, *wanted)


rules.add_perm("spending.view_requests", can_view)
rules.add_perm("spending.make_request", can_act_for | is_worker_or_manager)
rules.add_perm("spending.decide_request", is_worker_or_manager)
rules.add_perm("spending.view_worklist", decides_in_authority)
rules.add_perm("spending.manage_rules", is_administrator)
