"""The benefits check: prompts about benefits the person may be entitled to and has not
said they get, shown on the financial assessment so the worker can check them.

A benefit the person is missing leaves them poorer, and a contribution worked out without
it is worked out on too little income. The prompts come from what the assessment
records; each says why it is shown. Which disability benefit to suggest depends on the
country (Social Security Scotland or the DWP) and on whether the person is of pension
age, read from the authority's charging figures on the date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from selfdirect.authorities.models import Country
from selfdirect.authorities.policy import policy_value
from selfdirect.charging.calculation import weekly
from selfdirect.charging.catalogue import DAILY_LIVING, ExpenseKind, IncomeType
from selfdirect.charging.models import FinancialAssessment, Route
from selfdirect.charging.policy import NoChargingPolicy, charging_rules
from selfdirect.core.money import format_pounds
from selfdirect.people.models import Person

# The Pension Credit guarantee each country's figures give (single person, a week).
PENSION_CREDIT_FIGURE: dict[str, str] = {
    Country.SCOTLAND: "charging.threshold_base_pension_age_weekly",
    Country.ENGLAND: "charging.mig_pension_age_single_weekly",
}


@dataclass(frozen=True)
class BenefitPrompt:
    title: str
    detail: str


def _disability_benefit(country: str, pension_age: bool) -> str:
    if country == Country.SCOTLAND:
        return "Pension Age Disability Payment" if pension_age else "Adult Disability Payment"
    return "Attendance Allowance" if pension_age else "Personal Independence Payment"


def _pension_credit_guarantee(person: Person, on: datetime.date) -> int | None:
    key = PENSION_CREDIT_FIGURE.get(person.authority.country)
    if key is None:
        return None
    try:
        amount = policy_value(authority=person.authority, key=key, on=on)
    except KeyError:
        return None
    return amount if isinstance(amount, int) else None


def benefit_prompts(person: Person, assessment: FinancialAssessment,
                    on: datetime.date) -> list[BenefitPrompt]:
    """Benefits the person may be missing, from what ``assessment`` records on ``on``.
    None for a person who chose not to be assessed: nothing about their money is known."""
    if assessment.route == Route.DECLINED:
        return []
    incomes = list(assessment.incomes.all())
    expenses = list(assessment.expenses.all())
    income_types = {i.income_type for i in incomes}
    expense_kinds = {e.kind for e in expenses}
    country = person.authority.country
    try:
        pension_age_years: int | None = charging_rules(person.authority, on).pension_age
    except NoChargingPolicy:
        pension_age_years = None
    age = person.age_on(on)
    prompts: list[BenefitPrompt] = []

    if pension_age_years is not None:
        pension_age = age >= pension_age_years
        has_daily_living = bool(income_types & DAILY_LIVING)
        if not has_daily_living:
            benefit = _disability_benefit(country, pension_age)
            group = "of pension age" if pension_age else "of working age"
            prompts.append(BenefitPrompt(
                title=f"Check {benefit}",
                detail=(f"No disability benefit for daily living or care is recorded. The person "
                        f"is {group}, so if their condition or disability means they need help "
                        f"with daily living, they may be entitled to {benefit}.")))
        if pension_age and IncomeType.PENSION_CREDIT not in income_types:
            guarantee = _pension_credit_guarantee(person, on)
            total = sum(weekly(i.amount, i.period) for i in incomes)
            if guarantee is not None and total < guarantee:
                prompts.append(BenefitPrompt(
                    title="Check Pension Credit",
                    detail=(f"The person is of pension age, no Pension Credit is recorded, and "
                            f"the income recorded is {format_pounds(total)} a week: less than "
                            f"the Pension Credit guarantee of {format_pounds(guarantee)} a week "
                            "for a single person. They may be entitled to Pension Credit, which "
                            "can also open the door to help with rent and Council Tax.")))
        if not pension_age and has_daily_living and IncomeType.MOBILITY not in income_types:
            benefit = _disability_benefit(country, False)
            prompts.append(BenefitPrompt(
                title="Check the mobility part",
                detail=(f"The daily living part of a disability benefit is recorded but no "
                        f"mobility part. If the person finds it hard to plan or follow a "
                        f"journey, or to move around, they may be entitled to the mobility "
                        f"part of {benefit} as well.")))

    if ExpenseKind.RENT in expense_kinds and IncomeType.HOUSING_BENEFIT not in income_types:
        prompts.append(BenefitPrompt(
            title="Check Housing Benefit or the housing part of Universal Credit",
            detail=("Rent is recorded but no Housing Benefit or housing part of Universal Credit. "
                    "The person may be entitled to help with their rent.")))
    if (ExpenseKind.COUNCIL_TAX in expense_kinds
            and IncomeType.COUNCIL_TAX_REDUCTION not in income_types):
        prompts.append(BenefitPrompt(
            title="Check Council Tax Reduction",
            detail=("Council Tax is recorded but no Council Tax Reduction. The person may be "
                    "entitled to pay less Council Tax, or none.")))
    return prompts
