"""Payments in the HTTP API (tag "payments"), mounted at /api/ by ``selfdirect.api.api``.

The same permissions and services as the pages: a person's direct payments (what was
paid, what is due next, the balance held), and payment runs for finance officers:
prepare, approve (a second officer), pay and read. Amounts are whole pence, with the
same amount as text in pounds beside each.
"""


import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404
from ninja import Router, Schema, Status

from selfdirect.api.inputs import InSchema
from selfdirect.api.money import pounds_text
from selfdirect.api.permissions import api_permission
from selfdirect.api.schemas import ErrorOut
from selfdirect.authorities.models import Authority
from selfdirect.core import clock
from selfdirect.payments import ledger, runs, schedules
from selfdirect.payments.models import AccountKind, Payment, PaymentRun
from selfdirect.people.selectors import person_get

VIEW = "payments.view_payments"
RUN = "payments.run_payments"
MOST_RUNS = 100

router = Router(tags=["payments"])


class PaymentOut(Schema):
    id: int
    funding_stream: str
    period_start: datetime.date
    period_end: datetime.date
    gross_pence: int
    contribution_pence: int
    paused_pence: int
    adjustment_pence: int
    one_offs_pence: int
    amount_pence: int
    amount: str
    pay_on: datetime.date
    paid: bool


class NextOut(Schema):
    period_start: datetime.date
    period_end: datetime.date
    gross_pence: int
    contribution_pence: int
    paused_pence: int
    adjustment_pence: int
    net_pence: int


class ScheduleOut(Schema):
    id: int
    funding_stream: str
    frequency_weeks: int
    starts_on: datetime.date
    ends_on: datetime.date | None
    next: NextOut | None


class PersonPaymentsOut(Schema):
    person_id: int
    held_pence: int
    held: str
    schedules: list[ScheduleOut]
    payments: list[PaymentOut]


class RunIn(InSchema):
    period_start: datetime.date
    period_end: datetime.date
    pay_on: datetime.date


class RunOut(Schema):
    id: int
    authority: str
    status: str
    period_start: datetime.date
    period_end: datetime.date
    pay_on: datetime.date
    prepared_by: str
    approved_by: str | None
    payments: int
    posted: int
    total_pence: int
    total: str
    problems: list[dict[str, Any]]


def _next(schedule: Any, data: schedules.Inputs, paid: list[Payment],
          today: datetime.date) -> dict[str, Any] | None:
    taken = {p.period_start for p in paid}
    upcoming = schedules.periods_starting(
        schedule, today - datetime.timedelta(days=runs.ARREARS_DAYS),
        today + datetime.timedelta(days=schedule.period_days * 2))
    first_last = next(((f, t) for f, t in upcoming if f not in taken), None)
    if first_last is None:
        return None
    first, last = first_last
    amounts = data.period(first, last)
    adjust = schedules.adjustment(data, [(p.period_start, p.period_end, p.amount, p.one_offs)
                                         for p in paid if p.period_start < first])
    return {"period_start": first, "period_end": last, "gross_pence": amounts.gross,
            "contribution_pence": amounts.contribution, "paused_pence": amounts.paused,
            "adjustment_pence": adjust, "net_pence": max(0, amounts.net + adjust)}


@router.get("/people/{id:person_id}/payments", response={200: PersonPaymentsOut, 404: ErrorOut},
            summary="A person's direct payments: schedules, what is due next, what was paid, "
                    "and the balance held in their direct-payment account")
@api_permission(VIEW)
def person_payments(request: Any, person_id: int) -> Any:
    person = person_get(user=request.user, person_id=person_id, path=request.path,
                        channel="api", permission=VIEW)
    today = clock.today()
    found = list(person.payment_schedules.order_by("funding_stream", "pk"))
    inputs = schedules.load_inputs(found) if found else {}
    paid = list(Payment.objects.filter(schedule__person=person).select_related("run", "schedule")
                .order_by("period_start", "pk"))
    held = ledger.person_balances(authority_id=person.authority_id,
                                  person_ids=[person.pk]).get(
        (person.pk, AccountKind.DIRECT_PAYMENT), 0)
    return {
        "person_id": person.pk, "held_pence": held, "held": pounds_text(held),
        "schedules": [{"id": s.pk, "funding_stream": s.funding_stream,
                       "frequency_weeks": s.frequency_weeks, "starts_on": s.starts_on,
                       "ends_on": s.ends_on,
                       "next": _next(s, inputs[s.pk], [p for p in paid if p.schedule_id == s.pk],
                                     today)} for s in found],
        "payments": [{"id": p.pk, "funding_stream": p.schedule.funding_stream,
                      "period_start": p.period_start, "period_end": p.period_end,
                      "gross_pence": p.gross, "contribution_pence": p.contribution,
                      "paused_pence": p.paused, "adjustment_pence": p.adjustment,
                      "one_offs_pence": p.one_offs, "amount_pence": p.amount,
                      "amount": pounds_text(p.amount), "pay_on": p.run.pay_on,
                      "paid": p.posted_at is not None} for p in paid],
    }


def _authority(request: Any, code: str) -> Authority:
    authority = Authority.objects.filter(code=code).first()
    if authority is None or not request.user.has_perm(RUN, authority):
        raise Http404("No authority found.")
    return authority


def _run(request: Any, run_id: int) -> PaymentRun:
    run = PaymentRun.objects.select_related("authority", "prepared_by", "approved_by").filter(
        pk=run_id).first()
    if run is None or not request.user.has_perm(RUN, run.authority):
        raise Http404("No payment run found.")
    return run


def _name(user: Any) -> str:
    return user.get_full_name() or user.username


def _run_out(run: PaymentRun, summary: dict[str, int] | None = None) -> dict[str, Any]:
    summary = summary or runs.run_summary(run)
    return {"id": run.pk, "authority": run.authority.code, "status": run.status,
            "period_start": run.period_start, "period_end": run.period_end,
            "pay_on": run.pay_on, "prepared_by": _name(run.prepared_by),
            "approved_by": _name(run.approved_by) if run.approved_by else None,
            "payments": summary["payments"], "posted": summary["posted"],
            "total_pence": summary["total"], "total": pounds_text(summary["total"]),
            "problems": list(run.problems)}


@router.get("/authorities/{text:code}/payment-runs", response={200: list[RunOut], 404: ErrorOut},
            summary="An authority's payment runs, the newest first (finance officers)")
@api_permission(RUN)
def run_list(request: Any, code: str) -> Any:
    found = _authority(request, code)
    latest = (PaymentRun.objects.filter(authority=found)
              .select_related("authority", "prepared_by", "approved_by")
              .annotate(n=Count("payments"), done=Count("payments__posted_at"),
                        paid=Sum("payments__amount"))
              .order_by("-period_start", "-pk")[:MOST_RUNS])
    return [_run_out(run, {"payments": run.n, "posted": run.done, "total": run.paid or 0})
            for run in latest]


@router.get("/payment-runs/{id:run_id}", response={200: RunOut, 404: ErrorOut},
            summary="One payment run: its status, counts and total")
@api_permission(RUN)
def run_read(request: Any, run_id: int) -> Any:
    return _run_out(_run(request, run_id))


@router.post("/authorities/{text:code}/payment-runs",
             response={201: RunOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Prepare a run: every schedule whose period starts in the window")
@api_permission(RUN)
def run_create(request: Any, code: str, payload: RunIn) -> Any:
    authority = _authority(request, code)
    run = runs.run_prepare(actor=request.user, authority=authority,
                           period_start=payload.period_start, period_end=payload.period_end,
                           pay_on=payload.pay_on)
    return Status(201, _run_out(run))


@router.post("/payment-runs/{id:run_id}/approve",
             response={200: RunOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Approve a run (a second finance officer, never the one who prepared it)")
@api_permission(RUN)
def run_approve(request: Any, run_id: int) -> Any:
    return _run_out(runs.run_approve(actor=request.user, run=_run(request, run_id)))


@router.post("/payment-runs/{id:run_id}/pay",
             response={200: RunOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Pay an approved run, or carry on paying one that stopped part-way; "
                     "large runs are better paid with the payment_run command")
@api_permission(RUN)
def run_pay(request: Any, run_id: int) -> Any:
    run = _run(request, run_id)
    try:
        paid = runs.run_post(actor=request.user, run=run)
    except ValueError as exc:  # the bank file refused a payee's details
        raise ValidationError({"status": str(exc)}) from exc
    return _run_out(paid)
