"""The largest amounts an authority's pages and API accept, as policy figures.

Not a policy on what support may cost: a bound against typing errors and abuse (a plan
line of £1,000,000,000,000 a week is a slip of the keyboard, and would overflow every
total it joins). Each is a ``limits.*`` figure with an effective date and a source, which
an authority's administrator may raise or lower from a date like any local figure. The
message names the field and the maximum, so the person typing can act on it."""

from __future__ import annotations

import datetime
from typing import Any

from selfdirect.authorities.policy import policy_value
from selfdirect.core import clock
from selfdirect.core.money import format_pounds

PLAN_LINE_WEEKLY = "limits.plan_line_weekly_max"
ADJUSTMENT = "limits.adjustment_max"
FUNDING_LINE_YEARLY = "limits.funding_line_yearly_max"
ENVELOPE = "limits.envelope_max"


def over_limit(*, authority: Any, key: str, pence: int, what: str,
               on: datetime.date | None = None) -> str | None:
    """A message naming ``what`` and the maximum when ``pence`` is above the authority's
    figure ``key`` in force ``on`` (default today); ``None`` when within it."""
    maximum = policy_value(authority=authority, key=key, on=on or clock.today())
    if pence <= maximum:
        return None
    return f"{what} must be {format_pounds(maximum)} or less"
