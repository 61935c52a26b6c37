"""Who may see and change assessments. Built on the person rules: an assessment is part
of the person's record."""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.authorities.models import Role
from selfdirect.authorities.selectors import user_roles
from selfdirect.people.models import Access
from selfdirect.people.rules import (
    can_edit_person,
    can_view_person,
    is_the_person,
    relationship_access,
)


def _person(obj: Any) -> Any:
    return getattr(obj, "person", obj)


@rules.predicate
def can_view_assessment(user: Any, obj: Any = None) -> bool:
    return can_view_person(user, None if obj is None else _person(obj))


@rules.predicate
def can_change_assessment(user: Any, obj: Any = None) -> bool:
    return can_edit_person(user, None if obj is None else _person(obj))


@rules.predicate
def can_approve_assessment(user: Any, obj: Any = None) -> bool:
    roles = user_roles(user)
    if obj is None:
        return bool(roles.authorities_with(Role.TEAM_MANAGER))
    return roles.has(_person(obj).authority_id, Role.TEAM_MANAGER)


@rules.predicate
def can_speak_for_person(user: Any, obj: Any = None) -> bool:
    """The person, or someone the person (or the law) lets act for them: writes a
    self-assessment, comments on the assessment."""
    if obj is None:
        from selfdirect.people.rules import _has_portal

        return _has_portal(user)
    person = _person(obj)
    return is_the_person(user, person) or relationship_access(user, person) == Access.ACT


@rules.predicate
def can_view_waiting_list(user: Any, _: Any = None) -> bool:
    return bool(user_roles(user).authorities_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER))


@rules.predicate
def can_triage_self_referrals(user: Any, self_referral: Any = None) -> bool:
    """Team managers and social workers of the authority the referral was sent to."""
    roles = user_roles(user)
    staff = (Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    if self_referral is None:
        return bool(roles.authorities_with(*staff))
    return roles.has(self_referral.authority_id, *staff)


rules.add_perm("assessments.view_assessment", can_view_assessment)
rules.add_perm("assessments.triage_self_referrals", can_triage_self_referrals)
rules.add_perm("assessments.change_assessment", can_change_assessment)
rules.add_perm("assessments.approve_assessment", can_approve_assessment)
rules.add_perm("assessments.speak_for_person", can_speak_for_person)
rules.add_perm("assessments.view_waiting_list", can_view_waiting_list)
