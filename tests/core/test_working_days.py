import datetime

import pytest

from selfdirect.core.working_days import add_working_days, is_working_day, working_days_between

D = datetime.date


def test_two_working_days_skip_a_weekend_and_st_andrews_day():
    # Thursday 26 Nov 2026 + 2 working days: Fri 27, (weekend), Mon 30 Nov is St Andrew's
    # Day in Scotland, so Tuesday 1 December.
    assert add_working_days(D(2026, 11, 26), 2, country="scotland") == D(2026, 12, 1)
    assert add_working_days(D(2026, 11, 26), 2, country="england") == D(2026, 11, 30)


def test_christmas_and_new_year_in_scotland():
    # From Thu 24 Dec 2026: 25 Dec and 28 Dec (Boxing Day moved) are holidays; 29, 30 and
    # 31 Dec count; 1 Jan and 4 Jan (2 January moved) are holidays; 5 and 6 Jan count.
    assert add_working_days(D(2026, 12, 24), 5, country="scotland") == D(2027, 1, 6)


def test_counting_between_dates_matches_adding():
    start = D(2026, 11, 20)
    for n in range(0, 15):
        end = add_working_days(start, n, country="scotland")
        assert working_days_between(start, end, country="scotland") == n


def test_a_year_without_holidays_is_an_error_not_a_guess():
    with pytest.raises(LookupError, match="2031"):
        is_working_day(D(2031, 1, 2), country="scotland")
