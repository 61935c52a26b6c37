"""The limits on what anyone may send, in one place, for the pages and the API alike.

No input may reach the database, or arithmetic, in a form it cannot hold: an id beyond a
``bigint``, a NUL character (PostgreSQL refuses it in text), text of any length, a date
in the year 9999 (a day later overflows), an amount of 10**30 pounds
(``core.money.MAX_POUNDS``). Each is refused where it comes in, with a message naming the
field:

- ids in addresses: ``core.converters`` (``<id:pk>``, ``{id:person_id}``);
- pages: the GOV.UK forms (``core.forms``, the base of every form) refuse NUL in every
  field and text longer than :data:`TEXT_MAX` in a text field with no limit of its own,
  and the date field refuses dates outside :data:`EARLIEST_DATE`–:data:`LATEST_DATE`;
- the API: every input schema derives from ``api.schemas.InSchema`` (NUL, text length,
  whole numbers, ISO dates in range) and query strings pass ``api.parser`` (NUL, length).
"""

from __future__ import annotations

import datetime
from typing import Any

from selfdirect.core import clock

# The largest id a record can have: BigAutoField is a signed 64-bit integer. Also the
# largest whole number the API accepts anywhere (no column holds more).
MAX_ID = 2**63 - 1
# The longest text accepted anywhere, pages and API alike: a free-text answer with no
# limit of its own (a TextField) is capped here; a field with a max_length is capped by
# that.
TEXT_MAX = 10_000
# The character PostgreSQL cannot store in text.
NUL = "\x00"
# Dates anyone may give: nothing the platform records is earlier (dates of birth have
# their own, later, limit: OLDEST_AGE_YEARS) or later, and a day or a year either side
# still fits in a date.
EARLIEST_DATE = datetime.date(1850, 1, 1)
LATEST_DATE = datetime.date(2199, 12, 31)
# A date of birth is in the past and no more than this many years ago.
OLDEST_AGE_YEARS = 130


def contains_nul(value: Any) -> bool:
    """Whether ``value`` (text, or a list of texts as a multiple choice sends) holds NUL."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def nul_message(label: str) -> str:
    return f"{label} must not contain a null character: remove it, or type the answer again"


def too_long_message(label: str, limit: int) -> str:
    """The GOV.UK wording for a too-long answer."""
    return f"{label} must be {limit:,} characters or fewer"


def date_range_message(label: str) -> str:
    return (f"{label} must be between {EARLIEST_DATE:%-d %B %Y} and "
            f"{LATEST_DATE:%-d %B %Y}")


def earliest_birth_date(today: datetime.date | None = None) -> datetime.date:
    """The earliest plausible date of birth: :data:`OLDEST_AGE_YEARS` years before today
    (28 February when today is 29 February and that year has none)."""
    today = today or clock.today()
    year = today.year - OLDEST_AGE_YEARS
    try:
        return today.replace(year=year)
    except ValueError:
        return datetime.date(year, 2, 28)


def birth_date_problem(label: str, value: datetime.date,
                       today: datetime.date | None = None) -> str | None:
    """Why ``value`` is not a plausible date of birth, or ``None`` when it is."""
    today = today or clock.today()
    if value >= today:
        return f"{label} must be in the past"
    earliest = earliest_birth_date(today)
    if value < earliest:
        return (f"{label} must be no more than {OLDEST_AGE_YEARS} years ago "
                f"(on or after {earliest:%-d %B %Y})")
    return None
