"""A change to an authority's charging figures recalculates its contributions from the
date the change applies (the yearly uprating, or a new taper)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from selfdirect.authorities.signals import policy_figure_changed


@receiver(policy_figure_changed)
def recalculate_on_charging_change(sender: Any, *, figure: Any, actor: Any, **kwargs: Any) -> None:
    if not figure.key.startswith("charging.") or figure.authority is None:
        return
    from selfdirect.charging.services import contributions_recalculate_all

    if not actor.has_perm("charging.recalculate", figure.authority):
        return
    contributions_recalculate_all(
        actor=actor, authority=figure.authority, effective_from=figure.effective_from,
        reason=f"Charging policy changed from {figure.effective_from:%-d %B %Y}: {figure.reason}")
