"""Who may see a job: whoever started it, while they work in its authority, and the
administrators of its authority."""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.authorities.rules import is_administrator, is_staff_member
from selfdirect.jobs.models import Job


@rules.predicate
def works_in_its_authority(user: Any, job: Job | None = None) -> bool:
    # Without a job (the middleware's check): staff anywhere may have started one.
    return bool(is_staff_member(user, None if job is None else job.authority))


@rules.predicate
def started_it(user: Any, job: Job | None = None) -> bool:
    if job is None:
        return bool(getattr(user, "is_authenticated", False))
    return job.started_by_id == user.pk


@rules.predicate
def administers_its_authority(user: Any, job: Job | None = None) -> bool:
    return bool(is_administrator(user, None if job is None else job.authority))


rules.add_perm("jobs.view_job", works_in_its_authority & (started_it | administers_its_authority))
