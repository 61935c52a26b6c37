"""Delivered hours in the HTTP API (tag "delivered hours"), for a provider's own systems.

The same permission and services as the pages (``payments/hours_views.py``): the people
who work for a provider list the support lines referred to it and accepted, with the
hours planned and recorded, and record the hours delivered on a line in a week (a second
figure for the same week replaces the first; the history keeps it). A line or provider
the caller may not record for is reported as not found.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404
from ninja import Router, Schema

from selfdirect.api.inputs import InSchema
from selfdirect.api.permissions import api_permission
from selfdirect.api.schemas import ErrorOut
from selfdirect.audit.models import AccessLog
from selfdirect.audit.services import access_log_record
from selfdirect.payments import hours
from selfdirect.payments.models import DeliveredHours
from selfdirect.planning.models import SupportLine
from selfdirect.providers.models import Provider

RECORD = "payments.record_hours"

router = Router(tags=["delivered hours"])


class DeliveredOut(Schema):
    line_id: int
    reference: str
    week_start: datetime.date
    planned_hours: Decimal
    hours: Decimal
    note: str
    source: str
    recorded_at: datetime.datetime


class ProviderLineOut(Schema):
    id: int
    reference: str
    what: str
    person: str
    option: str
    hours_per_week: Decimal | None
    when: str


class HoursIn(InSchema):
    limits_from = (DeliveredHours,)

    week_start: datetime.date
    hours: Decimal
    note: str = ""


def _provider(request: Any, provider_id: int) -> Provider:
    provider = Provider.objects.filter(pk=provider_id).first()
    if provider is None or not request.user.has_perm(RECORD, provider):
        raise Http404("No such provider.")
    return provider


def _out(row: DeliveredHours) -> dict[str, Any]:
    return {"line_id": row.line_id, "reference": f"L{row.line_id}",
            "week_start": row.week_start, "planned_hours": row.planned_hours,
            "hours": row.hours, "note": row.note, "source": row.source,
            "recorded_at": row.recorded_at}


@router.get("/providers/{id:provider_id}/support-lines", response={200: list[ProviderLineOut],
                                                                   404: ErrorOut},
            summary="The support lines referred to your provider and accepted")
@api_permission(RECORD)
def provider_lines(request: Any, provider_id: int) -> Any:
    provider = _provider(request, provider_id)
    return [{"id": line.pk, "reference": hours.line_reference(line), "what": line.what,
             "person": line.plan.person.display_name, "option": line.option,
             "hours_per_week": line.hours_per_week, "when": line.when}
            for line in hours.provider_lines(provider)]


@router.get("/providers/{id:provider_id}/delivered-hours",
            response={200: list[DeliveredOut], 404: ErrorOut},
            summary="The hours your provider recorded, the newest week first")
@api_permission(RECORD)
def provider_hours(request: Any, provider_id: int,
                   since: datetime.date | None = None) -> Any:
    provider = _provider(request, provider_id)
    return [_out(row) for row in hours.recorded_for_provider(provider, since=since)[:1000]]


@router.post("/support-lines/{id:support_line_id}/delivered-hours",
             response={200: DeliveredOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Record the hours delivered on a support line in a week (Monday to "
                     "Sunday); a second figure for the week replaces the first")
@api_permission(RECORD)
def hours_create(request: Any, support_line_id: int, payload: HoursIn) -> Any:
    line = (SupportLine.objects.select_related("plan__person").filter(pk=support_line_id)
            .first())
    if line is None or not request.user.has_perm(RECORD, line):
        raise Http404("No such support line.")
    access_log_record(user=request.user, person_id=line.plan.person_id, path=request.path,
                      outcome=AccessLog.Outcome.VIEWED, channel="api")
    row = hours.hours_record(actor=request.user, line=line, week_start=payload.week_start,
                             hours=payload.hours, note=payload.note,
                             source=DeliveredHours.Source.API)
    return _out(row)
