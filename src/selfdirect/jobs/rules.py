"""Who may see a job: whoever started it, and the administrators of its authority."""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.authorities.rules import is_administrator, is_staff_member
from selfdirect.jobs.models import Job


@rules.predicate
def started_it(user: Any, job: Job | None = None) -> bool:
    if job is None:
        return bool(getattr(user, "is_authenticated", False))
    return job.started_by_id == user.pk


@rules.predicate
def administers_its_authority(user: Any, job: Job | None = None) -> bool:
    if job is None:
        return bool(is_administrator(user))
    return bool(is_administrator(user, job.authority))


# Without an object (the middleware's check): any member of staff may have started one.
rules.add_perm("jobs.view_job", is_staff_member & (started_it | administers_its_authority))
