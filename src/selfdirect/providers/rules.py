"""Who may see and change the provider directory and the PA register.

- ``providers.view_directory``: any signed-in staff member of an authority, and anyone
  with a portal (the person looking for support, or someone they let see their record).
- ``providers.manage_directory``: the authority's commissioners and administrators add
  and change providers; with an authority as the object, they mark its framework list.
- ``providers.view_pa_contact``: a PA's phone and email are personal data, shown only to
  staff of the authorities the PA covers (object: a ``PersonalAssistant``).
"""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.authorities.models import Authority, Role
from selfdirect.authorities.selectors import user_roles
from selfdirect.people.rules import has_portal

MANAGERS = (Role.COMMISSIONER, Role.ADMINISTRATOR)


@rules.predicate
def is_staff_anywhere(user: Any, _: Any = None) -> bool:
    return user_roles(user).is_staff_anywhere


@rules.predicate
def can_manage(user: Any, obj: Any = None) -> bool:
    roles = user_roles(user)
    if isinstance(obj, Authority):
        return roles.has(obj.pk, *MANAGERS)
    return bool(roles.authorities_with(*MANAGERS))


@rules.predicate
def can_see_pa_contact(user: Any, pa: Any = None) -> bool:
    roles = user_roles(user)
    if pa is None:
        return roles.is_staff_anywhere
    return any(a.pk in roles.by_authority for a in pa.authorities.all())


rules.add_perm("providers.view_directory", is_staff_anywhere | has_portal)
rules.add_perm("providers.manage_directory", can_manage)
rules.add_perm("providers.view_pa_contact", can_see_pa_contact)
