"""Refusals other layers report are written to the access log."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from selfdirect.audit.services import access_log_record
from selfdirect.core.signals import page_refused


@receiver(page_refused)
def log_page_refused(sender: Any, *, user: Any, person_id: int, path: str,
                     **kwargs: Any) -> None:
    access_log_record(user=user, person_id=person_id, outcome="denied", path=path)
