"""Who may see the options explained and record the person's choice.

- ``planning.view_options``: whoever may see the person (the person, their worker and
  team, the authority's team managers and finance officers, people the person gave
  access) reads the four options explained for them. Amounts that depend on the person's
  contribution are shown only to those who may see their money (``charging.view_charging``).
- ``planning.record_choice``: the person's worker or team manager records the choice made
  with the person (in a meeting, by phone, in the person's preferred way: no step needs
  the person to write).
- ``planning.write_plan``: the person's worker or team manager writes the support plan
  and signs it as the worker.
- ``planning.agree_own_plan``: the person (or whoever acts for them) agrees their plan
  online; their worker may record an agreement made in a meeting or by phone.
- ``planning.manage_plan``: the authority's team managers sign a plan off and decide
  when a plan may cost more than the budget.
- ``planning.respond_to_referral``: the people who work for a provider (an active
  ``providers.ProviderMember``) see the referrals sent to that provider, and only those,
  and accept or decline them (object: a referral).
"""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.authorities.models import Role
from selfdirect.authorities.selectors import user_roles
from selfdirect.people.rules import can_act_for_person, can_edit_person, can_view_person


def _person(obj: Any) -> Any:
    return getattr(obj, "person", obj)


@rules.predicate
def can_view_options(user: Any, obj: Any = None) -> bool:
    return bool(can_view_person(user, None if obj is None else _person(obj)))


@rules.predicate
def can_record_choice(user: Any, obj: Any = None) -> bool:
    return bool(can_edit_person(user, None if obj is None else _person(obj)))


@rules.predicate
def can_act_for(user: Any, obj: Any = None) -> bool:
    return bool(can_act_for_person(user, None if obj is None else _person(obj)))


@rules.predicate
def is_team_manager(user: Any, obj: Any = None) -> bool:
    roles = user_roles(user)
    if obj is None:
        return bool(roles.authorities_with(Role.TEAM_MANAGER))
    return roles.has(_person(obj).authority_id, Role.TEAM_MANAGER)


@rules.predicate
def works_for_the_provider(user: Any, referral: Any = None) -> bool:
    from selfdirect.providers.models import ProviderMember

    if not getattr(user, "is_authenticated", False):
        return False
    members = ProviderMember.objects.filter(user=user, active=True)
    if referral is None:
        return members.exists()
    return members.filter(provider_id=referral.provider_id).exists()


rules.add_perm("planning.view_options", can_view_options)
rules.add_perm("planning.respond_to_referral", works_for_the_provider)
rules.add_perm("planning.write_plan", can_record_choice)
rules.add_perm("planning.agree_own_plan", can_act_for | can_record_choice)
rules.add_perm("planning.manage_plan", is_team_manager)
rules.add_perm("planning.record_choice", can_record_choice)
