"""Every refusal the API gives, in one shape, documented on every operation.

Whatever the reason, a 4xx answer is ``{"detail": "<what went wrong, in words>",
"errors": {"<field>": ["<message naming the field>", ...]}}`` (``schemas.ErrorOut``):
``errors`` is empty when no one field is at fault (not signed in, not allowed, not found),
and ``"__all__"`` holds what concerns the whole request (Django's ``NON_FIELD_ERRORS``).
A plan changed since it was read (409) adds ``changes``.

Pydantic's refusals (a field missing, too long, a NUL, a number too large, a date that is
not ISO text; see ``api.inputs``) come out as the services' own ``ValidationError`` do,
never django-ninja's default list of pydantic errors. A model's default messages ("This
field cannot be blank.") are given words naming the field (:func:`service_errors`).
Whatever fails before the API is reached (an id too large for the URL, a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE``) is answered in the same shape by ``core.errors``.

:func:`document_statuses` writes into the OpenAPI description every status an operation
can answer with, from what the operation takes: 401 and 403 for every operation (no or a
bad token; a role or token that may not), 404 where the path names a record or the list
is paged, 422 where anything is read from the call, 400 and 413 where a body is.
``tests/api/test_api_fuzz.py`` holds the API to it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from selfdirect.api.inputs import field_for, label, message_for
from selfdirect.core import bounds
from selfdirect.core.exceptions import NotFound

INVALID = "The data was not valid."
NOT_SIGNED_IN = ("Send an API token (Authorization: Bearer <token>), or sign in: the token "
                 "was missing, wrong, revoked or expired")
NOT_ALLOWED = "You do not have permission to do this."
NOT_FOUND = "Not found."
UNREADABLE = "The request could not be read."

Errors = dict[str, list[str]]


def error_body(detail: str, errors: Errors | None = None) -> dict[str, Any]:
    """The API's one error shape."""
    return {"detail": detail, "errors": errors or {}}


def _named(field: str, error: ValidationError) -> str:
    """A model's own message, naming the field where Django's default does not ("This
    field cannot be blank." → "Enter given name")."""
    message = next(iter(error))
    name = label(field.rsplit(".", 1)[-1])
    if error.code == "blank":
        return f"Enter {name.lower()}: it cannot be empty or only spaces"
    if error.code == "null":
        return f"Enter {name.lower()}: it cannot be empty"
    if error.code == "max_length" and isinstance(error.params, dict):
        return bounds.too_long_message(name, int(error.params["limit_value"]))
    return str(message)


def service_errors(exc: ValidationError) -> Errors:
    """A service's ValidationError as ``{field: [messages]}``."""
    if hasattr(exc, "error_dict"):
        return {field: [_named(field, error) for error in errors]
                for field, errors in exc.error_dict.items()}
    return {NON_FIELD_ERRORS: list(exc.messages)}


def field_errors(exc: NinjaValidationError) -> Errors:
    """Pydantic's refusals as ``{field: [messages]}``, each message naming its field."""
    grouped: defaultdict[str, list[str]] = defaultdict(list)
    for error in exc.errors:
        grouped[field_for(error.get("loc", ()))].append(message_for(error))
    return dict(grouped)


def install(api: NinjaAPI) -> None:
    """Answer every refusal in the one shape, and document it on every operation."""

    def answer(request: HttpRequest, status: int, detail: str,
               errors: Errors | None = None) -> Any:
        return api.create_response(request, error_body(detail, errors), status=status)

    @api.exception_handler(NinjaValidationError)
    def on_invalid_input(request: HttpRequest, exc: NinjaValidationError) -> Any:
        return answer(request, 422, INVALID, field_errors(exc))

    @api.exception_handler(ValidationError)
    def on_service_refusal(request: HttpRequest, exc: ValidationError) -> Any:
        return answer(request, 422, INVALID, service_errors(exc))

    @api.exception_handler(AuthenticationError)
    def on_not_signed_in(request: HttpRequest, exc: AuthenticationError) -> Any:
        return answer(request, 401, NOT_SIGNED_IN)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> Any:
        return answer(request, exc.status_code, exc.message)

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> Any:
        return answer(request, 403, NOT_ALLOWED)

    @api.exception_handler(NotFound)
    def on_domain_not_found(request: HttpRequest, exc: NotFound) -> Any:
        return answer(request, 404, NOT_FOUND)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> Any:
        # NoSuchPage (api.pagination) says how many pages there are; a plain 404 says no more.
        from selfdirect.api.pagination import NoSuchPage

        return answer(request, 404, str(exc) if isinstance(exc, NoSuchPage) else NOT_FOUND)


ERROR_REF = "#/components/schemas/ErrorOut"
WHY = {
    "400": "The request could not be read (a body that is not JSON)",
    "401": "No API token was sent, or it is wrong, revoked or expired",
    "403": "Your role, or a read-only token, does not allow this",
    "404": "No such record, or one you may not see (the attempt is logged); or a page past "
           "the last",
    "413": "The body is larger than the service accepts",
    "422": "What was sent was not valid: each message names its field",
}
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def _statuses_for(operation: dict[str, Any]) -> list[str]:
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    statuses = ["401", "403"]
    if any(p.get("in") == "path" for p in parameters) or any(
            p.get("name") == "page" for p in parameters):
        statuses.append("404")
    if parameters or has_body:
        statuses.append("422")
    if has_body:
        statuses += ["400", "413"]
    return statuses


def document_statuses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add to each operation of an OpenAPI ``schema`` every error status it can answer
    with (see the module's description), in the one error shape, keeping what the
    operation declares itself."""
    for path_item in schema.get("paths", {}).values():
        for method in METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            # django-ninja keys the statuses an operation declares as numbers.
            responses = {str(status): response
                         for status, response in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for status in _statuses_for(operation):
                responses.setdefault(status, {
                    "description": WHY[status],
                    "content": {"application/json": {"schema": {"$ref": ERROR_REF}}}})
    return schema
