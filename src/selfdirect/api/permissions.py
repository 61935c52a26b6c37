"""Every API operation names its permission here, like every page does (fail closed:
``tests/api/test_api_permissions.py`` proves each operation carries one)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied

ATTRIBUTE = "selfdirect_permission"
AUTHENTICATED = "authenticated"


def api_permission(permission: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse the call unless the signed-in user could hold ``permission``.

    Object checks follow inside the operation, through the same selectors the pages use."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            user = request.auth
            # Before the check, so that a refusal is logged against the caller
            # (selfdirect.audit.middleware).
            request.user = user
            if permission != AUTHENTICATED and not user.has_perm(permission):
                raise PermissionDenied
            return func(request, *args, **kwargs)

        setattr(wrapper, ATTRIBUTE, permission)
        return wrapper

    return decorator
