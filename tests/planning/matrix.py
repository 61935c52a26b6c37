"""Permission-matrix rows for the planning pages (see tests/test_permission_matrix.py).

- The options explained (``planning.view_options``) follow seeing the person: their
  worker, team managers and finance officers of their council, the person and those they
  let see or act. Staff who see people but not this one get 404, other roles 403.
- Recording the choice (``planning.record_choice``) follows changing the record: the
  person's worker or team manager, who record the choice made with the person.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

_VIEW = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK, scot_other_social_worker=NOT_FOUND,
            scot_team_manager=OK, scot_finance_officer=OK, eng_social_worker=NOT_FOUND,
            eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND, the_person=OK,
            carer_viewing=OK, attorney_acting=OK)
_RECORD = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
              scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
              eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND)

MATRIX: dict[str, dict[str, int]] = {
    "person-options": _VIEW,
    "option-choice-record": _RECORD,
}


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    if page not in MATRIX:
        raise KeyError(page)
    return reverse(page, args=[person.pk])
