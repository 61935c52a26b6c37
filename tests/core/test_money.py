"""Money helpers: exact pence, Decimal at the edges, floats refused."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.core.money import (
    MAX_PENCE,
    MoneyField,
    apply_rate,
    format_pounds,
    pence_from_pounds,
    pounds,
    split_evenly,
)

PENCE = st.integers(min_value=-MAX_PENCE, max_value=MAX_PENCE)  # what may be typed


def test_money_field_is_a_big_integer():
    from django.db import models

    assert isinstance(MoneyField(), models.BigIntegerField)


@pytest.mark.parametrize(("text", "pence"), [
    ("1234.56", 123456), ("£1,234.56", 123456), (" £45 ", 4500), ("0.1", 10),
    ("-12", -1200), ("−£12.00", -1200), ("-£0.01", -1), ("1.230", 123),
])
def test_pence_from_text(text, pence):
    assert pence_from_pounds(text) == pence


def test_pence_from_decimal():
    assert pence_from_pounds(Decimal("45.00")) == 4500


@pytest.mark.parametrize("text", ["1.234", "abc", "", "£", "1e3x", "NaN", "Infinity", "£-5", "--5"])
def test_bad_text_is_refused(text):
    with pytest.raises(ValueError):
        pence_from_pounds(text)


def test_floats_are_refused_everywhere():
    with pytest.raises(TypeError):
        pence_from_pounds(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        pence_from_pounds(12)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        pounds(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        apply_rate(100, 0.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        apply_rate(100.0, Decimal("0.5"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        split_evenly(10.0, 3)  # type: ignore[arg-type]


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_any_float_is_refused(value):
    with pytest.raises(TypeError):
        pence_from_pounds(value)  # type: ignore[arg-type]


def test_pounds_and_format():
    assert pounds(123456) == Decimal("1234.56")
    assert str(pounds(5)) == "0.05"
    assert format_pounds(123456) == "£1,234.56"
    assert format_pounds(-1200) == "−£12.00"
    assert format_pounds(0) == "£0.00"
    assert format_pounds(100_000_000) == "£1,000,000.00"


@given(PENCE)
def test_round_trip_through_pounds(pence):
    assert pence_from_pounds(pounds(pence)) == pence
    assert pence_from_pounds(str(pounds(pence))) == pence


@given(PENCE)
def test_round_trip_through_display(pence):
    assert pence_from_pounds(format_pounds(pence)) == pence


def test_apply_rate_rounds_by_the_rule_given():
    assert apply_rate(1000, Decimal("0.125")) == 125
    assert apply_rate(5, Decimal("0.5")) == 3  # 2.5 half up
    assert apply_rate(5, Decimal("0.5"), rounding=ROUND_HALF_EVEN) == 2
    assert apply_rate(7, Decimal("0.5"), rounding=ROUND_DOWN) == 3
    assert apply_rate(-5, Decimal("0.5")) == -3  # half away from zero


@given(PENCE, st.decimals(min_value=-10, max_value=10, places=4))
def test_apply_rate_is_within_half_a_penny(pence, rate):
    result = apply_rate(pence, rate)
    assert abs(Decimal(result) - Decimal(pence) * rate) <= Decimal("0.5")


@given(PENCE, st.integers(min_value=1, max_value=500))
def test_split_evenly_sums_exactly(pence, parts):
    shares = split_evenly(pence, parts)
    assert len(shares) == parts
    assert sum(shares) == pence
    assert max(shares) - min(shares) <= 1


def test_split_evenly_gives_left_over_pennies_to_the_first():
    assert split_evenly(1000, 3) == [334, 333, 333]
    with pytest.raises(ValueError):
        split_evenly(1000, 0)
