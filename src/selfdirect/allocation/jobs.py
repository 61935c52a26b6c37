"""Recalculating an authority's budgets after a price or questionnaire change, as a
background job (``selfdirect.jobs``): the page that changes the price returns at once and
the administrator watches the job's page; the worker does the work in batches
(``recalculation.recalculate_indicative``)."""

from __future__ import annotations

from typing import Any

from selfdirect.allocation.models import RasVersion
from selfdirect.allocation.recalculation import recalculate_indicative
from selfdirect.jobs.models import Job
from selfdirect.jobs.services import Progress, job_start, register

RECALCULATE = "allocation.recalculate"


def recalculation_start(*, actor: Any, version: RasVersion, reason: str,
                        back_url: str = "") -> Job:
    """Queue the recalculation of every budget of ``version``'s authority under it. Called
    inside the service that made the version, so both happen or neither does."""
    return job_start(actor=actor, authority=version.authority, kind=RECALCULATE,
                     title=f"Work out budgets again: {reason}",
                     params={"version_id": version.pk, "reason": reason},
                     back_url=back_url)


@register(RECALCULATE)
def recalculate(job: Job, progress: Progress) -> str:
    version = RasVersion.objects.select_related("authority").get(pk=job.params["version_id"])
    result = recalculate_indicative(actor=job.started_by, authority=version.authority,
                                    version=version, reason=job.params["reason"],
                                    progress=progress)
    progress.figures = {"recalculated": result.recalculated, "unchanged": result.unchanged,
                        "skipped": len(result.skipped), "flagged": result.flagged}
    for budget_id, why in result.skipped:
        progress.problem(f"Budget {budget_id} was left as it was: {why}")
    return result.summary
