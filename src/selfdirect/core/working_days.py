"""Working days for statutory clocks: weekdays that are not public holidays.

Holidays come from core/data/public_holidays.yaml, by country. A date beyond the years
the file covers raises, rather than silently counting a holiday as a working day.
"""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data" / "public_holidays.yaml"


@cache
def public_holidays(country: str) -> frozenset[datetime.date]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return frozenset(data[country])


def _covered(country: str, day: datetime.date) -> None:
    years = {d.year for d in public_holidays(country)}
    if day.year not in years:
        raise LookupError(f"No public holidays recorded for {country} in {day.year}: "
                          "add them to core/data/public_holidays.yaml")


def is_working_day(day: datetime.date, *, country: str) -> bool:
    _covered(country, day)
    return day.weekday() < 5 and day not in public_holidays(country)


def add_working_days(start: datetime.date, days: int, *, country: str) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    current = start
    remaining = days
    while remaining:
        current += datetime.timedelta(days=1)
        if is_working_day(current, country=country):
            remaining -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date, *, country: str) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_working_day(current, country=country):
            count += 1
    return count
