"""The data protection officer's pages: find a person of their council, confirm who it
is and download everything held about them (a ZIP of a PDF and JSON); and the list of
records past their retention period, with the approval that has the retention job
anonymise them.

Each view declares its permission once. A person is loaded through ``person_get`` with
``dataprotection.export_person`` (404 for another council's person, and the access log
either way); the middleware refuses (403, logged) every other role.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from selfdirect.authorities.web import current_authority_for
from selfdirect.core.permissions import permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.dataprotection import selectors, services
from selfdirect.dataprotection.forms import ApproveForm, FindPersonForm
from selfdirect.dataprotection.registry import sections
from selfdirect.people.selectors import person_get

EXPORT = "dataprotection.export_person"
VIEW_RETENTION = "dataprotection.view_retention"
CONFIRMING = "subject access export: confirming who the person is"


@permission_required(EXPORT)
def subject_access_find(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, VIEW_RETENTION)
    form = FindPersonForm(request.GET if request.GET else None)
    people = None
    if form.is_bound and form.is_valid():
        people = selectors.people_find(authority=authority, name=form.cleaned_data["name"],
                                       identifier=form.cleaned_data["identifier"])
    return render(request, "dataprotection/find.html", {
        "authority": authority, "form": form, "people": people,
        "limit": selectors.FIND_LIMIT})


@permission_required(EXPORT)
@person_page
def subject_access_export(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: who the person is, and what the export holds. POST: the ZIP."""
    if request.method == "POST":
        made = services.subject_access_export(actor=request.user, person_id=pk,
                                              path=request.path)
        response = HttpResponse(made.content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
        return response
    person = person_get(user=request.user, person_id=pk, permission=EXPORT, path=request.path,
                        purpose=CONFIRMING)
    return render(request, "dataprotection/export.html", {
        "person": person, "sections": sections()})


@permission_required(VIEW_RETENTION)
def retention(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, VIEW_RETENTION)
    form = ApproveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            approval, job = services.retention_approve_with_job(
                actor=request.user, authority=authority, confirmed=form.cleaned_data["confirm"],
                back_url=reverse("retention"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Your approval is recorded: {approval.people} records to "
                                      "anonymise. This page shows the work as it is done.")
            return redirect("job-detail", job_id=job.pk)
    context: dict[str, Any] = {
        "authority": authority, "form": form,
        "periods": selectors.retention_periods(authority=authority),
        "people": selectors.people_past_retention(authority=authority),
        "logs": selectors.log_rows_past_retention(authority=authority),
        "approvals": selectors.approvals(authority=authority),
    }
    return render(request, "dataprotection/retention.html", context)


urlpatterns: list[URLPattern] = [
    path("data-protection/subject-access/", subject_access_find, name="subject-access-find"),
    path("data-protection/subject-access/<id:pk>/", subject_access_export,
         name="subject-access-export"),
    path("data-protection/retention/", retention, name="retention"),
]
