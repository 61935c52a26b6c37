"""Bank holidays in Scotland and in England and Wales, for any year, by rule.

The rules (Banking and Financial Dealings Act 1971, schedule 1, and the yearly
proclamations that hold the dates in place; as listed at gov.uk/bank-holidays):

- New Year's Day; in Scotland also 2 January.
- Good Friday; in England and Wales also Easter Monday.
- The early May bank holiday (the first Monday in May) and the spring bank holiday (the
  last Monday in May).
- The summer bank holiday: the first Monday in August in Scotland, the last in England
  and Wales.
- St Andrew's Day (30 November) in Scotland.
- Christmas Day and Boxing Day.

A holiday that falls on a Saturday or Sunday is replaced by the next weekday that is not
already a holiday ("substitute day"), which is how 2 January, Christmas and Boxing Day
move in turn. One-off holidays proclaimed for a year (a jubilee, a coronation, a state
funeral) and the usual holidays moved for them are data, in
``core/data/public_holidays.yaml``, each with its reason. ``tests/core/
test_bank_holidays.py`` checks the rules against the published lists and over 1990-2100.
"""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data" / "public_holidays.yaml"
COUNTRIES = ("scotland", "england")


def easter_sunday(year: int) -> datetime.date:
    """Easter Sunday in the Gregorian calendar (the "anonymous" algorithm of Meeus, Jones
    and Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> datetime.date:
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last = following - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=last.weekday())


def _on_a_weekday(day: datetime.date, taken: set[datetime.date]) -> datetime.date:
    """``day``, or the next weekday not already a holiday when it is taken or a weekend."""
    while day.weekday() >= 5 or day in taken:
        day += datetime.timedelta(days=1)
    return day


@cache
def _one_offs() -> dict[str, dict[str, frozenset[datetime.date]]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))["one_off"]
    result: dict[str, dict[str, frozenset[datetime.date]]] = {}
    for country in COUNTRIES:
        result[country] = {
            change: frozenset(entry["date"] for entry in
                              [*data["both"][change], *data[country][change]])
            for change in ("added", "removed")}
    return result


@cache
def bank_holidays(year: int, country: str) -> frozenset[datetime.date]:
    """Every bank holiday of ``year`` in ``country`` ("scotland" or "england")."""
    if country not in COUNTRIES:
        raise ValueError(f"No bank holiday rules for {country!r}")
    scotland = country == "scotland"
    taken: set[datetime.date] = set()
    # Fixed dates that move to a weekday, in order, so each substitute skips the last.
    new_year = [datetime.date(year, 1, 1)] + ([datetime.date(year, 1, 2)] if scotland else [])
    for day in new_year:
        taken.add(_on_a_weekday(day, taken))
    easter = easter_sunday(year)
    taken.add(easter - datetime.timedelta(days=2))
    if not scotland:
        taken.add(easter + datetime.timedelta(days=1))
    taken.add(_first_monday(year, 5))
    taken.add(_last_monday(year, 5))
    taken.add(_first_monday(year, 8) if scotland else _last_monday(year, 8))
    if scotland:
        taken.add(_on_a_weekday(datetime.date(year, 11, 30), taken))
    for day in (datetime.date(year, 12, 25), datetime.date(year, 12, 26)):
        taken.add(_on_a_weekday(day, taken))
    changes = _one_offs()[country]
    taken -= {day for day in changes["removed"] if day.year == year}
    taken |= {day for day in changes["added"] if day.year == year}
    return frozenset(taken)
