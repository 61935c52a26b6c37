"""Sign-in accounts: staff, supported people, carers, representatives and advocates.

What an account may do comes from elsewhere: a staff role in an authority
(``authorities.StaffRole``), being the person (``people.Person.user``), or a relationship
the person granted (``people.Relationship.user``).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

import rules
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    preferred_name = models.CharField("preferred name", max_length=100, blank=True)

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """For every permission selfdirect defines with ``rules``, the rule alone decides.

        Django would otherwise answer True for any active superuser, and for a model
        permission of the same name granted through a group (``people.view_person`` is
        also Django's own model permission). Nobody reaches a person's record except by
        the rules: a superuser gets the Django admin, not people's records.
        """
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    def get_full_name(self) -> str:
        return self.preferred_name or super().get_full_name() or self.username


TOKEN_LIFETIMES_DAYS = (30, 90, 365)
DEFAULT_TOKEN_LIFETIME_DAYS = 90


def _default_expiry() -> Any:
    return timezone.now() + datetime.timedelta(days=DEFAULT_TOKEN_LIFETIME_DAYS)


class ApiToken(models.Model):
    """A bearer token for the API, for a program acting as its owner.

    Only a SHA-256 digest is stored; the token is shown once, when it is made. A token is
    scoped (read only, or read and write), expires, and can be revoked by its owner from
    the "API tokens" page; every use is recorded (``ApiTokenUse``). A request with a
    token is not checked for CSRF: the token is sent deliberately by the client, never
    added by a browser as a cookie is (``selfdirect.api.auth``)."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read_write", "Read and write"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for.")
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_default_expiry)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Active"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE

    @staticmethod
    def digest_for(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def new_raw_token() -> str:
        return "sd_" + secrets.token_urlsafe(32)


class ApiTokenUse(models.Model):
    """One call made with a token: when, what, from where, and the answer's status."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    refused = models.BooleanField(default=False,
                                  help_text="Refused because the token may only read.")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} with {self.token_id}"


class SignInEvent(models.Model):
    """A lockout of a username at an address, its end by an administrator or a password
    reset, or an administrator's refused attempt to unlock one; an authenticator app set
    up, reset by an administrator, or a refused reset; an app replaced, or new recovery
    codes made, by the account's owner; password reset emails held back because too many
    were asked for (docs/security.md).

    django-axes counts the failures (``axes.AccessAttempt``, deleted when a lockout ends)
    and keeps every failure (``axes.AccessFailureLog``); this is the lasting record of who
    was locked out, who unlocked whom, and when. Rows are only ever added; the history
    records any later change to one, and by whom."""

    class Kind(models.TextChoices):
        LOCKED_OUT = "locked_out", "Locked out"
        UNLOCKED = "unlocked", "Unlocked by an administrator"
        UNLOCKED_BY_RESET = "password_reset", "Unlocked by a password reset"
        UNLOCK_REFUSED = "unlock_refused", "Unlock refused"
        SECOND_FACTOR_ADDED = "second_factor_added", "Authenticator app set up"
        SECOND_FACTOR_RESET = "second_factor_reset", "Authenticator app reset by an administrator"
        SECOND_FACTOR_RESET_REFUSED = "second_factor_reset_refused", "Authenticator app reset refused"
        SECOND_FACTOR_REPLACED = "second_factor_replaced", "Authenticator app replaced by its owner"
        RECOVERY_CODES_RENEWED = "recovery_codes_renewed", "New recovery codes made by their owner"
        RESET_LIMIT_EMAIL = "reset_limit_email", ("Password reset emails held back: too many "
                                                  "asked for one email address")
        RESET_LIMIT_IP = "reset_limit_ip", ("Password reset emails held back: too many asked "
                                            "for from one IP address")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # What was typed at sign-in (or, for reset emails held back, the email address typed),
    # kept as text: it may name no account, and the record outlives any account it names.
    username = models.CharField(max_length=255, db_index=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+",
                                help_text="The account the username names, if any.")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+",
                              help_text="The administrator who unlocked or reset, or tried "
                                        "to; for an app set up or replaced, or new recovery "
                                        "codes, the account itself.")
    # Failed sign-ins, for a lockout; reset emails asked for in the window, for those held
    # back.
    failures = models.PositiveIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username} at {self.at:%Y-%m-%d %H:%M}"
