"""The second factor, enforced in one place (docs/security.md, "Second factor for staff").

A separate middleware, not a branch of ``PermissionRequiredMiddleware``: that one hands
the Django admin and the API to their own checks, while the second factor must hold for
both. It runs before the permission check, so a session that has only the password
learns nothing from which pages would refuse it. ``django_otp``'s ``OTPMiddleware``,
after Django's authentication middleware, has already read which device verified the
session.

Open without the code: public pages (``@public``: signing in and out, the forgotten
password, the accessibility statement), the pages to give the code or set up an app
(``@second_factor_page``), and static files. Everything else, for a session that still
owes its code: a page redirects to "Enter the 6-digit code" (or to setting up an app, for
an account without one), with ``next``; a call to the API answers 403 with JSON. A call
to the API with a valid bearer token is not affected: the token is its own credential,
and could only have been made from a verified session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode

from selfdirect.accounts.models import ApiToken
from selfdirect.accounts.second_factor import has_second_factor, second_factor_pending
from selfdirect.core.permissions import PUBLIC, is_delegated, view_permission

SECOND_FACTOR_PAGE = "selfdirect_second_factor_page"
API_REFUSAL = ("Give the 6-digit code from your authenticator app first: sign in again on "
               "the website. A program should use an API token.")


def second_factor_page(view: Any) -> Any:
    """A page a signed-in session may use before giving its code: giving it, or setting
    up an app."""
    setattr(view, SECOND_FACTOR_PAGE, True)
    return view


def _open_without_code(view: Any, namespaces: list[str]) -> bool:
    if getattr(view, SECOND_FACTOR_PAGE, False):
        return True
    if "admin" not in namespaces and "api" not in namespaces and is_delegated(view, namespaces):
        return True  # static files
    return view_permission(view) == PUBLIC


def _valid_bearer_token(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return False
    return ApiToken.objects.filter(digest=ApiToken.digest_for(raw.strip()),
                                   revoked_at__isnull=True, expires_at__gt=timezone.now(),
                                   user__is_active=True).exists()


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any,
                     view_kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        namespaces = list(match.namespaces) if match else []
        if _open_without_code(view_func, namespaces) or not second_factor_pending(request):
            return None
        if "api" in namespaces:
            if _valid_bearer_token(request):
                return None
            return JsonResponse({"detail": API_REFUSAL, "errors": {}}, status=403)
        page = "second-factor-verify" if has_second_factor(request.user) else "second-factor-enrol"
        response = redirect(page)
        response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response
