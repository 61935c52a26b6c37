"""Financial assessment and charging in the API: a journey from a planned service to the
contribution with its workings (pence as integers, pounds as decimal strings), money
refused as a JSON number, messages naming the field, the permission refusals (404 for a
record the caller may not see) and the charging policy of each country."""

from __future__ import annotations

import datetime
import json

import pytest

from selfdirect.accounts.services import api_token_create
from selfdirect.charging import services
from selfdirect.charging.models import Contribution, FinancialAssessment, Income, PlannedService
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: TODAY)
    monkeypatch.setattr(services.timezone, "localdate", lambda *a: TODAY)
    return TODAY


@pytest.fixture
def person(world, today):
    # Working age on every date used here (born 1980); has her own portal account.
    return PersonFactory(authority=world.scot, team=world.scot_team,
                         allocated_worker=world.user("scot_social_worker"),
                         date_of_birth=datetime.date(1980, 5, 1),
                         user=UserFactory(username="morag"))


def call(client, user, method, url, body=None):
    headers = {}
    if user is not None:
        _, raw = api_token_create(user=user, name="test", scope="read_write")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    response = client.generic(method, url, json.dumps(body) if body is not None else "",
                              content_type="application/json", **headers)
    return response.status_code, response.json()


def fields(body):
    return set(body["errors"])


def planned(client, world, person, cost="90.00"):
    status, body = call(client, world.user("scot_social_worker"), "POST",
                        f"/api/people/{person.pk}/planned-services",
                        {"service_type": "social_support", "description": "Support to go swimming",
                         "weekly_cost": cost, "starts_on": TODAY.isoformat(), "option": "2"})
    assert status == 201, body
    return body


def assessed(client, world, person):
    """A completed assessment: £200 a week of ESA, benefits check done."""
    finance = world.user("scot_finance_officer")
    status, fa = call(client, finance, "POST", f"/api/people/{person.pk}/financial-assessments",
                      {"route": "full"})
    assert status == 201, fa
    status, fa = call(client, finance, "POST", f"/api/financial-assessments/{fa['id']}/incomes",
                      {"income_type": "esa", "amount": "200.00", "period": "week"})
    assert status == 201, fa
    status, fa = call(client, finance, "PATCH", f"/api/financial-assessments/{fa['id']}",
                      {"benefits_check_done": True})
    assert status == 200, fa
    status, done = call(client, finance, "POST", f"/api/financial-assessments/{fa['id']}/complete")
    assert status == 200, done
    return done


def test_the_journey_from_a_planned_service_to_the_contribution(client, world, person):
    worker, finance = world.user("scot_social_worker"), world.user("scot_finance_officer")
    service = planned(client, world, person)
    assert service["weekly_cost_pence"] == 9000 and service["weekly_cost"] == "90.00"
    assert service["free_by_law"] is False

    # Nothing is charged yet: an assessment is needed first.
    status, body = call(client, worker, "GET", f"/api/people/{person.pk}/contribution")
    assert status == 404
    assert body["assessment_needed"] is True
    assert "financial assessment is needed" in body["detail"]

    status, fa = call(client, finance, "POST", f"/api/people/{person.pk}/financial-assessments",
                      {"route": "full"})
    assert status == 201 and fa["status"] == "in_progress"
    url = f"/api/financial-assessments/{fa['id']}"
    status, fa = call(client, finance, "POST", f"{url}/incomes",
                      {"income_type": "esa", "amount": "200.00", "period": "week"})
    assert status == 201
    assert fa["incomes"][0]["amount_pence"] == 20000 and fa["incomes"][0]["amount"] == "200.00"
    # Scotland 2025/26, working age: threshold £135.25 + 25% buffer = £169.0625, published
    # rounded to the pound as £169. £200 ESA − £169 = £31 above the threshold; the council
    # charges 60% of it (the taper): £31 × 60% = £18.60 a week.
    assert fa["preview"]["weekly_amount_pence"] == 1860
    assert fa["preview"]["weekly_amount"] == "18.60"

    # Completing needs the benefits check first.
    status, body = call(client, finance, "POST", f"{url}/complete")
    assert status == 422 and fields(body) == {"benefits_check_done"}
    status, fa = call(client, finance, "PATCH", url,
                      {"benefits_check_done": True, "benefits_check_notes": "Nothing missed"})
    assert status == 200 and fa["benefits_check_done"] is True
    status, done = call(client, finance, "POST", f"{url}/complete", {})
    assert status == 200, done
    assert done["assessment"]["status"] == "complete"
    assert [c["weekly_amount_pence"] for c in done["contributions"]] == [1860]

    # Read by the worker and by the person herself.
    for reader in (worker, person.user):
        status, c = call(client, reader, "GET",
                         f"/api/people/{person.pk}/contribution?on={TODAY.isoformat()}")
        assert status == 200, c
        assert c["weekly_amount_pence"] == 1860 and c["weekly_amount"] == "18.60"
        assert c["basis"] == "assessed" and c["effective_from"] == TODAY.isoformat()
        assert c["effective_to"] is None and c["assessment_needed"] is True
        assert c["chargeable_cost_pence"] == 9000 and c["chargeable_cost"] == "90.00"
        steps = [line for line in c["lines"] if line["kind"] == "step"]
        assert sum(line["amount_pence"] for line in steps) == 1860
        for line in c["lines"]:
            assert isinstance(line["amount_pence"], int) and isinstance(line["amount"], str)
        (share,) = c["services"]
        assert share["charged_pence"] == 1860 and share["council_pays_pence"] == 9000 - 1860
        assert share["council_pays"] == "71.40"
        assert {f["key"] for f in c["figures"]} >= {"charging.taper_percent"}
        assert all(f["source"] and f["effective_from"] for f in c["figures"])

    # A change of circumstances from today replaces today's contribution before it applied.
    status, fa = call(client, finance, "POST", f"{url}/incomes",
                      {"income_type": "private_pension", "amount": "52.00", "period": "month"})
    assert status == 201
    status, history = call(client, worker, "GET", f"/api/people/{person.pk}/contributions")
    assert status == 200
    # £52 a month × 12 ÷ 52 = £12 a week, all charged at 60%: £7.20 more.
    assert [(c["weekly_amount_pence"], c["superseded"]) for c in history] == [
        (1860 + 720, False), (1860, True)]
    # Removing it again goes back to £18.60.
    pension = fa["incomes"][1]["id"]
    status, fa = call(client, finance, "DELETE", f"{url}/incomes/{pension}")
    assert status == 200 and len(fa["incomes"]) == 1
    status, c = call(client, worker, "GET", f"/api/people/{person.pk}/contribution")
    assert c["weekly_amount_pence"] == 1860


def test_capital_expenses_and_ending_a_service(client, world, person):
    finance = world.user("scot_finance_officer")
    service = planned(client, world, person)
    assessed(client, world, person)
    fa = FinancialAssessment.objects.get(person=person)
    url = f"/api/financial-assessments/{fa.pk}"
    status, body = call(client, finance, "POST", f"{url}/capital",
                        {"kind": "savings", "amount": "1,000.00"})
    assert status == 201 and body["capital"][0]["amount_pence"] == 100000
    status, body = call(client, finance, "POST", f"{url}/expenses",
                        {"kind": "dre_heating", "amount": "5.00", "period": "week"})
    assert status == 201 and body["expenses"][0]["disability_related"] is True
    status, body = call(client, finance, "DELETE", f"{url}/capital/{body['capital'][0]['id']}")
    assert status == 200 and body["capital"] == []
    status, body = call(client, finance, "DELETE", f"{url}/expenses/999999")
    assert status == 404

    worker = world.user("scot_social_worker")
    status, body = call(client, worker, "POST", f"/api/planned-services/{service['id']}/end",
                        {"ends_on": (TODAY - datetime.timedelta(days=1)).isoformat()})
    assert status == 422 and fields(body) == {"ends_on"}
    ends = TODAY + datetime.timedelta(days=6)
    status, body = call(client, worker, "POST", f"/api/planned-services/{service['id']}/end",
                        {"ends_on": ends.isoformat()})
    assert status == 200 and body["ends_on"] == ends.isoformat()
    status, listed = call(client, worker, "GET", f"/api/people/{person.pk}/planned-services")
    assert status == 200 and [s["ends_on"] for s in listed] == [ends.isoformat()]
    # Nothing is charged once the service has ended.
    after = (ends + datetime.timedelta(days=1)).isoformat()
    status, c = call(client, worker, "GET", f"/api/people/{person.pk}/contribution?on={after}")
    assert status == 200 and c["weekly_amount_pence"] == 0


def test_bad_input_is_refused_naming_the_field(client, world, person):
    worker = world.user("scot_social_worker")
    url = f"/api/people/{person.pk}/planned-services"
    status, body = call(client, worker, "POST", url,
                        {"service_type": "spaceship", "description": "Help at home",
                         "weekly_cost": "12.345", "starts_on": TODAY.isoformat(),
                         "ends_on": (TODAY - datetime.timedelta(days=1)).isoformat()})
    assert status == 422
    assert fields(body) == {"service_type", "weekly_cost", "ends_on"}
    # Money as a JSON number is refused: amounts are text, so no float is ever involved.
    status, body = call(client, worker, "POST", url,
                        {"service_type": "domestic_help", "description": "Cleaning",
                         "weekly_cost": 120.5, "starts_on": TODAY.isoformat()})
    assert status == 422 and fields(body) == {"weekly_cost"}
    assert "as text" in next(iter(body["errors"].values()))[0]
    assert not PlannedService.objects.exists()

    planned(client, world, person)
    finance = world.user("scot_finance_officer")
    status, fa = call(client, finance, "POST", f"/api/people/{person.pk}/financial-assessments",
                      {"route": "sideways"})
    assert status == 422 and fields(fa) == {"route"}
    status, fa = call(client, finance, "POST", f"/api/people/{person.pk}/financial-assessments")
    assert status == 201
    url = f"/api/financial-assessments/{fa['id']}"
    status, body = call(client, finance, "POST", f"{url}/incomes",
                        {"income_type": "esa", "amount": 200, "period": "week"})
    assert status == 422 and fields(body) == {"amount"}
    status, body = call(client, finance, "POST", f"{url}/incomes",
                        {"income_type": "lottery", "amount": "0", "period": "daily"})
    assert status == 422 and fields(body) == {"income_type", "amount", "period"}
    assert not Income.objects.exists()
    status, body = call(client, finance, "PATCH", url, {"household": "castle"})
    assert status == 422 and fields(body) == {"household"}
    status, body = call(client, finance, "PATCH", url, {"benefits_check_done": None})
    assert status == 422 and fields(body) == {"benefits_check_done"}
    status, body = call(client, finance, "POST", f"/api/people/{person.pk}/waivers",
                        {"reason": " ", "starts_on": TODAY.isoformat(),
                         "weekly_reduction": 20})
    assert status == 422 and fields(body) == {"reason", "weekly_reduction"}


def test_records_the_caller_may_not_see_are_not_found(client, world, person):
    planned(client, world, person)
    assessed(client, world, person)
    fa = FinancialAssessment.objects.get(person=person)
    other = world.user("scot_other_social_worker")
    eng_finance = world.user("eng_finance_officer")
    contribution = f"/api/people/{person.pk}/contribution"
    income = {"income_type": "earnings", "amount": "50.00", "period": "week"}
    for outsider in (other, eng_finance):
        assert call(client, outsider, "GET", contribution)[0] == 404
        assert call(client, outsider, "GET", f"/api/people/{person.pk}/contributions")[0] == 404
        assert call(client, outsider, "GET", f"/api/financial-assessments/{fa.pk}")[0] == 404
        assert call(client, outsider, "POST", f"/api/financial-assessments/{fa.pk}/incomes",
                    income)[0] == 404
    assert call(client, other, "POST", f"/api/people/{person.pk}/planned-services",
                {"service_type": "meals", "description": "Lunch", "weekly_cost": "10.00",
                 "starts_on": TODAY.isoformat()})[0] == 404
    # The person reads her own contribution but may not change her assessment.
    status, body = call(client, person.user, "GET", contribution)
    assert status == 200 and body["weekly_amount_pence"] == 1860
    assert call(client, person.user, "POST", f"/api/financial-assessments/{fa.pk}/incomes",
                income)[0] == 403
    assert call(client, None, "GET", contribution)[0] == 401
    assert Income.objects.filter(assessment=fa).count() == 1
    assert Contribution.objects.filter(person=person).count() == 1


def test_a_waiver_is_decided_by_someone_other_than_who_asked(client, world, person):
    planned(client, world, person)
    assessed(client, world, person)
    finance, manager = world.user("scot_finance_officer"), world.user("scot_team_manager")
    status, waiver = call(client, finance, "POST", f"/api/people/{person.pk}/waivers",
                          {"reason": "Rent arrears", "starts_on": TODAY.isoformat(),
                           "weekly_reduction": "10.00"})
    assert status == 201 and waiver["status"] == "requested"
    assert waiver["weekly_reduction_pence"] == 1000 and waiver["weekly_reduction"] == "10.00"
    url = f"/api/waivers/{waiver['id']}/decision"
    status, body = call(client, finance, "POST", url, {"approve": True, "reason": "Mine"})
    assert status == 422 and fields(body) == {"status"}
    assert "Someone other than" in next(iter(body["errors"].values()))[0]
    status, body = call(client, manager, "POST", url, {"approve": True, "reason": " "})
    assert status == 422 and fields(body) == {"reason"}
    assert call(client, world.user("eng_finance_officer"), "POST", url,
                {"approve": True, "reason": "x"})[0] == 404
    status, body = call(client, manager, "POST", url,
                        {"approve": True, "reason": "Arrears plan agreed"})
    assert status == 200 and body["status"] == "approved"
    assert body["decided_by"] and body["decision_reason"] == "Arrears plan agreed"
    status, c = call(client, manager, "GET", f"/api/people/{person.pk}/contribution")
    assert c["weekly_amount_pence"] == 1860 - 1000
    # The person may ask for one herself; nobody without access to her record may.
    status, own = call(client, person.user, "POST", f"/api/people/{person.pk}/waivers",
                       {"reason": "Heating costs", "starts_on": TODAY.isoformat()})
    assert status == 201 and own["weekly_reduction_pence"] is None
    assert call(client, world.user("scot_other_social_worker"), "POST",
                f"/api/people/{person.pk}/waivers",
                {"reason": "x", "starts_on": TODAY.isoformat()})[0] == 404


def test_the_charging_policy_of_each_country(client, world, today):
    reader = world.user("nobody")  # any signed-in user
    status, scot = call(client, reader, "GET",
                        f"/api/authorities/{world.scot.code}/charging-policy?on=2025-06-01")
    assert status == 200, scot
    assert scot["country"] == "scotland" and scot["model"] == "threshold_and_taper"
    assert scot["minimum_income_guarantee"] is None
    working = next(t for t in scot["thresholds"] if t["age_group"] == "working_age")
    # £135.25 + 25% = £169.0625, published rounded to the pound: £169.
    assert working["base"]["amount_pence"] == 13525 and working["buffer"]["percent"] == "25"
    assert working["threshold_pence"] == 16900 and working["threshold"] == "169.00"
    assert working["base"]["source"] and working["base"]["effective_from"] == "2025-04-01"
    assert scot["taper"]["percent"] == "60" and scot["taper"]["source"]
    assert {s["service_type"] for s in scot["free_by_law"]} >= {"personal_care", "nursing_care",
                                                               "carer_support"}
    assert all(f["source"] and f["effective_from"] for f in scot["figures"])

    status, eng = call(client, reader, "GET", f"/api/authorities/{world.eng.code}/charging-policy")
    assert status == 200, eng
    assert eng["country"] == "england" and eng["model"] == "minimum_income_guarantee"
    assert eng["thresholds"] is None
    assert {m["key"] for m in eng["minimum_income_guarantee"]} >= {
        "charging.mig_single_25_plus_weekly", "charging.mig_pension_age_single_weekly"}
    assert all(isinstance(m["amount_pence"], int) for m in eng["minimum_income_guarantee"])
    free = {s["service_type"] for s in eng["free_by_law"]}
    assert "aftercare" in free and "personal_care" not in free
    assert eng["capital_upper_limit"]["amount_pence"] > eng["capital_lower_limit"]["amount_pence"]

    assert call(client, reader, "GET", "/api/authorities/X99/charging-policy")[0] == 404
    assert call(client, None, "GET",
                f"/api/authorities/{world.scot.code}/charging-policy")[0] == 401
