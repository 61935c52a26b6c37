"""The budgets in the HTTP API (tag "budgets"), mounted at /api/ by ``selfdirect.api.api``.

The same permissions as the pages: each operation names its permission
(``api_permission``), loads the person through ``person_get`` (404, logged, for a record
the caller may not see or change) and calls the same services. Money goes out twice, as
whole pence (``*_pence``, an integer) and as pounds in a decimal string ("1485.00"); it
comes in as text ("520.00", "12.5"), never as a JSON number, so no float is involved.
"""


import datetime
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from selfdirect.allocation import costing, services
from selfdirect.allocation.models import (
    BudgetAdjustment,
    BudgetException,
    EmployerCosting,
    FundingLine,
    IndicativeBudget,
    RasQuestion,
)
from selfdirect.allocation.selectors import budget_explanation
from selfdirect.api.inputs import InSchema
from selfdirect.api.permissions import api_permission
from selfdirect.api.schemas import ErrorOut
from selfdirect.assessments.models import Assessment
from selfdirect.core import clock
from selfdirect.core.money import pounds
from selfdirect.people.models import Person
from selfdirect.people.selectors import person_get, person_record_get

VIEW = "allocation.view_budget"
CALCULATE = "allocation.calculate_budget"
AGREE = "allocation.agree_budget"

router = Router(tags=["budgets"])


# --- Schemas -----------------------------------------------------------------------------


class ExplanationLineOut(Schema):
    kind: str
    text: str
    points: int | None
    amount_pence: int | None
    amount: str | None
    reason: str


class AdjustmentOut(Schema):
    id: int
    kind: str
    amount_pence: int | None
    amount: str | None
    percent: str | None
    reason_code: str
    reason: str


class BudgetSummaryOut(Schema):
    id: int
    person_id: int
    assessment_id: int
    state: str
    total_pence: int
    total: str
    period: str
    calculated_at: datetime.datetime


class FundingLineOut(Schema):
    id: int
    stream: str
    description: str
    amount_pence: int
    amount: str
    period: str
    yearly_pence: int
    yearly: str


class CostLineOut(Schema):
    key: str
    label: str
    rule: str
    amount_pence: int
    amount: str


class EmployerCostingOut(Schema):
    id: int
    label: str
    hourly_wage_pence: int
    hourly_wage: str
    hours_per_week: str
    employment_allowance: bool
    pension_enrolled: bool
    rates_on: datetime.date
    lines: list[CostLineOut]
    yearly_total_pence: int
    yearly_total: str
    start_up_pence: int
    start_up: str


class ExceptionOut(Schema):
    id: int
    kind: str
    reason: str


class BudgetOut(BudgetSummaryOut):
    points: int
    price_per_point_pence: int
    price_per_point: str
    base_amount_pence: int
    base_amount: str
    proposed_at: datetime.datetime | None
    agreed_on: datetime.date | None
    decision_reason: str
    needs_panel: bool
    panel_reasons: list[str]
    review_flag: str
    lines: list[ExplanationLineOut]
    adjustments: list[AdjustmentOut]
    individual_budget_yearly_pence: int
    individual_budget_yearly: str
    funding_lines: list[FundingLineOut]
    employer_costings: list[EmployerCostingOut]
    exceptions: list[ExceptionOut]


class AnswersIn(InSchema):
    answers: dict[str, str]


class AnswersOut(Schema):
    recorded: int
    unanswered: list[str]
    budget: BudgetOut | None


class AdjustmentIn(InSchema):
    limits_from = (BudgetAdjustment,)

    kind: str
    reason_code: str
    reason: str
    amount: str | None = None
    percent: str | None = None


class BudgetAgreeIn(InSchema):
    reason: str


class FundingLineIn(InSchema):
    limits_from = (FundingLine,)

    stream: str
    description: str
    amount: str
    period: str


class EmployerCostingIn(InSchema):
    limits_from = (EmployerCosting,)

    label: str
    hourly_wage: str
    hours_per_week: str
    employment_allowance: bool
    pension_enrolled: bool = True


class ExceptionIn(InSchema):
    limits_from = (BudgetException,)

    kind: str
    reason: str


# --- Output ------------------------------------------------------------------------------


def _money(pence: int | None) -> str | None:
    return None if pence is None else str(pounds(pence))


def _summary(budget: IndicativeBudget) -> dict[str, Any]:
    return {"id": budget.pk, "person_id": budget.person_id,
            "assessment_id": budget.assessment_id, "state": budget.state,
            "total_pence": budget.total, "total": _money(budget.total),
            "period": budget.period, "calculated_at": budget.calculated_at}


def _adjustment(a: BudgetAdjustment) -> dict[str, Any]:
    return {"id": a.pk, "kind": a.kind, "amount_pence": a.amount, "amount": _money(a.amount),
            "percent": None if a.percent is None else format(a.percent, "f"),
            "reason_code": a.reason_code, "reason": a.reason}


def _budget_out(budget: IndicativeBudget) -> dict[str, Any]:
    explanation = budget_explanation(budget)
    return {
        **_summary(budget), "points": budget.points,
        "price_per_point_pence": budget.price_per_point,
        "price_per_point": _money(budget.price_per_point),
        "base_amount_pence": budget.base_amount, "base_amount": _money(budget.base_amount),
        "proposed_at": budget.proposed_at, "agreed_on": budget.agreed_on,
        "decision_reason": budget.decision_reason, "needs_panel": budget.needs_panel,
        "panel_reasons": list(budget.panel_reasons), "review_flag": budget.review_flag,
        "lines": [{"kind": line.kind, "text": line.text, "points": line.points,
                   "amount_pence": line.amount, "amount": _money(line.amount),
                   "reason": line.reason} for line in explanation.lines],
        "adjustments": [_adjustment(a) for a in budget.adjustments.order_by("pk")],
        **_costs_out(budget),
    }


def _costs_out(budget: IndicativeBudget) -> dict[str, Any]:
    """The individual budget: funding streams, personal assistants' employer costs line by
    line, and exceptions for the panel."""
    context = costing.costs_context(budget)
    yearly = context["budget_total_row"].yearly
    return {
        "individual_budget_yearly_pence": yearly, "individual_budget_yearly": _money(yearly),
        "funding_lines": [{"id": f.pk, "stream": f.stream, "description": f.description,
                           "amount_pence": f.amount, "amount": _money(f.amount),
                           "period": f.period, "yearly_pence": f.yearly_amount,
                           "yearly": _money(f.yearly_amount)}
                          for f in context["funding_lines"]],
        "employer_costings": [
            {"id": c.pk, "label": c.label, "hourly_wage_pence": c.hourly_wage,
             "hourly_wage": _money(c.hourly_wage), "hours_per_week": format(c.hours_per_week, "f"),
             "employment_allowance": c.employment_allowance,
             "pension_enrolled": c.pension_enrolled, "rates_on": c.rates_on,
             "lines": [{"key": line["key"], "label": line["label"], "rule": line["rule"],
                        "amount_pence": line["amount"], "amount": _money(line["amount"])}
                       for line in c.lines],
             "yearly_total_pence": c.yearly_total, "yearly_total": _money(c.yearly_total),
             "start_up_pence": c.start_up, "start_up": _money(c.start_up)}
            for c in (item["costing"] for item in context["employer_costings"])],
        "exceptions": [{"id": e.pk, "kind": e.kind, "reason": e.reason}
                       for e in context["budget_exceptions"]],
    }


# --- Loading -----------------------------------------------------------------------------


def _budget(request: Any, budget_id: int, permission: str) -> IndicativeBudget:
    return person_record_get(IndicativeBudget.objects.all(), budget_id, user=request.user,
                             permission=permission, path=request.path, channel="api",
                             not_found="No budget found.")


def _assessment(request: Any, assessment_id: int, permission: str) -> Assessment:
    return person_record_get(Assessment.objects.all(), assessment_id, user=request.user,
                             permission=permission, path=request.path, channel="api",
                             not_found="No assessment found.")


# --- Operations --------------------------------------------------------------------------


@router.get("/budgets/{id:budget_id}", response={200: BudgetOut, 404: ErrorOut},
            summary="A budget and how it was worked out")
@api_permission(VIEW)
def budget_read(request: Any, budget_id: int) -> Any:
    return _budget_out(_budget(request, budget_id, VIEW))


@router.get("/people/{id:person_id}/budgets", response={200: list[BudgetSummaryOut],
                                                        404: ErrorOut},
            summary="A person's budgets, the latest first")
@api_permission(VIEW)
def budget_list(request: Any, person_id: int) -> Any:
    person: Person = person_get(user=request.user, person_id=person_id, path=request.path,
                                channel="api", permission=VIEW)
    return [_summary(b) for b in IndicativeBudget.objects.filter(person=person)
            .order_by("-calculated_at", "-pk")]


@router.post("/assessments/{id:assessment_id}/budget/answers",
             response={200: AnswersOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Record answers to the budget questions (question code: answer code); "
                     "the indicative budget once every question is answered")
@api_permission(CALCULATE)
def budget_answers(request: Any, assessment_id: int, payload: AnswersIn) -> Any:
    assessment = _assessment(request, assessment_id, CALCULATE)
    if not payload.answers:
        raise ValidationError({"answers": "Give at least one answer, by question code"})
    recorded = services.ras_responses_record(actor=request.user, assessment=assessment,
                                             answers=payload.answers)
    version = services.live_version_on(assessment.person.authority_id, clock.today(),
                                       person=assessment.person)
    answered = set(assessment.ras_responses.values_list("question__code", flat=True))
    unanswered = [code for code in RasQuestion.objects.filter(domain__version=version)
                  .order_by("domain__position", "position", "pk").values_list("code", flat=True)
                  if code not in answered]
    budget = None
    if not unanswered:
        budget = _budget_out(services.indicative_budget_calculate(actor=request.user,
                                                                  assessment=assessment))
    return {"recorded": len(recorded), "unanswered": unanswered, "budget": budget}


@router.post("/budgets/{id:budget_id}/adjustments",
             response={201: BudgetOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Add an adjustment with its reason (amount in pounds or percent, as text)")
@api_permission(CALCULATE)
def budget_adjustment_create(request: Any, budget_id: int, payload: AdjustmentIn) -> Any:
    budget = _budget(request, budget_id, CALCULATE)
    services.budget_adjust(actor=request.user, budget=budget, **payload.dict())
    return Status(201, _budget_out(IndicativeBudget.objects.get(pk=budget.pk)))


@router.post("/budgets/{id:budget_id}/propose",
             response={200: BudgetOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Propose an indicative budget (needs_panel says whether the panel decides)")
@api_permission(CALCULATE)
def budget_proposal(request: Any, budget_id: int) -> Any:
    budget = _budget(request, budget_id, CALCULATE)
    return _budget_out(services.budget_propose(actor=request.user, budget=budget))


@router.post("/budgets/{id:budget_id}/agree",
             response={200: BudgetOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Agree a proposed budget, with reasons the person reads (team manager)")
@api_permission(AGREE)
def budget_agreement(request: Any, budget_id: int, payload: BudgetAgreeIn) -> Any:
    budget = _budget(request, budget_id, AGREE)
    try:
        agreed = services.budget_agree(actor=request.user, budget=budget, reason=payload.reason)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "decision_reason" in exc.error_dict:
            raise ValidationError({"reason": exc.message_dict["decision_reason"]}) from exc
        raise
    return _budget_out(agreed)


@router.post("/budgets/{id:budget_id}/funding-lines",
             response={201: BudgetOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Add money from another funding stream (amount in pounds, as text, for a "
                     "period: weekly, four_weekly or yearly)")
@api_permission(CALCULATE)
def funding_line_create(request: Any, budget_id: int, payload: FundingLineIn) -> Any:
    budget = _budget(request, budget_id, CALCULATE)
    costing.funding_line_add(actor=request.user, budget=budget, **payload.dict())
    return Status(201, _budget_out(IndicativeBudget.objects.get(pk=budget.pk)))


@router.post("/budgets/{id:budget_id}/employer-costings",
             response={201: BudgetOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Cost a personal assistant with the figures in force today (wage in "
                     "pounds and hours a week, as text)")
@api_permission(CALCULATE)
def employer_costing_create(request: Any, budget_id: int, payload: EmployerCostingIn) -> Any:
    budget = _budget(request, budget_id, CALCULATE)
    costing.employer_costing_add(actor=request.user, budget=budget, **payload.dict())
    return Status(201, _budget_out(IndicativeBudget.objects.get(pk=budget.pk)))


@router.post("/budgets/{id:budget_id}/exceptions",
             response={201: BudgetOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Record an exception the panel must decide, with its reason")
@api_permission(CALCULATE)
def exception_create(request: Any, budget_id: int, payload: ExceptionIn) -> Any:
    budget = _budget(request, budget_id, CALCULATE)
    costing.budget_exception_record(actor=request.user, budget=budget, **payload.dict())
    return Status(201, _budget_out(IndicativeBudget.objects.get(pk=budget.pk)))
