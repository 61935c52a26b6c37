import datetime

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


def test_any_year_has_working_days_by_rule():
    # 2 January 2031 is a Thursday and a Scottish bank holiday; in England it is a
    # working day. No year needs its holidays typed in.
    assert not is_working_day(D(2031, 1, 2), country="scotland")
    assert is_working_day(D(2031, 1, 2), country="england")
    assert add_working_days(D(2099, 12, 24), 3, country="england") == D(2099, 12, 31)
