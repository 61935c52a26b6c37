"""The calibration page: how well the questionnaire's price per point fits the authority's
agreed packages, and whether groups of people fare alike (see allocation/calibration.py
and docs/calibration.md)."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from selfdirect.allocation.calibration import (
    MINIMUM_PACKAGES,
    SUPPRESS_BELOW,
    DimensionResult,
    calibration_report,
)
from selfdirect.authorities.web import user_current_authority
from selfdirect.core.money import MINUS_SIGN, format_pounds
from selfdirect.core.permissions import permission_required

# The chart's geometry, in SVG user units (the SVG scales to its column's width).
WIDTH = 640
PLOT_LEFT, PLOT_RIGHT = 10, 560
ZERO_X = (PLOT_LEFT + PLOT_RIGHT) // 2
HALF = ZERO_X - PLOT_LEFT
ROW = 46
TOP = 10
AXIS = 30
# GOV.UK Frontend colours: blue for above the fit, orange (shade 25, 4.5:1 on white) for
# below; the value is always printed too, so colour is never the only cue.
ABOVE, BELOW, TEXT, GRID = "#1d70b8", "#b7592a", "#0b0c0c", "#b1b4b6"


def _signed_percent(value: Decimal) -> str:
    if value > 0:
        return f"+{value}%"
    if value < 0:
        return f"{MINUS_SIGN}{abs(value)}%"
    return "0.0%"


def _scale(dimension: DimensionResult) -> int:
    """The chart's half-width in percent: the largest |mean residual %| rounded up to a
    multiple of 5, at least 5."""
    largest = max((abs(g.residual_percent) for g in dimension.groups
                   if g.residual_percent is not None), default=Decimal(0))
    steps = (largest / 5).to_integral_value(rounding=ROUND_CEILING)
    return max(5, int(steps) * 5)


def chart(dimension: DimensionResult) -> dict[str, Any]:
    """The bars of one dimension's chart, worked out here so the template only places
    them. A bar runs from the zero line to the right (above the fit) or the left (below)."""
    scale = _scale(dimension)
    rows = []
    for index, group in enumerate(dimension.groups):
        top = TOP + index * ROW
        row: dict[str, Any] = {"label": group.label, "label_y": top + 14, "bar_y": top + 20,
                               "text_y": top + 33, "suppressed": group.suppressed}
        if group.suppressed:
            row["value"] = f"fewer than {SUPPRESS_BELOW}"
        elif group.residual_percent is None:
            row["value"] = "no fitted amount"
            row["suppressed"] = True
        else:
            length = int((abs(group.residual_percent) * HALF / scale)
                         .quantize(Decimal(1), rounding=ROUND_HALF_UP))
            positive = group.residual_percent >= 0
            row.update(x=ZERO_X if positive else ZERO_X - length, width=max(length, 1),
                       fill=ABOVE if positive else BELOW,
                       value=_signed_percent(group.residual_percent))
        rows.append(row)
    height = TOP + len(rows) * ROW + AXIS
    return {"rows": rows, "width": WIDTH, "height": height, "zero_x": ZERO_X,
            "left_x": PLOT_LEFT, "right_x": PLOT_RIGHT, "value_x": WIDTH - 4,
            "axis_y": TOP + len(rows) * ROW, "tick_y": TOP + len(rows) * ROW + 18,
            "scale_left": f"{MINUS_SIGN}{scale}%", "scale_right": f"+{scale}%",
            "above": ABOVE, "below": BELOW, "text": TEXT, "grid": GRID}


def _pounds(value: int | None) -> str:
    return "" if value is None else format_pounds(value)


def _section(dimension: DimensionResult) -> dict[str, Any]:
    rows = [{"label": g.label, "suppressed": g.suppressed,
             "count": f"fewer than {SUPPRESS_BELOW}" if g.suppressed else str(g.count),
             "mean_allocation": _pounds(g.mean_allocation),
             "mean_fitted": _pounds(g.mean_fitted),
             "mean_residual": _pounds(g.mean_residual),
             "residual_percent": "" if g.residual_percent is None
             else _signed_percent(g.residual_percent)}
            for g in dimension.groups]
    return {"key": dimension.key, "name": dimension.name, "chart": chart(dimension),
            "rows": rows, "any_suppressed": dimension.any_suppressed}


@permission_required("allocation.view_calibration")
def ras_calibration(request: HttpRequest) -> HttpResponse:
    authority = user_current_authority(request)
    if authority is None:
        raise Http404
    by_domain = request.GET.get("prices") == "domains"
    report = calibration_report(actor=request.user, authority=authority, by_domain=by_domain)
    context: dict[str, Any] = {"authority": authority, "report": report, "by_domain": by_domain,
                               "minimum": MINIMUM_PACKAGES, "suppress_below": SUPPRESS_BELOW}
    if report.fit is not None:
        fit = report.fit
        change = report.price_change_percent
        context.update(
            price_found=format_pounds(fit.price_per_point),
            live_price=_pounds(report.live_price),
            price_change="" if change is None else _signed_percent(change),
            residual_sd=format_pounds(fit.residual_sd), p10=format_pounds(fit.p10),
            p90=format_pounds(fit.p90),
            sections=[_section(d) for d in report.dimensions])
        if report.domain_fit is not None:
            context["domain_prices"] = [{"name": p.name, "price": format_pounds(p.pence)}
                                        for p in report.domain_fit.prices]
    return render(request, "allocation/calibration.html", context)


urlpatterns: list[URLPattern] = [
    path("resource-allocation/calibration/", ras_calibration, name="ras-calibration"),
]
