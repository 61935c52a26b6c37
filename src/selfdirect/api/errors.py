"""Input the API refuses before an operation runs, in the API's one error shape.

Pydantic's refusals (a field missing, too long, a NUL, a number too large, a date that is
not ISO text; see ``api.inputs``) come out as the services' own do, 422 with
``{"detail": "The data was not valid.", "errors": [{"field", "message"}]}``
(``schemas.ErrorOut``), never django-ninja's default list of pydantic errors. A model's
default messages ("This field cannot be blank.") are given words naming the field
(:func:`service_errors`). Whatever
fails before the API is reached (an id too large for the URL, a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE``) is answered as JSON by ``core.errors``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from selfdirect.api.inputs import field_for, label, message_for
from selfdirect.api.pagination import NoSuchPage
from selfdirect.core import bounds

INVALID = "The data was not valid."


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


def service_errors(exc: ValidationError) -> list[dict[str, str]]:
    """A service's ValidationError as the API's list of ``{"field", "message"}``."""
    if hasattr(exc, "error_dict"):
        return [{"field": field, "message": _named(field, error)}
                for field, errors in exc.error_dict.items() for error in errors]
    return [{"field": "__all__", "message": message} for message in exc.messages]


def field_errors(exc: NinjaValidationError) -> list[dict[str, str]]:
    return [{"field": field_for(error.get("loc", ())), "message": message_for(error)}
            for error in exc.errors]


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def on_invalid_input(request: HttpRequest, exc: NinjaValidationError) -> Any:
        return api.create_response(request, {"detail": INVALID, "errors": field_errors(exc)},
                                   status=422)

    @api.exception_handler(NoSuchPage)
    def on_no_such_page(request: HttpRequest, exc: NoSuchPage) -> Any:
        return api.create_response(request, {"detail": str(exc)}, status=404)
