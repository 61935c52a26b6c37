"""Properties of the contribution over generated incomes, capital, expenses and plans, for
both countries' models:

- never negative; never above the cost of the chargeable services;
- in Scotland never charges personal care, nursing care or support to carers (their share
  is nothing, and the contribution is no more than the other services cost);
- does not fall as assessable income rises;
- the workings' lines add up to the contribution, and the services' shares add up to it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from selfdirect.authorities.models import Country
from selfdirect.charging.calculation import (
    CapitalFact,
    ChargingRules,
    ExpenseFact,
    Facts,
    IncomeFact,
    ServiceFact,
    WaiverFact,
    calculate,
)
from selfdirect.charging.catalogue import (
    DAILY_LIVING,
    FREE_BY_LAW,
    ExpenseKind,
    IncomeType,
    Owner,
    Period,
    ServiceType,
)

DAY = datetime.date(2026, 6, 1)

rules_strategy = st.builds(
    ChargingRules,
    country=st.sampled_from([Country.SCOTLAND, Country.ENGLAND]),
    on=st.just(DAY),
    pension_age=st.integers(65, 67),
    taper_percent=st.integers(0, 100).map(Decimal),
    weekly_cap=st.one_of(st.just(0), st.integers(1, 50000)),
    capital_lower=st.integers(0, 3000000),
    capital_upper=st.integers(3000001, 5000000),
    tariff_step=st.sampled_from([25000, 50000]),
    disregard_percent=st.dictionaries(st.sampled_from(IncomeType.values),
                                      st.integers(0, 100).map(Decimal)),
    flat_rates=st.dictionaries(st.sampled_from([ServiceType.COMMUNITY_ALARM, ServiceType.MEALS,
                                                ServiceType.TRANSPORT]),
                               st.integers(0, 3000)),
    threshold_working_age=st.integers(0, 30000),
    threshold_pension_age=st.integers(0, 40000),
    mig_18_24=st.integers(0, 20000), mig_25_plus=st.integers(0, 20000),
    mig_pension_age=st.integers(0, 30000), mig_disability_premium=st.integers(0, 10000),
    mig_enhanced_disability_premium=st.integers(0, 5000),
)
incomes = st.lists(st.builds(IncomeFact, income_type=st.sampled_from(IncomeType.values),
                             amount=st.integers(1, 500000), period=st.sampled_from(Period.values),
                             owner=st.sampled_from(Owner.values)), max_size=6)
capital = st.lists(st.builds(CapitalFact, amount=st.integers(1, 4000000),
                             owner=st.sampled_from(Owner.values)), max_size=3)
expenses = st.lists(st.builds(ExpenseFact, kind=st.sampled_from(ExpenseKind.values),
                              amount=st.integers(1, 100000), period=st.sampled_from(Period.values)),
                    max_size=4)
plans = st.lists(st.builds(ServiceFact, key=st.just(""), label=st.just("service"),
                           service_type=st.sampled_from(ServiceType.values),
                           weekly_cost=st.integers(0, 200000),
                           option=st.sampled_from(["", "1", "2", "3"])),
                 min_size=1, max_size=6).map(
    lambda items: [ServiceFact(str(i), s.label, s.service_type, s.weekly_cost, s.option)
                   for i, s in enumerate(items)])
waivers = st.one_of(st.none(), st.builds(WaiverFact, weekly_reduction=st.one_of(
    st.none(), st.integers(1, 50000)), label=st.just("Hardship waiver")))
facts_strategy = st.builds(Facts, age=st.integers(18, 100), incomes=incomes.map(tuple),
                           capital=capital.map(tuple), expenses=expenses.map(tuple),
                           declined=st.booleans())


def _chargeable_cost(rules: ChargingRules, plan: list[ServiceFact]) -> int:
    return sum(s.weekly_cost for s in plan if s.service_type not in FREE_BY_LAW[rules.country])


@settings(max_examples=400, deadline=None)
@given(rules=rules_strategy, facts=facts_strategy, plan=plans, waiver=waivers)
def test_contribution_bounds_and_workings(rules, facts, plan, waiver):
    result = calculate(rules, facts, plan, waiver)
    assert 0 <= result.weekly <= _chargeable_cost(rules, plan)
    assert result.chargeable_cost == _chargeable_cost(rules, plan)
    assert result.step_total() == result.weekly
    assert sum(s["charged"] for s in result.services) == result.weekly
    for share in result.services:
        assert 0 <= share["charged"] <= share["weekly_cost"]
        assert share["charged"] + share["council_pays"] == share["weekly_cost"]
        if share["service_type"] in FREE_BY_LAW[rules.country]:
            assert share["charged"] == 0


@settings(max_examples=300, deadline=None)
@given(rules=rules_strategy, facts=facts_strategy, plan=plans)
def test_scotland_never_charges_personal_care_nursing_care_or_carer_support(rules, facts, plan):
    from dataclasses import replace

    rules = replace(rules, country=Country.SCOTLAND)
    free = {ServiceType.PERSONAL_CARE, ServiceType.NURSING_CARE, ServiceType.CARER_SUPPORT}
    result = calculate(rules, facts, plan)
    for share in result.services:
        if share["service_type"] in free:
            assert share["charged"] == 0 and share["council_pays"] == share["weekly_cost"]
    others = sum(s.weekly_cost for s in plan if s.service_type not in free)
    assert result.weekly <= others


# A new disability benefit is a change of circumstances as well as of income: under the
# Care Act it brings the disability premiums into the minimum income guarantee, which can
# outweigh a small award. Income rising means more of an income, or a new income of
# another kind.
NOT_DISABILITY_BENEFITS = [t for t in IncomeType.values if t not in DAILY_LIVING]


@settings(max_examples=400, deadline=None)
@given(rules=rules_strategy, facts=facts_strategy, plan=plans,
       extra=st.builds(IncomeFact, income_type=st.sampled_from(NOT_DISABILITY_BENEFITS),
                       amount=st.integers(1, 300000), period=st.sampled_from(Period.values),
                       owner=st.sampled_from(Owner.values)),
       raise_by=st.integers(0, 100000))
def test_contribution_does_not_fall_as_income_rises(rules, facts, plan, extra, raise_by):
    before = calculate(rules, facts, plan).weekly
    more = Facts(age=facts.age, incomes=(*facts.incomes, extra), capital=facts.capital,
                 expenses=facts.expenses, declined=facts.declined)
    assert calculate(rules, more, plan).weekly >= before
    if facts.incomes:
        first, *rest = facts.incomes
        raised = IncomeFact(first.income_type, first.amount + raise_by, first.period, first.owner)
        higher = Facts(age=facts.age, incomes=(raised, *rest), capital=facts.capital,
                       expenses=facts.expenses, declined=facts.declined)
        assert calculate(rules, higher, plan).weekly >= before
