"""Reads of the access log."""

from __future__ import annotations

from django.db.models import QuerySet

from selfdirect.audit.models import AccessLog


def access_log_for_person(*, person_id: int, limit: int = 50) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(person_id=person_id).select_related("user")[:limit]
