"""The contribution calculation: pure arithmetic on whole pence, with its workings.

``calculate`` takes the charging rules in force (``ChargingRules``, read from the
authority's policy figures by ``policy.charging_rules``), what the financial assessment
found (``Facts``) and the planned services, and returns the weekly contribution with the
steps that reached it. Every step is a signed line in pence, and the lines add up to the
contribution exactly: "income counted" lines are added, allowances are taken off, and a
taper, a maximum or the cost of the services each appear as the amount they take off.
Lines of kind ``total`` are running totals shown for reading; they are not added.

Rounding always favours the person: the charged part of income is rounded down to the
penny; tariff income is £1 for every step of capital *or part of a step*, as both the
COSLA guidance and the Care Act regulations say.

Scotland (COSLA guidance): threshold = benefit rate and premiums for the person's age
group + a buffer; income above it is charged at the taper. England (Care Act 2014):
income above the minimum income guarantee, less housing costs and disability-related
expenditure, is charged at the taper (up to 100%). In both: free services are never
charged; capital above the upper limit means the full charge; the contribution never goes
above the cost of the chargeable services, or above the weekly maximum if the council has
one; a flat-rate service is charged its flat rate (never more than it costs) in addition.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from selfdirect.authorities.models import Country
from selfdirect.charging.catalogue import (
    DAILY_LIVING,
    FREE_BY_LAW,
    WEEKLY_FRACTION,
    WHY_FREE,
    ExpenseKind,
    IncomeType,
    Owner,
)
from selfdirect.core.money import apply_rate, format_pounds

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ChargingRules:
    """The figures in force on one date for one authority (all money weekly pence)."""

    country: str
    on: datetime.date
    pension_age: int
    taper_percent: Decimal
    weekly_cap: int
    capital_lower: int
    capital_upper: int
    tariff_step: int
    disregard_percent: dict[str, Decimal]
    flat_rates: dict[str, int]
    # Scotland
    threshold_working_age: int = 0
    threshold_pension_age: int = 0
    buffer_working_age_percent: Decimal = Decimal(0)
    buffer_pension_age_percent: Decimal = Decimal(0)
    # England
    mig_18_24: int = 0
    mig_25_plus: int = 0
    mig_pension_age: int = 0
    mig_disability_premium: int = 0
    mig_enhanced_disability_premium: int = 0
    figures: tuple[dict[str, str], ...] = ()

    @property
    def free_types(self) -> frozenset[str]:
        return FREE_BY_LAW[self.country]


@dataclass(frozen=True)
class IncomeFact:
    income_type: str
    amount: int
    period: str
    owner: str = Owner.PERSON
    label: str = ""


@dataclass(frozen=True)
class CapitalFact:
    amount: int
    owner: str = Owner.PERSON
    label: str = ""


@dataclass(frozen=True)
class ExpenseFact:
    kind: str
    amount: int
    period: str
    label: str = ""


@dataclass(frozen=True)
class Facts:
    """What the financial assessment found. ``declined``: the person chose not to be
    assessed and pays the full charge."""

    age: int
    incomes: tuple[IncomeFact, ...] = ()
    capital: tuple[CapitalFact, ...] = ()
    expenses: tuple[ExpenseFact, ...] = ()
    declined: bool = False


@dataclass(frozen=True)
class ServiceFact:
    key: str
    label: str
    service_type: str
    weekly_cost: int
    option: str = ""


@dataclass(frozen=True)
class WaiverFact:
    weekly_reduction: int | None  # None: the whole contribution
    label: str


@dataclass(frozen=True)
class Line:
    text: str
    pence: int
    kind: str = "step"  # "step" lines add up to the contribution; "total" lines are read only

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "pence": self.pence, "kind": self.kind}


@dataclass
class Result:
    basis: str  # "assessed", "declined", "capital", "flat" or "free"
    weekly: int
    chargeable_cost: int
    lines: list[Line] = field(default_factory=list)
    services: list[dict[str, object]] = field(default_factory=list)

    def step_total(self) -> int:
        return sum(line.pence for line in self.lines if line.kind == "step")


def weekly(amount: int, period: str) -> int:
    """The weekly amount of ``amount`` pence a ``period``, to the nearest penny (half up)."""
    num, den = WEEKLY_FRACTION[period]
    return (2 * amount * num + den) // (2 * den)


def _share(pence: int, owner: str) -> int:
    """The person's share: all of their own, half of a joint one (the odd penny is theirs to keep)."""
    return pence // 2 if owner == Owner.JOINT else pence


def is_free(rules: ChargingRules, service: ServiceFact) -> bool:
    return service.service_type in rules.free_types


def flat_rate(rules: ChargingRules, service: ServiceFact) -> int:
    """The flat weekly charge for this service (0 if it is charged by assessment or free)."""
    if is_free(rules, service):
        return 0
    return min(rules.flat_rates.get(service.service_type, 0), service.weekly_cost)


def needs_assessment(rules: ChargingRules, services: list[ServiceFact]) -> bool:
    """Whether any planned service is charged by assessment. Someone with only free (or
    only flat-rate) services is never asked for a financial assessment."""
    return any(not is_free(rules, s) and flat_rate(rules, s) == 0 and s.weekly_cost > 0
               for s in services)


def tariff_income(rules: ChargingRules, capital: int) -> int:
    """£1 a week for every ``tariff_step`` of capital above the lower limit, or part of one."""
    above = capital - rules.capital_lower
    if above <= 0 or rules.tariff_step <= 0:
        return 0
    return -(-above // rules.tariff_step) * 100


def _allowance_lines(rules: ChargingRules, facts: Facts, has_daily_living: bool,
                     has_enhanced: bool) -> list[Line]:
    pension_age = facts.age >= rules.pension_age
    if rules.country == Country.SCOTLAND:
        if pension_age:
            return [Line(f"Less the threshold for pension age (the Pension Credit guarantee plus "
                         f"{rules.buffer_pension_age_percent}%)", -rules.threshold_pension_age)]
        return [Line(f"Less the threshold for working age (the benefit rate and disability "
                     f"premium plus {rules.buffer_working_age_percent}%)", -rules.threshold_working_age)]
    lines = []
    if pension_age:
        lines.append(Line("Less the minimum income guarantee for pension age", -rules.mig_pension_age))
    elif facts.age < 25:
        lines.append(Line("Less the minimum income guarantee for ages 18 to 24", -rules.mig_18_24))
    else:
        lines.append(Line("Less the minimum income guarantee for ages 25 to pension age",
                          -rules.mig_25_plus))
    if not pension_age and has_daily_living:
        lines.append(Line("Less the disability premium (a disability benefit is paid)",
                          -rules.mig_disability_premium))
    if not pension_age and has_enhanced:
        lines.append(Line("Less the enhanced disability premium", -rules.mig_enhanced_disability_premium))
    return lines


def calculate(rules: ChargingRules, facts: Facts, services: list[ServiceFact],
              waiver: WaiverFact | None = None) -> Result:
    free = [s for s in services if is_free(rules, s)]
    flat = [s for s in services if not is_free(rules, s) and flat_rate(rules, s) > 0]
    tested = [s for s in services if s not in free and s not in flat]
    tested_cost = sum(s.weekly_cost for s in tested)
    chargeable_cost = tested_cost + sum(s.weekly_cost for s in flat)
    lines: list[Line] = []
    for service in free:
        lines.append(Line(f"{service.label}: free, because {WHY_FREE[service.service_type]}", 0))

    if chargeable_cost == 0:
        lines.append(Line("Contribution a week", 0, "total"))
        return _finish(Result("free", 0, 0, lines), rules, services, 0, {}, None)

    capital = sum(_share(c.amount, c.owner) for c in facts.capital)
    basis = "assessed"
    if facts.declined:
        basis = "declined"
    elif not facts.declined and capital > rules.capital_upper > 0:
        basis = "capital"

    if not tested_cost and not facts.declined:
        basis = "flat"
    charge = 0
    if tested_cost and basis != "assessed":
        why = ("the choice was made not to have a financial assessment" if basis == "declined"
               else f"capital of {format_pounds(capital)} is above the upper limit of "
               f"{format_pounds(rules.capital_upper)}")
        lines.append(Line(f"The weekly cost of the chargeable services, because {why}", tested_cost))
        charge = tested_cost
    elif tested_cost:
        charge = _from_income(rules, facts, capital, lines)
    if tested_cost and rules.weekly_cap and charge > rules.weekly_cap:
        lines.append(Line(f"Less the part above the council's weekly maximum of "
                          f"{format_pounds(rules.weekly_cap)}", rules.weekly_cap - charge))
        charge = rules.weekly_cap
    if charge > tested_cost:
        lines.append(Line(f"Less the part above the cost of the chargeable services "
                          f"({format_pounds(tested_cost)} a week)", tested_cost - charge))
        charge = tested_cost
    flats = {}
    for service in flat:
        amount = flat_rate(rules, service)
        flats[service.key] = amount
        lines.append(Line(f"Flat-rate charge for {service.label}", amount))
    total = charge + sum(flats.values())
    applied_waiver = 0
    if waiver is not None and total > 0:
        applied_waiver = total if waiver.weekly_reduction is None else min(waiver.weekly_reduction, total)
        lines.append(Line(waiver.label, -applied_waiver))
        total -= applied_waiver
    lines.append(Line("Contribution a week", total, "total"))
    result = Result(basis, total, chargeable_cost, lines)
    return _finish(result, rules, services, charge, flats, applied_waiver)


def _from_income(rules: ChargingRules, facts: Facts, capital: int, lines: list[Line]) -> int:
    counted_total = 0
    has_daily_living = has_enhanced = False
    for income in facts.incomes:
        has_daily_living |= income.income_type in DAILY_LIVING
        has_enhanced |= income.income_type == IncomeType.DAILY_LIVING_ENHANCED
        a_week = _share(weekly(income.amount, income.period), income.owner)
        percent = rules.disregard_percent.get(income.income_type, Decimal(0))
        counted = a_week - apply_rate(a_week, percent / HUNDRED, rounding=ROUND_UP)
        label = income.label or IncomeType(income.income_type).label
        detail = " (half of a joint income)" if income.owner == Owner.JOINT else ""
        if counted == 0:
            lines.append(Line(f"{label}: {format_pounds(a_week)} a week{detail}, not counted", 0))
            continue
        if counted != a_week:
            detail += f" ({percent}% of {format_pounds(a_week)} not counted)"
        lines.append(Line(f"{label}{detail}", counted))
        counted_total += counted
    tariff = tariff_income(rules, capital) if capital else 0
    if tariff:
        lines.append(Line(f"Tariff income from capital of {format_pounds(capital)} (£1 for every "
                          f"{format_pounds(rules.tariff_step)} above {format_pounds(rules.capital_lower)})",
                          tariff))
    counted_total += tariff
    lines.append(Line("Income counted a week", counted_total, "total"))
    running = counted_total
    for line in _allowance_lines(rules, facts, has_daily_living, has_enhanced):
        lines.append(line)
        running += line.pence
    for expense in facts.expenses:
        allowed = weekly(expense.amount, expense.period)
        kind = "disability-related expense" if ExpenseKind.is_disability_related(expense.kind) else "housing cost"
        label = expense.label or ExpenseKind(expense.kind).label
        lines.append(Line(f"Less {label} ({kind})", -allowed))
        running -= allowed
    if running <= 0:
        if running < 0:
            lines.append(Line(f"Add back the {format_pounds(-running)} by which income falls short "
                              "of the allowances: nothing is charged from income", -running))
        lines.append(Line("Income above the allowances", 0, "total"))
        return 0
    lines.append(Line("Income above the allowances", running, "total"))
    charged = apply_rate(running, rules.taper_percent / HUNDRED, rounding=ROUND_DOWN)
    if charged < running:
        lines.append(Line(f"Less the part kept: the council charges {rules.taper_percent}% of it",
                          charged - running))
    return charged


def _finish(result: Result, rules: ChargingRules, services: list[ServiceFact], charge: int,
            flats: dict[str, int], waiver: int | None) -> Result:
    """Each service's share of the contribution and what the council pays: the charge from
    income is shared between the assessed services in proportion to their cost (largest
    remainder, so the shares add up exactly); a flat-rate service carries its flat rate. A
    waiver comes off the assessed share first."""
    waiver = waiver or 0
    from_tested = charge - min(waiver, charge)
    waiver_left = waiver - (charge - from_tested)
    tested = [s for s in services if not is_free(rules, s) and s.key not in flats]
    shares = _pro_rata(from_tested, [s.weekly_cost for s in tested])
    share_of = {s.key: share for s, share in zip(tested, shares, strict=True)}
    for key, amount in flats.items():
        taken = min(waiver_left, amount)
        waiver_left -= taken
        share_of[key] = amount - taken
    for service in services:
        charged = share_of.get(service.key, 0)
        council = service.weekly_cost - charged
        result.services.append({
            "key": service.key, "label": service.label, "service_type": service.service_type,
            "option": service.option, "weekly_cost": service.weekly_cost,
            "free": is_free(rules, service), "flat_rate": service.key in flats,
            "charged": charged, "council_pays": council,
        })
    return result


def _pro_rata(total: int, weights: list[int]) -> list[int]:
    whole = sum(weights)
    if not weights or whole == 0:
        return [0 for _ in weights]
    exact = [(total * w) // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: -((total * weights[i]) % whole))
    for index in remainders[: total - sum(exact)]:
        exact[index] += 1
    return exact
