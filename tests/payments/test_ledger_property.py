"""A property test: random direct-payment schedules, random changes between runs (rates,
backdated or not; contributions; switches to council cover) and a run for each period.
Whatever happens, the ledger balances, each schedule is paid at most once a period, each
person's direct-payment account holds exactly what was paid, and what was settled equals
what the final inputs make due (less anything still owed back)."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfdirect.allocation.models import FundingStream
from selfdirect.authorities.models import Role
from selfdirect.charging.models import Contribution
from selfdirect.payments import ledger, runs, schedules
from selfdirect.payments.models import AccountKind, PayeeAccount, Payment, TemporarySwitch
from selfdirect.planning import plans
from selfdirect.planning.models import SupportLine
from tests.factories import PersonFactory, staff
from tests.payments.factories import DAY, originator, quick_schedule

PERIOD = datetime.timedelta(days=28)

change = st.one_of(
    st.tuples(st.just("rate"), st.integers(0, 60), st.integers(0, 80_000)),
    st.tuples(st.just("contribution"), st.integers(0, 60), st.integers(0, 40_000)),
    st.tuples(st.just("switch"), st.integers(0, 60), st.integers(1, 20)),
)
person_plan = st.tuples(
    st.sampled_from([FundingStream.COUNCIL, FundingStream.ILF]),
    st.integers(1, 90_000),
    st.lists(st.lists(change, max_size=3), min_size=1, max_size=3),  # changes before each run
)


@pytest.fixture
def finance(cast):
    users, person = cast
    originator(person.authority)
    second = staff(person.authority, Role.FINANCE_OFFICER, None, username="second_finance")
    plan = plans.plan_start(actor=users["scot_social_worker"], person=person)
    line = SupportLine.objects.create(plan=plan, what="PA support", who_kind="pa",
                                      weekly_cost=20_000, option="1",
                                      service_type="personal_care")
    return users, person.authority, second, line


@pytest.mark.django_db
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(people=st.lists(person_plan, min_size=1, max_size=4))
def test_random_plans_changes_and_runs_keep_the_ledger_whole(finance, people):
    users, authority, second, line = finance
    officer = users["scot_finance_officer"]
    with transaction.atomic():
        made = []
        for index, (stream, weekly, _changes) in enumerate(people):
            person = PersonFactory(authority=authority,
                                   date_of_birth=datetime.date(1950, 1, 1 + index))
            PayeeAccount.objects.create(person=person, account_name="DP ACCOUNT",
                                        sort_code="123456", account_number="12345678",
                                        effective_from=DAY - PERIOD, recorded_by=officer)
            made.append(quick_schedule(person, officer, weekly=weekly, stream=stream))
        rounds = max(len(changes) for _s, _w, changes in people)
        for number in range(rounds):
            for schedule, (_stream, _weekly, changes) in zip(made, people, strict=True):
                for kind, offset, value in (changes[number] if number < len(changes) else []):
                    day = DAY + datetime.timedelta(days=offset)
                    if kind == "rate":
                        schedules._rate(actor=officer, schedule=schedule, on=day, weekly=value,
                                        plan=None, reason="Changed")
                    elif kind == "contribution":
                        Contribution.objects.create(
                            person=schedule.person, authority=authority, basis="assessed",
                            weekly_amount=value, chargeable_cost=value, effective_from=day,
                            reason="Assessed", calculated_by=officer)
                    else:
                        TemporarySwitch.objects.create(
                            line=line, schedule=schedule, weekly_amount=line.weekly_cost,
                            starts_on=day, ends_on=day + datetime.timedelta(days=value),
                            reason="PA left", cover="Agency cover", started_by=officer)
            start = DAY + number * PERIOD
            run = runs.run_prepare(actor=officer, authority=authority, period_start=start,
                                   period_end=start + datetime.timedelta(days=6), pay_on=DAY)
            run = runs.run_approve(actor=second, run=run)
            runs.run_post(actor=officer, run=run, batch=3)

        assert ledger.ledger_problems() == []
        inputs = schedules.load_inputs(made)
        held = ledger.person_balances(authority_id=authority.pk,
                                      person_ids=[s.person_id for s in made])
        for schedule in made:
            paid = list(Payment.objects.filter(schedule=schedule).order_by("period_start"))
            assert len({p.period_start for p in paid}) == len(paid) == rounds
            settled = sum(p.amount - p.one_offs for p in paid)
            due_now = sum(inputs[schedule.pk].period(p.period_start, p.period_end).net
                          for p in paid)
            assert settled - paid[-1].carried == due_now
            assert held.get((schedule.person_id, AccountKind.DIRECT_PAYMENT), 0) == sum(
                p.amount for p in paid)
        transaction.set_rollback(True)
