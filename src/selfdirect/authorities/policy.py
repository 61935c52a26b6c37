"""Policy figures: thresholds, rates, tapers and time limits as data with effective dates.

Each figure has a key (``waiting.service_weeks``), a kind that says how to read its
value, and entries that apply from a date. An authority's own entry overrides its
country's national default from the entry's date. Entries are never edited: a change is
a new entry from a date, so every past decision can be explained by the figure that was
in force at the time.

Two sorts of figure. A *statutory* figure (``local: false`` in the data file: free
personal care rates, the minimum wage for care workers, statutory time limits) has one
national value; an authority cannot override it. A *local policy* figure (an eligibility
threshold, a taper, a review interval) starts from the national default; once the
authority sets its own value, its own latest entry stands until it sets another, and a
later change to the national default does not silently undo the authority's decision.

The defaults live in ``authorities/data/policy/<country>.yaml``. Each entry names its
source. ``manage.py load_policy`` and the app's data migration load them.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db.models import Q

from selfdirect.authorities.models import Authority, Country, PolicyFigure, PolicyKind
from selfdirect.core import clock

DATA_DIR = Path(__file__).resolve().parent / "data" / "policy"
PENCE = Decimal("0.01")


@dataclass(frozen=True)
class FigureDefinition:
    key: str
    kind: str
    label: str
    help: str
    choices: tuple[str, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    local: bool = True


@dataclass(frozen=True)
class FigureInForce:
    definition: FigureDefinition
    value: Any
    display: str
    effective_from: datetime.date
    source: str
    is_local: bool


def _read(country: str) -> dict[str, Any]:
    with (DATA_DIR / f"{country}.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def definitions(country: str) -> dict[str, FigureDefinition]:
    """The figures a country's policy set defines, by key."""
    result = {}
    for item in _read(country)["figures"]:
        result[item["key"]] = FigureDefinition(
            key=item["key"], kind=item["kind"], label=item["label"], help=item.get("help", ""),
            choices=tuple(item.get("choices", ())),
            minimum=Decimal(str(item["minimum"])) if "minimum" in item else None,
            maximum=Decimal(str(item["maximum"])) if "maximum" in item else None,
            local=item.get("local", True))
    return result


def to_canonical(definition: FigureDefinition, raw: Any) -> str:
    """Text as stored: money in whole pence, numbers as exact decimals. Raises a
    ValidationError naming the figure and what is wanted."""
    text = str(raw).strip().replace(",", "")
    label = definition.label
    if definition.kind == PolicyKind.CHOICE:
        if text not in definition.choices:
            raise ValidationError({"value": f"{label} must be one of: {', '.join(definition.choices)}"})
        return text
    if definition.kind == PolicyKind.MONEY:
        text = text.removeprefix("£")
    if definition.kind == PolicyKind.PERCENT:
        text = text.removesuffix("%")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError({"value": f"{label} must be a number"}) from exc
    if not number.is_finite() or not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        raise ValidationError({"value": f"{label} must be a number, like 12.50"})
    if definition.minimum is not None and number < definition.minimum:
        raise ValidationError({"value": f"{label} must be {definition.minimum} or more"})
    if definition.maximum is not None and number > definition.maximum:
        raise ValidationError({"value": f"{label} must be {definition.maximum} or less"})
    if definition.kind == PolicyKind.MONEY:
        if number != number.quantize(PENCE):
            raise ValidationError({"value": f"{label} must be in pounds and pence, like 254.60"})
        return str(int(number * 100))
    if definition.kind == PolicyKind.INTEGER:
        if number != number.to_integral_value():
            raise ValidationError({"value": f"{label} must be a whole number"})
        return str(int(number))
    # Plain notation always ("10", "16.5"): never "1E+1".
    return format(number.normalize(), "f")


def from_canonical(kind: str, text: str) -> Any:
    """The value in the type code uses: pence as int, rates as Decimal, whole numbers as int."""
    if kind == PolicyKind.CHOICE:
        return text
    if kind in (PolicyKind.MONEY, PolicyKind.INTEGER):
        return int(text)
    return Decimal(text)


def display(kind: str, text: str) -> str:
    if kind == PolicyKind.MONEY:
        pounds = (Decimal(int(text)) / 100).quantize(PENCE, rounding=ROUND_HALF_UP)
        return f"£{pounds:,}"
    if kind == PolicyKind.PERCENT:
        return f"{text}%"
    return text


def _in_force(definition: FigureDefinition, rows: list[PolicyFigure],
              on: datetime.date) -> PolicyFigure | None:
    """The entry applying on ``on``: the authority's latest own entry for a local figure,
    otherwise the latest national default (see the module docstring)."""
    applying = [r for r in rows if r.effective_from <= on]
    local = [r for r in applying if r.authority_id] if definition.local else []
    pool = local or [r for r in applying if not r.authority_id]
    return max(pool, key=lambda r: r.effective_from, default=None)


def _rows(authority: Authority, keys: list[str], on: datetime.date) -> list[PolicyFigure]:
    return list(PolicyFigure.objects.filter(
        Q(authority=authority) | Q(authority__isnull=True),
        key__in=keys, country=authority.country, effective_from__lte=on))


def policy_figures_in_force(*, authority: Authority,
                            on: datetime.date | None = None) -> list[FigureInForce]:
    """Every figure of the authority's policy set as it stands on ``on`` (one query)."""
    on = on or clock.today()
    defs = definitions(authority.country)
    rows = _rows(authority, list(defs), on)
    by_key: dict[str, list[PolicyFigure]] = {}
    for row in rows:
        by_key.setdefault(row.key, []).append(row)
    result = []
    for key, definition in defs.items():
        current = _in_force(definition, by_key.get(key, []), on)
        if current is None:
            continue
        result.append(FigureInForce(
            definition=definition, value=from_canonical(current.kind, current.value),
            display=display(current.kind, current.value), effective_from=current.effective_from,
            source=current.source or current.reason, is_local=current.authority_id is not None))
    return result


def policy_value(*, authority: Authority, key: str, on: datetime.date | None = None) -> Any:
    """The value of one figure in force for ``authority`` on ``on``. Raises KeyError when
    the authority's country defines no such figure or it had no value then."""
    on = on or clock.today()
    definition = definitions(authority.country)[key]
    row = _in_force(definition, _rows(authority, [key], on), on)
    if row is None:
        raise KeyError(f"{key} has no value on {on} for {authority}")
    return from_canonical(definition.kind, row.value)


def policy_history(*, authority: Authority, key: str) -> list[PolicyFigure]:
    """Every entry of one figure for ``authority``, national and local, newest first."""
    return list(PolicyFigure.objects.filter(
        Q(authority=authority) | Q(authority__isnull=True), key=key,
        country=authority.country).select_related("authority", "recorded_by")
        .order_by("-effective_from", "authority_id"))


def load_defaults(*, countries: tuple[str, ...] = tuple(Country.values),
                  figure_model: Any = PolicyFigure) -> int:
    """Load each country's default figures from its YAML file; returns how many were new.

    Idempotent: an entry already loaded (country, key, date) is left alone. Takes the
    model as a parameter so a data migration can pass its historical model."""
    created = 0
    for country in countries:
        data = _read(country)
        for item in data["figures"]:
            definition = definitions(country)[item["key"]]
            for entry in item["entries"]:
                _, was_created = figure_model.objects.get_or_create(
                    authority=None, country=country, key=item["key"],
                    effective_from=entry["from"],
                    defaults={"kind": item["kind"], "value": to_canonical(definition, entry["value"]),
                              "source": entry.get("source", data.get("source", ""))[:300]})
                created += was_created
    return created
