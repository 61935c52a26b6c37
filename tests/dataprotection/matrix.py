"""Permission-matrix rows for the data protection pages (see tests/test_permission_matrix.py).

- Subject access (finding a person, confirming who it is and downloading everything held
  about them) and the list of records past retention are the data protection officer's
  alone, of their own council: no other role, administrators included
  (docs/dataprotection.md, "Who may do it"). Other roles get 403 from the middleware.
- Another council's data protection officer may use the pages for their own council, but
  gets 404 for a person of this one (its existence is not disclosed).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix import NOT_FOUND, OK, REFUSED, SIGN_IN, row

_OWN_COUNCIL = row(REFUSED, anonymous=SIGN_IN, scot_data_protection=OK, eng_data_protection=OK)

MATRIX: dict[str, dict[str, int]] = {
    "subject-access-find": _OWN_COUNCIL,
    "subject-access-export": row(REFUSED, anonymous=SIGN_IN, scot_data_protection=OK,
                                 eng_data_protection=NOT_FOUND),
    "retention": _OWN_COUNCIL,
}


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    if page not in MATRIX:
        raise KeyError(page)
    if page == "subject-access-export":
        return reverse(page, args=[person.pk])
    return reverse(page)
