"""Reads of the outcome taxonomy and of personal outcomes."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from selfdirect.outcomes.models import OutcomeTerm


def terms_for(*, country: str, role: str, carer: bool = False) -> QuerySet[OutcomeTerm]:
    """The active terms a person in ``country`` can use: Talking Points (or ASCOT in
    England) for a person, the carers' outcomes for a carer."""
    qs = OutcomeTerm.objects.filter(active=True, role=role).filter(
        Q(country=country) | Q(country="both"))
    if role == OutcomeTerm.Role.CATEGORY:
        qs = qs.filter(framework="carers") if carer else qs.exclude(framework="carers")
    return qs.order_by("framework", "position")
