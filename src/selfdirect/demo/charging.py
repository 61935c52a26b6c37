"""Demo charging: planned services, financial assessments and contributions for people in
both demo authorities, built through the real services so the workings, history and
guards all apply.

Edinburgh (COSLA model) shows: the person's own contribution with personal care free and
the rest tapered; people with only free services (never asked about money); a person who
chose not to be assessed; an assessment in progress; people waiting for one (the finance
worklist); and a hardship waiver waiting for a decision. Manchester (Care Act model)
shows the minimum income guarantee, disability-related expenditure and tariff income.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import Q

from selfdirect.charging import services
from selfdirect.charging.catalogue import (
    CapitalKind,
    ExpenseKind,
    IncomeType,
    Owner,
    Period,
    ServiceType,
)
from selfdirect.charging.models import Contribution, Route
from selfdirect.core import clock
from selfdirect.people.models import Person

# (type, description, option, £ a week as pence)
OWN_PLAN = [
    (ServiceType.PERSONAL_CARE, "Personal assistants: help to get up, wash and dress", "1", 28000),
    (ServiceType.SOCIAL_SUPPORT, "Support to go to the allotment and the library", "2", 9500),
    (ServiceType.COMMUNITY_ALARM, "Community alarm", "3", 450),
]
# Weekly incomes for the Edinburgh people assessed (type, pence, period).
SCOTTISH_INCOMES = [
    [(IncomeType.ESA, 13820, Period.WEEK), (IncomeType.DAILY_LIVING_STANDARD, 7315, Period.WEEK),
     (IncomeType.MOBILITY, 2890, Period.WEEK)],
    [(IncomeType.STATE_PENSION, 23025, Period.WEEK), (IncomeType.PRIVATE_PENSION, 61000, Period.MONTH)],
    [(IncomeType.UNIVERSAL_CREDIT, 61000, Period.MONTH)],
    [(IncomeType.STATE_PENSION, 23025, Period.WEEK), (IncomeType.DAILY_LIVING_ENHANCED, 10930, Period.WEEK)],
]
ENGLISH_INCOMES = [
    [(IncomeType.ESA, 13820, Period.WEEK), (IncomeType.DAILY_LIVING_ENHANCED, 11040, Period.WEEK),
     (IncomeType.MOBILITY, 7705, Period.WEEK)],
    [(IncomeType.STATE_PENSION, 23025, Period.WEEK), (IncomeType.PRIVATE_PENSION, 90000, Period.MONTH)],
    [(IncomeType.UNIVERSAL_CREDIT, 52000, Period.MONTH)],
]


def _start() -> datetime.date:
    today = clock.today()
    return today - datetime.timedelta(days=60)


def _plan(actor: Any, person: Person, plan: Sequence[tuple[str, str, str, int]]) -> None:
    for service_type, description, option, cost in plan:
        services.planned_service_add(actor=actor, person=person, service_type=service_type,
                                     description=description, option=option, weekly_cost=cost,
                                     starts_on=_start())


def _assess(finance: Any, person: Person, incomes: Sequence[tuple[str, int, str]], *,
            rent: int = 0, dre: int = 0, capital: int = 0, complete: bool = True) -> None:
    fa = services.financial_assessment_start(actor=finance, person=person)
    for income_type, amount, period in incomes:
        services.income_add(actor=finance, assessment=fa, income_type=income_type, amount=amount,
                            period=period, evidence_seen=True)
    if rent:
        services.expense_add(actor=finance, assessment=fa, kind=ExpenseKind.RENT, amount=rent,
                             period=Period.WEEK, evidence_seen=True)
    if dre:
        services.expense_add(actor=finance, assessment=fa, kind=ExpenseKind.DRE_HEATING,
                             amount=dre, period=Period.YEAR, note="Heating kept on all day")
    if capital:
        services.capital_add(actor=finance, assessment=fa, kind=CapitalKind.SAVINGS,
                             amount=capital, owner=Owner.PERSON, evidence_seen=True)
    services.financial_assessment_update(
        actor=finance, assessment=fa, evidence_seen="Award letters and three months of bank statements",
        benefits_check_done=True, benefits_check_notes="All benefits due are in payment.")
    if complete:
        services.financial_assessment_complete(actor=finance, assessment=fa, effective_from=_start())


def _years_ago(years: int) -> datetime.date:
    today = clock.today()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def _people(authority: Any, exclude: list[int], count: int, *,
            pension_age: bool | None = None) -> list[Person]:
    people = (Person.objects.filter(authority=authority, team__isnull=False)
              .exclude(pk__in=exclude).exclude(planned_services__isnull=False))
    if pension_age is True:
        people = people.filter(date_of_birth__lte=_years_ago(68))
    elif pension_age is False:
        people = people.filter(date_of_birth__gt=_years_ago(64), date_of_birth__lte=_years_ago(19))
    return list(people.order_by("pk")[:count])


def _pensioner(incomes: Sequence[tuple[str, int, str]]) -> bool:
    return any(income_type == IncomeType.STATE_PENSION for income_type, _, _ in incomes)


def load_demo_charging(*, authority: Any, manager: Any, finance: Any, worker: Any,
                       person_with_login: Person | None = None) -> int:
    """Load the demo for one authority; returns how many people now have planned services
    (0 when it was already loaded)."""
    if Contribution.objects.filter(authority=authority).exists():
        return 0
    scottish = authority.country == "scotland"
    used: list[int] = []
    if person_with_login is not None:
        _plan(manager, person_with_login, OWN_PLAN)
        _assess(finance, person_with_login, SCOTTISH_INCOMES[0], rent=1500, dre=41600)
        services.waiver_request(actor=person_with_login.user or manager, person=person_with_login,
                                reason="My boiler broke and the repair has left me behind on bills.",
                                starts_on=clock.today(), weekly_reduction=1000,
                                ends_on=clock.today() + datetime.timedelta(days=55))
        used.append(person_with_login.pk)
    chargeable = [(ServiceType.DAY_SERVICE, "Day centre two days a week", "3", 11000),
                  (ServiceType.DOMESTIC_HELP, "Help with housework and shopping", "2", 4200)]
    incomes = SCOTTISH_INCOMES if scottish else ENGLISH_INCOMES
    for number, person_incomes in enumerate(incomes):
        found = _people(authority, used, 1, pension_age=_pensioner(person_incomes))
        if not found:
            continue
        person = found[0]
        care = [(ServiceType.PERSONAL_CARE, "Help with personal care", "3", 21000)]
        _plan(manager, person, care + chargeable[: 1 + number % 2])
        _assess(finance, person, person_incomes, dre=26000 if number == 0 else 0,
                capital=1600000 if number == 1 else 0)
        used.append(person.pk)
    free_only = _people(authority, used, 2)
    free_plan = ([(ServiceType.PERSONAL_CARE, "Personal care morning and evening", "3", 31500),
                  (ServiceType.CARER_SUPPORT, "Short breaks for the family carer", "3", 6000)]
                 if scottish else
                 [(ServiceType.REABLEMENT, "Reablement for six weeks after hospital", "3", 31500),
                  (ServiceType.EQUIPMENT, "A hoist and a shower chair", "3", 1500)])
    for person in free_only:
        _plan(manager, person, free_plan)
        used.append(person.pk)
    declined = _people(authority, used, 1)
    for person in declined:
        _plan(manager, person, chargeable[:1])
        fa = services.financial_assessment_start(actor=finance, person=person, route=Route.DECLINED)
        services.financial_assessment_complete(actor=finance, assessment=fa, effective_from=_start())
        used.append(person.pk)
    in_progress = _people(authority, used, 1, pension_age=False)
    for person in in_progress:
        _plan(manager, person, chargeable)
        _assess(finance, person, incomes[2], complete=False)  # working-age income
        used.append(person.pk)
    waiting = _people(authority, used, 2)
    for person in waiting:
        _plan(manager, person, chargeable[1:])
        used.append(person.pk)
    return len(used)


def delete_demo_charging(*, authority_codes: list[str]) -> None:
    """Remove the charging records of the demo authorities, children first."""
    from selfdirect.charging.models import FinancialAssessment, PlannedService, Waiver

    Contribution.objects.filter(authority__code__in=authority_codes).delete()
    Waiver.objects.filter(person__authority__code__in=authority_codes).delete()
    FinancialAssessment.objects.filter(person__authority__code__in=authority_codes).delete()
    PlannedService.objects.filter(Q(person__authority__code__in=authority_codes)).delete()
