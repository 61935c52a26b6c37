"""The charging pages: what a person pays and why, the services it applies to, hardship
waivers, the finance worklist, the authority's charging policy in plain English, and the
yearly recalculation. (The financial assessment editor is in ``assessment_views``.)

Each view declares its permission once; a person's record is loaded through
``person_get`` with that permission, which answers 404 (never 403) for a record the user
may not see and writes the access log. The services check the permission again.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone

from selfdirect.authorities.models import Authority, Country
from selfdirect.authorities.policy import FigureInForce, policy_figures_in_force
from selfdirect.authorities.web import current_authority_for, user_current_authority
from selfdirect.charging import jobs as charging_jobs
from selfdirect.charging import selectors, services
from selfdirect.charging.benefits import BenefitPrompt, benefit_prompts
from selfdirect.charging.calculation import ChargingRules
from selfdirect.charging.catalogue import FREE_BY_LAW, WHY_FREE, IncomeType, ServiceType
from selfdirect.charging.forms import (
    PlannedServiceEndForm,
    PlannedServiceForm,
    RecalculateForm,
    WaiverDecideForm,
    WaiverRequestForm,
)
from selfdirect.charging.models import (
    Basis,
    Contribution,
    FinancialAssessment,
    Option,
    PlannedService,
    Waiver,
)
from selfdirect.charging.policy import NoChargingPolicy, charging_rules
from selfdirect.core import clock
from selfdirect.core.money import format_pounds
from selfdirect.core.permissions import permission_required, person_page, public
from selfdirect.core.views import add_service_errors
from selfdirect.people.models import Person
from selfdirect.people.rules import is_the_person
from selfdirect.people.selectors import person_get, person_record_get

VIEW = "charging.view_charging"
RECORD = "charging.record_services"
ASSESS = "charging.assess_finances"
REQUEST = "charging.request_waiver"
DECIDE = "charging.decide_waiver"
WORKLIST = "charging.view_worklist"
RECALCULATE = "charging.recalculate"


# --- Helpers ------------------------------------------------------------------------------


def _person(request: HttpRequest, person_id: int, permission: str) -> Person:
    return person_get(user=request.user, person_id=person_id, path=request.path,
                      permission=permission)


def _speaks_to_the_person(request: HttpRequest, person: Person) -> bool:
    """The reader is the person themself: "what you pay". Someone acting for them (an
    attorney) reads the person's name, as on their home page."""
    return bool(is_the_person(request.user, person))


def _url(name: str, *args: Any) -> str:
    """A link to a page another group of pages provides ("" while it does not exist)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The workings for reading: each step signed ("−£12.00" takes off), totals in bold."""
    return [{"text": line["text"], "amount": format_pounds(int(line["pence"])),
             "total": line.get("kind") == "total"} for line in lines]


def _services(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each service's share: what it costs, what the person is charged, what the council
    pays (for a direct payment, the net direct payment)."""
    result = []
    for row in rows:
        kind = str(row.get("service_type", ""))
        option = str(row.get("option") or "")
        result.append({
            "label": row["label"],
            "type": ServiceType(kind).label if kind in ServiceType.values else kind,
            "option": Option(option).label if option in Option.values else "Not chosen yet",
            "cost": format_pounds(int(row["weekly_cost"])),
            "charged": format_pounds(int(row["charged"])),
            "council": format_pounds(int(row["council_pays"])),
            "council_label": "net direct payment" if option == Option.OPTION_1 else "",
            "free": bool(row.get("free")),
            "why_free": WHY_FREE.get(kind, ""),
            "flat_rate": bool(row.get("flat_rate")),
        })
    return result


def _figures(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for row in rows:
        try:
            applies = datetime.date.fromisoformat(str(row.get("from", "")))
        except ValueError:
            applies = None
        result.append({"label": row.get("label", row.get("key", "")), "value": row.get("value", ""),
                       "from": applies, "source": row.get("source", "")})
    return result


def _contribution(contribution: Contribution) -> dict[str, Any]:
    return {"contribution": contribution, "amount": format_pounds(contribution.weekly_amount),
            "chargeable_cost": format_pounds(contribution.chargeable_cost),
            "basis": Basis(contribution.basis).label, "lines": _lines(contribution.lines),
            "services": _services(contribution.services),
            "figures": _figures(contribution.figures)}


def _back(person: Person) -> str:
    return reverse("person-charging", args=[person.pk])


def _form_page(request: HttpRequest, person: Person, form: forms.Form, *, title: str,
               submit: str, save: Callable[[], Any], success: str,
               intro: str = "") -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(_back(person))
    return render(request, "charging/form.html", {
        "person": person, "form": form, "title": title, "submit": submit, "intro": intro,
        "back": _back(person), "for_person": _speaks_to_the_person(request, person)})


# --- The person's charging page ----------------------------------------------------------


def _status(request: HttpRequest, person: Person, today: datetime.date,
            current: Contribution | None) -> dict[str, Any]:
    """Where the person is: no assessment needed, one needed, one in progress, or one done
    with no contribution yet (then what they would pay)."""
    latest = services.latest_assessment(person)
    complete = services.completed_assessment(person)
    needed = services.assessment_needed(person, today)
    may_assess = request.user.has_perm(ASSESS, person)
    status: dict[str, Any] = {"needed": needed, "latest": latest, "complete": complete}
    if latest is not None and latest.status == FinancialAssessment.Status.IN_PROGRESS:
        status["state"] = "in_progress"
        status["link"] = _url("financial-assessment", latest.pk) if may_assess else ""
    elif complete is None and needed:
        status["state"] = "needed"
        status["link"] = _url("financial-assessment-start", person.pk) if may_assess else ""
    elif current is None and not needed and complete is None:
        status["state"] = "not_needed"
        in_force = services.services_on(person, today)
        status["nothing_planned"] = not in_force
        status["flat_rate"] = any(not services.is_free_by_law(person, s.service_type)
                                  and s.weekly_cost > 0 for s in in_force)
    elif complete is not None and current is None:
        status["state"] = "preview"
        try:
            result = services.preview(person, today)
        except NoChargingPolicy as exc:
            status["preview_error"] = str(exc)
        else:
            status["preview"] = {"amount": format_pounds(result.weekly),
                                 "basis": Basis(result.basis).label,
                                 "lines": _lines([line.as_dict() for line in result.lines]),
                                 "services": _services(result.services)}
    else:
        status["state"] = "assessed"
    return status


def _waiver_rows(request: HttpRequest, person: Person, waivers: list[Waiver]) -> list[dict[str, Any]]:
    may_decide = request.user.has_perm(DECIDE, person)
    return [{
        "waiver": w,
        "reduction": ("the whole contribution" if w.weekly_reduction is None
                      else f"{format_pounds(w.weekly_reduction)} a week"),
        "can_decide": (may_decide and w.status == Waiver.Status.REQUESTED
                       and w.requested_by_id != request.user.pk),
    } for w in waivers]


@permission_required(VIEW)
@person_page
def person_charging(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, VIEW)
    today = clock.today()
    user = request.user
    current = services.contribution_on(person, today)
    contributions = list(person.contributions.filter(superseded=False)
                         .order_by("-effective_from", "-pk"))
    future = sorted((c for c in contributions if c.effective_from > today),
                    key=lambda c: c.effective_from)
    past = [c for c in contributions if c.effective_to is not None and c.effective_to < today]
    planned = list(person.planned_services.all())
    may_record = user.has_perm(RECORD, person)
    something_to_pay = any(c.weekly_amount > 0 for c in ([current] if current else []) + future)
    can = {"record": may_record,
           "request_waiver": something_to_pay and user.has_perm(REQUEST, person),
           "decide": user.has_perm(DECIDE, person)}
    return render(request, "charging/person_charging.html", {
        "person": person, "today": today, "for_person": _speaks_to_the_person(request, person),
        "current": _contribution(current) if current else None,
        "future": [{"c": c, "amount": format_pounds(c.weekly_amount)} for c in future],
        "past": [{"c": c, "amount": format_pounds(c.weekly_amount)} for c in past],
        "planned": [{"s": s, "cost": format_pounds(s.weekly_cost),
                     "free": services.is_free_by_law(person, s.service_type),
                     "why_free": WHY_FREE.get(s.service_type, ""),
                     "can_end": may_record and (s.ends_on is None or s.ends_on >= today)}
                    for s in planned],
        "waivers": _waiver_rows(request, person, list(
            person.charge_waivers.select_related("requested_by", "decided_by"))),
        "status": _status(request, person, today, current), "can": can,
        "benefit_prompts": _benefit_prompts(person, today),
        "backdated": _backdated(current),
    })


def _backdated(current: Contribution | None) -> datetime.date | None:
    """The day a contribution was worked out, when it applies from an earlier day."""
    if current is None:
        return None
    worked_out = timezone.localdate(current.calculated_at)
    return worked_out if current.effective_from < worked_out else None


def _benefit_prompts(person: Person, today: datetime.date) -> list[BenefitPrompt]:
    """Benefits the person may be missing, from their completed financial assessment."""
    assessment = services.completed_assessment(person)
    return benefit_prompts(person, assessment, today) if assessment else []


# --- Planned services ----------------------------------------------------------------------


def free_by_law_hint(person: Person) -> str:
    country = person.authority.country
    free = [f"{ServiceType(kind).label} ({WHY_FREE[kind]})"
            for kind in ServiceType.values if kind in FREE_BY_LAW[country]]
    return (f"Free by law in {Country(country).label}, so never charged for: "
            + "; ".join(free) + ".")


@permission_required(RECORD)
@person_page
def planned_service_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, RECORD)
    form = PlannedServiceForm(request.POST or None, free_hint=free_by_law_hint(person))
    return _form_page(
        request, person, form, title="Add a planned service", submit="Add the service",
        intro="Record each service planned for the person with what it costs a week, free "
              "ones too, so the charging page can say why nothing is charged for them.",
        save=lambda: services.planned_service_add(actor=request.user, person=person,
                                                  **form.service_fields()),
        success="The service has been added.")


@permission_required(RECORD)
@person_page
def planned_service_end(request: HttpRequest, pk: int, service_id: int) -> HttpResponse:
    person = _person(request, pk, RECORD)
    service = PlannedService.objects.filter(pk=service_id, person=person).first()
    if service is None:
        raise Http404("No such service.")
    service.person = person
    form = PlannedServiceEndForm(request.POST or None)
    return _form_page(
        request, person, form, title=f"End the service: {service.description}",
        submit="End the service",
        intro=f"{service.get_service_type_display()}, {format_pounds(service.weekly_cost)} a "
              f"week, from {service.starts_on:%-d %B %Y}. Any contribution is worked out again "
              "from the day after it ends.",
        save=lambda: services.planned_service_end(actor=request.user, service=service,
                                                  ends_on=form.cleaned_data["ends_on"]),
        success="The service end date has been recorded.")


# --- Hardship waivers ----------------------------------------------------------------------


@permission_required(REQUEST)
@person_page
def waiver_request(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, REQUEST)
    form = WaiverRequestForm(request.POST or None)
    for_person = _speaks_to_the_person(request, person)
    return _form_page(
        request, person, form, title="Ask for a hardship waiver", submit="Send the request",
        intro=("If paying the contribution would leave " + ("you" if for_person else
                                                             person.display_name)
               + " in hardship, the council can reduce or waive it for a time. A finance "
               "officer or team manager who did not make the request decides, and writes to "
               + ("you" if for_person else "the person") + " with the reasons."),
        save=lambda: services.waiver_request(actor=request.user, person=person,
                                             **form.service_fields()),
        success="The request has been sent. The decision and its reasons will be shown on "
                "this page.")


@permission_required(DECIDE)
def waiver_decide(request: HttpRequest, waiver_id: int) -> HttpResponse:
    waiver = person_record_get(Waiver.objects.select_related("requested_by", "decided_by"),
                               waiver_id, user=request.user, permission=DECIDE,
                               path=request.path, not_found="No such waiver.")
    person = waiver.person
    form = WaiverDecideForm(request.POST or None)
    if waiver.status != Waiver.Status.REQUESTED:
        return render(request, "charging/waiver_decide.html", {
            "person": person, "waiver": waiver, "form": None, "back": _back(person)})
    if request.method == "POST" and form.is_valid():
        try:
            services.waiver_decide(actor=request.user, waiver=waiver,
                                   approve=form.cleaned_data["decision"] == "approve",
                                   reason=form.cleaned_data["decision_reason"])
        except ValidationError as exc:
            add_service_errors(form, ValidationError(
                {"decision" if k == "status" else k: v for k, v in exc.message_dict.items()}))
        else:
            messages.success(request, f"The waiver has been {waiver.get_status_display().lower()}.")
            return redirect(_back(person))
    return render(request, "charging/waiver_decide.html", {
        "person": person, "waiver": waiver, "form": form, "back": _back(person),
        "reduction": ("the whole contribution" if waiver.weekly_reduction is None
                      else f"{format_pounds(waiver.weekly_reduction)} a week")})


# --- One contribution ----------------------------------------------------------------------


@permission_required(VIEW)
def contribution_detail(request: HttpRequest, contribution_id: int) -> HttpResponse:
    """One contribution's workings; ``?print=1`` gives a copy to print or keep."""
    contribution = person_record_get(
        Contribution.objects.select_related("calculated_by", "authority"), contribution_id,
        user=request.user, permission=VIEW, path=request.path,
        not_found="No such contribution.")
    person = contribution.person
    printing = request.GET.get("print") == "1"
    return render(request, "charging/contribution_print.html" if printing
                  else "charging/contribution_detail.html", {
                      "person": person, **_contribution(contribution),
                      "for_person": _speaks_to_the_person(request, person),
                      "printing": printing, "printed_on": clock.today()})


# --- The worklist ----------------------------------------------------------------------------


@permission_required(WORKLIST)
def charging_worklist(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, WORKLIST)
    worklist = selectors.charging_worklist(authority=authority, day=clock.today())
    return render(request, "charging/worklist.html", {
        "authority": authority, "worklist": worklist,
        "waivers": [{"w": w, "reduction": ("the whole contribution" if w.weekly_reduction is None
                                            else f"{format_pounds(w.weekly_reduction)} a week"),
                     "own": w.requested_by_id == request.user.pk} for w in worklist.waivers]})


# --- The charging policy, for everyone --------------------------------------------------------

_POLICY_KEYS = {
    "taper": "charging.taper_percent", "cap": "charging.weekly_cap",
    "capital_lower": "charging.capital_lower_limit", "capital_upper": "charging.capital_upper_limit",
    "tariff": "charging.tariff_capital_step", "pension_age": "charging.pension_age_years",
    "base_working": "charging.threshold_base_working_age_weekly",
    "base_pension": "charging.threshold_base_pension_age_weekly",
    "buffer_working": "charging.buffer_working_age_percent",
    "buffer_pension": "charging.buffer_pension_age_percent",
    "mig_18_24": "charging.mig_single_18_24_weekly",
    "mig_25_plus": "charging.mig_single_25_plus_weekly",
    "mig_pension": "charging.mig_pension_age_single_weekly",
    "premium": "charging.mig_disability_premium_weekly",
    "enhanced": "charging.mig_enhanced_disability_premium_weekly",
}


def _figure(f: FigureInForce, can_change: bool) -> dict[str, Any]:
    return {"label": f.definition.label, "value": f.display, "from": f.effective_from,
            "source": f.source, "key": f.definition.key,
            "change": reverse("policy-detail", args=[f.definition.key])
            if can_change and f.definition.local else ""}


def _policy_context(authority: Authority, on: datetime.date, rules: ChargingRules,
                    can_change: bool) -> dict[str, Any]:
    by_key = {f.definition.key: f for f in policy_figures_in_force(authority=authority, on=on)
              if f.definition.key.startswith("charging.")}
    figs = {name: _figure(by_key[key], can_change) for name, key in _POLICY_KEYS.items()
            if key in by_key}
    disregards = [{"label": IncomeType(kind).label if kind in IncomeType.values else kind,
                   "percent": percent, "figure": _figure(by_key[f"charging.disregard.{kind}"],
                                                         can_change)}
                  for kind, percent in rules.disregard_percent.items() if percent > 0]
    flat_rates = [{"label": ServiceType(kind).label if kind in ServiceType.values else kind,
                   "amount": format_pounds(amount),
                   "figure": _figure(by_key[f"charging.flat_rate.{kind}"], can_change)}
                  for kind, amount in rules.flat_rates.items() if amount > 0]
    free = [{"label": ServiceType(kind).label, "why": WHY_FREE[kind]}
            for kind in ServiceType.values if kind in rules.free_types]
    money = format_pounds
    return {
        "rules": rules, "figs": figs, "disregards": disregards, "flat_rates": flat_rates,
        "free": free, "scotland": rules.country == Country.SCOTLAND,
        "amounts": {
            "threshold_working": money(rules.threshold_working_age),
            "threshold_pension": money(rules.threshold_pension_age),
            "mig_18_24": money(rules.mig_18_24), "mig_25_plus": money(rules.mig_25_plus),
            "mig_pension": money(rules.mig_pension_age),
            "premium": money(rules.mig_disability_premium),
            "enhanced": money(rules.mig_enhanced_disability_premium),
            "cap": money(rules.weekly_cap), "capital_lower": money(rules.capital_lower),
            "capital_upper": money(rules.capital_upper), "tariff": money(rules.tariff_step)},
    }


@public
def charging_policy(request: HttpRequest, authority_code: str) -> HttpResponse:
    authority = Authority.objects.filter(code=authority_code).first()
    if authority is None:
        raise Http404("No such council.")
    today = clock.today()
    on, date_error = today, ""
    typed = request.GET.get("on", "").strip()
    if typed:
        try:
            on = datetime.date.fromisoformat(typed)
        except ValueError:
            date_error = (f"“{typed}” is not a date: give it as year-month-day, like "
                          f"{today:%Y-%m-%d}. This page shows the policy in force today.")
    user = request.user
    can_change = bool(user.is_authenticated and user.has_perm("authorities.manage_policy", authority)
                      and user_current_authority(request) == authority)
    context: dict[str, Any] = {"authority": authority, "on": on, "today": today,
                               "date_error": date_error, "typed": typed}
    try:
        rules = charging_rules(authority, on)
    except NoChargingPolicy:
        context["policy_error"] = (
            f"We do not have {authority.name}'s charging figures for {on:%-d %B %Y}. Choose a "
            "later date, or see the policy in force today.")
    else:
        context.update(_policy_context(authority, on, rules, can_change))
    return render(request, "charging/policy.html", context)


# --- The yearly recalculation -----------------------------------------------------------------


@permission_required(RECALCULATE)
def charging_recalculate(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, RECALCULATE)
    form = RecalculateForm(request.POST or None)
    context: dict[str, Any] = {"authority": authority, "form": form}
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["effective_from"]
        if request.POST.get("confirm") != "yes":
            context.update({
                "confirming": True, "day": day, "reason": form.cleaned_data["reason"],
                "affected": selectors.people_with_contributions_from(authority=authority, day=day),
                "posted": [(k, v) for k, v in request.POST.items()
                           if k != "csrfmiddlewaretoken" and k != "confirm"]})
        else:
            job = charging_jobs.contributions_recalculate_start(
                actor=request.user, authority=authority, effective_from=day,
                reason=form.cleaned_data["reason"], back_url=reverse("charging-worklist"))
            messages.success(request, f"The contributions are being recalculated from "
                                      f"{day:%-d %B %Y}: this page shows how far it has got.")
            return redirect("job-detail", job_id=job.pk)
    return render(request, "charging/recalculate.html", context)


urlpatterns: list[URLPattern] = [
    path("people/<id:pk>/charging/", person_charging, name="person-charging"),
    path("people/<id:pk>/charging/services/new/", planned_service_add,
         name="planned-service-add"),
    path("people/<id:pk>/charging/services/<id:service_id>/end/", planned_service_end,
         name="planned-service-end"),
    path("people/<id:pk>/charging/waivers/new/", waiver_request, name="waiver-request"),
    path("charging/waivers/<id:waiver_id>/decide/", waiver_decide, name="waiver-decide"),
    path("charging/contributions/<id:contribution_id>/", contribution_detail,
         name="contribution-detail"),
    path("charging/", charging_worklist, name="charging-worklist"),
    path("charging/policy/<text:authority_code>/", charging_policy, name="charging-policy"),
    path("charging/recalculate/", charging_recalculate, name="charging-recalculate"),
]
