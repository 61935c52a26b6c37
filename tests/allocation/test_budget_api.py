"""The budgets in the API: answers → the indicative budget, its explanation with amounts in
whole pence (integers) and pounds (decimal strings), adjustments, proposing and agreeing,
and the refusals (404 for a record the caller may not see, 422 naming the field)."""

from __future__ import annotations

import json

import pytest

from selfdirect.accounts.services import api_token_create
from selfdirect.allocation.models import BudgetAdjustment, IndicativeBudget
from selfdirect.assessments import services as assessing
from tests.allocation.test_ras import ANSWERS, POINTS, calculated, live_version
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    live_version(world)
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker,
                           user=UserFactory(username="eilidh"))
    assessment = assessing.assessment_start(actor=worker, person=person)
    return person, assessment


def call(client, user, method, url, body=None):
    _, raw = api_token_create(user=user, name="test", scope="read_write")
    response = client.generic(method, url, json.dumps(body) if body is not None else "",
                              content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    return response.status_code, response.json()


def answered(client, world, assessment):
    status, body = call(client, world.user("scot_social_worker"), "POST",
                        f"/api/assessments/{assessment.pk}/budget/answers", {"answers": ANSWERS})
    assert status == 200, body
    return body["budget"]


def test_answers_then_the_budget_with_pence_as_integers_and_pounds_as_strings(client, world,
                                                                               case):
    person, assessment = case
    worker = world.user("scot_social_worker")
    half = dict(list(ANSWERS.items())[:5])
    status, body = call(client, worker, "POST",
                        f"/api/assessments/{assessment.pk}/budget/answers", {"answers": half})
    assert status == 200
    assert body["recorded"] == 5 and body["budget"] is None
    assert set(body["unanswered"]) == set(ANSWERS) - set(half)
    budget = answered(client, world, assessment)
    assert budget["points"] == POINTS
    assert budget["total_pence"] == 148500 and budget["total"] == "1485.00"
    assert budget["price_per_point_pence"] == 4500 and budget["price_per_point"] == "45.00"
    assert budget["state"] == "indicative"
    for line in budget["lines"]:
        if line["amount_pence"] is not None:
            assert isinstance(line["amount_pence"], int)
            assert isinstance(line["amount"], str)
    assert [line["kind"] for line in budget["lines"]][-2:] == ["base", "total"]
    # The same, read back; and in the person's list of budgets.
    status, read = call(client, person.user, "GET", f"/api/budgets/{budget['id']}")
    assert status == 200 and read["total_pence"] == 148500
    status, listed = call(client, person.user, "GET", f"/api/people/{person.pk}/budgets")
    assert status == 200 and [b["id"] for b in listed] == [budget["id"]]


def test_adjust_propose_and_agree(client, world, case):
    person, assessment = case
    budget = answered(client, world, assessment)
    worker, manager = world.user("scot_social_worker"), world.user("scot_team_manager")
    status, body = call(client, worker, "POST", f"/api/budgets/{budget['id']}/adjustments",
                        {"kind": "add_percent", "percent": "12.5", "reason_code": "rural_travel",
                         "reason": "Two buses"})
    assert status == 201, body
    # 12.5% of £1,485.00 = £185.625, rounded half-up to £185.63.
    assert body["total_pence"] == 148500 + 18563 and body["total"] == "1670.63"
    assert body["adjustments"][0]["percent"] == "12.50"
    assert body["lines"][-2]["amount_pence"] == 18563
    status, body = call(client, worker, "POST", f"/api/budgets/{budget['id']}/propose")
    assert status == 200 and body["state"] == "proposed" and body["needs_panel"] is False
    status, body = call(client, manager, "POST", f"/api/budgets/{budget['id']}/agree",
                        {"reason": ""})
    assert status == 422
    assert body["errors"] == {"reason": ["Enter the reasons for agreeing the budget"]}
    status, body = call(client, manager, "POST", f"/api/budgets/{budget['id']}/agree",
                        {"reason": "It meets your outcomes"})
    assert status == 200 and body["state"] == "agreed"
    assert body["decision_reason"] == "It meets your outcomes"


def test_a_budget_for_the_panel_is_refused_to_the_team_manager(client, world, case):
    person, assessment = case
    budget = answered(client, world, assessment)
    worker, manager = world.user("scot_social_worker"), world.user("scot_team_manager")
    call(client, worker, "POST", f"/api/budgets/{budget['id']}/adjustments",
         {"kind": "add_amount", "amount": "520.00", "reason_code": "rural_travel",
          "reason": "Two buses"})
    status, body = call(client, worker, "POST", f"/api/budgets/{budget['id']}/propose")
    assert body["needs_panel"] is True and body["panel_reasons"]
    status, body = call(client, manager, "POST", f"/api/budgets/{budget['id']}/agree",
                        {"reason": "Fine"})
    assert status == 422
    assert "resource allocation panel" in next(iter(body["errors"].values()))[0]
    assert IndicativeBudget.objects.get(pk=budget["id"]).state == "proposed"


def test_bad_input_is_refused_naming_the_field(client, world, case):
    person, assessment = case
    worker = world.user("scot_social_worker")
    status, body = call(client, worker, "POST",
                        f"/api/assessments/{assessment.pk}/budget/answers",
                        {"answers": {"meals": "lots", "no_such_question": "x"}})
    assert status == 422
    assert set(body["errors"]) == {"meals", "no_such_question"}
    budget = answered(client, world, assessment)
    url = f"/api/budgets/{budget['id']}/adjustments"
    status, body = call(client, worker, "POST", url,
                        {"kind": "add_amount", "amount": "1.234", "reason_code": "other",
                         "reason": "x"})
    assert status == 422 and next(iter(body["errors"])) == "amount"
    status, body = call(client, worker, "POST", url,
                        {"kind": "add_amount", "amount": 10.5, "reason_code": "other",
                         "reason": "x"})
    assert status == 422  # a JSON number is not taken as money: amounts are text
    status, body = call(client, worker, "POST", url,
                        {"kind": "sideways", "reason_code": "nope", "reason": " "})
    assert status == 422
    assert set(body["errors"]) == {"kind", "reason_code", "reason"}
    assert not BudgetAdjustment.objects.exists()


def test_records_the_caller_may_not_see_are_not_found(client, world, case):
    person, assessment = case
    budget = answered(client, world, assessment)
    other = world.user("scot_other_social_worker")
    assert call(client, other, "GET", f"/api/budgets/{budget['id']}")[0] == 404
    assert call(client, other, "POST", f"/api/budgets/{budget['id']}/propose")[0] == 404
    assert call(client, world.user("eng_team_manager"), "POST",
                f"/api/budgets/{budget['id']}/agree", {"reason": "x"})[0] == 404
    assert call(client, other, "GET", "/api/budgets/999999")[0] == 404
    # The person reads her budget but may not change it.
    assert call(client, person.user, "POST", f"/api/budgets/{budget['id']}/propose")[0] == 403
    assert IndicativeBudget.objects.get(pk=budget["id"]).state == "indicative"


def test_the_individual_budget_and_employer_costs_through_the_api(client, world):
    from selfdirect.allocation.models import EmployerCosting

    live_version(world)
    budget = calculated(world)
    client.force_login(world.user("scot_social_worker"))
    base = f"/api/budgets/{budget.pk}"
    answer = client.post(f"{base}/funding-lines", content_type="application/json",
                         data={"stream": "health", "description": "Nursing at night",
                               "amount": "40.00", "period": "weekly"})
    assert answer.status_code == 201
    body = answer.json()
    assert body["funding_lines"][0]["yearly_pence"] == 208000
    assert body["individual_budget_yearly_pence"] == budget.total + 208000
    answer = client.post(f"{base}/employer-costings", content_type="application/json",
                         data={"label": "PA 1", "hourly_wage": "13.00", "hours_per_week": "20",
                               "employment_allowance": True})
    assert answer.status_code == 201
    costed = answer.json()["employer_costings"][0]
    assert costed["yearly_total_pence"] == EmployerCosting.objects.get().yearly_total
    assert sum(line["amount_pence"] for line in costed["lines"]) == costed["yearly_total_pence"]
    assert isinstance(costed["start_up"], str)
    answer = client.post(f"{base}/employer-costings", content_type="application/json",
                         data={"label": "PA 2", "hourly_wage": "5.00", "hours_per_week": "20",
                               "employment_allowance": True})
    assert answer.status_code == 422
    assert "hourly_wage" in answer.content.decode()
    answer = client.post(f"{base}/funding-lines", content_type="application/json",
                         data={"stream": "health", "description": "Nursing",
                               "amount": 40.5, "period": "weekly"})
    assert answer.status_code == 422
