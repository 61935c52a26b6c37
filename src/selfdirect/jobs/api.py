"""A background job through the API: a program that started one (a price change, say)
follows it here until it has finished."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404
from ninja import Router, Schema

from selfdirect.api.permissions import api_permission
from selfdirect.api.schemas import ErrorOut
from selfdirect.jobs.models import Job
from selfdirect.jobs.selectors import VIEW, NoSuchJob, job_get

router = Router(tags=["background jobs"])


class JobOut(Schema):
    id: int
    kind: str
    title: str
    state: str
    done: int
    total: int | None
    summary: str
    problems: list[str]
    figures: dict[str, int]
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


def job_out(job: Job) -> dict[str, Any]:
    return {f: getattr(job, f) for f in ("id", "kind", "title", "state", "done", "total",
                                         "summary", "problems", "figures", "created_at", "finished_at")}


@router.get("/jobs/{id:job_id}", response={200: JobOut, 404: ErrorOut},
            summary="A background job you started, or one of an authority you administer: "
                    "its state (queued, running, done, failed), progress and summary")
@api_permission(VIEW)
def job_detail(request: Any, job_id: int) -> Any:
    try:
        return job_out(job_get(user=request.user, job_id=job_id))
    except NoSuchJob:
        raise Http404("No job found.") from None
