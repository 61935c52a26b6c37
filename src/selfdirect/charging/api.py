"""Financial assessment and charging in the HTTP API (tag "charging"), mounted at /api/ by
``selfdirect.api.api``.

The same permissions as the pages: each operation names its permission
(``api_permission``), loads the person through ``person_get`` (404, logged, for a record
the caller may not see or change) and calls the services in ``charging.services``. Money
goes out twice, as whole pence (``*_pence``, an integer) and as pounds in a decimal string
("18.60"); it comes in as text ("120.50"), never as a JSON number, so no float is
involved: a number is refused with a message naming the field.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Router, Schema, Status

from selfdirect.api.inputs import InSchema, PatchSchema
from selfdirect.api.money import MoneyText, with_money
from selfdirect.api.permissions import AUTHENTICATED, api_permission
from selfdirect.api.schemas import ErrorOut
from selfdirect.authorities.models import Authority, Country
from selfdirect.authorities.policy import policy_value
from selfdirect.charging import services
from selfdirect.charging.calculation import ChargingRules, Result
from selfdirect.charging.catalogue import (
    FREE_BY_LAW,
    WHY_FREE,
    CapitalKind,
    ExpenseKind,
    IncomeType,
    Owner,
    ServiceType,
)
from selfdirect.charging.models import (
    Basis,
    Capital,
    Contribution,
    Expense,
    FinancialAssessment,
    Income,
    PlannedService,
    Route,
    Waiver,
)
from selfdirect.charging.policy import NoChargingPolicy, charging_rules
from selfdirect.core import clock
from selfdirect.core.money import pounds
from selfdirect.people.models import Person
from selfdirect.people.selectors import person_get, person_record_get

VIEW = "charging.view_charging"
RECORD = "charging.record_services"
ASSESS = "charging.assess_finances"
REQUEST_WAIVER = "charging.request_waiver"
DECIDE_WAIVER = "charging.decide_waiver"

router = Router(tags=["charging"])



# --- Schemas -----------------------------------------------------------------------------


class ContributionLineOut(Schema):
    text: str
    kind: str
    amount_pence: int
    amount: str


class ServiceShareOut(Schema):
    key: str
    label: str
    service_type: str
    option: str
    weekly_cost_pence: int
    weekly_cost: str
    free: bool
    flat_rate: bool
    charged_pence: int
    charged: str
    council_pays_pence: int
    council_pays: str


class FigureOut(Schema):
    key: str
    label: str
    value: str
    effective_from: str
    source: str


class ChargeContributionOut(Schema):
    id: int
    person_id: int
    assessment_id: int | None
    basis: str
    basis_label: str
    weekly_amount_pence: int
    weekly_amount: str
    chargeable_cost_pence: int
    chargeable_cost: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    superseded: bool
    reason: str
    calculated_at: datetime.datetime
    lines: list[ContributionLineOut]
    services: list[ServiceShareOut]
    figures: list[FigureOut]


class ContributionOnOut(ChargeContributionOut):
    on: datetime.date
    assessment_needed: bool


class NoContributionOut(ErrorOut):
    """Nothing applies to the person on the day (``on``, ``assessment_needed`` set), or
    there is no such person (only ``detail``)."""

    on: datetime.date | None = None
    assessment_needed: bool | None = None


class PreviewOut(Schema):
    basis: str
    basis_label: str
    weekly_amount_pence: int
    weekly_amount: str
    chargeable_cost_pence: int
    chargeable_cost: str
    lines: list[ContributionLineOut]
    services: list[ServiceShareOut]


class PlannedServiceOut(Schema):
    id: int
    person_id: int
    service_type: str
    service_type_label: str
    description: str
    option: str
    weekly_cost_pence: int
    weekly_cost: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    free_by_law: bool


class PlannedServiceIn(InSchema):
    limits_from = (PlannedService,)

    service_type: str
    description: str
    weekly_cost: MoneyText
    starts_on: datetime.date
    option: str = ""
    ends_on: datetime.date | None = None


class ServiceEndIn(InSchema):
    ends_on: datetime.date


class IncomeOut(Schema):
    id: int
    income_type: str
    label: str
    owner: str
    amount_pence: int
    amount: str
    period: str
    evidence_seen: bool
    note: str


class CapitalOut(Schema):
    id: int
    kind: str
    label: str
    owner: str
    amount_pence: int
    amount: str
    evidence_seen: bool
    note: str


class ExpenseOut(Schema):
    id: int
    kind: str
    label: str
    disability_related: bool
    amount_pence: int
    amount: str
    period: str
    evidence_seen: bool
    note: str


class FinancialAssessmentOut(Schema):
    id: int
    person_id: int
    route: str
    status: str
    household: str
    dependants: int
    evidence_seen: str
    benefits_check_done: bool
    benefits_check_notes: str
    welfare_rights_referral: bool
    assessed_on: datetime.date | None
    assessed_by: str | None
    created_at: datetime.datetime
    incomes: list[IncomeOut]
    capital: list[CapitalOut]
    expenses: list[ExpenseOut]
    preview: PreviewOut | None
    preview_error: str | None


class FinancialAssessmentIn(InSchema):
    limits_from = (FinancialAssessment,)

    route: str = Route.FULL


class FinancialAssessmentPatch(PatchSchema):
    limits_from = (FinancialAssessment,)

    household: str | None = None
    dependants: int | None = None
    evidence_seen: str | None = None
    benefits_check_done: bool | None = None
    benefits_check_notes: str | None = None
    welfare_rights_referral: bool | None = None


class IncomeIn(InSchema):
    limits_from = (Income,)

    income_type: str
    amount: MoneyText
    period: str
    owner: str = Owner.PERSON
    evidence_seen: bool = False
    note: str = ""


class CapitalIn(InSchema):
    limits_from = (Capital,)

    kind: str
    amount: MoneyText
    owner: str = Owner.PERSON
    evidence_seen: bool = False
    note: str = ""


class ExpenseIn(InSchema):
    limits_from = (Expense,)

    kind: str
    amount: MoneyText
    period: str
    evidence_seen: bool = False
    note: str = ""


class CompleteIn(InSchema):
    effective_from: datetime.date | None = None


class CompletedOut(Schema):
    assessment: FinancialAssessmentOut
    contributions: list[ChargeContributionOut]


class WaiverIn(InSchema):
    limits_from = (Waiver,)

    reason: str
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    weekly_reduction: MoneyText = None


class WaiverDecisionIn(InSchema):
    max_lengths = {"reason": 2000}  # the decision's reasons (Waiver.decision_reason)

    approve: bool
    reason: str


class WaiverOut(Schema):
    id: int
    person_id: int
    status: str
    weekly_reduction_pence: int | None
    weekly_reduction: str | None
    reason: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    requested_by: str
    requested_at: datetime.datetime
    decided_by: str | None
    decided_at: datetime.datetime | None
    decision_reason: str


class PolicyAmountOut(Schema):
    key: str
    label: str
    amount_pence: int
    amount: str
    effective_from: str | None
    source: str | None


class PolicyPercentOut(Schema):
    key: str
    label: str
    percent: str
    effective_from: str | None
    source: str | None


class ThresholdOut(Schema):
    age_group: str
    base: PolicyAmountOut
    buffer: PolicyPercentOut
    threshold_pence: int
    threshold: str


class FreeServiceOut(Schema):
    service_type: str
    label: str
    why: str


class ChargingPolicyOut(Schema):
    authority_code: str
    authority_name: str
    country: str
    on: datetime.date
    model: str
    model_description: str
    pension_age_years: int
    thresholds: list[ThresholdOut] | None
    minimum_income_guarantee: list[PolicyAmountOut] | None
    taper: PolicyPercentOut
    weekly_cap: PolicyAmountOut
    capital_lower_limit: PolicyAmountOut
    capital_upper_limit: PolicyAmountOut
    tariff_step: PolicyAmountOut
    disregards: list[PolicyPercentOut]
    flat_rates: list[PolicyAmountOut]
    free_by_law: list[FreeServiceOut]
    figures: list[FigureOut]


# --- Money in and out --------------------------------------------------------------------


def _money(pence: int | None) -> str | None:
    return None if pence is None else str(pounds(pence))


def _pounds(pence: int) -> str:
    return str(pounds(pence))




# --- Output ------------------------------------------------------------------------------


def _lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"text": line["text"], "kind": line["kind"], "amount_pence": line["pence"],
             "amount": _pounds(line["pence"])} for line in lines]


def _shares(shares: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"key": s["key"], "label": s["label"], "service_type": s["service_type"],
             "option": s["option"], "weekly_cost_pence": s["weekly_cost"],
             "weekly_cost": _pounds(s["weekly_cost"]), "free": s["free"],
             "flat_rate": s["flat_rate"], "charged_pence": s["charged"],
             "charged": _pounds(s["charged"]), "council_pays_pence": s["council_pays"],
             "council_pays": _pounds(s["council_pays"])} for s in shares]


def _figures(figures: list[dict[str, str]] | tuple[dict[str, str], ...]) -> list[dict[str, str]]:
    return [{"key": f["key"], "label": f["label"], "value": f["value"],
             "effective_from": f["from"], "source": f["source"]} for f in figures]


def _contribution_out(c: Contribution) -> dict[str, Any]:
    return {
        "id": c.pk, "person_id": c.person_id, "assessment_id": c.assessment_id,
        "basis": c.basis, "basis_label": c.get_basis_display(),
        "weekly_amount_pence": c.weekly_amount, "weekly_amount": _pounds(c.weekly_amount),
        "chargeable_cost_pence": c.chargeable_cost, "chargeable_cost": _pounds(c.chargeable_cost),
        "effective_from": c.effective_from, "effective_to": c.effective_to,
        "superseded": c.superseded, "reason": c.reason, "calculated_at": c.calculated_at,
        "lines": _lines(c.lines), "services": _shares(c.services), "figures": _figures(c.figures),
    }


def _preview_out(result: Result) -> dict[str, Any]:
    return {"basis": result.basis, "basis_label": Basis(result.basis).label,
            "weekly_amount_pence": result.weekly, "weekly_amount": _pounds(result.weekly),
            "chargeable_cost_pence": result.chargeable_cost,
            "chargeable_cost": _pounds(result.chargeable_cost),
            "lines": _lines([line.as_dict() for line in result.lines]),
            "services": _shares(result.services)}


def _service_out(s: PlannedService) -> dict[str, Any]:
    return {"id": s.pk, "person_id": s.person_id, "service_type": s.service_type,
            "service_type_label": s.get_service_type_display(), "description": s.description,
            "option": s.option, "weekly_cost_pence": s.weekly_cost,
            "weekly_cost": _pounds(s.weekly_cost), "starts_on": s.starts_on,
            "ends_on": s.ends_on,
            "free_by_law": services.is_free_by_law(s.person, s.service_type)}


def _name(user: Any) -> str | None:
    return None if user is None else (user.get_full_name() or user.username)


def _assessment_out(fa: FinancialAssessment) -> dict[str, Any]:
    preview: dict[str, Any] | None = None
    preview_error: str | None = None
    try:
        preview = _preview_out(services.preview(fa.person, clock.today(), fa))
    except NoChargingPolicy as exc:
        preview_error = str(exc)
    return {
        **{f: getattr(fa, f) for f in (
            "id", "person_id", "route", "status", "household", "dependants", "evidence_seen",
            "benefits_check_done", "benefits_check_notes", "welfare_rights_referral",
            "assessed_on", "created_at")},
        "assessed_by": _name(fa.assessed_by),
        "incomes": [{"id": i.pk, "income_type": i.income_type,
                     "label": i.note or IncomeType(i.income_type).label, "owner": i.owner,
                     "amount_pence": i.amount, "amount": _pounds(i.amount), "period": i.period,
                     "evidence_seen": i.evidence_seen, "note": i.note}
                    for i in fa.incomes.order_by("pk")],
        "capital": [{"id": c.pk, "kind": c.kind, "label": c.note or CapitalKind(c.kind).label,
                     "owner": c.owner, "amount_pence": c.amount, "amount": _pounds(c.amount),
                     "evidence_seen": c.evidence_seen, "note": c.note}
                    for c in fa.capital.order_by("pk")],
        "expenses": [{"id": e.pk, "kind": e.kind, "label": e.note or ExpenseKind(e.kind).label,
                      "disability_related": e.disability_related, "amount_pence": e.amount,
                      "amount": _pounds(e.amount), "period": e.period,
                      "evidence_seen": e.evidence_seen, "note": e.note}
                     for e in fa.expenses.order_by("pk")],
        "preview": preview, "preview_error": preview_error,
    }


def _waiver_out(w: Waiver) -> dict[str, Any]:
    return {
        **{f: getattr(w, f) for f in (
            "id", "person_id", "status", "reason", "starts_on", "ends_on", "requested_at",
            "decided_at", "decision_reason")},
        "weekly_reduction_pence": w.weekly_reduction,
        "weekly_reduction": _money(w.weekly_reduction),
        "requested_by": _name(w.requested_by), "decided_by": _name(w.decided_by),
    }


# --- Loading -----------------------------------------------------------------------------


def _person(request: Any, person_id: int, permission: str) -> Person:
    return person_get(user=request.user, person_id=person_id, path=request.path,
                      channel="api", permission=permission)


def _financial_assessment(request: Any, assessment_id: int,
                          permission: str) -> FinancialAssessment:
    return person_record_get(FinancialAssessment.objects.all(), assessment_id,
                             user=request.user, permission=permission, path=request.path,
                             channel="api", not_found="No financial assessment found.")


def _planned_service(request: Any, service_id: int, permission: str) -> PlannedService:
    return person_record_get(PlannedService.objects.all(), service_id, user=request.user,
                             permission=permission, path=request.path, channel="api",
                             not_found="No planned service found.")


def _waiver(request: Any, waiver_id: int, permission: str) -> Waiver:
    return person_record_get(Waiver.objects.all(), waiver_id, user=request.user,
                             permission=permission, path=request.path, channel="api",
                             not_found="No waiver found.")


# --- The contribution --------------------------------------------------------------------


@router.get("/people/{id:person_id}/contribution",
            response={200: ContributionOnOut, 404: NoContributionOut},
            summary="The contribution in force on a day (today by default), with its workings")
@api_permission(VIEW)
def contribution_read(request: Any, person_id: int, on: datetime.date | None = None) -> Any:
    person = _person(request, person_id, VIEW)
    day = on or clock.today()
    needed = services.assessment_needed(person, day)
    contribution = services.contribution_on(person, day)
    if contribution is None:
        why = ("a financial assessment is needed first" if needed
               else "nothing is charged for the services planned")
        return Status(404, {"detail": f"No contribution applies on {day:%-d %B %Y}: {why}.",
                            "errors": {}, "on": day, "assessment_needed": needed})
    return {**_contribution_out(contribution), "on": day, "assessment_needed": needed}


@router.get("/people/{id:person_id}/contributions",
            response={200: list[ChargeContributionOut], 404: ErrorOut},
            summary="Every contribution worked out for the person, the latest first "
                    "(superseded ones were replaced before they applied)")
@api_permission(VIEW)
def contribution_list(request: Any, person_id: int) -> Any:
    person = _person(request, person_id, VIEW)
    return [_contribution_out(c) for c in
            person.contributions.order_by("-effective_from", "-calculated_at", "-pk")]


# --- Planned services --------------------------------------------------------------------


@router.get("/people/{id:person_id}/planned-services",
            response={200: list[PlannedServiceOut], 404: ErrorOut},
            summary="The services a contribution applies to")
@api_permission(VIEW)
def planned_service_list(request: Any, person_id: int) -> Any:
    person = _person(request, person_id, VIEW)
    items = list(person.planned_services.order_by("starts_on", "pk"))
    for item in items:
        item.person = person
    return [_service_out(s) for s in items]


@router.post("/people/{id:person_id}/planned-services",
             response={201: PlannedServiceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Plan a service with its cost a week (in pounds, as text: \"120.50\")")
@api_permission(RECORD)
def planned_service_create(request: Any, person_id: int, payload: PlannedServiceIn) -> Any:
    person = _person(request, person_id, RECORD)
    data = payload.dict()
    cost = data.pop("weekly_cost")
    service = with_money(services.planned_service_add,
                          {"weekly_cost": (cost, "the cost a week")},
                          actor=request.user, person=person, **data)
    return Status(201, _service_out(service))


@router.post("/planned-services/{id:service_id}/end",
             response={200: PlannedServiceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="End a planned service on a date")
@api_permission(RECORD)
def planned_service_ending(request: Any, service_id: int, payload: ServiceEndIn) -> Any:
    service = _planned_service(request, service_id, RECORD)
    return _service_out(services.planned_service_end(actor=request.user, service=service,
                                                     ends_on=payload.ends_on))


# --- The financial assessment ------------------------------------------------------------


@router.post("/people/{id:person_id}/financial-assessments",
             response={201: FinancialAssessmentOut, 403: ErrorOut, 404: ErrorOut,
                       422: ErrorOut},
             summary="Start a financial assessment (route \"full\", or \"declined\" when the "
                     "person chooses not to be assessed)")
@api_permission(ASSESS)
def financial_assessment_create(request: Any, person_id: int,
                                payload: FinancialAssessmentIn | None = None) -> Any:
    payload = payload or FinancialAssessmentIn()
    person = _person(request, person_id, ASSESS)
    assessment = services.financial_assessment_start(actor=request.user, person=person,
                                                     route=payload.route)
    return Status(201, _assessment_out(assessment))


@router.get("/financial-assessments/{id:financial_assessment_id}",
            response={200: FinancialAssessmentOut, 404: ErrorOut},
            summary="A financial assessment, with what the person would pay by it today")
@api_permission(VIEW)
def financial_assessment_read(request: Any, financial_assessment_id: int) -> Any:
    return _assessment_out(_financial_assessment(request, financial_assessment_id, VIEW))


@router.patch("/financial-assessments/{id:financial_assessment_id}",
              response={200: FinancialAssessmentOut, 403: ErrorOut, 404: ErrorOut,
                        422: ErrorOut},
              summary="Change the assessment's details (household, dependants, evidence, "
                      "the benefits check)")
@api_permission(ASSESS)
def financial_assessment_change(request: Any, financial_assessment_id: int,
                                payload: FinancialAssessmentPatch) -> Any:
    assessment = _financial_assessment(request, financial_assessment_id, ASSESS)
    changes = payload.dict(exclude_unset=True)
    nulls = [name for name, value in changes.items() if value is None]
    if nulls:
        raise ValidationError(dict.fromkeys(nulls, "Give a value, or leave this out"))
    return _assessment_out(services.financial_assessment_update(
        actor=request.user, assessment=assessment, **changes))


@router.post("/financial-assessments/{id:financial_assessment_id}/incomes",
             response={201: FinancialAssessmentOut, 403: ErrorOut, 404: ErrorOut,
                       422: ErrorOut},
             summary="Add an income: an amount in pounds, as text, for a period")
@api_permission(ASSESS)
def income_create(request: Any, financial_assessment_id: int, payload: IncomeIn) -> Any:
    assessment = _financial_assessment(request, financial_assessment_id, ASSESS)
    data = payload.dict()
    amount = data.pop("amount")
    with_money(services.income_add, {"amount": (amount, "the amount")},
                actor=request.user, assessment=assessment, **data)
    return Status(201, _assessment_out(assessment))


@router.post("/financial-assessments/{id:financial_assessment_id}/capital",
             response={201: FinancialAssessmentOut, 403: ErrorOut, 404: ErrorOut,
                       422: ErrorOut},
             summary="Add capital: an amount in pounds, as text")
@api_permission(ASSESS)
def capital_create(request: Any, financial_assessment_id: int, payload: CapitalIn) -> Any:
    assessment = _financial_assessment(request, financial_assessment_id, ASSESS)
    data = payload.dict()
    amount = data.pop("amount")
    with_money(services.capital_add, {"amount": (amount, "the amount")},
                actor=request.user, assessment=assessment, **data)
    return Status(201, _assessment_out(assessment))


@router.post("/financial-assessments/{id:financial_assessment_id}/expenses",
             response={201: FinancialAssessmentOut, 403: ErrorOut, 404: ErrorOut,
                       422: ErrorOut},
             summary="Add a housing cost or disability-related expense: an amount in pounds, "
                     "as text, for a period")
@api_permission(ASSESS)
def expense_create(request: Any, financial_assessment_id: int, payload: ExpenseIn) -> Any:
    assessment = _financial_assessment(request, financial_assessment_id, ASSESS)
    data = payload.dict()
    amount = data.pop("amount")
    with_money(services.expense_add, {"amount": (amount, "the amount")},
                actor=request.user, assessment=assessment, **data)
    return Status(201, _assessment_out(assessment))


def _item_removed(request: Any, financial_assessment_id: int, model: type[Any],
                  item_id: int) -> Any:
    assessment = _financial_assessment(request, financial_assessment_id, ASSESS)
    item = model.objects.filter(pk=item_id, assessment=assessment).first()
    if item is None:
        raise Http404("No such item in this financial assessment.")
    item.assessment = assessment
    services.assessment_item_remove(actor=request.user, item=item)
    return _assessment_out(assessment)


@router.delete("/financial-assessments/{id:financial_assessment_id}/incomes/{id:item_id}",
               response={200: FinancialAssessmentOut, 403: ErrorOut, 404: ErrorOut,
                         422: ErrorOut},
               summary="Remove an income")
@api_permission(ASSESS)
def income_delete(request: Any, financial_assessment_id: int, item_id: int) -> Any:
    return _item_removed(request, financial_assessment_id, Income, item_id)


@router.delete("/financial-assessments/{id:financial_assessment_id}/capital/{id:item_id}",
               response={200: FinancialAssessmentOut, 403: ErrorOut, 404: ErrorOut,
                         422: ErrorOut},
               summary="Remove capital")
@api_permission(ASSESS)
def capital_delete(request: Any, financial_assessment_id: int, item_id: int) -> Any:
    return _item_removed(request, financial_assessment_id, Capital, item_id)


@router.delete("/financial-assessments/{id:financial_assessment_id}/expenses/{id:item_id}",
               response={200: FinancialAssessmentOut, 403: ErrorOut, 404: ErrorOut,
                         422: ErrorOut},
               summary="Remove an expense")
@api_permission(ASSESS)
def expense_delete(request: Any, financial_assessment_id: int, item_id: int) -> Any:
    return _item_removed(request, financial_assessment_id, Expense, item_id)


@router.post("/financial-assessments/{id:financial_assessment_id}/complete",
             response={200: CompletedOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Complete the assessment and work out the contribution from a date "
                     "(today by default)")
@api_permission(ASSESS)
def financial_assessment_completion(request: Any, financial_assessment_id: int,
                                    payload: CompleteIn | None = None) -> Any:
    payload = payload or CompleteIn()
    assessment = _financial_assessment(request, financial_assessment_id, ASSESS)
    created = services.financial_assessment_complete(
        actor=request.user, assessment=assessment, effective_from=payload.effective_from)
    return {"assessment": _assessment_out(assessment),
            "contributions": [_contribution_out(c) for c in created]}


# --- Hardship waivers --------------------------------------------------------------------


@router.post("/people/{id:person_id}/waivers",
             response={201: WaiverOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Ask for a hardship waiver (a reduction a week in pounds, as text, or "
                     "none to waive the whole contribution)")
@api_permission(REQUEST_WAIVER)
def waiver_create(request: Any, person_id: int, payload: WaiverIn) -> Any:
    person = _person(request, person_id, REQUEST_WAIVER)
    data = payload.dict()
    reduction = data.pop("weekly_reduction")
    if reduction is None:
        waiver = services.waiver_request(actor=request.user, person=person, **data)
    else:
        waiver = with_money(services.waiver_request,
                             {"weekly_reduction": (reduction, "the reduction a week")},
                             actor=request.user, person=person, **data)
    return Status(201, _waiver_out(waiver))


@router.post("/waivers/{id:waiver_id}/decision",
             response={200: WaiverOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Approve or refuse a hardship waiver, with reasons the person reads "
                     "(never one's own request)")
@api_permission(DECIDE_WAIVER)
def waiver_decision(request: Any, waiver_id: int, payload: WaiverDecisionIn) -> Any:
    waiver = _waiver(request, waiver_id, DECIDE_WAIVER)
    try:
        decided = services.waiver_decide(actor=request.user, waiver=waiver,
                                         approve=payload.approve, reason=payload.reason)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "decision_reason" in exc.error_dict:
            raise ValidationError({"reason": exc.message_dict["decision_reason"]}) from exc
        raise
    return _waiver_out(decided)


# --- The charging policy -----------------------------------------------------------------

MODELS: dict[str, tuple[str, str]] = {
    Country.SCOTLAND: ("threshold_and_taper", (
        "COSLA national strategy and guidance: income above a threshold (the benefit rate "
        "for the person's age group plus a buffer) is charged at the taper; personal and "
        "nursing care are free")),
    Country.ENGLAND: ("minimum_income_guarantee", (
        "Care Act 2014 and the Care and Support (Charging and Assessment of Resources) "
        "Regulations 2014: income above the minimum income guarantee, less housing costs "
        "and disability-related expenditure, is charged at the taper")),
}


def _policy_out(authority: Authority, rules: ChargingRules) -> dict[str, Any]:
    shown = {f["key"]: f for f in rules.figures}

    def meta(key: str) -> dict[str, Any]:
        figure = shown.get(key, {})
        return {"key": key, "label": figure.get("label", key),
                "effective_from": figure.get("from"), "source": figure.get("source")}

    def amount(key: str, pence: int) -> dict[str, Any]:
        return {**meta(key), "amount_pence": pence, "amount": _pounds(pence)}

    def percent(key: str, rate: Any) -> dict[str, Any]:
        return {**meta(key), "percent": format(rate, "f")}

    thresholds = mig = None
    if rules.country == Country.SCOTLAND:
        thresholds = [
            {"age_group": group,
             "base": amount(f"charging.threshold_base_{group}_weekly", policy_value(
                 authority=authority, key=f"charging.threshold_base_{group}_weekly",
                 on=rules.on)),
             "buffer": percent(f"charging.buffer_{group}_percent",
                               getattr(rules, f"buffer_{group}_percent")),
             "threshold_pence": getattr(rules, f"threshold_{group}"),
             "threshold": _pounds(getattr(rules, f"threshold_{group}"))}
            for group in ("working_age", "pension_age")]
    else:
        mig = [amount("charging.mig_single_18_24_weekly", rules.mig_18_24),
               amount("charging.mig_single_25_plus_weekly", rules.mig_25_plus),
               amount("charging.mig_pension_age_single_weekly", rules.mig_pension_age),
               amount("charging.mig_disability_premium_weekly", rules.mig_disability_premium),
               amount("charging.mig_enhanced_disability_premium_weekly",
                      rules.mig_enhanced_disability_premium)]
    model, description = MODELS[rules.country]
    return {
        "authority_code": authority.code, "authority_name": authority.name,
        "country": rules.country, "on": rules.on, "model": model,
        "model_description": description, "pension_age_years": rules.pension_age,
        "thresholds": thresholds, "minimum_income_guarantee": mig,
        "taper": percent("charging.taper_percent", rules.taper_percent),
        "weekly_cap": amount("charging.weekly_cap", rules.weekly_cap),
        "capital_lower_limit": amount("charging.capital_lower_limit", rules.capital_lower),
        "capital_upper_limit": amount("charging.capital_upper_limit", rules.capital_upper),
        "tariff_step": amount("charging.tariff_capital_step", rules.tariff_step),
        "disregards": [percent(f"charging.disregard.{kind}", rate)
                       for kind, rate in sorted(rules.disregard_percent.items()) if rate],
        "flat_rates": [amount(f"charging.flat_rate.{kind}", pence)
                       for kind, pence in sorted(rules.flat_rates.items()) if pence],
        "free_by_law": [{"service_type": t, "label": ServiceType(t).label, "why": WHY_FREE[t]}
                        for t in ServiceType.values if t in FREE_BY_LAW[rules.country]],
        "figures": _figures(rules.figures),
    }


@router.get("/authorities/{text:code}/charging-policy",
            response={200: ChargingPolicyOut, 404: ErrorOut, 422: ErrorOut},
            summary="The charging rules in force for an authority on a day (today by "
                    "default), each figure with its source and date")
@api_permission(AUTHENTICATED)
def charging_policy_read(request: Any, code: str, on: datetime.date | None = None) -> Any:
    authority = Authority.objects.filter(code=code).first()
    if authority is None:
        raise Http404("No authority found.")
    day = on or clock.today()
    try:
        rules = charging_rules(authority, day)
    except NoChargingPolicy as exc:
        raise ValidationError({"on": str(exc)}) from exc
    return _policy_out(authority, rules)
