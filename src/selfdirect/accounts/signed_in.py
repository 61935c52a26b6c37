"""The account a request is signed in as, typed as the project's ``User``: for views and
for the account services that act on the request's own user (``second_factor``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from selfdirect.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The account signed in on a page marked ``@authenticated`` or
    ``@permission_required`` (the permission middleware has already sent anyone else to
    sign in), typed as the project's ``User``."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
