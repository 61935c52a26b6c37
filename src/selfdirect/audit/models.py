"""Who opened which person's record, and who was refused."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AccessLog(models.Model):
    class Outcome(models.TextChoices):
        VIEWED = "viewed", "Viewed"
        CHANGED = "changed", "Changed"
        DENIED = "denied", "Refused"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             null=True, related_name="+")
    # The person's id, not a foreign key: a refusal may name a record in another authority
    # (or none at all), and the log must outlive any record it mentions.
    person_id = models.BigIntegerField(db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    channel = models.CharField(max_length=10, default="page")
    path = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.outcome} person {self.person_id} at {self.at:%Y-%m-%d %H:%M}"
