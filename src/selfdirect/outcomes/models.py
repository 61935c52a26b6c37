"""The outcome taxonomy (as data) and personal outcomes in the person's own words."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from selfdirect.assessments.models import Assessment
from selfdirect.people.models import Person


class OutcomeTerm(models.Model):
    """One term of an outcome framework: a Talking Points category, a national outcome,
    a carers' outcome, an ASCOT domain. Loaded from outcomes/data/taxonomy.yaml."""

    class Role(models.TextChoices):
        CATEGORY = "category", "Category a personal outcome belongs to"
        NATIONAL = "national", "National outcome a personal outcome serves"

    framework = models.CharField(max_length=40)
    framework_name = models.CharField(max_length=100)
    role = models.CharField(max_length=10, choices=Role.choices)
    country = models.CharField(max_length=10, help_text="scotland, england or both")
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=40, blank=True)
    group_name = models.CharField(max_length=100, blank=True)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "position"]

    def __str__(self) -> str:
        return self.name


class PersonalOutcome(models.Model):
    """What matters to the person, in their words, specific enough that both sides will
    know whether it is being met."""

    class Priority(models.IntegerChoices):
        HIGH = 1, "High"
        MEDIUM = 2, "Medium"
        LOW = 3, "Low"

    class ProposedBy(models.TextChoices):
        PERSON = "person", "The person"
        CARER = "carer", "Their carer or family"
        WORKER = "worker", "The worker"

    class State(models.TextChoices):
        DRAFT = "draft", "Not yet agreed"
        AGREED = "agreed", "Agreed"
        WITHDRAWN = "withdrawn", "No longer wanted"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="outcomes")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="outcomes")
    in_own_words = models.TextField("in the person's own words", max_length=1000)
    category = models.ForeignKey(OutcomeTerm, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", limit_choices_to={"role": "category"})
    national_outcomes = models.ManyToManyField(OutcomeTerm, blank=True, related_name="+",
                                               limit_choices_to={"role": "national"})
    better_looks_like = models.TextField('what "better" looks like', blank=True, max_length=1000)
    measure = models.TextField("how we will both know", blank=True, max_length=1000,
                               help_text="An indicator or measure both sides can check")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    proposed_by = models.CharField(max_length=10, choices=ProposedBy.choices,
                                   default=ProposedBy.PERSON)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    agreed_on = models.DateField(null=True, blank=True)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.in_own_words[:80]
