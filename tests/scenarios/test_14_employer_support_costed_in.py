"""Scenario 14. Employer support costed in.

Niall will employ two PAs. His budget includes the PA hourly rate plus employer costs
(holiday pay, employer National Insurance, pension, insurance, payroll service, PVG checks,
training) and a one-off start-up sum, each a line he can see.
"""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from selfdirect.allocation import costing
from selfdirect.allocation import services as allocation
from selfdirect.allocation.employer_costs import employer_costs
from selfdirect.allocation.selectors import budget_explanation
from selfdirect.core import clock
from selfdirect.core.money import format_pounds
from tests.allocation.test_ras import ANSWERS, live_version
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

LINES = ["Pay", "Holiday pay", "Employer National Insurance",
         "Workplace pension (employer contribution)", "Employer's liability insurance",
         "Payroll service", "PVG", "Training"]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_niall_sees_every_employer_cost_for_his_two_pas(client, world):
    worker = world.user("scot_social_worker")
    live_version(world)
    niall_account = UserFactory()
    niall = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Niall",
                          allocated_worker=worker, user=niall_account)
    from selfdirect.assessments.services import assessment_start

    assessment = assessment_start(actor=worker, person=niall)
    allocation.ras_responses_record(actor=worker, assessment=assessment, answers=ANSWERS)
    budget = allocation.indicative_budget_calculate(actor=worker, assessment=assessment)

    # Two personal assistants: one for mornings and evenings, one at weekends. Niall can
    # claim the Employment Allowance as an employer.
    first = costing.employer_costing_add(
        actor=worker, budget=budget, label="Personal assistant (weekdays)",
        hourly_wage=Decimal("13.50"), hours_per_week=Decimal("25"), employment_allowance=True)
    second = costing.employer_costing_add(
        actor=worker, budget=budget, label="Personal assistant (weekends)",
        hourly_wage=Decimal("13.50"), hours_per_week=Decimal("12"), employment_allowance=True)
    today = clock.today()
    for item, hours in ((first, 25), (second, 12)):
        expected = employer_costs(authority=world.scot, hourly_wage_pence=1350,
                                  hours_per_week=Decimal(hours), on=today,
                                  employment_allowance=True)
        assert item.yearly_total == expected.yearly_total
        assert [line["label"].split(" ")[0] for line in item.lines][:3] == [
            "Pay", "Holiday", "Employer"]

    # The questionnaire's sum does not cover employing two PAs: the worker covers the
    # difference with its reason, and the explanation still adds up to the penny.
    costing.budget_cover_employer_costs(actor=worker, budget=budget)
    budget.refresh_from_db()
    assert budget.total == first.yearly_total + second.yearly_total
    explanation = budget_explanation(budget)
    assert sum(line.amount for line in explanation.money_lines) == budget.total

    # Niall signs in and reads every line for each PA, and the one-off start-up sums.
    client.force_login(niall_account)
    page = client.get(reverse("budget-detail", args=[budget.pk]))
    assert page.status_code == 200
    text = _text(page.content.decode())
    for item in (first, second):
        assert item.label in text
        for line in item.lines:
            assert line["label"] in text
            assert format_pounds(line["amount"]) in text
        assert f"Yearly cost of employing {item.label} {format_pounds(item.yearly_total)}" in text
    for label in LINES:
        assert label in text
    assert "One-off start-up sum" in text
    assert format_pounds(first.start_up + second.start_up) + " once" in text
    assert "The cost of employing personal assistants" in text  # the adjustment's reason
    # He cannot change any of it: no links to add, remove or cover costs.
    assert "Cost a personal assistant" not in text
    assert "Remove" not in text
    assert reverse("budget-employer-costs-cover", args=[budget.pk]) not in page.content.decode()
