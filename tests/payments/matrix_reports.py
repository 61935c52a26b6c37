"""Permission-matrix rows for the payments reports (see tests/test_permission_matrix.py).

The reconciliation report is for finance officers and commissioners, each for the
authority they work in (Manchester's see Manchester's report)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix import OK, REFUSED, SIGN_IN, row

MATRIX: dict[str, dict[str, int]] = {
    "payments-reconciliation": row(REFUSED, anonymous=SIGN_IN, scot_finance_officer=OK,
                                   scot_commissioner=OK, eng_finance_officer=OK),
}


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    return reverse(page)
