"""Carrying out an approved retention list as a background job (``selfdirect.jobs``): the
data protection officer approves on the page, and watches the job's page while each
record is anonymised. ``manage.py retention --carry-out`` (nightly) carries out whatever
approval is still waiting, so an approval made through the command is done too; the two
never do the same record twice (``services.retention_carry_out`` locks each action)."""

from __future__ import annotations

from typing import Any

from selfdirect.dataprotection.models import RetentionApproval
from selfdirect.jobs.models import Job
from selfdirect.jobs.services import Progress, job_start, register

CARRY_OUT = "dataprotection.retention"


def retention_job_start(*, actor: Any, approval: RetentionApproval, back_url: str = "") -> Job:
    return job_start(actor=actor, authority=approval.authority, kind=CARRY_OUT,
                     title=f"Carry out the retention list approved on "
                           f"{approval.listed_on:%-d %B %Y}",
                     params={"approval_id": approval.pk}, back_url=back_url)


@register(CARRY_OUT)
def carry_out(job: Job, progress: Progress) -> str:
    from selfdirect.dataprotection.services import retention_carry_out

    approval = RetentionApproval.objects.select_related("authority").get(
        pk=job.params["approval_id"])
    result = retention_carry_out(approval=approval, actor=job.started_by, progress=progress)
    progress.figures = {"anonymised": result.anonymised, "skipped": result.skipped,
                        "sign_in_events": result.sign_in_events,
                        "token_uses": result.token_uses}
    return result.summary
