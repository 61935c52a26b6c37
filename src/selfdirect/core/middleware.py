"""Responses that may carry personal data are never stored by a browser or a proxy.

Every response to a signed-in user, and every response under ``/api/``, gets
``Cache-Control: no-store, private`` (added to what the view set, never loosening it):
a shared computer's back button or disk cache must not show the last person's care
record. Public pages (the accessibility statement, a council's charging policy, static
files) stay cacheable."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from selfdirect.core.exceptions import NotFound


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
        return response


class NotFoundMiddleware:
    """A page whose selector or service raised ``core.exceptions.NotFound`` answers 404,
    exactly as if the view had raised ``Http404``: the one place the domain's "not found"
    becomes HTTP for pages (the API has its own handler in ``api.errors``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
