"""Reads of assessments, each a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from selfdirect.assessments.models import (
    Assessment,
    AssessmentComment,
    Band,
    Contribution,
    Conversation,
    EligibilityDecision,
    Referral,
    SelfAssessment,
    SelfReferral,
)
from selfdirect.authorities.models import Role
from selfdirect.authorities.policy import policy_value
from selfdirect.authorities.selectors import user_roles
from selfdirect.core import clock
from selfdirect.core.exceptions import NotFound
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.selectors import person_get, person_visible_queryset


def assessment_get(*, user: Any, assessment_id: int, path: str = "",
                   permission: str = "assessments.view_assessment",
                   channel: str = "page") -> Assessment:
    """One assessment with everything its page shows. The person's record is opened
    through ``person_get``, so the access log and the person rules apply."""
    person_id = (Assessment.objects.filter(pk=assessment_id)
                 .values_list("person_id", flat=True).first())
    if person_id is None:
        raise NotFound("No assessment found.")
    person = person_get(user=user, person_id=person_id, path=path, permission=permission,
                        channel=channel)
    assessment = (
        Assessment.objects.select_related("worker", "completed_by", "approved_by", "referral")
        .prefetch_related(
            Prefetch("conversations", queryset=Conversation.objects.order_by("when", "id")),
            Prefetch("outcomes", queryset=PersonalOutcome.objects.select_related("category")
                     .prefetch_related("national_outcomes")),
            Prefetch("contributions", queryset=Contribution.objects.select_related("recorded_by")),
            "risks",
            Prefetch("eligibility_decisions", queryset=EligibilityDecision.objects
                     .select_related("decided_by").prefetch_related("areas")),
            Prefetch("self_assessments", queryset=SelfAssessment.objects.select_related("written_by")),
            Prefetch("comments", queryset=AssessmentComment.objects.select_related("author")),
        ).get(pk=assessment_id))
    assessment.person = person  # the one loaded with needs, relationships and the log
    return assessment


def contribution_visible(contribution: Contribution, user: Any, assessment: Assessment) -> bool:
    """A hidden contribution (consent withdrawn) is seen only by the worker who recorded
    it; a worker-only one only by that worker and the assessing worker."""
    if contribution.hidden_at is not None:
        return contribution.recorded_by_id == user.pk
    if contribution.worker_only:
        return user.pk in (contribution.recorded_by_id, assessment.worker_id)
    return True


def visible_contributions(*, user: Any, assessment: Assessment) -> list[Contribution]:
    return [c for c in assessment.contributions.all()
            if contribution_visible(c, user, assessment)]


def latest_eligibility(assessment: Assessment) -> EligibilityDecision | None:
    decisions = list(assessment.eligibility_decisions.all())
    return decisions[0] if decisions else None


def person_referrals(*, person: Any) -> QuerySet[Referral]:
    return person.referrals.order_by("-received_on", "-id")


def person_latest_eligibility(*, person: Any) -> EligibilityDecision | None:
    return (EligibilityDecision.objects.filter(assessment__person=person)
            .order_by("-decided_on", "-id").first())


def person_assessments(*, person: Any) -> QuerySet[Assessment]:
    return person.assessments.select_related("worker").order_by("-started_on", "-id")


# --- Waiting list ------------------------------------------------------------------------


class Stage:
    WAITING_ASSESSMENT = "Waiting for assessment"
    ASSESSING = "Being assessed"
    WAITING_SERVICE = "Assessed, waiting for support"


@dataclass(frozen=True)
class WaitingRow:
    person: Any
    stage: str
    since: datetime.date
    days: int
    band: str | None
    target_days: int | None

    @property
    def past_target(self) -> bool:
        return self.target_days is not None and self.days > self.target_days

    @property
    def band_label(self) -> str:
        return Band(self.band).label if self.band else "Not decided"


def waiting_list(*, user: Any, today: datetime.date | None = None,
                 limit: int = 500) -> list[WaitingRow]:
    """Everyone waiting, in the authorities where ``user`` manages or works, longest first.

    Three stages: referral received and no assessment started; assessment in progress;
    assessment completed and no support started. For people in the critical or
    substantial band, the wait from completion to support is held against the
    authority's target (policy figure ``waiting.service_weeks``). A fixed number of
    queries (one per stage, one per authority for the target)."""
    today = today or clock.today()
    people = person_visible_queryset(user=user)
    latest_band = Subquery(EligibilityDecision.objects.filter(assessment=OuterRef("pk"))
                           .order_by("-decided_on", "-id").values("overall_band")[:1])
    rows: list[WaitingRow] = []
    referrals = (Referral.objects.filter(state=Referral.State.OPEN, person__in=people)
                 .exclude(person__assessments__state=Assessment.State.IN_PROGRESS)
                 .select_related("person", "person__allocated_worker", "person__authority")
                 .order_by("received_on")[:limit])
    for ref in referrals:
        rows.append(WaitingRow(ref.person, Stage.WAITING_ASSESSMENT, ref.received_on,
                               (today - ref.received_on).days, None, None))
    assessments = (Assessment.objects.filter(person__in=people)
                   .filter(Q(state=Assessment.State.IN_PROGRESS)
                           | Q(service_started_on__isnull=True, completed_on__isnull=False))
                   .annotate(band=latest_band)
                   .select_related("person", "person__allocated_worker", "person__authority",
                                   "referral")
                   .order_by("started_on")[:limit])
    targets: dict[int, int | None] = {}
    for a in assessments:
        if a.state == Assessment.State.IN_PROGRESS:
            since = a.referral.received_on if a.referral else a.started_on
            rows.append(WaitingRow(a.person, Stage.ASSESSING, since, (today - since).days,
                                   a.band, None))
            continue
        target = None
        if a.band in (Band.CRITICAL, Band.SUBSTANTIAL):
            authority_id = a.person.authority_id
            if authority_id not in targets:
                try:
                    weeks = policy_value(authority=a.person.authority,
                                         key="waiting.service_weeks", on=today)
                except KeyError:  # a policy set with no such target (England's)
                    weeks = None
                targets[authority_id] = None if weeks is None else 7 * weeks
            target = targets[authority_id]
        assert a.completed_on is not None
        rows.append(WaitingRow(a.person, Stage.WAITING_SERVICE, a.completed_on,
                               (today - a.completed_on).days, a.band, target))
    rows.sort(key=lambda r: (not r.past_target, -r.days))
    return rows


def waiting_list_authorities(user: Any) -> list[int]:
    return user_roles(user).authorities_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)


def self_referral_inbox(*, user: Any) -> QuerySet[SelfReferral]:
    """New public referrals to the authorities where ``user`` may record them, oldest first."""
    ids = user_roles(user).authorities_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    return (SelfReferral.objects.filter(authority_id__in=ids, state=SelfReferral.State.NEW)
            .select_related("authority").order_by("submitted_at", "id"))
