"""The cost of employing a personal assistant lawfully: every line to the penny, the lines
add up to the total, figures read from each country's policy set, never a float."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfdirect.allocation.employer_costs import (
    build_breakdown,
    employer_costs,
    employer_rates,
    hourly_rate_pence,
    payment_amounts,
)
from selfdirect.authorities.models import PolicyFigure

pytestmark = pytest.mark.django_db

TAX_YEAR_2025 = datetime.date(2025, 6, 1)


def _amounts(breakdown):
    return {line.key: line.amount for line in breakdown.lines}


def test_a_hand_worked_example_scotland_2025_26(world):
    # 20 hours a week at £12.60, Scotland, 2025/26; no Employment Allowance; enrolled.
    #   pay          20 × 52 × 1260p                 = 1,310,400p  (£13,104.00)
    #   holiday      12.07% × 1,310,400 = 158,165.28 →   158,165p  (£1,581.65)
    #   pay + holiday                                  = 1,468,565p
    #   employer NI  15% × (1,468,565 − 500,000)
    #                = 15% × 968,565 = 145,284.75    →   145,285p  (£1,452.85)
    #   pension      3% × 1,468,565 = 44,056.95      →    44,057p  (£440.57)
    #   insurance £150.00, payroll £300.00, PVG £59.00, training £200.00
    #   management   20 hours is not above 30         →         0p
    #   total 1,310,400 + 158,165 + 145,285 + 44,057 + 15,000 + 30,000 + 5,900 + 20,000
    #                                                  = 1,728,807p (£17,288.07)
    #   start-up £400.00, separately
    #   hourly rate  1,728,807 ÷ (20 × 52 = 1,040) = 1,662.31… → 1,662p (£16.62)
    #   weekly       1,728,807 ÷ 52 = 33,246.29…     →    33,246p
    #   four-weekly  1,728,807 ÷ 13 = 132,985.15…    →   132,985p
    breakdown = employer_costs(authority=world.scot, hourly_wage_pence=1260,
                               hours_per_week=Decimal(20), on=TAX_YEAR_2025,
                               employment_allowance=False)
    assert _amounts(breakdown) == {
        "pay": 1310400, "holiday_pay": 158165, "employer_ni": 145285, "pension": 44057,
        "liability_insurance": 15000, "payroll": 30000, "check": 5900, "training": 20000,
        "management": 0,
    }
    assert breakdown.yearly_total == 1728807
    assert breakdown.start_up.amount == 40000
    assert breakdown.first_year_total == 1768807
    assert breakdown.line("check").label.startswith("PVG")
    assert breakdown.line("pay").rule == "20 hours a week × 52 weeks × £12.60 an hour"
    assert breakdown.line("holiday_pay").rule == "12.07% of pay"
    assert all(line.label and line.rule for line in (*breakdown.lines, breakdown.start_up))
    assert hourly_rate_pence(breakdown, Decimal(20)) == 1662
    amounts = payment_amounts(breakdown)
    assert (amounts.hourly, amounts.weekly, amounts.four_weekly, amounts.yearly) == (
        1662, 33246, 132985, 1728807)


def test_the_employment_allowance_wipes_out_ni_and_management_applies_above_the_threshold(world):
    # 40 hours a week at £12.60, with the Employment Allowance:
    #   pay 40 × 52 × 1260 = 2,620,800; holiday 12.07% = 316,330.56 → 316,331
    #   NI due 15% × (2,937,131 − 500,000) = 365,569.65 → 365,570, all covered by £10,500
    #   pension 3% × 2,937,131 = 88,113.93 → 88,114
    #   before management 2,620,800 + 316,331 + 0 + 88,114 + 15,000 + 30,000 + 5,900 + 20,000
    #                   = 3,096,145; management 5% = 154,807.25 → 154,807 (40 > 30 hours)
    breakdown = employer_costs(authority=world.scot, hourly_wage_pence=1260,
                               hours_per_week=Decimal(40), on=TAX_YEAR_2025,
                               employment_allowance=True)
    amounts = _amounts(breakdown)
    assert amounts["employer_ni"] == 0
    assert "£3,655.70" in breakdown.line("employer_ni").rule
    assert "Employment Allowance" in breakdown.line("employer_ni").rule
    assert amounts["pension"] == 88114
    assert amounts["management"] == 154807
    assert breakdown.yearly_total == 3096145 + 154807
    without = employer_costs(authority=world.scot, hourly_wage_pence=1260,
                             hours_per_week=Decimal(40), on=TAX_YEAR_2025,
                             employment_allowance=False, pension_enrolled=False)
    assert _amounts(without)["employer_ni"] == 365570
    assert _amounts(without)["pension"] == 0


def test_low_pay_below_the_threshold_owes_no_ni(world):
    breakdown = employer_costs(authority=world.scot, hourly_wage_pence=1260,
                               hours_per_week=Decimal(5), on=TAX_YEAR_2025,
                               employment_allowance=False)
    assert _amounts(breakdown)["employer_ni"] == 0


def test_a_wage_below_the_minimum_is_refused_naming_the_figure(world):
    with pytest.raises(ValueError, match=r"wage\.care_worker_hourly_minimum") as caught:
        employer_costs(authority=world.scot, hourly_wage_pence=1259,
                       hours_per_week=Decimal(20), on=TAX_YEAR_2025, employment_allowance=False)
    assert "£12.60" in str(caught.value)
    assert "Minimum hourly rate for adult social care workers" in str(caught.value)
    with pytest.raises(ValueError, match="National Living Wage"):
        employer_costs(authority=world.eng, hourly_wage_pence=1220,
                       hours_per_week=Decimal(20), on=TAX_YEAR_2025, employment_allowance=False)


@pytest.mark.parametrize(("wage", "hours"), [
    (12.60, Decimal(20)), (1260, 20.0), (True, Decimal(20)), ("1260", Decimal(20)),
])
def test_a_float_is_refused(world, wage, hours):
    with pytest.raises((TypeError, ValueError)):
        employer_costs(authority=world.scot, hourly_wage_pence=wage, hours_per_week=hours,
                       on=TAX_YEAR_2025, employment_allowance=False)


def test_no_hours_is_refused(world):
    with pytest.raises(ValueError, match="more than 0"):
        employer_costs(authority=world.scot, hourly_wage_pence=1260, hours_per_week=Decimal(0),
                       on=TAX_YEAR_2025, employment_allowance=False)


def test_england_uses_its_own_figures(world):
    # 20 hours at the National Living Wage £12.21: pay 20 × 52 × 1221 = 1,269,840;
    # holiday 12.07% = 153,269.688 → 153,270; the check is an enhanced DBS check at £49.50.
    breakdown = employer_costs(authority=world.eng, hourly_wage_pence=1221,
                               hours_per_week=Decimal(20), on=TAX_YEAR_2025,
                               employment_allowance=False)
    amounts = _amounts(breakdown)
    assert amounts["pay"] == 1269840
    assert amounts["holiday_pay"] == 153270
    assert amounts["check"] == 4950
    assert "DBS" in breakdown.line("check").label
    assert breakdown.yearly_total == sum(amounts.values())


def test_the_figures_in_force_on_the_date_are_used(world):
    PolicyFigure.objects.create(country="scotland", key="employer.training_annual",
                                kind="money", value="50000",
                                effective_from=datetime.date(2026, 4, 1), source="test")
    before = employer_costs(authority=world.scot, hourly_wage_pence=1260,
                            hours_per_week=Decimal(20), on=TAX_YEAR_2025,
                            employment_allowance=False)
    after = employer_costs(authority=world.scot, hourly_wage_pence=1260,
                           hours_per_week=Decimal(20), on=datetime.date(2026, 6, 1),
                           employment_allowance=False)
    assert _amounts(before)["training"] == 20000
    assert _amounts(after)["training"] == 50000


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(wage=st.integers(min_value=1260, max_value=10000),
       quarter_hours=st.integers(min_value=1, max_value=4 * 80),
       allowance=st.booleans(), enrolled=st.booleans())
def test_the_lines_always_add_up_to_the_total(world, wage, quarter_hours, allowance, enrolled):
    rates = employer_rates(authority=world.scot, on=TAX_YEAR_2025)
    hours = Decimal(quarter_hours) / 4
    breakdown = build_breakdown(rates, hourly_wage_pence=wage, hours_per_week=hours,
                                on=TAX_YEAR_2025, employment_allowance=allowance,
                                pension_enrolled=enrolled)
    assert breakdown.yearly_total == sum(line.amount for line in breakdown.lines)
    assert all(isinstance(line.amount, int) and line.amount >= 0 for line in breakdown.lines)
    assert breakdown.first_year_total == breakdown.yearly_total + breakdown.start_up.amount
    hourly = hourly_rate_pence(breakdown, hours)
    # The hourly rate is the yearly total shared over the hours, to the nearest penny.
    assert abs(hourly * hours * 52 - breakdown.yearly_total) <= hours * 26

