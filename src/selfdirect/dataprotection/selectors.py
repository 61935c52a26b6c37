"""Reads for the data protection pages and the retention command.

- ``people_find``: the people of one council who match a name or a CHI/NHS number, for
  the data protection officer (who sees no person records otherwise); one query.
- ``subject_access_document``: everything registered about a person (``export.gather``:
  two queries a registered part, whatever the record holds).
- ``people_past_retention``: the people of a council whose last activity is longer ago
  than the council's ``retention.closed_case_years``, with the reason; a fixed number of
  queries (about two a registered part) for the whole council.
- ``log_rows_past_retention``: the sign-in events and API token uses past the council's
  periods (``retention.sign_in_events_days``, ``retention.token_use_days``).

Every date comes from ``core.clock`` (``clock.as_of`` in tests and the command's --on).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from selfdirect.accounts.models import ApiTokenUse, SignInEvent
from selfdirect.authorities.models import Authority, StaffRole
from selfdirect.authorities.policy import policy_history, policy_value
from selfdirect.core import clock
from selfdirect.dataprotection import export
from selfdirect.dataprotection.models import RetentionAction, RetentionApproval
from selfdirect.dataprotection.registry import Part, sections
from selfdirect.people.models import Person, Relationship
from selfdirect.people.validators import normalise_chi

CASE_YEARS = "retention.closed_case_years"
SIGN_IN_DAYS = "retention.sign_in_events_days"
TOKEN_USE_DAYS = "retention.token_use_days"  # noqa: S105 - a policy key, not a secret
FIND_LIMIT = 50


# --- Finding a person ------------------------------------------------------------------------


def people_find(*, authority: Authority, name: str = "", identifier: str = "") -> list[Person]:
    """People of ``authority`` whose names contain every word of ``name`` and whose CHI or
    NHS number is ``identifier`` (either may be empty, not both), by name; at most
    ``FIND_LIMIT`` (one query)."""
    query = Person.objects.filter(authority=authority)
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    number = normalise_chi(identifier) if identifier.strip() else ""
    if not words and not number:
        return []
    for word in words:
        query = query.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word)
                             | Q(preferred_name__icontains=word))
    if number:
        query = query.filter(Q(chi_number=number) | Q(nhs_number=number))
    return list(query.order_by("family_name", "given_name", "pk")[:FIND_LIMIT])


def subject_access_document(*, person: Person) -> export.Document:
    return export.gather(person)


# --- Retention periods -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str
    value: int
    source: str
    effective_from: datetime.date


def retention_periods(*, authority: Authority, on: datetime.date | None = None) -> list[Period]:
    """The council's three retention figures in force on ``on``, with their sources."""
    on = on or clock.today()
    result = []
    for key in (CASE_YEARS, SIGN_IN_DAYS, TOKEN_USE_DAYS):
        value = policy_value(authority=authority, key=key, on=on)
        entry = next((e for e in policy_history(authority=authority, key=key)
                      if e.effective_from <= on), None)
        result.append(Period(key, value, (entry.source or entry.reason) if entry else "",
                             entry.effective_from if entry else on))
    return result


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


# --- People past retention -------------------------------------------------------------------


def _paths(part: Part, base: str = "") -> Iterable[tuple[Part, str]]:
    """Each part nested in ``part`` with its lookup to the person."""
    path = part.person or (part.parent if base == "pk" else f"{part.parent}__{base}")
    yield part, path
    for child in part.children:
        yield from _paths(child, path)


def _to_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _authority_filter(path: str, authority: Authority) -> dict[str, Any]:
    return {"authority": authority} if path == "pk" else {f"{path}__authority": authority}


def _person_key(path: str) -> str:
    return "pk" if path == "pk" else path


def last_activity(*, authority: Authority) -> tuple[dict[int, datetime.date], set[int]]:
    """For every person of ``authority``: the date of the last change to anything held
    about them (the history of every registered part, and each part's ``activity``
    date), and the people a record keeps open (``open_when``). About two queries a
    registered part, for the whole council."""
    latest: dict[int, datetime.date] = {}
    still_open: set[int] = set()

    def note(person_id: Any, value: Any) -> None:
        if person_id is None or value is None:
            return
        day = _to_date(value)
        if person_id not in latest or day > latest[person_id]:
            latest[person_id] = day

    for person_id, created in Person.objects.filter(authority=authority).values_list(
            "pk", "created_at"):
        note(person_id, created)
    for section in sections():
        for top in section.parts:
            for part, path in _paths(top):
                if not part.anonymise and not part.activity:
                    continue  # someone else's record (or a log) that names the person
                key = _person_key(path)
                where = _authority_filter(path, authority)
                historical = export.history_model(part.model) if part.history else None
                if historical is not None:
                    hist_key = "id" if path == "pk" else path
                    hist_where = ({"id__in": Person.objects.filter(authority=authority)
                                   .values("pk")} if path == "pk" else where)
                    for person_id, when in (historical._default_manager.filter(**hist_where)
                                            .values(hist_key).annotate(at=Max("history_date"))
                                            .values_list(hist_key, "at")):
                        note(person_id, when)
                if part.activity:
                    for person_id, when in (part.model._default_manager.filter(**where)
                                            .values(key).annotate(at=Max(part.activity))
                                            .values_list(key, "at")):
                        note(person_id, when)
                if part.open_when is not None:
                    still_open.update(part.model._default_manager.filter(part.open_when, **where)
                                      .values_list(key, flat=True).distinct())
    return latest, still_open


@dataclass(frozen=True)
class PastRetention:
    person: Person
    last_activity: datetime.date
    kept_until: datetime.date
    reason: str


def _reason(last: datetime.date, years: int, until: datetime.date) -> str:
    return (f"Nothing recorded since {last.day} {last:%B %Y}: the council keeps a record "
            f"{years} years after the last activity, until {until.day} {until:%B %Y}.")


def people_past_retention(*, authority: Authority,
                          on: datetime.date | None = None) -> list[PastRetention]:
    """The people of ``authority`` past retention on ``on`` (today by default), whose
    record is neither anonymised already nor waiting in an approval, by last activity."""
    on = on or clock.today()
    years = policy_value(authority=authority, key=CASE_YEARS, on=on)
    latest, still_open = last_activity(authority=authority)
    handled = set(RetentionAction.objects.filter(
        kind=RetentionAction.Kind.ANONYMISE, person__authority=authority,
        status__in=[RetentionAction.Status.WAITING, RetentionAction.Status.DONE])
        .values_list("person_id", flat=True))
    past = {pid: last for pid, last in latest.items()
            if pid not in still_open and pid not in handled and add_years(last, years) < on}
    people = Person.objects.filter(pk__in=list(past)).order_by("pk")
    rows = []
    for person in people:
        last = past[person.pk]
        until = add_years(last, years)
        rows.append(PastRetention(person, last, until, _reason(last, years, until)))
    return sorted(rows, key=lambda r: (r.last_activity, r.person.pk))


def person_past_retention(*, person: Person, on: datetime.date | None = None) -> PastRetention | None:
    """Whether one person is past retention on ``on`` (for the job, just before it acts)."""
    on = on or clock.today()
    years = policy_value(authority=person.authority, key=CASE_YEARS, on=on)
    latest, still_open = last_activity(authority=person.authority)
    last = latest.get(person.pk)
    if last is None or person.pk in still_open or add_years(last, years) >= on:
        return None
    until = add_years(last, years)
    return PastRetention(person, last, until, _reason(last, years, until))


# --- Log rows past retention -----------------------------------------------------------------


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def account_authorities() -> dict[int, set[int]]:
    """user id -> the councils the account belongs to: a staff role there (held now or
    before), their own person record there, or a relationship with a person there (three
    queries)."""
    result: dict[int, set[int]] = defaultdict(set)
    for user_id, authority_id in StaffRole.objects.values_list("user_id", "authority_id"):
        result[user_id].add(authority_id)
    for user_id, authority_id in Person.objects.filter(user__isnull=False).values_list(
            "user_id", "authority_id"):
        result[user_id].add(authority_id)
    for user_id, authority_id in Relationship.objects.filter(user__isnull=False).values_list(
            "user_id", "person__authority_id"):
        result[user_id].add(authority_id)
    return result


@dataclass
class LogCutoffs:
    """For one kind of log row: who belongs where, and the time before which a row is
    past retention for each account (the longest period of its councils applies)."""

    key: str
    by_account: dict[int, datetime.datetime] = field(default_factory=dict)
    unlinked: datetime.datetime | None = None  # rows naming no council's account

    def groups(self) -> dict[datetime.datetime, list[int]]:
        grouped: dict[datetime.datetime, list[int]] = defaultdict(list)
        for user_id, cutoff in self.by_account.items():
            grouped[cutoff].append(user_id)
        return grouped


def log_cutoffs(*, key: str, on: datetime.date | None = None) -> LogCutoffs:
    """The cutoff for every account with a council, and for rows naming none: the
    longest period of any council (one query for the figures of each council)."""
    on = on or clock.today()
    days = {a.pk: policy_value(authority=a, key=key, on=on) for a in Authority.objects.all()}
    cutoffs = LogCutoffs(key)
    for user_id, authority_ids in account_authorities().items():
        longest = max(days[a] for a in authority_ids)
        cutoffs.by_account[user_id] = start_of(on - datetime.timedelta(days=longest))
    if days:
        cutoffs.unlinked = start_of(on - datetime.timedelta(days=max(days.values())))
    return cutoffs


def _log_query(model: Any, account_field: str, cutoffs: LogCutoffs,
               accounts: set[int] | None, unlinked: bool) -> QuerySet[Any]:
    """Rows of ``model`` past retention: for the accounts in ``accounts`` (all when None),
    and, when ``unlinked``, the rows naming no council's account."""
    condition = Q(pk__in=[])
    for cutoff, users in cutoffs.groups().items():
        mine = [u for u in users if accounts is None or u in accounts]
        if mine:
            condition |= Q(**{f"{account_field}__in": mine, "at__lt": cutoff})
    if unlinked and cutoffs.unlinked is not None:
        known = list(cutoffs.by_account)
        condition |= (Q(**{f"{account_field}__isnull": True})
                      | ~Q(**{f"{account_field}__in": known})) & Q(at__lt=cutoffs.unlinked)
    return model._default_manager.filter(condition)


def sign_in_events_past(*, on: datetime.date | None = None, accounts: set[int] | None = None,
                        unlinked: bool = True) -> QuerySet[SignInEvent]:
    return _log_query(SignInEvent, "account", log_cutoffs(key=SIGN_IN_DAYS, on=on), accounts,
                      unlinked)


def token_uses_past(*, on: datetime.date | None = None, accounts: set[int] | None = None,
                    unlinked: bool = True) -> QuerySet[ApiTokenUse]:
    return _log_query(ApiTokenUse, "token__user", log_cutoffs(key=TOKEN_USE_DAYS, on=on),
                      accounts, unlinked)


def accounts_of(authority: Authority) -> set[int]:
    return {u for u, found in account_authorities().items() if authority.pk in found}


@dataclass(frozen=True)
class LogsPast:
    sign_in_events: int
    token_uses: int
    oldest_sign_in_event: datetime.datetime | None
    oldest_token_use: datetime.datetime | None


def log_rows_past_retention(*, authority: Authority,
                            on: datetime.date | None = None) -> LogsPast:
    """How many sign-in events and API token uses past retention belong to the council's
    accounts, or to none (those go with any council's approval: nobody else can)."""
    on = on or clock.today()
    mine = accounts_of(authority)
    events = sign_in_events_past(on=on, accounts=mine)
    uses = token_uses_past(on=on, accounts=mine)
    return LogsPast(events.count(), uses.count(),
                    events.order_by("at").values_list("at", flat=True).first(),
                    uses.order_by("at").values_list("at", flat=True).first())


# --- Approvals -------------------------------------------------------------------------------


def approvals(*, authority: Authority, limit: int = 20) -> list[RetentionApproval]:
    return list(RetentionApproval.objects.filter(authority=authority)
                .select_related("approved_by").order_by("-approved_at", "-pk")[:limit])


def approvals_waiting(*, authority: Authority | None = None) -> QuerySet[RetentionApproval]:
    query = RetentionApproval.objects.filter(status=RetentionApproval.Status.APPROVED)
    if authority is not None:
        query = query.filter(authority=authority)
    return query.select_related("authority", "approved_by").order_by("approved_at", "pk")
