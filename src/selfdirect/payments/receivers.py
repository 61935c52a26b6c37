"""Keep direct-payment schedules in step with agreed plans (``planning.signals``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.dispatch import receiver

from selfdirect.planning.models import SupportPlan
from selfdirect.planning.signals import plan_agreed


@receiver(plan_agreed, sender=SupportPlan, dispatch_uid="payments-schedules-from-plan")
def schedules_follow_plan(sender: Any, plan: SupportPlan, actor: Any, on: datetime.date,
                          **kwargs: Any) -> None:
    from selfdirect.payments.schedules import schedules_from_plan
    from selfdirect.payments.switches import switches_follow_plan

    schedules_from_plan(actor=actor, plan=plan, on=on)
    switches_follow_plan(actor=actor, plan=plan, on=on)
