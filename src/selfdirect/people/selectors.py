"""Reads of people's records, each a fixed number of queries whatever the data size.

``person_visible_queryset`` is the query form of ``people.rules.can_view_person``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import Prefetch, Q, QuerySet

from selfdirect.audit.models import AccessLog
from selfdirect.audit.services import access_log_record
from selfdirect.authorities.selectors import user_roles
from selfdirect.core import clock
from selfdirect.core.exceptions import NotFound
from selfdirect.people.models import (
    LEGAL_POWER_KINDS,
    Access,
    CommunicationNeed,
    Consent,
    Person,
    Relationship,
)
from selfdirect.people.rules import AUTHORITY_WIDE_VIEW, CASELOAD_VIEW
from selfdirect.people.validators import normalise_chi, normalise_postcode


def _relationships_in_force(user: Any) -> QuerySet[Relationship]:
    """The query form of ``Relationship.access_in_force`` for one user."""
    today = clock.today()
    return Relationship.objects.filter(
        Q(consent_given=True) | Q(kind__in=list(LEGAL_POWER_KINDS)),
        Q(ended_on__isnull=True) | Q(ended_on__gt=today),
        user=user, started_on__lte=today, access__in=[Access.VIEW, Access.ACT],
    )


def portal_people_queryset(*, user: Any) -> QuerySet[Person]:
    """The people whose records this user may open as themself or through a relationship."""
    if not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    return Person.objects.filter(
        Q(user=user) | Q(pk__in=_relationships_in_force(user).values("person_id")))


def person_visible_queryset(*, user: Any) -> QuerySet[Person]:
    """Every person ``user`` may see: the query form of ``can_view_person``."""
    if not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    roles = user_roles(user)
    condition = Q(user=user) | Q(pk__in=_relationships_in_force(user).values("person_id"))
    wide = roles.authorities_with(*AUTHORITY_WIDE_VIEW)
    if wide:
        condition |= Q(authority_id__in=wide)
    for authority_id in roles.authorities_with(*CASELOAD_VIEW):
        caseload = Q(allocated_worker=user)
        teams = roles.teams_in(authority_id)
        if teams:
            caseload |= Q(team_id__in=list(teams))
        condition |= Q(authority_id=authority_id) & caseload
    return Person.objects.filter(condition)


def _with_list_relations(qs: QuerySet[Person]) -> QuerySet[Person]:
    return qs.select_related("authority", "team", "allocated_worker").prefetch_related(
        Prefetch("communication_needs", queryset=CommunicationNeed.objects.order_by("kind")))


@dataclass(frozen=True)
class PersonSearch:
    """What a worker typed to find someone. Every part is optional."""

    name: str = ""
    identifier: str = ""
    postcode: str = ""
    date_of_birth: datetime.date | None = None
    mine_only: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.identifier or self.postcode or self.date_of_birth
                    or self.mine_only)


def postcode_search_q(typed: str) -> Q:
    """A whole postcode, a district ("EH1", not EH10 too) or a district and sector ("EH1 1")."""
    text = " ".join(typed.upper().split())
    compact = text.replace(" ", "")
    if " " in text:
        outward, inward = text.split(" ", 1)
        return Q(postcode__startswith=f"{outward} {inward.replace(' ', '')}")
    if len(compact) <= 4:
        return Q(postcode__startswith=f"{compact} ")
    return Q(postcode__startswith=normalise_postcode(compact))


def person_search(*, user: Any, search: PersonSearch) -> QuerySet[Person]:
    """People visible to ``user`` who match ``search``, ordered by name."""
    qs = person_visible_queryset(user=user)
    for token in re.split(r"\s+", search.name.strip()):
        if token:
            qs = qs.filter(Q(given_name__icontains=token) | Q(family_name__icontains=token)
                           | Q(preferred_name__icontains=token))
    if search.identifier:
        number = normalise_chi(search.identifier)
        qs = qs.filter(Q(chi_number=number) | Q(nhs_number=number))
    if search.postcode:
        qs = qs.filter(postcode_search_q(search.postcode))
    if search.date_of_birth:
        qs = qs.filter(date_of_birth=search.date_of_birth)
    if search.mine_only:
        qs = qs.filter(allocated_worker=user)
    return _with_list_relations(qs).order_by("family_name", "given_name", "id")


def person_caseload(*, user: Any) -> QuerySet[Person]:
    """The people allocated to ``user``: the worker's own caseload."""
    return _with_list_relations(
        person_visible_queryset(user=user).filter(allocated_worker=user)
    ).order_by("family_name", "given_name", "id")


R = TypeVar("R", bound=models.Model)


def person_get(*, user: Any, person_id: int,
               permission: str | tuple[str, ...] = "people.view_person",
               path: str = "", channel: str = "page", log: bool = True,
               purpose: str = "") -> Person:
    """Load one person for ``user`` with everything the person page shows.

    Raises ``NotFound`` (never 403: the record's existence is not disclosed) when the user
    may not hold ``permission`` for it, and writes the access log either way, with
    ``purpose`` when the opening has one beyond the page ("subject access export").
    """
    person = (
        Person.objects.select_related("authority", "team", "allocated_worker", "user",
                                      "preferences", "equality")
        .prefetch_related(
            Prefetch("communication_needs", queryset=CommunicationNeed.objects.order_by("kind")),
            Prefetch("relationships", queryset=Relationship.objects.select_related("user")),
            Prefetch("consents", queryset=Consent.objects.select_related(
                "relationship", "recorded_by")),
        )
        .filter(pk=person_id).first()
    )
    wanted = (permission,) if isinstance(permission, str) else permission
    allowed = person is not None and any(user.has_perm(p, person) for p in wanted)
    if log:
        access_log_record(user=user, person_id=person_id, path=path, channel=channel,
                          outcome=AccessLog.Outcome.VIEWED if allowed else AccessLog.Outcome.DENIED,
                          purpose=purpose)
    if not allowed:
        raise NotFound("No person found.")
    assert person is not None
    return person


def person_record_get(queryset: QuerySet[R], pk: int, *, user: Any,
                      permission: str | tuple[str, ...], path: str = "",
                      channel: str = "page", not_found: str = "Not found.") -> R:
    """A record that belongs to a person (a budget, an assessment, a waiver), loaded from
    ``queryset`` only when ``user`` holds ``permission`` for its person: ``person_get``
    decides, raises ``NotFound`` otherwise and writes the access log either way. The
    record's ``person`` is the one ``person_get`` loaded."""
    person_id = queryset.filter(pk=pk).values_list("person_id", flat=True).first()
    if person_id is None:
        raise NotFound(not_found)
    person = person_get(user=user, person_id=person_id, path=path, permission=permission,
                        channel=channel)
    record = queryset.get(pk=pk)
    record.person = person  # type: ignore[attr-defined]
    return record



def consent_in_force(*, person: Person, scope: str,
                     relationship: Relationship | None = None) -> Consent | None:
    """The person's latest decision for ``scope`` if it is "given", else None."""
    latest = (Consent.objects.filter(person=person, scope=scope, relationship=relationship)
              .order_by("-recorded_at", "-id").first())
    if latest is not None and latest.decision == Consent.Decision.GIVEN:
        return latest
    return None
