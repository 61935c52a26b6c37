"""An authority's policy figures: readable by every member of staff, changed by its
administrator from a date."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from selfdirect.authorities.forms import PolicyFigureForm
from selfdirect.authorities.policy import (
    definitions,
    policy_figures_in_force,
    policy_history,
)
from selfdirect.authorities.services import policy_figure_set
from selfdirect.authorities.web import user_current_authority
from selfdirect.core.permissions import permission_required
from selfdirect.core.views import add_service_errors
from selfdirect.jobs.models import Job


def _authority(request: HttpRequest):
    authority = user_current_authority(request)
    if authority is None:
        raise Http404
    return authority


@permission_required("authorities.view_policy")
def policy_list(request: HttpRequest) -> HttpResponse:
    authority = _authority(request)
    return render(request, "workspace/policy_list.html", {
        "authority": authority, "figures": policy_figures_in_force(authority=authority),
        "can_manage": request.user.has_perm("authorities.manage_policy", authority)})


@permission_required("authorities.view_policy")
def policy_detail(request: HttpRequest, key: str) -> HttpResponse:
    authority = _authority(request)
    definition = definitions(authority.country).get(key)
    if definition is None:
        raise Http404
    can_manage = request.user.has_perm("authorities.manage_policy", authority) and definition.local
    form = None
    if can_manage:
        form = PolicyFigureForm(request.POST or None, definition=definition)
        if request.method == "POST" and form.is_valid():
            try:
                figure = policy_figure_set(actor=request.user, authority=authority, key=key,
                                           value=form.cleaned_data["value"],
                                           effective_from=form.cleaned_data["effective_from"],
                                           reason=form.cleaned_data["reason"],
                                           back_url=reverse("policy-detail", kwargs={"key": key}))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                # A change that other records follow (a charging figure: contributions)
                # queued a background job in the same transaction: show its progress.
                job = Job.objects.filter(params__figure_id=figure.pk).first()
                if job is None:
                    messages.success(request, f"{definition.label}: the new value has been "
                                              "recorded.")
                    return redirect("policy-detail", key=key)
                messages.success(request, f"{definition.label}: the new value has been "
                                          f"recorded. {job.title}: this page shows how far it "
                                          f"has got.")
                return redirect("job-detail", job_id=job.pk)
    elif request.method == "POST":
        raise Http404
    return render(request, "workspace/policy_detail.html", {
        "authority": authority, "definition": definition, "form": form,
        "history": policy_history(authority=authority, key=key)})
