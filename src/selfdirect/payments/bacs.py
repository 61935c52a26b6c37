"""The bank file for a direct-payment run: Bacs Standard 18, a validator, and a CSV copy.

Pure functions on plain dataclasses: no models, no database. A payment run hands over the
originator (the authority's Bacs details) and one :class:`Credit` per payee, and gets back
text to submit (:func:`standard18`), a list of problems with any such text
(:func:`validate_standard18`, written separately from the writer so that it checks the
layout rather than the writer's own helpers), and a CSV for finance to read
(:func:`payments_csv`).

The file is a single-processing-day ("1 DAILY") direct-credit submission: the four header
labels, one transaction-code-99 credit per payee, one transaction-code-17 contra that
debits the originator's account for the total, and the three trailer labels. Labels are
80 characters, data records 100; every record ends with CRLF. Positions below count from
1, as the published layouts do (so position 36-46 is ``line[35:46]`` in Python).

Sources (stored public copies, read 2026-11-26):

* Bank of Ireland, "Appendix 2 - BACS File Specification": VOL1 and HDR1 field positions
  and contents (https://online.documentine.com/bank-branch-number-on-check/2/pdf-bacs-file-specification.html,
  also https://www.scribd.com/document/668157420/BACS-File-Spec).
* HSBC, "Message Implementation Guide BACS Standard 18", August 2012: its contents give
  the record order VOL, HDR1, HDR2, UHL1, standard records, contra, EOF1, EOF2, UTL1
  (https://vdocuments.us/message-implementation-guide-bacs-standard-18.html).
* FinDock, "Bacs Direct Debit collection file" (record order and the VOL positions;
  https://docs.findock.com/May-25-sandbox/payment-processors/bacs-dd-collection-file).
* Fujitsu BS2000 DMS, "End-of-file labels EOF1 through EOF9": EOF1 repeats HDR1 positions
  5-54 and 61-80, EOF2 repeats HDR2 positions 5-80 (the ANSI/ISO tape labels Standard 18
  is built on).
* Odoo ``l10n_uk_bacs`` ``account_journal.py``: a public working writer, used to cross-check
  HDR2, UHL1, the data and contra records and UTL1.
* "How to read the date in a BACS Standard 18 file" (webpayrolltraining FAQ 5111) and
  payroll.help.center article 1556: the UHL1 date is ``bYYDDD`` (a blank, the year's last
  two digits, the day of the year), followed by ``999999``; Bacs moves a processing date
  more than 31 days ahead, so the writer refuses one.

Labels (80 characters)::

    record  pos    len  contents
    VOL1    1-4     4   "VOL1"
            5-10    6   submission serial number: day of year of creation + file number
            11      1   accessibility indicator, blank
            12-41  30   blank (reserved, and owner identification 38-41)
            42-47   6   service user number (SUN)
            48-79  32   blank
            80      1   label standard level "1"
    HDR1    1-4     4   "HDR1"
            5-21   17   file identifier: "A" + SUN + "S" + 2 blanks + "1" + SUN
            22-27   6   set identification = the VOL1 serial number
            28-31   4   file section number "0001"
            32-35   4   file sequence number "0001"
            36-41   6   generation number and version, blank
            42-47   6   creation date, bYYDDD
            48-53   6   expiration date, bYYDDD (the processing date)
            54      1   accessibility indicator, blank
            55-60   6   block count "000000"
            61-80  20   system code and reserved, blank
    HDR2    1-4     4   "HDR2"
            5       1   record format "F" (fixed)
            6-10    5   block length "02000"
            11-15   5   record length "00100"
            16-50  35   blank
            51-52   2   buffer offset "00" (the ANSI label field; Odoo leaves it blank)
            53-80  28   blank
    UHL1    1-4     4   "UHL1"
            5-10    6   processing date, bYYDDD
            11-16   6   identifying number of receiving party "999999"
            17-20   4   blank
            21-22   2   currency code "00" (sterling)
            23-28   6   country code "000000"
            29-37   9   work code "1 DAILY  " (a single processing day)
            38-40   3   file number, 001-999
            41-80  40   blank (reserved and audit print identifier)
    EOF1    1-4     4   "EOF1"; 5-80 as HDR1
    EOF2    1-4     4   "EOF2"; 5-80 as HDR2
    UTL1    1-4     4   "UTL1"
            5-17   13   debit value total, pence, zero-filled (the contra)
            18-30  13   credit value total, pence, zero-filled (the credits)
            31-37   7   debit item count (1, the contra)
            38-44   7   credit item count (the number of credits)
            45-80  36   blank

Data records (100 characters)::

    pos     len  credit (code 99)                 contra (code 17)
    1-6      6   payee's sort code                originator's sort code
    7-14     8   payee's account number           originator's account number
    15       1   account type "0"                 "0"
    16-17    2   transaction code "99"            "17"
    18-23    6   originator's sort code           originator's sort code
    24-31    8   originator's account number      originator's account number
    32-35    4   free format, blank               blank
    36-46   11   amount in pence, zero-filled     total of the credits
    47-64   18   user's (originator's) name       narrative: the originator's name
    65-82   18   user's reference (on the         "CONTRA"
                 payee's statement)
    83-100  18   payee's account name             originator's account name

Text fields are upper-cased and kept to the Bacs character set (A-Z, 0-9, full stop,
ampersand, slash, hyphen and space): accents are dropped (É becomes E) and any other
character becomes a space, then the text is left-justified and padded or cut to the field.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from selfdirect.core.money import pounds

RECORD_END = "\r\n"
LABEL_LENGTH = 80
DATA_LENGTH = 100
AMOUNT_DIGITS = 11
MAX_AMOUNT_PENCE = 10**AMOUNT_DIGITS - 1  # £999,999,999.99
MAX_FILE_NUMBER = 999
PROCESSING_WINDOW_DAYS = 31
CREDIT_CODE = "99"
CONTRA_CODE = "17"
BACS_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.&/- ")
NAME_LENGTH = 18

CSV_HEADER = ("Sort code", "Account number", "Account name", "Amount in pounds", "Reference",
              "Payment date")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Originator:
    """The authority's Bacs details: whose file it is and which account pays."""

    service_user_number: str
    name: str
    sort_code: str
    account_number: str
    account_name: str


@dataclass(frozen=True)
class Credit:
    """One payment to one payee's account, in whole pence."""

    sort_code: str
    account_number: str
    account_name: str
    amount_pence: int
    reference: str


# ---------------------------------------------------------------------------------------
# Writer


def bacs_text(value: str, length: int = NAME_LENGTH) -> str:
    """``value`` in the Bacs character set, upper case, left-justified in ``length``."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    kept = "".join(char if char in BACS_CHARACTERS else " " for char in plain.upper())
    return kept.strip()[:length].ljust(length)


def _digits(value: str, length: int, what: str, whose: str) -> str:
    """``value`` with spaces and dashes taken out, which must leave ``length`` digits."""
    if not isinstance(value, str):
        raise ValueError(f"{whose}: {what} must be text of {length} digits")
    cleaned = value.replace(" ", "").replace("-", "")
    if not cleaned.isascii() or not cleaned.isdigit():
        raise ValueError(f"{whose}: {what} must be {length} digits (spaces and dashes are "
                         "allowed), but it has other characters")
    if len(cleaned) != length:
        raise ValueError(f"{whose}: {what} must be {length} digits, but it has {len(cleaned)}")
    return cleaned


def _payee(index: int, credit: Credit) -> str:
    name = credit.account_name.strip() if isinstance(credit.account_name, str) else ""
    reference = credit.reference.strip() if isinstance(credit.reference, str) else ""
    return f"Payee {index} ({name or 'no name'}, reference {reference or 'none'})"


def _text_field(value: str, what: str, whose: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{whose}: {what} must be text")
    text = bacs_text(value)
    if not text.strip():
        raise ValueError(f"{whose}: {what} is empty once cut to the Bacs characters "
                         "(A-Z, 0-9, . & / - and space)")
    return text


@dataclass(frozen=True)
class _CleanCredit:
    sort_code: str
    account_number: str
    account_name: str
    amount_pence: int
    reference: str


def _clean_credit(index: int, credit: Credit) -> _CleanCredit:
    whose = _payee(index, credit)
    amount = credit.amount_pence
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise ValueError(f"{whose}: amount must be a whole number of pence")
    if amount <= 0:
        raise ValueError(f"{whose}: amount must be more than £0.00")
    if amount > MAX_AMOUNT_PENCE:
        raise ValueError(f"{whose}: amount £{pounds(amount):,} is over the Bacs limit of "
                         f"£{pounds(MAX_AMOUNT_PENCE):,} for one payment")
    return _CleanCredit(
        sort_code=_digits(credit.sort_code, 6, "sort code", whose),
        account_number=_digits(credit.account_number, 8, "account number", whose),
        account_name=_text_field(credit.account_name, "account name", whose),
        amount_pence=amount,
        reference=_text_field(credit.reference, "reference", whose),
    )


def _julian(day: date) -> str:
    """Bacs date: a blank, the last two digits of the year, the day of the year."""
    return f" {day:%y}{day.timetuple().tm_yday:03d}"


def _data_record(*, sort_code: str, account_number: str, code: str, originator_sort: str,
                 originator_account: str, amount_pence: int, name: str, reference: str,
                 account_name: str) -> str:
    record = (f"{sort_code}{account_number}0{code}{originator_sort}{originator_account}"
              f"{'':4}{amount_pence:0{AMOUNT_DIGITS}d}{name}{reference}{account_name}")
    assert len(record) == DATA_LENGTH, record
    return record


def _label(text: str) -> str:
    assert len(text) == LABEL_LENGTH, text
    return text


def standard18(*, originator: Originator, credits: Sequence[Credit], processing_date: date,
               file_number: int, created_on: date) -> str:
    """A complete Standard 18 file paying every credit on ``processing_date``.

    Raises ``ValueError`` naming the field (and, for a credit, the payee by position, name
    and reference) when something cannot go into the file as given."""
    whose = "Originator"
    sun = _digits(originator.service_user_number, 6, "service user number", whose)
    origin_sort = _digits(originator.sort_code, 6, "sort code", whose)
    origin_account = _digits(originator.account_number, 8, "account number", whose)
    origin_name = _text_field(originator.name, "name", whose)
    origin_account_name = _text_field(originator.account_name, "account name", whose)
    if not isinstance(file_number, int) or isinstance(file_number, bool) or not (
            1 <= file_number <= MAX_FILE_NUMBER):
        raise ValueError(f"File number must be a whole number from 1 to {MAX_FILE_NUMBER}")
    if processing_date < created_on:
        raise ValueError("Processing date must not be before the day the file is created")
    if processing_date > created_on + timedelta(days=PROCESSING_WINDOW_DAYS):
        raise ValueError(f"Processing date must be within {PROCESSING_WINDOW_DAYS} days of "
                         "the day the file is created")
    if not credits:
        raise ValueError("A bank file needs at least one payment")
    clean = [_clean_credit(index, credit) for index, credit in enumerate(credits, start=1)]
    total = sum(credit.amount_pence for credit in clean)
    if total > MAX_AMOUNT_PENCE:
        raise ValueError(f"Total £{pounds(total):,} is over the Bacs limit of "
                         f"£{pounds(MAX_AMOUNT_PENCE):,} for one contra: split the run")

    serial = f"{created_on.timetuple().tm_yday:03d}{file_number:03d}"
    identifier = f"A{sun}S  1{sun}"
    file_label = (f"{identifier}{serial}00010001{'':6}{_julian(created_on)}"
                  f"{_julian(processing_date)} 000000{'':20}")
    format_label = f"F0200000100{'':35}00{'':28}"
    records = [
        _label(f"VOL1{serial} {'':30}{sun}{'':32}1"),
        _label(f"HDR1{file_label}"),
        _label(f"HDR2{format_label}"),
        _label(f"UHL1{_julian(processing_date)}999999{'':4}00000000"
               f"1 DAILY  {file_number:03d}{'':40}"),
    ]
    for credit in clean:
        records.append(_data_record(
            sort_code=credit.sort_code, account_number=credit.account_number,
            code=CREDIT_CODE, originator_sort=origin_sort, originator_account=origin_account,
            amount_pence=credit.amount_pence, name=origin_name, reference=credit.reference,
            account_name=credit.account_name))
    records.append(_data_record(
        sort_code=origin_sort, account_number=origin_account, code=CONTRA_CODE,
        originator_sort=origin_sort, originator_account=origin_account, amount_pence=total,
        name=origin_name, reference="CONTRA".ljust(NAME_LENGTH),
        account_name=origin_account_name))
    records += [
        _label(f"EOF1{file_label}"),
        _label(f"EOF2{format_label}"),
        _label(f"UTL1{total:013d}{total:013d}{1:07d}{len(clean):07d}{'':36}"),
    ]
    return "".join(record + RECORD_END for record in records)


# ---------------------------------------------------------------------------------------
# Validator: reads the layout afresh and shares nothing with the writer above.


_ALLOWED_TEXT = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.&/- ")


def _field(line: str, first: int, last: int) -> str:
    """Positions ``first``-``last`` counted from 1, inclusive, as the layout tables do."""
    return line[first - 1:last]


def _is_number(text: str) -> bool:
    return text != "" and all("0" <= char <= "9" for char in text)


def _is_bacs_date(text: str) -> bool:
    if len(text) != 6 or text[0] != " " or not _is_number(text[1:]):
        return False
    return 1 <= int(text[3:]) <= 366


def validate_standard18(text: str) -> list[str]:
    """Every problem found in a single-day Standard 18 credit file; empty when it is valid.

    Each problem reads "line N: what is wrong", N counting from 1."""
    problems: list[str] = []

    def problem(number: int, message: str) -> None:
        problems.append(f"line {number}: {message}")

    if not text:
        return ["the file is empty"]
    if not text.endswith("\r\n"):
        problems.append("the file must end with CR LF after its last record")
    lines = text.split("\r\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if "\r" in line or "\n" in line:
            problem(number, "records must be separated by CR LF, not a lone CR or LF")

    headers = ("VOL1", "HDR1", "HDR2", "UHL1")
    trailers = ("EOF1", "EOF2", "UTL1")
    if len(lines) < len(headers) + len(trailers) + 2:
        problems.append(f"the file has {len(lines)} records: it needs VOL1, HDR1, HDR2, UHL1, "
                        "at least one credit, a contra, EOF1, EOF2 and UTL1")
        return problems

    for offset, label in enumerate(headers):
        if lines[offset][:4] != label:
            problem(offset + 1, f"expected the {label} label here, found {lines[offset][:4]!r}")
    first_trailer = len(lines) - len(trailers)
    for offset, label in enumerate(trailers):
        if lines[first_trailer + offset][:4] != label:
            problem(first_trailer + offset + 1,
                    f"expected the {label} label here, found {lines[first_trailer + offset][:4]!r}")

    label_lines = [*range(len(headers)), *range(first_trailer, len(lines))]
    for index in label_lines:
        if len(lines[index]) != 80:
            problem(index + 1, f"a label must be 80 characters, this one is {len(lines[index])}")
    data_lines = list(range(len(headers), first_trailer))
    for index in data_lines:
        if len(lines[index]) != 100:
            problem(index + 1, f"a data record must be 100 characters, this one is "
                               f"{len(lines[index])}")

    vol, hdr1, hdr2, uhl = lines[0], lines[1], lines[2], lines[3]
    eof1, eof2, utl = lines[first_trailer], lines[first_trailer + 1], lines[first_trailer + 2]

    # VOL1
    sun = _field(vol, 42, 47)
    serial = _field(vol, 5, 10)
    if len(vol) == 80:
        if not serial.strip() or set(serial) == {"0"}:
            problem(1, "submission serial number must not be blank or all zeros")
        if not _is_number(sun):
            problem(1, "service user number (positions 42-47) is not numeric")
        if vol[79] != "1":
            problem(1, "label standard level (position 80) must be 1")
    # HDR1 and EOF1
    for number, line, name in ((2, hdr1, "HDR1"), (first_trailer + 1, eof1, "EOF1")):
        if len(line) != 80:
            continue
        if _field(line, 5, 5) != "A" or _field(line, 12, 12) != "S":
            problem(number, f"{name} file identifier must be 'A', the SUN, then 'S'")
        if _field(line, 6, 11) != sun:
            problem(number, f"{name} service user number does not match VOL1")
        if _field(line, 22, 27) != serial:
            problem(number, f"{name} set identification does not match the VOL1 serial number")
        if not _is_bacs_date(_field(line, 42, 47)):
            problem(number, f"{name} creation date is not a Bacs date (blank, YY, DDD)")
        if not _is_bacs_date(_field(line, 48, 53)):
            problem(number, f"{name} expiration date is not a Bacs date (blank, YY, DDD)")
    if len(hdr1) == 80 and len(eof1) == 80 and (
            _field(hdr1, 5, 54) != _field(eof1, 5, 54)
            or _field(hdr1, 61, 80) != _field(eof1, 61, 80)):
        problem(first_trailer + 1, "EOF1 must repeat HDR1")
    # HDR2 and EOF2
    if len(hdr2) == 80 and _field(hdr2, 5, 15) != "F0200000100":
        problem(3, "HDR2 must give fixed records (F), block length 02000, record length 00100")
    if len(eof2) == 80 and _field(eof2, 5, 80) != _field(hdr2, 5, 80):
        problem(first_trailer + 2, "EOF2 must repeat HDR2")
    # UHL1
    if len(uhl) == 80:
        if not _is_bacs_date(_field(uhl, 5, 10)):
            problem(4, "processing date is not a Bacs date (blank, YY, DDD)")
        if _field(uhl, 11, 16) != "999999":
            problem(4, "identifying number of receiving party must be 999999")
        if _field(uhl, 21, 28) != "00000000":
            problem(4, "currency and country codes must be zeros (sterling)")
        if _field(uhl, 29, 37) != "1 DAILY  ":
            problem(4, "work code must be '1 DAILY' for a single processing day")
        if not _is_number(_field(uhl, 38, 40)):
            problem(4, "file number is not numeric")

    # Data records: credits first, then one contra.
    credit_total = 0
    credit_count = 0
    contra_total: int | None = None
    contra_count = 0
    contra_account: str | None = None
    originating: set[str] = set()
    for position, index in enumerate(data_lines):
        line = lines[index]
        number = index + 1
        if len(line) != 100:
            continue
        code = _field(line, 16, 17)
        is_last = position == len(data_lines) - 1
        for first, last, name in ((1, 6, "sort code"), (7, 14, "account number"),
                                  (18, 23, "originating sort code"),
                                  (24, 31, "originating account number")):
            if not _is_number(_field(line, first, last)):
                problem(number, f"{name} is not numeric")
        if _field(line, 15, 15) != "0":
            problem(number, "account type (position 15) must be 0")
        amount_text = _field(line, 36, 46)
        amount = int(amount_text) if _is_number(amount_text) else None
        if amount is None:
            problem(number, "amount is not numeric")
        for first, last, name in ((47, 64, "user's name"), (65, 82, "user's reference"),
                                  (83, 100, "account name")):
            value = _field(line, first, last)
            if not set(value) <= _ALLOWED_TEXT:
                problem(number, f"{name} has characters outside the Bacs set")
            if not value.strip():
                problem(number, f"{name} is blank")
        originating.add(_field(line, 18, 31))
        if code == "99":
            if is_last:
                problem(number, "the last data record must be the contra (code 17)")
            if amount is not None:
                if amount == 0:
                    problem(number, "amount must be more than zero")
                credit_total += amount
            credit_count += 1
        elif code == "17":
            contra_count += 1
            if not is_last:
                problem(number, "the contra (code 17) must come after every credit")
            if _field(line, 1, 14) != _field(line, 18, 31):
                problem(number, "the contra must debit the originator's own account")
            if _field(line, 65, 82).rstrip() != "CONTRA":
                problem(number, "the contra reference (positions 65-82) must be CONTRA")
            contra_total = amount
            contra_account = _field(line, 18, 31)
        else:
            problem(number, f"transaction code {code!r} is not 99 (credit) or 17 (contra)")
    if credit_count == 0:
        problems.append("the file has no credit records (code 99)")
    if contra_count != 1:
        problems.append(f"the file must have exactly one contra (code 17), it has {contra_count}")
    if contra_account is not None and originating != {contra_account}:
        problems.append("every record must come from the contra's account")
    if contra_total is not None and contra_total != credit_total:
        problem(data_lines[-1] + 1, f"contra amount {contra_total} is not the total of the "
                                    f"credits, {credit_total}")

    # UTL1
    number = first_trailer + 3
    if len(utl) == 80:
        fields = {"debit value total": _field(utl, 5, 17),
                  "credit value total": _field(utl, 18, 30),
                  "debit item count": _field(utl, 31, 37),
                  "credit item count": _field(utl, 38, 44)}
        for name, value in fields.items():
            if not _is_number(value):
                problem(number, f"{name} is not numeric")
        expected = {"debit value total": contra_total,
                    "credit value total": credit_total,
                    "debit item count": contra_count,
                    "credit item count": credit_count}
        for name, value in fields.items():
            want = expected[name]
            if _is_number(value) and want is not None and int(value) != want:
                problem(number, f"{name} {int(value)} does not match the records ({want})")
    return problems


# ---------------------------------------------------------------------------------------
# CSV


def _cell(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def payments_csv(*, credits: Sequence[Credit], processing_date: date) -> str:
    """The payments as CSV for finance: one row per credit, amounts in pounds ("123.45")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for index, credit in enumerate(credits, start=1):
        clean = _clean_credit(index, credit)
        sort_code = f"{clean.sort_code[:2]}-{clean.sort_code[2:4]}-{clean.sort_code[4:]}"
        writer.writerow([
            _cell(sort_code),
            _cell(clean.account_number),
            _cell(credit.account_name.strip()),
            _cell(str(pounds(clean.amount_pence))),
            _cell(credit.reference.strip()),
            _cell(processing_date.isoformat()),
        ])
    return buffer.getvalue()
