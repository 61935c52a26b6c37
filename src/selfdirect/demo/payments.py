"""Demo payments: agreed plans with direct payments for a few Edinburgh people, the
council's bank details, their direct-payment accounts, a start-up sum, and this period's
payment run prepared by one finance officer, approved by the other and paid, so the
ledger, the bank files, the person's payments page and the reconciliation all have
something to show; and an agency (the demo provider login works for it) delivering 20 of
35 hours two weeks running, so the worker has a shortfall alert. Built through the real
services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from selfdirect.allocation.models import FundingStream, IndicativeBudget
from selfdirect.core import clock
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.payments import hours, runs, schedules
from selfdirect.payments.models import Originator, PaymentRun, Schedule
from selfdirect.people.models import Person
from selfdirect.planning import plans
from selfdirect.planning.models import AgreedHow, OptionChoice, SupportLine, SupportPlan
from selfdirect.planning.referrals import referral_respond, referral_send
from selfdirect.planning.services import option_choice_record
from selfdirect.providers.models import Provider, ProviderMember

# (what, who, option, funding stream, £ a week in pence, hours a week)
PLANS: list[list[tuple[str, str, str, str, int, str | None]]] = [
    [("Personal assistants: help to get up, wash and dress", "pa", "1", FundingStream.COUNCIL,
      31500, "25"),
     ("Payroll service for the PAs", "provider", "1", FundingStream.COUNCIL, 450, None),
     ("Evening support from the Independent Living Fund", "pa", "1", FundingStream.ILF,
      8820, "7")],
    [("Care at home from an agency, chosen by the person", "provider", "2",
      FundingStream.COUNCIL, 44100, "35"),
     ("A personal assistant for the weekly swim", "pa", "1", FundingStream.COUNCIL, 3780,
      "3")],
    [("Day service three days a week", "provider", "3", FundingStream.COUNCIL, 21000, None),
     ("A personal assistant for shopping and appointments", "pa", "1", FundingStream.COUNCIL,
      12600, "10")],
]


def _agreed_outcome(person: Person, worker: Any, today: datetime.date) -> PersonalOutcome:
    outcome = person.outcomes.filter(state=PersonalOutcome.State.AGREED).first()
    if outcome is not None:
        return outcome
    return PersonalOutcome.objects.create(
        person=person, in_own_words="I want to stay living in my own home and get out every day",
        state=PersonalOutcome.State.AGREED, agreed_on=today, created_by=worker)


def _agree(person: Person, lines: list[Any], worker: Any, manager: Any,
           today: datetime.date) -> SupportPlan:
    outcome = _agreed_outcome(person, worker, today)
    option_choice_record(actor=worker, person=person,
                         options=sorted({line[2] for line in lines}), decided_on=today,
                         present=f"{person.display_name} and their worker")
    plan = plans.plan_start(actor=worker, person=person)
    for what, who, option, stream, weekly, per_week in lines:
        plan.refresh_from_db()
        plans.line_add(actor=worker, plan=plan, expected_version=plan.version, outcome=outcome,
                       what=what, who_kind=who, weekly_cost=weekly, option=option,
                       funding_stream=stream,
                       hours_per_week=Decimal(per_week) if per_week is not None else None,
                       service_type="personal_care" if who == "pa" else "social_support",
                       contingency="If a PA is ill or leaves, call the support organisation "
                                   "on 0131 496 0101 for cover; family help meanwhile")
    plan.refresh_from_db()
    if plans.plan_problems(plan).get("budget"):
        plans.over_budget_decide(actor=manager, plan=plan, expected_version=plan.version,
                                 reason="Agreed at panel: needs have risen since the budget")
        plan.refresh_from_db()
    plans.plan_agree_by_person(actor=worker, plan=plan, how=AgreedHow.MEETING, on=today,
                               expected_version=plan.version)
    for actor in (worker, manager):
        plan.refresh_from_db()
        plans.plan_sign(actor=actor, plan=plan, expected_version=plan.version)
    plan.refresh_from_db()
    return plan


def load_demo_payments(*, authority: Any, worker: Any, manager: Any, finance: Any,
                       second_finance: Any, exclude: list[int],
                       provider_user: Any = None) -> int:
    """Load once; returns how many people have direct payments (0 when already loaded)."""
    if Schedule.objects.filter(authority=authority).exists():
        return 0
    today = clock.today()
    Originator.objects.get_or_create(authority=authority, defaults={
        "service_user_number": "654321", "name": "CITY OF EDINBURGH", "sort_code": "832000",
        "account_number": "00112233", "account_name": "CEC SOCIAL WORK"})
    chosen = set(OptionChoice.objects.filter(person__authority=authority)
                 .values_list("person_id", flat=True))
    # Never someone the charging demo already gave services: agreeing a plan replaces
    # them, and the demo must keep its people with only free services (never asked about
    # money) and its people waiting for a financial assessment.
    people = list(Person.objects.filter(authority=authority,
                                        budgets__state=IndicativeBudget.State.AGREED)
                  .filter(allocated_worker=worker)
                  .exclude(pk__in=[*exclude, *chosen])
                  .exclude(planned_services__isnull=False)
                  .distinct().order_by("pk")[:len(PLANS)])
    for index, (person, lines) in enumerate(zip(people, PLANS, strict=False)):
        _agree(person, lines, worker, manager, today)
        schedules.payee_account_set(
            actor=finance, person=person, account_name=f"{person.family_name.upper()} DP ACCOUNT",
            sort_code="80-22-60", account_number=f"{31926800 + index:08d}",
            effective_from=today)
    if people:
        first = people[0].payment_schedules.get(funding_stream=FundingStream.COUNCIL)
        schedules.one_off_add(actor=finance, schedule=first, amount=35000, due_on=today,
                              description="Start-up: employer's liability insurance and "
                                          "PVG checks for two PAs")
        run = runs.run_prepare(actor=finance, authority=authority, period_start=today,
                               period_end=today + datetime.timedelta(days=6), pay_on=today)
        runs.run_post(actor=second_finance, run=runs.run_approve(actor=second_finance, run=run))
    if len(people) > 1 and provider_user is not None:
        _agency_hours(people[1], worker, provider_user, today)
    return len(people)


def _agency_hours(person: Person, worker: Any, provider_user: Any,
                  today: datetime.date) -> None:
    """Scenario 7 in the demo: the agency chosen under Option 2 (35 hours a week) is
    referred, accepts, and has delivered 20 hours in each of the last two weeks: the
    worker has a shortfall alert and the person sees the money not spent."""
    line = SupportLine.objects.get(plan__person=person, plan__status=SupportPlan.Status.AGREED,
                                   option="2")
    provider = (Provider.objects.filter(frameworks__authority=person.authority_id,
                                        frameworks__on_framework=True, active=True)
                .order_by("name").first())
    if provider is None:
        return
    ProviderMember.objects.get_or_create(provider=provider, user=provider_user)
    referral = referral_send(actor=worker, line=line, provider=provider,
                             message="Mornings and evenings, seven days a week",
                             chosen_despite="Chosen by the person under Option 2")
    referral_respond(actor=provider_user, referral=referral, accept=True)
    monday = hours.monday_of(today)
    for back in (2, 1):
        hours.hours_record(actor=provider_user, line=line,
                           week_start=monday - datetime.timedelta(days=7 * back), hours="20",
                           note="Two carers off sick; no cover found")


def delete_demo_payments(*, authority_codes: list[str]) -> None:
    """Remove the payments records of the demo authorities (demo reset only: the ledger is
    otherwise never deleted, so this goes round its guard with the base manager)."""
    from selfdirect.payments import models as m

    where = {"authority__code__in": authority_codes}
    m.Line._base_manager.filter(entry__authority__code__in=authority_codes).delete()
    m.Entry._base_manager.filter(**where).delete()
    m.Account.objects.filter(**where).delete()
    m.BankFile.objects.filter(run__authority__code__in=authority_codes).delete()
    m.OneOffPayment.objects.filter(schedule__authority__code__in=authority_codes).update(
        paid_in=None)
    m.Payment.objects.filter(run__authority__code__in=authority_codes).delete()
    PaymentRun.objects.filter(**where).delete()
    by_schedule = {"schedule__authority__code__in": authority_codes}
    m.OneOffPayment.objects.filter(**by_schedule).delete()
    m.ScheduleRate.objects.filter(**by_schedule).delete()
    m.TemporarySwitch.objects.filter(**by_schedule).delete()
    m.Recovery.objects.filter(**by_schedule).delete()
    person = {"person__authority__code__in": authority_codes}
    m.StatementLine.objects.filter(statement__person__authority__code__in=authority_codes).delete()
    m.Statement.objects.filter(**person).delete()
    m.ReceiptsReturn.objects.filter(**person).delete()
    m.PayeeAccount.objects.filter(**person).delete()
    m.Schedule.objects.filter(**where).delete()
    line = {"line__plan__person__authority__code__in": authority_codes}
    m.InvoiceLine.objects.filter(**line).delete()
    m.Invoice.objects.filter(**where).delete()
    m.DeliveredHours.objects.filter(**line).delete()
    m.ShortfallAlert.objects.filter(**line).delete()
    Originator.objects.filter(**where).delete()
