"""Support plans: every agreed outcome served or explained, within the budget or with a
recorded decision, contingency for options 1 and 2, agreement by the person, the worker
and a manager, and no lost update when two people edit at once."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from selfdirect.allocation import services as allocation
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.planning import plans
from selfdirect.planning.models import AgreedHow, SupportLine, SupportPlan
from selfdirect.planning.services import option_choice_record as choice_record
from tests.allocation.matrix_budget import make_budget

DAY = datetime.date(2026, 11, 25)


@pytest.fixture
def setting(cast):
    """The person with an agreed budget and two agreed outcomes, and a draft plan."""
    users, person = cast
    budget = make_budget(users, person)
    allocation.budget_propose(actor=users["scot_social_worker"], budget=budget)
    budget = allocation.budget_agree(actor=users["scot_team_manager"], budget=budget,
                                     reason="Meets the assessed needs")
    outcomes = [PersonalOutcome.objects.create(
        person=person, in_own_words=words, state=PersonalOutcome.State.AGREED,
        agreed_on=DAY, created_by=users["scot_social_worker"])
        for words in ("I want to get to the allotment twice a week",
                      "I want to wash and dress before my daughter's school run")]
    # Option 4: some support by direct payment, some chosen, some arranged by the council.
    choice_record(actor=users["scot_social_worker"], person=person, options=["1", "2", "3"],
                  decided_on=DAY, present="The person and her worker")
    plan = plans.plan_start(actor=users["scot_social_worker"], person=person)
    return users, person, budget, outcomes, plan


def add(users, plan, outcome, *, cost=None, option="3", contingency="", what="Day centre",
        actor="scot_social_worker"):
    """A line costing a third of the budget a week unless ``cost`` says otherwise."""
    plan.refresh_from_db()
    cost = plan.budget.total // (52 * 3) if cost is None else cost
    return plans.line_add(actor=users[actor], plan=plan, expected_version=plan.version,
                          outcome=outcome, what=what, who_kind="provider", weekly_cost=cost,
                          option=option, service_type="social_support", contingency=contingency)


def test_an_outcome_with_no_line_or_reason_stops_agreement(setting):
    users, person, budget, outcomes, plan = setting
    add(users, plan, outcomes[0])
    problems = plans.plan_problems(plan)
    assert list(problems) == ["outcomes"]
    assert "wash and dress" in problems["outcomes"][0]
    plan.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        plans.plan_agree_by_person(actor=users["scot_social_worker"], plan=plan,
                                   how=AgreedHow.MEETING, on=DAY, expected_version=plan.version)
    assert "outcomes" in caught.value.message_dict
    plans.outcome_without_support_record(
        actor=users["scot_social_worker"], plan=plan, outcome=outcomes[1],
        reason="Her husband helps every morning and wants to", expected_version=plan.version)
    assert plans.plan_problems(plan) == {}


def test_over_budget_needs_a_managers_recorded_decision(setting):
    users, person, budget, outcomes, plan = setting
    weekly = budget.total // 52 + 100  # just over the budget a year
    add(users, plan, outcomes[0], cost=weekly)
    plans.outcome_without_support_record(actor=users["scot_social_worker"], plan=plan,
                                         outcome=outcomes[1], reason="Family help",
                                         expected_version=plan.version + 1)
    plan.refresh_from_db()
    assert "budget" in plans.plan_problems(plan)
    with pytest.raises(PermissionDenied):  # a worker cannot decide it
        plans.over_budget_decide(actor=users["scot_social_worker"], plan=plan,
                                 reason="x", expected_version=plan.version)
    plans.over_budget_decide(actor=users["scot_team_manager"], plan=plan,
                             reason="Two carers needed for a hoist until the review",
                             expected_version=plan.version)
    plan.refresh_from_db()
    assert plans.plan_problems(plan) == {}


def test_option_1_and_2_lines_need_a_contingency_plan(setting):
    users, person, budget, outcomes, plan = setting
    line = add(users, plan, outcomes[0], option="1", what="Personal assistants")
    add(users, plan, outcomes[1], option="3")
    assert "contingency" in plans.plan_problems(plan)
    plan.refresh_from_db()
    plans.line_change(actor=users["scot_social_worker"], line=line, expected_version=plan.version,
                      contingency="If Ann is ill, call Home Care North on 0131 496 0000")
    assert plans.plan_problems(plan) == {}


def test_a_second_save_of_a_stale_plan_is_refused_and_told_what_changed(setting):
    users, person, budget, outcomes, plan = setting
    opened_by_both = plan.version
    plans.line_add(actor=users["scot_social_worker"], plan=plan, expected_version=opened_by_both,
                   outcome=outcomes[0], what="Allotment support", who_kind="pa",
                   weekly_cost=6000, option="1", service_type="social_support",
                   contingency="Her brother covers")
    with pytest.raises(plans.PlanChanged) as caught:
        plans.line_add(actor=users["scot_team_manager"], plan=plan,
                       expected_version=opened_by_both, outcome=outcomes[0],
                       what="Day centre", who_kind="provider", weekly_cost=9000, option="3",
                       service_type="day_service")
    assert any("Added: Allotment support" in change for change in caught.value.changes)
    assert "version" in caught.value.message_dict
    # Nothing was lost or overwritten: only the first line is there.
    assert list(SupportLine.objects.filter(plan=plan).values_list("what", flat=True)) == [
        "Allotment support"]


def test_agreed_by_the_person_signed_by_worker_and_manager_replaces_the_old_plan(setting):
    users, person, budget, outcomes, plan = setting
    add(users, plan, outcomes[0])
    add(users, plan, outcomes[1], what="Morning personal care")
    worker, manager = users["scot_social_worker"], users["scot_team_manager"]
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        plans.plan_agree_by_person(actor=worker, plan=plan, how=AgreedHow.PREFERRED, on=DAY,
                                   expected_version=plan.version)  # "how" needs saying
    plans.plan_agree_by_person(actor=worker, plan=plan, how=AgreedHow.MEETING, on=DAY,
                               expected_version=plan.version)
    plan.refresh_from_db()
    plans.plan_sign(actor=worker, plan=plan, expected_version=plan.version)
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.DRAFT
    plans.plan_sign(actor=manager, plan=plan, expected_version=plan.version)
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.AGREED
    later = plans.plan_start(actor=worker, person=person)
    add(users, later, outcomes[0])
    add(users, later, outcomes[1], what="Morning personal care")
    later.refresh_from_db()
    plans.plan_agree_by_person(actor=users["the_person"], plan=later, how=AgreedHow.ONLINE,
                               on=DAY, expected_version=later.version)
    later.refresh_from_db()
    plans.plan_sign(actor=worker, plan=later, expected_version=later.version)
    later.refresh_from_db()
    plans.plan_sign(actor=manager, plan=later, expected_version=later.version)
    plan.refresh_from_db()
    later.refresh_from_db()
    assert (plan.status, later.status) == (SupportPlan.Status.REPLACED, SupportPlan.Status.AGREED)
    assert plan.history.count() > 5


def test_a_change_after_agreement_needs_agreeing_again(setting):
    """The person agreed the plan as it was: a line added afterwards clears the agreement
    and the worker's signature, so nobody signs off a plan the person has not seen."""
    users, person, budget, outcomes, plan = setting
    add(users, plan, outcomes[0])
    add(users, plan, outcomes[1], what="Morning personal care")
    worker = users["scot_social_worker"]
    plan.refresh_from_db()
    plans.plan_agree_by_person(actor=worker, plan=plan, how=AgreedHow.MEETING, on=DAY,
                               expected_version=plan.version)
    plan.refresh_from_db()
    plans.plan_sign(actor=worker, plan=plan, expected_version=plan.version)
    add(users, plan, outcomes[0], what="Taxi to the allotment", cost=500)
    plan.refresh_from_db()
    assert (plan.person_agreed_on, plan.worker_signed_by) == (None, None)
    plans.plan_sign(actor=users["scot_team_manager"], plan=plan, expected_version=plan.version)
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.DRAFT  # signed as worker only, not agreed


def test_lines_must_use_the_options_the_person_chose(setting):
    users, person, budget, outcomes, plan = setting
    choice_record(actor=users["scot_social_worker"], person=person, options=["3"],
                  decided_on=DAY, present="The person and her worker")
    add(users, plan, outcomes[0], option="1", what="Personal assistants", contingency="x")
    add(users, plan, outcomes[1])
    problems = plans.plan_problems(plan)
    assert list(problems) == ["options"]
    assert "Personal assistants is under option 1, but the person chose Option 3" in problems[
        "options"][0]


def test_agreeing_the_plan_makes_its_lines_the_services_charged_for(setting):
    from selfdirect.charging.models import PlannedService

    users, person, budget, outcomes, plan = setting
    add(users, plan, outcomes[0], what="Day centre")
    add(users, plan, outcomes[1], what="Morning personal care")
    worker, manager = users["scot_social_worker"], users["scot_team_manager"]
    plan.refresh_from_db()
    plans.plan_agree_by_person(actor=worker, plan=plan, how=AgreedHow.MEETING, on=DAY,
                               expected_version=plan.version)
    plan.refresh_from_db()
    plans.plan_sign(actor=worker, plan=plan, expected_version=plan.version)
    plan.refresh_from_db()
    plans.plan_sign(actor=manager, plan=plan, expected_version=plan.version)
    services = PlannedService.objects.filter(person=person, ends_on__isnull=True)
    assert sorted(services.values_list("description", flat=True)) == [
        "Day centre", "Morning personal care"]
    assert {s.source for s in services} == {f"support plan {plan.pk}"}
