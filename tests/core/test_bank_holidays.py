"""Bank holidays by rule, checked against the published lists and over 1990-2100."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.core.bank_holidays import bank_holidays, easter_sunday

D = datetime.date

# gov.uk/bank-holidays as published for 2022-2027 (the one-off 2022 and 2023 holidays
# included), for each country.
PUBLISHED = {
    "scotland": [
        D(2022, 1, 3), D(2022, 1, 4), D(2022, 4, 15), D(2022, 5, 2), D(2022, 6, 2),
        D(2022, 6, 3), D(2022, 8, 1), D(2022, 9, 19), D(2022, 11, 30), D(2022, 12, 26),
        D(2022, 12, 27),
        D(2023, 1, 2), D(2023, 1, 3), D(2023, 4, 7), D(2023, 5, 1), D(2023, 5, 8),
        D(2023, 5, 29), D(2023, 8, 7), D(2023, 11, 30), D(2023, 12, 25), D(2023, 12, 26),
        D(2024, 1, 1), D(2024, 1, 2), D(2024, 3, 29), D(2024, 5, 6), D(2024, 5, 27),
        D(2024, 8, 5), D(2024, 12, 2), D(2024, 12, 25), D(2024, 12, 26),
        D(2025, 1, 1), D(2025, 1, 2), D(2025, 4, 18), D(2025, 5, 5), D(2025, 5, 26),
        D(2025, 8, 4), D(2025, 12, 1), D(2025, 12, 25), D(2025, 12, 26),
        D(2026, 1, 1), D(2026, 1, 2), D(2026, 4, 3), D(2026, 5, 4), D(2026, 5, 25),
        D(2026, 8, 3), D(2026, 11, 30), D(2026, 12, 25), D(2026, 12, 28),
        D(2027, 1, 1), D(2027, 1, 4), D(2027, 3, 26), D(2027, 5, 3), D(2027, 5, 31),
        D(2027, 8, 2), D(2027, 11, 30), D(2027, 12, 27), D(2027, 12, 28),
    ],
    "england": [
        D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2), D(2022, 6, 2),
        D(2022, 6, 3), D(2022, 8, 29), D(2022, 9, 19), D(2022, 12, 26), D(2022, 12, 27),
        D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1), D(2023, 5, 8),
        D(2023, 5, 29), D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26),
        D(2024, 1, 1), D(2024, 3, 29), D(2024, 4, 1), D(2024, 5, 6), D(2024, 5, 27),
        D(2024, 8, 26), D(2024, 12, 25), D(2024, 12, 26),
        D(2025, 1, 1), D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5), D(2025, 5, 26),
        D(2025, 8, 25), D(2025, 12, 25), D(2025, 12, 26),
        D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25),
        D(2026, 8, 31), D(2026, 12, 25), D(2026, 12, 28),
        D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31),
        D(2027, 8, 30), D(2027, 12, 27), D(2027, 12, 28),
    ],
}


@pytest.mark.parametrize("country", ["scotland", "england"])
@pytest.mark.parametrize("year", range(2022, 2028))
def test_the_rules_give_the_published_list(country, year):
    published = {day for day in PUBLISHED[country] if day.year == year}
    assert bank_holidays(year, country) == published


@pytest.mark.parametrize(("year", "easter"), [
    (1990, D(1990, 4, 15)), (2000, D(2000, 4, 23)), (2008, D(2008, 3, 23)),
    (2011, D(2011, 4, 24)), (2019, D(2019, 4, 21)), (2038, D(2038, 4, 25)),
    (2100, D(2100, 3, 28)),
])
def test_easter_sunday_on_known_years(year, easter):
    assert easter_sunday(year) == easter


@given(st.integers(min_value=1990, max_value=2100))
def test_every_year_has_its_holidays_each_on_a_weekday(year):
    scotland, england = bank_holidays(year, "scotland"), bank_holidays(year, "england")
    for days in (scotland, england):
        assert all(day.weekday() < 5 and day.year == year for day in days)
    usual_scotland, usual_england = 9, 8
    one_off_years = {1999, 2002, 2011, 2012, 2020, 2022, 2023}
    if year not in one_off_years:
        # A substitute never leaves the year: when 25 and 26 December fall on a
        # weekend, 27 and 28 December are a Monday and a Tuesday.
        assert len(scotland) == usual_scotland
        assert len(england) == usual_england
    assert easter_sunday(year) - datetime.timedelta(days=2) in scotland & england
    assert easter_sunday(year) + datetime.timedelta(days=1) in england - scotland
    assert easter_sunday(year).weekday() == 6


def test_an_unknown_country_is_refused():
    with pytest.raises(ValueError, match="wales-only"):
        bank_holidays(2026, "wales-only")
