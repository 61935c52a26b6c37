"""Who opened which person's record, and who was refused anything.

The log is append-only: a row is never changed or deleted, through the ORM (``save`` of a
saved row, ``delete``, and a queryset's ``update`` and ``delete`` raise
``AppendOnly``), the admin (view only), or, on PostgreSQL, SQL itself (a trigger refuses
UPDATE and DELETE on the table; migration 0002)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AppendOnly(Exception):
    """The access log is never changed or deleted."""


class AccessLogQuerySet(models.QuerySet["AccessLog"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("The access log is never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("The access log is never deleted")


class AccessLog(models.Model):
    class Outcome(models.TextChoices):
        VIEWED = "viewed", "Viewed"
        CHANGED = "changed", "Changed"
        DENIED = "denied", "Refused"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             null=True, related_name="+")
    # The person's id, not a foreign key: a refusal may name a record in another authority
    # (or none at all: a payment run, a referral), and the log must outlive any record it
    # mentions.
    person_id = models.BigIntegerField(db_index=True, null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    channel = models.CharField(max_length=10, default="page")
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a refusal: the answer given (403, or 404 where "
                                         "the record's existence is not disclosed).")
    purpose = models.CharField(
        max_length=100, blank=True, default="",
        help_text="Why the record was opened, when it is more than the page itself: "
                  "“subject access export”.")

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        what = f"person {self.person_id}" if self.person_id is not None else self.path
        return f"{self.user} {self.outcome} {what} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnly("The access log is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("The access log is never deleted")
