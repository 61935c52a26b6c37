"""Choice and support planning in the HTTP API (tag "planning"), mounted at /api/ by
``selfdirect.api.api``.

The same permissions and services as the pages: the four options explained for a person
with their amounts, the choice recorded, and the support plan read and written. Every
change to a plan carries the ``version`` the caller read; a change to a plan someone else
changed since is refused (409) with the list of what changed, so nothing is overwritten.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from selfdirect.allocation.selectors import person_current_budget
from selfdirect.api.inputs import InSchema
from selfdirect.api.money import MoneyText, pounds_text, with_money
from selfdirect.api.permissions import api_permission
from selfdirect.api.schemas import ErrorOut
from selfdirect.core import clock
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.models import Person
from selfdirect.people.selectors import person_get, person_record_get
from selfdirect.planning import plans, selectors, services
from selfdirect.planning.models import OptionChoice, SupportLine, SupportPlan

VIEW = "planning.view_options"
RECORD = "planning.record_choice"
WRITE = "planning.write_plan"
AGREE = "planning.agree_own_plan"

router = Router(tags=["planning"])


class OptionOut(Schema):
    number: str
    title: str
    money_held_by: str
    chooses: str
    arranges: str
    responsibilities: list[str]
    help_available: list[str]
    amount: str
    period: str
    amount_note: str
    available: bool
    unavailable_reasons: str
    review_on: datetime.date | None


class ChoiceOut(Schema):
    id: int
    options: str
    label: str
    no_choice: bool
    decided_on: datetime.date
    present: str
    explained_how: str
    advocate_helped: bool
    broker_helped: bool
    direct_payment_available: bool
    direct_payment_reasons: str
    direct_payment_review_on: datetime.date | None


class OptionsOut(Schema):
    person_id: int
    budget_id: int | None
    budget_state: str
    yearly: str
    four_weekly: str
    options: list[OptionOut]
    current_choice: ChoiceOut | None


class ChoiceIn(InSchema):
    limits_from = (OptionChoice,)

    options: list[str] = []
    no_choice: bool = False
    decided_on: datetime.date
    present: str
    explained_how: str = ""
    advocate_helped: bool = False
    broker_helped: bool = False
    direct_payment_available: bool = True
    direct_payment_reasons: str = ""
    direct_payment_review_on: datetime.date | None = None


class PlanLineOut(Schema):
    id: int
    outcome_id: int | None
    what: str
    who_kind: str
    who_name: str
    when: str
    hours_per_week: Decimal | None
    weekly_cost_pence: int
    weekly_cost: str
    option: str
    funding_stream: str
    service_type: str
    contingency: str


class PlanOut(Schema):
    id: int
    person_id: int
    status: str
    version: int
    weekly_total_pence: int
    yearly_total_pence: int
    yearly_total: str
    budget_yearly_pence: int | None
    over_budget_by_pence: int
    over_budget_reason: str
    person_agreed_on: datetime.date | None
    person_agreed_how: str
    worker_signed: bool
    manager_signed: bool
    problems: dict[str, list[str]]
    lines: list[PlanLineOut]


class LineIn(InSchema):
    limits_from = (SupportLine,)

    version: int
    outcome_id: int | None = None
    what: str
    who_kind: str
    who_name: str = ""
    when: str = ""
    hours_per_week: Decimal | None = None
    weekly_cost: MoneyText
    option: str
    funding_stream: str = "council"
    service_type: str
    contingency: str = ""


class VersionIn(InSchema):
    version: int


class PlanAgreeIn(InSchema):
    version: int
    how: str = "online"
    on: datetime.date | None = None
    note: str = ""


class ChangedOut(ErrorOut):
    """A plan changed since it was read (409): the one error shape, and what changed."""

    changes: list[str]


def _person(request: Any, person_id: int, permission: str) -> Person:
    return person_get(user=request.user, person_id=person_id, path=request.path,
                      channel="api", permission=permission)


def _plan(request: Any, plan_id: int, permission: str) -> SupportPlan:
    return person_record_get(SupportPlan.objects.all(), plan_id, user=request.user,
                             permission=permission, path=request.path, channel="api",
                             not_found="No support plan found.")


def _choice_out(choice: OptionChoice | None) -> dict[str, Any] | None:
    if choice is None:
        return None
    return {"id": choice.pk, "options": choice.options, "label": choice.label,
            "no_choice": choice.no_choice, "decided_on": choice.decided_on,
            "present": choice.present, "explained_how": choice.explained_how,
            "advocate_helped": choice.advocate_helped, "broker_helped": choice.broker_helped,
            "direct_payment_available": choice.direct_payment_available,
            "direct_payment_reasons": choice.direct_payment_reasons,
            "direct_payment_review_on": choice.direct_payment_review_on}


def _line_out(line: SupportLine) -> dict[str, Any]:
    return {"id": line.pk, "outcome_id": line.outcome_id, "what": line.what,
            "who_kind": line.who_kind, "who_name": line.who_name, "when": line.when,
            "hours_per_week": line.hours_per_week, "weekly_cost_pence": line.weekly_cost,
            "weekly_cost": pounds_text(line.weekly_cost), "option": line.option,
            "funding_stream": line.funding_stream, "service_type": line.service_type,
            "contingency": line.contingency}


def _plan_out(plan: SupportPlan) -> dict[str, Any]:
    totals = plans.plan_totals(plan)
    return {"id": plan.pk, "person_id": plan.person_id, "status": plan.status,
            "version": plan.version, "weekly_total_pence": totals.weekly,
            "yearly_total_pence": totals.yearly, "yearly_total": pounds_text(totals.yearly),
            "budget_yearly_pence": totals.budget_yearly,
            "over_budget_by_pence": totals.over_budget_by,
            "over_budget_reason": plan.over_budget_reason,
            "person_agreed_on": plan.person_agreed_on,
            "person_agreed_how": plan.person_agreed_how,
            "worker_signed": plan.worker_signed_by_id is not None,
            "manager_signed": plan.manager_signed_by_id is not None,
            "problems": plans.plan_problems(plan),
            "lines": [_line_out(line) for line in plan.lines.order_by("pk")]}


def _changed(exc: plans.PlanChanged) -> Any:
    return Status(409, {"detail": exc.messages[0], "changes": exc.changes})


@router.get("/people/{id:person_id}/options", response={200: OptionsOut, 404: ErrorOut},
            summary="The four options explained for the person, with their amounts")
@api_permission(VIEW)
def options_read(request: Any, person_id: int) -> Any:
    person = _person(request, person_id, VIEW)
    explained = selectors.options_explained(person=person, user=request.user)
    return {"person_id": person.pk,
            "budget_id": explained.budget.pk if explained.budget else None,
            "budget_state": explained.budget_state, "yearly": explained.yearly,
            "four_weekly": explained.four_weekly,
            "options": [vars(option) for option in explained.options],
            "current_choice": _choice_out(explained.current_choice)}


@router.post("/people/{id:person_id}/option-choices",
             response={201: ChoiceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Record the person's choice of options (no choice is Option 3, said so)")
@api_permission(RECORD)
def option_choice_create(request: Any, person_id: int, payload: ChoiceIn) -> Any:
    person = _person(request, person_id, RECORD)
    choice = services.option_choice_record(actor=request.user, person=person,
                                           budget=person_current_budget(person=person),
                                           **payload.dict())
    return Status(201, _choice_out(choice))


@router.get("/people/{id:person_id}/plan", response={200: PlanOut, 404: ErrorOut},
            summary="The plan being written, or else the agreed plan")
@api_permission(VIEW)
def plan_read(request: Any, person_id: int) -> Any:
    person = _person(request, person_id, VIEW)
    plan = (SupportPlan.objects.filter(person=person, status=SupportPlan.Status.DRAFT).first()
            or SupportPlan.objects.filter(person=person, status=SupportPlan.Status.AGREED).first())
    if plan is None:
        return Status(404, {"detail": "No support plan has been started for this person."})
    return _plan_out(plan)


@router.post("/people/{id:person_id}/plan",
             response={201: PlanOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Start a support plan")
@api_permission(WRITE)
def plan_create(request: Any, person_id: int) -> Any:
    person = _person(request, person_id, WRITE)
    return Status(201, _plan_out(plans.plan_start(actor=request.user, person=person)))


@router.post("/plans/{id:support_plan_id}/lines",
             response={201: PlanOut, 403: ErrorOut, 404: ErrorOut, 409: ChangedOut,
                       422: ErrorOut},
             summary="Add a support line (cost a week as text: \"120.50\"), with the version read")
@api_permission(WRITE)
def plan_line_create(request: Any, support_plan_id: int, payload: LineIn) -> Any:
    plan = _plan(request, support_plan_id, WRITE)
    data = payload.dict()
    version, cost = data.pop("version"), data.pop("weekly_cost")
    outcome_id = data.pop("outcome_id")
    outcome = (PersonalOutcome.objects.filter(pk=outcome_id, person=plan.person).first()
               if outcome_id is not None else None)
    if outcome_id is not None and outcome is None:
        raise ValidationError({"outcome_id": "Choose one of the person's own outcomes"})
    try:
        with_money(plans.line_add, {"weekly_cost": (cost, "the cost a week")},
                   actor=request.user, plan=plan, expected_version=version, outcome=outcome,
                   **data)
    except plans.PlanChanged as exc:
        return _changed(exc)
    plan.refresh_from_db()
    return Status(201, _plan_out(plan))


@router.delete("/plans/{id:support_plan_id}/lines/{id:line_id}",
               response={200: PlanOut, 403: ErrorOut, 404: ErrorOut, 409: ChangedOut,
                         422: ErrorOut},
               summary="Remove a support line, with the version read")
@api_permission(WRITE)
def plan_line_delete(request: Any, support_plan_id: int, line_id: int, version: int) -> Any:
    plan = _plan(request, support_plan_id, WRITE)
    line = SupportLine.objects.filter(pk=line_id, plan=plan).first()
    if line is None:
        return Status(404, {"detail": "No such support line in this plan."})
    try:
        plans.line_remove(actor=request.user, line=line, expected_version=version)
    except plans.PlanChanged as exc:
        return _changed(exc)
    plan.refresh_from_db()
    return _plan_out(plan)


@router.post("/plans/{id:support_plan_id}/agree",
             response={200: PlanOut, 403: ErrorOut, 404: ErrorOut, 409: ChangedOut,
                       422: ErrorOut},
             summary="The person agrees the plan (online), or their worker records how they did")
@api_permission(AGREE)
def plan_agree(request: Any, support_plan_id: int, payload: PlanAgreeIn) -> Any:
    plan = _plan(request, support_plan_id, AGREE)
    try:
        plans.plan_agree_by_person(actor=request.user, plan=plan, how=payload.how,
                                   on=payload.on or clock.today(),
                                   expected_version=payload.version, note=payload.note)
    except plans.PlanChanged as exc:
        return _changed(exc)
    plan.refresh_from_db()
    return _plan_out(plan)


@router.post("/plans/{id:support_plan_id}/sign",
             response={200: PlanOut, 403: ErrorOut, 404: ErrorOut, 409: ChangedOut,
                       422: ErrorOut},
             summary="The worker signs, then a team manager signs off")
@api_permission(WRITE)
def plan_sign(request: Any, support_plan_id: int, payload: VersionIn) -> Any:
    plan = _plan(request, support_plan_id, WRITE)
    try:
        plans.plan_sign(actor=request.user, plan=plan, expected_version=payload.version)
    except plans.PlanChanged as exc:
        return _changed(exc)
    plan.refresh_from_db()
    return _plan_out(plan)
