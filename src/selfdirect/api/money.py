"""Money in the HTTP API: out as whole pence and as pounds in a decimal string, in as text
in pounds ("120.50"), never a JSON number, so no float is ever involved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from pydantic import WithJsonSchema

from selfdirect.core.money import amount_message, pence_from_pounds, pounds

# Typed loosely so a JSON number reaches ``pence_in`` and is refused there with a message
# naming the field (and documented as text).
MoneyText = Annotated[Any, WithJsonSchema({"type": "string", "examples": ["120.50"]})]


def pounds_text(pence: int) -> str:
    return str(pounds(pence))


def pence_in(value: Any, field: str, what: str) -> int:
    """Whole pence from ``value``, text in pounds; ValidationError naming ``field``."""
    if not isinstance(value, str):
        raise ValidationError({field: f'Give {what} as text in pounds and pence, like "120.50", '
                                      "not as a number"})
    try:
        return pence_from_pounds(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: amount_message(
            exc, what[:1].upper() + what[1:], f"Enter {what} in pounds and pence, like 120.50")},
        ) from exc


def with_money(service: Callable[..., Any], money: dict[str, tuple[Any, str]],
               **kwargs: Any) -> Any:
    """Call ``service`` with the money fields converted to pence. Money that cannot be read
    is reported together with the service's own errors for the other fields: the service is
    given an amount it refuses (-1), and nothing it did is kept."""
    errors: dict[str, Any] = {}
    for name, (value, what) in money.items():
        try:
            kwargs[name] = pence_in(value, name, what)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            kwargs[name] = -1
    with transaction.atomic():
        try:
            result = service(**kwargs)
        except ValidationError as exc:
            if not errors:
                raise  # as it is, so a caller can tell its kind (a plan changed since read)
            found = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            raise ValidationError({**found, **errors}) from exc
        if errors:
            raise ValidationError(errors)
    return result
