"""Money through the budget: points × price in whole pence, each kind of adjustment,
amounts from pounds at the edge, percentages rounded half-up, floats refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from selfdirect.allocation import services as allocation
from selfdirect.allocation.arithmetic import adjustment_effect
from selfdirect.allocation.models import BudgetAdjustment, IndicativeBudget
from tests.allocation.test_ras import POINTS, calculated, live_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(world):
    live_version(world)
    return calculated(world)


def _adjust(world, budget, **kwargs):
    kwargs.setdefault("reason_code", "other")
    kwargs.setdefault("reason", "Agreed with the person")
    return allocation.budget_adjust(actor=world.user("scot_social_worker"), budget=budget,
                                    **kwargs)


def test_the_budget_is_points_times_price(budget):
    assert budget.points == POINTS
    assert budget.price_per_point == 4500
    assert budget.base_amount == budget.total == POINTS * 4500 == 148500
    assert budget.period == "yearly" and budget.state == IndicativeBudget.State.INDICATIVE
    assert sum(d["points"] for d in budget.domain_points) == POINTS
    stored = IndicativeBudget.objects.values_list("total", flat=True).get(pk=budget.pk)
    assert type(stored) is int


def test_add_and_subtract_an_amount(world, budget):
    _adjust(world, budget, kind="add_amount", amount=Decimal("1234.56"))
    budget.refresh_from_db()
    assert budget.total == 148500 + 123456
    _adjust(world, budget, kind="subtract_amount", amount="£1,000.01")
    budget.refresh_from_db()
    assert budget.total == 148500 + 123456 - 100001
    assert budget.base_amount == 148500
    assert budget.history.count() == 3


def test_add_and_subtract_a_percentage_of_the_base(world, budget):
    _adjust(world, budget, kind="add_percent", percent=Decimal("12.5"))
    _adjust(world, budget, kind="subtract_percent", percent=Decimal("3.33"))
    budget.refresh_from_db()
    # 12.5% of £1,485.00 = £185.625 → £185.63 (half up); 3.33% = £49.4505 → £49.45.
    assert budget.total == 148500 + 18563 - 4945
    adjustments = list(BudgetAdjustment.objects.filter(budget=budget))
    assert [a.percent for a in adjustments] == [Decimal("12.50"), Decimal("3.33")]
    assert all(a.amount is None for a in adjustments)


def test_percent_effects_round_half_up_and_ignore_order():
    assert adjustment_effect(101, "add_percent", None, Decimal("50")) == 51  # 50.5 → 51
    assert adjustment_effect(101, "subtract_percent", None, Decimal("50")) == -51
    assert adjustment_effect(101, "add_amount", 7, None) == 7
    assert adjustment_effect(101, "subtract_amount", 7, None) == -7


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"kind": "add_amount", "amount": 12.5}, "amount"),
    ({"kind": "add_amount", "amount": "12.345"}, "amount"),
    ({"kind": "add_amount", "amount": "0"}, "amount"),
    ({"kind": "add_amount"}, "amount"),
    ({"kind": "add_amount", "amount": "5", "percent": Decimal("5")}, "percent"),
    ({"kind": "add_percent", "percent": 12.5}, "percent"),
    ({"kind": "add_percent", "percent": Decimal("1.005")}, "percent"),
    ({"kind": "add_percent", "percent": Decimal("0")}, "percent"),
    ({"kind": "subtract_percent", "percent": Decimal("101")}, "percent"),
    ({"kind": "add_percent", "percent": Decimal("5"), "amount": "5"}, "amount"),
    ({"kind": "subtract_amount", "amount": "1485.01"}, "amount"),
    ({"kind": "double_it"}, "kind"),
    ({"kind": "add_amount", "amount": "5", "reason_code": "because"}, "reason_code"),
    ({"kind": "add_amount", "amount": "5", "reason": "  "}, "reason"),
])
def test_bad_adjustments_name_the_field(world, budget, kwargs, field):
    with pytest.raises(ValidationError) as refused:
        _adjust(world, budget, **kwargs)
    assert field in refused.value.message_dict
    budget.refresh_from_db()
    assert budget.total == 148500
    assert not BudgetAdjustment.objects.exists()


def test_an_agreed_budget_cannot_be_adjusted(world, budget):
    IndicativeBudget.objects.filter(pk=budget.pk).update(state=IndicativeBudget.State.AGREED)
    with pytest.raises(ValidationError):
        _adjust(world, budget, kind="add_amount", amount="5")
    with pytest.raises(ValidationError):
        allocation.indicative_budget_calculate(actor=world.user("scot_social_worker"),
                                               assessment=budget.assessment)
