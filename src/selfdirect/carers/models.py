"""Unpaid carers under the Carers (Scotland) Act 2016: the link between a carer and the
person they care for, the offer of an adult carer support plan and its answer, and the
plan itself with the carer's eligibility under the authority's local criteria.

The carer is a ``people.Person`` in their own right, recorded in the authority where the
cared-for person lives (the Act's "responsible local authority", s.6(6)). The offer and
the plan belong to the CARER's record: who may see them is decided by the person rules
applied to the carer (``carers.rules``), never by access to the cared-for person.

Each lifecycle has named states and one service per transition (``carers.services``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from selfdirect.people.models import Person, Relationship

TEXT_MAX = 5000


class CarerLink(models.Model):
    """The carer ↔ cared-for connection. Offers and plans come and go; the link stays."""

    carer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="caring_for")
    cared_for = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="carer_links")
    relationship = models.ForeignKey(
        Relationship, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The unpaid-carer relationship on the cared-for person's record, if recorded.")
    relationship_to_cared_for = models.CharField(
        "how they are related", max_length=100, blank=True,
        help_text="For example: daughter, husband, neighbour")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["carer", "cared_for"], name="carer_link_once"),
            models.CheckConstraint(condition=~Q(carer=F("cared_for")),
                                   name="carer_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.carer} cares for {self.cared_for}"


class OfferMethod(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    CARERS_CENTRE = "carers_centre", "Through the local carers' centre"
    OTHER = "other", "Another way"


class CarerSupportPlanOffer(models.Model):
    """The authority identified an adult carer and must offer them a support plan (s.6(2)).

    Lifecycle: identified (not yet offered) → offered (no answer yet) → accepted or
    declined. A declined offer stays as it is; offering again makes a new offer that
    points back to it (``previous_offer``). For a carer of someone terminally ill the
    offer is due within 2 working days of identification and the first conversation
    within 5 working days of acceptance (policy figures ``carers.terminal_*``): the due
    dates are worked out once, when the clock starts, and stored.
    """

    class State(models.TextChoices):
        IDENTIFIED = "identified", "Plan not yet offered"
        OFFERED = "offered", "Offered, no answer yet"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    ANSWERED = (State.ACCEPTED, State.DECLINED)

    carer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="carer_offers")
    cared_for = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    previous_offer = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_offer",
        help_text="The declined offer this one makes again.")
    identified_on = models.DateField("date the carer was identified")
    terminal_illness = models.BooleanField("the person cared for is terminally ill",
                                           default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.IDENTIFIED)
    offered_on = models.DateField("date the plan was offered", null=True, blank=True)
    offered_how = models.CharField("how the plan was offered", max_length=20,
                                   choices=OfferMethod.choices, blank=True)
    answered_on = models.DateField("date of the carer's answer", null=True, blank=True)
    answer_note = models.TextField("what the carer said", blank=True, max_length=2000)
    offer_due_by = models.DateField(null=True, blank=True, editable=False)
    conversation_due_by = models.DateField(null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-identified_on", "-id"]
        indexes = [models.Index(fields=["state", "identified_on"])]
        constraints = [
            # One live offer per carer and person cared for; declined ones are history.
            models.UniqueConstraint(fields=["carer", "cared_for"],
                                    condition=~Q(state="declined"),
                                    name="carer_offer_one_open"),
            models.CheckConstraint(
                condition=Q(state="identified", offered_on__isnull=True)
                | Q(~Q(state="identified"), offered_on__isnull=False),
                name="carer_offer_offered_on_matches_state"),
            models.CheckConstraint(
                condition=Q(state__in=["accepted", "declined"], answered_on__isnull=False)
                | Q(~Q(state__in=["accepted", "declined"]), answered_on__isnull=True),
                name="carer_offer_answered_on_matches_state"),
            models.CheckConstraint(
                condition=Q(offered_on__isnull=True) | Q(offered_on__gte=F("identified_on")),
                name="carer_offer_not_before_identified"),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("offered_on")),
                name="carer_offer_answer_not_before_offer"),
        ]

    def __str__(self) -> str:
        return f"Adult carer support plan offer to {self.carer} ({self.get_state_display()})"

    @property
    def is_reoffer(self) -> bool:
        return self.previous_offer_id is not None


class Level(models.TextChoices):
    """The five levels of impact or risk of local carer eligibility criteria, least first."""

    NONE = "none", "No impact"
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    SUBSTANTIAL = "substantial", "Substantial"
    CRITICAL = "critical", "Critical"


LEVEL_RANK = {Level.NONE: 0, Level.LOW: 1, Level.MODERATE: 2, Level.SUBSTANTIAL: 3,
              Level.CRITICAL: 4}


class CarerArea(models.TextChoices):
    """The areas of a carer's life that local eligibility criteria look at: the indicators
    of the national carer eligibility framework *(check against the authority's published
    criteria)*."""

    HEALTH_WELLBEING = "health_wellbeing", "Health and wellbeing"
    RELATIONSHIPS = "relationships", "Relationships"
    LIVING_ENVIRONMENT = "living_environment", "Living environment"
    EMPLOYMENT_TRAINING = "employment_training", "Employment and training"
    FINANCE = "finance", "Finance"
    LIFE_BALANCE = "life_balance", "Life balance"
    FUTURE_PLANNING = "future_planning", "Future planning"


class ShortBreak(models.TextChoices):
    UNDECIDED = "", "Not decided yet"
    YES = "yes", "Yes"
    NO = "no", "No"


class AdultCarerSupportPlan(models.Model):
    """The plan, prepared once the carer accepts (s.6(3)); its contents follow s.9(1).

    Lifecycle: draft → agreed (with the carer, once every part the Act requires is in
    place). Reviews, and the circumstances in which they happen, come with the reviews
    work; ``review_arrangements`` records what was agreed about them.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Being prepared"
        AGREED = "agreed", "Agreed with the carer"

    offer = models.OneToOneField(CarerSupportPlanOffer, on_delete=models.PROTECT,
                                 related_name="plan")
    carer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="carer_plans")
    cared_for = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    first_conversation_on = models.DateField("date of the first conversation", null=True,
                                             blank=True)
    # s.9(1)(a): the carer's personal circumstances, including (i) and (ii).
    circumstances = models.TextField("the carer's personal circumstances", blank=True,
                                     max_length=TEXT_MAX)
    nature_and_extent = models.TextField("nature and extent of the care provided",
                                         blank=True, max_length=TEXT_MAX)
    impact = models.TextField("impact of caring on the carer's wellbeing and day-to-day life",
                              blank=True, max_length=TEXT_MAX)
    # s.9(1)(b)-(d)
    willingness_and_ability = models.TextField(
        "how far the carer is able and willing to provide care", blank=True,
        max_length=TEXT_MAX)
    emergency_arrangements = models.TextField("arrangements for care in an emergency",
                                              blank=True, max_length=TEXT_MAX)
    future_arrangements = models.TextField("arrangements for future care", blank=True,
                                           max_length=TEXT_MAX)
    # s.9(1)(f)-(j)
    identified_needs = models.TextField("the carer's identified needs for support",
                                        blank=True, max_length=TEXT_MAX)
    local_support = models.TextField("support available to carers in the area", blank=True,
                                     max_length=TEXT_MAX)
    support_where_carer_lives = models.TextField(
        "support where the carer lives, if in another council's area", blank=True,
        max_length=TEXT_MAX)
    support_to_be_provided = models.TextField("support the council provides or will provide",
                                              blank=True, max_length=TEXT_MAX)
    # s.9(1)(k)
    short_break = models.CharField("support to be provided as a break from caring",
                                   max_length=3, choices=ShortBreak.choices, blank=True)
    short_break_details = models.TextField("the break from caring", blank=True,
                                           max_length=TEXT_MAX)
    # s.9(1)(l)
    review_arrangements = models.TextField("when the plan will be reviewed", blank=True,
                                           max_length=TEXT_MAX)
    agreed_on = models.DateField(null=True, blank=True)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(agreed_on__isnull=False),
                name="carer_plan_agreed_has_date"),
            models.CheckConstraint(condition=~Q(carer=F("cared_for")),
                                   name="carer_plan_not_self"),
        ]

    def __str__(self) -> str:
        return f"Adult carer support plan of {self.carer}"


def plan_field_label(name: str) -> str:
    """The label of one of the plan's fields, capitalised, as pages show it."""
    field = AdultCarerSupportPlan._meta.get_field(name)
    assert isinstance(field, models.Field)
    label = str(field.verbose_name)
    return label[0].upper() + label[1:]


class PlanOutcome(models.Model):
    """A personal outcome of the carer (a ``PersonalOutcome`` on the carer's own record,
    with a category from the carers' framework) that belongs to this plan."""

    plan = models.ForeignKey(AdultCarerSupportPlan, on_delete=models.PROTECT,
                             related_name="plan_outcomes")
    outcome = models.OneToOneField("outcomes.PersonalOutcome", on_delete=models.PROTECT,
                                   related_name="carer_plan_link")
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Outcome {self.outcome_id} of plan {self.plan_id}"


DEFAULT_CHALLENGE_ROUTE = (
    "If you disagree with this decision, tell your worker or contact the council's social "
    "work office: you can ask for it to be looked at again. If you are still unhappy, you "
    "can make a complaint, and after that go to the Scottish Public Services Ombudsman. "
    "Your local carers' centre or an independent advocate can help you do this.")


class CarerEligibilityDecision(models.Model):
    """The carer's eligibility under the authority's local criteria: a level per area with
    reasons, the threshold in force on the day, and below it the support suggested."""

    plan = models.ForeignKey(AdultCarerSupportPlan, on_delete=models.PROTECT,
                             related_name="eligibility_decisions")
    decided_on = models.DateField("date of the decision")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    overall_level = models.CharField(max_length=12, choices=Level.choices)
    threshold_level = models.CharField("the authority's threshold that day", max_length=12,
                                       choices=Level.choices)
    eligible = models.BooleanField()
    reasons = models.TextField(max_length=TEXT_MAX)
    signposting = models.TextField("other support suggested", blank=True, max_length=TEXT_MAX)
    challenge_route = models.TextField("how to challenge this decision", max_length=TEXT_MAX)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        verdict = "eligible" if self.eligible else "not eligible"
        return f"{self.get_overall_level_display()}: {verdict} ({self.decided_on})"


class CarerEligibilityArea(models.Model):
    decision = models.ForeignKey(CarerEligibilityDecision, on_delete=models.CASCADE,
                                 related_name="areas")
    area = models.CharField(max_length=20, choices=CarerArea.choices)
    level = models.CharField(max_length=12, choices=Level.choices)
    reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["decision", "area"],
                                               name="carer_eligibility_area_once")]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.get_level_display()}"
