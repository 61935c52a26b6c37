"""Paying a direct-payment run as a background job (``selfdirect.jobs``): the run's page
checks the run can be paid, marks it as being paid and queues the job, all in one
transaction, then sends the finance officer to the job's page. The worker pays it in
batches (``runs.run_post``), each committed on its own, so a worker stopped part-way
carries on where it stopped when the job is run again, and nobody is paid twice."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from selfdirect.core.money import format_pounds
from selfdirect.jobs.models import Job
from selfdirect.jobs.services import Progress, job_start, register
from selfdirect.payments import runs
from selfdirect.payments.models import PaymentRun

PAY_RUN = "payments.pay_run"


def run_pay_job(run: PaymentRun) -> Job | None:
    """The job paying ``run`` now (waiting or running), if there is one."""
    return (Job.objects.filter(kind=PAY_RUN, params__run_id=run.pk,
                               state__in=(Job.State.QUEUED, Job.State.RUNNING))
            .order_by("-pk").first())


def run_pay_with_job(*, actor: Any, run: PaymentRun, back_url: str = "") -> tuple[PaymentRun, Job]:
    """Check ``run`` can be paid, mark it as being paid and queue the job that pays it.
    A run already being paid by a job is not queued twice: that job is returned."""
    with transaction.atomic():
        begun = runs.run_post_begin(actor=actor, run=run)
        running = run_pay_job(begun)
        if running is not None:
            return begun, running
        job = job_start(actor=actor, authority=begun.authority, kind=PAY_RUN,
                        title=f"Pay run {begun.pk}: periods from {begun.period_start:%-d %B %Y}",
                        params={"run_id": begun.pk}, back_url=back_url)
    return begun, job


@register(PAY_RUN)
def pay_run(job: Job, progress: Progress) -> str:
    run = PaymentRun.objects.select_related("authority").get(pk=job.params["run_id"])
    paid = runs.run_post(actor=job.started_by, run=run, progress=progress)
    summary = runs.run_summary(paid)
    progress.figures = {"payments": summary["payments"], "paid": summary["posted"],
                        "total_pence": summary["total"]}
    paid_count = summary["posted"]
    payments = f"{paid_count:,} payment{'' if paid_count == 1 else 's'}"
    return (f"Run {paid.pk} paid: {payments}, {format_pounds(summary['total'])} in all. The "
            f"ledger is written and the bank files are ready to download from the run's page.")
