"""Keep direct-payment schedules in step with agreed plans (``planning.signals``), and link
a spending request made from a shortfall alert to the alert (``spending.signals``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.dispatch import receiver

from selfdirect.planning.models import SupportPlan
from selfdirect.planning.signals import plan_agreed
from selfdirect.spending.models import SpendingRequest
from selfdirect.spending.signals import request_made


@receiver(plan_agreed, sender=SupportPlan, dispatch_uid="payments-schedules-from-plan")
def schedules_follow_plan(sender: Any, plan: SupportPlan, actor: Any, on: datetime.date,
                          **kwargs: Any) -> None:
    from selfdirect.payments.schedules import schedules_from_plan
    from selfdirect.payments.switches import switches_follow_plan

    schedules_from_plan(actor=actor, plan=plan, on=on)
    switches_follow_plan(actor=actor, plan=plan, on=on)


@receiver(request_made, sender=SpendingRequest, dispatch_uid="payments-shortfall-request")
def shortfall_request(sender: Any, spending_request: SpendingRequest, actor: Any,
                      origin: dict[str, str], **kwargs: Any) -> None:
    """The person asked to use money a shortfall left unspent: record it on the alert (one
    of theirs; an id that is not is ignored, the request itself stands)."""
    from selfdirect.payments.hours import shortfall_request_link
    from selfdirect.payments.models import ShortfallAlert

    alert_id = origin.get("shortfall", "")
    if not alert_id.isdigit():
        return
    alert = ShortfallAlert.objects.filter(
        pk=int(alert_id), line__plan__person_id=spending_request.person_id).first()
    if alert is not None:
        shortfall_request_link(actor=actor, alert=alert, spending_request=spending_request)
