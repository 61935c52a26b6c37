"""The one django-tasks task: run a job by its id (``services.job_run``)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: int) -> None:
    from selfdirect.jobs.services import job_run

    job_run(job_id)
