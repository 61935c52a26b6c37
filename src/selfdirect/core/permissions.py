"""Every page says which permission it needs; this module enforces it, in one place.

A view is decorated with ``@permission_required("people.view_person")`` (checked against
the object the view loads, through ``rules``), ``@staff_required`` / ``@login_required``
style markers from here, or ``@public``. The middleware refuses any view that carries no
marker at all: a new page that forgets to say who may see it is closed, not open
(conventions, "permissions fail closed"). ``tests/test_permission_matrix.py`` walks every
URL pattern and proves each has a marker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from selfdirect.core.signals import page_refused

ViewFunc = Callable[..., HttpResponse]

PUBLIC = "public"
AUTHENTICATED = "authenticated"
# Attribute set on view functions; the value is PUBLIC, AUTHENTICATED or a rules
# permission name such as "people.view_person".
ATTRIBUTE = "selfdirect_permission"
# URL namespaces whose views enforce their own rules: Django admin (superusers only) and
# the API (every operation declares its permission through ``selfdirect.api.permissions``,
# proved by tests/api/test_api_permissions.py).
DELEGATED_NAMESPACES = frozenset({"admin", "api"})
# Static files in development (runserver and the test live server serve them).
DELEGATED_MODULE_PREFIXES = ("django.views.static", "django.contrib.staticfiles")


def _mark(view: Any, value: str) -> Any:
    setattr(view, ATTRIBUTE, value)
    return view


def public(view: ViewFunc) -> ViewFunc:
    """Anyone may open this page, signed in or not."""
    return _mark(view, PUBLIC)


def authenticated(view: ViewFunc) -> ViewFunc:
    """Any signed-in user; the view itself shows only what is theirs."""
    return _mark(view, AUTHENTICATED)


PERSON_KWARG = "selfdirect_person_kwarg"


def person_page(view: ViewFunc) -> ViewFunc:
    """The URL's ``pk`` names a person: a refusal by the middleware is logged against them."""
    setattr(view, PERSON_KWARG, "pk")
    return view


def permission_required(permission: str) -> Callable[[ViewFunc], ViewFunc]:
    """A signed-in user who holds ``permission`` (a rules permission).

    For object permissions the view loads its object through a selector that also
    checks ``permission`` against it (see ``selfdirect.people.selectors``); the middleware
    checks the permission without an object, which for rules means "could this user
    hold it for some object" (``has_perm(user, perm)`` with obj=None).
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        return _mark(view, permission)

    return decorator


def view_permission(view: Any) -> str | None:
    """The marker a view carries, looking through class-based view wrappers."""
    value = getattr(view, ATTRIBUTE, None)
    if value is None and hasattr(view, "view_class"):
        value = getattr(view.view_class, ATTRIBUTE, None)
    return value


def is_delegated(view: Any, namespaces: list[str] | tuple[str, ...] = ()) -> bool:
    if DELEGATED_NAMESPACES.intersection(namespaces):
        return True
    module = getattr(view, "__module__", "") or ""
    return module.startswith(DELEGATED_MODULE_PREFIXES)


class PermissionRequiredMiddleware:
    """Refuses any view that does not declare who may use it, and enforces those that do."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any,
                     view_kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        if is_delegated(view_func, match.namespaces if match else ()):
            return None
        required = view_permission(view_func)
        if required is None:
            # Fail closed: a page with no declared permission is never served.
            raise PermissionDenied("This page has no permission rule.")
        if required == PUBLIC:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if required == AUTHENTICATED:
            return None
        if not request.user.has_perm(required):
            kwarg = getattr(view_func, PERSON_KWARG, None)
            if kwarg and kwarg in view_kwargs:
                page_refused.send(sender=PermissionRequiredMiddleware, user=request.user,
                                  person_id=int(view_kwargs[kwarg]), path=request.path)
            raise PermissionDenied
        return None
