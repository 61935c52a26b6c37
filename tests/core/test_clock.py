"""One source for today's date: ``selfdirect.core.clock``."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone

from selfdirect.core import clock

SRC = Path(__file__).resolve().parents[2] / "src" / "selfdirect"
# A date from the server's own clock, or the deployment's read without the clock module.
FORBIDDEN = re.compile(r"\bdate\.today\(\)|\btimezone\.localdate\(\s*\)|=\s*timezone\.localdate\b(?!\()")


def test_no_other_source_of_today_in_src():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "clock.py" and path.parent.name == "core":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if FORBIDDEN.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not offenders, "Use selfdirect.core.clock.today():\n" + "\n".join(offenders)


def test_the_pattern_catches_each_form():
    for line in ("x = date.today()", "x = datetime.date.today()", "on = timezone.localdate()",
                 "TODAY = timezone.localdate"):
        assert FORBIDDEN.search(line), line
    assert not FORBIDDEN.search("worked = timezone.localdate(calculated_at)")


def test_today_is_the_date_in_the_deployments_time_zone():
    assert clock.today() == timezone.localdate()


def test_as_of_sets_the_day_inside_the_block_only():
    leap_day = datetime.date(2028, 2, 29)
    with clock.as_of(leap_day) as day:
        assert day == leap_day
        assert clock.today() == leap_day
        with clock.as_of(datetime.date(2027, 12, 31)):
            assert clock.today() == datetime.date(2027, 12, 31)
        assert clock.today() == leap_day
    assert clock.today() == timezone.localdate()


def test_as_of_needs_a_date():
    with pytest.raises(TypeError, match="needs a date"), clock.as_of(timezone.now()):
        pass  # pragma: no cover
