"""Recalculating every contribution of an authority from a date (the yearly uprating, or
a change to the council's charging figures) as a background job (``selfdirect.jobs``).

Two ways in, both under the name of the person who asked:
- the recalculation page (a finance officer or an administrator), which queues the job
  and shows its progress;
- a change to one of the authority's charging figures (``authorities.policy_figure_set``
  sends ``policy_figure_changed``; ``charging.receivers`` queues the job in the same
  transaction), so the administrator sees the job the change started.

The worker recalculates in batches, each committed on its own
(``services.contributions_recalculate_all``). Run again after a stopped worker, a batch
already done is worked out to the same contributions and nothing changes twice."""

from __future__ import annotations

import datetime
from typing import Any

from selfdirect.authorities.models import Authority
from selfdirect.core.services import require_perm
from selfdirect.jobs.models import Job
from selfdirect.jobs.services import Progress, job_start, register

RECALCULATE = "charging.recalculate"


def contributions_recalculate_start(*, actor: Any, authority: Authority,
                                    effective_from: datetime.date, reason: str,
                                    figure_id: int | None = None, back_url: str = "") -> Job:
    """Queue the recalculation of every contribution of ``authority`` from
    ``effective_from``. The permission is checked now, and again when the job runs."""
    require_perm(actor, "charging.recalculate", authority)
    return job_start(actor=actor, authority=authority, kind=RECALCULATE,
                     title=f"Recalculate contributions from {effective_from:%-d %B %Y}",
                     params={"effective_from": effective_from.isoformat(), "reason": reason,
                             "figure_id": figure_id},
                     back_url=back_url)


def figure_recalculation(figure_id: int) -> Job | None:
    """The recalculation a change to policy figure ``figure_id`` queued, if any."""
    return Job.objects.filter(kind=RECALCULATE, params__figure_id=figure_id).first()


@register(RECALCULATE)
def recalculate(job: Job, progress: Progress) -> str:
    from selfdirect.charging.services import contributions_recalculate_all

    day = datetime.date.fromisoformat(job.params["effective_from"])
    summary = contributions_recalculate_all(actor=job.started_by, authority=job.authority,
                                            effective_from=day, reason=job.params["reason"],
                                            progress=progress)
    progress.figures = {"people": summary.people, "changed": summary.changed,
                        "skipped": len(summary.skipped)}
    for why in summary.skipped:
        progress.problem(f"Skipped {why}")
    people = f"{summary.people:,} {'person' if summary.people == 1 else 'people'}"
    return (f"Contributions recalculated from {day:%-d %B %Y}: {people} with a contribution "
            f"on or after that date, {summary.changed:,} of them changed, "
            f"{len(summary.skipped):,} skipped.")
