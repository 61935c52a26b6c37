"""A person's contribution through its life: services planned, an assessment, changes of
circumstances, the yearly uprating and a hardship waiver, each keeping the past."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from selfdirect.authorities.services import policy_figure_set
from selfdirect.charging import services
from selfdirect.charging.catalogue import IncomeType, Period, ServiceType
from selfdirect.charging.jobs import RECALCULATE
from selfdirect.charging.models import Basis, Contribution, FinancialAssessment, Route
from selfdirect.jobs.models import Job
from tests.factories import PersonFactory
from tests.jobs_helpers import finished, run_jobs

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: TODAY)
    monkeypatch.setattr(services.timezone, "localdate", lambda *a: TODAY)
    return TODAY


@pytest.fixture
def person(world):
    # Working age on every date used here (born 1980).
    return PersonFactory(authority=world.scot, team=world.scot_team,
                         allocated_worker=world.user("scot_social_worker"),
                         date_of_birth=datetime.date(1980, 5, 1))


def test_only_free_services_never_asks_for_an_assessment(world, person, today):
    worker = world.user("scot_social_worker")
    services.planned_service_add(actor=worker, person=person, service_type=ServiceType.PERSONAL_CARE,
                                 description="Help to wash and dress", weekly_cost=35000,
                                 starts_on=today)
    services.planned_service_add(actor=worker, person=person, service_type=ServiceType.CARER_SUPPORT,
                                 description="Short break for her husband", weekly_cost=8000,
                                 starts_on=today)
    assert services.assessment_needed(person) is False
    with pytest.raises(ValidationError) as caught:
        services.financial_assessment_start(actor=world.user("scot_finance_officer"), person=person)
    assert "No financial assessment is needed" in str(caught.value)
    assert not FinancialAssessment.objects.filter(person=person).exists()
    result = services.preview(person, today)
    assert result.weekly == 0 and result.basis == Basis.FREE


def test_assessment_then_change_of_income_keeps_the_past(world, person, today):
    worker = world.user("scot_social_worker")
    finance = world.user("scot_finance_officer")
    services.planned_service_add(actor=worker, person=person, service_type=ServiceType.SOCIAL_SUPPORT,
                                 description="Support to go swimming", weekly_cost=9000,
                                 starts_on=today)
    assert services.assessment_needed(person) is True
    fa = services.financial_assessment_start(actor=finance, person=person)
    services.income_add(actor=finance, assessment=fa, income_type=IncomeType.ESA, amount=20000,
                        period=Period.WEEK)
    services.financial_assessment_update(actor=finance, assessment=fa, benefits_check_done=True)
    first = services.financial_assessment_complete(actor=finance, assessment=fa)
    assert len(first) == 1
    contribution = first[0]
    # 2025/26 working age threshold: £135.25 + 25% = £169.0625, published as £169.
    # £200 − £169 = £31 above; 60% taper → £18.60.
    assert contribution.weekly_amount == 1860
    assert sum(line["pence"] for line in contribution.lines if line["kind"] == "step") == 1860

    later = today + datetime.timedelta(days=7)
    services.contribution_recalculate(actor=finance, person=person, effective_from=later,
                                      reason="test")  # nothing changed: no new row
    assert Contribution.objects.filter(person=person).count() == 1

    services.income_add(actor=finance, assessment=fa, income_type=IncomeType.PRIVATE_PENSION,
                        amount=5200, period=Period.MONTH)  # £12 a week
    assert services.contribution_on(person, today).weekly_amount == 1860 + 720
    history = list(Contribution.objects.filter(person=person).order_by("pk"))
    assert len(history) == 2


def test_uprating_recalculates_from_its_date_and_keeps_the_old(world, person, today):
    worker = world.user("scot_social_worker")
    finance = world.user("scot_finance_officer")
    admin = world.user("scot_administrator")
    services.planned_service_add(actor=worker, person=person, service_type=ServiceType.DAY_SERVICE,
                                 description="Day centre", weekly_cost=15000, starts_on=today)
    fa = services.financial_assessment_start(actor=finance, person=person)
    services.income_add(actor=finance, assessment=fa, income_type=IncomeType.ESA, amount=20000,
                        period=Period.WEEK)
    services.financial_assessment_update(actor=finance, assessment=fa, benefits_check_done=True)
    services.financial_assessment_complete(actor=finance, assessment=fa)
    april = datetime.date(2027, 4, 1)
    figure = policy_figure_set(actor=admin, authority=world.scot, key="charging.taper_percent",
                               value="75", effective_from=april, reason="Council budget 2027/28")
    # The change queued the recalculation under the administrator's name, in the same
    # transaction; the worker does it.
    job = Job.objects.get(kind=RECALCULATE, params__figure_id=figure.pk)
    assert job.started_by == admin and job.authority == world.scot
    assert services.contribution_on(person, april).weekly_amount == 1860
    finished(job)
    assert services.contribution_on(person, april - datetime.timedelta(days=1)).weekly_amount == 1860
    # £31 × 75% = £23.25
    assert services.contribution_on(person, april).weekly_amount == 2325


def test_declined_pays_the_full_charge_and_waiver_reduces_it(world, person, today):
    worker = world.user("scot_social_worker")
    finance = world.user("scot_finance_officer")
    services.planned_service_add(actor=worker, person=person, service_type=ServiceType.PERSONAL_CARE,
                                 description="Personal care", weekly_cost=30000, starts_on=today)
    services.planned_service_add(actor=worker, person=person, service_type=ServiceType.DOMESTIC_HELP,
                                 description="Cleaning", weekly_cost=4500, starts_on=today)
    fa = services.financial_assessment_start(actor=finance, person=person, route=Route.DECLINED)
    (contribution,) = services.financial_assessment_complete(actor=finance, assessment=fa)
    assert contribution.weekly_amount == 4500
    assert contribution.basis == Basis.DECLINED
    waiver = services.waiver_request(actor=finance, person=person, reason="Rent arrears",
                                     starts_on=today, weekly_reduction=2000,
                                     ends_on=today + datetime.timedelta(days=27))
    with pytest.raises(ValidationError, match="Someone other than"):
        services.waiver_decide(actor=finance, waiver=waiver, approve=True, reason="own request")
    services.waiver_decide(actor=world.user("scot_team_manager"), waiver=waiver, approve=True,
                           reason="Arrears plan agreed")
    assert services.contribution_on(person, today).weekly_amount == 2500
    assert services.contribution_on(person, today + datetime.timedelta(days=28)).weekly_amount == 4500


def test_command_recalculates_after_new_national_figures(world, person, today):
    """National figures for a new year arrive as a data load; the command applies them
    from their date and the past keeps its amounts."""
    from io import StringIO

    from django.core.management import call_command

    from selfdirect.authorities.models import PolicyFigure

    worker = world.user("scot_social_worker")
    finance = world.user("scot_finance_officer")
    services.planned_service_add(actor=worker, person=person, service_type=ServiceType.DAY_SERVICE,
                                 description="Day centre", weekly_cost=15000, starts_on=today)
    fa = services.financial_assessment_start(actor=finance, person=person)
    services.income_add(actor=finance, assessment=fa, income_type=IncomeType.ESA, amount=20000,
                        period=Period.WEEK)
    services.financial_assessment_update(actor=finance, assessment=fa, benefits_check_done=True)
    services.financial_assessment_complete(actor=finance, assessment=fa)
    april = datetime.date(2027, 4, 1)
    # 2027/28: £140.00 base + 25% = £175 threshold; £200 − £175 = £25 × 60% = £15.00.
    PolicyFigure.objects.create(country="scotland", key="charging.threshold_base_working_age_weekly",
                                kind="money", value="14000", effective_from=april, source="test")
    out = StringIO()
    call_command("recalculate_contributions", authority=world.scot.code,
                 effective_from="2027-04-01", username="scot_finance_officer", stdout=out)
    assert "1 people recalculated" in out.getvalue() and "1 changed" in out.getvalue()
    assert services.contribution_on(person, april).weekly_amount == 1500
    assert services.contribution_on(person, april - datetime.timedelta(days=1)).weekly_amount == 1860
    assert Contribution.objects.filter(person=person, superseded=False).count() == 2


def test_a_plan_change_recalculates_from_its_date(world, person, today):
    """A second service raises what can be charged from the day it starts; ending the
    chargeable services takes the contribution to nothing from the day after; a
    recalculation from an earlier date supersedes what followed, never deleting it."""
    worker = world.user("scot_social_worker")
    finance = world.user("scot_finance_officer")
    day_centre = services.planned_service_add(
        actor=worker, person=person, service_type=ServiceType.DAY_SERVICE,
        description="Day centre", weekly_cost=1000, starts_on=today)
    fa = services.financial_assessment_start(actor=finance, person=person)
    services.income_add(actor=finance, assessment=fa, income_type=IncomeType.ESA, amount=20000,
                        period=Period.WEEK)
    services.financial_assessment_update(actor=finance, assessment=fa, benefits_check_done=True)
    services.financial_assessment_complete(actor=finance, assessment=fa)
    # Income allows £18.60 but the day centre costs only £10.
    assert services.contribution_on(person, today).weekly_amount == 1000
    next_month = today + datetime.timedelta(days=30)
    services.planned_service_add(actor=worker, person=person, service_type=ServiceType.MEALS,
                                 description="Lunch club", weekly_cost=2000, starts_on=next_month)
    assert services.contribution_on(person, today).weekly_amount == 1000
    assert services.contribution_on(person, next_month).weekly_amount == 1860
    services.planned_service_end(actor=worker, service=day_centre, ends_on=today)
    # Nothing chargeable between the day centre ending and the lunch club starting.
    gap = services.contribution_on(person, today + datetime.timedelta(days=1))
    assert gap.weekly_amount == 0 and gap.basis == Basis.FREE
    assert services.contribution_on(person, next_month).weekly_amount == 1860
    superseded = Contribution.objects.filter(person=person, superseded=True)
    assert superseded.exists()
    on_each_day = [services.contribution_on(person, today + datetime.timedelta(days=n))
                   for n in range(0, 40)]
    assert all(c is not None for c in on_each_day), "no gaps in the timeline"


def test_flat_rate_only_is_charged_without_an_assessment(world, person, today):
    """A council's flat rate for a community alarm is charged without asking about money;
    adding a service charged by assessment waits for one instead of failing."""
    admin = world.user("scot_administrator")
    worker = world.user("scot_social_worker")
    policy_figure_set(actor=admin, authority=world.scot, key="charging.flat_rate.community_alarm",
                      value="4.50", effective_from=today, reason="Council budget")
    assert run_jobs() == 1  # the recalculation the change queued: nobody is charged yet
    services.planned_service_add(actor=worker, person=person, service_type=ServiceType.COMMUNITY_ALARM,
                                 description="Community alarm", weekly_cost=600, starts_on=today)
    assert services.assessment_needed(person) is False
    flat = services.contribution_on(person, today)
    assert (flat.basis, flat.weekly_amount) == (Basis.FLAT, 450)
    services.planned_service_add(actor=worker, person=person, service_type=ServiceType.DAY_SERVICE,
                                 description="Day centre", weekly_cost=9000, starts_on=today)
    assert services.assessment_needed(person) is True
    assert services.contribution_on(person, today).weekly_amount == 450
    assert not FinancialAssessment.objects.filter(person=person).exists()


def test_recalculating_an_authority_takes_the_same_queries_for_more_people(world, today):
    """The yearly uprating reads and writes each batch in a fixed number of queries, so
    twice the people costs no more queries (up to a batch's size)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    finance = world.user("scot_finance_officer")
    worker = world.user("scot_social_worker")

    born = iter(range(400))  # a different date of birth each: CHI numbers stay unique

    def charged(count):
        for _ in range(count):
            someone = PersonFactory(
                authority=world.scot, team=world.scot_team, allocated_worker=worker,
                date_of_birth=datetime.date(1980, 5, 1) + datetime.timedelta(days=next(born)))
            services.planned_service_add(actor=worker, person=someone,
                                         service_type=ServiceType.DAY_SERVICE,
                                         description="Day centre", weekly_cost=15000, starts_on=today)
            fa = services.financial_assessment_start(actor=finance, person=someone)
            services.income_add(actor=finance, assessment=fa, income_type=IncomeType.ESA,
                                amount=20000, period=Period.WEEK)
            services.financial_assessment_update(actor=finance, assessment=fa,
                                                 benefits_check_done=True)
            services.financial_assessment_complete(actor=finance, assessment=fa)

    def uprate(day, taper):
        PolicyFigure.objects.create(authority=world.scot, country="scotland",
                                    key="charging.taper_percent", kind="percent", value=taper,
                                    effective_from=day, reason="test")
        with CaptureQueriesContext(connection) as queries:
            summary = services.contributions_recalculate_all(
                actor=finance, authority=world.scot, effective_from=day, reason="Uprating")
        return summary, len(queries)

    from selfdirect.authorities.models import PolicyFigure

    charged(3)
    few, few_queries = uprate(today + datetime.timedelta(days=10), "70")
    charged(5)
    many, many_queries = uprate(today + datetime.timedelta(days=20), "80")
    assert (few.people, few.changed) == (3, 3)
    assert (many.people, many.changed) == (8, 8)
    assert many_queries == few_queries
    # £31 above the threshold: 70% is £21.70, 80% is £24.80.
    amounts = set(Contribution.objects.filter(effective_from=today + datetime.timedelta(days=20))
                  .values_list("weekly_amount", flat=True))
    assert amounts == {2480}
    assert Contribution.history.filter(history_type="~", effective_to__isnull=False).count() == 11
