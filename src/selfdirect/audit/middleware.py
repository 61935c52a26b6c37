"""Every refusal is in the access log, once.

A signed-in user's request answered 403 (refused) or 404 (not found: how the platform
refuses a record whose existence it does not disclose), on a page or the API, gets one
``denied`` row with who, when, the path, the channel and the status, unless the code
that refused it already wrote one (``audit.services.refusal_logged``). The person is
named when the URL names one (``<pk>`` on a person page, ``person``/``person_id``
elsewhere)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from selfdirect.audit.models import AccessLog
from selfdirect.audit.services import access_log_record, refusal_logged, refusal_tracking_start

REFUSALS = frozenset({403, 404})
PERSON_KWARGS = ("person_id", "person")
BIGINT_MAX = 2**63 - 1


def _person_id(request: HttpRequest) -> int | None:
    match = request.resolver_match
    if match is None:
        return None
    from selfdirect.core.permissions import PERSON_KWARG

    names = [getattr(match.func, PERSON_KWARG, None), *PERSON_KWARGS]
    for name in names:
        value: Any = match.kwargs.get(name) if name else None
        if value is None:
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        return number if 0 < number <= BIGINT_MAX else None
    return None


class RefusalLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal_tracking_start()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (response.status_code in REFUSALS and user is not None and user.is_authenticated
                and not refusal_logged()):
            access_log_record(user=user, person_id=_person_id(request),
                              outcome=AccessLog.Outcome.DENIED, path=request.path,
                              channel="api" if request.path.startswith("/api/") else "page",
                              status=response.status_code)
        return response
