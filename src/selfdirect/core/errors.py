"""Error pages in plain English, and the same errors as JSON under /api/.

Django calls these for whatever fails before a view answers: an address that matches no
URL (an id too large for ``<id:…>``, a malformed one), a request body larger than
``DATA_UPLOAD_MAX_MEMORY_SIZE``. A program calling the API gets ``{"detail": "…"}``, the
shape of the API's own errors (``{"detail": "…", "errors": {}}``, ``api.errors``), never an HTML page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def too_big_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return f"The request is too large: send no more than {limit:,} bytes at once"


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """A request Django refused before any view saw it (400), or a body too large (413)."""
    too_big = isinstance(exception, RequestDataTooBig)
    status = 413 if too_big else 400
    if is_api(request):
        detail = too_big_message() if too_big else "The request could not be read."
        return JsonResponse({"detail": detail, "errors": {}}, status=status)
    return render(request, "errors/400.html", {"too_big": too_big}, status=status)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "You do not have permission to do this.", "errors": {}},
                            status=403)
    return render(request, "errors/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "Sorry, there is a problem with the service.",
                             "errors": {}}, status=500)
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
