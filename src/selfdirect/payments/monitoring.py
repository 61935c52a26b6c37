"""Light-touch monitoring of direct payments: statements and simple returns.

A finance officer or the person's worker imports the CSV of the person's direct-payment
account or prepaid-card statement (``statement_import``); a person who keeps receipts
sends a simple return instead (``receipts_return_send``). Only anomalies are flagged,
and nothing else:

- the money left in the account above the authority's surplus threshold: policy
  ``payments.surplus_threshold_weeks`` weeks of the gross weekly direct payment in force
  on the last day of the statement (every funding stream the person is paid from);
- money paid to a payee nobody expected: not a personal assistant or provider named on
  an Option 1 line of the person's agreed plan (``who_name``) or a family member agreed
  as a PA, not a payroll service, HMRC or a workplace pension, and not a payee the
  person has paid before on a statement where it was not flagged.

Money coming in is never flagged; a payment from the council's runs is recognised as
such (``statement_lines``). Nothing here takes money back: see ``payments.recovery``.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet

from selfdirect.authorities.models import Authority
from selfdirect.authorities.policy import policy_value
from selfdirect.core import clock
from selfdirect.core.money import format_pounds, pence_from_pounds
from selfdirect.core.services import require_perm, save_with_history
from selfdirect.payments.models import (
    Payment,
    ReceiptsReturn,
    Schedule,
    ScheduleRate,
    Statement,
    StatementLine,
)
from selfdirect.people.models import Person
from selfdirect.planning.models import FamilyPaException, SupportLine, SupportPlan

MONITOR = "payments.monitor"
SEND_RETURN = "payments.send_return"
THRESHOLD_KEY = "payments.surplus_threshold_weeks"
DEFAULT_THRESHOLD_WEEKS = 8
MOST_ROWS = 5000
MOST_BYTES = 2_000_000

# Payees every PA employer pays, whatever the plan says (words in the payee, lower case).
EMPLOYER_PAYEES = ("payroll", "hmrc", "hm revenue", "nest pension", "workplace pension")

FLAG_BALANCE = "balance"
FLAG_PAYEE = "payee"

# Column headings accepted (lower case, spaces and punctuation squeezed to one space).
DATE_HEADINGS = ("date", "transaction date", "posted date", "posting date", "value date")
PAYEE_HEADINGS = ("description", "payee", "details", "transaction description", "narrative",
                  "merchant", "name", "reference")
AMOUNT_HEADINGS = ("amount", "value", "transaction amount")
IN_HEADINGS = ("paid in", "money in", "credit", "credits", "in", "received")
OUT_HEADINGS = ("paid out", "money out", "debit", "debits", "out", "spent")
BALANCE_HEADINGS = ("balance", "running balance", "closing balance")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %b %Y", "%d %B %Y", "%d.%m.%Y",
                "%d/%m/%y")


# --- Reading the CSV ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    number: int  # the line of the file, counting the heading as 1
    day: datetime.date
    payee: str
    amount: int  # pence: money in positive, money out negative
    balance: int | None


def _heading(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).split())


def _find(headings: list[str], wanted: Sequence[str]) -> int | None:
    for name in wanted:
        if name in headings:
            return headings.index(name)
    return None


def _day(text: str) -> datetime.date | None:
    text = " ".join(text.split())
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _pence(text: str) -> int:
    """Pence from a cell such as "£1,234.56", "-12.00", "(12.00)" or "12.00 DR"."""
    text = text.strip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        text, negative = text[1:-1], True
    upper = text.upper()
    if upper.endswith(("DR", "CR")):
        negative = negative or upper.endswith("DR")
        text = text[:-2].strip()
    pence = pence_from_pounds(text)
    return -pence if negative else pence


def read_statement(file_text: str) -> list[Row]:
    """The rows of a statement CSV, or a ValidationError on ``file`` listing every
    problem by row and column, in words. Two shapes are accepted (headings in any order,
    any case; more columns are ignored):

    - ``Date, Description, Amount[, Balance]``: money in positive, money out negative;
    - ``Date, Description, Paid in, Paid out[, Balance]``: each an amount of nothing or more.

    "Payee", "Details" or "Narrative" stand for Description; "Money in"/"Credit" and
    "Money out"/"Debit" for Paid in and Paid out. Dates like 25/11/2026, 2026-11-25 or
    25 Nov 2026. Amounts in pounds and pence ("£1,234.56", "-12.00", "(12.00)")."""
    if len(file_text.encode("utf-8")) > MOST_BYTES:
        raise ValidationError({"file": "The file must be smaller than 2 MB"})
    rows = list(csv.reader(io.StringIO(file_text.lstrip("\ufeff"))))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise ValidationError({"file": "The file is empty: choose the CSV of the statement"})
    headings = [_heading(cell) for cell in rows[0]]
    date_col, payee_col = _find(headings, DATE_HEADINGS), _find(headings, PAYEE_HEADINGS)
    amount_col = _find(headings, AMOUNT_HEADINGS)
    in_col, out_col = _find(headings, IN_HEADINGS), _find(headings, OUT_HEADINGS)
    balance_col = _find(headings, BALANCE_HEADINGS)
    missing = []
    if date_col is None:
        missing.append("Date")
    if payee_col is None:
        missing.append("Description (or Payee)")
    if amount_col is None and (in_col is None or out_col is None):
        missing.append("Amount (or both Paid in and Paid out)")
    if missing:
        raise ValidationError({"file": "The first row must name the columns. Missing: "
                                       + ", ".join(missing)})
    assert date_col is not None and payee_col is not None
    if len(rows) - 1 > MOST_ROWS:
        raise ValidationError({"file": f"The file has more than {MOST_ROWS:,} rows: split it"})
    if len(rows) == 1:
        raise ValidationError({"file": "The file has headings but no transactions"})
    problems: list[str] = []
    found: list[Row] = []
    for number, cells in enumerate(rows[1:], start=2):
        def cell(index: int | None, cells: list[str] = cells) -> str:
            return cells[index].strip() if index is not None and index < len(cells) else ""

        before = len(problems)
        text = cell(date_col)
        day = _day(text)
        if day is None:
            problems.append(f"Row {number}, Date: " + (
                f"“{text}” is not a date, like 25/11/2026" if text else "enter the date"))
        payee = " ".join(cell(payee_col).split())
        if not payee:
            problems.append(f"Row {number}, Description: enter who was paid or who paid in")
        amount = 0
        if amount_col is not None:
            text = cell(amount_col)
            try:
                amount = _pence(text)
            except (TypeError, ValueError):
                problems.append(f"Row {number}, Amount: " + (
                    f"“{text}” is not an amount in pounds and pence, like -12.60"
                    if text else "enter the amount"))
            else:
                if amount == 0:
                    problems.append(f"Row {number}, Amount: an amount of £0.00 is not a transaction")
        else:
            amounts = {}
            for name, col in (("Paid in", in_col), ("Paid out", out_col)):
                text = cell(col)
                if not text or text in ("-", "—"):
                    continue
                try:
                    amounts[name] = abs(_pence(text))
                except (TypeError, ValueError):
                    problems.append(f"Row {number}, {name}: “{text}” is not an amount in "
                                    "pounds and pence, like 12.60")
            given = {name: value for name, value in amounts.items() if value}
            if len(given) == 2:
                problems.append(f"Row {number}, Paid in and Paid out: give one or the other, "
                                "not both")
            elif not given and len(problems) == before:
                problems.append(f"Row {number}, Paid in and Paid out: enter the amount in one "
                                "of them")
            elif given:
                amount = given.get("Paid in", 0) - given.get("Paid out", 0)
        balance = None
        text = cell(balance_col)
        if text:
            try:
                balance = _pence(text)
            except (TypeError, ValueError):
                problems.append(f"Row {number}, Balance: “{text}” is not an amount in pounds "
                                "and pence, like 1,250.00")
        if len(problems) == before:
            assert day is not None
            found.append(Row(number, day, payee[:200], amount, balance))
    if problems:
        raise ValidationError({"file": problems})
    return found


def _chronological(rows: list[Row]) -> list[Row]:
    """Oldest first: a file whose last row is older than its first is newest first."""
    if rows[-1].day < rows[0].day:
        rows = list(reversed(rows))
    return sorted(rows, key=lambda r: r.day)  # stable: same-day rows keep their order


# --- What is expected ------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def name_matches(name: str, payee: str) -> bool:
    """Whether a bank's payee text names ``name``: every word of the name appears, or the
    family name with the first initial ("M STEWART" for Moira Stewart)."""
    wanted, got = _words(name), _words(payee)
    if not wanted:
        return False
    if all(word in got for word in wanted):
        return True
    return len(wanted) > 1 and wanted[-1] in got and wanted[0][0] in got


@dataclass
class Expected:
    """Who the person is expected to pay: the plan's Option 1 lines and their PAs,
    and payees seen before on statements where nothing was flagged about them."""

    lines: list[tuple[str, SupportLine]]
    known: set[str]

    def match(self, payee: str) -> tuple[SupportLine | None, bool]:
        """(the line paid, whether the payee is expected)."""
        for name, line in self.lines:
            if name_matches(name, payee):
                return line, True
        text = " ".join(_words(payee))
        if any(word in text for word in EMPLOYER_PAYEES):
            return None, True
        return None, " ".join(_words(payee)) in self.known


def expected_for(person: Person) -> Expected:
    """Three queries: the agreed plan's Option 1 lines, its family PAs, earlier payees."""
    plan = (SupportPlan.objects.filter(person=person, status=SupportPlan.Status.AGREED)
            .order_by("-created_at", "-pk").first())
    named: list[tuple[str, SupportLine]] = []
    if plan is not None:
        option_1 = {line.pk: line for line in plan.lines.filter(option="1")}
        named = [(line.who_name, line) for line in option_1.values() if line.who_name.strip()]
        for pa in FamilyPaException.objects.filter(plan=plan).exclude(
                status=FamilyPaException.Status.REFUSED):
            line = option_1.get(pa.line_id) if pa.line_id else None
            if line is not None:
                named.append((pa.family_member, line))
    known = {" ".join(_words(payee)) for payee in StatementLine.objects.filter(
        statement__person=person, unexpected=False, amount__lt=0).values_list("payee", flat=True)}
    return Expected(lines=named, known=known)


# --- The surplus threshold -----------------------------------------------------------------


def weekly_gross(person_ids: Iterable[int], day: datetime.date) -> dict[int, int]:
    """Each person's gross direct payment a week in force on ``day``, all streams: one
    query."""
    rates: dict[tuple[int, int], tuple[datetime.date, int, int]] = {}
    for person_id, schedule_id, since, pk, weekly, starts, ends in (
            ScheduleRate.objects.filter(schedule__person_id__in=list(person_ids),
                                        superseded=False, effective_from__lte=day)
            .values_list("schedule__person_id", "schedule_id", "effective_from", "pk",
                         "weekly_gross", "schedule__starts_on", "schedule__ends_on")):
        if day < starts or (ends is not None and day > ends):
            continue
        key = (person_id, schedule_id)
        if key not in rates or (since, pk) > rates[key][:2]:
            rates[key] = (since, pk, weekly)
    totals: dict[int, int] = defaultdict(int)
    for (person_id, _schedule), (_since, _pk, weekly) in rates.items():
        totals[person_id] += weekly
    return dict(totals)


def threshold_weeks(authority: Authority, day: datetime.date) -> int:
    try:
        return int(policy_value(authority=authority, key=THRESHOLD_KEY, on=day))
    except KeyError:
        return DEFAULT_THRESHOLD_WEEKS


@dataclass(frozen=True)
class Threshold:
    weeks: int
    weekly: int

    @property
    def amount(self) -> int:
        return self.weeks * self.weekly

    def flag(self, balance: int, day: datetime.date) -> dict[str, Any] | None:
        if balance <= self.amount:
            return None
        return {"kind": FLAG_BALANCE, "amount": balance, "threshold": self.amount,
                "text": (f"The money left on {day:%-d %B %Y}, {format_pounds(balance)}, is more "
                         f"than {self.weeks} weeks of the direct payment "
                         f"({format_pounds(self.amount)} at {format_pounds(self.weekly)} a "
                         "week). Talk to the person before anything else: it may be set "
                         "aside for something planned.")}


def threshold_for(person: Person, day: datetime.date) -> Threshold:
    return Threshold(threshold_weeks(person.authority, day),
                     weekly_gross([person.pk], day).get(person.pk, 0))


# --- Writes ---------------------------------------------------------------------------------


def _check_person(person: Person) -> None:
    if not Schedule.objects.filter(person=person).exists():
        raise ValidationError({"file": f"{person} has no direct payment to monitor"})


@transaction.atomic
def statement_import(*, actor: Any, person: Person, file_text: str,
                     file_name: str = "") -> Statement:
    """Import the CSV of the person's direct-payment account or prepaid-card statement.

    Two shapes are accepted (``read_statement``): ``Date, Description, Amount[, Balance]``
    with money in positive and money out negative, or ``Date, Description, Paid in,
    Paid out[, Balance]``. Amounts go through ``core.money.pence_from_pounds``.

    Every row is checked first; with any problem nothing is saved and the ValidationError
    (on ``file``) lists each one by row and column. Then each payment out is matched to
    the plan (``Expected``) and only anomalies are flagged (see the module docstring). The
    closing balance is the Balance of the last transaction; a file with no Balance column
    starts from the closing balance of the person's previous statement (nothing if it is
    the first) and adds the money in and out."""
    require_perm(actor, MONITOR, person)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    _check_person(person)
    rows = _chronological(read_statement(file_text or ""))
    start, end = rows[0].day, rows[-1].day
    with_balance = [r for r in rows if r.balance is not None]
    if with_balance:
        closing = with_balance[-1].balance
        assert closing is not None
    else:
        previous = (Statement.objects.filter(person=person, period_end__lt=start)
                    .order_by("-period_end", "-pk").first())
        closing = (previous.closing_balance if previous else 0) + sum(r.amount for r in rows)
    expected = expected_for(person)
    flags: list[dict[str, Any]] = []
    threshold = threshold_for(person, end)
    balance_flag = threshold.flag(closing, end)
    if balance_flag:
        flags.append(balance_flag)
    lines = []
    for row in rows:
        matched, ok = (None, True) if row.amount > 0 else expected.match(row.payee)
        lines.append(StatementLine(day=row.day, payee=row.payee, amount=row.amount,
                                   balance=row.balance, matched_line=matched,
                                   unexpected=not ok))
        if not ok:
            flags.append({"kind": FLAG_PAYEE, "payee": row.payee, "amount": -row.amount,
                          "day": row.day.isoformat(),
                          "text": (f"{format_pounds(-row.amount)} paid to “{row.payee}” on "
                                   f"{row.day:%-d %B %Y}: not a payee the plan names. Ask "
                                   "the person what it was for.")})
    statement = Statement(person=person, period_start=start, period_end=end,
                          closing_balance=closing, file_name=(file_name or "")[:200],
                          flags=flags, imported_by=actor)
    save_with_history(statement, actor=actor, reason="Statement imported")
    for line in lines:
        line.statement = statement
    StatementLine.objects.bulk_create(lines)
    return statement


@transaction.atomic
def receipts_return_send(*, actor: Any, person: Person, period_start: datetime.date,
                         period_end: datetime.date, spent: int, balance: int,
                         note: str = "") -> ReceiptsReturn:
    """The simple return of a person who keeps receipts: what they spent in the period
    and the money left. The same threshold check as a statement (``return_flags``)."""
    require_perm(actor, SEND_RETURN, person)
    errors: dict[str, str] = {}
    if not isinstance(period_start, datetime.date):
        errors["period_start"] = "Enter the first day the return covers"
    if not isinstance(period_end, datetime.date):
        errors["period_end"] = "Enter the last day the return covers"
    elif isinstance(period_start, datetime.date) and period_end < period_start:
        errors["period_end"] = "The last day must be the same as or after the first day"
    elif period_end > clock.today():
        errors["period_end"] = "The last day must be today or in the past"
    for name, value, what in (("spent", spent, "the amount spent"),
                              ("balance", balance, "the money left in the account")):
        if not isinstance(value, int) or isinstance(value, bool):
            errors[name] = f"Enter {what} in pounds and pence, like 250.00"
        elif value < 0:
            errors[name] = f"Enter {what} as £0.00 or more"
    note = (note or "").strip()
    if len(note) > 2000:
        errors["note"] = "Anything else must be 2,000 characters or fewer"
    if not errors and not Schedule.objects.filter(person=person).exists():
        errors["period_start"] = f"{person} has no direct payment to send a return for"
    if errors:
        raise ValidationError(errors)
    item = ReceiptsReturn(person=person, period_start=period_start, period_end=period_end,
                          spent=spent, balance=balance, note=note, recorded_by=actor)
    save_with_history(item, actor=actor, reason="Simple return sent")
    return item


def return_flags(item: ReceiptsReturn, threshold: Threshold | None = None) -> list[dict[str, Any]]:
    """What a return flags: only a balance above the threshold (payees are not listed)."""
    threshold = threshold or threshold_for(item.person, item.period_end)
    flag = threshold.flag(item.balance, item.period_end)
    return [flag] if flag else []


# --- Reads ----------------------------------------------------------------------------------


def statement_lines(statement: Statement) -> list[dict[str, Any]]:
    """A statement's lines, each with what it is: a payment from the council (money in of
    a posted direct payment of the same amount within a week), the plan line it paid,
    an expected payee, money in, or a payee nobody expected. Two queries."""
    lines = list(statement.lines.select_related("matched_line"))
    payments = list(Payment.objects.filter(
        schedule__person_id=statement.person_id, posted_at__isnull=False,
        run__pay_on__gte=statement.period_start - datetime.timedelta(days=7),
        run__pay_on__lte=statement.period_end).values_list("amount", "run__pay_on"))
    rows = []
    for line in lines:
        if line.amount > 0:
            council = any(amount == line.amount and abs((line.day - pay_on).days) <= 7
                          for amount, pay_on in payments)
            what = "Direct payment from the council" if council else "Money in"
        elif line.unexpected:
            what = "Not a payee the plan names: flagged"
        elif line.matched_line is not None:
            what = f"Paid for: {line.matched_line.what}"
        else:
            what = "Expected (employer costs or a payee seen before)"
        rows.append({"line": line, "amount": format_pounds(line.amount),
                     "balance": "" if line.balance is None else format_pounds(line.balance),
                     "what": what})
    return rows


@dataclass(frozen=True)
class Flagged:
    """A statement or a return with something to look at."""

    person: Person
    kind: str  # "statement" or "return"
    period_start: datetime.date
    period_end: datetime.date
    balance: int
    flags: list[dict[str, Any]]
    statement: Statement | None = None
    receipts_return: ReceiptsReturn | None = None

    @property
    def balance_text(self) -> str:
        return format_pounds(self.balance)


def _returns_with_flags(returns: Sequence[ReceiptsReturn]) -> list[tuple[ReceiptsReturn, list[dict[str, Any]]]]:
    """Each return with its flags: one query for the rates of all of them (and the policy
    figure once per authority and day)."""
    by_day: dict[datetime.date, list[ReceiptsReturn]] = defaultdict(list)
    for item in returns:
        by_day[item.period_end].append(item)
    result: dict[int, list[dict[str, Any]]] = {}
    weeks: dict[tuple[int, datetime.date], int] = {}
    for day, items in by_day.items():
        gross = weekly_gross({i.person_id for i in items}, day)
        for item in items:
            key = (item.person.authority_id, day)
            if key not in weeks:
                weeks[key] = threshold_weeks(item.person.authority, day)
            result[item.pk] = return_flags(item, Threshold(weeks[key],
                                                           gross.get(item.person_id, 0)))
    return [(item, result[item.pk]) for item in returns]


def flagged_for_authority(*, authority: Authority, user: Any = None,
                          limit: int = 200) -> list[Flagged]:
    """Statements and returns of the authority's people with something flagged, newest
    first. A worker (not a finance officer or team manager) sees only the people they
    may monitor."""
    statements = list(Statement.objects.filter(person__authority=authority)
                      .exclude(flags=[]).select_related("person__authority")
                      .order_by("-period_end", "-pk")[:limit])
    returns = list(ReceiptsReturn.objects.filter(person__authority=authority)
                   .select_related("person__authority").order_by("-period_end", "-pk")[:limit])
    found = [Flagged(s.person, "statement", s.period_start, s.period_end, s.closing_balance,
                     s.flags, statement=s) for s in statements]
    found += [Flagged(r.person, "return", r.period_start, r.period_end, r.balance, flags,
                      receipts_return=r)
              for r, flags in _returns_with_flags(returns) if flags]
    if user is not None:
        found = [f for f in found if user.has_perm(MONITOR, f.person)]
    return sorted(found, key=lambda f: f.period_end, reverse=True)[:limit]


@dataclass(frozen=True)
class History:
    statements: list[Statement]
    returns: list[tuple[ReceiptsReturn, list[dict[str, Any]]]]
    threshold: Threshold


def monitoring_history(*, person: Person) -> History:
    """A person's statements (with their lines) and returns, newest first."""
    statements = list(Statement.objects.filter(person=person).select_related("imported_by")
                      .prefetch_related(Prefetch("lines", queryset=StatementLine.objects.all()))
                      .order_by("-period_end", "-pk"))
    returns: QuerySet[ReceiptsReturn] = (ReceiptsReturn.objects.filter(person=person)
                                         .select_related("person__authority", "recorded_by")
                                         .order_by("-period_end", "-pk"))
    return History(statements=statements, returns=_returns_with_flags(list(returns)),
                   threshold=threshold_for(person, clock.today()))
