"""Money: whole pence in a big integer, ``Decimal`` only at the edges, never float.

Every amount the platform stores is a whole number of pence in a :class:`MoneyField`.
SQLite has no real decimal type (it would keep a ``DecimalField`` as floating point), so
an integer is the only exact store on every database we run. Pounds appear only where a
person types or reads them: :func:`pence_from_pounds` on the way in, :func:`pounds` and
:func:`format_pounds` on the way out. Rates and percentages are ``Decimal``; every
rounding names its rule (:func:`apply_rate` takes it as an argument); :func:`split_evenly`
shares an amount out so the parts add up exactly. Floats are refused with ``TypeError``.

``tests/core/test_no_float_in_money.py`` scans this module and the allocation app for
float literals, ``float(`` calls and ``/`` division of pence.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models

PENNY = Decimal("0.01")
MINUS_SIGN = "\u2212"  # "−", the typographic minus used for display
# The largest amount anyone may type: a billion pounds, far above any budget, envelope or
# payment run, and far below what a big integer holds, so arithmetic on amounts (a year
# of weekly costs, a rate) cannot overflow.
MAX_POUNDS = Decimal(1_000_000_000)
MAX_PENCE = int(MAX_POUNDS.scaleb(2))


class MoneyField(models.BigIntegerField):
    """An amount of money in whole pence (a big integer): £1,234.56 is stored as 123456.

    Never a float and never a ``DecimalField``. Convert at the edges with
    :func:`pence_from_pounds` and :func:`pounds`."""

    description = "An amount of money in whole pence"


class AmountTooLarge(ValueError):  # noqa: N818 - a ValueError, as callers catch it
    """An amount beyond ±:data:`MAX_POUNDS`: :meth:`message` names the field and the limit."""

    def __init__(self, value: Any, negative: bool) -> None:
        self.negative = negative
        super().__init__(f"{value!r} is beyond the largest amount allowed, "
                         f"{format_pounds(MAX_PENCE)}")

    def message(self, label: str) -> str:
        """``"Weekly cost must be £1,000,000,000.00 or less"``, for the field ``label``."""
        if self.negative:
            return f"{label} must be {format_pounds(-MAX_PENCE)} or more"
        return f"{label} must be {format_pounds(MAX_PENCE)} or less"


def amount_message(exc: ValueError | TypeError, label: str, usual: str) -> str:
    """What to tell someone whose amount ``pence_from_pounds`` refused: the limit when it
    was too large, otherwise the caller's ``usual`` words ("Enter … in pounds and pence")."""
    return exc.message(label) if isinstance(exc, AmountTooLarge) else usual


def _refuse_float(value: Any, what: str) -> None:
    if isinstance(value, float):
        raise TypeError(f"{what} must not be a float: pass a str or Decimal")


def pence_from_pounds(value: str | Decimal) -> int:
    """Whole pence from an amount in pounds, exactly.

    Accepts a ``Decimal`` or text such as ``"£1,234.56"`` (a pound sign and thousands
    commas are allowed; a leading ``-`` or ``−`` makes it negative). Raises ``TypeError``
    for a float (or anything other than str or Decimal) and ``ValueError`` for text that
    is not a number or an amount with a fraction of a penny (``"1.234"``), and
    :class:`AmountTooLarge` (a ``ValueError``) beyond ±:data:`MAX_POUNDS`."""
    _refuse_float(value, "An amount in pounds")
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace(MINUS_SIGN, "-")
        negative = text.startswith("-")
        text = text.removeprefix("-").strip().removeprefix("£").strip()
        if not text or text[0] in "+-":
            raise ValueError(f"{value!r} is not an amount in pounds, like 1,234.56")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"{value!r} is not an amount in pounds, like 1,234.56") from exc
        if negative:
            number = -number
    elif isinstance(value, Decimal):
        number = value
    else:
        raise TypeError(f"An amount in pounds must be a str or Decimal, not {type(value).__name__}")
    if not number.is_finite():
        raise ValueError(f"{value!r} is not an amount in pounds")
    if abs(number) > MAX_POUNDS:  # before quantize, which cannot hold 30 digits
        raise AmountTooLarge(value, negative=number < 0)
    if number != number.quantize(PENNY):
        raise ValueError(f"{value!r} has more than two decimal places: give pounds and pence")
    return int(number.scaleb(2))


def pounds(pence: int) -> Decimal:
    """The amount in pounds as a ``Decimal`` with two places (exact: no rounding)."""
    _refuse_float(pence, "Pence")
    if not isinstance(pence, int) or isinstance(pence, bool):
        raise TypeError("Pence must be a whole number (int)")
    return Decimal(pence).scaleb(-2).quantize(PENNY)


def format_pounds(pence: int) -> str:
    """For display: ``"£1,234.56"``; a negative amount as ``"−£12.00"``."""
    amount = pounds(pence)
    sign = MINUS_SIGN if amount < 0 else ""
    return f"{sign}£{format(abs(amount), ',.2f')}"


def apply_rate(pence: int, rate: Decimal, *, rounding: str = ROUND_HALF_UP) -> int:
    """``pence × rate`` in whole pence, rounded by ``rounding`` (half up by default).

    ``rate`` is a fraction (``Decimal("0.125")`` for 12.5%). Floats are refused."""
    _refuse_float(pence, "Pence")
    _refuse_float(rate, "A rate")
    if not isinstance(pence, int) or isinstance(pence, bool):
        raise TypeError("Pence must be a whole number (int)")
    if not isinstance(rate, Decimal):
        raise TypeError("A rate must be a Decimal")
    return int((Decimal(pence) * rate).quantize(Decimal(1), rounding=rounding))


def split_evenly(pence: int, parts: int) -> list[int]:
    """Share ``pence`` into ``parts`` whole-penny amounts that add up exactly.

    Largest remainder: every part gets the whole-penny share, and the pennies left over go
    one each to the first parts. The parts differ by at most a penny."""
    _refuse_float(pence, "Pence")
    if not isinstance(parts, int) or parts < 1:
        raise ValueError("parts must be a whole number, 1 or more")
    share, left_over = divmod(pence, parts)
    return [share + 1 if index < left_over else share for index in range(parts)]
