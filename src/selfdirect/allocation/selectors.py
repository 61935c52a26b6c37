"""Reads about budgets: the plain-English explanation of how a budget was reached."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from selfdirect.allocation.arithmetic import adjustment_effect
from selfdirect.allocation.models import BudgetAdjustment, IndicativeBudget
from selfdirect.core.money import format_pounds


@dataclass(frozen=True)
class ExplanationLine:
    """One line. ``kind`` is "domain" (points only), "base", "adjustment" or "total";
    ``amount`` is whole pence (negative to take off) for money lines."""

    kind: str
    text: str
    points: int | None = None
    amount: int | None = None
    reason: str = ""

    @property
    def amount_display(self) -> str:
        return "" if self.amount is None else format_pounds(self.amount)


@dataclass(frozen=True)
class Explanation:
    budget: IndicativeBudget
    lines: list[ExplanationLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.budget.total

    @property
    def money_lines(self) -> list[ExplanationLine]:
        """The base and each adjustment: their amounts add up to the total to the penny."""
        return [line for line in self.lines if line.kind in ("base", "adjustment")]


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def _base_text(budget: IndicativeBudget) -> str:
    """The base line: points × price, or the band's fixed amount, or the capped sum."""
    plain = budget.points * budget.price_per_point
    sum_text = (f"{budget.points} points × {format_pounds(budget.price_per_point)} a point "
                f"= {format_pounds(plain)}")
    band = budget.band or {}
    if not band:
        return sum_text
    upper = "and more" if band.get("upper") is None else f"to {band['upper']}"
    where = f"{band['label']} ({band['lower']} {upper} points)"
    if band.get("amount") is not None:
        return (f"{budget.points} points fall in {where}, which has a set amount of "
                f"{format_pounds(budget.base_amount)}")
    if plain > budget.base_amount:
        return f"{sum_text}, capped at {format_pounds(budget.base_amount)} for {where}"
    return f"{sum_text}, within the cap of {format_pounds(band['cap'])} for {where}"


def budget_explanation(budget: IndicativeBudget) -> Explanation:
    """How the budget was reached, in plain English (one query for the adjustments).

    One line per domain with its points; "total points × price per point = base"; one
    line per adjustment, in the order recorded, with its reason and its effect; the total.
    The rule: a percentage adjustment applies to the base (not the running total), and
    its effect is rounded half-up to the penny on its own; an amount adjustment is exact.
    The total is the base plus the rounded effects, so the base line and the adjustment
    lines add up to the total to the penny."""
    lines = [ExplanationLine(kind="domain", text=f"{d['name']}: {d['points']} points",
                             points=int(d["points"]))
             for d in budget.domain_points]
    base = budget.base_amount
    lines.append(ExplanationLine(kind="base", amount=base, points=budget.points,
                                 text=_base_text(budget)))
    running = base
    adjustments = list(BudgetAdjustment.objects.filter(budget=budget).order_by("pk"))
    for adjustment in adjustments:
        effect = adjustment_effect(base, adjustment.kind, adjustment.amount, adjustment.percent)
        running += effect
        verb = "Add" if effect >= 0 else "Take off"
        if adjustment.percent is not None:
            what = (f"{verb} {_percent(adjustment.percent)} of {format_pounds(base)} "
                    f"= {format_pounds(abs(effect))} (rounded to the nearest penny)")
        else:
            what = f"{verb} {format_pounds(abs(effect))}"
        lines.append(ExplanationLine(
            kind="adjustment", amount=effect, reason=adjustment.reason,
            text=f"{what}: {adjustment.get_reason_code_display()} — {adjustment.reason}"))
    if running != budget.total:
        raise ValueError(f"Budget {budget.pk}: lines add up to {running}, total is {budget.total}")
    lines.append(ExplanationLine(kind="total", amount=budget.total,
                                 text=f"{budget.get_state_display()} budget: "
                                      f"{format_pounds(budget.total)} a year"))
    return Explanation(budget=budget, lines=lines)


def person_current_budget(*, person: Any) -> IndicativeBudget | None:
    """The budget that speaks for the person now: agreed, else proposed, else indicative."""
    order = {IndicativeBudget.State.AGREED: 0, IndicativeBudget.State.PROPOSED: 1,
             IndicativeBudget.State.INDICATIVE: 2}
    budgets = list(IndicativeBudget.objects.filter(person=person).exclude(
        state=IndicativeBudget.State.SUPERSEDED).order_by("-calculated_at", "-pk")[:10])
    return min(budgets, key=lambda b: order[IndicativeBudget.State(b.state)], default=None)


def budgets_to_agree(*, user: Any, authority_id: int | None) -> list[IndicativeBudget]:
    """Proposed budgets waiting for a team manager in the authority they are working in
    (those that need the panel are the panel's), the longest waiting first."""
    if authority_id is None or not user.has_perm("allocation.agree_budget"):
        return []
    from selfdirect.authorities.models import Role
    from selfdirect.authorities.selectors import user_roles

    if not user_roles(user).has(authority_id, Role.TEAM_MANAGER):
        return []
    return list(IndicativeBudget.objects.filter(
        person__authority_id=authority_id, state=IndicativeBudget.State.PROPOSED,
        needs_panel=False).select_related("person", "proposed_by")
        .order_by("proposed_at", "pk")[:50])


def budgets_flagged_for_review(*, user: Any, authority_id: int | None) -> list[IndicativeBudget]:
    """Agreed budgets a change (price, questionnaire, employer figures) has flagged for
    their next review, for the authority's team manager, the earliest flagged first."""
    if authority_id is None or not user.has_perm("allocation.agree_budget"):
        return []
    from selfdirect.authorities.models import Role
    from selfdirect.authorities.selectors import user_roles

    if not user_roles(user).has(authority_id, Role.TEAM_MANAGER):
        return []
    return list(IndicativeBudget.objects.filter(
        person__authority_id=authority_id, state=IndicativeBudget.State.AGREED)
        .exclude(review_flag="").select_related("person")
        .order_by("review_flagged_at", "pk")[:50])
