"""Referrals, assessments and what they are built from: conversations, contributions,
risks, and the eligibility decision.

An assessment is a lifecycle with named states (``Assessment.State``); each transition
is one service in ``assessments.services`` that checks its guard and leaves history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from selfdirect.people.models import Consent, Person

TEXT_MAX = 5000


class Referral(models.Model):
    """First contact: who asked, why, how urgent. Its date starts the waiting clock."""

    class Source(models.TextChoices):
        SELF = "self", "The person themself"
        FAMILY = "family", "Family, friend or carer"
        GP_HEALTH = "gp_health", "GP or health professional"
        HOSPITAL = "hospital_discharge", "Hospital discharge"
        OTHER = "other", "Someone else"

    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine"
        URGENT = "urgent", "Urgent: within days"
        IMMEDIATE = "immediate", "Immediate: today"

    class State(models.TextChoices):
        OPEN = "open", "Waiting for assessment"
        ASSESSING = "assessing", "Assessment started"
        CLOSED = "closed", "Closed"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    source = models.CharField("who made the referral", max_length=20, choices=Source.choices)
    referrer_name = models.CharField("referrer's name", max_length=200, blank=True)
    referrer_contact = models.CharField("referrer's phone or email", max_length=200, blank=True)
    reason = models.TextField("what help is needed", max_length=TEXT_MAX)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    received_on = models.DateField("date received")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    closed_reason = models.TextField(blank=True, max_length=TEXT_MAX)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Referral of {self.person} on {self.received_on}"


class Assessment(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed by the worker"
        APPROVED = "approved", "Signed off by the team manager"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assessments")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="assessments")
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    started_on = models.DateField()
    areas_discussed = models.TextField("areas of life discussed", blank=True, max_length=TEXT_MAX)
    strengths = models.TextField("strengths", blank=True, max_length=TEXT_MAX)
    networks = models.TextField("people and networks who help", blank=True, max_length=TEXT_MAX)
    person_view = models.TextField("the person's own view of the assessment", blank=True,
                                   max_length=TEXT_MAX)
    from_self_assessment = models.BooleanField(default=False, editable=False)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    approved_on = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    service_started_on = models.DateField(
        null=True, blank=True,
        help_text="When the first support began: stops the waiting clock.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["state", "completed_on"])]

    def __str__(self) -> str:
        return f"Assessment of {self.person} started {self.started_on}"


class SelfAssessment(models.Model):
    """What matters to the person, in their words, started from their own pages. It
    becomes the starting point of the worker's assessment; nothing is retyped."""

    class State(models.TextChoices):
        DRAFT = "draft", "Being written"
        SHARED = "shared", "Shared with the worker"
        USED = "used", "Taken into an assessment"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="self_assessments")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    what_matters = models.TextField("what matters to you", blank=True, max_length=TEXT_MAX)
    what_works = models.TextField("what is working well", blank=True, max_length=TEXT_MAX)
    what_is_hard = models.TextField("what is hard at the moment", blank=True, max_length=TEXT_MAX)
    who_helps = models.TextField("who helps you now", blank=True, max_length=TEXT_MAX)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="self_assessments")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Self-assessment by {self.person}"


class Conversation(models.Model):
    """One conversation of an assessment: booked, then held (or cancelled)."""

    class Mode(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video"
        OTHER = "other", "Another way"

    class State(models.TextChoices):
        BOOKED = "booked", "Booked"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="conversations")
    when = models.DateTimeField()
    mode = models.CharField(max_length=15, choices=Mode.choices)
    location = models.CharField("where", max_length=200, blank=True)
    participants = models.TextField("who took part", blank=True, max_length=1000)
    adjustments = models.TextField("adjustments provided", blank=True, max_length=1000,
                                   help_text="For example: BSL interpreter booked, easy-read agenda")
    needs_acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                              null=True, blank=True, related_name="+")
    needs_acknowledged_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=TEXT_MAX)
    state = models.CharField(max_length=10, choices=State.choices, default=State.BOOKED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["when", "id"]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} conversation on {self.when:%d %b %Y}"


class Contribution(models.Model):
    """What a family member or professional said, in its own record, with the person's
    consent. Hidden from everyone but its recorder once that consent is withdrawn."""

    class ContributorRole(models.TextChoices):
        FAMILY = "family", "Family member"
        FRIEND = "friend", "Friend or neighbour"
        GP = "gp", "GP"
        PSYCHIATRIST = "psychiatrist", "Psychiatrist"
        OT = "ot", "Occupational therapist"
        NURSE = "nurse", "Nurse"
        OTHER_PROFESSIONAL = "other_professional", "Other professional"

    PROFESSIONAL_ROLES = frozenset({"gp", "psychiatrist", "ot", "nurse", "other_professional"})

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="contributions")
    contributor_name = models.CharField("contributor's name", max_length=200)
    contributor_role = models.CharField("contributor's role", max_length=20,
                                        choices=ContributorRole.choices)
    content = models.TextField("what they said", max_length=TEXT_MAX)
    worker_only = models.BooleanField(
        "seen only by the worker", default=False,
        help_text="The contributor asked that only the worker sees this")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Contribution from {self.contributor_name}"


class Risk(models.Model):
    """A risk-enablement record: the risk, what the person wants, how it is shared."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="risks")
    risk = models.TextField("the risk", max_length=2000)
    what_person_wants = models.TextField("what the person wants", max_length=2000)
    how_shared = models.TextField("how the risk is shared", blank=True, max_length=2000)
    who_does_what = models.TextField("who does what", blank=True, max_length=2000)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.risk[:60]


class Band(models.TextChoices):
    """The national eligibility framework's risk bands, most serious first."""

    CRITICAL = "critical", "Critical"
    SUBSTANTIAL = "substantial", "Substantial"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"


BAND_ORDER = {Band.CRITICAL: 0, Band.SUBSTANTIAL: 1, Band.MODERATE: 2, Band.LOW: 3}


class NeedArea(models.TextChoices):
    PERSONAL_CARE = "personal_care", "Personal care"
    NUTRITION = "nutrition", "Eating, drinking and meals"
    HOME = "home", "Home and safety"
    HEALTH = "health", "Health and medication"
    RELATIONSHIPS = "relationships", "Relationships and social contact"
    ACTIVITIES = "activities", "Work, learning and activities"
    MENTAL_WELLBEING = "mental_wellbeing", "Mental wellbeing"
    CARING = "caring", "Caring for others"
    OTHER = "other", "Other"


class EligibilityDecision(models.Model):
    """The written decision: bands per area with reasons, the threshold in force that day,
    what happens next, and, below the threshold, the community support signposted and
    how to challenge the decision."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT,
                                   related_name="eligibility_decisions")
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    overall_band = models.CharField(max_length=15, choices=Band.choices)
    threshold_band = models.CharField("the authority's threshold that day", max_length=15,
                                      choices=Band.choices)
    eligible = models.BooleanField()
    reasons = models.TextField(max_length=TEXT_MAX)
    next_steps = models.TextField("what happens next", max_length=TEXT_MAX)
    signposting = models.TextField("community support suggested", blank=True, max_length=TEXT_MAX)
    challenge_route = models.TextField("how to challenge this decision", max_length=TEXT_MAX)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        verdict = "eligible" if self.eligible else "not eligible"
        return f"{self.get_overall_band_display()}: {verdict} ({self.decided_on})"


class EligibilityArea(models.Model):
    decision = models.ForeignKey(EligibilityDecision, on_delete=models.CASCADE,
                                 related_name="areas")
    area = models.CharField(max_length=20, choices=NeedArea.choices)
    band = models.CharField(max_length=15, choices=Band.choices)
    reason = models.TextField(max_length=2000)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["decision", "area"],
                                               name="eligibility_area_once")]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.get_band_display()}"


class AssessmentComment(models.Model):
    """The person's own comments on their assessment, added from their pages."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    text = models.TextField(max_length=TEXT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.assessment} by {self.author}"


class SelfReferral(models.Model):
    """A referral made on the public page, by the person or by someone who cares for them.

    It waits in the authority's inbox until a team manager finds the person's record (or
    creates one) and records it as a ``Referral``: nobody outside the council can search
    its records."""

    class ForWhom(models.TextChoices):
        ME = "me", "Myself"
        SOMEONE_I_CARE_FOR = "cared_for", "Someone I care for"

    class State(models.TextChoices):
        NEW = "new", "New"
        RECORDED = "recorded", "Recorded as a referral"

    authority = models.ForeignKey("authorities.Authority", on_delete=models.PROTECT,
                                  related_name="self_referrals")
    for_whom = models.CharField(max_length=10, choices=ForWhom.choices)
    name = models.CharField("name of the person who needs support", max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    contact = models.CharField("phone number or email", max_length=200)
    how_to_contact = models.CharField(max_length=200, blank=True)
    referrer_name = models.CharField("your name", max_length=200, blank=True)
    what_help = models.TextField("what help is needed", max_length=TEXT_MAX)
    communication_needs = models.TextField(blank=True, max_length=1000)
    wants_advocate = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="self_referral")
    history = HistoricalRecords()

    class Meta:
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"Self-referral {self.reference} to {self.authority}"

    @property
    def reference(self) -> str:
        """The number the person is given, to quote when they call."""
        return f"SR{self.pk:06d}"
