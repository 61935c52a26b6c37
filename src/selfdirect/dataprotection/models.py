"""Approvals under the retention policy, and what was done under each.

A data protection officer approves, for their council, the list of what is past its
retention period on a day: people whose records are to be anonymised, and sign-in events
and API token uses to be deleted. Each item is a ``RetentionAction``, waiting until the
retention job carries it out (``manage.py retention``), then done, or skipped with the
reason (something was recorded about the person since the approval). Neither is ever
deleted: they are the lasting record of who approved what, and when it was done.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from selfdirect.authorities.models import Authority
from selfdirect.people.models import Person


class RetentionApproval(models.Model):
    """One approval by a data protection officer of their council's list on a day."""

    class Status(models.TextChoices):
        APPROVED = "approved", "Approved, waiting to be carried out"
        DONE = "done", "Carried out"

    class Channel(models.TextChoices):
        PAGE = "page", "On the retention page"
        COMMAND = "command", "With the retention command"

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT,
                                  related_name="retention_approvals")
    listed_on = models.DateField("the day whose list was approved")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PAGE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPROVED)
    people = models.PositiveIntegerField("people listed", default=0)
    sign_in_events = models.PositiveIntegerField("sign-in events listed", default=0)
    token_uses = models.PositiveIntegerField("API token uses listed", default=0)
    carried_out_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField("what was done", blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-approved_at", "-pk"]

    def __str__(self) -> str:
        return f"Retention approved for {self.authority} on {self.listed_on}"


class RetentionAction(models.Model):
    """One thing approved: a person's record anonymised, or log rows older than a time
    deleted."""

    class Kind(models.TextChoices):
        ANONYMISE = "anonymise", "Record anonymised"
        SIGN_IN_EVENTS = "sign_in_events", "Sign-in events deleted"
        TOKEN_USES = "token_uses", "API token uses deleted"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting to be carried out"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Not done"

    approval = models.ForeignKey(RetentionApproval, on_delete=models.PROTECT,
                                 related_name="actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="retention_actions")
    last_activity = models.DateField("last activity", null=True, blank=True)
    reason = models.CharField("why it is past retention", max_length=300)
    before = models.DateTimeField("rows older than", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    rows = models.PositiveIntegerField("rows changed or deleted", default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField("why it was not done", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["approval", "pk"]
        constraints = [
            models.CheckConstraint(
                name="retention_action_person_only_to_anonymise",
                condition=(Q(kind="anonymise", person__isnull=False)
                           | (~Q(kind="anonymise") & Q(person__isnull=True)))),
            # A person's record is anonymised once.
            models.UniqueConstraint(fields=["person"],
                                    condition=Q(kind="anonymise", status="done"),
                                    name="retention_anonymised_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"
