"""Permission-matrix rows for the calibration pages (see tests/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

# The calibration page shows the user's current authority: its administrator and its
# commissioners or analysts see it. The page has no object in its URL, so
# url_for gives the same address to everyone, and the English administrator sees
# Manchester's page (its own authority, with no agreed budgets: the empty state), never
# Edinburgh's. Every other role, the person and their circle are refused (403): the
# figures are about the authority's budgets as a whole, not one person's record.
MATRIX: dict[str, dict[str, int]] = {
    "ras-calibration": row(REFUSED, anonymous=SIGN_IN, scot_administrator=OK,
                           scot_commissioner=OK, eng_administrator=OK),
}


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    if page == "ras-calibration":
        return reverse(page)
    raise KeyError(page)
