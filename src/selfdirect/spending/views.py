"""The spending pages: a person's spending requests and the form to make one, the decision
page, the requests waiting for a decision, an authority's spending rules (public), how to
challenge a decision (public) and the administrator's page for the exclusion list.

Each view declares its permission once; a person's record is loaded through ``person_get``
with that permission (404 for a record the user may not see, and the access log). The
services check the permission again.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from selfdirect.authorities.models import Authority
from selfdirect.authorities.web import current_authority_for, user_current_authority
from selfdirect.core import clock
from selfdirect.core.money import format_pounds
from selfdirect.core.permissions import permission_required, person_page, public
from selfdirect.core.views import add_service_errors
from selfdirect.people.models import Person
from selfdirect.people.rules import is_the_person
from selfdirect.people.selectors import person_get, person_record_get
from selfdirect.spending import selectors, services
from selfdirect.spending.forms import (
    DecideForm,
    ExclusionAddForm,
    ExclusionWithdrawForm,
    SpendingRequestForm,
)
from selfdirect.spending.models import SpendingRequest
from selfdirect.spending.rulebook import spending_rules
from selfdirect.spending.signals import request_made

VIEW = "spending.view_requests"
REQUEST = "spending.make_request"
DECIDE = "spending.decide_request"
WORKLIST = "spending.view_worklist"
MANAGE = "spending.manage_rules"


def _person(request: HttpRequest, person_id: int, permission: str) -> Person:
    return person_get(user=request.user, person_id=person_id, path=request.path,
                      permission=permission)


def _back(person: Person) -> str:
    return reverse("person-spending", args=[person.pk])


def _row(request: HttpRequest, item: SpendingRequest, may_decide: bool) -> dict[str, Any]:
    return {"r": item, "amount": format_pounds(item.amount),
            "approved": format_pounds(item.approved_amount) if item.approved_amount else "",
            "can_decide": (may_decide and not item.decided
                           and item.requested_by_id != request.user.pk)}


# --- The person's spending requests ---------------------------------------------------------


@permission_required(VIEW)
@person_page
def person_spending(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, VIEW)
    user = request.user
    may_decide = user.has_perm(DECIDE, person)
    return render(request, "spending/person_spending.html", {
        "person": person, "for_person": is_the_person(user, person),
        "rows": [_row(request, r, may_decide)
                 for r in selectors.person_spending_requests(person=person)],
        "can_request": user.has_perm(REQUEST, person)})


@permission_required(REQUEST)
@person_page
def spending_request_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, REQUEST)
    outcomes = list(selectors.agreed_outcomes(person=person))
    form = SpendingRequestForm(request.POST if request.method == "POST" else None, outcomes=outcomes)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.spending_request_make(actor=request.user, person=person,
                                                  **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            origin = {key: request.GET[key] for key in ("shortfall",) if request.GET.get(key)}
            request_made.send(sender=SpendingRequest, spending_request=made, actor=request.user,
                              origin=origin)
            messages.success(request, "The request has been sent. The decision and its "
                                      "reasons will be shown here.")
            return redirect("spending-request-detail", made.pk)
    return render(request, "spending/request_form.html", {
        "person": person, "form": form, "outcomes": outcomes, "back": _back(person),
        "for_person": is_the_person(request.user, person)})


def _request_get(request: HttpRequest, request_id: int, permission: str) -> SpendingRequest:
    return person_record_get(
        SpendingRequest.objects.select_related("outcome", "requested_by", "decided_by"),
        request_id, user=request.user, permission=permission, path=request.path,
        not_found="No such spending request.")


@permission_required(VIEW)
def spending_request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    item = _request_get(request, request_id, VIEW)
    person = item.person
    return render(request, "spending/request_detail.html", {
        "person": person, "for_person": is_the_person(request.user, person),
        **_row(request, item, request.user.has_perm(DECIDE, person)), "back": _back(person)})


@permission_required(DECIDE)
def spending_request_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    item = _request_get(request, request_id, DECIDE)
    person = item.person
    context: dict[str, Any] = {"person": person, "back": _back(person),
                               **_row(request, item, True)}
    if item.decided:
        return redirect("spending-request-detail", item.pk)
    if item.requested_by_id == request.user.pk:
        context["own"] = True
        return render(request, "spending/request_decide.html", context)
    check = services.spending_request_check(item)
    form = DecideForm(request.POST if request.method == "POST" else None, exclusions=check.rules.exclusions,
                      suggested=check.exclusion)
    if request.method == "POST" and form.is_valid():
        try:
            services.spending_request_decide(actor=request.user, request=item,
                                             **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            item.refresh_from_db()
            messages.success(request, f"The request has been {item.get_status_display().lower()}.")
            return redirect("spending-request-detail", item.pk)
    context.update({"form": form, "check": check})
    return render(request, "spending/request_decide.html", context)


# --- Requests waiting for a decision ----------------------------------------------------------


@permission_required(WORKLIST)
def spending_requests(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, WORKLIST)
    waiting = selectors.requests_waiting(authority=authority, user=request.user)
    return render(request, "spending/requests.html", {
        "authority": authority, "rows": [_row(request, r, True) for r in waiting]})


# --- The rules, for everyone -------------------------------------------------------------------


def _authority(code: str) -> Authority:
    authority = Authority.objects.filter(code=code).first()
    if authority is None:
        raise Http404("No such council.")
    return authority


@public
def spending_rules_page(request: HttpRequest, authority_code: str) -> HttpResponse:
    authority = _authority(authority_code)
    today = clock.today()
    on, date_error = today, ""
    typed = request.GET.get("on", "").strip()
    if typed:
        try:
            on = datetime.date.fromisoformat(typed)
        except ValueError:
            date_error = (f"The date must be a real date, given as year-month-day, like "
                          f"{today:%Y-%m-%d}. This page shows the rules in force today.")
    user = request.user
    can_change = bool(user.is_authenticated and user.has_perm(MANAGE, authority)
                      and user_current_authority(request) == authority)
    return render(request, "spending/rules.html", {
        "authority": authority, "rules": spending_rules(authority, on), "on": on,
        "today": today, "typed": typed, "date_error": date_error, "can_change": can_change})


@public
def spending_challenge(request: HttpRequest, authority_code: str) -> HttpResponse:
    authority = _authority(authority_code)
    return render(request, "spending/challenge.html", {
        "authority": authority, "rules": spending_rules(authority, clock.today())})


@permission_required(MANAGE)
def spending_rules_manage(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, MANAGE)
    today = clock.today()
    rules = spending_rules(authority, today)
    history = selectors.exclusion_history(authority=authority)
    action = request.POST.get("action") if request.method == "POST" else None
    add_form = ExclusionAddForm(request.POST if action == "add" else None, prefix="add")
    withdrawable = list(rules.exclusions)
    for entry in history:  # an exclusion the authority added from a later date
        later = (spending_rules(authority, entry.effective_from).exclusion(entry.key)
                 if entry.authority_id and entry.effective_from > today
                 and entry.action == entry.Action.IN_FORCE else None)
        if later is not None and all(e.key != later.key for e in withdrawable):
            withdrawable.append(later)
    withdraw_form = ExclusionWithdrawForm(request.POST if action == "withdraw" else None,
                                          prefix="withdraw", exclusions=tuple(withdrawable))
    if action == "add" and add_form.is_valid():
        data = add_form.cleaned_data
        try:
            services.exclusion_add(actor=request.user, authority=authority, title=data["title"],
                                   explanation=data["explanation"], keywords=data["keywords"],
                                   effective_from=data["effective_from"], reason=data["reason"])
        except ValidationError as exc:
            add_service_errors(add_form, exc)
        else:
            messages.success(request, f"“{data['title']}” is on the exclusion list from "
                                      f"{data['effective_from']:%-d %B %Y}.")
            return redirect("spending-rules-manage")
    if action == "withdraw" and withdraw_form.is_valid():
        data = withdraw_form.cleaned_data
        try:
            services.exclusion_withdraw(actor=request.user, authority=authority,
                                        key=data["key"], effective_from=data["effective_from"],
                                        reason=data["reason"])
        except ValidationError as exc:
            add_service_errors(withdraw_form, exc)
        else:
            messages.success(request, "The exclusion is withdrawn from "
                                      f"{data['effective_from']:%-d %B %Y}.")
            return redirect("spending-rules-manage")
    return render(request, "spending/rules_manage.html", {
        "authority": authority, "rules": rules, "history": history, "add_form": add_form,
        "withdraw_form": withdraw_form, "today": today})


urlpatterns: list[URLPattern] = [
    path("people/<id:pk>/spending/", person_spending, name="person-spending"),
    path("people/<id:pk>/spending/new/", spending_request_new, name="spending-request-new"),
    path("spending/requests/", spending_requests, name="spending-requests"),
    path("spending/requests/<id:request_id>/", spending_request_detail,
         name="spending-request-detail"),
    path("spending/requests/<id:request_id>/decide/", spending_request_decide,
         name="spending-request-decide"),
    path("spending/rules/", spending_rules_manage, name="spending-rules-manage"),
    path("spending/rules/<text:authority_code>/", spending_rules_page, name="spending-rules"),
    path("spending/rules/<text:authority_code>/challenge/", spending_challenge,
         name="spending-challenge"),
]
