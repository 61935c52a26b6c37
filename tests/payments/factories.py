"""Set-ups the payments tests share: an agreed plan through the real services, the
authority's bank details, a person's direct-payment account, and schedules made quickly
for tests that need many."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from selfdirect.allocation import services as allocation
from selfdirect.allocation.models import FundingStream, IndicativeBudget
from selfdirect.core import clock
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.payments import schedules
from selfdirect.payments.models import Originator, PayeeAccount, Schedule, ScheduleRate
from selfdirect.planning import plans
from selfdirect.planning.models import AgreedHow, SupportPlan
from selfdirect.planning.services import option_choice_record
from tests.allocation.matrix_budget import make_budget

# Plans are agreed today (``plans.plan_sign`` uses the current date), so schedules start
# today and the tests pay from today.
DAY = clock.today()


def originator(authority) -> Originator:
    return Originator.objects.get_or_create(authority=authority, defaults={
        "service_user_number": "123456", "name": "CITY COUNCIL SDS", "sort_code": "800001",
        "account_number": "10203040", "account_name": "CITY COUNCIL"})[0]


def payee(users, person, *, on=DAY - datetime.timedelta(days=28)) -> PayeeAccount:
    return schedules.payee_account_set(
        actor=users["scot_finance_officer"], person=person, account_name="A PERSON DP ACCOUNT",
        sort_code="12-34-56", account_number="12345678", effective_from=on)


def agreed_plan(users, person, lines: Sequence[tuple[str, int, str]], *,
                on=DAY) -> SupportPlan:
    """An agreed plan whose lines are (option, weekly cost in pence, funding stream), each
    serving the person's one agreed outcome, agreed through the planning services."""
    if not IndicativeBudget.objects.filter(person=person,
                                           state=IndicativeBudget.State.AGREED).exists():
        budget = make_budget(users, person)
        allocation.budget_propose(actor=users["scot_social_worker"], budget=budget)
        allocation.budget_agree(actor=users["scot_team_manager"], budget=budget,
                                reason="Meets the assessed needs")
    outcome = PersonalOutcome.objects.filter(person=person,
                                             state=PersonalOutcome.State.AGREED).first()
    if outcome is None:
        outcome = PersonalOutcome.objects.create(
            person=person, in_own_words="I want to stay living at home", agreed_on=on,
            state=PersonalOutcome.State.AGREED, created_by=users["scot_social_worker"])
    options = sorted({option for option, _cost, _stream in lines})
    option_choice_record(actor=users["scot_social_worker"], person=person, options=options,
                         decided_on=on, present="The person and their worker")
    worker, manager = users["scot_social_worker"], users["scot_team_manager"]
    plan = plans.plan_start(actor=worker, person=person)
    for index, (option, cost, stream) in enumerate(lines):
        plan.refresh_from_db()
        plans.line_add(actor=worker, plan=plan, expected_version=plan.version, outcome=outcome,
                       what=f"Support {index + 1}", who_kind="pa" if option == "1" else "provider",
                       weekly_cost=cost, option=option, funding_stream=stream,
                       service_type="personal_care",
                       contingency="Call the agency on 0131 496 0000 for cover")
    plan.refresh_from_db()
    if plans.plan_problems(plan).get("budget"):
        plans.over_budget_decide(actor=manager, plan=plan, reason="Agreed at panel",
                                 expected_version=plan.version)
        plan.refresh_from_db()
    plans.plan_agree_by_person(actor=worker, plan=plan, how=AgreedHow.MEETING, on=on,
                               expected_version=plan.version)
    for actor in (worker, manager):
        plan.refresh_from_db()
        plans.plan_sign(actor=actor, plan=plan, expected_version=plan.version)
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.AGREED
    return plan


def quick_schedule(person, actor, *, weekly: int, starts_on=DAY,
                   stream=FundingStream.COUNCIL) -> Schedule:
    """A schedule with one rate, straight into the database (for tests of many people)."""
    schedule = Schedule.objects.create(person=person, authority_id=person.authority_id,
                                       funding_stream=stream, starts_on=starts_on,
                                       created_by=actor)
    ScheduleRate.objects.create(schedule=schedule, effective_from=starts_on,
                                weekly_gross=weekly, reason="Test", recorded_by=actor)
    return schedule
