"""The resource allocation panel: which budgets it decides, its meetings, agenda and
decisions, and the authority's envelope against committed and forecast spend."""

from __future__ import annotations

import datetime
from decimal import Decimal

from selfdirect.allocation.arithmetic import HUNDRED, adjustment_effect
from selfdirect.allocation.models import BudgetAdjustment, BudgetException, IndicativeBudget
from selfdirect.authorities.policy import policy_value
from selfdirect.core.money import apply_rate, format_pounds


def needs_panel_reasons(budget: IndicativeBudget, *, on: datetime.date) -> list[str]:
    """Why the panel, not the team manager, decides this budget, in plain English; an
    empty list when it does not. The thresholds are the authority's policy figures in
    force on ``on``:

    - the council's share (the budget's total) is above ``panel.budget_threshold_annual``;
    - the adjustments together move the calculated sum by more than
      ``panel.adjustment_threshold_percent`` of it (each adjustment counted whole, so
      an addition and a cut do not cancel out);
    - an exception is recorded (a family member as a personal assistant, say)."""
    authority = budget.person.authority
    reasons = []
    threshold = policy_value(authority=authority, key="panel.budget_threshold_annual", on=on)
    if budget.total > threshold:
        reasons.append(f"The budget of {format_pounds(budget.total)} a year is above the "
                       f"panel's threshold of {format_pounds(threshold)}.")
    percent: Decimal = policy_value(authority=authority, key="panel.adjustment_threshold_percent",
                                    on=on)
    moved = sum(abs(adjustment_effect(budget.base_amount, a.kind, a.amount, a.percent))
                for a in BudgetAdjustment.objects.filter(budget=budget))
    limit = apply_rate(budget.base_amount, percent / HUNDRED)
    if moved > limit:
        reasons.append(f"Adjustments change the calculated {format_pounds(budget.base_amount)} "
                       f"by {format_pounds(moved)}, more than {format(percent.normalize(), 'f')}% "
                       f"({format_pounds(limit)}).")
    for exception in BudgetException.objects.filter(budget=budget):
        reasons.append(f"{exception.get_kind_display()}: {exception.reason}")
    return reasons
