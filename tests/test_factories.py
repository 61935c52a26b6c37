"""The shared factories make identifiers that are valid and unique by construction."""

from __future__ import annotations

import datetime

from selfdirect.people.validators import validate_chi_number, validate_nhs_number
from tests.factories import chi_number_for, nhs_number_for


def test_chi_numbers_on_one_birthday_are_valid_and_all_different():
    born = datetime.date(1956, 2, 29)
    numbers = [chi_number_for(born, n) for n in range(500)]
    assert len(set(numbers)) == 500
    for number in numbers:
        validate_chi_number(number)
        assert number.startswith("290256")


def test_nhs_numbers_are_valid_all_different_and_in_the_testing_range():
    numbers = [nhs_number_for(n) for n in range(0, 500_000, 37)]
    assert len(set(numbers)) == len(numbers)
    for number in numbers[:2000]:
        validate_nhs_number(number)
        assert number.startswith("999")
