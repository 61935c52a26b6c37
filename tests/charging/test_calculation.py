"""Worked examples of the contribution calculation, each worked out by hand in its
comments, for Scotland's COSLA model and England's Care Act model; and the shipped
default figures read back as rules."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest

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
    needs_assessment,
    tariff_income,
    weekly,
)
from selfdirect.charging.catalogue import ExpenseKind, IncomeType, Owner, Period, ServiceType
from selfdirect.charging.policy import charging_rules, scottish_threshold

DAY = datetime.date(2025, 6, 1)
DISREGARDS = {IncomeType.MOBILITY: Decimal(100), IncomeType.EARNINGS: Decimal(100),
              IncomeType.WAR_PENSION: Decimal(100)}


SCOTTISH = ChargingRules(
    country=Country.SCOTLAND, on=DAY, pension_age=66, taper_percent=Decimal(60),
    weekly_cap=0, capital_lower=2150000, capital_upper=3500000, tariff_step=50000,
    disregard_percent=DISREGARDS, flat_rates={},
    threshold_working_age=16900, threshold_pension_age=26500,
    buffer_working_age_percent=Decimal(25), buffer_pension_age_percent=Decimal("16.5"))
ENGLISH = ChargingRules(
    country=Country.ENGLAND, on=DAY, pension_age=66, taper_percent=Decimal(100),
    weekly_cap=0, capital_lower=1425000, capital_upper=2325000, tariff_step=25000,
    disregard_percent=DISREGARDS, flat_rates={},
    mig_18_24=8915, mig_25_plus=11250, mig_pension_age=22870,
    mig_disability_premium=4965, mig_enhanced_disability_premium=2425)


def scottish(**changes) -> ChargingRules:
    return replace(SCOTTISH, **changes)


def english(**changes) -> ChargingRules:
    return replace(ENGLISH, **changes)


def service(key: str, kind: str, cost: int, option: str = "") -> ServiceFact:
    return ServiceFact(key=key, label=key, service_type=kind, weekly_cost=cost, option=option)


def steps_add_up(result) -> bool:
    return result.step_total() == result.weekly


# --- Scotland ----------------------------------------------------------------------------


def test_scottish_threshold_matches_the_published_example():
    # COSLA 2020/21: £74.35 + £34.95 = £109.30; + 25% = £136.625, published as £137.
    assert scottish_threshold(10930, Decimal(25)) == 13700
    # 2025/26 pension age: £227.10 + 16.5% = £264.5715 → £265.
    assert scottish_threshold(22710, Decimal("16.5")) == 26500


def test_scotland_working_age_with_personal_care_free_and_the_rest_tapered():
    # Income: ESA £200.00 a week, PIP daily living £72.65 a week, PIP mobility £28.70 a
    # week (not counted). Counted: £272.65. Threshold £169.00. Above: £103.65.
    # Taper 60%: £62.19. Chargeable: day service £150 + cleaning £40 = £190, so £62.19 stands.
    # Personal care £300 is free and carries no share.
    facts = Facts(age=45, incomes=(
        IncomeFact(IncomeType.ESA, 20000, Period.WEEK),
        IncomeFact(IncomeType.DAILY_LIVING_STANDARD, 7265, Period.WEEK),
        IncomeFact(IncomeType.MOBILITY, 2870, Period.WEEK)))
    plan = [service("care", ServiceType.PERSONAL_CARE, 30000, "1"),
            service("day", ServiceType.DAY_SERVICE, 15000, "3"),
            service("clean", ServiceType.DOMESTIC_HELP, 4000, "2")]
    result = calculate(scottish(), facts, plan)
    assert result.weekly == 6219
    assert result.chargeable_cost == 19000
    assert steps_add_up(result)
    shares = {s["key"]: s["charged"] for s in result.services}
    # £62.19 shared 150:40 → 4909.74p and 1309.26p: 4909 + 1309 = 6218, and the odd penny
    # goes to the larger remainder (day's 0.74 of a penny against cleaning's 0.26).
    assert shares == {"care": 0, "day": 4910, "clean": 1309}
    council = {s["key"]: s["council_pays"] for s in result.services}
    assert council == {"care": 30000, "day": 10090, "clean": 2691}


def test_scotland_pension_age_with_tariff_income_and_joint_savings():
    # State Pension £230.25 + private pension £433.33 a month (× 12 ÷ 52 = £99.999… →
    # £100.00). Savings: £30,000 joint (half counted: £15,000) + £9,001 own = £24,001.
    # Above £21,500: £2,501 → £1 for every £500 or part: 6 steps = £6.00.
    # Counted: 230.25 + 100.00 + 6.00 = £336.25. Threshold £265. Above: £71.25.
    # Taper 60%: £42.75. Cost of chargeable service: £60, so £42.75.
    facts = Facts(age=70, incomes=(
        IncomeFact(IncomeType.STATE_PENSION, 23025, Period.WEEK),
        IncomeFact(IncomeType.PRIVATE_PENSION, 43333, Period.MONTH)),
        capital=(CapitalFact(3000000, Owner.JOINT), CapitalFact(900100)))
    result = calculate(scottish(), facts, [service("day", ServiceType.DAY_SERVICE, 6000)])
    assert weekly(43333, Period.MONTH) == 10000
    assert tariff_income(scottish(), 2400100) == 600
    assert result.weekly == 4275
    assert steps_add_up(result)


def test_scotland_cap_cost_limit_and_flat_rate():
    # ESA £400 a week: £400 − £169 = £231 × 60% = £138.60. Council's weekly maximum
    # £100 → £100. Cost of the assessed service £80 → £80. Community alarm flat rate £4.50
    # on top: £84.50.
    rules = scottish(weekly_cap=10000, flat_rates={ServiceType.COMMUNITY_ALARM: 450})
    facts = Facts(age=40, incomes=(IncomeFact(IncomeType.ESA, 40000, Period.WEEK),))
    plan = [service("social", ServiceType.SOCIAL_SUPPORT, 8000),
            service("alarm", ServiceType.COMMUNITY_ALARM, 600)]
    result = calculate(rules, facts, plan)
    assert result.weekly == 8450
    assert steps_add_up(result)
    texts = [line.text for line in result.lines]
    assert any("weekly maximum" in t for t in texts)
    assert any("above the cost of the chargeable services" in t for t in texts)
    shares = {s["key"]: s["charged"] for s in result.services}
    assert shares == {"social": 8000, "alarm": 450}


def test_scotland_income_below_threshold_pays_nothing():
    # £120 Universal Credit < £169 threshold: nothing from income.
    facts = Facts(age=30, incomes=(IncomeFact(IncomeType.UNIVERSAL_CREDIT, 52000, Period.MONTH),))
    result = calculate(scottish(), facts, [service("day", ServiceType.DAY_SERVICE, 5000)])
    assert result.weekly == 0
    assert steps_add_up(result)


def test_scotland_only_free_services_needs_no_assessment_and_charges_nothing():
    plan = [service("care", ServiceType.PERSONAL_CARE, 40000),
            service("nursing", ServiceType.NURSING_CARE, 20000),
            service("carer", ServiceType.CARER_SUPPORT, 9000)]
    assert needs_assessment(scottish(), plan) is False
    rich = Facts(age=50, incomes=(IncomeFact(IncomeType.OTHER, 500000, Period.WEEK),))
    result = calculate(scottish(), rich, plan)
    assert result.weekly == 0 and result.basis == "free"
    assert all(s["charged"] == 0 for s in result.services)


def test_scotland_capital_above_the_upper_limit_and_declining_pay_the_full_cost():
    plan = [service("care", ServiceType.PERSONAL_CARE, 40000),
            service("day", ServiceType.DAY_SERVICE, 7500)]
    rich = Facts(age=50, capital=(CapitalFact(3500001),))
    result = calculate(scottish(), rich, plan)
    assert (result.basis, result.weekly) == ("capital", 7500)
    declined = calculate(scottish(), Facts(age=50, declined=True), plan)
    assert (declined.basis, declined.weekly) == ("declined", 7500)
    assert steps_add_up(result) and steps_add_up(declined)


def test_a_waiver_comes_off_and_never_below_nothing():
    facts = Facts(age=50, declined=True)
    plan = [service("day", ServiceType.DAY_SERVICE, 7500)]
    part = calculate(scottish(), facts, plan, WaiverFact(2000, "Hardship waiver"))
    assert part.weekly == 5500 and steps_add_up(part)
    whole = calculate(scottish(), facts, plan, WaiverFact(None, "Hardship waiver"))
    assert whole.weekly == 0 and steps_add_up(whole)
    more = calculate(scottish(), facts, plan, WaiverFact(999999, "Hardship waiver"))
    assert more.weekly == 0


# --- England -----------------------------------------------------------------------------


def test_england_working_age_with_premiums_housing_and_disability_related_expenses():
    # Age 30. ESA £138.20 + PIP daily living enhanced £110.40 (counted) + PIP mobility
    # £77.05 (not counted): £248.60. Allowances: MIG 25+ £112.50, disability premium
    # £49.65, enhanced disability premium £24.25 = £186.40. Rent £20 a week after Housing
    # Benefit; disability-related: extra heating £520 a year (£10.00 a week).
    # £248.60 − £186.40 − £20 − £10 = £32.20, all of it charged (taper 100%).
    facts = Facts(age=30, incomes=(
        IncomeFact(IncomeType.ESA, 13820, Period.WEEK),
        IncomeFact(IncomeType.DAILY_LIVING_ENHANCED, 11040, Period.WEEK),
        IncomeFact(IncomeType.MOBILITY, 7705, Period.WEEK)),
        expenses=(ExpenseFact(ExpenseKind.RENT, 2000, Period.WEEK),
                  ExpenseFact(ExpenseKind.DRE_HEATING, 52000, Period.YEAR)))
    # Personal care is chargeable in England.
    result = calculate(english(), facts, [service("care", ServiceType.PERSONAL_CARE, 25000)])
    assert result.weekly == 3220
    assert steps_add_up(result)


def test_england_young_adult_and_tariff_income_at_one_pound_per_250():
    # Age 20: MIG £89.15 (no disability benefit: no premium). Income: UC £100.00 a week.
    # Capital £15,000: £750 above £14,250 → 3 steps of £250 = £3.00.
    # £103.00 − £89.15 = £13.85.
    facts = Facts(age=20, incomes=(IncomeFact(IncomeType.UNIVERSAL_CREDIT, 10000, Period.WEEK),),
                  capital=(CapitalFact(1500000),))
    result = calculate(english(), facts, [service("care", ServiceType.PERSONAL_CARE, 25000)])
    assert result.weekly == 1385
    assert steps_add_up(result)


def test_england_never_more_than_the_cost_and_full_cost_above_the_capital_limit():
    facts = Facts(age=70, incomes=(IncomeFact(IncomeType.STATE_PENSION, 90000, Period.WEEK),))
    result = calculate(english(), facts, [service("care", ServiceType.PERSONAL_CARE, 12000),
                                          service("rehab", ServiceType.REABLEMENT, 30000)])
    # £900 − £228.70 far exceeds the £120 of chargeable care: £120; reablement is free.
    assert result.weekly == 12000 and result.chargeable_cost == 12000
    assert steps_add_up(result)
    above = calculate(english(), Facts(age=70, capital=(CapitalFact(2325001),)),
                      [service("care", ServiceType.PERSONAL_CARE, 12000)])
    assert (above.basis, above.weekly) == ("capital", 12000)


# --- The shipped defaults ----------------------------------------------------------------


@pytest.mark.django_db
def test_shipped_scottish_defaults_read_back_as_rules(world):
    rules = charging_rules(world.scot, datetime.date(2025, 6, 1))
    assert rules.threshold_working_age == 16900  # £135.25 + 25% = £169.06 → £169
    assert rules.threshold_pension_age == 26500  # £227.10 + 16.5% = £264.57 → £265
    assert rules.taper_percent == Decimal(60)
    assert rules.tariff_step == 50000 and rules.capital_lower == 2150000
    assert rules.disregard_percent[IncomeType.MOBILITY] == Decimal(100)
    assert rules.disregard_percent[IncomeType.STATE_PENSION] == Decimal(0)
    older = charging_rules(world.scot, datetime.date(2024, 6, 1))
    assert older.threshold_working_age == 16600  # £133.00 + 25% = £166.25 → £166
    assert all(f["source"] for f in rules.figures)


@pytest.mark.django_db
def test_shipped_english_defaults_read_back_as_rules(world):
    rules = charging_rules(world.eng, datetime.date(2025, 6, 1))
    assert (rules.mig_18_24, rules.mig_25_plus) == (8915, 11250)
    assert rules.taper_percent == Decimal(100)
    assert (rules.capital_lower, rules.capital_upper, rules.tariff_step) == (1425000, 2325000, 25000)
