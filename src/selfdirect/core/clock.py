"""Today's date, in one place.

Every date the platform decides by ("due today", "in force today", "six weeks from
today") comes from :func:`today`. It is the date in the deployment's time zone
(``settings.TIME_ZONE``, Europe/London for every UK authority), never the server's own
(``datetime.date.today()`` on a UTC server is a day behind for an hour after midnight in
summer). ``tests/core/test_clock.py`` fails on a ``date.today()`` or a bare
``timezone.localdate()`` anywhere else in ``src/``.

:func:`as_of` sets the day for the code inside it, in this thread or task only. The demo
loader uses it (``manage.py demo_load --today``) so that the same inputs give the same
records whatever the real date; nothing that serves a request uses it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_as_of: ContextVar[datetime.date | None] = ContextVar("selfdirect_as_of", default=None)


def today() -> datetime.date:
    """The date today in the deployment's time zone (or the day set by :func:`as_of`)."""
    day = _as_of.get()
    return day if day is not None else timezone.localdate()


@contextmanager
def as_of(day: datetime.date) -> Iterator[datetime.date]:
    """Treat ``day`` as today for the code inside the ``with`` block."""
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        raise TypeError(f"as_of needs a date, not {day!r}")
    token = _as_of.set(day)
    try:
        yield day
    finally:
        _as_of.reset(token)
