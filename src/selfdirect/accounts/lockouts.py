"""Sign-in lockouts: who is locked out now, unlocking, and the record of both.

django-axes does the counting (docs/security.md, "Signing in"): every failed sign-in,
through our sign-in page or the Django admin's, is an ``axes.AccessAttempt`` row per
username, address and browser, and a username is locked out at an address once its
failures there within the cool-off reach ``AXES_FAILURE_LIMIT``
(``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]``). This module reads those
rows as lockouts, ends one (``axes.utils.reset``), and keeps the lasting record
(``SignInEvent``): each lockout, each unlock with who did it, and each refused unlock.

An administrator sees and unlocks the lockouts of the accounts of the authorities where
they hold the administrator role (``accounts_of_authorities``): staff with a role there,
the people whose record is there, those who support them, and provider staff on its
framework. A username that names no such account is nobody's to unlock: its lockout ends
with the cool-off.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from selfdirect.accounts.models import SignInEvent, User
from selfdirect.authorities.models import Role
from selfdirect.authorities.selectors import user_roles

UNLOCK_PERMISSION = "accounts.unlock_sign_in"


def failure_limit() -> int:
    return int(settings.AXES_FAILURE_LIMIT)


def cool_off() -> datetime.timedelta:
    value = settings.AXES_COOLOFF_TIME
    assert isinstance(value, datetime.timedelta)
    return value


@dataclass(frozen=True)
class Lockout:
    """A username locked out at one address: ``attempt_id`` names it in URLs (the
    oldest of its ``AccessAttempt`` rows, one per browser)."""

    attempt_id: int
    username: str
    ip_address: str | None
    failures: int
    last_failure_at: datetime.datetime
    ends_at: datetime.datetime
    account: User | None = None


def _ends_at(rows: list[tuple[datetime.datetime, int]], limit: int,
             window: datetime.timedelta) -> datetime.datetime | None:
    """When a lockout made of ``rows`` (last failure time, failures) ends, or None if
    they do not lock. Rows drop out of the count ``window`` after their last failure,
    oldest first; the lock ends when the newer rows alone no longer reach ``limit``."""
    total = 0
    for at, failures in sorted(rows, key=lambda row: row[0], reverse=True):
        total += failures
        if total >= limit:
            return at + window
    return None


def _lockouts_from(attempts: Iterable[AccessAttempt], now: datetime.datetime) -> list[Lockout]:
    groups: dict[tuple[str, str | None], list[AccessAttempt]] = {}
    for attempt in attempts:
        groups.setdefault((attempt.username or "", attempt.ip_address), []).append(attempt)
    limit, window = failure_limit(), cool_off()
    found = []
    for (username, ip_address), rows in groups.items():
        ends_at = _ends_at([(r.attempt_time, r.failures_since_start) for r in rows], limit,
                           window)
        if ends_at is None or ends_at <= now:
            continue
        found.append(Lockout(
            attempt_id=min(r.pk for r in rows), username=username, ip_address=ip_address,
            failures=sum(r.failures_since_start for r in rows),
            last_failure_at=max(r.attempt_time for r in rows), ends_at=ends_at))
    return sorted(found, key=lambda lockout: (lockout.username, lockout.ip_address or ""))


def _recent_attempts(now: datetime.datetime) -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(attempt_time__gte=now - cool_off())


def lockout_ends_at(*, username: str | None, ip_address: str | None) -> datetime.datetime | None:
    """When the lockout of ``username`` at ``ip_address`` ends (None if it is not locked)."""
    now = timezone.now()
    attempts = _recent_attempts(now).filter(username=username, ip_address=ip_address)
    lockouts = _lockouts_from(attempts, now)
    return lockouts[0].ends_at if lockouts else None


# --- Whose lockouts an administrator sees ------------------------------------------------


def accounts_of_authorities(authority_ids: Iterable[int]) -> QuerySet[User]:
    """The accounts that belong to these authorities: staff with an active role there,
    the people whose record is there and those who hold a relationship with them, and
    the staff of providers on the authority's framework list."""
    ids = list(authority_ids)
    return User.objects.filter(
        Q(staff_roles__authority_id__in=ids, staff_roles__active=True)
        | Q(person_record__authority_id__in=ids)
        | Q(relationships__person__authority_id__in=ids)
        | Q(provider_memberships__active=True,
            provider_memberships__provider__frameworks__authority_id__in=ids)
    ).distinct()


def administered_authority_ids(user: Any) -> list[int]:
    return user_roles(user).authorities_with(Role.ADMINISTRATOR)


def may_unlock(user: Any, account: User | None) -> bool:
    """The rule behind ``accounts.unlock_sign_in``: an administrator of an authority the
    account belongs to (for no account: an administrator anywhere)."""
    authority_ids = administered_authority_ids(user)
    if not authority_ids:
        return False
    if account is None:
        return True
    return accounts_of_authorities(authority_ids).filter(pk=account.pk).exists()


def current_lockouts(*, actor: User) -> list[Lockout]:
    """The lockouts in force of the accounts ``actor`` administers (three queries: the
    roles, the attempts of those accounts, the accounts locked out)."""
    now = timezone.now()
    accounts = accounts_of_authorities(administered_authority_ids(actor))
    lockouts = _lockouts_from(
        _recent_attempts(now).filter(username__in=accounts.values("username")), now)
    if not lockouts:
        return []
    named = {user.username: user for user in accounts.filter(
        username__in={lockout.username for lockout in lockouts})}
    return [_with_account(lockout, named[lockout.username]) for lockout in lockouts
            if lockout.username in named]


def _with_account(lockout: Lockout, account: User | None) -> Lockout:
    return dataclasses.replace(lockout, account=account)


def _lockout_of_attempt(attempt_id: int) -> Lockout | None:
    attempt = AccessAttempt.objects.filter(pk=attempt_id).first()
    if attempt is None:
        return None
    now = timezone.now()
    lockouts = _lockouts_from(_recent_attempts(now).filter(
        username=attempt.username, ip_address=attempt.ip_address), now)
    if not lockouts:
        return None
    return _with_account(lockouts[0], User.objects.filter(username=attempt.username).first())


def _record_refusal(*, actor: User, lockout: Lockout) -> None:
    SignInEvent.objects.create(kind=SignInEvent.Kind.UNLOCK_REFUSED, username=lockout.username,
                               ip_address=lockout.ip_address, account=lockout.account,
                               actor=actor, failures=lockout.failures)


def lockout_get(*, actor: User, attempt_id: int) -> Lockout | None:
    """The lockout ``attempt_id`` names, if it is in force and ``actor`` may unlock it.
    A lockout ``actor`` may not unlock is not disclosed (None, as for none at all), and
    the refusal is recorded."""
    lockout = _lockout_of_attempt(attempt_id)
    if lockout is None:
        return None
    if lockout.account is None or not actor.has_perm(UNLOCK_PERMISSION, lockout.account):
        _record_refusal(actor=actor, lockout=lockout)
        return None
    return lockout


def recent_events(*, actor: User, limit: int = 20) -> QuerySet[SignInEvent]:
    """The latest lockouts and unlocks of the accounts ``actor`` administers."""
    accounts = accounts_of_authorities(administered_authority_ids(actor))
    return (SignInEvent.objects.filter(account__in=accounts.values("pk"))
            .exclude(kind=SignInEvent.Kind.UNLOCK_REFUSED)
            .select_related("account", "actor")[:limit])


# --- Changes -----------------------------------------------------------------------------


def sign_in_unlock(*, actor: User, lockout: Lockout) -> SignInEvent:
    """End ``lockout`` now, recording who unlocked whom and when. Refused, and the
    refusal recorded, unless ``actor`` administers the account."""
    if lockout.account is None or not actor.has_perm(UNLOCK_PERMISSION, lockout.account):
        _record_refusal(actor=actor, lockout=lockout)
        raise PermissionDenied(f"Not allowed: {UNLOCK_PERMISSION}")
    with transaction.atomic():
        reset(ip=lockout.ip_address, username=lockout.username)
        return SignInEvent.objects.create(
            kind=SignInEvent.Kind.UNLOCKED, username=lockout.username,
            ip_address=lockout.ip_address, account=lockout.account, actor=actor,
            failures=lockout.failures)


@transaction.atomic
def sign_in_unlock_after_password_reset(*, user: User) -> list[SignInEvent]:
    """A new password set through the emailed link ends the account's lockouts at every
    address: whoever set it holds the account's mailbox. Each one ended is recorded."""
    now = timezone.now()
    lockouts = _lockouts_from(_recent_attempts(now).filter(username=user.username), now)
    reset(username=user.username)
    return [SignInEvent.objects.create(
        kind=SignInEvent.Kind.UNLOCKED_BY_RESET, username=lockout.username,
        ip_address=lockout.ip_address, account=user, failures=lockout.failures)
        for lockout in lockouts]


@receiver(user_locked_out, dispatch_uid="selfdirect.accounts.record_lockout")
def record_lockout(sender: Any, request: HttpRequest | None = None, username: str | None = None,
                   ip_address: str | None = None, **kwargs: Any) -> None:
    """Record a lockout as it begins. axes sends ``user_locked_out`` again for every
    attempt refused while locked out; only the attempt that reached the limit carries
    the count of failures."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return
    name = (username or "")[:255]
    SignInEvent.objects.create(
        kind=SignInEvent.Kind.LOCKED_OUT, username=name, ip_address=ip_address,
        account=User.objects.filter(username=name).first(), failures=failures)
