"""The panel, the questionnaire versions and calibration in the HTTP API (tag "panel and
questionnaire"), mounted at /api/ by ``selfdirect.api.api``.

The same permissions as the pages. The authority is named in the path; a caller who may
not act for THAT authority gets 404 (as for a person they may not see), one whose roles
never carry the permission gets 403. Money goes out as whole pence (``*_pence``) and as
pounds in a decimal string; it comes in as text. No float: R², percentages and every other
non-whole number go out as decimal strings.
"""


import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Router, Schema, Status

from selfdirect.allocation import panel, services
from selfdirect.allocation.calibration import CalibrationReport, calibration_report
from selfdirect.allocation.models import IndicativeBudget, PanelDecision, PanelMeeting, RasVersion
from selfdirect.api.inputs import InSchema
from selfdirect.api.permissions import api_permission
from selfdirect.api.schemas import ErrorOut
from selfdirect.audit.models import AccessLog
from selfdirect.audit.services import access_log_record
from selfdirect.authorities.models import Authority
from selfdirect.core import clock
from selfdirect.core.money import pounds
from selfdirect.jobs.api import JobOut, job_out

SIT = "allocation.sit_on_panel"
ENVELOPE = "allocation.manage_envelope"
RAS = "allocation.manage_ras"
CALIBRATION = "allocation.view_calibration"

router = Router(tags=["panel and questionnaire"])


# --- Schemas -----------------------------------------------------------------------------


class AgendaItemOut(Schema):
    budget_id: int
    person_id: int
    person_name: str
    reasons: list[str]
    proposed_pence: int
    proposed: str
    current_agreed_pence: int | None
    current_agreed: str | None
    proposed_at: datetime.datetime | None


class EnvelopeOut(Schema):
    year_start: datetime.date
    year: str
    envelope_pence: int | None
    envelope: str | None
    committed_pence: int
    committed: str
    forecast_pence: int
    forecast: str
    headroom_pence: int | None
    headroom: str | None
    forecast_headroom_pence: int | None
    forecast_headroom: str | None
    agenda_count: int


class EnvelopeIn(InSchema):
    year_start: datetime.date
    amount: str


class PanelDecisionIn(InSchema):
    limits_from = (PanelDecision,)

    budget_id: int
    outcome: str
    reasons: str
    amended_total: str | None = None


class DecisionOut(Schema):
    id: int
    meeting_id: int
    budget_id: int
    outcome: str
    reasons: str
    amended_total_pence: int | None
    amended_total: str | None
    decided_at: datetime.datetime
    budget_state: str
    budget_total_pence: int
    budget_total: str


class BandOut(Schema):
    label: str
    lower: int
    upper: int | None
    amount_pence: int | None
    amount: str | None
    cap_pence: int | None
    cap: str | None


class VersionOut(Schema):
    id: int
    name: str
    scope: str
    rules: str
    state: str
    effective_from: datetime.date
    price_per_point_pence: int
    price_per_point: str
    bands: list[BandOut]


class PriceIn(InSchema):
    price_per_point: str
    effective_from: datetime.date


class PriceOut(Schema):
    """The new version, and the background job recalculating the budgets: follow it at
    ``GET /api/jobs/{id}`` until its state is ``done``."""

    version: VersionOut
    recalculation: JobOut


class GroupOut(Schema):
    key: str
    label: str
    count: int
    suppressed: bool
    mean_allocation_pence: int | None
    mean_allocation: str | None
    mean_residual_pence: int | None
    mean_residual: str | None
    residual_percent: str | None


class DimensionOut(Schema):
    key: str
    name: str
    groups: list[GroupOut]


class DomainPriceOut(Schema):
    code: str
    name: str
    price_pence: int
    price: str


class CalibrationOut(Schema):
    n: int
    enough: bool
    problem: str
    live_price_pence: int | None
    live_price: str | None
    price_found_pence: int | None
    price_found: str | None
    price_change_percent: str | None
    r_squared: str | None
    residual_sd_pence: int | None
    residual_sd: str | None
    p10_pence: int | None
    p10: str | None
    p90_pence: int | None
    p90: str | None
    by_domain: bool
    domain_prices: list[DomainPriceOut]
    domain_r_squared: str | None
    domain_problem: str
    dimensions: list[DimensionOut]


# --- Output ------------------------------------------------------------------------------


def _money(pence: int | None) -> str | None:
    return None if pence is None else str(pounds(pence))


def _both(name: str, pence: int | None) -> dict[str, Any]:
    return {f"{name}_pence": pence, name: _money(pence)}


def _version_out(version: RasVersion) -> dict[str, Any]:
    return {"id": version.pk, "name": version.name, "scope": version.scope,
            "rules": version.rules_text, "state": version.state,
            "effective_from": version.effective_from,
            **_both("price_per_point", version.price_per_point),
            "bands": [{"label": b["label"], "lower": b["lower"], "upper": b["upper"],
                       **_both("amount", b["amount"]), **_both("cap", b["cap"])}
                      for b in services.version_bands(version)]}


def _calibration_out(report: CalibrationReport) -> dict[str, Any]:
    fit = report.fit
    percent = report.price_change_percent
    return {
        "n": report.n, "enough": report.enough, "problem": report.problem,
        **_both("live_price", report.live_price),
        **_both("price_found", fit.price_per_point if fit else None),
        "price_change_percent": None if percent is None else format(percent, "f"),
        "r_squared": (None if fit is None or fit.r_squared is None
                      else format(fit.r_squared, "f")),
        **_both("residual_sd", fit.residual_sd if fit else None),
        **_both("p10", fit.p10 if fit else None), **_both("p90", fit.p90 if fit else None),
        "by_domain": report.by_domain, "domain_problem": report.domain_problem,
        "domain_prices": [{"code": p.code, "name": p.name, **_both("price", p.pence)}
                          for p in (report.domain_fit.prices if report.domain_fit else [])],
        "domain_r_squared": (None if report.domain_fit is None
                             or report.domain_fit.r_squared is None
                             else format(report.domain_fit.r_squared, "f")),
        "dimensions": [
            {"key": d.key, "name": d.name, "groups": [
                {"key": g.key, "label": g.label, "count": g.count, "suppressed": g.suppressed,
                 **_both("mean_allocation", g.mean_allocation),
                 **_both("mean_residual", g.mean_residual),
                 "residual_percent": (None if g.residual_percent is None
                                      else format(g.residual_percent, "f"))}
                for g in d.groups]}
            for d in report.dimensions],
    }


# --- Loading -----------------------------------------------------------------------------


def _authority(request: Any, authority_id: int, *permissions: str) -> Authority:
    """The authority, when the caller holds one of ``permissions`` for it; 404 otherwise."""
    authority = Authority.objects.filter(pk=authority_id).first()
    if authority is None or not any(request.user.has_perm(p, authority) for p in permissions):
        raise Http404("No authority found.")
    return authority


def _log_viewed(request: Any, person_ids: list[int]) -> None:
    """Record that the panel's agenda showed these people's names and budgets."""
    for person_id in dict.fromkeys(person_ids):
        access_log_record(user=request.user, person_id=person_id, outcome=AccessLog.Outcome.VIEWED,
                          path=request.path, channel=panel.ACCESS_CHANNEL)


# --- The panel ---------------------------------------------------------------------------


@router.get("/authorities/{id:authority_id}/panel/agenda",
            response={200: list[AgendaItemOut], 404: ErrorOut},
            summary="The budgets waiting for the panel, oldest proposal first")
@api_permission(SIT)
def panel_agenda_read(request: Any, authority_id: int) -> Any:
    authority = _authority(request, authority_id, SIT)
    agenda = panel.panel_agenda(authority)
    _log_viewed(request, [item.person.pk for item in agenda])
    return [{"budget_id": item.budget.pk, "person_id": item.person.pk,
             "person_name": item.person.display_name, "reasons": item.reasons,
             **_both("proposed", item.proposed), **_both("current_agreed", item.current_agreed),
             "proposed_at": item.budget.proposed_at} for item in agenda]


def _envelope_out(figures: panel.EnvelopeFigures) -> dict[str, Any]:
    return {"year_start": figures.year_start, "year": figures.year_label,
            **_both("envelope", figures.envelope), **_both("committed", figures.committed),
            **_both("forecast", figures.forecast), **_both("headroom", figures.headroom),
            **_both("forecast_headroom", figures.forecast_headroom),
            "agenda_count": figures.agenda_count}


@router.get("/authorities/{id:authority_id}/panel/envelope",
            response={200: EnvelopeOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
            summary="The envelope for a financial year (from 1 April; this year by default) "
                    "against committed and forecast spend")
@api_permission("allocation.view_envelope")
def panel_envelope_read(request: Any, authority_id: int,
                        year_start: datetime.date | None = None) -> Any:
    authority = _authority(request, authority_id, "allocation.view_envelope")
    start = year_start or panel.financial_year_start(clock.today())
    if (start.month, start.day) != (4, 1):
        raise ValidationError({"year_start": "The financial year starts on 1 April: give "
                                             "1 April of the year, like 2026-04-01"})
    return _envelope_out(panel.envelope_figures(authority, start))


@router.put("/authorities/{id:authority_id}/panel/envelope",
            response={200: EnvelopeOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
            summary="Set the envelope for a financial year (amount in pounds, as text)")
@api_permission(ENVELOPE)
def panel_envelope_set(request: Any, authority_id: int, payload: EnvelopeIn) -> Any:
    authority = _authority(request, authority_id, ENVELOPE)
    envelope = panel.envelope_set(actor=request.user, authority=authority,
                                  year_start=payload.year_start, amount=payload.amount)
    return _envelope_out(panel.envelope_figures(authority, envelope.year_start))


@router.post("/panel/meetings/{id:meeting_id}/decisions",
             response={201: DecisionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Approve, amend (amended_total in pounds, as text) or decline a budget "
                     "on the panel's agenda, with reasons the person reads")
@api_permission(SIT)
def panel_decision_create(request: Any, meeting_id: int, payload: PanelDecisionIn) -> Any:
    meeting = PanelMeeting.objects.filter(pk=meeting_id).first()
    if meeting is None or not request.user.has_perm(SIT, meeting):
        raise Http404("No meeting found.")
    if not meeting.members.filter(pk=request.user.pk).exists():
        raise PermissionDenied("Only the members of this meeting can record its decisions.")
    budget = panel.budget_for_panel(meeting=meeting, budget_id=payload.budget_id)
    if budget is None:
        raise ValidationError({"budget_id": "Choose a budget on this panel's agenda"})
    try:
        decision = panel.panel_decide(actor=request.user, meeting=meeting, budget=budget,
                                      outcome=payload.outcome, reasons=payload.reasons,
                                      amended_total=payload.amended_total)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "budget" in exc.error_dict:
            errors = exc.message_dict
            errors["budget_id"] = errors.pop("budget")
            raise ValidationError(errors) from exc
        raise
    budget = IndicativeBudget.objects.get(pk=budget.pk)
    return Status(201, {
        "id": decision.pk, "meeting_id": meeting.pk, "budget_id": budget.pk,
        "outcome": decision.outcome, "reasons": decision.reasons,
        **_both("amended_total", decision.amended_total), "decided_at": decision.decided_at,
        "budget_state": budget.state, **_both("budget_total", budget.total)})


# --- Questionnaire versions --------------------------------------------------------------


@router.get("/authorities/{id:authority_id}/resource-allocation/versions",
            response={200: list[VersionOut], 404: ErrorOut},
            summary="The authority's questionnaire versions, latest first")
@api_permission(RAS)
def ras_version_list(request: Any, authority_id: int) -> Any:
    authority = _authority(request, authority_id, RAS)
    return [_version_out(v) for v in RasVersion.objects.filter(authority=authority)
            .order_by("scope", "-effective_from", "-pk")]


@router.post("/resource-allocation/versions/{id:version_id}/price",
             response={201: PriceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="A new price per point (pounds, as text) from a date: a new live version; "
                     "a background job recalculates indicative budgets and flags agreed ones "
                     "for review")
@api_permission(RAS)
def ras_price_create(request: Any, version_id: int, payload: PriceIn) -> Any:
    version = RasVersion.objects.filter(pk=version_id).select_related("authority").first()
    if version is None or not request.user.has_perm(RAS, version):
        raise Http404("No version found.")
    new, job = services.ras_price_change_with_job(
        actor=request.user, version=version, price_per_point=payload.price_per_point,
        effective_from=payload.effective_from)
    return Status(201, {"version": _version_out(new), "recalculation": job_out(job)})


# --- Calibration -------------------------------------------------------------------------


@router.get("/authorities/{id:authority_id}/resource-allocation/calibration",
            response={200: CalibrationOut, 404: ErrorOut},
            summary="How well one price per point fits the agreed packages (by_domain: a "
                    "price for each domain too), and its fairness by group (groups of fewer "
                    "than five are suppressed)")
@api_permission(CALIBRATION)
def calibration_read(request: Any, authority_id: int, by_domain: bool = False) -> Any:
    authority = _authority(request, authority_id, CALIBRATION)
    return _calibration_out(calibration_report(actor=request.user, authority=authority,
                                               by_domain=by_domain))

