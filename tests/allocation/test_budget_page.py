"""Scenario 4's page: the budget and how it was reached, readable by the person too."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from selfdirect.allocation import services as allocation
from tests.allocation.matrix_budget import make_budget
from tests.factories import TEST_PASSWORD, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_page_shows_points_price_adjustments_and_a_total_that_adds_up(client, world):
    me = UserFactory()
    person = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Eilidh",
                           allocated_worker=world.user("scot_social_worker"), user=me)
    budget = make_budget(world.users, person)
    allocation.budget_adjust(
        actor=world.user("scot_social_worker"), budget=budget, kind="add_amount",
        reason_code="rural_travel", reason="<b>Two buses</b> to the day centre",
        amount=Decimal("520.00"))
    budget.refresh_from_db()
    client.login(username=me.username, password=TEST_PASSWORD)
    response = client.get(reverse("budget-detail", args=[budget.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "How your budget was worked out" in html  # she is the reader: "your"
    assert "a point" in html and "points" in html
    assert "&lt;b&gt;Two buses&lt;/b&gt;" in html  # the reason, escaped
    explanation = response.context["explanation"]
    assert sum(line.amount for line in explanation.money_lines) == budget.total
    assert response.context["yearly"] in html


def test_the_page_runs_a_fixed_number_of_queries(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = PersonFactory(authority=world.scot, team=world.scot_team,
                           allocated_worker=world.user("scot_social_worker"))
    budget = make_budget(world.users, person)
    client.login(username="scot_social_worker", password=TEST_PASSWORD)
    url = reverse("budget-detail", args=[budget.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(6):
        allocation.budget_adjust(actor=world.user("scot_social_worker"), budget=budget,
                                 kind="add_percent", reason_code="other", reason="Extra",
                                 percent=Decimal("1.5"))
    assert count() == few
