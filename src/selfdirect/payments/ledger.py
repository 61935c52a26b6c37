"""The double-entry ledger: the only code that writes ``Entry`` and ``Line`` rows.

An entry's lines add up to nothing; this module refuses to save one that does not, and
``ledger_problems`` checks every saved entry in one query (the test suite runs it after
every test that touches the database). Entries are never changed: ``entry_reverse``
posts the opposite lines. Balances are read with a fixed number of queries.

Sign: a debit is a positive amount, a credit a negative one. So the balance of a
person's ``budget`` account is what has been spent from it (positive), a ``stream``'s is
minus what has been drawn from it, and the ``bank``'s is minus what has gone out.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum

from selfdirect.authorities.models import Authority
from selfdirect.payments.models import Account, AccountKind, Entry, EntryKind, Line

BATCH = 2000


class Unbalanced(ValueError):
    """An entry whose lines do not add up to nothing."""


@dataclass(frozen=True)
class AccountKey:
    """What identifies an account: its authority, kind and whose it is."""

    authority_id: int
    kind: str
    person_id: int | None = None
    provider_id: int | None = None
    funding_stream: str = ""


def budget_key(authority_id: int, person_id: int) -> AccountKey:
    return AccountKey(authority_id, AccountKind.BUDGET, person_id=person_id)


def direct_payment_key(authority_id: int, person_id: int) -> AccountKey:
    return AccountKey(authority_id, AccountKind.DIRECT_PAYMENT, person_id=person_id)


def provider_key(authority_id: int, provider_id: int) -> AccountKey:
    return AccountKey(authority_id, AccountKind.PROVIDER, provider_id=provider_id)


def stream_key(authority_id: int, funding_stream: str) -> AccountKey:
    return AccountKey(authority_id, AccountKind.STREAM, funding_stream=funding_stream)


def bank_key(authority_id: int) -> AccountKey:
    return AccountKey(authority_id, AccountKind.BANK)


def _key(account: Account) -> AccountKey:
    return AccountKey(account.authority_id, account.kind, account.person_id,
                      account.provider_id, account.funding_stream)


def accounts_for(keys: Iterable[AccountKey]) -> dict[AccountKey, Account]:
    """The accounts for ``keys``, creating any that do not exist yet: two queries to find
    them (and one insert and one more read for new ones), however many are asked for."""
    wanted = set(keys)
    found: dict[AccountKey, Account] = {}
    for _attempt in range(2):
        missing = wanted - set(found)
        if not missing:
            break
        people = {k.person_id for k in missing if k.person_id}
        providers = {k.provider_id for k in missing if k.provider_id}
        authorities = {k.authority_id for k in missing}
        query = Q(person_id__in=people) | Q(provider_id__in=providers) | Q(
            person__isnull=True, provider__isnull=True)
        for account in Account.objects.filter(query, authority_id__in=authorities):
            key = _key(account)
            if key in missing:
                found[key] = account
        new = [Account(authority_id=k.authority_id, kind=k.kind, person_id=k.person_id,
                       provider_id=k.provider_id, funding_stream=k.funding_stream)
               for k in wanted - set(found)]
        if new:
            Account.objects.bulk_create(new, ignore_conflicts=True)
    return found


@dataclass(frozen=True)
class Posting:
    """An entry to post: its fields and lines (account key, signed pence)."""

    authority_id: int
    kind: str
    effective_on: datetime.date
    description: str
    lines: Sequence[tuple[AccountKey, int]]
    links: dict[str, Any]  # payment / invoice / recovery / reversal_of

    def check(self) -> None:
        amounts = [amount for _key, amount in self.lines]
        if len(amounts) < 2:
            raise Unbalanced(f"{self.description}: an entry needs at least two lines")
        if any(not isinstance(a, int) or isinstance(a, bool) for a in amounts):
            raise TypeError(f"{self.description}: amounts are whole pence (int)")
        if any(a == 0 for a in amounts):
            raise Unbalanced(f"{self.description}: a line of nothing")
        if sum(amounts) != 0:
            raise Unbalanced(f"{self.description}: the lines add up to {sum(amounts)}p, not 0")


def movement(*, authority_id: int, person_id: int, funding_stream: str, amount: int,
             to: AccountKey) -> list[tuple[AccountKey, int]]:
    """The four lines of money paid out for a person's support: the budget is charged
    and the funding stream drawn, and the money moves from the bank to ``to``. A negative
    amount is the same the other way round (a recovery)."""
    return [(budget_key(authority_id, person_id), amount),
            (stream_key(authority_id, funding_stream), -amount),
            (to, amount),
            (bank_key(authority_id), -amount)]


def post(postings: Sequence[Posting], *, actor: Any) -> list[Entry]:
    """Save ``postings`` as entries with their lines, all or none, in a few bulk inserts.

    Every posting is checked to balance before anything is written."""
    for posting in postings:
        posting.check()
    if not postings:
        return []
    with transaction.atomic():
        accounts = accounts_for(key for p in postings for key, _amount in p.lines)
        entries = Entry.objects.bulk_create(
            [Entry(authority_id=p.authority_id, kind=p.kind, effective_on=p.effective_on,
                   description=p.description[:300], posted_by=actor, **p.links)
             for p in postings], batch_size=BATCH)
        Line.objects.bulk_create(
            [Line(entry=entry, account=accounts[key], amount=amount)
             for entry, posting in zip(entries, postings, strict=True)
             for key, amount in posting.lines], batch_size=BATCH)
    return entries


def entry_reverse(*, actor: Any, entry: Entry, reason: str,
                  on: datetime.date | None = None) -> Entry:
    """Post the opposite of ``entry`` (a correction). An entry is reversed at most once
    (the database refuses a second reversal of the same entry)."""
    if entry.kind == EntryKind.REVERSAL:
        raise Unbalanced("A correction is not reversed: post a new entry instead")
    lines = [(_key(line.account), -line.amount)
             for line in entry.lines.select_related("account").order_by("pk")]
    (reversal,) = post([Posting(
        authority_id=entry.authority_id, kind=EntryKind.REVERSAL,
        effective_on=on or entry.effective_on,
        description=f"Correction of “{entry.description}”: {reason}",
        lines=lines, links={"reversal_of": entry})], actor=actor)
    return reversal


# --- Reads ------------------------------------------------------------------------------


def ledger_problems() -> list[str]:
    """Entries whose lines do not add up to nothing, or that have fewer than two lines:
    one query over the whole ledger. Empty when the ledger balances."""
    bad = (Entry.objects.annotate(total=Sum("lines__amount"), count=Count("lines"))
           .filter(~Q(total=0) | Q(count__lt=2) | Q(total__isnull=True))
           .values_list("pk", "description", "total", "count"))
    return [f"entry {pk} “{description}”: {count} lines adding up to {total}p"
            for pk, description, total, count in bad]


def balance(account: Account, *, on: datetime.date | None = None) -> int:
    """The account's balance at the end of ``on`` (all time if None): one query."""
    lines = Line.objects.filter(account=account)
    if on is not None:
        lines = lines.filter(entry__effective_on__lte=on)
    return int(lines.aggregate(total=Sum("amount"))["total"] or 0)


@dataclass(frozen=True)
class AccountBalance:
    account: Account
    opening: int
    movements: int

    @property
    def closing(self) -> int:
        return self.opening + self.movements


def balances(*, authority: Authority, start: datetime.date, end: datetime.date,
             kinds: Sequence[str] | None = None) -> list[AccountBalance]:
    """Every account of ``authority`` with its balance before ``start`` and its movement
    from ``start`` to ``end``: two queries, whatever the number of accounts."""
    lines = Line.objects.filter(account__authority=authority, entry__effective_on__lte=end)
    if kinds:
        lines = lines.filter(account__kind__in=kinds)
    totals = lines.values("account_id").annotate(
        opening=Sum("amount", filter=Q(entry__effective_on__lt=start)),
        movements=Sum("amount", filter=Q(entry__effective_on__gte=start)))
    by_account = {row["account_id"]: row for row in totals}
    accounts = Account.objects.filter(pk__in=by_account).select_related(
        "person", "provider").order_by("kind", "funding_stream", "pk")
    return [AccountBalance(a, int(by_account[a.pk]["opening"] or 0),
                           int(by_account[a.pk]["movements"] or 0)) for a in accounts]


def person_balances(*, authority_id: int, person_ids: Sequence[int],
                    on: datetime.date | None = None) -> dict[tuple[int, str], int]:
    """(person id, account kind) -> balance for many people in one query."""
    lines = Line.objects.filter(account__authority_id=authority_id,
                                account__person_id__in=person_ids)
    if on is not None:
        lines = lines.filter(entry__effective_on__lte=on)
    return {(row["account__person_id"], row["account__kind"]): int(row["total"])
            for row in lines.values("account__person_id", "account__kind")
            .annotate(total=Sum("amount"))}
