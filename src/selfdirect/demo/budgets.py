"""Demo budgets: a live questionnaire, agreed packages to calibrate against, the person's
own indicative budget with employer costs and health funding, budgets waiting for the
panel, a panel meeting and the year's envelope. Built through the real services, so the
guards, history and explanations all apply.

The agreed packages stand for real support costed by hand: each is the questionnaire's sum
moved by a reasoned adjustment of up to 12% (below the panel's adjustment threshold), so
the calibration page has a fit to report that is good but not perfect.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from selfdirect.allocation import costing, panel
from selfdirect.allocation import services as allocation
from selfdirect.allocation.models import IndicativeBudget, RasQuestion, RasVersion
from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import Assessment
from selfdirect.core import clock
from selfdirect.core.money import pounds
from selfdirect.jobs.services import jobs_run_queued
from selfdirect.people.models import Person

AGREED_PACKAGES = 40
SEED = 2013  # the year of the Act
CALIBRATED_PRICE = Decimal("380.00")  # a point, a year: 35 points is £13,300


def _answers(version: RasVersion, rng: random.Random, *, heavy: bool = False) -> dict[str, str]:
    answers = {}
    for question in RasQuestion.objects.filter(domain__version=version).prefetch_related("answers"):
        options = [a.code for a in question.answers.all()]
        answers[question.code] = options[-1] if heavy else rng.choice(options)
    return answers


def _budget(actor: Any, person: Person, version: RasVersion, rng: random.Random,
            *, heavy: bool = False, assessment: Assessment | None = None) -> IndicativeBudget:
    assessment = assessment or assessing.assessment_start(actor=actor, person=person)
    allocation.ras_responses_record(actor=actor, assessment=assessment,
                                    answers=_answers(version, rng, heavy=heavy))
    return allocation.indicative_budget_calculate(actor=actor, assessment=assessment)


def load_demo_budgets(*, authority: Any, worker: Any, manager: Any, administrator: Any,
                      finance: Any, panel_member: Any, person_with_login: Person) -> int:
    """Idempotent: does nothing once the authority has a questionnaire. Returns the number
    of budgets made."""
    if RasVersion.objects.filter(authority=authority).exists():
        return 0
    rng = random.Random(SEED)
    today = clock.today()
    year_start = panel.financial_year_start(today)
    version = allocation.ras_version_create_default(actor=administrator, authority=authority,
                                                    effective_from=year_start)
    version = allocation.ras_version_publish(actor=administrator, version=version)
    # The file's price is only an example; the demo council has calibrated its own.
    version = allocation.ras_price_change(actor=administrator, version=version,
                                          price_per_point=CALIBRATED_PRICE,
                                          effective_from=year_start)
    # Its recalculation job, run now, as the worker would have before anyone had a budget.
    jobs_run_queued(worker_id="demo_load")

    # Agreed packages, each with a reasoned adjustment, for the panel's committed spend
    # and for calibration.
    reasons = [("living_alone", "Lives alone; no unpaid help in the evenings"),
               ("rural_travel", "Carers travel a long way to reach the house"),
               ("culture_language", "Support worker who speaks the person's language"),
               ("short_term", "Extra support while settling after hospital")]
    people = list(Person.objects.filter(authority=authority, user__isnull=True,
                                        relationships__isnull=True, assessments__isnull=True)
                  .order_by("pk")[:AGREED_PACKAGES + 2])
    # Two people wait for the panel; the rest (with a small demo, fewer) have agreed budgets.
    waiting = people[-2:] if len(people) >= 3 else []
    made = 0
    for person in people[:len(people) - len(waiting)]:
        budget = _budget(manager, person, version, rng)
        if budget.base_amount:
            code, why = rng.choice(reasons)
            percent = Decimal(rng.randint(1, 12))
            kind = "add_percent" if rng.random() < 0.6 else "subtract_percent"
            allocation.budget_adjust(actor=manager, budget=budget, kind=kind, reason_code=code,
                                     reason=why, percent=percent)
        budget = allocation.budget_propose(actor=manager, budget=budget)
        if not budget.needs_panel:
            allocation.budget_agree(actor=manager, budget=budget,
                                    reason="The support plan's costs match the budget.")
        made += 1

    # Waiting for the panel: a family member as a personal assistant on a remote island,
    # and a package well above the calculated sum.
    if waiting:
        island, complex_needs = waiting
        budget = _budget(manager, island, version, rng)
        costing.budget_exception_record(
            actor=manager, budget=budget, kind="family_member_pa",
            reason="No agency covers the island. She asks to employ her daughter, who lives "
                   "nearby and is not her main carer.")
        allocation.budget_propose(actor=manager, budget=budget)
        budget = _budget(manager, complex_needs, version, rng, heavy=True)
        allocation.budget_adjust(actor=manager, budget=budget, kind="add_percent",
                                 reason_code="two_carers", percent=Decimal(40),
                                 reason="Two carers for every transfer, four times a day")
        allocation.budget_propose(actor=manager, budget=budget)
        made += 2

    # The person's own indicative budget: two personal assistants, employer costs covered,
    # and nursing care funded by health.
    own_assessment = (Assessment.objects.filter(person=person_with_login)
                      .order_by("-pk").first())
    own = _budget(worker, person_with_login, version, rng, assessment=own_assessment)
    for label, hours in (("Personal assistant (weekday mornings)", "14"),
                         ("Personal assistant (weekends)", "6")):
        costing.employer_costing_add(actor=worker, budget=own, label=label,
                                     hourly_wage=Decimal("13.20"),
                                     hours_per_week=Decimal(hours), employment_allowance=True)
    if costing.costed_yearly(own) > own.total:
        costing.budget_cover_employer_costs(actor=worker, budget=own)
    costing.funding_line_add(actor=worker, budget=own, stream="health",
                             description="Community nursing visits for a leg ulcer",
                             amount="38.50", period="weekly")
    made += 1

    # The year's envelope: what is committed plus about a tenth, rounded up to £10,000.
    committed = sum(IndicativeBudget.objects.filter(
        person__authority=authority, state=IndicativeBudget.State.AGREED)
        .values_list("total", flat=True))
    step = 1_000_000
    envelope = -(-(committed * 11 // 10) // step) * step
    panel.envelope_set(actor=finance, authority=authority, year_start=year_start,
                       amount=pounds(max(envelope, step)))
    panel.panel_meeting_create(actor=panel_member, authority=authority,
                               date=today + datetime.timedelta(days=7), chair=panel_member,
                               members=[panel_member, manager])
    return made


def delete_demo_budgets(*, authority_codes: list[str]) -> None:
    """Remove the budget-stage records of the demo authorities, children first."""
    from selfdirect.allocation.models import (
        AllocationEnvelope,
        PanelDecision,
        PanelMeeting,
        RasResponse,
    )

    PanelDecision.objects.filter(meeting__authority__code__in=authority_codes).delete()
    PanelMeeting.objects.filter(authority__code__in=authority_codes).delete()
    AllocationEnvelope.objects.filter(authority__code__in=authority_codes).delete()
    IndicativeBudget.objects.filter(person__authority__code__in=authority_codes).delete()
    RasResponse.objects.filter(assessment__person__authority__code__in=authority_codes).delete()
    RasVersion.objects.filter(authority__code__in=authority_codes).delete()
