"""Checks for the identifiers and postcodes typed into a person's record.

Plain functions with no models, so forms, the API, imports and synthetic data all share one
set of rules. Each ``validate_*`` function takes what a person typed, tidies it with the
matching ``normalise_*`` function, and raises ``ValidationError`` with a plain-English message
(and a ``code``) when it is wrong. They can be used directly as Django field validators.

The ``make_*`` functions build valid numbers for synthetic data and tests.
"""

from __future__ import annotations

import random
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = [
    "make_chi_number",
    "make_nhs_number",
    "mod11_check_digit",
    "normalise_chi",
    "normalise_nhs_number",
    "normalise_postcode",
    "validate_chi_number",
    "validate_nhs_number",
    "validate_postcode",
]

# Weights for the first nine digits of both CHI and NHS numbers.
_WEIGHTS: tuple[int, ...] = (10, 9, 8, 7, 6, 5, 4, 3, 2)

_TEN_DIGITS = re.compile(r"[0-9]{10}")  # ASCII digits only: str.isdigit() accepts "²" and "٣"

# Spaces (any kind, including non-breaking) and the dashes people type or paste from documents.
_NUMBER_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]+")

# UK postcode, upper case, one space. Outward code A9, A99, AA9, AA99, A9A or AA9A, where the
# first letter is never Q, V or X; the second never I, J or Z; the third (A9A) is one of
# ABCDEFGHJKPSTUW; the fourth (AA9A) one of ABEHMNPRVWXY. Inward code 9AA, whose letters are
# never C, I, K, M, O or V. Plus Girobank's GIR 0AA. (Royal Mail's format, as in BS 7666.)
_POSTCODE = re.compile(
    r"GIR 0AA"
    r"|[A-PR-UWYZ]"
    r"(?:[0-9]{1,2}|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?|[0-9][A-HJKPS-UW])"
    r" [0-9][ABD-HJLNP-UW-Z]{2}"
)

CHI_FORMAT_MESSAGE = _("Enter a CHI number with 10 digits, like 120345 1234")
CHI_CHECK_DIGIT_MESSAGE = _(
    "The CHI number's last digit does not match the others: check it was typed correctly"
)
CHI_IMPOSSIBLE_MESSAGE = _("This is not a valid CHI number: check it was typed correctly")
CHI_DATE_MESSAGE = _(
    "The first six digits of a CHI number are the date of birth (DDMMYY): "
    "this one is not a real date"
)
CHI_DOB_MISMATCH_MESSAGE = _("The CHI number does not match the date of birth")

NHS_FORMAT_MESSAGE = _("Enter an NHS number with 10 digits, like 943 476 5919")
NHS_CHECK_DIGIT_MESSAGE = _(
    "The NHS number's last digit does not match the others: check it was typed correctly"
)
NHS_IMPOSSIBLE_MESSAGE = _("This is not a valid NHS number: check it was typed correctly")

POSTCODE_MESSAGE = _("Enter a full UK postcode, like EH1 1YZ")


def mod11_check_digit(first_nine: str) -> int:
    """Return the modulus 11 check digit for nine ASCII digits, or 10 if none is possible.

    Rule (NHS Data Dictionary, "NHS Number"; CHI numbers use the same): multiply the digits by
    10, 9, ..., 2, add them up, take the remainder on dividing by 11 and subtract it from 11.
    A result of 11 means a check digit of 0; a result of 10 means no number can be made from
    these nine digits, so 10 is returned for the caller to reject.
    """
    total = sum(
        weight * (ord(char) - 48) for weight, char in zip(_WEIGHTS, first_nine, strict=True)
    )
    check = 11 - total % 11
    return 0 if check == 11 else check


def _has_valid_check_digit(digits: str) -> bool | None:
    """True if the tenth digit is right, False if it is wrong, None if no digit could be."""
    check = mod11_check_digit(digits[:9])
    if check == 10:
        return None
    return check == ord(digits[9]) - 48


def _strip_separators(value: str) -> str:
    return _NUMBER_SEPARATORS.sub("", value)


# --- CHI number -------------------------------------------------------------------------------


def normalise_chi(value: str) -> str:
    """Return a CHI number without its spaces and hyphens ("120345 1234" -> "1203451234")."""
    return _strip_separators(value)


def _chi_date(digits: str) -> tuple[int, int, int] | None:
    """Return (day, month, two-digit year) if the first six digits are a real DDMMYY date.

    The century is not in the number, so a date is real if it is real in any century: only
    29 February depends on it, and it is real when the two-digit year divides by 4 (for "00",
    2000 was a leap year).
    """
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    try:
        date(2000 + year, month, day)  # 2000-2099: leap exactly when year % 4 == 0
    except ValueError:
        return None
    return day, month, year


def validate_chi_number(value: str, *, date_of_birth: date | None = None) -> None:
    """Check a CHI number, the Community Health Index number used by NHS Scotland (ISD Scotland).

    Rules: 10 digits (spaces and hyphens allowed); the first six are the date of birth as
    DDMMYY, in any century; the tenth is a modulus 11 check digit over the first nine (see
    ``mod11_check_digit``). The ninth digit is odd for male and even for female; that is
    deliberately not checked. If ``date_of_birth`` is given, the first six digits must match it.
    """
    digits = normalise_chi(value)
    if not _TEN_DIGITS.fullmatch(digits):
        raise ValidationError(CHI_FORMAT_MESSAGE, code="chi_format")
    if _chi_date(digits) is None:
        raise ValidationError(CHI_DATE_MESSAGE, code="chi_date")
    check_ok = _has_valid_check_digit(digits)
    if check_ok is None:
        raise ValidationError(CHI_IMPOSSIBLE_MESSAGE, code="chi_invalid")
    if not check_ok:
        raise ValidationError(CHI_CHECK_DIGIT_MESSAGE, code="chi_check_digit")
    if date_of_birth is not None and digits[:6] != _ddmmyy(date_of_birth):
        raise ValidationError(CHI_DOB_MISMATCH_MESSAGE, code="chi_date_of_birth")


def _ddmmyy(day: date) -> str:
    return f"{day.day:02d}{day.month:02d}{day.year % 100:02d}"


def make_chi_number(date_of_birth: date, rng: random.Random) -> str:
    """Return a valid 10-digit CHI number for ``date_of_birth``, for synthetic data and tests.

    The date gives the first six digits; three random digits follow (the last of them,
    the ninth digit, is random, so the sex it implies is random too); the tenth is the
    modulus 11 check digit. Serial digits that leave no possible check digit are redrawn.
    """
    prefix = _ddmmyy(date_of_birth)
    while True:
        first_nine = f"{prefix}{rng.randrange(1000):03d}"
        check = mod11_check_digit(first_nine)
        if check != 10:
            return f"{first_nine}{check}"


# --- NHS number -------------------------------------------------------------------------------


def normalise_nhs_number(value: str) -> str:
    """Return an NHS number without its spaces and hyphens ("943 476 5919" -> "9434765919")."""
    return _strip_separators(value)


def validate_nhs_number(value: str) -> None:
    """Check an NHS number (NHS Data Dictionary, "NHS Number").

    Rules: 10 digits (spaces and hyphens allowed, as in "943 476 5919"); the tenth is a
    modulus 11 check digit over the first nine (see ``mod11_check_digit``). Which ranges
    have been issued is not checked.
    """
    digits = normalise_nhs_number(value)
    if not _TEN_DIGITS.fullmatch(digits):
        raise ValidationError(NHS_FORMAT_MESSAGE, code="nhs_format")
    check_ok = _has_valid_check_digit(digits)
    if check_ok is None:
        raise ValidationError(NHS_IMPOSSIBLE_MESSAGE, code="nhs_invalid")
    if not check_ok:
        raise ValidationError(NHS_CHECK_DIGIT_MESSAGE, code="nhs_check_digit")


def make_nhs_number(rng: random.Random) -> str:
    """Return a valid 10-digit NHS number, for synthetic data and tests.

    Drawn from the range NHS England keeps for testing (numbers starting 999), so no real
    person's number is ever generated: "999" and six random digits, then the modulus 11
    check digit (NHS Data Dictionary); nine digits that leave no possible check digit are
    redrawn. About 900,000 numbers exist in the range, so callers that need uniqueness
    must check for repeats.
    """
    while True:
        first_nine = f"999{rng.randrange(1_000_000):06d}"
        check = mod11_check_digit(first_nine)
        if check != 10:
            return f"{first_nine}{check}"


# --- Postcode ---------------------------------------------------------------------------------


def normalise_postcode(value: str) -> str:
    """Return a postcode in capitals, one space before the inward code ("eh11ab" -> "EH1 1AB").

    The inward code is always the last three characters. Anything too short or too long to be a
    postcode comes back in upper case without spaces, for ``validate_postcode`` to reject.
    """
    compact = "".join(value.split()).upper()
    if 5 <= len(compact) <= 7:
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def validate_postcode(value: str) -> None:
    """Check a full UK postcode (Royal Mail's format, as described above ``_POSTCODE``).

    Case and spacing do not matter: the value is normalised first. Only the format is checked,
    not whether the postcode exists. British Forces (BFPO) and overseas territories' codes are
    not accepted.
    """
    if not _POSTCODE.fullmatch(normalise_postcode(value)):
        raise ValidationError(POSTCODE_MESSAGE, code="postcode")
