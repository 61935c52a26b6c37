"""The URL converters every page and API path uses for what it reads from the address.

``<id:pk>`` (pages) and ``{id:person_id}`` (the API) take a record's id: digits only, and
no more than the largest number the database's ids hold (2**63 - 1, a PostgreSQL
``bigint``). A bigger number matches no URL, so it is a plain 404 and nothing behind the
URL (a selector, the access log) ever sees it. ``<text:key>`` / ``{text:code}`` take one
path segment of text, never one holding a NUL character (PostgreSQL refuses NUL in text,
so it would fail in the database rather than be "not found").

Django's own ``int`` and ``str`` converters are not used: ``tests/core/test_input_bounds.py``
walks every URL pattern and fails on either. Registered once, when the core app is ready
(``CoreConfig.ready``), before any URLconf is loaded.
"""

from __future__ import annotations

from django.urls import register_converter

from selfdirect.core.bounds import MAX_ID


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("No record has an id this large")  # Django: no match, a 404
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)


class TextConverter:
    regex = "[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


_registered = False


def register() -> None:
    global _registered
    if not _registered:
        register_converter(IdConverter, "id")
        register_converter(TextConverter, "text")
        _registered = True
