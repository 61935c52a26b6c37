"""Changes to an authority's settings."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from selfdirect.authorities.models import Authority, PolicyFigure
from selfdirect.authorities.policy import definitions, to_canonical
from selfdirect.authorities.signals import policy_figure_changed
from selfdirect.core import clock
from selfdirect.core.services import require_perm, save_with_history


@transaction.atomic
def policy_figure_set(*, actor: Any, authority: Authority, key: str, value: Any,
                      effective_from: datetime.date, reason: str,
                      back_url: str = "") -> PolicyFigure:
    """An authority's administrator sets a figure from a date. Nothing earlier changes.
    Apps that follow a figure hear ``policy_figure_changed`` in the same transaction (a
    charging figure queues the recalculation of contributions); ``back_url`` is where the
    page of a job that starts should send the administrator back to."""
    require_perm(actor, "authorities.manage_policy", authority)
    defs = definitions(authority.country)
    if key not in defs:
        raise ValidationError({"key": "Choose a policy figure from the list"})
    if not defs[key].local:
        raise ValidationError({"key": f"{defs[key].label} is set nationally and cannot be changed locally"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the change, such as the committee decision"})
    if effective_from < clock.today():
        raise ValidationError({"effective_from": (
            "Applies from must be today or later: decisions already made keep the figure "
            "they used")})
    canonical = to_canonical(defs[key], value)
    if PolicyFigure.objects.filter(authority=authority, key=key,
                                   effective_from=effective_from).exists():
        raise ValidationError({"effective_from": "A value already applies from this date: choose another date"})
    figure = PolicyFigure(authority=authority, country=authority.country, key=key,
                          kind=defs[key].kind, value=canonical, effective_from=effective_from,
                          reason=reason.strip(), recorded_by=actor)
    save_with_history(figure, actor=actor, reason=reason.strip())
    policy_figure_changed.send(sender=PolicyFigure, figure=figure, actor=actor,
                               back_url=back_url)
    return figure
