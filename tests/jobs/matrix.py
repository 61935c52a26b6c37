"""Permission-matrix rows for the background jobs' pages (see tests/test_permission_matrix.py).

A job is seen by whoever started it and by the administrators of its authority. The job
here was started by Edinburgh's administrator: every other member of staff is told there
is no such job (404), whoever is not staff may not see jobs at all (403). The list of
jobs is for staff; each sees only theirs (tests/jobs/test_jobs.py).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row

STAFF = [actor for actor in ACTORS if actor.startswith(("scot_", "eng_"))]
_ONE_JOB = {**row(REFUSED, anonymous=SIGN_IN, **dict.fromkeys(STAFF, NOT_FOUND)),
            "scot_administrator": OK}

MATRIX: dict[str, dict[str, int]] = {
    "job-list": row(REFUSED, anonymous=SIGN_IN, **dict.fromkeys(STAFF, OK)),
    "job-detail": _ONE_JOB,
    "job-progress": _ONE_JOB,
}


def a_job(users: dict[str, Any], person: Any) -> Any:
    from selfdirect.jobs.services import job_start

    return job_start(actor=users["scot_administrator"], authority=person.authority,
                     kind="allocation.recalculate", title="Work out budgets again",
                     params={"version_id": 0, "reason": "A test"})


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    if page == "job-list":
        return reverse(page)
    return reverse(page, args=[a_job(users, person).pk])
