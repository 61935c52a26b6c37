"""Permission-matrix rows for the panel pages (see tests/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

MATRIX: dict[str, dict[str, int]] = {}


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    raise KeyError(page)
