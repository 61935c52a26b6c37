"""Working days for statutory clocks: weekdays that are not bank holidays.

Holidays come from ``core.bank_holidays``, by rule for any year, with one-off holidays as
data, so no clock ever fails for a year nobody typed in.
"""

from __future__ import annotations

import datetime

from selfdirect.core.bank_holidays import bank_holidays


def is_working_day(day: datetime.date, *, country: str) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year, country)


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
