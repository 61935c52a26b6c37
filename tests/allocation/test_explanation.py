"""The budget explained: points per domain, points × price, each adjustment with its
reason, the total; the money lines add up to the total to the penny."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfdirect.allocation import services as allocation
from selfdirect.allocation.models import IndicativeBudget, RasQuestion, ReasonCode
from selfdirect.allocation.selectors import budget_explanation
from selfdirect.core import clock
from tests.allocation.test_ras import ANSWERS, POINTS, calculated, live_version, new_assessment
from tests.jobs_helpers import run_jobs

pytestmark = pytest.mark.django_db


def _money_sum(explanation):
    return sum(line.amount for line in explanation.money_lines)


def test_the_explanation_reads_in_plain_english(world, django_assert_num_queries):
    live_version(world)
    budget = calculated(world)
    worker = world.user("scot_social_worker")
    allocation.budget_adjust(actor=worker, budget=budget, kind="add_percent",
                             percent=Decimal("12.5"), reason_code=ReasonCode.RURAL_TRAVEL,
                             reason="Forty minutes each way to the nearest carers")
    budget.refresh_from_db()
    with django_assert_num_queries(1):
        explanation = budget_explanation(budget)
    texts = [line.text for line in explanation.lines]
    assert texts[0] == "Personal care: 13 points"
    assert "Eating, drinking and meals: 6 points" in texts
    assert f"{POINTS} points × £45.00 a point = £1,485.00" in texts
    assert ("Add 12.5% of £1,485.00 = £185.63 (rounded to the nearest penny): Rural travel "
            "time — Forty minutes each way to the nearest carers") in texts
    assert texts[-1] == "Indicative budget: £1,670.63 a year"
    assert _money_sum(explanation) == explanation.total == budget.total == 167063


ADJUSTMENT = st.one_of(
    st.tuples(st.sampled_from(["add_amount", "subtract_amount"]),
              st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)),
    st.tuples(st.sampled_from(["add_percent", "subtract_percent"]),
              st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2)),
)


@pytest.fixture
def questionnaire(world):
    live_version(world)
    return {q.code: [a.code for a in q.answers.all()]
            for q in RasQuestion.objects.prefetch_related("answers")}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), adjustments=st.lists(ADJUSTMENT, max_size=6))
def test_explanation_lines_always_sum_to_the_total(world, questionnaire, data, adjustments):
    worker = world.user("scot_social_worker")
    answers = {code: data.draw(st.sampled_from(choices), label=code)
               for code, choices in questionnaire.items()}
    with transaction.atomic():
        assessment = new_assessment(world)
        allocation.ras_responses_record(actor=worker, assessment=assessment, answers=answers)
        budget = allocation.indicative_budget_calculate(actor=worker, assessment=assessment)
        for kind, value in adjustments:
            edge = {"amount": value} if kind.endswith("amount") else {"percent": value}
            # Refused when it would take the budget below £0.00.
            with contextlib.suppress(ValidationError):
                allocation.budget_adjust(actor=worker, budget=budget, kind=kind,
                                         reason_code="other", reason="Generated", **edge)
        budget.refresh_from_db()
        explanation = budget_explanation(budget)
        assert _money_sum(explanation) == budget.total == explanation.lines[-1].amount
        assert sum(line.points for line in explanation.lines if line.kind == "domain") == budget.points
        assert budget.base_amount == budget.points * budget.price_per_point
        assert budget.total >= 0
        transaction.set_rollback(True)


def test_scenario_4_an_explained_budget_before_planning(world):
    """Eilidh's assessment gives an indicative budget up front; her explanation shows the
    points per area, the price per point and each adjustment with its reason; a new price
    per point recalculates budgets not yet agreed and leaves agreed ones alone."""
    version = live_version(world)
    worker = world.user("scot_social_worker")
    eilidh = calculated(world, answers={**ANSWERS, "washing_dressing": "all",
                                        "caring_role": "some"}, given_name="Eilidh")
    assert eilidh.person.given_name == "Eilidh"
    points = POINTS - 10 + 18 + 3  # 44
    assert eilidh.points == points and eilidh.total == points * 4500  # £1,980.00
    allocation.budget_adjust(actor=worker, budget=eilidh, kind="add_amount",
                             amount=Decimal("520.00"), reason_code=ReasonCode.LIVING_ALONE,
                             reason="Lives alone since her sister moved away")
    allocation.budget_adjust(actor=worker, budget=eilidh, kind="add_percent",
                             percent=Decimal("10"), reason_code=ReasonCode.CULTURE_LANGUAGE,
                             reason="Support in Gaelic, her first language")
    eilidh.refresh_from_db()
    assert eilidh.total == 198000 + 52000 + 19800

    lines = budget_explanation(eilidh).lines
    domains = [line.text for line in lines if line.kind == "domain"]
    assert domains == ["Personal care: 21 points", "Eating, drinking and meals: 6 points",
                       "Home and safety: 6 points", "Health and medication: 2 points",
                       "Relationships and social contact: 3 points",
                       "Work, learning and activities: 0 points", "Mental wellbeing: 3 points",
                       "Caring for others: 3 points"]
    assert "44 points × £45.00 a point = £1,980.00" in [line.text for line in lines]
    adjustments = [line for line in lines if line.kind == "adjustment"]
    assert [(a.amount, a.reason) for a in adjustments] == [
        (52000, "Lives alone since her sister moved away"),
        (19800, "Support in Gaelic, her first language")]
    assert "Living alone with no unpaid carer" in adjustments[0].text
    assert lines[-1].text == "Indicative budget: £2,698.00 a year"

    # Someone else's budget was agreed earlier (agreement belongs to a later slice).
    agreed = calculated(world)
    IndicativeBudget.objects.filter(pk=agreed.pk).update(state=IndicativeBudget.State.AGREED)

    allocation.ras_price_change(actor=world.user("scot_administrator"), version=version,
                                price_per_point=Decimal("48.00"),
                                effective_from=clock.today())
    run_jobs()  # the recalculation the price change queued
    eilidh.refresh_from_db()
    agreed.refresh_from_db()
    assert eilidh.price_per_point == 4800 and eilidh.points == 44
    assert eilidh.total == 44 * 4800 + 52000 + 21120  # 10% of £2,112.00
    explanation = budget_explanation(eilidh)
    assert "44 points × £48.00 a point = £2,112.00" in [line.text for line in explanation.lines]
    assert _money_sum(explanation) == eilidh.total
    assert agreed.state == IndicativeBudget.State.AGREED
    assert agreed.price_per_point == 4500 and agreed.total == POINTS * 4500
