"""Sign-in accounts: staff, supported people, carers, representatives and advocates.

What an account may do comes from elsewhere: a staff role in an authority
(``authorities.StaffRole``), being the person (``people.Person.user``), or a relationship
the person granted (``people.Relationship.user``).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import rules
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


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


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @staticmethod
    def digest_for(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def new_raw_token() -> str:
        return "sd_" + secrets.token_urlsafe(32)
