"""Pages for what a budget is made of: money from other funding streams, the cost of
employing personal assistants, exceptions for the panel, and the administrator's annual
uplift of employer costs. Each page saves through one service in ``costing``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from selfdirect.allocation import costing
from selfdirect.allocation.costing_forms import (
    BudgetExceptionForm,
    EmployerCostingForm,
    FundingLineForm,
    UpliftForm,
)
from selfdirect.allocation.employer_costs import employer_rates
from selfdirect.allocation.models import EmployerCosting, FundingLine, IndicativeBudget
from selfdirect.authorities.web import user_current_authority
from selfdirect.core import clock
from selfdirect.core.money import format_pounds
from selfdirect.core.permissions import permission_required
from selfdirect.core.views import add_service_errors
from selfdirect.people.selectors import person_record_get

CALCULATE = "allocation.calculate_budget"


def _budget(request: HttpRequest, budget_id: int) -> IndicativeBudget:
    """The budget, when the user may change it; 404 otherwise (the opening is logged)."""
    return person_record_get(IndicativeBudget.objects.all(), budget_id, user=request.user,
                             permission=CALCULATE, path=request.path,
                             not_found="No budget found.")


def _form_page(request: HttpRequest, budget: IndicativeBudget, form: forms.Form, *,
               title: str, submit: str, save: Callable[[], Any], success: str,
               intro: str = "") -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("budget-detail", budget_id=budget.pk)
    return render(request, "allocation/costing_form.html", {
        "budget": budget, "person": budget.person, "form": form, "title": title,
        "submit": submit, "intro": intro, "locked": _locked(budget)})


def _locked(budget: IndicativeBudget) -> str:
    if budget.state == IndicativeBudget.State.INDICATIVE:
        return ""
    return (f"This budget is {budget.get_state_display().lower()}: what it is made of can "
            "only change while it is indicative. Change it through a review.")


def _confirm_page(request: HttpRequest, budget: IndicativeBudget, *, title: str, explain: str,
                  submit: str, save: Callable[[], Any], success: str,
                  warning: bool = False) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST" and not _locked(budget):
        try:
            save()
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, success)
            return redirect("budget-detail", budget_id=budget.pk)
    return render(request, "allocation/costing_confirm.html", {
        "budget": budget, "person": budget.person, "title": title, "explain": explain,
        "submit": submit, "errors": errors, "warning": warning, "locked": _locked(budget)})


# --- Funding streams ---------------------------------------------------------------------


@permission_required(CALCULATE)
def funding_add(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = _budget(request, budget_id)
    form = FundingLineForm(request.POST or None)
    return _form_page(
        request, budget, form, title="Add money from another funding stream",
        submit="Add the funding",
        intro="The individual budget is one sum in the person's name. Add money that comes "
              "from health, the Independent Living Fund, housing support, Access to Work or "
              "education, so the person sees all of it in one place.",
        save=lambda: costing.funding_line_add(actor=request.user, budget=budget,
                                              **form.cleaned_data),
        success="The funding has been added.")


@permission_required(CALCULATE)
def funding_remove(request: HttpRequest, budget_id: int, line_id: int) -> HttpResponse:
    budget = _budget(request, budget_id)
    line = FundingLine.objects.filter(pk=line_id, budget=budget).first()
    if line is None:
        raise Http404("No such funding line.")
    return _confirm_page(
        request, budget, title="Remove this funding",
        explain=f"{line.get_stream_display()}: {line.description}, "
                f"{format_pounds(line.amount)} {line.get_period_display().lower()}.",
        submit="Remove the funding", warning=True,
        save=lambda: costing.funding_line_remove(actor=request.user, line=line),
        success="The funding has been removed.")


# --- Employer costs ------------------------------------------------------------------------


@permission_required(CALCULATE)
def employer_costing_add(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = _budget(request, budget_id)
    rates = employer_rates(authority=budget.person.authority, on=clock.today())
    form = EmployerCostingForm(request.POST or None,
                               minimum_wage=format_pounds(rates.minimum_wage))
    return _form_page(
        request, budget, form, title="Cost a personal assistant",
        submit="Work out the costs",
        intro="The budget must cover what it takes to employ a personal assistant lawfully: "
              "holiday pay, employer National Insurance, pension, insurance, payroll, the "
              f"{rates.check_label.lower()}, training and a one-off start-up sum. They are "
              "worked out from the council's figures for this tax year.",
        save=lambda: costing.employer_costing_add(actor=request.user, budget=budget,
                                                  **form.service_fields()),
        success="The employer costs have been worked out.")


@permission_required(CALCULATE)
def employer_costing_remove(request: HttpRequest, budget_id: int, costing_id: int) -> HttpResponse:
    budget = _budget(request, budget_id)
    item = EmployerCosting.objects.filter(pk=costing_id, budget=budget).first()
    if item is None:
        raise Http404("No such employer costing.")
    return _confirm_page(
        request, budget, title=f"Remove the costs for {item.label}",
        explain=f"{item.label}: {format_pounds(item.yearly_total)} a year.",
        submit="Remove the costs", warning=True,
        save=lambda: costing.employer_costing_remove(actor=request.user, costing=item),
        success="The employer costs have been removed.")


@permission_required(CALCULATE)
def employer_costs_cover(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = _budget(request, budget_id)
    costed = costing.costed_yearly(budget)
    explain = (f"Employing the personal assistants costs {format_pounds(costed)} a year. The "
               f"budget is {format_pounds(budget.total)} a year. ")
    explain += (f"This adds {format_pounds(costed - budget.total)} to the budget as an "
                "adjustment, with the reason written down for the person to read."
                if costed > budget.total else "The budget already covers them.")
    return _confirm_page(
        request, budget, title="Cover the employer costs", explain=explain,
        submit="Add it to the budget",
        save=lambda: costing.budget_cover_employer_costs(actor=request.user, budget=budget),
        success="The budget now covers the employer costs.")


# --- Exceptions for the panel ----------------------------------------------------------------


@permission_required(CALCULATE)
def exception_add(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = _budget(request, budget_id)
    form = BudgetExceptionForm(request.POST or None)
    return _form_page(
        request, budget, form, title="Record an exception for the panel",
        submit="Record the exception",
        intro="The resource allocation panel decides every budget with an exception, whatever "
              "its size. Say why it is needed, so the panel and the person can read it.",
        save=lambda: costing.budget_exception_record(actor=request.user, budget=budget,
                                                     **form.cleaned_data),
        success="The exception has been recorded: the panel will decide the budget.")


# --- The annual uplift (administrator) -------------------------------------------------------


@permission_required("allocation.manage_ras")
def employer_costs_uplift(request: HttpRequest) -> HttpResponse:
    authority = user_current_authority(request)
    if authority is None:
        raise Http404("No authority.")
    if not request.user.has_perm("allocation.manage_ras", authority):
        raise PermissionDenied("Switch to an authority you administer.")
    form = UpliftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = costing.employer_costs_uplift(
                actor=request.user, authority=authority, on=form.cleaned_data["on"],
                wage_uplift_percent=form.cleaned_data["wage_uplift_percent"] or "0")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"{result.recosted} personal assistant costings recosted "
                         f"({result.wages_raised} raised to the minimum wage); "
                         f"{result.flagged} agreed budgets flagged for their next review.")
            return redirect("employer-costs-uplift")
    return render(request, "allocation/uplift.html", {"form": form, "authority": authority})


urlpatterns = [
    path("budgets/<id:budget_id>/funding/add/", funding_add, name="budget-funding-add"),
    path("budgets/<id:budget_id>/funding/<id:line_id>/remove/", funding_remove,
         name="budget-funding-remove"),
    path("budgets/<id:budget_id>/employer-costs/add/", employer_costing_add,
         name="budget-employer-costing-add"),
    path("budgets/<id:budget_id>/employer-costs/<id:costing_id>/remove/",
         employer_costing_remove, name="budget-employer-costing-remove"),
    path("budgets/<id:budget_id>/employer-costs/cover/", employer_costs_cover,
         name="budget-employer-costs-cover"),
    path("budgets/<id:budget_id>/exceptions/add/", exception_add, name="budget-exception-add"),
    path("employer-costs/uplift/", employer_costs_uplift, name="employer-costs-uplift"),
]
