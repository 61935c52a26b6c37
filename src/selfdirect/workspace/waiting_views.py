"""Team pages: who is waiting, and referrals sent on the public page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from selfdirect.assessments.models import Referral
from selfdirect.assessments.selectors import self_referral_inbox, waiting_list
from selfdirect.assessments.services import self_referral_record
from selfdirect.core.forms import SearchBoxForm
from selfdirect.core.permissions import permission_required
from selfdirect.people.selectors import PersonSearch, person_search


@permission_required("assessments.view_waiting_list")
def waiting_list_page(request: HttpRequest) -> HttpResponse:
    rows = waiting_list(user=request.user)
    return render(request, "workspace/waiting_list.html", {
        "rows": rows, "past_target": sum(1 for r in rows if r.past_target)})


@permission_required("assessments.triage_self_referrals")
def self_referral_list(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/self_referrals.html",
                  {"referrals": list(self_referral_inbox(user=request.user))})


@permission_required("assessments.triage_self_referrals")
def self_referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Match a public referral to the person's record, found by search, then record it."""
    sr = self_referral_inbox(user=request.user).filter(pk=pk).first()
    if sr is None:
        raise Http404
    search = SearchBoxForm(request.GET if "name" in request.GET else None, label="Name")
    name = search.text if search.is_bound else sr.name
    matches = list(person_search(user=request.user, search=PersonSearch(
        name=name, date_of_birth=sr.date_of_birth))
        .filter(authority=sr.authority)[:20]) if name.strip() else []
    error = None
    if request.method == "POST":
        chosen = next((p for p in matches if str(p.pk) == request.POST.get("person")), None)
        if chosen is None:
            error = "Select the person this referral is about, or add them first"
        else:
            try:
                self_referral_record(actor=request.user, self_referral=sr, person=chosen,
                                     urgency=request.POST.get("urgency", "routine"))
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, f"The referral has been recorded for {chosen.display_name}.")
                return redirect("person-detail", pk=chosen.pk)
    return render(request, "workspace/self_referral_detail.html", {
        "sr": sr, "matches": matches, "name": name, "error": error,
        "search_error": search.error,
        "urgencies": Referral.Urgency.choices})
