"""The benefits-check prompts: each rule shown when the person may be missing the
benefit, and not shown when what is recorded says they are not."""

from __future__ import annotations

import datetime

import pytest

from selfdirect.charging import services
from selfdirect.charging.benefits import benefit_prompts
from selfdirect.charging.catalogue import ExpenseKind, IncomeType, Period, ServiceType
from selfdirect.charging.models import Route
from tests.factories import PersonFactory

ON = datetime.date(2026, 11, 25)
WORKING_AGE = datetime.date(1980, 5, 1)  # 46 on ON
PENSION_AGE = datetime.date(1950, 5, 1)  # 76 on ON: over the pension age of 66


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: ON)
    monkeypatch.setattr(services.timezone, "localdate", lambda *a: ON)
    return ON


@pytest.fixture
def assess(world, today):
    """A financial assessment for a new person: ``assess(country, born, incomes, expenses)``,
    incomes as (type, weekly pence) and expenses as kinds (£10 a week each)."""

    def make(country="scotland", born=WORKING_AGE, incomes=(), expenses=(), route=Route.FULL):
        prefix = "scot" if country == "scotland" else "eng"
        authority = world.scot if country == "scotland" else world.eng
        team = world.scot_team if country == "scotland" else world.eng_team
        person = PersonFactory(authority=authority, team=team, date_of_birth=born,
                               allocated_worker=world.user(f"{prefix}_social_worker"))
        services.planned_service_add(actor=world.user(f"{prefix}_social_worker"), person=person,
                                     service_type=ServiceType.DAY_SERVICE,
                                     description="Day centre", weekly_cost=9000, starts_on=ON)
        finance = world.user(f"{prefix}_finance_officer")
        assessment = services.financial_assessment_start(actor=finance, person=person,
                                                         route=route)
        for income_type, amount in incomes:
            services.income_add(actor=finance, assessment=assessment, income_type=income_type,
                                amount=amount, period=Period.WEEK)
        for kind in expenses:
            services.expense_add(actor=finance, assessment=assessment, kind=kind, amount=1000,
                                 period=Period.WEEK)
        return person, assessment

    return make


def titles(person, assessment):
    return [p.title for p in benefit_prompts(person, assessment, ON)]


DAILY_LIVING = (IncomeType.DAILY_LIVING_STANDARD, 7290)
MOBILITY = (IncomeType.MOBILITY, 2890)


# (a) The disability benefit for daily living, by country and age group.

@pytest.mark.parametrize(("country", "born", "benefit"), [
    ("scotland", WORKING_AGE, "Adult Disability Payment"),
    ("scotland", PENSION_AGE, "Pension Age Disability Payment"),
    ("england", WORKING_AGE, "Personal Independence Payment"),
    ("england", PENSION_AGE, "Attendance Allowance"),
])
def test_no_daily_living_part_prompts_the_right_disability_benefit(assess, country, born, benefit):
    person, assessment = assess(country, born, incomes=[(IncomeType.PENSION_CREDIT, 30000)])
    prompts = benefit_prompts(person, assessment, ON)
    assert f"Check {benefit}" in [p.title for p in prompts]
    detail = next(p.detail for p in prompts if p.title == f"Check {benefit}")
    assert "No disability benefit for daily living or care is recorded" in detail


@pytest.mark.parametrize("country", ["scotland", "england"])
@pytest.mark.parametrize("born", [WORKING_AGE, PENSION_AGE])
def test_a_daily_living_part_recorded_needs_no_disability_benefit_prompt(assess, country, born):
    person, assessment = assess(country, born, incomes=[DAILY_LIVING, MOBILITY,
                                                        (IncomeType.PENSION_CREDIT, 30000)])
    assert not [t for t in titles(person, assessment)
                if t.endswith(("Disability Payment", "Independence Payment", "Allowance"))]


# (b) Pension Credit, for people of pension age with little income.

@pytest.mark.parametrize(("country", "guarantee"), [("scotland", 22710), ("england", 22870)])
def test_pension_age_income_below_the_guarantee_prompts_pension_credit(assess, country, guarantee):
    person, assessment = assess(country, PENSION_AGE,
                                incomes=[(IncomeType.STATE_PENSION, guarantee - 1)])
    prompts = benefit_prompts(person, assessment, ON)
    assert "Check Pension Credit" in [p.title for p in prompts]
    detail = next(p.detail for p in prompts if p.title == "Check Pension Credit")
    assert "of pension age" in detail and "less than the Pension Credit guarantee" in detail


@pytest.mark.parametrize(("country", "guarantee"), [("scotland", 22710), ("england", 22870)])
def test_pension_age_income_at_the_guarantee_needs_no_pension_credit_prompt(assess, country,
                                                                            guarantee):
    person, assessment = assess(country, PENSION_AGE,
                                incomes=[(IncomeType.STATE_PENSION, guarantee)])
    assert "Check Pension Credit" not in titles(person, assessment)


def test_pension_credit_recorded_or_working_age_needs_no_pension_credit_prompt(assess):
    person, assessment = assess("scotland", PENSION_AGE,
                                incomes=[(IncomeType.STATE_PENSION, 10000),
                                         (IncomeType.PENSION_CREDIT, 5000)])
    assert "Check Pension Credit" not in titles(person, assessment)
    person, assessment = assess("scotland", WORKING_AGE, incomes=[(IncomeType.ESA, 5000)])
    assert "Check Pension Credit" not in titles(person, assessment)


# (c) The mobility part, for people of working age with the daily living part.

def test_daily_living_without_mobility_prompts_the_mobility_part(assess):
    person, assessment = assess("scotland", WORKING_AGE, incomes=[DAILY_LIVING])
    prompts = benefit_prompts(person, assessment, ON)
    mobility = next(p for p in prompts if p.title == "Check the mobility part")
    assert "Adult Disability Payment" in mobility.detail


def test_mobility_recorded_or_pension_age_needs_no_mobility_prompt(assess):
    person, assessment = assess("england", WORKING_AGE, incomes=[DAILY_LIVING, MOBILITY])
    assert "Check the mobility part" not in titles(person, assessment)
    person, assessment = assess("england", PENSION_AGE,
                                incomes=[DAILY_LIVING, (IncomeType.PENSION_CREDIT, 30000)])
    assert "Check the mobility part" not in titles(person, assessment)
    person, assessment = assess("england", WORKING_AGE)  # no disability benefit at all
    assert "Check the mobility part" not in titles(person, assessment)


# (d) Help with rent.

def test_rent_without_housing_benefit_prompts_housing_benefit(assess):
    person, assessment = assess(expenses=[ExpenseKind.RENT])
    prompts = benefit_prompts(person, assessment, ON)
    housing = next(p for p in prompts if p.title.startswith("Check Housing Benefit"))
    assert "Rent is recorded" in housing.detail


def test_housing_benefit_recorded_or_no_rent_needs_no_housing_prompt(assess):
    person, assessment = assess(expenses=[ExpenseKind.RENT],
                                incomes=[(IncomeType.HOUSING_BENEFIT, 9000)])
    assert not [t for t in titles(person, assessment) if "Housing Benefit" in t]
    person, assessment = assess(expenses=[ExpenseKind.MORTGAGE])
    assert not [t for t in titles(person, assessment) if "Housing Benefit" in t]


# (e) Council Tax Reduction.

def test_council_tax_without_a_reduction_prompts_council_tax_reduction(assess):
    person, assessment = assess(expenses=[ExpenseKind.COUNCIL_TAX])
    prompts = benefit_prompts(person, assessment, ON)
    reduction = next(p for p in prompts if p.title == "Check Council Tax Reduction")
    assert "Council Tax is recorded" in reduction.detail


def test_council_tax_reduction_recorded_or_no_council_tax_needs_no_prompt(assess):
    person, assessment = assess(expenses=[ExpenseKind.COUNCIL_TAX],
                                incomes=[(IncomeType.COUNCIL_TAX_REDUCTION, 500)])
    assert "Check Council Tax Reduction" not in titles(person, assessment)
    person, assessment = assess(expenses=[ExpenseKind.RENT])
    assert "Check Council Tax Reduction" not in titles(person, assessment)


def test_everything_in_place_gives_no_prompts(assess):
    person, assessment = assess("scotland", WORKING_AGE,
                                incomes=[DAILY_LIVING, MOBILITY, (IncomeType.HOUSING_BENEFIT, 9000),
                                         (IncomeType.COUNCIL_TAX_REDUCTION, 500)],
                                expenses=[ExpenseKind.RENT, ExpenseKind.COUNCIL_TAX])
    assert titles(person, assessment) == []


def test_a_person_who_declined_is_given_no_prompts(assess):
    person, assessment = assess(route=Route.DECLINED)
    assert titles(person, assessment) == []
