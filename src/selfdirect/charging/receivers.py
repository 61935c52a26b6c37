"""A change to an authority's charging figures queues the recalculation of its
contributions from the date the change applies (the yearly uprating, or a new taper), as a
background job under the editor's name (``charging.jobs``), in the same transaction as
the change. An editor who may not recalculate cannot make the change: nothing is left
silently undone."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from selfdirect.authorities.signals import policy_figure_changed


@receiver(policy_figure_changed)
def recalculate_on_charging_change(sender: Any, *, figure: Any, actor: Any, back_url: str = "",
                                   **kwargs: Any) -> None:
    if not figure.key.startswith("charging.") or figure.authority is None:
        return
    from selfdirect.charging.jobs import contributions_recalculate_start

    contributions_recalculate_start(
        actor=actor, authority=figure.authority, effective_from=figure.effective_from,
        reason=f"Charging policy changed from {figure.effective_from:%-d %B %Y}: {figure.reason}",
        figure_id=figure.pk, back_url=back_url)
