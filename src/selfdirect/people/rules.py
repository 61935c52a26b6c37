"""Who may see or change a person's record. The single source of truth for people.

Each predicate takes ``(user, person)``; with ``person=None`` it answers "could this user
hold the permission for some person" (used by the page middleware and the navigation).
``people.selectors.person_visible_queryset`` expresses the same view rule as a query;
``tests/people/test_rules.py`` proves the two agree for every role.
"""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.authorities.models import Role
from selfdirect.authorities.selectors import user_roles
from selfdirect.people.models import Access, Person

# Roles that see every person in their authority.
AUTHORITY_WIDE_VIEW = (Role.TEAM_MANAGER, Role.FINANCE_OFFICER)
# Roles that see the people allocated to them or to their team.
CASELOAD_VIEW = (Role.SOCIAL_WORKER,)
STAFF_VIEW = AUTHORITY_WIDE_VIEW + CASELOAD_VIEW
STAFF_EDIT = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER)


def _in_caseload(user: Any, person: Person) -> bool:
    roles = user_roles(user)
    if not roles.has(person.authority_id, *CASELOAD_VIEW):
        return False
    return person.allocated_worker_id == user.pk or (
        person.team_id is not None and person.team_id in roles.teams_in(person.authority_id))


def relationship_access(user: Any, person: Person) -> str:
    """The strongest access in force that ``user`` holds through a relationship."""
    if not getattr(user, "is_authenticated", False):
        return Access.NONE
    best = Access.NONE
    for rel in person.relationships.all():
        if rel.user_id != user.pk:
            continue
        level = rel.access_in_force
        if level == Access.ACT:
            return Access.ACT
        if level == Access.VIEW:
            best = Access.VIEW
    return best


def is_the_person(user: Any, person: Person) -> bool:
    return getattr(user, "is_authenticated", False) and person.user_id == user.pk


@rules.predicate
def can_view_person(user: Any, person: Person | None) -> bool:
    roles = user_roles(user)
    if person is None:
        return bool(roles.authorities_with(*STAFF_VIEW)) or _has_portal(user)
    if roles.has(person.authority_id, *AUTHORITY_WIDE_VIEW) or _in_caseload(user, person):
        return True
    return is_the_person(user, person) or relationship_access(user, person) != Access.NONE


@rules.predicate
def can_edit_person(user: Any, person: Person | None) -> bool:
    roles = user_roles(user)
    if person is None:
        return bool(roles.authorities_with(*STAFF_EDIT))
    return roles.has(person.authority_id, Role.TEAM_MANAGER) or _in_caseload(user, person)


@rules.predicate
def can_act_for_person(user: Any, person: Person | None) -> bool:
    """Change the person's own contact details, needs and preferences from the portal."""
    if person is None:
        return _has_portal(user)
    return is_the_person(user, person) or relationship_access(user, person) == Access.ACT


@rules.predicate
def can_search_people(user: Any, _: Any = None) -> bool:
    return bool(user_roles(user).authorities_with(*STAFF_VIEW))


@rules.predicate
def can_add_person(user: Any, _: Any = None) -> bool:
    return bool(user_roles(user).authorities_with(*STAFF_EDIT))


@rules.predicate
def can_allocate(user: Any, person: Person | None) -> bool:
    roles = user_roles(user)
    if person is None:
        return bool(roles.authorities_with(Role.TEAM_MANAGER))
    return roles.has(person.authority_id, Role.TEAM_MANAGER)


def _has_portal(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_selfdirect_portal", None)
    if cached is None:
        from selfdirect.people.selectors import portal_people_queryset

        cached = portal_people_queryset(user=user).exists()
        user._selfdirect_portal = cached
    return cached


@rules.predicate
def has_portal(user: Any, _: Any = None) -> bool:
    return _has_portal(user)


rules.add_perm("people.search_people", can_search_people)
rules.add_perm("people.add_person", can_add_person)
rules.add_perm("people.view_person", can_view_person)
rules.add_perm("people.change_person", can_edit_person)
rules.add_perm("people.act_for_person", can_act_for_person)
rules.add_perm("people.allocate_person", can_allocate)
rules.add_perm("people.manage_relationships", can_edit_person)
rules.add_perm("people.record_consent", can_edit_person)
rules.add_perm("people.view_history", can_edit_person)
# Equality answers are self-declared: the person and those acting for them see them;
# staff may record answers the person gives them, but never read earlier ones back.
rules.add_perm("people.view_equality", can_act_for_person)
rules.add_perm("audit.view_access_log", can_allocate)
rules.add_perm("portal.view_own_pages", has_portal)
