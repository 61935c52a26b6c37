"""Staff pages for unpaid carers: identify a carer, record the offer of an adult carer
support plan and the answer, prepare and agree the plan, and the carers' waiting list.

Each view parses, calls one service or selector, renders. The middleware has checked the
permission named in the decorator ("could this user ever"); the selectors check it
against the carer's record (or the cared-for person's, to identify a carer), return 404
otherwise, and write the access log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from selfdirect.core import clock
from selfdirect.core.forms import SearchBoxForm
from selfdirect.core.permissions import permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.people.selectors import person_get

from . import selectors, services
from .forms import (
    SECTIONS,
    AgreeForm,
    CarerEligibilityForm,
    CarerIdentifyForm,
    CarerOutcomeForm,
    OfferAnswerForm,
    OfferMadeForm,
    PlanSectionForm,
)
from .models import AdultCarerSupportPlan, CarerSupportPlanOffer, ShortBreak, plan_field_label

VIEW = "carers.view_carer_plan"
CHANGE = "carers.change_carer_plan"


def _posted(request: HttpRequest) -> Any:
    """The posted data, or None for a GET: a POST with no fields is still a POST."""
    return request.POST if request.method == "POST" else None


# --- Identify a carer (from the cared-for person's record) --------------------------------


@permission_required("carers.identify_carer")
@person_page
def carer_identify(request: HttpRequest, pk: int) -> HttpResponse:
    cared_for = person_get(user=request.user, person_id=pk, path=request.path,
                           permission="carers.identify_carer")
    search = SearchBoxForm(request.GET if "name" in request.GET else None,
                           label="The carer's name")
    name = search.text[:100]
    candidates = selectors.carer_candidates(user=request.user, cared_for=cared_for, name=name)
    form = CarerIdentifyForm(_posted(request), cared_for=cared_for, candidates=candidates,
                             relationships=selectors.unpaid_carer_relationships(cared_for))
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.carer_identify(actor=request.user, cared_for=cared_for,
                                            **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{offer.carer.display_name} has been recorded as a carer "
                                      f"of {cared_for.display_name}.")
            return redirect("carer-offer", pk=offer.pk)
    return render(request, "carers/identify.html", {
        "person": cared_for, "form": form, "name": name, "searched": bool(name),
        "search_error": search.error,
        "candidates": candidates,
        "known": selectors.carers_of(user=request.user, cared_for=cared_for)})


# --- The offer and the answer -------------------------------------------------------------


@permission_required(VIEW)
def carer_offer(request: HttpRequest, pk: int) -> HttpResponse:
    """The offer, and the form for its next step: record that it was made, the carer's
    answer, or (after a decline) offering it again."""
    offer = selectors.offer_get(user=request.user, offer_id=pk, path=request.path)
    State = CarerSupportPlanOffer.State
    can_change = request.user.has_perm(CHANGE, offer)
    step = None
    if can_change:
        if offer.state == State.OFFERED:
            step = "answer"
        elif offer.state == State.IDENTIFIED or (
                offer.state == State.DECLINED and getattr(offer, "next_offer", None) is None):
            step = "offer"
    form: Any = None
    if step == "offer":
        form = OfferMadeForm(_posted(request))
    elif step == "answer":
        form = OfferAnswerForm(_posted(request))
    if request.method == "POST":
        if form is None:
            if not can_change:
                raise PermissionDenied
            return redirect("carer-offer", pk=offer.pk)
        if form.is_valid():
            try:
                if step == "offer":
                    result = services.carer_offer_make(actor=request.user, offer=offer,
                                                       **form.cleaned_data)
                    messages.success(request, "The offer has been recorded.")
                    return redirect("carer-offer", pk=result.pk)
                result = services.carer_offer_answer(
                    actor=request.user, offer=offer, answer=form.cleaned_data["answer"],
                    answered_on=form.cleaned_data["answered_on"], note=form.cleaned_data["note"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if result.state == State.ACCEPTED:
                    messages.success(request, "The carer accepted: their support plan has "
                                              "been started.")
                    return redirect("carer-plan", pk=result.plan.pk)
                messages.success(request, "The carer's answer has been recorded.")
                return redirect("carer-offer", pk=result.pk)
    return render(request, "carers/offer.html", {
        "offer": offer, "person": offer.carer, "form": form, "step": step,
        "can_change": can_change, "today": clock.today()})


# --- The plan -----------------------------------------------------------------------------


def _plan_context(request: HttpRequest, plan: AdultCarerSupportPlan,
                  **extra: Any) -> dict[str, Any]:
    return {"plan": plan, "offer": plan.offer, "person": plan.carer, **extra}


@permission_required(VIEW)
def carer_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=pk, path=request.path)
    can_change = (plan.state == AdultCarerSupportPlan.State.DRAFT
                  and request.user.has_perm(CHANGE, plan))
    sections = []
    for slug, (title, names) in SECTIONS.items():
        items = []
        for name in names:
            value = getattr(plan, name)
            if name == "short_break":
                value = ShortBreak(value).label
            elif name == "first_conversation_on":
                value = f"{value:%-d %B %Y}" if value else ""
            items.append((plan_field_label(name), value))
        sections.append((slug, title, items))
    return render(request, "carers/plan.html", _plan_context(
        request, plan, sections=sections, can_change=can_change,
        outcomes=selectors.plan_outcomes(plan), decision=selectors.latest_eligibility(plan),
        blockers=services.agreement_blockers(plan) if can_change else {}))


def _plan_for_change(request: HttpRequest, pk: int) -> AdultCarerSupportPlan:
    plan = selectors.plan_get(user=request.user, plan_id=pk, path=request.path,
                              permission=CHANGE)
    if plan.state != AdultCarerSupportPlan.State.DRAFT:
        messages.info(request, "This plan has been agreed: it is changed at a review.")
    return plan


@permission_required(CHANGE)
def carer_plan_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    if section not in SECTIONS:
        raise Http404
    plan = _plan_for_change(request, pk)
    if plan.state != AdultCarerSupportPlan.State.DRAFT:
        return redirect("carer-plan", pk=plan.pk)
    form = PlanSectionForm(_posted(request), section=section, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.carer_plan_update(actor=request.user, plan=plan, section=form.title,
                                       **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{form.title} has been saved.")
            return redirect("carer-plan", pk=plan.pk)
    return render(request, "carers/plan_form.html", _plan_context(
        request, plan, form=form, title=form.title, button="Save"))


@permission_required(CHANGE)
def carer_plan_outcome_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for_change(request, pk)
    if plan.state != AdultCarerSupportPlan.State.DRAFT:
        return redirect("carer-plan", pk=plan.pk)
    form = CarerOutcomeForm(_posted(request),
                            categories=selectors.carer_categories(person=plan.carer))
    if request.method == "POST" and form.is_valid():
        try:
            services.carer_plan_outcome_add(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The outcome has been added.")
            return redirect("carer-plan", pk=plan.pk)
    return render(request, "carers/plan_form.html", _plan_context(
        request, plan, form=form, title="Add an outcome", button="Add outcome",
        intro="outcome"))


@permission_required(CHANGE)
def carer_plan_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for_change(request, pk)
    if plan.state != AdultCarerSupportPlan.State.DRAFT:
        return redirect("carer-plan", pk=plan.pk)
    form = CarerEligibilityForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.carer_eligibility_decide(actor=request.user, plan=plan,
                                                         **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            verdict = ("eligible for support" if decision.eligible
                       else "not eligible: the support suggested has been recorded")
            messages.success(request, f"The eligibility decision has been recorded: {verdict}.")
            return redirect("carer-plan", pk=plan.pk)
    return render(request, "carers/plan_form.html", _plan_context(
        request, plan, form=form, title="Decide eligibility", button="Record the decision",
        intro="eligibility"))


@permission_required(CHANGE)
def carer_plan_agree(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for_change(request, pk)
    if plan.state != AdultCarerSupportPlan.State.DRAFT:
        return redirect("carer-plan", pk=plan.pk)
    form = AgreeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.carer_plan_agree(actor=request.user, plan=plan)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The plan has been agreed with the carer.")
            return redirect("carer-plan", pk=plan.pk)
    return render(request, "carers/plan_agree.html", _plan_context(
        request, plan, form=form, blockers=services.agreement_blockers(plan)))


# --- The carers' waiting list -------------------------------------------------------------


@permission_required("carers.view_waiting_list")
def carers_waiting_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.carers_waiting(user=request.user)
    return render(request, "carers/waiting_list.html", {
        "rows": rows, "overdue": sum(1 for r in rows if r.overdue)})
