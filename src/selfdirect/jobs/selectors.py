"""Reading jobs: one job for someone who may see it, and the jobs they may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from selfdirect.authorities.models import Role
from selfdirect.authorities.selectors import user_roles
from selfdirect.jobs.models import Job

VIEW = "jobs.view_job"


class NoSuchJob(Exception):
    """No job with that id that this user may see (a 404 to them)."""


def job_get(*, user: Any, job_id: int) -> Job:
    job = Job.objects.select_related("authority", "started_by").filter(pk=job_id).first()
    if job is None or not user.has_perm(VIEW, job):
        raise NoSuchJob(job_id)  # another's job is as absent as one that never was
    return job


def jobs_visible(user: Any) -> QuerySet[Job]:
    """The jobs ``user`` started, and every job of the authorities they administer: newest
    first."""
    administered = user_roles(user).authorities_with(Role.ADMINISTRATOR)
    return (Job.objects.filter(Q(started_by=user) | Q(authority_id__in=administered))
            .select_related("authority", "started_by"))
