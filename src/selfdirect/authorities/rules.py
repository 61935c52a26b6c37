"""Who may see and change an authority's settings."""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.authorities.models import Authority, Role
from selfdirect.authorities.selectors import user_roles


@rules.predicate
def is_staff_member(user: Any, authority: Authority | None = None) -> bool:
    roles = user_roles(user)
    if authority is None:
        return roles.is_staff_anywhere
    return authority.pk in roles.by_authority


@rules.predicate
def is_administrator(user: Any, authority: Authority | None = None) -> bool:
    roles = user_roles(user)
    if authority is None:
        return bool(roles.authorities_with(Role.ADMINISTRATOR))
    return roles.has(authority.pk, Role.ADMINISTRATOR)


rules.add_perm("authorities.view_policy", is_staff_member)
rules.add_perm("authorities.manage_policy", is_administrator)
