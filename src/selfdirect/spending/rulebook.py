"""An authority's spending rules as they stand on a day.

The principle and the words on asking and challenging come from the country's data file
(``spending/data/<country>.yaml``, which names its source). The exclusion list is built
from ``ExclusionEntry`` rows: for each exclusion, the authority's own latest entry on or
before the day if it has one, otherwise the latest national default. An entry that
withdraws an exclusion takes it off the list from its date; the authority's own decision
stands until it makes another, and a later national change does not silently undo it
(the house style of ``authorities.policy``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Q

from selfdirect.authorities.models import Authority, Country
from selfdirect.core import clock
from selfdirect.spending.models import ExclusionEntry

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def country_rules(country: str) -> dict[str, Any]:
    """The country's data file: source, principle, asking, review, complaint, exclusions."""
    with (DATA_DIR / f"{country}.yaml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


@dataclass(frozen=True)
class Exclusion:
    key: str
    title: str
    explanation: str
    keywords: tuple[str, ...]
    effective_from: datetime.date
    source: str
    is_local: bool


@dataclass(frozen=True)
class SpendingRules:
    authority: Authority
    on: datetime.date
    principle: str
    asking: str
    review: str
    complaint: str
    source: str
    exclusions: tuple[Exclusion, ...]

    def exclusion(self, key: str) -> Exclusion | None:
        return next((e for e in self.exclusions if e.key == key), None)

    def matching(self, text: str) -> Exclusion | None:
        """The first exclusion whose words appear in ``text`` (whole words, any case)."""
        lowered = " ".join((text or "").lower().split())
        for exclusion in self.exclusions:
            for word in exclusion.keywords:
                if re.search(rf"(?<![\w']){re.escape(word)}(?![\w'])", lowered):
                    return exclusion
        return None


def _entry_in_force(rows: list[ExclusionEntry], on: datetime.date) -> ExclusionEntry | None:
    applying = [r for r in rows if r.effective_from <= on]
    pool = [r for r in applying if r.authority_id] or [r for r in applying if not r.authority_id]
    return max(pool, key=lambda r: (r.effective_from, r.pk), default=None)


def entries_for(authority: Authority) -> Any:
    return ExclusionEntry.objects.filter(
        Q(authority=authority) | Q(authority__isnull=True), country=authority.country)


def spending_rules(authority: Authority, on: datetime.date | None = None) -> SpendingRules:
    """The authority's spending rules in force on ``on`` (one query)."""
    on = on or clock.today()
    data = country_rules(authority.country)
    by_key: dict[str, list[ExclusionEntry]] = {}
    for row in entries_for(authority).filter(effective_from__lte=on):
        by_key.setdefault(row.key, []).append(row)
    exclusions = []
    for rows in by_key.values():
        current = _entry_in_force(rows, on)
        if current is None or current.action != ExclusionEntry.Action.IN_FORCE:
            continue
        exclusions.append(Exclusion(
            key=current.key, title=current.title, explanation=current.explanation,
            keywords=tuple(current.keyword_list()), effective_from=current.effective_from,
            source=current.source or current.reason, is_local=current.authority_id is not None))
    exclusions.sort(key=lambda e: (e.is_local, e.title.lower()))
    return SpendingRules(authority=authority, on=on, principle=data["principle"],
                         asking=data["asking"], review=data["review"],
                         complaint=data["complaint"], source=data["source"],
                         exclusions=tuple(exclusions))


def load_defaults(*, countries: tuple[str, ...] = tuple(Country.values),
                  entry_model: Any = ExclusionEntry) -> int:
    """Load each country's default exclusions from its YAML file; returns how many were
    new. Idempotent. Takes the model so a data migration can pass its historical model."""
    created = 0
    for country in countries:
        data = country_rules(country)
        for item in data["exclusions"]:
            _, was_created = entry_model.objects.get_or_create(
                authority=None, country=country, key=item["key"],
                effective_from=item["from"],
                defaults={"action": "in_force", "title": item["title"],
                          "explanation": " ".join(item["explanation"].split()),
                          "keywords": ", ".join(item.get("keywords", [])),
                          "source": item.get("source", data["source"])[:300]})
            created += was_created
    return created
