"""The Bacs Standard 18 writer, its independent validator, and the payments CSV.

Field positions are checked by slicing the text at the positions in the published layout
(counted from 1, as in ``selfdirect.payments.bacs``'s docstring), not through the writer's
own helpers."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfdirect.core.money import pence_from_pounds
from selfdirect.payments.bacs import (
    Credit,
    Originator,
    bacs_text,
    payments_csv,
    standard18,
    validate_standard18,
)

CREATED = date(2026, 11, 26)  # day 330
PROCESSING = date(2026, 12, 2)  # day 336
ALLOWED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.&/- ")

ORIGINATOR = Originator(
    service_user_number="123456",
    name="City of Edinburgh Council",
    sort_code="80-22-60",
    account_number="1234 5678",
    account_name="CEC Direct Payments",
)
CREDITS = [
    Credit(sort_code="20-00-00", account_number="55779911", account_name="Jane Smith",
           amount_pence=12_345, reference="SDS DP 000123"),
    Credit(sort_code="40 05 15", account_number="87654321", account_name="Care & Co Ltd.",
           amount_pence=99, reference="SDS DP 000124"),
    Credit(sort_code="309634", account_number="00012345", account_name="A. N. Other",
           amount_pence=250_000_00, reference="SDS DP 000125"),
]


def pos(line: str, first: int, last: int) -> str:
    """Positions ``first`` to ``last`` of a record, counted from 1 and inclusive."""
    return line[first - 1:last]


def write(credits: list[Credit] | None = None, **overrides: object) -> str:
    arguments: dict[str, object] = {
        "originator": ORIGINATOR, "credits": CREDITS if credits is None else credits,
        "processing_date": PROCESSING, "file_number": 7, "created_on": CREATED,
    }
    arguments.update(overrides)
    return standard18(**arguments)  # type: ignore[arg-type]


def records(text: str) -> list[str]:
    assert text.endswith("\r\n")
    return text[:-2].split("\r\n")


def join(lines: list[str]) -> str:
    return "".join(line + "\r\n" for line in lines)


# --------------------------------------------------------------------------------------
# The writer


def test_written_file_passes_the_validator() -> None:
    assert validate_standard18(write()) == []


def test_records_come_in_order_with_the_published_lengths_and_crlf() -> None:
    text = write()
    lines = records(text)
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")
    assert [line[:4] for line in lines[:4]] == ["VOL1", "HDR1", "HDR2", "UHL1"]
    assert [line[:4] for line in lines[-3:]] == ["EOF1", "EOF2", "UTL1"]
    assert len(lines) == 4 + len(CREDITS) + 1 + 3
    assert [len(line) for line in lines[:4] + lines[-3:]] == [80] * 7
    assert [len(line) for line in lines[4:-3]] == [100] * (len(CREDITS) + 1)


def test_labels_hold_the_originator_dates_and_file_number() -> None:
    vol, hdr1, hdr2, uhl = records(write())[:4]
    eof1, eof2, _utl = records(write())[-3:]
    assert pos(vol, 5, 10) == "330007"  # day of the year it was made, then the file number
    assert pos(vol, 42, 47) == "123456"
    assert pos(vol, 80, 80) == "1"
    assert pos(vol, 11, 41).strip() == "" and pos(vol, 48, 79).strip() == ""
    assert pos(hdr1, 5, 21) == "A123456S  1123456"
    assert pos(hdr1, 22, 27) == "330007"
    assert pos(hdr1, 28, 35) == "00010001"
    assert pos(hdr1, 42, 47) == " 26330"  # created 26 November 2026
    assert pos(hdr1, 48, 53) == " 26336"
    assert pos(hdr2, 5, 15) == "F0200000100"
    assert pos(hdr2, 51, 52) == "00"
    assert pos(uhl, 5, 10) == " 26336"  # processed 2 December 2026, day 336
    assert pos(uhl, 11, 16) == "999999"
    assert pos(uhl, 21, 28) == "00000000"
    assert pos(uhl, 29, 37) == "1 DAILY  "
    assert pos(uhl, 38, 40) == "007"
    assert eof1[4:] == hdr1[4:] and eof2[4:] == hdr2[4:]


def test_julian_date_on_the_first_and_last_days_of_a_leap_year() -> None:
    first = records(write(processing_date=date(2028, 1, 1), created_on=date(2027, 12, 31)))
    last = records(write(processing_date=date(2028, 12, 31), created_on=date(2028, 12, 30)))
    assert pos(first[3], 5, 10) == " 28001"
    assert pos(first[1], 42, 47) == " 27365"
    assert pos(last[3], 5, 10) == " 28366"


def test_credit_records_hold_what_was_given_at_the_published_positions() -> None:
    lines = records(write())
    first, second, third = lines[4:7]
    assert pos(first, 1, 6) == "200000"
    assert pos(first, 7, 14) == "55779911"
    assert pos(first, 15, 15) == "0"
    assert pos(first, 16, 17) == "99"
    assert pos(first, 18, 23) == "802260"
    assert pos(first, 24, 31) == "12345678"
    assert pos(first, 32, 35) == "    "
    assert pos(first, 36, 46) == "00000012345"
    assert pos(first, 47, 64) == "CITY OF EDINBURGH "  # cut to 18
    assert pos(first, 65, 82) == "SDS DP 000123".ljust(18)
    assert pos(first, 83, 100) == "JANE SMITH".ljust(18)
    assert pos(second, 1, 6) == "400515"  # spaces stripped
    assert pos(second, 36, 46) == "00000000099"
    assert pos(second, 83, 100) == "CARE & CO LTD.".ljust(18)
    assert pos(third, 7, 14) == "00012345"  # leading zeros kept
    assert pos(third, 36, 46) == "00025000000"


def test_contra_debits_the_originator_for_the_total() -> None:
    contra = records(write())[-4]
    assert pos(contra, 1, 6) == "802260" and pos(contra, 7, 14) == "12345678"
    assert pos(contra, 16, 17) == "17"
    assert pos(contra, 18, 31) == "80226012345678"
    assert int(pos(contra, 36, 46)) == 12_345 + 99 + 250_000_00
    assert pos(contra, 65, 82) == "CONTRA".ljust(18)
    assert pos(contra, 83, 100) == "CEC DIRECT PAYMENT"


def test_trailer_totals_and_counts() -> None:
    utl = records(write())[-1]
    total = 12_345 + 99 + 250_000_00
    assert int(pos(utl, 5, 17)) == total  # debit: the contra
    assert int(pos(utl, 18, 30)) == total  # credit: the payments
    assert int(pos(utl, 31, 37)) == 1
    assert int(pos(utl, 38, 44)) == 3
    assert pos(utl, 45, 80).strip() == ""


def test_the_largest_single_amount_fits_eleven_digits() -> None:
    credit = replace(CREDITS[0], amount_pence=99_999_999_999)
    text = write([credit])
    assert validate_standard18(text) == []
    assert pos(records(text)[4], 36, 46) == "99999999999"


@pytest.mark.parametrize(("given_name", "expected"), [
    ("Zoë O'Brien", "ZOE O BRIEN"),
    ("smith & sons (care) ltd", "SMITH & SONS  CARE"),
    ("Ann=Lee; DROP TABLE", "ANN LEE  DROP TABL"),
    ("  Łukasz Nowak  ", "UKASZ NOWAK"),
    ("Mary\tMcDonald\n", "MARY MCDONALD"),
    ("Jo 😀 Bloggs", "JO   BLOGGS"),
    ("Ævar Søren", "VAR S REN"),
])
def test_names_outside_the_character_set_become_spaces_without_breaking_the_layout(
        given_name: str, expected: str) -> None:
    credit = replace(CREDITS[0], account_name=given_name, reference=f"Ref: {given_name}")
    text = write([credit])
    data = records(text)[4]
    assert len(data) == 100
    assert pos(data, 83, 100) == expected.ljust(18)
    assert set(pos(data, 65, 82)) <= ALLOWED
    assert validate_standard18(text) == []


def test_a_name_with_nothing_bacs_can_carry_is_refused_naming_the_payee() -> None:
    credit = replace(CREDITS[1], account_name="李小龍")
    with pytest.raises(ValueError, match=r"Payee 2 .*account name is empty"):
        write([CREDITS[0], credit])


@pytest.mark.parametrize(("change", "field"), [
    ({"sort_code": "20-00-0"}, "sort code must be 6 digits, but it has 5"),
    ({"sort_code": "2O-00-00"}, "sort code must be 6 digits .* other characters"),
    ({"account_number": "5577991"}, "account number must be 8 digits, but it has 7"),
    ({"account_number": "557799110"}, "account number must be 8 digits, but it has 9"),
    ({"account_number": "5577/9911"}, "account number must be 8 digits .* other characters"),
    ({"account_number": "５５７７９９１１"}, "account number .* other characters"),
    ({"amount_pence": 0}, "amount must be more than £0.00"),
    ({"amount_pence": -5}, "amount must be more than £0.00"),
    ({"amount_pence": 100_000_000_000}, "amount £1,000,000,000.00 is over the Bacs limit"),
    ({"amount_pence": 12.5}, "amount must be a whole number of pence"),
    ({"amount_pence": True}, "amount must be a whole number of pence"),
    ({"reference": "!!!"}, "reference is empty"),
])
def test_errors_name_the_field_and_the_payee(change: dict[str, object], field: str) -> None:
    bad = replace(CREDITS[1], **change)  # type: ignore[arg-type]
    named = re.escape(f"Payee 2 (Care & Co Ltd., reference {bad.reference}): ")
    with pytest.raises(ValueError, match=f"^{named}{field}"):
        write([CREDITS[0], bad, CREDITS[2]])


def test_the_same_errors_stop_the_csv() -> None:
    bad = replace(CREDITS[0], sort_code="12345")
    with pytest.raises(ValueError, match="Payee 1 .*sort code"):
        payments_csv(credits=[bad], processing_date=PROCESSING)


@pytest.mark.parametrize(("change", "message"), [
    ({"service_user_number": "12345"}, "Originator: service user number must be 6 digits"),
    ({"sort_code": "80226"}, "Originator: sort code"),
    ({"account_number": "ABCDEFGH"}, "Originator: account number"),
    ({"name": "***"}, "Originator: name is empty"),
    ({"account_name": ""}, "Originator: account name is empty"),
])
def test_originator_errors_name_the_field(change: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        write(originator=replace(ORIGINATOR, **change))


@pytest.mark.parametrize(("overrides", "message"), [
    ({"file_number": 0}, "File number"),
    ({"file_number": 1000}, "File number"),
    ({"processing_date": date(2026, 11, 25)}, "must not be before"),
    ({"processing_date": date(2026, 12, 28)}, "within 31 days"),
    ({"credits": []}, "at least one payment"),
])
def test_the_file_as_a_whole_is_checked(overrides: dict[str, object], message: str) -> None:
    overrides = dict(overrides)
    credits = overrides.pop("credits", None)
    with pytest.raises(ValueError, match=message):
        write(credits, **overrides)  # type: ignore[arg-type]


def test_a_total_too_big_for_one_contra_is_refused() -> None:
    big = replace(CREDITS[0], amount_pence=60_000_000_000)
    with pytest.raises(ValueError, match="Total .* over the Bacs limit"):
        write([big, big])


# --------------------------------------------------------------------------------------
# The validator catches a corrupted file


def problems_after(edit: Callable[[list[str]], None]) -> list[str]:
    lines = records(write())
    edit(lines)
    return validate_standard18(join(lines))


def has(problems: list[str], line: int, words: str) -> bool:
    return any(p.startswith(f"line {line}: ") and words in p for p in problems)


def test_validator_catches_a_record_of_the_wrong_length() -> None:
    def cut(lines: list[str]) -> None:
        lines[5] = lines[5][:99]
    found = problems_after(cut)
    assert has(found, 6, "a data record must be 100 characters, this one is 99")


def test_validator_catches_a_label_of_the_wrong_length() -> None:
    def pad(lines: list[str]) -> None:
        lines[3] += " "
    assert has(problems_after(pad), 4, "a label must be 80 characters, this one is 81")


def test_validator_catches_an_amount_that_is_not_numeric() -> None:
    def corrupt(lines: list[str]) -> None:
        lines[4] = lines[4][:35] + "0000001234X" + lines[4][46:]
    assert has(problems_after(corrupt), 5, "amount is not numeric")


def test_validator_catches_a_contra_that_is_not_the_sum() -> None:
    def corrupt(lines: list[str]) -> None:
        contra = lines[7]
        lines[7] = contra[:35] + f"{int(contra[35:46]) + 1:011d}" + contra[46:]
    found = problems_after(corrupt)
    assert has(found, 8, "contra amount 25012445 is not the total of the credits, 25012444")
    assert has(found, 11, "debit value total 25012444 does not match the records (25012445)")


def test_validator_catches_a_credit_changed_without_the_totals() -> None:
    def corrupt(lines: list[str]) -> None:
        lines[5] = lines[5][:35] + "00000000100" + lines[5][46:]
    found = problems_after(corrupt)
    assert has(found, 8, "is not the total of the credits")
    assert has(found, 11, "credit value total 25012444 does not match the records (25012445)")


def test_validator_catches_a_utl1_count_mismatch() -> None:
    def corrupt(lines: list[str]) -> None:
        lines[-1] = lines[-1][:37] + "0000004" + lines[-1][44:]
    assert has(problems_after(corrupt), 11,
               "credit item count 4 does not match the records (3)")


def test_validator_catches_a_missing_credit_record() -> None:
    def drop(lines: list[str]) -> None:
        del lines[5]
    found = problems_after(drop)
    assert has(found, 7, "contra amount 25012444 is not the total of the credits, 25012345")
    assert has(found, 10, "credit item count 3 does not match the records (2)")


def test_validator_catches_the_contra_out_of_order() -> None:
    def move(lines: list[str]) -> None:
        lines.insert(4, lines.pop(7))
    found = problems_after(move)
    assert has(found, 5, "the contra (code 17) must come after every credit")
    assert has(found, 8, "the last data record must be the contra")


def test_validator_catches_labels_out_of_order() -> None:
    def swap(lines: list[str]) -> None:
        lines[2], lines[3] = lines[3], lines[2]
    found = problems_after(swap)
    assert has(found, 3, "expected the HDR2 label here, found 'UHL1'")
    assert has(found, 4, "expected the UHL1 label here, found 'HDR2'")


def test_validator_catches_a_missing_trailer() -> None:
    def drop(lines: list[str]) -> None:
        del lines[-2]
    found = problems_after(drop)
    assert any("expected the EOF" in p for p in found)


def test_validator_catches_a_wrong_transaction_code_and_bad_fields() -> None:
    def corrupt(lines: list[str]) -> None:
        line = lines[4]
        lines[4] = "20000X" + line[6:15] + "01" + line[17:82] + "jane smith".ljust(18)
    found = problems_after(corrupt)
    assert has(found, 5, "sort code is not numeric")
    assert has(found, 5, "transaction code '01' is not 99 (credit) or 17 (contra)")
    assert has(found, 5, "account name has characters outside the Bacs set")


def test_validator_catches_a_credit_from_another_account() -> None:
    def corrupt(lines: list[str]) -> None:
        lines[4] = lines[4][:17] + "11111122222222" + lines[4][31:]
    assert "every record must come from the contra's account" in problems_after(corrupt)


def test_validator_catches_eof1_not_repeating_hdr1_and_a_bad_sun() -> None:
    def corrupt(lines: list[str]) -> None:
        lines[-3] = lines[-3][:21] + "999999" + lines[-3][27:]
        lines[0] = lines[0][:41] + "12345X" + lines[0][47:]
    found = problems_after(corrupt)
    assert has(found, 9, "EOF1 set identification does not match the VOL1 serial number")
    assert has(found, 9, "EOF1 must repeat HDR1")
    assert has(found, 1, "service user number (positions 42-47) is not numeric")


def test_validator_catches_bare_line_feeds_and_a_missing_final_crlf() -> None:
    text = write()
    found = validate_standard18(text.replace("\r\n", "\n"))
    assert "the file must end with CR LF after its last record" in found
    assert any("CR LF" in p and p.startswith("line 1:") for p in found)
    assert validate_standard18(text[:-2]) == ["the file must end with CR LF after its last "
                                              "record"]


def test_validator_does_not_crash_on_rubbish() -> None:
    assert validate_standard18("") == ["the file is empty"]
    assert validate_standard18("hello\r\n")[0].startswith("the file has 1 records")
    assert validate_standard18("\r\n" * 12) != []


# --------------------------------------------------------------------------------------
# CSV


def test_csv_round_trips_and_the_pence_add_up_exactly() -> None:
    text = payments_csv(credits=CREDITS, processing_date=PROCESSING)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Sort code", "Account number", "Account name", "Amount in pounds",
                       "Reference", "Payment date"]
    assert rows[1] == ["20-00-00", "55779911", "Jane Smith", "123.45", "SDS DP 000123",
                       "2026-12-02"]
    assert rows[2][0] == "40-05-15" and rows[2][3] == "0.99"
    assert rows[3][1] == "00012345" and rows[3][3] == "250000.00"
    assert sum(pence_from_pounds(row[3]) for row in rows[1:]) == sum(
        credit.amount_pence for credit in CREDITS)


def test_csv_stops_spreadsheet_formulas() -> None:
    credits = [
        replace(CREDITS[0], account_name='=HYPERLINK("http://evil","x")', reference="+44"),
        replace(CREDITS[1], account_name="-Smith", reference="@SUM(A1)"),
        replace(CREDITS[2], account_name="Plain, \"quoted\" name", reference="SDS DP 1"),
    ]
    rows = list(csv.reader(io.StringIO(payments_csv(credits=credits,
                                                    processing_date=PROCESSING))))
    assert rows[1][2] == "'=HYPERLINK(\"http://evil\",\"x\")" and rows[1][4] == "'+44"
    assert rows[2][2] == "'-Smith" and rows[2][4] == "'@SUM(A1)"
    assert rows[3][2] == 'Plain, "quoted" name' and rows[3][4] == "SDS DP 1"


# --------------------------------------------------------------------------------------
# Properties

any_name = st.tuples(st.sampled_from("ABCXYZ019"), st.text(max_size=40)).map("".join)
credit_strategy = st.builds(
    Credit,
    sort_code=st.text(alphabet="0123456789", min_size=6, max_size=6),
    account_number=st.text(alphabet="0123456789", min_size=8, max_size=8),
    account_name=any_name,
    amount_pence=st.integers(min_value=1, max_value=1_000_000_000),
    reference=any_name,
)


@settings(max_examples=150, deadline=None)
@given(credits=st.lists(credit_strategy, min_size=1, max_size=25),
       file_number=st.integers(min_value=1, max_value=999),
       lead_days=st.integers(min_value=0, max_value=31))
def test_random_credits_always_make_a_valid_file_with_exact_totals(
        credits: list[Credit], file_number: int, lead_days: int) -> None:
    processing = date.fromordinal(CREATED.toordinal() + lead_days)
    text = standard18(originator=ORIGINATOR, credits=credits, processing_date=processing,
                      file_number=file_number, created_on=CREATED)
    assert validate_standard18(text) == []
    lines = records(text)
    total = sum(credit.amount_pence for credit in credits)
    assert int(pos(lines[-1], 18, 30)) == total
    assert int(pos(lines[-1], 5, 17)) == total
    assert int(pos(lines[-1], 38, 44)) == len(credits)
    assert sum(int(pos(line, 36, 46)) for line in lines[4:-4]) == total
    rows = list(csv.reader(io.StringIO(payments_csv(credits=credits,
                                                    processing_date=processing))))
    assert sum(pence_from_pounds(row[3]) for row in rows[1:]) == total


@given(st.text())
def test_bacs_text_always_fills_the_field_with_allowed_characters(value: str) -> None:
    result = bacs_text(value)
    assert len(result) == 18
    assert set(result) <= ALLOWED
