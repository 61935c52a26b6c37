"""What the charging rules talk about: kinds of planned service, income, capital and
expense, and which services the law makes free in each country.

Which services are free is law, not local policy, so it is code: in Scotland personal
care and nursing care (free to every adult assessed as needing them since 1 April 2019),
support to carers (Carers (Scotland) Act 2016), and reablement; in England nursing care
(NHS-funded), intermediate care and reablement, community equipment and aftercare under
section 117 of the Mental Health Act 1983. Everything a council *may* charge for, and
how, is policy data (``authorities/data/policy/<country>.yaml``, keys ``charging.*``).
"""

from __future__ import annotations

from django.db import models

from selfdirect.authorities.models import Country


class ServiceType(models.TextChoices):
    PERSONAL_CARE = "personal_care", "Personal care"
    NURSING_CARE = "nursing_care", "Nursing care"
    CARER_SUPPORT = "carer_support", "Support to a carer"
    REABLEMENT = "reablement", "Reablement or intermediate care"
    EQUIPMENT = "equipment", "Community equipment and minor adaptations"
    AFTERCARE = "aftercare", "Aftercare under section 117 of the Mental Health Act"
    DOMESTIC_HELP = "domestic_help", "Help at home (housework, shopping)"
    SOCIAL_SUPPORT = "social_support", "Support to take part in the community"
    DAY_SERVICE = "day_service", "Day service"
    HOUSING_SUPPORT = "housing_support", "Housing support"
    SHORT_BREAK = "short_break", "Short break (respite)"
    COMMUNITY_ALARM = "community_alarm", "Community alarm"
    MEALS = "meals", "Meals"
    TRANSPORT = "transport", "Transport"
    OTHER = "other", "Other support"


FREE_BY_LAW: dict[str, frozenset[str]] = {
    Country.SCOTLAND: frozenset({ServiceType.PERSONAL_CARE, ServiceType.NURSING_CARE,
                                 ServiceType.CARER_SUPPORT, ServiceType.REABLEMENT}),
    Country.ENGLAND: frozenset({ServiceType.NURSING_CARE, ServiceType.REABLEMENT,
                                ServiceType.EQUIPMENT, ServiceType.AFTERCARE}),
}

WHY_FREE: dict[str, str] = {
    ServiceType.PERSONAL_CARE: "personal care is free to every adult assessed as needing it",
    ServiceType.NURSING_CARE: "nursing care is free",
    ServiceType.CARER_SUPPORT: "support to carers is never charged for",
    ServiceType.REABLEMENT: "reablement and intermediate care are free",
    ServiceType.EQUIPMENT: "community equipment and minor adaptations are free",
    ServiceType.AFTERCARE: "aftercare under section 117 of the Mental Health Act is free",
}

# Services a council may charge a flat weekly rate for instead of by assessment:
# ``charging.flat_rate.<type>`` (0 means it is charged through the assessment like others).
FLAT_RATE_TYPES = (ServiceType.COMMUNITY_ALARM, ServiceType.MEALS, ServiceType.TRANSPORT)


class IncomeType(models.TextChoices):
    STATE_PENSION = "state_pension", "State Pension"
    PRIVATE_PENSION = "private_pension", "Private or workplace pension"
    PENSION_CREDIT = "pension_credit", "Pension Credit"
    UNIVERSAL_CREDIT = "universal_credit", "Universal Credit (not the housing part)"
    ESA = "esa", "Employment and Support Allowance"
    INCOME_SUPPORT = "income_support", "Income Support or Jobseeker's Allowance"
    DAILY_LIVING_STANDARD = "daily_living_standard", (
        "Disability benefit, care or daily living part, standard or lower rate")
    DAILY_LIVING_ENHANCED = "daily_living_enhanced", (
        "Disability benefit, care or daily living part, enhanced or higher rate")
    MOBILITY = "mobility", "Disability benefit, mobility part"
    CARER_BENEFIT = "carer_benefit", "Carer Support Payment or Carer's Allowance"
    EARNINGS = "earnings", "Earnings from work"
    WAR_PENSION = "war_pension", "War Disablement Pension or war widow's pension"
    CHILD_BENEFIT = "child_benefit", "Child Benefit or child tax credits"
    HOUSING_BENEFIT = "housing_benefit", "Housing Benefit or the housing part of Universal Credit"
    COUNCIL_TAX_REDUCTION = "council_tax_reduction", "Council Tax Reduction"
    RENTAL_INCOME = "rental_income", "Rent from a lodger or a property"
    MAINTENANCE = "maintenance", "Maintenance payments"
    OTHER = "other", "Other income"


# Disability benefits by their daily living (care) part: they bring the disability
# premium into England's minimum income guarantee and satisfy the benefits check.
DAILY_LIVING = frozenset({IncomeType.DAILY_LIVING_STANDARD, IncomeType.DAILY_LIVING_ENHANCED})


class Owner(models.TextChoices):
    PERSON = "person", "The person"
    JOINT = "joint", "Joint with a partner (half is counted)"


class Period(models.TextChoices):
    WEEK = "week", "a week"
    FORTNIGHT = "fortnight", "a fortnight"
    FOUR_WEEKS = "four_weeks", "four weeks"
    MONTH = "month", "a month"
    YEAR = "year", "a year"


# (numerator, denominator): an amount for the period × n / d is the weekly amount.
WEEKLY_FRACTION: dict[str, tuple[int, int]] = {
    Period.WEEK: (1, 1), Period.FORTNIGHT: (1, 2), Period.FOUR_WEEKS: (1, 4),
    Period.MONTH: (12, 52), Period.YEAR: (1, 52),
}


class CapitalKind(models.TextChoices):
    BANK = "bank", "Bank or building society account"
    SAVINGS = "savings", "Savings, ISAs or bonds"
    SHARES = "shares", "Shares or investments"
    PROPERTY = "property", "Property other than the home"
    OTHER = "other", "Other capital"


class ExpenseKind(models.TextChoices):
    RENT = "rent", "Rent (after Housing Benefit)"
    MORTGAGE = "mortgage", "Mortgage interest"
    COUNCIL_TAX = "council_tax", "Council Tax (after any reduction)"
    SERVICE_CHARGE = "service_charge", "Service charges for the home"
    DRE_HEATING = "dre_heating", "Extra heating or energy because of disability"
    DRE_LAUNDRY = "dre_laundry", "Extra laundry because of disability"
    DRE_DIET = "dre_diet", "Special diet"
    DRE_TRANSPORT = "dre_transport", "Transport because of disability"
    DRE_EQUIPMENT = "dre_equipment", "Equipment, its upkeep or insurance"
    DRE_CARE = "dre_care", "Care or help the person pays for privately"
    DRE_OTHER = "dre_other", "Other disability-related expense"

    @classmethod
    def is_disability_related(cls, kind: str) -> bool:
        return kind.startswith("dre_")
