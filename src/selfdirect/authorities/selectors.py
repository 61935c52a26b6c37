"""Reads about authorities and the roles a user holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from selfdirect.authorities.models import Authority, Role, StaffRole

_CACHE_ATTR = "_selfdirect_roles"


@dataclass(frozen=True)
class RoleSet:
    """The active staff roles of one user, loaded once per request (one query)."""

    by_authority: dict[int, frozenset[str]] = field(default_factory=dict)
    teams_by_authority: dict[int, frozenset[int]] = field(default_factory=dict)

    def has(self, authority_id: int, *roles: str) -> bool:
        held = self.by_authority.get(authority_id, frozenset())
        return any(r in held for r in roles)

    def authorities_with(self, *roles: str) -> list[int]:
        return [a for a, held in self.by_authority.items() if any(r in held for r in roles)]

    def teams_in(self, authority_id: int) -> frozenset[int]:
        return self.teams_by_authority.get(authority_id, frozenset())

    @property
    def is_staff_anywhere(self) -> bool:
        return bool(self.by_authority)


def user_roles(user: Any) -> RoleSet:
    """The user's active roles, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return RoleSet()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    by_auth: dict[int, set[str]] = {}
    teams: dict[int, set[int]] = {}
    for authority_id, role, team_id in StaffRole.objects.filter(
        user=user, active=True
    ).values_list("authority_id", "role", "team_id"):
        by_auth.setdefault(authority_id, set()).add(role)
        if team_id:
            teams.setdefault(authority_id, set()).add(team_id)
    roles = RoleSet(
        by_authority={a: frozenset(r) for a, r in by_auth.items()},
        teams_by_authority={a: frozenset(t) for a, t in teams.items()},
    )
    setattr(user, _CACHE_ATTR, roles)
    return roles


def user_role_labels(user: Any) -> list[tuple[Authority, list[str]]]:
    """For the dashboard: each authority the user works in, with the roles held there."""
    rows = (StaffRole.objects.filter(user=user, active=True)
            .select_related("authority").order_by("authority__name", "role"))
    grouped: dict[int, tuple[Authority, list[str]]] = {}
    for row in rows:
        grouped.setdefault(row.authority_id, (row.authority, []))[1].append(
            Role(row.role).label)
    return list(grouped.values())
