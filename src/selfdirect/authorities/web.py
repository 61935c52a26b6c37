"""The authority a staff member is working in, for pages: chosen in the session (staff
with roles in two or more authorities pick one), else the first where they hold a role.
Web helpers, kept apart from ``selectors`` so that no selector reads a request."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from selfdirect.authorities.models import Authority
from selfdirect.authorities.selectors import user_roles

SESSION_KEY = "current_authority_id"


def user_current_authority(request: HttpRequest) -> Authority | None:
    """The authority a staff user is working in now: chosen in the session, else the first."""
    user = request.user
    roles = user_roles(user)
    if not roles.is_staff_anywhere:
        return None
    cached = getattr(request, "_selfdirect_authority", None)
    if cached is not None:
        return cached
    chosen = request.session.get(SESSION_KEY)
    authority_id = chosen if chosen in roles.by_authority else min(roles.by_authority)
    authority = Authority.objects.filter(pk=authority_id).first()
    request._selfdirect_authority = authority  # type: ignore[attr-defined]
    return authority


def current_authority_for(request: HttpRequest, permission: str) -> Authority:
    """The authority the user is working in, when they hold ``permission`` there: the one
    place an authority-wide page (a worklist, the panel, the questionnaire) finds its
    authority. 404 with none; 403, saying what to do, when the role is held elsewhere."""
    authority = user_current_authority(request)
    if authority is None:
        raise Http404("No authority.")
    if not request.user.has_perm(permission, authority):
        raise PermissionDenied("Switch to an authority where you hold this role.")
    return authority
