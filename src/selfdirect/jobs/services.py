"""Background jobs: long work (recalculating every budget after a price change, and later
uprating, payment runs, imports and returns) runs in a worker, never in a web request.

A domain app registers each kind of job with :func:`register`, naming the function that
does the work. Its service starts one with :func:`job_start` inside its own transaction,
so the job exists exactly when the change that needs it does; the request returns at once
and the person watches the job's page. The worker (``manage.py db_worker``, django-tasks'
database backend) runs :func:`job_run`, which reports progress as it goes
(:class:`Progress`: done, total, and a heartbeat) and records the summary and any
problems at the end.

A job must be safe to run again: a worker killed part-way leaves the job "running" with
a heartbeat that stops; :func:`jobs_recover` (run by ``make worker`` before the worker
starts, and by ``manage.py jobs_recover``) queues it again, and the work, committed in
batches each of which a second run recognises as done, finishes without doing anything
twice. A job that has finished is never run again.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from selfdirect.jobs.models import Job

logger = logging.getLogger(__name__)

Handler = Callable[[Job, "Progress"], str]


@dataclass(frozen=True)
class Kind:
    name: str
    handler: Handler


_KINDS: dict[str, Kind] = {}


def register(name: str) -> Callable[[Handler], Handler]:
    """Register ``handler(job, progress) -> summary`` as the work of jobs of kind ``name``."""

    def decorator(handler: Handler) -> Handler:
        _KINDS[name] = Kind(name=name, handler=handler)
        return handler

    return decorator


def kinds() -> dict[str, Kind]:
    return dict(_KINDS)


class Progress:
    """How far a job has got, written at once (outside the work's own transactions) so
    the progress page sees it while the job runs."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.problems: list[str] = []
        self.figures: dict[str, int] = {}

    def __call__(self, done: int, total: int | None = None) -> None:
        self.job.done = done
        fields: dict[str, Any] = {"done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            self.job.total = total
            fields["total"] = total
        Job.objects.filter(pk=self.job.pk).update(**fields)

    def problem(self, text: str) -> None:
        """Something the job could not do, in a sentence the person can act on."""
        self.problems.append(text)


def _enqueue(job: Job) -> None:
    from selfdirect.jobs.tasks import run_job

    result = run_job.enqueue(job.pk)
    job.task_id = str(result.id)
    job.save(update_fields=["task_id"])


@transaction.atomic
def job_start(*, actor: Any, authority: Any, kind: str, title: str,
              params: dict[str, Any] | None = None, back_url: str = "") -> Job:
    """Queue a job of ``kind`` (registered), started by ``actor`` in ``authority``. The
    caller has checked that ``actor`` may start it."""
    if kind not in _KINDS:
        raise ValueError(f"No job of kind {kind!r} is registered")
    job = Job.objects.create(kind=kind, title=title[:200], authority=authority,
                             started_by=actor, params=params or {}, back_url=back_url[:300])
    _enqueue(job)
    return job


def job_run(job_id: int) -> None:
    """Run a queued job (the worker calls this through ``jobs.tasks.run_job``)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished or job.state == Job.State.RUNNING:
            return  # gone, finished, or being run by another worker: never twice
        now = timezone.now()
        job.state, job.started_at, job.heartbeat_at = Job.State.RUNNING, now, now
        job.attempts += 1
        job.save(update_fields=["state", "started_at", "heartbeat_at", "attempts"])
    progress = Progress(job)
    try:
        summary = _KINDS[job.kind].handler(job, progress)
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.FAILED, finished_at=timezone.now(),
            problems=progress.problems,
            summary="The job stopped with a problem and nothing more was done. The "
                    "service desk has the details; starting it again is safe.")
        raise
    Job.objects.filter(pk=job.pk).update(state=Job.State.DONE, finished_at=timezone.now(),
                                         summary=summary, problems=progress.problems,
                                         figures=progress.figures)


def jobs_recover(*, stale_after: datetime.timedelta) -> list[Job]:
    """Queue again every job left "running" by a worker that stopped: its heartbeat is
    older than ``stale_after``."""
    cutoff = timezone.now() - stale_after
    recovered = []
    for job in Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=cutoff):
        with transaction.atomic():
            updated = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING,
                                         heartbeat_at__lt=cutoff).update(
                state=Job.State.QUEUED)
            if updated:
                job.state = Job.State.QUEUED
                _enqueue(job)
                recovered.append(job)
    return recovered


def jobs_run_queued(*, worker_id: str = "in-process") -> int:
    """Run, here and now, every task waiting in the queue, through django-tasks' own
    worker code (claim, run, record the result), and return how many ran. For the demo
    loader, which leaves its data as the worker would, and for tests, which run inside a
    transaction the polling worker's connection checks would close. Anything queued
    while these run is run too."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id=worker_id,
                    excluded_queue_names=[])
    ran = 0
    while True:
        waiting = DBTaskResult.objects.ready().filter(backend_name="default").order_by(
            "enqueued_at").first()
        if waiting is None:
            return ran
        waiting.claim(worker_id)
        worker.run_task(waiting)
        ran += 1
