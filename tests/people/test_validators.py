"""Tests for selfdirect.people.validators: CHI numbers, NHS numbers and postcodes.

Plain functions: no database. The check digits are worked out in this file independently of
the code under test (``_oracle_check`` below, and by hand in the comments).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.people.validators import (
    make_chi_number,
    make_nhs_number,
    mod11_check_digit,
    normalise_chi,
    normalise_nhs_number,
    normalise_postcode,
    validate_chi_number,
    validate_nhs_number,
    validate_postcode,
)

CHI_FORMAT = "Enter a CHI number with 10 digits, like 120345 1234"
CHI_CHECK_DIGIT = (
    "The CHI number's last digit does not match the others: check it was typed correctly"
)
CHI_IMPOSSIBLE = "This is not a valid CHI number: check it was typed correctly"
CHI_DATE = (
    "The first six digits of a CHI number are the date of birth (DDMMYY): "
    "this one is not a real date"
)
CHI_DOB_MISMATCH = "The CHI number does not match the date of birth"
NHS_FORMAT = "Enter an NHS number with 10 digits, like 943 476 5919"
NHS_CHECK_DIGIT = (
    "The NHS number's last digit does not match the others: check it was typed correctly"
)
NHS_IMPOSSIBLE = "This is not a valid NHS number: check it was typed correctly"
POSTCODE = "Enter a full UK postcode, like EH1 1YZ"

# Worked by hand: date of birth 1 April 1956 -> 010456, serial 123.
#   0*10 + 1*9 + 0*8 + 4*7 + 5*6 + 6*5 + 1*4 + 2*3 + 3*2 = 113; 113 mod 11 = 3; 11 - 3 = 8.
VALID_CHI = "0104561238"
VALID_CHI_DOB = date(1956, 4, 1)
# Serial 001: 0+9+0+28+30+30 + 0*4 + 0*3 + 1*2 = 99; 99 mod 11 = 0; 11 - 0 = 11 -> check digit 0.
VALID_CHI_CHECK_ELEVEN = "0104560010"
# Serial 010: 97 + 0*4 + 1*3 + 0*2 = 100; 100 mod 11 = 1; 11 - 1 = 10 -> no valid number.
CHI_FIRST_NINE_CHECK_TEN = "010456010"

# The NHS Data Dictionary's own example:
#   9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299; 299 mod 11 = 2; 11 - 2 = 9.
VALID_NHS = "9434765919"
# 943476590: 299 - 1*2 = 297; 297 mod 11 = 0 -> check 11 -> 0.
VALID_NHS_CHECK_ELEVEN = "9434765900"
# 943476551: 299 - 9*3 + 5*3 - 1*2 + 1*2 = 287; 287 mod 11 = 1 -> check 10 -> no valid number.
NHS_FIRST_NINE_CHECK_TEN = "943476551"


def _oracle_check(first_nine: str) -> int:
    """The modulus 11 rule written out again, independently of the module under test."""
    total = 0
    for position, char in enumerate(first_nine):
        total += (10 - position) * int(char)
    check = 11 - (total % 11)
    return 0 if check == 11 else check


def _with_check(first_nine: str) -> str:
    check = _oracle_check(first_nine)
    assert check != 10, f"{first_nine} has no valid check digit"
    return first_nine + str(check)


def _error(func: Callable[..., None], value: str, **kwargs: object) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        func(value, **kwargs)
    return info.value


def _assert_rejected(
    func: Callable[..., None], value: str, message: str, code: str, **kwargs: object
) -> None:
    error = _error(func, value, **kwargs)
    assert error.messages == [message]
    assert error.code == code


# --- the shared check digit ---------------------------------------------------------------------


def test_hand_worked_examples_agree_with_the_oracle() -> None:
    assert _with_check(VALID_CHI[:9]) == VALID_CHI
    assert _with_check(VALID_CHI_CHECK_ELEVEN[:9]) == VALID_CHI_CHECK_ELEVEN
    assert _oracle_check(CHI_FIRST_NINE_CHECK_TEN) == 10
    assert _with_check(VALID_NHS[:9]) == VALID_NHS
    assert _with_check(VALID_NHS_CHECK_ELEVEN[:9]) == VALID_NHS_CHECK_ELEVEN
    assert _oracle_check(NHS_FIRST_NINE_CHECK_TEN) == 10


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_mod11_check_digit_matches_the_oracle(first_nine: str) -> None:
    assert mod11_check_digit(first_nine) == _oracle_check(first_nine)


# --- CHI number ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        VALID_CHI,
        "010456 1238",
        "010456-1238",
        " 01 04 56 12 38 ",
        "010456\u00a01238",
        VALID_CHI_CHECK_ELEVEN,
    ],
)
def test_valid_chi_accepted(value: str) -> None:
    validate_chi_number(value)


def test_normalise_chi_strips_spaces_and_hyphens() -> None:
    assert normalise_chi("010456 1238") == VALID_CHI
    assert normalise_chi("010-456-1238") == VALID_CHI
    assert normalise_chi(VALID_CHI) == VALID_CHI


def test_valid_chi_matches_its_date_of_birth() -> None:
    validate_chi_number(VALID_CHI, date_of_birth=VALID_CHI_DOB)


def test_chi_date_of_birth_in_another_century_matches() -> None:
    # The century is not part of a CHI number.
    validate_chi_number(VALID_CHI, date_of_birth=date(2056, 4, 1))


@pytest.mark.parametrize("dob", [date(1956, 4, 2), date(1956, 1, 4), date(1957, 4, 1)])
def test_chi_date_of_birth_mismatch_rejected(dob: date) -> None:
    _assert_rejected(
        validate_chi_number, VALID_CHI, CHI_DOB_MISMATCH, "chi_date_of_birth", date_of_birth=dob
    )


@pytest.mark.parametrize("last", [d for d in "0123456789" if d != VALID_CHI[-1]])
def test_chi_wrong_check_digit_rejected(last: str) -> None:
    _assert_rejected(validate_chi_number, VALID_CHI[:9] + last, CHI_CHECK_DIGIT, "chi_check_digit")


@pytest.mark.parametrize("last", list("0123456789"))
def test_chi_whose_check_digit_would_be_ten_rejected(last: str) -> None:
    _assert_rejected(
        validate_chi_number, CHI_FIRST_NINE_CHECK_TEN + last, CHI_IMPOSSIBLE, "chi_invalid"
    )


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "010456123",  # 9 digits
        "01045612381",  # 11 digits
        "010456123A",  # a letter
        "O104561238",  # letter O for zero
        "0104.561238",
        "\uff10\uff11\uff10\uff14\uff15\uff16\uff11\uff12\uff13\uff18",  # full-width digits
        "٠١٠٤٥٦١٢٣٨",  # Arabic-Indic digits: isdigit() is True, but not accepted
    ],
)
def test_chi_wrong_length_or_not_digits_rejected(value: str) -> None:
    _assert_rejected(validate_chi_number, value, CHI_FORMAT, "chi_format")


@pytest.mark.parametrize(
    "first_six",
    [
        "310245",  # 31 February
        "300245",  # 30 February
        "290201",  # 29 February in a year that is never a leap year
        "310445",  # 31 April
        "001045",  # day 0
        "011345",  # month 13
        "010045",  # month 0
        "999999",
    ],
)
def test_chi_impossible_date_rejected(first_six: str) -> None:
    # Give it a correct check digit, so that only the date is wrong.
    serial = next(s for s in ("123", "124") if _oracle_check(first_six + s) != 10)
    value = _with_check(first_six + serial)
    _assert_rejected(validate_chi_number, value, CHI_DATE, "chi_date")


@pytest.mark.parametrize("first_six", ["290200", "290204", "290296", "311299", "010100"])
def test_chi_real_dates_in_some_century_accepted(first_six: str) -> None:
    # 29/02/00 is real: 2000 was a leap year.
    serial = next(s for s in ("123", "124") if _oracle_check(first_six + s) != 10)
    validate_chi_number(_with_check(first_six + serial))


def test_chi_sex_digit_not_checked() -> None:
    # The ninth digit (odd male, even female) is not validated against anything.
    for ninth in "0123456789":
        first_nine = "01045612" + ninth
        if _oracle_check(first_nine) != 10:
            validate_chi_number(_with_check(first_nine))


# --- NHS number ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [VALID_NHS, "943 476 5919", "943-476-5919", " 943 476 5919 ", VALID_NHS_CHECK_ELEVEN],
)
def test_valid_nhs_number_accepted(value: str) -> None:
    validate_nhs_number(value)


def test_normalise_nhs_number() -> None:
    assert normalise_nhs_number("943 476 5919") == VALID_NHS
    assert normalise_nhs_number("943-476-5919") == VALID_NHS


@pytest.mark.parametrize("last", [d for d in "0123456789" if d != VALID_NHS[-1]])
def test_nhs_wrong_check_digit_rejected(last: str) -> None:
    _assert_rejected(validate_nhs_number, VALID_NHS[:9] + last, NHS_CHECK_DIGIT, "nhs_check_digit")


@pytest.mark.parametrize("last", list("0123456789"))
def test_nhs_whose_check_digit_would_be_ten_rejected(last: str) -> None:
    _assert_rejected(
        validate_nhs_number, NHS_FIRST_NINE_CHECK_TEN + last, NHS_IMPOSSIBLE, "nhs_invalid"
    )


@pytest.mark.parametrize(
    "value",
    ["", "943 476 591", "943 476 59191", "943 476 591X", "NHS 943 476 5919", "943/476/5919"],
)
def test_nhs_wrong_length_or_not_digits_rejected(value: str) -> None:
    _assert_rejected(validate_nhs_number, value, NHS_FORMAT, "nhs_format")


# --- postcode -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("eh11ab", "EH1 1AB"),
        ("EH1 1AB", "EH1 1AB"),
        ("  eh1   1ab ", "EH1 1AB"),
        ("sw1a1aa", "SW1A 1AA"),
        ("g11aa", "G1 1AA"),
        ("gir0aa", "GIR 0AA"),
        ("eh1", "EH1"),
    ],
)
def test_normalise_postcode(typed: str, normalised: str) -> None:
    assert normalise_postcode(typed) == normalised


@pytest.mark.parametrize(
    "value",
    [
        "SW1A 1AA",  # AA9A
        "GIR 0AA",
        "gir0aa",
        "EH1 1YZ",  # the example in the message
        "EH1 1AB",  # AA9
        "eh11ab",  # lower case, no space
        "G1 1AA",  # A9
        "G12 8QQ",  # A99
        "EH12 9AB",  # AA99
        "W1A 0AX",  # A9A
        "EC1A 1BB",  # AA9A
        "ZE1 0AA",  # Shetland
        "IV2 3XY",
        "KW15 1AA",
    ],
)
def test_valid_postcode_accepted(value: str) -> None:
    validate_postcode(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "EH1",  # outward code alone
        "EH1 1",
        "EH1 1A",
        "EH1 1CA",  # C is never an inward letter
        "EH1 1AC",
        "EH1 1IA",
        "EH1 1KA",
        "EH1 1MA",
        "EH1 1OA",
        "EH1 1VA",
        "EH1 AAA",  # inward code must start with a digit
        "QH1 1AA",  # first letter is never Q, V or X
        "VH1 1AA",
        "XH1 1AA",
        "EI1 1AA",  # second letter is never I, J or Z
        "EJ1 1AA",
        "EZ1 1AA",
        "W1L 1AA",  # A9A's third letter is one of ABCDEFGHJKPSTUW
        "EC1C 1AA",  # AA9A's fourth letter is one of ABEHMNPRVWXY
        "EH123 1AA",
        "1H1 1AA",
        "GIR 0AB",
        "EH1 1AB EH1 1AB",
        "BFPO 123",
    ],
)
def test_invalid_postcode_rejected(value: str) -> None:
    _assert_rejected(validate_postcode, value, POSTCODE, "postcode")


# --- generators and properties ------------------------------------------------------------------

dates_of_birth = st.dates(min_value=date(1880, 1, 1), max_value=date(2099, 12, 31))
rngs = st.integers(min_value=0, max_value=2**32).map(random.Random)


@given(dates_of_birth, rngs)
def test_make_chi_number_validates(dob: date, rng: random.Random) -> None:
    chi = make_chi_number(dob, rng)
    assert len(chi) == 10
    assert chi.isascii()
    assert chi.isdigit()
    assert chi[:6] == dob.strftime("%d%m") + f"{dob.year % 100:02d}"
    assert _oracle_check(chi[:9]) == int(chi[9])
    validate_chi_number(chi)
    validate_chi_number(chi, date_of_birth=dob)


@given(rngs)
def test_make_nhs_number_validates(rng: random.Random) -> None:
    nhs = make_nhs_number(rng)
    assert len(nhs) == 10
    assert nhs.isascii()
    assert nhs.isdigit()
    assert _oracle_check(nhs[:9]) == int(nhs[9])
    validate_nhs_number(nhs)


def test_generators_are_reproducible_from_the_seed() -> None:
    dob = date(1970, 6, 15)
    first = [make_chi_number(dob, random.Random(7)) for _ in range(3)]
    assert len(set(first)) == 1
    assert make_nhs_number(random.Random(7)) == make_nhs_number(random.Random(7))


def test_make_chi_number_redraws_serials_whose_check_would_be_ten() -> None:
    # 1 in 11 serials has no check digit; over many draws none of those may come out.
    rng = random.Random(0)
    dob = date(1956, 4, 1)
    for _ in range(2000):
        assert _oracle_check(make_chi_number(dob, rng)[:9]) != 10


def _single_digit_changes() -> st.SearchStrategy[tuple[int, int]]:
    """A position 0-9 and a non-zero amount 1-9 to add to that digit (mod 10)."""
    return st.tuples(st.integers(0, 9), st.integers(1, 9))


def _change(number: str, position: int, step: int) -> str:
    digit = (int(number[position]) + step) % 10
    return number[:position] + str(digit) + number[position + 1 :]


def test_single_digit_change_property_holds_exhaustively_for_the_algorithm() -> None:
    # Why the property below is true: the weights 10, 9, ..., 2 (and 1 for the check digit
    # itself) are all non-zero mod 11, a single-digit change is -9..9 and non-zero, and 11 is
    # prime, so the weighted sum always moves by a non-multiple of 11.
    for weight in range(1, 11):
        for delta in range(-9, 10):
            if delta:
                assert (weight * delta) % 11 != 0


@given(dates_of_birth, rngs, _single_digit_changes())
def test_changing_one_digit_of_a_chi_makes_it_invalid(
    dob: date, rng: random.Random, change: tuple[int, int]
) -> None:
    chi = make_chi_number(dob, rng)
    changed = _change(chi, *change)
    assert changed != chi
    with pytest.raises(ValidationError):
        validate_chi_number(changed)


@given(rngs, _single_digit_changes())
def test_changing_one_digit_of_an_nhs_number_makes_it_invalid(
    rng: random.Random, change: tuple[int, int]
) -> None:
    nhs = make_nhs_number(rng)
    changed = _change(nhs, *change)
    assert changed != nhs
    error = _error(validate_nhs_number, changed)
    assert error.code in {"nhs_check_digit", "nhs_invalid"}


@given(st.sampled_from(range(10)), st.sampled_from(range(1, 10)))
def test_changing_one_digit_of_the_dictionary_example_makes_it_invalid(
    position: int, step: int
) -> None:
    with pytest.raises(ValidationError):
        validate_nhs_number(_change(VALID_NHS, position, step))


@given(st.text(max_size=12))
def test_normalise_postcode_is_idempotent(value: str) -> None:
    once = normalise_postcode(value)
    assert normalise_postcode(once) == once


@given(st.text(alphabet="0123456789 -", max_size=16))
def test_normalised_numbers_are_stable(value: str) -> None:
    assert normalise_chi(normalise_chi(value)) == normalise_chi(value)
    assert normalise_nhs_number(value) == normalise_chi(value)


def test_synthetic_nhs_numbers_come_from_the_test_range_only() -> None:
    rng = random.Random(3)
    assert all(make_nhs_number(rng).startswith("999") for _ in range(1000))
