"""A budget's lifecycle: indicative → proposed → agreed → superseded, each with its guard."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from selfdirect.allocation import services as allocation
from selfdirect.allocation.models import IndicativeBudget
from selfdirect.core import clock
from tests.allocation.test_ras import calculated, live_version
from tests.jobs_helpers import run_jobs

pytestmark = pytest.mark.django_db


def test_propose_then_agree_with_reasons(world):
    live_version(world)
    budget = calculated(world)
    worker, manager = world.user("scot_social_worker"), world.user("scot_team_manager")
    with pytest.raises(ValidationError, match="only a proposed budget"):
        allocation.budget_agree(actor=manager, budget=budget, reason="Fine")
    proposed = allocation.budget_propose(actor=worker, budget=budget)
    assert (proposed.state, proposed.proposed_by) == ("proposed", worker)
    with pytest.raises(ValidationError) as refused:
        allocation.budget_agree(actor=manager, budget=proposed, reason=" ")
    assert "decision_reason" in refused.value.message_dict
    agreed = allocation.budget_agree(actor=manager, budget=proposed,
                                     reason="Meets the agreed outcomes at a reasonable cost")
    assert (agreed.state, agreed.agreed_by, agreed.agreed_on) == (
        "agreed", manager, clock.today())
    assert [h.history_change_reason for h in agreed.history.order_by("history_date")][-2:] == [
        "Proposed for agreement", "Agreed"]


def test_only_the_persons_team_manager_agrees(world):
    live_version(world)
    budget = allocation.budget_propose(actor=world.user("scot_social_worker"),
                                       budget=calculated(world))
    for name in ("scot_social_worker", "eng_team_manager", "scot_finance_officer"):
        with pytest.raises(PermissionDenied):
            allocation.budget_agree(actor=world.user(name), budget=budget, reason="r")
    budget.refresh_from_db()
    assert budget.state == IndicativeBudget.State.PROPOSED


def test_a_new_agreed_budget_supersedes_the_last(world):
    live_version(world)
    worker, manager = world.user("scot_social_worker"), world.user("scot_team_manager")
    first = calculated(world)
    allocation.budget_agree(actor=manager, reason="First",
                            budget=allocation.budget_propose(actor=worker, budget=first))
    # A later assessment of the same person, with its own budget.
    from selfdirect.assessments.models import Assessment

    Assessment.objects.filter(pk=first.assessment_id).update(state="completed")
    from selfdirect.assessments import services as assessing

    second_assessment = assessing.assessment_start(actor=worker, person=first.person)
    from tests.allocation.test_ras import ANSWERS

    allocation.ras_responses_record(actor=worker, assessment=second_assessment, answers=ANSWERS)
    second = allocation.indicative_budget_calculate(actor=worker, assessment=second_assessment)
    allocation.budget_agree(actor=manager, reason="Second",
                            budget=allocation.budget_propose(actor=worker, budget=second))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("superseded", "agreed")
    assert first.history.first().history_change_reason == f"Superseded by budget {second.pk}"


def test_a_price_change_leaves_a_proposed_budget_alone(world):
    version = live_version(world)
    worker = world.user("scot_social_worker")
    proposed = allocation.budget_propose(actor=worker, budget=calculated(world))
    indicative = calculated(world)
    allocation.ras_price_change(actor=world.user("scot_administrator"), version=version,
                                price_per_point=Decimal("50.00"),
                                effective_from=clock.today())
    run_jobs()  # the recalculation the price change queued
    before = proposed.total
    proposed.refresh_from_db()
    indicative_after = IndicativeBudget.objects.get(pk=indicative.pk)
    assert proposed.total == before
    assert indicative_after.price_per_point == 5000
