"""Who may manage the resource allocation system and calculate budgets.

- ``allocation.manage_ras``: the authority's administrator (object: an authority or a
  RAS version) loads, publishes and reprices questionnaires.
- ``allocation.calculate_budget``: whoever may change the person's assessment (their
  worker, their team manager) records answers, calculates and adjusts the budget (object:
  a person, an assessment or a budget).
- ``allocation.view_budget``: whoever may see the person's assessment.
- ``allocation.agree_budget``: the person's team manager agrees a proposed budget that does
  not need the panel.
- ``allocation.sit_on_panel``: the authority's panel members and team managers see the
  panel's agenda, hold meetings and record decisions (object: an authority, a meeting or
  a budget).
- ``allocation.manage_envelope``: the authority's administrator and finance officers set
  its yearly envelope.
- ``allocation.view_envelope``: the panel, and those who set the envelope, read the
  year's envelope against committed and forecast spend.
- ``allocation.view_calibration``: the authority's administrator and its commissioners or
  analysts see how well the questionnaire's price fits agreed packages, and its fairness.
"""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.assessments.rules import can_change_assessment, can_view_assessment
from selfdirect.authorities.models import Role
from selfdirect.authorities.selectors import user_roles


def _authority_id(obj: Any) -> int:
    if hasattr(obj, "authority_id"):
        return int(obj.authority_id)
    return int(obj.pk)


def _person(obj: Any) -> Any:
    return getattr(obj, "person", obj)


def _authority_of(obj: Any) -> int:
    """The authority id of an authority, a meeting or version (``authority_id``), or a
    budget or person (through the person)."""
    if hasattr(obj, "authority_id"):
        return int(obj.authority_id)
    if hasattr(obj, "person"):
        return int(obj.person.authority_id)
    return int(obj.pk)


def _has_any_role(user: Any, obj: Any, wanted: tuple[str, ...]) -> bool:
    roles = user_roles(user)
    if obj is None:
        return bool(roles.authorities_with(*wanted))
    return roles.has(_authority_of(obj), *wanted)


@rules.predicate
def can_manage_ras(user: Any, obj: Any = None) -> bool:
    roles = user_roles(user)
    if obj is None:
        return bool(roles.authorities_with(Role.ADMINISTRATOR))
    return roles.has(_authority_id(obj), Role.ADMINISTRATOR)


@rules.predicate
def can_calculate_budget(user: Any, obj: Any = None) -> bool:
    return bool(can_change_assessment(user, None if obj is None else _person(obj)))


@rules.predicate
def can_view_budget(user: Any, obj: Any = None) -> bool:
    return bool(can_view_assessment(user, None if obj is None else _person(obj)))


@rules.predicate
def can_agree_budget(user: Any, obj: Any = None) -> bool:
    """The person's team manager agrees a proposed budget (one that needs the panel is the
    panel's: ``services.budget_agree`` refuses it)."""
    roles = user_roles(user)
    if obj is None:
        return bool(roles.authorities_with(Role.TEAM_MANAGER))
    return roles.has(_person(obj).authority_id, Role.TEAM_MANAGER)


@rules.predicate
def can_sit_on_panel(user: Any, obj: Any = None) -> bool:
    return _has_any_role(user, obj, (Role.PANEL_MEMBER, Role.TEAM_MANAGER))


@rules.predicate
def can_manage_envelope(user: Any, obj: Any = None) -> bool:
    return _has_any_role(user, obj, (Role.ADMINISTRATOR, Role.FINANCE_OFFICER))


@rules.predicate
def can_view_calibration(user: Any, obj: Any = None) -> bool:
    return _has_any_role(user, obj, (Role.ADMINISTRATOR, Role.COMMISSIONER))


rules.add_perm("allocation.manage_envelope", can_manage_envelope)
# The envelope's figures: the panel, and those who set the envelope.
rules.add_perm("allocation.view_envelope", can_sit_on_panel | can_manage_envelope)
rules.add_perm("allocation.sit_on_panel", can_sit_on_panel)
rules.add_perm("allocation.view_calibration", can_view_calibration)
rules.add_perm("allocation.manage_ras", can_manage_ras)
rules.add_perm("allocation.agree_budget", can_agree_budget)
rules.add_perm("allocation.calculate_budget", can_calculate_budget)
rules.add_perm("allocation.view_budget", can_view_budget)
