"""The API's parser: JSON bodies as django-ninja reads them, and every query string (and
form body) checked before any operation sees it: no NUL character, no text longer than
``TEXT_MAX``. A refusal names the parameter (422, like every other refused input); a body
is checked by its schema (``api.inputs.InSchema``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from selfdirect.api.inputs import label
from selfdirect.core import bounds


class BoundedParser(Parser):
    def parse_querydict(self, data: MultiValueDict, list_fields: list[str],
                        request: HttpRequest) -> dict[str, Any]:
        problems: dict[str, str] = {}
        for key in data:
            for value in data.getlist(key):
                if not isinstance(value, str):
                    continue  # an uploaded file
                if bounds.NUL in value or bounds.NUL in key:
                    problems[key] = bounds.nul_message(label(key))
                elif len(value) > bounds.TEXT_MAX:
                    problems[key] = bounds.too_long_message(label(key), bounds.TEXT_MAX)
        if problems:
            raise ValidationError(problems)
        return super().parse_querydict(data, list_fields, request)
