"""What it costs to employ a personal assistant lawfully, as a yearly breakdown in whole pence.

Reasonable cost includes what is needed to secure the support lawfully, so a direct payment
for a personal assistant (PA) employer is more than the wage. :func:`employer_costs` reads
every rate from the authority's policy figures in force on a date
(:func:`selfdirect.authorities.policy.policy_value`) and :func:`build_breakdown` works out,
for a year of 52 weeks:

- pay: hours a week × 52 × hourly wage;
- holiday pay: the holiday percentage of pay;
- employer National Insurance: the rate × (pay + holiday pay − the yearly threshold), never
  below nothing, less the Employment Allowance (up to the National Insurance due) where the
  employer can claim it;
- pension: the minimum employer percentage of pay + holiday pay, when the PA is enrolled;
- employer's liability insurance, a payroll service, the PVG (Scotland) or DBS (England)
  check and training: yearly sums;
- management costs: a percentage of all the lines above, when the hours a week are above
  the authority's threshold.

The one-off start-up sum is shown separately and is not part of the yearly total. Every
rounding is half-up to the penny (:func:`selfdirect.core.money.apply_rate`); the yearly
total is exactly the sum of the yearly lines. No float anywhere: a float wage or number of
hours is refused.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from selfdirect.authorities.models import Authority
from selfdirect.authorities.policy import definitions, policy_value
from selfdirect.core.money import apply_rate, format_pounds

HUNDRED = Decimal(100)
WEEKS_A_YEAR = 52
FOUR_WEEK_PERIODS_A_YEAR = 13
MINIMUM_WAGE_KEY = "wage.care_worker_hourly_minimum"
CHECK_KEYS = ("employer.pvg_check_cost", "employer.dbs_check_cost")


@dataclass(frozen=True)
class EmployerRates:
    """The figures the breakdown uses: money in whole pence, percentages as ``Decimal``
    (``Decimal("12.07")`` for 12.07%), the hours threshold as a whole number."""

    minimum_wage: int
    minimum_wage_label: str
    holiday_pay_percent: Decimal
    ni_rate_percent: Decimal
    ni_threshold_annual: int
    employment_allowance_annual: int
    pension_minimum_percent: Decimal
    liability_insurance_annual: int
    payroll_service_annual: int
    check_key: str
    check_label: str
    check_cost: int
    training_annual: int
    start_up_one_off: int
    management_percent: Decimal
    management_hours_threshold_weekly: int


@dataclass(frozen=True)
class CostLine:
    """One line of the breakdown: what it is, how much (whole pence) and the rule used."""

    key: str
    label: str
    amount: int
    rule: str


@dataclass(frozen=True)
class EmployerCostBreakdown:
    """A year's cost of employing a PA. ``yearly_total`` is exactly the sum of ``lines``;
    ``start_up`` is paid once and is not in the yearly total."""

    hourly_wage_pence: int
    hours_per_week: Decimal
    on: datetime.date
    lines: tuple[CostLine, ...]
    start_up: CostLine
    yearly_total: int

    def line(self, key: str) -> CostLine:
        for item in self.lines:
            if item.key == key:
                return item
        if key == self.start_up.key:
            return self.start_up
        raise KeyError(key)

    @property
    def first_year_total(self) -> int:
        """The yearly total plus the one-off start-up sum."""
        return self.yearly_total + self.start_up.amount


@dataclass(frozen=True)
class PaymentAmounts:
    """The direct payment for a breakdown: the all-in hourly rate, and the yearly total
    shared into weeks (÷ 52) and four-weekly periods (÷ 13), each rounded half-up."""

    hourly: int
    weekly: int
    four_weekly: int
    yearly: int


def _check_pence(value: Any, what: str) -> int:
    if isinstance(value, float):
        raise TypeError(f"{what} must not be a float: pass whole pence as an int")
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be whole pence (int)")
    return value


def _check_hours(value: Any) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Hours a week must not be a float: pass a Decimal")
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError("Hours a week must be a Decimal")
    hours = Decimal(value)
    if not hours.is_finite() or hours <= 0:
        raise ValueError("Hours a week must be more than 0")
    return hours


def _divide_half_up(numerator: int, denominator: int) -> int:
    """``numerator ÷ denominator`` rounded half-up to a whole number (both 0 or more)."""
    if denominator <= 0 or numerator < 0:
        raise ValueError("Only amounts of 0 or more are shared out")
    return (2 * numerator + denominator) // (2 * denominator)


def _percent(value: Decimal) -> str:
    return f"{format(value.normalize(), 'f')}%"


def _hours(value: Decimal) -> str:
    return format(value.normalize(), "f")


def build_breakdown(rates: EmployerRates, *, hourly_wage_pence: int, hours_per_week: Decimal,
                    on: datetime.date, employment_allowance: bool,
                    pension_enrolled: bool = True) -> EmployerCostBreakdown:
    """The breakdown from ``rates`` (pure: no database). See the module docstring."""
    wage = _check_pence(hourly_wage_pence, "The hourly wage")
    hours = _check_hours(hours_per_week)
    if wage < rates.minimum_wage:
        raise ValueError(
            f"The hourly wage {format_pounds(wage)} is below the "
            f"{rates.minimum_wage_label} ({MINIMUM_WAGE_KEY}) of "
            f"{format_pounds(rates.minimum_wage)} on {on}")

    gross = apply_rate(wage, hours * WEEKS_A_YEAR)
    holiday = apply_rate(gross, rates.holiday_pay_percent / HUNDRED)
    pay_and_holiday = gross + holiday
    ni_due = max(0, apply_rate(pay_and_holiday - rates.ni_threshold_annual,
                               rates.ni_rate_percent / HUNDRED))
    ni_rule = (f"{_percent(rates.ni_rate_percent)} of pay and holiday pay above "
               f"{format_pounds(rates.ni_threshold_annual)} a year")
    if employment_allowance:
        allowance_used = min(rates.employment_allowance_annual, ni_due)
        ni = ni_due - allowance_used
        ni_rule += (f" ({format_pounds(ni_due)}), less the Employment Allowance of up to "
                    f"{format_pounds(rates.employment_allowance_annual)} "
                    f"({format_pounds(allowance_used)} used)")
    else:
        ni = ni_due
        ni_rule += "; the employer cannot claim the Employment Allowance"
    if pension_enrolled:
        pension = apply_rate(pay_and_holiday, rates.pension_minimum_percent / HUNDRED)
        pension_rule = f"{_percent(rates.pension_minimum_percent)} of pay and holiday pay"
    else:
        pension = 0
        pension_rule = "The personal assistant is not enrolled in a workplace pension"

    lines = [
        CostLine("pay", "Pay", gross,
                 f"{_hours(hours)} hours a week × {WEEKS_A_YEAR} weeks × {format_pounds(wage)} "
                 "an hour"),
        CostLine("holiday_pay", "Holiday pay", holiday,
                 f"{_percent(rates.holiday_pay_percent)} of pay"),
        CostLine("employer_ni", "Employer National Insurance", ni, ni_rule),
        CostLine("pension", "Workplace pension (employer contribution)", pension, pension_rule),
        CostLine("liability_insurance", "Employer's liability insurance",
                 rates.liability_insurance_annual, "The authority's yearly figure"),
        CostLine("payroll", "Payroll service", rates.payroll_service_annual,
                 "The authority's yearly figure"),
        CostLine("check", rates.check_label, rates.check_cost,
                 "The national fee, allowed each year for new or replacement staff"),
        CostLine("training", "Training", rates.training_annual, "The authority's yearly figure"),
    ]
    subtotal = sum(item.amount for item in lines)
    threshold = rates.management_hours_threshold_weekly
    if hours > threshold:
        management = apply_rate(subtotal, rates.management_percent / HUNDRED)
        management_rule = (f"{_percent(rates.management_percent)} of the costs above "
                           f"({format_pounds(subtotal)}), for more than {threshold} hours a week")
    else:
        management = 0
        management_rule = f"Only for packages of more than {threshold} hours a week"
    lines.append(CostLine("management", "Management costs", management, management_rule))

    start_up = CostLine("start_up", "One-off start-up sum", rates.start_up_one_off,
                        "The authority's one-off figure, paid once and not every year")
    return EmployerCostBreakdown(
        hourly_wage_pence=wage, hours_per_week=hours, on=on, lines=tuple(lines),
        start_up=start_up, yearly_total=sum(item.amount for item in lines))


def employer_rates(*, authority: Authority, on: datetime.date) -> EmployerRates:
    """Every figure the breakdown needs, as in force for ``authority`` on ``on``."""
    defs = definitions(authority.country)

    def value(key: str) -> Any:
        return policy_value(authority=authority, key=key, on=on)

    check_key = next((key for key in CHECK_KEYS if key in defs), None)
    if check_key is None:
        raise KeyError(f"{authority.country} defines no PVG or DBS check figure")
    return EmployerRates(
        minimum_wage=value(MINIMUM_WAGE_KEY),
        minimum_wage_label=defs[MINIMUM_WAGE_KEY].label,
        holiday_pay_percent=value("employer.holiday_pay_percent"),
        ni_rate_percent=value("employer.ni_rate_percent"),
        ni_threshold_annual=value("employer.ni_threshold_annual"),
        employment_allowance_annual=value("employer.employment_allowance_annual"),
        pension_minimum_percent=value("employer.pension_minimum_percent"),
        liability_insurance_annual=value("employer.liability_insurance_annual"),
        payroll_service_annual=value("employer.payroll_service_annual"),
        check_key=check_key,
        check_label=defs[check_key].label,
        check_cost=value(check_key),
        training_annual=value("employer.training_annual"),
        start_up_one_off=value("employer.start_up_one_off"),
        management_percent=value("employer.management_percent"),
        management_hours_threshold_weekly=value("employer.management_hours_threshold_weekly"),
    )


def employer_costs(*, authority: Authority, hourly_wage_pence: int, hours_per_week: Decimal,
                   on: datetime.date, employment_allowance: bool,
                   pension_enrolled: bool = True) -> EmployerCostBreakdown:
    """A year's cost of employing a PA for ``authority``, with the figures in force on ``on``.

    Raises ``ValueError`` naming ``wage.care_worker_hourly_minimum`` for a wage below it,
    ``TypeError`` for a float wage or number of hours."""
    _check_pence(hourly_wage_pence, "The hourly wage")
    _check_hours(hours_per_week)
    return build_breakdown(
        employer_rates(authority=authority, on=on), hourly_wage_pence=hourly_wage_pence,
        hours_per_week=hours_per_week, on=on, employment_allowance=employment_allowance,
        pension_enrolled=pension_enrolled)


def hourly_rate_pence(breakdown: EmployerCostBreakdown, hours_per_week: Decimal) -> int:
    """The all-in direct-payment hourly rate: the yearly total (without the start-up sum)
    ÷ (hours a week × 52), rounded half-up to the penny. Exact: the hours are turned into a
    fraction of whole numbers, so no rounding happens before the last step."""
    hours = _check_hours(hours_per_week)
    numerator, denominator = hours.as_integer_ratio()
    return _divide_half_up(breakdown.yearly_total * denominator, numerator * WEEKS_A_YEAR)


def payment_amounts(breakdown: EmployerCostBreakdown,
                    hours_per_week: Decimal | None = None) -> PaymentAmounts:
    """The hourly rate and the weekly, four-weekly and yearly amounts of the direct payment
    (the start-up sum is paid once, on top)."""
    hours = breakdown.hours_per_week if hours_per_week is None else hours_per_week
    yearly = breakdown.yearly_total
    return PaymentAmounts(
        hourly=hourly_rate_pence(breakdown, hours),
        weekly=_divide_half_up(yearly, WEEKS_A_YEAR),
        four_weekly=_divide_half_up(yearly, FOUR_WEEK_PERIODS_A_YEAR),
        yearly=yearly)
