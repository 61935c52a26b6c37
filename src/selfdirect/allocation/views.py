"""The budget pages: the questionnaire's answers, the budget's explanation (for the worker
and the person alike), its adjustments, proposing and agreeing it, and a printable copy.

Each view parses, calls one service or selector, renders. The middleware checks the
permission named in the marker for *some* record; the object check happens when the
person is loaded (``person_get``), which answers 404 for a record the user may not see or
change and writes the access log. The services check the permission again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from selfdirect.allocation import services
from selfdirect.allocation.costing import costs_context
from selfdirect.allocation.forms import AdjustmentForm, AgreeForm, RasAnswersForm
from selfdirect.allocation.models import (
    IndicativeBudget,
    PanelDecision,
    RasDomain,
    RasQuestion,
    RasResponse,
)
from selfdirect.allocation.panel import needs_panel_reasons
from selfdirect.allocation.selectors import budget_explanation
from selfdirect.assessments.models import Assessment
from selfdirect.core import clock
from selfdirect.core.money import format_pounds, split_evenly
from selfdirect.core.permissions import permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.people.models import Access, Person
from selfdirect.people.rules import is_the_person, relationship_access
from selfdirect.people.selectors import person_get, person_record_get

VIEW = "allocation.view_budget"
CALCULATE = "allocation.calculate_budget"
AGREE = "allocation.agree_budget"


# --- Loading -----------------------------------------------------------------------------


def _budget(request: HttpRequest, budget_id: int, permission: str) -> IndicativeBudget:
    """The budget, its person loaded through the person rules (404 and logged unless the
    user holds ``permission`` for them)."""
    return person_record_get(
        IndicativeBudget.objects.select_related("ras_version", "calculated_by", "proposed_by",
                                                "agreed_by"),
        budget_id, user=request.user, permission=permission, path=request.path,
        not_found="No budget found.")


def _speaks_to_the_person(request: HttpRequest, person: Person) -> bool:
    """The reader is the person, or someone who sees or acts for them: the page says
    "your budget"."""
    return (is_the_person(request.user, person)
            or relationship_access(request.user, person) != Access.NONE)


def _amounts(budget: IndicativeBudget) -> dict[str, str]:
    # The yearly sum side by side with what it means each week and each four weeks. The
    # pence are shared out exactly (largest remainder), so 52 weeks add up to the year.
    return {"yearly": format_pounds(budget.total), "base": format_pounds(budget.base_amount),
            "weekly": format_pounds(split_evenly(budget.total, 52)[0]),
            "four_weekly": format_pounds(split_evenly(budget.total, 13)[0])}


def _explained(request: HttpRequest, budget: IndicativeBudget) -> dict[str, Any]:
    """What the explanation page and its printed copy show."""
    person = budget.person
    latest_decision = (PanelDecision.objects.filter(budget=budget)
                       .select_related("meeting").order_by("-decided_at", "-pk").first())
    return {
        "person": person, "budget": budget, "explanation": budget_explanation(budget),
        **costs_context(budget),
        "for_person": _speaks_to_the_person(request, person),
        "panel_decision": latest_decision, **_amounts(budget),
        "price_per_point": format_pounds(budget.price_per_point),
        "panel_decision_amended": (format_pounds(latest_decision.amended_total)
                                   if latest_decision and latest_decision.amended_total is not None
                                   else ""),
    }


# --- The explanation ---------------------------------------------------------------------


@permission_required(VIEW)
def budget_detail(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = _budget(request, budget_id, VIEW)
    user, person = request.user, budget.person
    indicative = budget.state == IndicativeBudget.State.INDICATIVE
    may_calculate = user.has_perm(CALCULATE, person)
    can = {
        "adjust": may_calculate and indicative,
        "propose": may_calculate and indicative,
        "agree": (user.has_perm(AGREE, person) and budget.state == IndicativeBudget.State.PROPOSED
                  and not budget.needs_panel),
        "answers": may_calculate and indicative,
    }
    return render(request, "allocation/budget_detail.html", {
        **_explained(request, budget), "can": can})


@permission_required(VIEW)
def budget_print(request: HttpRequest, budget_id: int) -> HttpResponse:
    """A copy of the explanation to print or keep: no navigation, no actions."""
    budget = _budget(request, budget_id, VIEW)
    return render(request, "allocation/budget_print.html", {
        **_explained(request, budget), "printed_on": clock.today(), "printing": True})


@permission_required(VIEW)
@person_page
def person_budgets(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's budgets, the one that speaks for them now first."""
    person = person_get(user=request.user, person_id=pk, path=request.path, permission=VIEW)
    budgets = list(IndicativeBudget.objects.filter(person=person)
                   .order_by("-calculated_at", "-pk"))
    order = {IndicativeBudget.State.AGREED: 0, IndicativeBudget.State.PROPOSED: 1,
             IndicativeBudget.State.INDICATIVE: 2, IndicativeBudget.State.SUPERSEDED: 3}
    budgets.sort(key=lambda b: order[IndicativeBudget.State(b.state)])
    in_progress = None
    if request.user.has_perm(CALCULATE, person):
        in_progress = (Assessment.objects.filter(person=person,
                                                 state=Assessment.State.IN_PROGRESS).first())
    return render(request, "allocation/budget_list.html", {
        "person": person, "budgets": budgets, "for_person": _speaks_to_the_person(request, person),
        "in_progress": in_progress})


# --- The questionnaire -------------------------------------------------------------------


def _assessment(request: HttpRequest, assessment_id: int, permission: str) -> Assessment:
    return person_record_get(Assessment.objects.all(), assessment_id, user=request.user,
                             permission=permission, path=request.path,
                             not_found="No assessment found.")


def _questions_locked(assessment: Assessment) -> tuple[str | None, IndicativeBudget | None]:
    """Why the answers can no longer change (and the budget they led to), or None."""
    settled = (IndicativeBudget.objects.filter(assessment=assessment).exclude(
        state=IndicativeBudget.State.INDICATIVE).order_by("-calculated_at").first())
    if settled is not None:
        return (f"This assessment's budget is {settled.get_state_display().lower()}: its answers "
                "can no longer change here. Change them through a review.", settled)
    if assessment.state == Assessment.State.APPROVED:
        return "This assessment is signed off: its answers can no longer change.", None
    return None, None


@permission_required(CALCULATE)
def assessment_budget_questions(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The questionnaire in force, one set of radios per question under its area of life.
    Saving keeps every answer chosen; when every question is answered the indicative
    budget is worked out and shown."""
    assessment = _assessment(request, assessment_id, CALCULATE)
    person = assessment.person
    version = services.live_version_on(person.authority_id, clock.today(), person=person)
    context: dict[str, Any] = {"assessment": assessment, "person": person, "version": version}
    if version is None:
        return render(request, "allocation/assessment_budget_questions.html", context)
    domains = list(RasDomain.objects.filter(version=version).prefetch_related(
        Prefetch("questions", queryset=RasQuestion.objects.order_by("position", "pk")
                 .prefetch_related("answers"))))
    current = dict(RasResponse.objects.filter(assessment=assessment)
                   .values_list("question__code", "answer__code"))
    locked, settled = _questions_locked(assessment)
    form = RasAnswersForm(request.POST if request.method == "POST" else None,
                          domains=domains, current=current)
    saved = 0
    if request.method == "POST" and locked is None and form.is_valid():
        chosen = form.chosen()
        left = [code for code in form.fields if code not in {**current, **chosen}]
        budget: IndicativeBudget | None = None
        try:
            if chosen:
                saved = len(services.ras_responses_record(actor=request.user,
                                                          assessment=assessment, answers=chosen))
            if not left:
                budget = services.indicative_budget_calculate(actor=request.user,
                                                              assessment=assessment)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if budget is not None:
                messages.success(request, f"The indicative budget has been worked out: "
                                          f"{format_pounds(budget.total)} a year.")
                return redirect("budget-detail", budget_id=budget.pk)
            form.mark_unanswered(left)
            context["left"] = left
    indicative = (IndicativeBudget.objects.filter(
        assessment=assessment, state=IndicativeBudget.State.INDICATIVE).first())
    return render(request, "allocation/assessment_budget_questions.html", {
        **context, "form": form, "locked": locked, "settled": settled, "saved": saved,
        "indicative": indicative, "question_count": len(form.fields)})


# --- Changing the budget -----------------------------------------------------------------


def _not_indicative(budget: IndicativeBudget, doing: str) -> str | None:
    if budget.state == IndicativeBudget.State.INDICATIVE:
        return None
    return (f"This budget is {budget.get_state_display().lower()}: it can no longer be "
            f"{doing} here.")


@permission_required(CALCULATE)
def budget_adjust(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = _budget(request, budget_id, CALCULATE)
    locked = _not_indicative(budget, "adjusted")
    form = AdjustmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and locked is None and form.is_valid():
        try:
            adjustment = services.budget_adjust(actor=request.user, budget=budget,
                                                **form.service_fields())
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_service_errors(exc.message_dict)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, f"The adjustment has been added: "
                                      f"{adjustment.get_reason_code_display()}.")
            return redirect("budget-detail", budget_id=budget.pk)
    return render(request, "allocation/budget_adjust.html", {
        "person": budget.person, "budget": budget, "form": form, "locked": locked,
        **_amounts(budget)})


@permission_required(CALCULATE)
def budget_propose(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = _budget(request, budget_id, CALCULATE)
    locked = _not_indicative(budget, "proposed")
    errors: list[str] = []
    if request.method == "POST" and locked is None:
        try:
            budget = services.budget_propose(actor=request.user, budget=budget)
        except ValidationError as exc:
            errors = exc.messages
        else:
            if budget.needs_panel:
                messages.info(request, "The budget has been proposed. The resource allocation "
                                       "panel will decide it, because: "
                              + " ".join(budget.panel_reasons))
            else:
                messages.success(request, "The budget has been proposed. The team manager "
                                          "will now decide whether to agree it.")
            return redirect("budget-detail", budget_id=budget.pk)
    panel_reasons = (needs_panel_reasons(budget, on=clock.today())
                     if locked is None else [])
    return render(request, "allocation/budget_propose.html", {
        "person": budget.person, "budget": budget, "locked": locked, "errors": errors,
        "panel_reasons": panel_reasons, **_amounts(budget)})


@permission_required(AGREE)
def budget_agree(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = _budget(request, budget_id, AGREE)
    if budget.state != IndicativeBudget.State.PROPOSED:
        locked: str | None = (f"This budget is {budget.get_state_display().lower()}: only a "
                              "proposed budget can be agreed.")
    elif budget.needs_panel:
        locked = ("This budget needs the resource allocation panel's decision: "
                  + " ".join(budget.panel_reasons))
    else:
        locked = None
    form = AgreeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and locked is None and form.is_valid():
        try:
            services.budget_agree(actor=request.user, budget=budget,
                                  reason=form.cleaned_data["decision_reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The budget has been agreed. The person can read your "
                                      "reasons on their budget.")
            return redirect("budget-detail", budget_id=budget.pk)
    return render(request, "allocation/budget_agree.html", {
        "person": budget.person, "budget": budget, "form": form, "locked": locked,
        "explanation": budget_explanation(budget), **_amounts(budget)})
