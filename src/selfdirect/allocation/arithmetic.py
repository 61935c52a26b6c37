"""The budget's sums, in whole pence, as pure functions (no database).

The rule: the base is points × price per point (exact: both are whole numbers), or, when
the version has bands and the points fall in one, the band's fixed amount or the plain sum
capped at the band's cap. Each
adjustment applies in the order it was recorded. An amount adds or takes off its whole
pence. A percentage applies to the *base* (not to the running total, so the order never
changes the result), and its effect is rounded half-up to the penny on its own. The total
is the base plus every adjustment's rounded effect, so the lines of an explanation add
up to the total to the penny.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from selfdirect.core.money import apply_rate

HUNDRED = Decimal(100)


def band_for(points: int, bands: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The band ``points`` fall in (bands as ``RasBand.as_dict``), or None."""
    for band in bands:
        if band["lower"] <= points and (band["upper"] is None or points <= band["upper"]):
            return band
    return None


def base_amount(points: int, price_per_point: int, band: dict[str, Any] | None = None) -> int:
    """Points × price per point; in a band with a fixed amount, that amount; in a band with
    a cap, never above the cap."""
    plain = points * price_per_point
    if not band:
        return plain
    if band.get("amount") is not None:
        return int(band["amount"])
    if band.get("cap") is not None:
        return min(plain, int(band["cap"]))
    return plain


def adjustment_effect(base: int, kind: str, amount: int | None, percent: Decimal | None) -> int:
    """The change one adjustment makes, in whole pence (negative to take off)."""
    if kind in ("add_amount", "subtract_amount"):
        if amount is None:
            raise ValueError("An amount adjustment needs an amount")
        return amount if kind == "add_amount" else -amount
    if kind in ("add_percent", "subtract_percent"):
        if percent is None:
            raise ValueError("A percentage adjustment needs a percentage")
        effect = apply_rate(base, Decimal(percent) / HUNDRED, rounding=ROUND_HALF_UP)
        return effect if kind == "add_percent" else -effect
    raise ValueError(f"Unknown adjustment kind: {kind}")


def budget_total(base: int, adjustments: Iterable[Any]) -> int:
    """Base plus each adjustment's rounded effect (adjustments in the order recorded)."""
    return base + sum(adjustment_effect(base, a.kind, a.amount, a.percent) for a in adjustments)


# --- Periods: weekly, four-weekly and yearly side by side --------------------------------

WEEKS = {"weekly": 1, "four_weekly": 4, "yearly": 52}


def _divide_half_up(numerator: int, denominator: int) -> int:
    """``numerator ÷ denominator`` rounded half-up (away from zero) to a whole number."""
    if denominator <= 0:
        raise ValueError("Divide by a positive number")
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))


def yearly_from(amount: int, period: str) -> int:
    """The yearly sum of ``amount`` each ``period``: exact (× 52, × 13 or × 1)."""
    return {"weekly": 52, "four_weekly": 13, "yearly": 1}[period] * amount


def side_by_side(amount: int, period: str) -> dict[str, int]:
    """``amount`` each ``period`` as weekly, four-weekly and yearly sums in whole pence.
    The given period is exact, and so is every longer one (a week × 4 is four weeks, × 52
    a year); a shorter one is the longer divided and rounded half-up to the penny."""
    if period not in WEEKS:
        raise ValueError(f"Unknown period: {period}")
    weeks = WEEKS[period]
    return {name: _divide_half_up(amount * length, weeks) for name, length in WEEKS.items()}
