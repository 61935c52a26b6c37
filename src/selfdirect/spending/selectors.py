"""Reads for the spending pages, each a fixed number of queries whatever the data size."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from selfdirect.authorities.models import Authority
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.models import Person
from selfdirect.people.selectors import person_visible_queryset
from selfdirect.spending.models import ExclusionEntry, SpendingRequest
from selfdirect.spending.rulebook import entries_for


def person_spending_requests(*, person: Person) -> list[SpendingRequest]:
    """The person's requests, newest first (one query)."""
    return list(SpendingRequest.objects.filter(person=person)
                .select_related("outcome", "requested_by", "decided_by")
                .order_by("-requested_at", "-pk"))


def agreed_outcomes(*, person: Person) -> QuerySet[PersonalOutcome]:
    """The outcomes a request can serve: the person's agreed ones."""
    return person.outcomes.filter(state=PersonalOutcome.State.AGREED).order_by("priority", "pk")


def requests_waiting(*, authority: Authority, user: Any) -> list[SpendingRequest]:
    """Requests waiting for a decision for the people of ``authority`` whom ``user`` may
    see (a team manager: all of them; a worker: their caseload), the oldest first (one query)."""
    visible = person_visible_queryset(user=user).filter(authority=authority)
    return list(SpendingRequest.objects.filter(
        status=SpendingRequest.Status.REQUESTED, person__in=visible.values("pk"))
        .select_related("person", "outcome", "requested_by").order_by("requested_at", "pk"))


def exclusion_history(*, authority: Authority) -> list[ExclusionEntry]:
    """Every entry of the authority's exclusion list, national and its own, newest first."""
    return list(entries_for(authority).select_related("authority", "recorded_by")
                .order_by("-effective_from", "-pk"))


def requests_waiting_count(*, authority: Authority, user: Any) -> int:
    """How many requests wait for a decision among the people ``user`` may see in
    ``authority`` (one query): the dashboard's count."""
    visible = person_visible_queryset(user=user).filter(authority=authority)
    return SpendingRequest.objects.filter(status=SpendingRequest.Status.REQUESTED,
                                          person__in=visible.values("pk")).count()
