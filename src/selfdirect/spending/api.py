"""Spending rules and spending requests in the HTTP API (tag "spending"), mounted at /api/
by ``selfdirect.api.api``.

The same permissions and services as the pages: an authority's spending rules in force on
a day (for anyone signed in), a person's requests, making one, deciding one (never your
own: the service refuses it), and the requests waiting for a decision in an authority.
Amounts go out as whole pence and as pounds in text, and come in as text in pounds.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Router, Schema, Status

from selfdirect.api.inputs import InSchema
from selfdirect.api.money import MoneyText, pounds_text, with_money
from selfdirect.api.permissions import AUTHENTICATED, api_permission
from selfdirect.api.schemas import ErrorOut
from selfdirect.authorities.models import Authority
from selfdirect.core import clock
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.models import Person
from selfdirect.people.selectors import person_get, person_record_get
from selfdirect.spending import selectors, services
from selfdirect.spending.models import SpendingRequest
from selfdirect.spending.rulebook import spending_rules

VIEW = "spending.view_requests"
REQUEST = "spending.make_request"
DECIDE = "spending.decide_request"
WORKLIST = "spending.view_worklist"

router = Router(tags=["spending"])


class ExclusionOut(Schema):
    key: str
    title: str
    explanation: str
    keywords: list[str]
    effective_from: datetime.date
    source: str
    is_local: bool


class SpendingRulesOut(Schema):
    authority_code: str
    authority: str
    on: datetime.date
    principle: str
    asking: str
    review: str
    complaint: str
    source: str
    exclusions: list[ExclusionOut]


class SpendingRequestOut(Schema):
    id: int
    person_id: int
    description: str
    amount_pence: int
    amount: str
    outcome_id: int
    outcome: str
    wanted_on: datetime.date
    status: str
    status_label: str
    requested_by: str
    requested_at: datetime.datetime
    decided_by: str | None
    decided_at: datetime.datetime | None
    decision_reason: str
    changes: str
    approved_amount_pence: int | None
    approved_amount: str | None
    exclusion_key: str
    exclusion_title: str
    exclusion_explanation: str


class SpendingRequestIn(InSchema):
    limits_from = (SpendingRequest,)

    description: str
    amount: MoneyText
    outcome_id: int
    wanted_on: datetime.date


class SpendingDecisionIn(InSchema):
    limits_from = (SpendingRequest,)

    decision: str
    decision_reason: str
    exclusion: str | None = None
    changes: str = ""
    approved_amount: MoneyText | None = None


def _request_out(item: SpendingRequest) -> dict[str, Any]:
    return {
        **{f: getattr(item, f) for f in (
            "id", "person_id", "description", "outcome_id", "wanted_on", "status",
            "requested_at", "decided_at", "decision_reason", "changes", "exclusion_key",
            "exclusion_title", "exclusion_explanation")},
        "amount_pence": item.amount, "amount": pounds_text(item.amount),
        "outcome": item.outcome.in_own_words, "status_label": item.get_status_display(),
        "requested_by": item.requested_by.get_full_name() or item.requested_by.username,
        "decided_by": ((item.decided_by.get_full_name() or item.decided_by.username)
                       if item.decided_by else None),
        "approved_amount_pence": item.approved_amount,
        "approved_amount": (pounds_text(item.approved_amount)
                            if item.approved_amount is not None else None),
    }


def _person(request: Any, person_id: int, permission: str) -> Person:
    return person_get(user=request.user, person_id=person_id, path=request.path,
                      channel="api", permission=permission)


def _request(request: Any, request_id: int, permission: str) -> SpendingRequest:
    return person_record_get(
        SpendingRequest.objects.select_related("outcome", "requested_by", "decided_by"),
        request_id, user=request.user, permission=permission, path=request.path,
        channel="api", not_found="No such spending request.")


def _authority(code: str) -> Authority:
    authority = Authority.objects.filter(code=code).first()
    if authority is None:
        raise Http404("No authority found.")
    return authority


@router.get("/authorities/{text:code}/spending-rules", response={200: SpendingRulesOut, 404: ErrorOut},
            summary="An authority's spending rules in force on a day (today by default): the "
                    "principle and the exclusion list")
@api_permission(AUTHENTICATED)
def spending_rules_read(request: Any, code: str, on: datetime.date | None = None) -> Any:
    authority = _authority(code)
    rules = spending_rules(authority, on or clock.today())
    return {"authority_code": authority.code, "authority": authority.name, "on": rules.on,
            "principle": rules.principle, "asking": rules.asking, "review": rules.review,
            "complaint": rules.complaint, "source": rules.source,
            "exclusions": [{**vars(e), "keywords": list(e.keywords)} for e in rules.exclusions]}


@router.get("/people/{id:person_id}/spending-requests",
            response={200: list[SpendingRequestOut], 404: ErrorOut},
            summary="A person's spending requests and their decisions, newest first")
@api_permission(VIEW)
def spending_request_list(request: Any, person_id: int) -> Any:
    person = _person(request, person_id, VIEW)
    return [_request_out(r) for r in selectors.person_spending_requests(person=person)]


@router.post("/people/{id:person_id}/spending-requests",
             response={201: SpendingRequestOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Ask to spend part of the budget (amount as text: \"120.50\") for one of "
                     "the person's agreed outcomes")
@api_permission(REQUEST)
def spending_request_create(request: Any, person_id: int, payload: SpendingRequestIn) -> Any:
    person = _person(request, person_id, REQUEST)
    outcome = PersonalOutcome.objects.filter(pk=payload.outcome_id, person=person).first()
    try:
        made = with_money(services.spending_request_make,
                          {"amount": (payload.amount, "the amount")}, actor=request.user,
                          person=person, description=payload.description, outcome=outcome,
                          wanted_on=payload.wanted_on)
    except ValidationError as exc:  # the service names the outcome; the call its id
        raise _renamed(exc, {"outcome": "outcome_id"}) from exc
    return Status(201, _request_out(made))


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})


@router.get("/spending-requests/{id:request_id}",
            response={200: SpendingRequestOut, 404: ErrorOut},
            summary="One spending request and its decision")
@api_permission(VIEW)
def spending_request_read(request: Any, request_id: int) -> Any:
    return _request_out(_request(request, request_id, VIEW))


@router.post("/spending-requests/{id:request_id}/decision",
             response={200: SpendingRequestOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Approve, approve with changes or refuse, with reasons the person reads "
                     "(exclusion: the key of the exclusion that applies, \"\" for none; left "
                     "out, the one the request's words suggest)")
@api_permission(DECIDE)
def spending_request_decide(request: Any, request_id: int, payload: SpendingDecisionIn) -> Any:
    item = _request(request, request_id, DECIDE)
    fields: dict[str, Any] = {
        "actor": request.user, "request": item, "decision": payload.decision,
        "reason": payload.decision_reason, "exclusion_key": payload.exclusion,
        "changes": payload.changes}
    if payload.approved_amount is None:
        services.spending_request_decide(**fields)
    else:
        with_money(services.spending_request_decide,
                   {"approved_amount": (payload.approved_amount, "the amount approved")},
                   **fields)
    item.refresh_from_db()
    return _request_out(item)


@router.get("/authorities/{text:code}/spending-requests",
            response={200: list[SpendingRequestOut], 404: ErrorOut},
            summary="The requests waiting for a decision in an authority, oldest first (a "
                    "team manager: all of them; a worker: their caseload's)")
@api_permission(WORKLIST)
def spending_worklist(request: Any, code: str) -> Any:
    authority = Authority.objects.filter(code=code).first()
    if authority is None or not request.user.has_perm(WORKLIST, authority):
        raise Http404("No authority found.")
    waiting = selectors.requests_waiting(authority=authority, user=request.user)
    return [_request_out(r) for r in waiting]
