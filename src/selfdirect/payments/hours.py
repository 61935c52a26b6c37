"""Hours a provider delivered against the hours the plan funds, and the alerts when they
fall short.

A provider whose staff accepted the referral of an Option 2 or 3 support line records the
hours it delivered each week (Monday to Sunday): on the page, through the API or in a CSV
file. Finance officers may record them too, from a timesheet. A second figure for the
same week replaces the first; the history keeps the earlier one.

A week is *short* when the hours delivered fall below the hours planned by more than the
authority's tolerance (policy ``payments.shortfall_tolerance_percent``). When a line has
been short for the policy's number of weeks running (``payments.shortfall_weeks``), a
``ShortfallAlert`` is raised for the person's worker: once for each run of short weeks,
extended while the run goes on. It carries the hours planned and delivered over the run
and the money not spent: the hours short at the line's hourly rate (its weekly cost over
its weekly hours), in whole pence rounded half up once for the run, never through a float.

The worker marks the alert as seen with what they did. The person (or whoever acts for
them, or their worker) can ask to use the money another way: a spending request made from
the alert is recorded on it (``shortfall_request_link``).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from selfdirect.authorities.models import Role
from selfdirect.authorities.policy import policy_value
from selfdirect.authorities.selectors import user_roles
from selfdirect.core import clock
from selfdirect.core.money import format_pounds
from selfdirect.core.services import require_perm, save_with_history
from selfdirect.payments.models import DeliveredHours, ShortfallAlert
from selfdirect.people.models import Person
from selfdirect.planning.models import Referral, SupportLine, SupportPlan
from selfdirect.providers.models import Provider, ProviderMember

RECORD = "payments.record_hours"
MOST_HOURS = Decimal(168)
WEEK = datetime.timedelta(days=7)
MOST_CSV_ROWS = 5000
LOOK_AROUND = datetime.timedelta(weeks=26)
# A cell a spreadsheet would run as a formula (CSV injection): refused, never saved.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("line", "week beginning", "hours", "note")
_COLUMN_NAMES = {
    "line": "line", "line reference": "line", "line id": "line", "reference": "line",
    "week beginning": "week beginning", "week_start": "week beginning",
    "week start": "week beginning", "week": "week beginning",
    "hours": "hours", "hours delivered": "hours", "note": "note", "notes": "note",
}


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def hours_text(hours: Decimal | None) -> str:
    """Hours for reading: "35", "20.5", "7.25"."""
    if hours is None:
        return ""
    text = f"{hours:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def line_reference(line: SupportLine) -> str:
    """How a support line is named in a CSV file and on the pages: "L" and its number."""
    return f"L{line.pk}"


def hourly_rate(line: SupportLine) -> int | None:
    """The line's agreed hourly rate in whole pence (weekly cost over weekly hours, half
    up); None when the plan does not count the support in hours."""
    if not line.hours_per_week:
        return None
    rate = Decimal(line.weekly_cost) / Decimal(line.hours_per_week)
    return int(rate.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def money_for_hours(line: SupportLine, hours: Decimal) -> int:
    """What ``hours`` of the line cost at its weekly cost over its weekly hours, in whole
    pence rounded half up once (so a run of weeks is not rounded week by week)."""
    if not line.hours_per_week or hours <= 0:
        return 0
    exact = Decimal(line.weekly_cost) * hours / Decimal(line.hours_per_week)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- Who may record for which line -----------------------------------------------------------


def _accepted(line: SupportLine) -> list[Referral]:
    return list(Referral.objects.filter(line=line, status=Referral.Status.ACCEPTED)
                .select_related("provider").order_by("-responded_at", "-pk"))


def _provider_for(actor: Any, line: SupportLine) -> Provider | None:
    """The provider delivering the line: the one the actor works for when they work for
    one that accepted it, otherwise the latest to accept it."""
    accepted = _accepted(line)
    if not accepted:
        return None
    mine = set(ProviderMember.objects.filter(user=actor, active=True)
               .values_list("provider_id", flat=True))
    for referral in accepted:
        if referral.provider_id in mine:
            return referral.provider
    return accepted[0].provider


def _parse_hours(value: Any) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Hours must not be a float: pass a str or Decimal")
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError("not a number") from exc
    if not hours.is_finite():
        raise ValueError("not a number")
    return hours


def _hours_problem(hours: Decimal) -> str:
    if hours < 0 or hours > MOST_HOURS:
        return "Enter the hours delivered as a number from 0 to 168"
    if hours != hours.quantize(Decimal("0.01")):
        return "Enter the hours delivered to no more than 2 decimal places, like 7.25"
    return ""


def _week_problem(week_start: datetime.date, today: datetime.date) -> str:
    if week_start.weekday() != 0:
        return (f"The week must begin on a Monday: {week_start:%-d %B %Y} is a "
                f"{week_start:%A}. Use {monday_of(week_start):%-d %B %Y}")
    if week_start > today:
        return "Hours can only be recorded for a week that has begun"
    return ""


def _line_problem(line: SupportLine) -> str:
    if line.option not in ("2", "3"):
        return ("Delivered hours are recorded for support under options 2 and 3: under "
                "option 1 the person arranges their own support")
    if line.plan.status == SupportPlan.Status.DRAFT:
        return "This plan has not been agreed yet: hours are recorded once it is"
    if not line.hours_per_week:
        return "The plan does not count this support in hours, so there are no hours to record"
    return ""


def _save_week(*, actor: Any, line: SupportLine, provider: Provider,
               week_start: datetime.date, hours: Decimal, note: str,
               source: str) -> DeliveredHours:
    existing = (DeliveredHours.objects.select_for_update()
                .filter(line=line, week_start=week_start).first())
    row = existing or DeliveredHours(line=line, week_start=week_start)
    row.provider = provider
    row.planned_hours = line.hours_per_week or Decimal(0)
    row.hours, row.note, row.source, row.recorded_by = hours, note, source, actor
    reason = (f"Hours corrected: {hours_text(existing.hours)} to {hours_text(hours)}"
              if existing else f"{hours_text(hours)} hours delivered")
    save_with_history(row, actor=actor, reason=reason, validate=False)
    return row


@transaction.atomic
def hours_record(*, actor: Any, line: SupportLine, week_start: datetime.date,
                 hours: Decimal | str, note: str = "",
                 source: str = DeliveredHours.Source.PAGE) -> DeliveredHours:
    """Record the hours delivered on ``line`` in the week beginning ``week_start`` (a
    Monday), replacing any figure recorded before (the history keeps it), then look for a
    shortfall. Raises ValidationError naming each field that is wrong."""
    line = SupportLine.objects.select_related("plan__person__authority").get(pk=line.pk)
    require_perm(actor, RECORD, line)
    errors: dict[str, str] = {}
    line_problem = _line_problem(line)
    if line_problem:
        errors["line"] = line_problem
    provider = _provider_for(actor, line)
    if provider is None and not line_problem:
        errors["line"] = "No provider has accepted this support, so no hours can be recorded"
    week_problem = _week_problem(week_start, clock.today())
    if week_problem:
        errors["week_start"] = week_problem
    parsed = Decimal(0)
    try:
        parsed = _parse_hours(hours)
    except ValueError:
        errors["hours"] = "Enter the hours delivered as a number, like 20 or 7.5"
    else:
        if _hours_problem(parsed):
            errors["hours"] = _hours_problem(parsed)
    note = " ".join((note or "").split())
    if len(note) > 300:
        errors["note"] = "The note must be 300 characters or fewer"
    if source not in DeliveredHours.Source.values:
        errors["source"] = "Say where the hours came from: the page, the API or a CSV file"
    if errors:
        raise ValidationError(errors)
    assert provider is not None
    row = _save_week(actor=actor, line=line, provider=provider, week_start=week_start,
                     hours=parsed, note=note, source=source)
    shortfall_check(line=line, around=week_start)
    return row


# --- CSV upload ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "The file"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class ImportResult:
    saved: list[DeliveredHours] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _date(text: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _looks_like_formula(text: str) -> bool:
    if not text or not text.startswith(FORMULA_START):
        return False
    # A plain negative number is a wrong number, not a formula: it is reported as such.
    if text.startswith("-"):
        try:
            Decimal(text)
        except InvalidOperation:
            return True
        return False
    return True


def provider_lines(provider: Provider) -> QuerySet[SupportLine]:
    """The Option 2 and 3 lines of agreed plans referred to ``provider`` and accepted by
    it, with the person (one query)."""
    return (SupportLine.objects.filter(
        referrals__provider=provider, referrals__status=Referral.Status.ACCEPTED,
        option__in=("2", "3"), plan__status=SupportPlan.Status.AGREED)
        .select_related("plan__person").distinct().order_by("plan__person__family_name", "pk"))


def hours_import_csv(*, actor: Any, provider: Provider, file_text: str) -> ImportResult:
    """Record a provider's delivered hours from a CSV file with the columns line, week
    beginning, hours and note (a header row first). Every row is checked before any is
    saved: with any problem nothing is saved and each problem is reported by row number
    and column."""
    require_perm(actor, RECORD, provider)
    result = ImportResult()
    text = file_text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:
        result.problems.append(RowProblem(0, "", f"This is not a CSV file that can be read ({exc})"))
        return result
    if not rows:
        result.problems.append(RowProblem(0, "", "The file is empty: use the template"))
        return result
    header = [_COLUMN_NAMES.get(" ".join(h.strip().lower().split()), "") for h in rows[0]]
    missing = [c for c in CSV_COLUMNS[:3] if c not in header]
    if missing:
        result.problems.append(RowProblem(1, "", "The first row must name the columns "
                                                 f"{', '.join(CSV_COLUMNS)}: missing "
                                                 f"{', '.join(missing)}"))
        return result
    data = [r for r in rows[1:] if any(cell.strip() for cell in r)]
    if len(data) > MOST_CSV_ROWS:
        result.problems.append(RowProblem(0, "", f"The file has {len(data):,} rows: send "
                                                 f"{MOST_CSV_ROWS:,} or fewer at a time"))
        return result
    lines = {line.pk: line for line in provider_lines(provider).select_related("plan")}
    today = clock.today()
    wanted: list[tuple[SupportLine, datetime.date, Decimal, str]] = []
    seen: dict[tuple[int, datetime.date], int] = {}
    number = 1
    for raw in rows[1:]:
        number += 1
        if not any(cell.strip() for cell in raw):
            continue
        cells = {name: raw[i].strip() for i, name in enumerate(header)
                 if name and i < len(raw)}
        problems: list[RowProblem] = []
        for column in CSV_COLUMNS:
            if _looks_like_formula(cells.get(column, "")):
                problems.append(RowProblem(number, column, "remove the formula: enter the "
                                                           "value itself"))
        if problems:
            result.problems.extend(problems)
            continue
        line = None
        reference = cells.get("line", "").upper().removeprefix("L")
        if not reference:
            problems.append(RowProblem(number, "line", "enter the line reference, like L123"))
        elif not reference.isdigit() or int(reference) not in lines:
            problems.append(RowProblem(number, "line", f"{cells['line']} is not a line referred "
                                                       f"to {provider.name} and accepted"))
        else:
            line = lines[int(reference)]
            line_problem = _line_problem(line)
            if line_problem:
                problems.append(RowProblem(number, "line", line_problem))
        week = None
        try:
            week = _date(cells.get("week beginning", ""))
        except ValueError:
            problems.append(RowProblem(number, "week beginning",
                                       "enter the Monday the week begins as a date, like "
                                       f"{monday_of(today):%Y-%m-%d}"))
        else:
            if _week_problem(week, today):
                problems.append(RowProblem(number, "week beginning", _week_problem(week, today)))
        hours = Decimal(0)
        try:
            hours = _parse_hours(cells.get("hours", ""))
        except ValueError:
            problems.append(RowProblem(number, "hours",
                                       "enter the hours delivered as a number, like 20 or 7.5"))
        else:
            if _hours_problem(hours):
                problems.append(RowProblem(number, "hours", _hours_problem(hours)))
        note = " ".join(cells.get("note", "").split())
        if len(note) > 300:
            problems.append(RowProblem(number, "note", "the note must be 300 characters or fewer"))
        if line is not None and week is not None:
            earlier = seen.get((line.pk, week))
            if earlier:
                problems.append(RowProblem(number, "week beginning",
                                           f"row {earlier} already gives this line and week"))
            seen[(line.pk, week)] = number
        if problems:
            result.problems.extend(problems)
        elif line is not None and week is not None:
            wanted.append((line, week, hours, note))
    if not wanted and not result.problems:
        result.problems.append(RowProblem(0, "", "The file has no rows of hours"))
    if result.problems:
        return result
    with transaction.atomic():
        for line, week, hours, note in wanted:
            result.saved.append(_save_week(actor=actor, line=line, provider=provider,
                                           week_start=week, hours=hours, note=note,
                                           source=DeliveredHours.Source.CSV))
        for line in {line.pk: line for line, *_ in wanted}.values():
            shortfall_check(line=line)
    return result


def csv_template(provider: Provider, *, today: datetime.date | None = None) -> str:
    """A CSV file to fill in: the header and a row for each line for last week."""
    week = monday_of(today or clock.today()) - WEEK
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in provider_lines(provider):
        writer.writerow([line_reference(line), week.isoformat(), "", ""])
    return out.getvalue()


# --- Shortfalls -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShortfallPolicy:
    weeks: int
    tolerance_percent: Decimal

    def is_short(self, planned: Decimal, delivered: Decimal) -> bool:
        return delivered < planned * (Decimal(100) - self.tolerance_percent) / Decimal(100)


def shortfall_policy(person: Person, on: datetime.date) -> ShortfallPolicy:
    authority = person.authority
    return ShortfallPolicy(
        weeks=int(policy_value(authority=authority, key="payments.shortfall_weeks", on=on)),
        tolerance_percent=Decimal(policy_value(
            authority=authority, key="payments.shortfall_tolerance_percent", on=on)))


def _short_runs(weeks: Sequence[DeliveredHours],
                policies: dict[datetime.date, ShortfallPolicy]) -> list[list[DeliveredHours]]:
    """Runs of consecutive short weeks, each week judged by the tolerance in force that
    week (a week with nothing recorded ends a run)."""
    runs: list[list[DeliveredHours]] = []
    current: list[DeliveredHours] = []
    for week in weeks:
        short = policies[week.week_start].is_short(week.planned_hours, week.hours)
        follows = bool(current) and week.week_start == current[-1].week_start + WEEK
        if short and follows:
            current.append(week)
            continue
        if current:
            runs.append(current)
        current = [week] if short else []
    if current:
        runs.append(current)
    return runs


def shortfall_check(*, line: SupportLine,
                    around: datetime.date | None = None) -> list[ShortfallAlert]:
    """Raise or extend the alerts for ``line``: one for each run of short weeks at least
    as long as the policy's number of weeks (read for the week the run reaches), each
    week judged by the tolerance in force that week. An alert already raised for part of
    a run is extended; it is never raised twice. ``around`` limits the look to the half
    year either side of a week just recorded. Returns the alerts raised or changed."""
    person = line.plan.person
    rows = DeliveredHours.objects.filter(line=line)
    if around is not None:
        rows = rows.filter(week_start__gte=around - LOOK_AROUND, week_start__lte=around + LOOK_AROUND)
    weeks = list(rows.order_by("week_start"))
    if not weeks:
        return []
    alerts = list(ShortfallAlert.objects.select_for_update().filter(
        line=line, last_week__gte=weeks[0].week_start))
    changed: list[ShortfallAlert] = []
    policies: dict[datetime.date, ShortfallPolicy] = {}
    for week in weeks:
        policies.setdefault(week.week_start, shortfall_policy(person, week.week_start))
    runs = _short_runs(weeks, policies)
    for run in runs:
        last = run[-1].week_start
        if len(run) < policies[last].weeks:
            continue
        first = run[0].week_start
        planned = sum((w.planned_hours for w in run), Decimal(0))
        delivered = sum((w.hours for w in run), Decimal(0))
        unspent = money_for_hours(line, planned - delivered)
        alert = next((a for a in alerts if a.first_week <= last and a.last_week >= first), None)
        if alert is None:
            alert = ShortfallAlert(line=line)
            reason = "Shortfall in delivered hours"
        elif (alert.first_week, alert.last_week, alert.planned_hours, alert.delivered_hours,
              alert.unspent) == (first, last, planned, delivered, unspent):
            continue
        else:
            reason = "The shortfall continues" if last > alert.last_week else "Hours corrected"
        alert.first_week, alert.last_week = first, last
        alert.planned_hours, alert.delivered_hours, alert.unspent = planned, delivered, unspent
        save_with_history(alert, actor=None, reason=reason, validate=False)
        changed.append(alert)
    return changed


@transaction.atomic
def alert_mark_seen(*, actor: Any, alert: ShortfallAlert, action: str) -> ShortfallAlert:
    """The worker has seen the alert and says what they did about it."""
    alert = ShortfallAlert.objects.select_for_update().select_related(
        "line__plan__person").get(pk=alert.pk)
    require_perm(actor, "payments.monitor", alert.line.plan.person)
    action = (action or "").strip()
    if not action:
        raise ValidationError({"action": "Say what you did about the shortfall, such as "
                                         "talking to the provider or to the person"})
    if len(action) > 2000:
        raise ValidationError({"action": "What you did must be 2,000 characters or fewer"})
    alert.seen_by, alert.seen_at, alert.action = actor, timezone.now(), action
    save_with_history(alert, actor=actor, reason="Shortfall alert seen")
    return alert


@transaction.atomic
def shortfall_request_link(*, actor: Any, alert: ShortfallAlert,
                           spending_request: Any) -> ShortfallAlert:
    """Record on the alert the spending request the person made to use its money another
    way (the spending page calls this when a request is made from the alert)."""
    alert = ShortfallAlert.objects.select_for_update().select_related(
        "line__plan__person").get(pk=alert.pk)
    person = alert.line.plan.person
    require_perm(actor, "spending.make_request", person)
    if spending_request.person_id != person.pk:
        raise ValidationError({"spending_request": "The request is for someone else"})
    alert.spending_request = spending_request
    save_with_history(alert, actor=actor, reason="Asked to use the money another way")
    return alert


# --- Reads ------------------------------------------------------------------------------------


def alerts_for_worker(user: Any, *, unseen_only: bool = False) -> QuerySet[ShortfallAlert]:
    """The alerts a worker should see, newest first: their caseload (people allocated to
    them or in their teams) and, for a team manager or finance officer, everyone in the
    authority. One query; ready for a dashboard."""
    roles = user_roles(user)
    whole = roles.authorities_with(Role.TEAM_MANAGER, Role.FINANCE_OFFICER)
    query = Q(line__plan__person__authority_id__in=whole)
    for authority_id in roles.authorities_with(Role.SOCIAL_WORKER):
        query |= Q(line__plan__person__authority_id=authority_id) & (
            Q(line__plan__person__allocated_worker=user)
            | Q(line__plan__person__team_id__in=roles.teams_in(authority_id)))
    if not whole and not roles.authorities_with(Role.SOCIAL_WORKER):
        return ShortfallAlert.objects.none()
    alerts = ShortfallAlert.objects.filter(query)
    if unseen_only:
        alerts = alerts.filter(seen_at__isnull=True)
    return (alerts.select_related("line__plan__person", "seen_by", "spending_request")
            .order_by("seen_at", "-last_week", "-pk"))


def person_shortfalls(person: Person) -> list[ShortfallAlert]:
    """The person's shortfall alerts, newest first (one query)."""
    return list(ShortfallAlert.objects.filter(line__plan__person=person)
                .select_related("line", "seen_by", "spending_request")
                .order_by("-last_week", "-pk"))


@dataclass(frozen=True)
class WeekRow:
    week_start: datetime.date
    planned: Decimal
    delivered: Decimal | None
    short: bool
    note: str

    @property
    def gap(self) -> Decimal | None:
        return None if self.delivered is None else self.planned - self.delivered


@dataclass(frozen=True)
class LineWeeks:
    line: SupportLine
    provider: str
    weeks: list[WeekRow]


def person_weeks(person: Person, *, weeks: int = 8,
                 today: datetime.date | None = None) -> list[LineWeeks]:
    """Planned against delivered hours, week by week, for each of the person's Option 2
    and 3 lines counted in hours on their agreed plan, over the last ``weeks`` weeks (the
    newest first). A week with nothing recorded shows no delivered figure. Three queries."""
    today = today or clock.today()
    latest = monday_of(today)
    starts = [latest - WEEK * n for n in range(weeks)]
    lines = list(SupportLine.objects.filter(
        plan__person=person, plan__status=SupportPlan.Status.AGREED, option__in=("2", "3"),
        hours_per_week__isnull=False).order_by("pk"))
    recorded = {(d.line_id, d.week_start): d for d in DeliveredHours.objects.filter(
        line__in=lines, week_start__gte=starts[-1])}
    providers: dict[int, str] = {}
    for line_id, name in (Referral.objects.filter(line__in=lines,
                                                  status=Referral.Status.ACCEPTED)
                          .order_by("responded_at").values_list("line_id", "provider__name")):
        providers[line_id] = name
    policy = shortfall_policy(person, latest)
    out = []
    for line in lines:
        rows = []
        for start in starts:
            got = recorded.get((line.pk, start))
            planned = got.planned_hours if got else Decimal(line.hours_per_week or 0)
            if got is None:
                rows.append(WeekRow(start, planned, None, False, ""))
            else:
                rows.append(WeekRow(start, planned, got.hours,
                                    policy.is_short(planned, got.hours), got.note))
        out.append(LineWeeks(line, providers.get(line.pk, ""), rows))
    return out


@dataclass(frozen=True)
class RecordRow:
    line: SupportLine
    person: Person
    weeks: list[tuple[datetime.date, DeliveredHours | None]]


def lines_to_record(user: Any, *, today: datetime.date | None = None) -> list[RecordRow]:
    """The lines a provider's staff record hours on: Option 2 and 3 lines of agreed plans
    referred to the providers they work for and accepted (for a finance officer, who
    records from timesheets, every such line of their authority's people), each with this
    week and last week and what has been recorded for them. Two queries, and one for the
    user's roles."""
    today = today or clock.today()
    this_week = monday_of(today)
    weeks = [this_week, this_week - WEEK]
    providers = ProviderMember.objects.filter(user=user, active=True).values("provider")
    finance = user_roles(user).authorities_with(Role.FINANCE_OFFICER)
    lines = list(SupportLine.objects.filter(
        Q(referrals__provider__in=providers) | Q(plan__person__authority_id__in=finance),
        referrals__status=Referral.Status.ACCEPTED,
        option__in=("2", "3"), plan__status=SupportPlan.Status.AGREED,
        hours_per_week__isnull=False).select_related("plan__person").distinct()
        .order_by("plan__person__family_name", "pk"))
    recorded = {(d.line_id, d.week_start): d for d in DeliveredHours.objects.filter(
        line__in=lines, week_start__in=weeks)}
    return [RecordRow(line, line.plan.person, [(w, recorded.get((line.pk, w))) for w in weeks])
            for line in lines]


def recorded_for_provider(provider: Provider, *, since: datetime.date | None = None,
                          lines: Iterable[int] | None = None) -> QuerySet[DeliveredHours]:
    """The hours a provider recorded, newest week first (one query)."""
    rows = DeliveredHours.objects.filter(provider=provider)
    if since is not None:
        rows = rows.filter(week_start__gte=since)
    if lines is not None:
        rows = rows.filter(line_id__in=list(lines))
    return rows.select_related("line").order_by("-week_start", "line_id")


def shortfall_words(alert: ShortfallAlert) -> str:
    """The shortfall in plain words."""
    short = alert.planned_hours - alert.delivered_hours
    weeks = (alert.last_week - alert.first_week).days // 7 + 1
    return (f"In the {weeks} weeks from {alert.first_week:%-d %B %Y}, "
            f"{hours_text(alert.delivered_hours)} of the {hours_text(alert.planned_hours)} "
            f"hours planned were delivered: {hours_text(short)} hours short. "
            f"{format_pounds(alert.unspent)} has not been spent.")
