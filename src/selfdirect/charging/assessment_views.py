"""The financial assessment pages: start one (or record that the person chooses not to be
assessed), record the person's household, income, capital, housing costs and
disability-related expenses, see the benefits-check prompts and the contribution it would
produce, and complete it. Each change goes through one service in ``charging.services``;
a change to a completed assessment is a change of circumstances, and the service
recalculates the contribution from today."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse

from selfdirect.charging import services
from selfdirect.charging.assessment_forms import (
    CapitalForm,
    CompleteForm,
    DetailsForm,
    ExpenseForm,
    IncomeForm,
    StartForm,
)
from selfdirect.charging.benefits import benefit_prompts
from selfdirect.charging.calculation import weekly
from selfdirect.charging.models import Capital, Expense, FinancialAssessment, Income, Route
from selfdirect.charging.policy import NoChargingPolicy
from selfdirect.core import clock
from selfdirect.core.money import format_pounds
from selfdirect.core.permissions import permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.people.models import Person
from selfdirect.people.selectors import person_get, person_record_get

ASSESS = "charging.assess_finances"

CHANGE_OF_CIRCUMSTANCES = (
    "This financial assessment is complete. A change to it is a change of circumstances: "
    "the person's contribution is worked out again from today, and what they paid before "
    "today stays as it was.")

ITEM_MODELS: dict[str, type[Income] | type[Capital] | type[Expense]] = {
    "incomes": Income, "capital": Capital, "expenses": Expense}


def _assessment(request: HttpRequest, assessment_id: int) -> FinancialAssessment:
    """The assessment, when the user may carry it out; 404 otherwise (the opening is logged)."""
    return person_record_get(FinancialAssessment.objects.all(), assessment_id,
                             user=request.user, permission=ASSESS, path=request.path,
                             not_found="No financial assessment found.")


def _is_complete(assessment: FinancialAssessment) -> bool:
    return assessment.status == FinancialAssessment.Status.COMPLETE


def _back(assessment: FinancialAssessment) -> str:
    return reverse("financial-assessment", args=[assessment.pk])


def _charging_page(person: Person) -> str:
    return reverse("person-charging", args=[person.pk])


def _preview(person: Person, day: datetime.date,
             assessment: FinancialAssessment) -> tuple[dict[str, Any] | None, str]:
    """The contribution the assessment would produce on ``day``, ready to show, or why it
    cannot be worked out."""
    try:
        result = services.preview(person, day, assessment)
    except (ValidationError, NoChargingPolicy) as exc:
        text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return None, text
    lines = [{"text": line.text, "amount": format_pounds(line.pence),
              "total": line.kind == "total"} for line in result.lines]
    return {"weekly": format_pounds(result.weekly), "basis": result.basis, "lines": lines}, ""


def _item_rows(assessment: FinancialAssessment) -> dict[str, list[dict[str, Any]]]:
    incomes = [{"item": i, "what": i.get_income_type_display(), "whose": i.get_owner_display(),
                "amount": f"{format_pounds(i.amount)} {i.get_period_display()}",
                "weekly": format_pounds(weekly(i.amount, i.period))}
               for i in assessment.incomes.all()]
    capital = [{"item": c, "what": c.get_kind_display(), "whose": c.get_owner_display(),
                "amount": format_pounds(c.amount)} for c in assessment.capital.all()]
    housing: list[dict[str, Any]] = []
    disability: list[dict[str, Any]] = []
    for e in assessment.expenses.all():
        row = {"item": e, "what": e.get_kind_display(),
               "amount": f"{format_pounds(e.amount)} {e.get_period_display()}",
               "weekly": format_pounds(weekly(e.amount, e.period))}
        (disability if e.disability_related else housing).append(row)
    return {"incomes": incomes, "capital": capital, "housing": housing, "disability": disability}


# --- Starting ---------------------------------------------------------------------------------


@permission_required(ASSESS)
@person_page
def assessment_start(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=pk, path=request.path, permission=ASSESS)
    needed = services.assessment_needed(person)
    in_progress = person.financial_assessments.filter(
        status=FinancialAssessment.Status.IN_PROGRESS).order_by("-created_at", "-pk").first()
    form = StartForm(request.POST or None) if needed and in_progress is None else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            assessment = services.financial_assessment_start(
                actor=request.user, person=person, route=form.cleaned_data["route"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if assessment.route == Route.DECLINED:
                messages.success(request, "Recorded that the person chooses not to be assessed.")
                return redirect("financial-assessment-complete", assessment_id=assessment.pk)
            messages.success(request, "The financial assessment has been started.")
            return redirect("financial-assessment", assessment_id=assessment.pk)
    return render(request, "charging/assessment_start.html", {
        "person": person, "form": form, "needed": needed, "in_progress": in_progress,
        "charging_page": _charging_page(person)})


# --- The summary --------------------------------------------------------------------------------


@permission_required(ASSESS)
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id)
    person = assessment.person
    today = clock.today()
    preview, preview_error = _preview(person, today, assessment)
    return render(request, "charging/assessment_detail.html", {
        "assessment": assessment, "person": person, "rows": _item_rows(assessment),
        "prompts": benefit_prompts(person, assessment, today), "preview": preview,
        "preview_error": preview_error, "complete": _is_complete(assessment),
        "full": assessment.route == Route.FULL, "change_note": CHANGE_OF_CIRCUMSTANCES,
        "charging_page": _charging_page(person)})


# --- Forms about the assessment ----------------------------------------------------------------


def _form_page(request: HttpRequest, assessment: FinancialAssessment, form: forms.Form, *,
               title: str, submit: str, save: Callable[[], Any], success: str,
               intro: str = "", template: str = "charging/assessment_form.html",
               recalculates: bool = True) -> HttpResponse:
    """``recalculates``: a change here alters what the person pays, so on a completed
    assessment it is a change of circumstances."""
    recalculated = recalculates and _is_complete(assessment)
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if recalculated:
                success += " The contribution has been worked out again from today."
            messages.success(request, success)
            return redirect("financial-assessment", assessment_id=assessment.pk)
    return render(request, template, {
        "assessment": assessment, "person": assessment.person, "form": form, "title": title,
        "submit": submit, "intro": intro,
        "change_note": CHANGE_OF_CIRCUMSTANCES if recalculated else ""})


def _declined(assessment: FinancialAssessment) -> None:
    if assessment.route == Route.DECLINED:
        raise Http404("The person chose not to be assessed: nothing about their money is recorded.")


@permission_required(ASSESS)
def assessment_details(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id)
    initial = {name: getattr(assessment, name) for name in services.ASSESSMENT_FIELDS}
    form = DetailsForm(request.POST or None, initial=initial)
    return _form_page(
        request, assessment, form, title="Household and benefits check",
        submit="Save the details",
        intro="Who the person lives with, the evidence you have seen, and whether you have "
              "checked that they get every benefit they are entitled to.",
        save=lambda: services.financial_assessment_update(
            actor=request.user, assessment=assessment, **form.cleaned_data),
        success="The details have been saved.", recalculates=False)


@permission_required(ASSESS)
def income_add(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id)
    _declined(assessment)
    form = IncomeForm(request.POST or None)
    return _form_page(
        request, assessment, form, title="Add income", submit="Add the income",
        intro="Add each income separately: a benefit, a pension, earnings. Give the amount "
              "as it is paid, and how often.",
        save=lambda: services.income_add(actor=request.user, assessment=assessment,
                                         **form.service_fields()),
        success="The income has been added.")


@permission_required(ASSESS)
def capital_add(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id)
    _declined(assessment)
    form = CapitalForm(request.POST or None)
    return _form_page(
        request, assessment, form, title="Add capital", submit="Add the capital",
        intro="Savings, investments and property other than the person's home. The home "
              "they live in is never counted.",
        save=lambda: services.capital_add(actor=request.user, assessment=assessment,
                                          **form.service_fields()),
        success="The capital has been added.")


@permission_required(ASSESS)
def expense_add(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id)
    _declined(assessment)
    form = ExpenseForm(request.POST or None)
    return _form_page(
        request, assessment, form, title="Add a housing cost or disability-related expense",
        submit="Add the expense",
        intro="Housing costs and what the person spends because of their disability or "
              "condition are allowed against their income.",
        save=lambda: services.expense_add(actor=request.user, assessment=assessment,
                                          **form.service_fields()),
        success="The expense has been added.", template="charging/assessment_expense_form.html")


@permission_required(ASSESS)
def item_remove(request: HttpRequest, assessment_id: int, kind: str, item_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id)
    model = ITEM_MODELS.get(kind)
    if model is None:
        raise Http404("No such kind of item.")
    item: Model | None = model.objects.filter(pk=item_id, assessment=assessment).first()
    if item is None:
        raise Http404("No such item in this financial assessment.")
    assert isinstance(item, Income | Capital | Expense)
    item.assessment = assessment
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.assessment_item_remove(actor=request.user, item=item)
        except ValidationError as exc:
            errors = exc.messages
        else:
            success = f"{item} has been removed."
            if _is_complete(assessment):
                success += " The contribution has been worked out again from today."
            messages.success(request, success)
            return redirect("financial-assessment", assessment_id=assessment.pk)
    amount = format_pounds(item.amount)
    if not isinstance(item, Capital):
        amount += f" {item.get_period_display()}"
    return render(request, "charging/assessment_remove.html", {
        "assessment": assessment, "person": assessment.person, "item": item, "amount": amount,
        "errors": errors,
        "change_note": CHANGE_OF_CIRCUMSTANCES if _is_complete(assessment) else ""})


# --- Completing -------------------------------------------------------------------------------


@permission_required(ASSESS)
def assessment_complete(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id)
    person = assessment.person
    today = clock.today()
    form = None
    if not _is_complete(assessment):
        form = CompleteForm(request.POST or None, initial={"effective_from": today})
        if request.method == "POST" and form.is_valid():
            try:
                services.financial_assessment_complete(
                    actor=request.user, assessment=assessment,
                    effective_from=form.cleaned_data["effective_from"])
            except ValidationError as exc:
                # "benefits_check_done" is not on this page: its message is shown at the top,
                # with a link to the page where it is recorded.
                add_service_errors(form, exc)
                # The service rolled back; the object in memory must say so too.
                assessment.status = FinancialAssessment.Status.IN_PROGRESS
            else:
                messages.success(request, "The financial assessment is complete and the "
                                          "contribution has been worked out.")
                return redirect(_charging_page(person))
    preview, preview_error = _preview(person, today, assessment)
    return render(request, "charging/assessment_complete.html", {
        "assessment": assessment, "person": person, "form": form, "preview": preview,
        "preview_error": preview_error, "full": assessment.route == Route.FULL,
        "charging_page": _charging_page(person)})


urlpatterns = [
    path("people/<id:pk>/charging/assessment/new/", assessment_start,
         name="financial-assessment-start"),
    path("charging/assessments/<id:assessment_id>/", assessment_detail,
         name="financial-assessment"),
    path("charging/assessments/<id:assessment_id>/details/", assessment_details,
         name="financial-assessment-details"),
    path("charging/assessments/<id:assessment_id>/incomes/new/", income_add,
         name="financial-assessment-income-add"),
    path("charging/assessments/<id:assessment_id>/capital/new/", capital_add,
         name="financial-assessment-capital-add"),
    path("charging/assessments/<id:assessment_id>/expenses/new/", expense_add,
         name="financial-assessment-expense-add"),
    path("charging/assessments/<id:assessment_id>/<text:kind>/<id:item_id>/remove/",
         item_remove, name="financial-assessment-item-remove"),
    path("charging/assessments/<id:assessment_id>/complete/", assessment_complete,
         name="financial-assessment-complete"),
]
