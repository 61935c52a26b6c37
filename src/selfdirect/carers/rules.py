"""Who may see and change carers' records.

An adult carer support plan (and the offer of one) is part of the CARER's own record: the
person rules (``people.rules``) are applied to the carer's ``Person``, never to the
person cared for. So the carer themself, the staff who may see the carer's record and
anyone the carer has given access see it; the person cared for, and those who see only
the cared-for person's record (their carers, attorneys, representatives), do not.
"""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.authorities.models import Role
from selfdirect.authorities.selectors import user_roles
from selfdirect.people.models import Person
from selfdirect.people.rules import can_edit_person, can_view_person


def carer_of(obj: Any) -> Person | None:
    """The carer whose record ``obj`` is part of: an offer, a plan, or the carer's Person."""
    if obj is None or isinstance(obj, Person):
        return obj
    return obj.carer


@rules.predicate
def can_view_carer_plan(user: Any, obj: Any = None) -> bool:
    return can_view_person(user, carer_of(obj))


@rules.predicate
def can_change_carer_plan(user: Any, obj: Any = None) -> bool:
    return can_edit_person(user, carer_of(obj))


@rules.predicate
def can_identify_carer(user: Any, cared_for: Person | None = None) -> bool:
    """Staff who may change the cared-for person's record identify their carers (the
    carer's own record is then checked, or created, by ``carers.services.carer_identify``)."""
    return can_edit_person(user, cared_for)


@rules.predicate
def can_view_carers_waiting(user: Any, _: Any = None) -> bool:
    return bool(user_roles(user).authorities_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER))


rules.add_perm("carers.view_carer_plan", can_view_carer_plan)
rules.add_perm("carers.change_carer_plan", can_change_carer_plan)
rules.add_perm("carers.identify_carer", can_identify_carer)
rules.add_perm("carers.view_waiting_list", can_view_carers_waiting)
