"""Money has an upper bound, as policy data: above it the message names the field and the
maximum, and nothing is saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from selfdirect.allocation import costing, panel
from selfdirect.allocation import services as allocation
from selfdirect.allocation.models import AllocationEnvelope, BudgetAdjustment, FundingLine
from selfdirect.authorities import limits
from selfdirect.authorities.policy import policy_value
from selfdirect.authorities.services import policy_figure_set
from selfdirect.core import clock
from tests.allocation.test_ras import calculated, live_version

pytestmark = pytest.mark.django_db


def test_every_authority_has_each_limit_in_force_today(world):
    for authority in (world.scot, world.eng):
        for key in (limits.PLAN_LINE_WEEKLY, limits.ADJUSTMENT, limits.FUNDING_LINE_YEARLY,
                    limits.ENVELOPE):
            assert policy_value(authority=authority, key=key) > 0


def test_the_envelope_is_bounded_and_the_message_names_the_maximum(world):
    admin = world.user("scot_administrator")
    year = panel.financial_year_start(clock.today())
    with pytest.raises(ValidationError) as refused:
        panel.envelope_set(actor=admin, authority=world.scot, year_start=year,
                           amount="1000000000000.00")
    assert refused.value.message_dict["amount"] == ["The envelope must be £1,000,000,000.00 or less"]
    assert not AllocationEnvelope.objects.exists()
    panel.envelope_set(actor=admin, authority=world.scot, year_start=year, amount="1000000000.00")


def test_an_authority_sets_its_own_limit_from_a_date(world):
    admin = world.user("scot_administrator")
    year = panel.financial_year_start(clock.today())
    policy_figure_set(actor=admin, authority=world.scot, key=limits.ENVELOPE,
                      value="400000000.00", effective_from=clock.today(),
                      reason="Edinburgh finance committee, envelope cap")
    with pytest.raises(ValidationError, match="£400,000,000.00 or less"):
        panel.envelope_set(actor=admin, authority=world.scot, year_start=year,
                           amount="400000000.01")
    # Manchester's own figure is unchanged.
    assert policy_value(authority=world.eng, key=limits.ENVELOPE) == 100_000_000_000


@pytest.fixture
def budget(world):
    live_version(world)
    return calculated(world)


def test_an_adjustment_and_a_funding_line_are_bounded(world, budget):
    worker = world.user("scot_social_worker")
    with pytest.raises(ValidationError) as refused:
        allocation.budget_adjust(actor=worker, budget=budget, kind="add_amount",
                                 reason_code="other", reason="Typing slip",
                                 amount="500000.01")
    assert refused.value.message_dict["amount"] == ["The amount must be £500,000.00 or less"]
    assert not BudgetAdjustment.objects.exists()
    with pytest.raises(ValidationError) as refused:
        costing.funding_line_add(actor=worker, budget=budget, stream="health",
                                 description="Continuing care", amount="30000.00",
                                 period="weekly")
    assert refused.value.message_dict["amount"] == [
        "The amount for a year must be £1,300,000.00 or less"]
    assert not FundingLine.objects.exists()


def test_a_plan_line_is_bounded(world):
    from selfdirect.planning import plans
    from selfdirect.planning.services import option_choice_record
    from tests.factories import PersonFactory

    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    option_choice_record(actor=worker, person=person, options=["3"], decided_on=clock.today(),
                         present="The person and their worker")
    plan = plans.plan_start(actor=worker, person=person)
    fields = {"what": "Care at home", "who_kind": "provider", "option": "3",
              "service_type": "personal_care", "weekly_cost": 2_500_000_01}
    with pytest.raises(ValidationError) as refused:
        plans.line_add(actor=worker, plan=plan, expected_version=plan.version, **fields)
    assert refused.value.message_dict["weekly_cost"] == [
        "The cost a week must be £25,000.00 or less"]
    assert not plan.lines.exists()
    plans.line_add(actor=worker, plan=plan, expected_version=plan.version,
                   **{**fields, "weekly_cost": 2_500_000})
    assert plan.lines.count() == 1
