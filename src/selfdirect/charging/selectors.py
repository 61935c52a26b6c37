"""Reads for the charging pages, each a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Min, Q, QuerySet

from selfdirect.authorities.models import Authority
from selfdirect.charging.catalogue import FREE_BY_LAW, ServiceType
from selfdirect.charging.models import Contribution, FinancialAssessment, PlannedService, Waiver
from selfdirect.charging.policy import NoChargingPolicy, charging_rules
from selfdirect.people.models import Person


@dataclass(frozen=True)
class Worklist:
    to_assess: list[Person]
    in_progress: list[FinancialAssessment]
    waivers: list[Waiver]


def assessed_service_types(authority: Authority, day: datetime.date) -> list[str]:
    """The types of service charged through a financial assessment on ``day`` (one query):
    not free by law and with no flat-rate charge of the council's."""
    free = FREE_BY_LAW[authority.country]
    try:
        flat = {kind for kind, amount in charging_rules(authority, day).flat_rates.items() if amount}
    except NoChargingPolicy:
        flat = set()
    return [kind for kind in ServiceType.values if kind not in free and kind not in flat]


def people_to_assess(authority: Authority, day: datetime.date,
                     types: list[str]) -> QuerySet[Person]:
    """People of the authority with a service charged by assessment planned on ``day`` and
    no financial assessment, complete or in progress; the longest waiting first
    (``waiting_since``: the day their first such service started)."""
    in_force = PlannedService.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day), person__authority=authority,
        starts_on__lte=day, weekly_cost__gt=0, service_type__in=types)
    return (Person.objects.filter(authority=authority, pk__in=in_force.values("person_id"))
            .exclude(pk__in=FinancialAssessment.objects.values("person_id"))
            .annotate(waiting_since=Min("planned_services__starts_on", filter=Q(
                planned_services__service_type__in=types, planned_services__weekly_cost__gt=0)))
            .select_related("team", "allocated_worker")
            .order_by("waiting_since", "family_name", "given_name", "pk"))


def charging_worklist(*, authority: Authority, day: datetime.date) -> Worklist:
    """What the authority's finance officers and team managers have to do (four queries):
    people to assess, assessments in progress and waivers waiting for a decision."""
    types = assessed_service_types(authority, day)
    in_progress = (FinancialAssessment.objects
                   .filter(person__authority=authority,
                           status=FinancialAssessment.Status.IN_PROGRESS)
                   .select_related("person", "created_by").order_by("created_at", "pk"))
    waivers = (Waiver.objects.filter(person__authority=authority, status=Waiver.Status.REQUESTED)
               .select_related("person", "requested_by").order_by("requested_at", "pk"))
    return Worklist(to_assess=list(people_to_assess(authority, day, types)),
                    in_progress=list(in_progress), waivers=list(waivers))


@dataclass(frozen=True)
class WorkCounts:
    to_assess: int
    in_progress: int
    waivers: int

    @property
    def any(self) -> bool:
        return bool(self.to_assess or self.in_progress or self.waivers)


def charging_work_counts(*, authority: Authority, day: datetime.date) -> WorkCounts:
    """How much is on the charging worklist, for the home page (four queries)."""
    types = assessed_service_types(authority, day)
    return WorkCounts(
        to_assess=people_to_assess(authority, day, types).count(),
        in_progress=FinancialAssessment.objects.filter(
            person__authority=authority, status=FinancialAssessment.Status.IN_PROGRESS).count(),
        waivers=Waiver.objects.filter(person__authority=authority,
                                      status=Waiver.Status.REQUESTED).count())


def people_with_contributions_from(*, authority: Authority, day: datetime.date) -> int:
    """How many of the authority's people have a contribution in force on or after ``day``:
    those a recalculation from ``day`` works out again (one query)."""
    return (Contribution.objects.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day),
                                        authority=authority, superseded=False)
            .values("person_id").distinct().count())
