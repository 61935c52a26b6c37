"""A job's page: what it is, how far it has got (updated in place while it runs, announced
politely to screen readers), and what it did; and the list of jobs a person may see."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from selfdirect.core.permissions import permission_required
from selfdirect.jobs.models import Job
from selfdirect.jobs.selectors import VIEW, NoSuchJob, job_get, jobs_visible

# How often the page asks for progress while a job runs (htmx polling of the panel).
POLL_SECONDS = 2


def _job(request: HttpRequest, job_id: int) -> Job:
    try:
        return job_get(user=request.user, job_id=job_id)
    except NoSuchJob:
        raise Http404("No such job") from None


@permission_required(VIEW)
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "jobs/job_detail.html",
                  {"job": _job(request, job_id), "poll": POLL_SECONDS})


@permission_required(VIEW)
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress panel alone, for the page to replace itself with while the job runs."""
    return render(request, "jobs/_progress.html",
                  {"job": _job(request, job_id), "poll": POLL_SECONDS})


@permission_required(VIEW)
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(jobs_visible(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page": page})


urlpatterns: list[URLPattern] = [
    path("jobs/", job_list, name="job-list"),
    path("jobs/<id:job_id>/", job_detail, name="job-detail"),
    path("jobs/<id:job_id>/progress/", job_progress, name="job-progress"),
]
