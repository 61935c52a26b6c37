"""What the API accepts, bounded in one place (``core.bounds`` says why each limit).

Every schema the API reads a body into derives from :class:`InSchema`
(``tests/api/test_api_input_bounds.py`` proves it), which

- refuses a NUL character anywhere in what was sent, naming the field;
- strips spaces from both ends of every text, as the pages do (so a name of only spaces
  is an empty name, which the model refuses), and caps every text at ``TEXT_MAX``
  characters;
- takes whole numbers only between -(2**63 - 1) and 2**63 - 1, what the database holds;
- takes dates only as ISO text (``"1958-03-27"``, never a number of seconds), and date-times
  as text, between ``EARLIEST_DATE`` and ``LATEST_DATE``.

Each of these is refused before the operation runs: none of it could be stored. What the
model says of a field (its ``max_length``, that it may not be blank, its choices, a
plausible date of birth) is checked by the service's ``full_clean``, so that every such
mistake is reported at once, as on the pages; ``limits_from`` (the models a schema writes)
puts each same-named text field's ``max_length`` in the OpenAPI description.

:class:`PatchSchema` (a partial change) also refuses ``null`` for a field that cannot be
empty: leaving the field out keeps what is recorded. :data:`IsoDate` bounds dates in query
strings the same way, ``api.parser`` refuses NUL and overlong text in every query string,
and ``api.pagination`` bounds the page asked for. A refusal is a 422 in the API's error shape
(``api.errors``), each message naming its field.
"""

from __future__ import annotations

import copy
import datetime
import re
import types
import typing
from typing import Annotated, Any, ClassVar, Union

from annotated_types import Ge, Le
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import AfterValidator, BeforeValidator, ConfigDict, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from selfdirect.core import bounds

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}.*")


def label(name: str | int) -> str:
    """``"given_name"`` → ``"Given name"``: how messages name a field."""
    text = str(name).replace("_", " ")
    return text[:1].upper() + text[1:]


def _error(kind: str, message: str, loc: tuple[str | int, ...], value: Any) -> InitErrorDetails:
    return InitErrorDetails(type=PydanticCustomError(kind, message), loc=loc, input=value)


def _nul_errors(value: Any, loc: tuple[str | int, ...]) -> list[InitErrorDetails]:
    """Every text holding NUL in ``value``, however deep (keys too), with where it is."""
    if isinstance(value, str):
        if bounds.NUL in value:
            return [_error("null_character", bounds.nul_message(label(loc[-1] if loc else "text")),
                           loc, value)]
        return []
    found: list[InitErrorDetails] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and bounds.NUL in key:
                found.append(_error("null_character", bounds.nul_message("A name in the data"),
                                    loc, key))
            found.extend(_nul_errors(item, (*loc, key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found.extend(_nul_errors(item, (*loc, index)))
    return found


def _long_errors(value: Any, loc: tuple[str | int, ...]) -> list[InitErrorDetails]:
    if isinstance(value, str):
        if len(value) > bounds.TEXT_MAX:
            return [InitErrorDetails(type="string_too_long", loc=loc, input=value,
                                     ctx={"max_length": bounds.TEXT_MAX})]
        return []
    items = (value.items() if isinstance(value, dict)
             else enumerate(value) if isinstance(value, list | tuple) else ())
    return [error for key, item in items for error in _long_errors(item, (*loc, key))]


def refuse_unsafe(value: Any) -> Any:
    """For a free-form JSON value (a document): refuse NUL anywhere in it, and text longer
    than ``TEXT_MAX``, each with where it is."""
    found = _nul_errors(value, ()) + _long_errors(value, ())
    if found:
        raise ValidationError.from_exception_data("document", found)
    return value


def _iso_date(value: Any) -> Any:
    if value is None or isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value.strip()):
        raise PydanticCustomError("iso_date", "Give a date as text like 1958-03-27 "
                                              "(year-month-day)")
    return value.strip()


def _datetime_text(value: Any) -> Any:
    if value is None or isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and ISO_DATETIME.fullmatch(value.strip()):
        return value.strip()
    raise PydanticCustomError("iso_datetime", "Give a date and time as text like "
                                              "2026-03-27T14:30:00+00:00")


def _date_in_range(value: Any) -> Any:
    day = value.date() if isinstance(value, datetime.datetime) else value
    if isinstance(day, datetime.date) and not bounds.EARLIEST_DATE <= day <= bounds.LATEST_DATE:
        raise PydanticCustomError(
            "date_out_of_range", "Give a date between {earliest} and {latest}",
            {"earliest": bounds.EARLIEST_DATE.isoformat(),
             "latest": bounds.LATEST_DATE.isoformat()})
    return value


# For query strings (and anywhere a schema is not used): the same rules as a schema's.
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date), AfterValidator(_date_in_range)]
# A free-form JSON document (an Open Referral UK import): no NUL anywhere in it, and no
# text longer than TEXT_MAX (its reader checks the rest).
JsonDocument = Annotated[dict[str, Any], AfterValidator(refuse_unsafe)]


def _kinds(annotation: Any) -> set[Any]:
    """The plain types a field's annotation allows (``str | None`` → {str, NoneType})."""
    origin = typing.get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        return {kind for arg in typing.get_args(annotation) for kind in _kinds(arg)}
    if origin is Annotated:
        return _kinds(typing.get_args(annotation)[0])
    return {annotation}


def _model_field(models_: tuple[type[models.Model], ...], name: str) -> models.Field | None:
    """The text field called ``name`` of the first of ``models_`` that has one."""
    for model in models_:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.CharField | models.TextField):
            return field
    return None


class InSchema(Schema):
    """The base of every schema the API reads a body into (see the module's docstring).

    ``limits_from``: the models whose same-named text fields' ``max_length`` the OpenAPI
    description gives (the service refuses longer text, with every other mistake).
    ``max_lengths``: limits that differ from the model's (a CHI number may be typed with
    spaces that are taken out before it is saved, as on the pages)."""

    model_config = ConfigDict(str_max_length=bounds.TEXT_MAX, str_strip_whitespace=True)
    limits_from: ClassVar[tuple[type[models.Model], ...]] = ()
    max_lengths: ClassVar[dict[str, int]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        fields = cls.__pydantic_fields__
        changed = False
        for name, info in list(fields.items()):
            kinds = _kinds(info.annotation)
            extra: list[Any] = []
            documented: dict[str, Any] = {}
            if kinds & {datetime.datetime}:
                extra = [BeforeValidator(_datetime_text), AfterValidator(_date_in_range)]
            elif kinds & {datetime.date}:
                extra = [BeforeValidator(_iso_date), AfterValidator(_date_in_range)]
            elif kinds & {int} and not kinds & {bool}:
                extra = [Ge(-bounds.MAX_ID), Le(bounds.MAX_ID)]
            elif kinds & {str}:
                model_field = _model_field(cls.limits_from, name)
                limit = cls.max_lengths.get(name) or getattr(model_field, "max_length", None)
                if limit:
                    documented["maxLength"] = min(limit, bounds.TEXT_MAX)
            if extra or documented:
                replaced = copy.copy(info)
                replaced.metadata = [*info.metadata, *extra]
                if documented:
                    replaced.json_schema_extra = {**(info.json_schema_extra or {}),  # type: ignore[dict-item]
                                                  **documented}
                fields[name] = replaced
                changed = True
        if changed:
            cls.model_rebuild(force=True)

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul(cls, data: Any) -> Any:
        raw = data._obj if isinstance(data, DjangoGetter) else data
        found = _nul_errors(raw, ()) if isinstance(raw, dict) else []
        if found:
            raise ValidationError.from_exception_data(cls.__name__, found)
        return data


class PatchSchema(InSchema):
    """A partial change: a field left out is kept as it is; ``null`` is refused for a
    field that cannot be empty (all but those listed in ``nullable``)."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _refuse_null(cls, data: Any) -> Any:
        raw = data._obj if isinstance(data, DjangoGetter) else data
        if isinstance(raw, dict):
            found = [_error("null_refused", f"{label(name)} cannot be null: give a value, "
                                            "or leave it out to keep what is recorded",
                            (name,), None)
                     for name, value in raw.items()
                     if value is None and name in cls.__pydantic_fields__
                     and name not in cls.nullable]
            if found:
                raise ValidationError.from_exception_data(cls.__name__, found)
        return data


def message_for(error: dict[str, Any]) -> str:
    """The words for one of pydantic's errors, naming the field (the API's own errors and
    :class:`InSchema`'s are already worded)."""
    loc = [part for part in error.get("loc", ()) if isinstance(part, str)]
    name = label(loc[-1]) if loc else "The data"
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"Enter {name.lower()}: it is required"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return f"Enter {name.lower()}: it cannot be empty or only spaces"
    if kind == "string_too_long":
        return bounds.too_long_message(name, int(ctx.get("max_length", 0)))
    if kind == "less_than_equal":
        return f"{name} must be {_number(ctx.get('le'))} or less"
    if kind == "greater_than_equal":
        return f"{name} must be {_number(ctx.get('ge'))} or more"
    if kind == "date_out_of_range":
        return bounds.date_range_message(name)
    if kind == "iso_date":
        return f"Give {name.lower()} as a date in text, like 1958-03-27 (year-month-day)"
    if kind == "iso_datetime":
        return f"Give {name.lower()} as a date and time in text, like 2026-03-27T14:30:00+00:00"
    if kind in ("null_character", "null_refused"):
        return str(error.get("msg", ""))
    return f"{name}: {error.get('msg', 'not valid')}"


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def field_for(loc: typing.Sequence[str | int]) -> str:
    """Where an error is, as the API names fields: ``("body", "payload", "areas", 0,
    "reason")`` → ``"areas.0.reason"``; ``("query", "page")`` → ``"page"``."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[2:]  # "body" and the name of the body parameter
    elif parts:
        parts = parts[1:]  # "query", "path", "header", "cookie", "form", "file"
    return ".".join(str(part) for part in parts) or "__all__"


__all__ = ["InSchema", "IsoDate", "JsonDocument", "PatchSchema", "field_for", "label",
           "message_for", "refuse_unsafe"]
