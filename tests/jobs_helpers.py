"""Running the background jobs a test queued, as the worker would (``jobs_run_queued``:
django-tasks' own worker code, without the polling loop, whose connection checks would
close a test's transaction)."""

from __future__ import annotations

from selfdirect.jobs.models import Job
from selfdirect.jobs.services import jobs_run_queued


def finished(job: Job) -> Job:
    """``job`` after the worker has run everything queued; it must have finished well."""
    jobs_run_queued()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, (job.state, job.summary)
    return job


def run_jobs() -> int:
    return jobs_run_queued()
