"""Permission-matrix rows for every charging page, gathered from one module per group of
pages (see tests/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from tests.charging import matrix_assessment, matrix_pages

_GROUPS = (matrix_pages, matrix_assessment)

MATRIX: dict[str, dict[str, int]] = {}
for _group in _GROUPS:
    assert not set(_group.MATRIX) & set(MATRIX), "a page is in two charging matrices"
    MATRIX.update(_group.MATRIX)


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    group = next(g for g in _GROUPS if page in g.MATRIX)
    return group.url_for(page, users, person)
