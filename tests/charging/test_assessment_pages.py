"""The financial assessment pages, through the test client: start, record income, capital
and expenses, the benefits check, complete, and the contribution that results."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse

from selfdirect.charging import services
from selfdirect.charging.catalogue import IncomeType, Period, ServiceType
from selfdirect.charging.models import (
    Basis,
    Capital,
    Contribution,
    Expense,
    FinancialAssessment,
    Income,
    Route,
)
from tests.factories import TEST_PASSWORD, PersonFactory

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: TODAY)
    monkeypatch.setattr(services.timezone, "localdate", lambda *a: TODAY)
    return TODAY


@pytest.fixture
def person(world):
    # Working age (born 1980), in Edinburgh, allocated to the North East team's worker.
    return PersonFactory(authority=world.scot, team=world.scot_team,
                         allocated_worker=world.user("scot_social_worker"),
                         date_of_birth=datetime.date(1980, 5, 1))


def _sign_in(client, username):
    assert client.login(username=username, password=TEST_PASSWORD)


def _day_service(world, person, today, cost=15000):
    services.planned_service_add(actor=world.user("scot_social_worker"), person=person,
                                 service_type=ServiceType.DAY_SERVICE, description="Day centre",
                                 weekly_cost=cost, starts_on=today)


def _assessment(world, person, today):
    _day_service(world, person, today)
    return services.financial_assessment_start(actor=world.user("scot_finance_officer"),
                                               person=person)


def test_whole_journey_from_start_to_contribution(client, world, person, today):
    _day_service(world, person, today)  # £150 a week, charged by assessment
    _sign_in(client, "scot_finance_officer")
    start = reverse("financial-assessment-start", args=[person.pk])
    page = client.get(start).content.decode()
    assert "choose not to be assessed" in page and 'name="route"' in page
    assert "<legend" in page

    response = client.post(start, {"route": Route.FULL})
    assessment = FinancialAssessment.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("financial-assessment", args=[assessment.pk])

    def add(name, data):
        response = client.post(reverse(name, args=[assessment.pk]), data)
        assert response.status_code == 302, response.content.decode()

    add("financial-assessment-income-add", {"income_type": IncomeType.ESA, "amount": "200.00",
                                            "period": Period.WEEK, "owner": "person",
                                            "evidence_seen": "on"})
    add("financial-assessment-income-add", {"income_type": IncomeType.PRIVATE_PENSION,
                                            "amount": "130", "period": Period.MONTH,
                                            "owner": "person", "note": "Lothian Pension Fund"})
    add("financial-assessment-capital-add", {"kind": "savings", "amount": "£22,000.00",
                                             "owner": "person"})
    add("financial-assessment-expense-add", {"kind": "rent", "amount": "100.00",
                                             "period": Period.MONTH})
    add("financial-assessment-expense-add", {"kind": "dre_heating", "amount": "10.00",
                                             "period": Period.FORTNIGHT})

    summary = reverse("financial-assessment", args=[assessment.pk])
    page = client.get(summary).content.decode()
    assert "Lothian Pension Fund" in page
    assert "£30.00" in page  # £130 a month is £30 a week
    assert "Housing costs" in page and "Disability-related expenses" in page
    assert "Check Adult Disability Payment" in page  # no daily living part recorded
    assert "Check Housing Benefit" in page  # rent, and no Housing Benefit
    assert "−£169.00" in page  # the working-age threshold, taken off
    assert "£20.35" in page  # the preview, worked out below

    # Completing before the benefits check is refused, naming it.
    complete = reverse("financial-assessment-complete", args=[assessment.pk])
    date = {"effective_from_day": "25", "effective_from_month": "11", "effective_from_year": "2026"}
    page = client.post(complete, date).content.decode()
    assert "Do the benefits check first" in page
    assert not Contribution.objects.filter(person=person).exists()

    add("financial-assessment-details", {"household": "single", "dependants": "0",
                                         "benefits_check_done": "on",
                                         "benefits_check_notes": "Told about ADP",
                                         "welfare_rights_referral": "on"})
    assessment.refresh_from_db()
    assert assessment.benefits_check_done and assessment.welfare_rights_referral

    page = client.get(complete).content.decode()
    assert 'name="effective_from_day" type="text"' in page
    assert 'value="25"' in page and 'value="2026"' in page  # today by default
    response = client.post(complete, date)
    assert response.status_code == 302
    contribution = Contribution.objects.get(person=person)
    # Income counted: ESA £200.00 + pension £130 × 12 ÷ 52 = £30.00 + tariff income £1
    # (savings £22,000 are £500 above the £21,500 lower limit: one £500 step) = £231.00.
    # Less the threshold: £135.25 + 25% = £169.0625, published as £169 → £62.00.
    # Less rent £100 × 12 ÷ 52 = £23.0769…, £23.08 → £38.92; less heating £10 ÷ 2 = £5.00
    # → £33.92 above the allowances. 60% taper: £20.352, rounded down → £20.35.
    assert contribution.weekly_amount == 2035
    assert contribution.basis == Basis.ASSESSED
    assert contribution.effective_from == TODAY
    assessment.refresh_from_db()
    assert assessment.status == FinancialAssessment.Status.COMPLETE

    # A change to the completed assessment is a change of circumstances from today.
    page = client.get(summary).content.decode()
    assert "change of circumstances" in page
    add("financial-assessment-income-add", {"income_type": IncomeType.OTHER, "amount": "5",
                                            "period": Period.WEEK, "owner": "person"})
    # £5 more above the allowances: £38.92 × 60% = £23.352 → £23.35.
    assert services.contribution_on(person, TODAY).weekly_amount == 2335


def test_the_completion_redirects_to_the_persons_charging_page(client, world, person, today):
    assessment = _assessment(world, person, today)
    services.financial_assessment_update(actor=world.user("scot_finance_officer"),
                                         assessment=assessment, benefits_check_done=True)
    _sign_in(client, "scot_social_worker")
    response = client.post(reverse("financial-assessment-complete", args=[assessment.pk]),
                           {"effective_from_day": "25", "effective_from_month": "11",
                            "effective_from_year": "2026"})
    assert response.status_code == 302
    assert response["Location"] == reverse("person-charging", args=[person.pk])


def test_declined_goes_straight_to_completion_and_pays_the_full_charge(client, world, person,
                                                                       today):
    _day_service(world, person, today, cost=4500)
    _sign_in(client, "scot_finance_officer")
    response = client.post(reverse("financial-assessment-start", args=[person.pk]),
                           {"route": Route.DECLINED})
    assessment = FinancialAssessment.objects.get(person=person)
    assert response["Location"] == reverse("financial-assessment-complete", args=[assessment.pk])
    page = client.get(response["Location"]).content.decode()
    assert "£45.00" in page
    client.post(response["Location"], {"effective_from_day": "25", "effective_from_month": "11",
                                       "effective_from_year": "2026"})
    contribution = Contribution.objects.get(person=person)
    assert (contribution.weekly_amount, contribution.basis) == (4500, Basis.DECLINED)


def test_a_person_with_only_free_services_is_never_asked(client, world, person, today):
    services.planned_service_add(actor=world.user("scot_social_worker"), person=person,
                                 service_type=ServiceType.PERSONAL_CARE,
                                 description="Help to wash and dress", weekly_cost=35000,
                                 starts_on=today)
    _sign_in(client, "scot_finance_officer")
    url = reverse("financial-assessment-start", args=[person.pk])
    page = client.get(url).content.decode()
    assert "No financial assessment is needed" in page
    assert f'action="{url}"' not in page  # no form to start one
    assert 'name="route"' not in page
    response = client.post(url, {"route": Route.FULL})
    assert response.status_code == 200
    assert not FinancialAssessment.objects.filter(person=person).exists()


@pytest.mark.parametrize(("typed", "message"), [
    ("12.345", "Enter amount of income in pounds and pence, like 92.05"),
    ("abc", "Enter amount of income in pounds and pence, like 92.05"),
    ("", "Enter amount of income"),
    ("0", "Amount of income must be more than £0"),
])
def test_bad_amounts_name_the_field_and_keep_what_was_typed(client, world, person, today, typed,
                                                           message):
    assessment = _assessment(world, person, today)
    _sign_in(client, "scot_finance_officer")
    response = client.post(reverse("financial-assessment-income-add", args=[assessment.pk]),
                           {"income_type": IncomeType.ESA, "amount": typed,
                            "period": Period.WEEK, "owner": "person", "note": "Kept note"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert 'href="#id_amount"' in page
    assert 'value="Kept note"' in page
    if typed:
        assert f'value="{typed}"' in page
    assert not Income.objects.filter(assessment=assessment).exists()


def test_bad_amount_of_an_expense_and_a_missing_kind(client, world, person, today):
    assessment = _assessment(world, person, today)
    _sign_in(client, "scot_finance_officer")
    page = client.post(reverse("financial-assessment-expense-add", args=[assessment.pk]),
                       {"amount": "1.2.3", "period": Period.WEEK}).content.decode()
    assert "Enter amount of the expense in pounds and pence" in page
    assert "Select what the expense is" in page and 'href="#id_kind_0"' in page
    assert 'value="1.2.3"' in page
    assert not Expense.objects.exists()


def test_user_text_is_escaped(client, world, person, today):
    person.given_name = "<b>Ann</b> O'Neil"
    person.save()
    assessment = _assessment(world, person, today)
    nasty = '<script>alert("x")</script>'
    services.income_add(actor=world.user("scot_finance_officer"), assessment=assessment,
                        income_type=IncomeType.ESA, amount=1000, period=Period.WEEK, note=nasty)
    services.financial_assessment_update(actor=world.user("scot_finance_officer"),
                                         assessment=assessment, evidence_seen=nasty)
    _sign_in(client, "scot_finance_officer")
    page = client.get(reverse("financial-assessment", args=[assessment.pk])).content.decode()
    assert nasty not in page and "<b>Ann</b>" not in page
    assert html.escape(nasty) in page
    assert html.escape(person.display_name) in page


def test_remove_an_item_and_not_another_assessments(client, world, person, today):
    assessment = _assessment(world, person, today)
    finance = world.user("scot_finance_officer")
    income = services.income_add(actor=finance, assessment=assessment,
                                 income_type=IncomeType.ESA, amount=20000, period=Period.WEEK)
    capital = services.capital_add(actor=finance, assessment=assessment, kind="bank",
                                   amount=100000)
    other_person = PersonFactory(authority=world.scot, team=world.scot_team)
    _day_service(world, other_person, today)
    other = services.financial_assessment_start(actor=finance, person=other_person)
    theirs = services.income_add(actor=finance, assessment=other, income_type=IncomeType.ESA,
                                 amount=5000, period=Period.WEEK)
    _sign_in(client, "scot_finance_officer")

    url = reverse("financial-assessment-item-remove", args=[assessment.pk, "incomes", income.pk])
    page = client.get(url).content.decode()
    assert "Remove this from the financial assessment?" in page and "£200.00" in page
    assert Income.objects.filter(pk=income.pk).exists()  # a GET only asks
    response = client.post(url)
    assert response["Location"] == reverse("financial-assessment", args=[assessment.pk])
    assert not Income.objects.filter(pk=income.pk).exists()

    response = client.post(reverse("financial-assessment-item-remove",
                                   args=[assessment.pk, "capital", capital.pk]))
    assert response.status_code == 302 and not Capital.objects.filter(pk=capital.pk).exists()

    # Another assessment's item through this assessment's address, or a kind that is not one.
    for kind, item_id in (("incomes", theirs.pk), ("pets", theirs.pk), ("expenses", theirs.pk)):
        response = client.post(reverse("financial-assessment-item-remove",
                                       args=[assessment.pk, kind, item_id]))
        assert response.status_code == 404
    assert Income.objects.filter(pk=theirs.pk).exists()


def test_a_worker_of_another_team_gets_404(client, world, person, today):
    assessment = _assessment(world, person, today)
    _sign_in(client, "scot_other_social_worker")
    assert client.get(reverse("financial-assessment", args=[assessment.pk])).status_code == 404
    assert client.get(reverse("financial-assessment-start", args=[person.pk])).status_code == 404
    response = client.post(reverse("financial-assessment-income-add", args=[assessment.pk]),
                           {"income_type": IncomeType.ESA, "amount": "10.00",
                            "period": Period.WEEK, "owner": "person"})
    assert response.status_code == 404
    assert not Income.objects.exists()


def test_an_assessment_in_progress_is_carried_on_not_started_again(client, world, person, today):
    assessment = _assessment(world, person, today)
    _sign_in(client, "scot_social_worker")
    url = reverse("financial-assessment-start", args=[person.pk])
    page = client.get(url).content.decode()
    assert reverse("financial-assessment", args=[assessment.pk]) in page
    assert 'name="route"' not in page
    client.post(url, {"route": Route.FULL})
    assert FinancialAssessment.objects.filter(person=person).count() == 1


def test_details_keep_what_was_typed_when_the_number_of_dependants_is_wrong(client, world, person,
                                                                           today):
    assessment = _assessment(world, person, today)
    _sign_in(client, "scot_social_worker")
    page = client.post(reverse("financial-assessment-details", args=[assessment.pk]),
                       {"household": "couple", "dependants": "two",
                        "evidence_seen": "Bank statements"}).content.decode()
    assert "Enter the number of dependants as a whole number, like 2" in page
    assert 'value="two"' in page and "Bank statements" in page
    assessment.refresh_from_db()
    assert assessment.household == "single" and assessment.evidence_seen == ""
