"""Reads of carers' records, each a fixed number of queries whatever the data size.

Offers and plans are opened through ``people.selectors.person_get`` on the CARER, so the
access log records who opened the carer's record and the person rules decide.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from selfdirect.core import clock
from selfdirect.core.exceptions import NotFound
from selfdirect.core.working_days import working_days_between
from selfdirect.outcomes.models import OutcomeTerm
from selfdirect.outcomes.selectors import terms_for
from selfdirect.people.models import Person, Relationship, RelationshipKind
from selfdirect.people.selectors import PersonSearch, person_get, person_search

from .models import (
    AdultCarerSupportPlan,
    CarerEligibilityArea,
    CarerEligibilityDecision,
    CarerSupportPlanOffer,
    PlanOutcome,
)

VIEW = "carers.view_carer_plan"


def _carer_record(*, user: Any, carer_id: int | None, path: str, permission: str,
                  channel: str = "page") -> Person:
    """The carer's record, opened for ``permission`` (the access log says opened or refused)."""
    if carer_id is None:
        raise NotFound("No record found.")
    return person_get(user=user, person_id=carer_id, path=path, permission=permission,
                      channel=channel)


def offer_get(*, user: Any, offer_id: int, path: str = "",
              permission: str = VIEW, channel: str = "page") -> CarerSupportPlanOffer:
    """One offer, with the carer's record opened (and logged) for ``user``."""
    carer_id = (CarerSupportPlanOffer.objects.filter(pk=offer_id)
                .values_list("carer_id", flat=True).first())
    carer = _carer_record(user=user, carer_id=carer_id, path=path, permission=permission,
                          channel=channel)
    offer = (CarerSupportPlanOffer.objects
             .select_related("cared_for", "recorded_by", "previous_offer", "next_offer",
                             "plan")
             .get(pk=offer_id))
    offer.carer = carer
    return offer


def plan_get(*, user: Any, plan_id: int, path: str = "",
             permission: str = VIEW, channel: str = "page") -> AdultCarerSupportPlan:
    """One plan with everything its page shows: outcomes and their categories, every
    eligibility decision with its areas (newest first)."""
    carer_id = (AdultCarerSupportPlan.objects.filter(pk=plan_id)
                .values_list("carer_id", flat=True).first())
    carer = _carer_record(user=user, carer_id=carer_id, path=path, permission=permission,
                          channel=channel)
    plan = (
        AdultCarerSupportPlan.objects
        .select_related("offer", "cared_for", "agreed_by", "created_by")
        .prefetch_related(
            Prefetch("plan_outcomes", queryset=PlanOutcome.objects.select_related(
                "outcome", "outcome__category").order_by("outcome__priority", "id")),
            Prefetch("eligibility_decisions", queryset=CarerEligibilityDecision.objects
                     .select_related("decided_by").prefetch_related(
                         Prefetch("areas", queryset=CarerEligibilityArea.objects.order_by("id")))),
        ).get(pk=plan_id))
    plan.carer = carer
    return plan


def plan_outcomes(plan: AdultCarerSupportPlan) -> list[Any]:
    """The plan's outcomes, from the prefetch."""
    return [link.outcome for link in plan.plan_outcomes.all()]


def latest_eligibility(plan: AdultCarerSupportPlan) -> CarerEligibilityDecision | None:
    decisions = list(plan.eligibility_decisions.all())
    return decisions[0] if decisions else None


def carer_categories(*, person: Person) -> list[OutcomeTerm]:
    """The carers' outcome categories a carer in ``person``'s authority can use."""
    return list(terms_for(country=person.authority.country, role=OutcomeTerm.Role.CATEGORY,
                          carer=True))


def carers_of(*, user: Any, cared_for: Person) -> list[CarerSupportPlanOffer]:
    """The offers made about ``cared_for`` to carers whose records ``user`` may see."""
    from selfdirect.people.selectors import person_visible_queryset

    return list(CarerSupportPlanOffer.objects
                .filter(cared_for=cared_for, carer__in=person_visible_queryset(user=user))
                .select_related("carer").order_by("carer__family_name", "-identified_on", "-id"))


def offers_of_carer(*, carer: Person) -> list[CarerSupportPlanOffer]:
    """For the carer's own person page: their offers, newest first, each with its plan
    (one query). The caller has already opened the carer's record with ``person_get``."""
    return list(CarerSupportPlanOffer.objects.filter(carer=carer)
                .select_related("cared_for", "plan").order_by("-identified_on", "-id"))


def unpaid_carer_relationships(person: Person) -> list[Relationship]:
    """The unpaid carers recorded on ``person``'s record (from person_get's prefetch)."""
    return [r for r in person.relationships.all()
            if r.kind == RelationshipKind.UNPAID_CARER and r.ended_on is None]


def carer_candidates(*, user: Any, cared_for: Person, name: str,
                     limit: int = 20) -> list[Person]:
    """Records in the cared-for person's authority, visible to ``user``, matching ``name``."""
    if not name.strip():
        return []
    return list(person_search(user=user, search=PersonSearch(name=name))
                .filter(authority_id=cared_for.authority_id).exclude(pk=cared_for.pk)[:limit])


# --- The carers' waiting list ------------------------------------------------------------


class CarerStage:
    OFFER_DUE = "Plan to be offered"
    AWAITING_ANSWER = "Offered, waiting for the carer's answer"
    CONVERSATION_DUE = "Accepted, waiting for the first conversation"


@dataclass(frozen=True)
class CarerWaitingRow:
    offer: CarerSupportPlanOffer
    plan: AdultCarerSupportPlan | None
    stage: str
    since: datetime.date
    days: int
    due_by: datetime.date | None
    overdue: bool
    working_days_overdue: int | None
    working_days_left: int | None

    @property
    def carer(self) -> Person:
        return self.offer.carer

    @property
    def cared_for(self) -> Person:
        return self.offer.cared_for

    @property
    def terminal_illness(self) -> bool:
        return self.offer.terminal_illness


def _clock(due_by: datetime.date | None, today: datetime.date,
           country: str) -> tuple[bool, int | None, int | None]:
    """(past due?, working days overdue, working days left) for a due date."""
    if due_by is None:
        return False, None, None
    if today > due_by:
        return True, working_days_between(due_by, today, country=country), None
    return False, None, working_days_between(today, due_by, country=country)


_PEOPLE = ("carer", "carer__authority", "carer__allocated_worker", "cared_for")


def carers_waiting(*, user: Any, today: datetime.date | None = None,
                   limit: int = 500) -> list[CarerWaitingRow]:
    """Carers waiting, in the records ``user`` may see: offers not yet made, offers not
    yet answered, and accepted plans with no first conversation yet. For carers of
    someone terminally ill the statutory clocks show: the date each step is due and how
    many working days it is overdue. Past due first, then the soonest due, then the
    longest wait. Two queries (and the user's roles)."""
    from selfdirect.people.selectors import person_visible_queryset

    today = today or clock.today()
    visible = person_visible_queryset(user=user)
    State = CarerSupportPlanOffer.State
    rows: list[CarerWaitingRow] = []
    offers = (CarerSupportPlanOffer.objects
              .filter(carer__in=visible, state__in=[State.IDENTIFIED, State.OFFERED])
              .select_related(*_PEOPLE).order_by("identified_on", "id")[:limit])
    for offer in offers:
        country = offer.carer.authority.country
        if offer.state == State.IDENTIFIED:
            overdue, late, left = _clock(offer.offer_due_by, today, country)
            rows.append(CarerWaitingRow(offer, None, CarerStage.OFFER_DUE, offer.identified_on,
                                        (today - offer.identified_on).days, offer.offer_due_by,
                                        overdue, late, left))
        else:
            assert offer.offered_on is not None
            rows.append(CarerWaitingRow(offer, None, CarerStage.AWAITING_ANSWER,
                                        offer.offered_on, (today - offer.offered_on).days,
                                        None, False, None, None))
    plans = (AdultCarerSupportPlan.objects
             .filter(carer__in=visible, state=AdultCarerSupportPlan.State.DRAFT,
                     first_conversation_on__isnull=True)
             .select_related("offer", *_PEOPLE).order_by("offer__answered_on", "id")[:limit])
    for plan in plans:
        offer = plan.offer
        offer.carer, offer.cared_for = plan.carer, plan.cared_for  # already loaded
        assert offer.answered_on is not None
        overdue, late, left = _clock(offer.conversation_due_by, today,
                                     plan.carer.authority.country)
        rows.append(CarerWaitingRow(offer, plan, CarerStage.CONVERSATION_DUE, offer.answered_on,
                                    (today - offer.answered_on).days, offer.conversation_due_by,
                                    overdue, late, left))
    far = datetime.date.max
    rows.sort(key=lambda r: (not r.overdue, -(r.working_days_overdue or 0),
                             r.due_by or far, -r.days))
    return rows

