"""What an individual budget is made of: funding streams side by side, personal
assistants costed line by line, covering the costs, exceptions and thresholds that route a
budget to the panel, and the annual uplift."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.allocation import costing
from selfdirect.allocation import services as allocation
from selfdirect.allocation.arithmetic import side_by_side, yearly_from
from selfdirect.allocation.employer_costs import employer_costs
from selfdirect.allocation.models import EmployerCosting, FundingLine, IndicativeBudget
from selfdirect.allocation.selectors import budget_explanation
from selfdirect.authorities.models import PolicyFigure
from selfdirect.authorities.policy import definitions, to_canonical
from selfdirect.core import clock
from tests.allocation.test_ras import calculated, live_version
from tests.jobs_helpers import run_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(world):
    live_version(world)
    return calculated(world)  # 33 points × £45.00 = £1,485.00 a year


def _worker(world):
    return world.user("scot_social_worker")


# --- Periods side by side ------------------------------------------------------------------


@given(amount=st.integers(min_value=1, max_value=10**9),
       period=st.sampled_from(["weekly", "four_weekly", "yearly"]))
def test_the_given_period_and_every_longer_one_are_exact(amount, period):
    sums = side_by_side(amount, period)
    assert sums["yearly"] == yearly_from(amount, period)
    if period == "weekly":
        assert (sums["weekly"], sums["four_weekly"], sums["yearly"]) == (amount, 4 * amount,
                                                                         52 * amount)
    if period == "four_weekly":
        assert (sums["four_weekly"], sums["yearly"]) == (amount, 13 * amount)
    # A shorter period is never more than half a penny from the exact share.
    assert abs(sums["weekly"] * 52 - sums["yearly"]) <= 26


def test_a_yearly_sum_is_shared_into_weeks_half_up():
    # £1,000.00 a year: 100,000 ÷ 52 = 1,923.08 → 1,923p; ÷ 13 = 7,692.31 → 7,692p.
    assert side_by_side(100000, "yearly") == {"weekly": 1923, "four_weekly": 7692,
                                              "yearly": 100000}
    # 26p ÷ 52 = 0.5p: half rounds up.
    assert side_by_side(26, "yearly")["weekly"] == 1


# --- Funding streams ---------------------------------------------------------------------


def test_other_funding_streams_make_up_the_individual_budget(world, budget):
    costing.funding_line_add(actor=_worker(world), budget=budget, stream="health",
                             description="Nursing care at night", amount="120.50",
                             period="weekly")
    costing.funding_line_add(actor=_worker(world), budget=budget, stream="ilf",
                             description="Independent Living Fund award", amount="2,600.00",
                             period="yearly")
    context = costing.costs_context(budget)
    rows = context["budget_rows"]
    assert [r.stream for r in rows] == ["Council social care",
                                        "Health (integration joint board or NHS)",
                                        "Independent Living Fund"]
    assert (rows[1].weekly, rows[1].four_weekly, rows[1].yearly) == (12050, 48200, 626600)
    # By hand: £1,485.00 + £120.50 × 52 (£6,266.00) + £2,600.00 = £10,351.00 a year.
    assert context["budget_total_row"].yearly == 148500 + 626600 + 260000 == 1035100
    assert FundingLine.objects.get(stream="health").yearly_amount == 626600


def test_bad_funding_is_refused_naming_each_field(world, budget):
    with pytest.raises(ValidationError) as caught:
        costing.funding_line_add(actor=_worker(world), budget=budget, stream="council",
                                 description=" ", amount="12.345", period="daily")
    errors = caught.value.message_dict
    assert set(errors) == {"stream", "description", "amount", "period"}
    assert "pounds and pence" in errors["amount"][0]
    assert FundingLine.objects.count() == 0


def test_funding_cannot_change_once_proposed(world, budget):
    allocation.budget_propose(actor=_worker(world), budget=budget)
    with pytest.raises(ValidationError, match="only change while it is indicative"):
        costing.funding_line_add(actor=_worker(world), budget=budget, stream="health",
                                 description="Nursing", amount="10.00", period="weekly")


def test_only_those_who_may_change_the_assessment_add_funding(world, budget):
    with pytest.raises(PermissionDenied):
        costing.funding_line_add(actor=world.user("scot_finance_officer"), budget=budget,
                                 stream="health", description="Nursing", amount="10.00",
                                 period="weekly")


# --- Employer costs ----------------------------------------------------------------------


def test_a_costing_keeps_every_line_as_worked_out_today(world, budget):
    item = costing.employer_costing_add(actor=_worker(world), budget=budget, label="PA 1",
                                        hourly_wage="13.00", hours_per_week="22.5",
                                        employment_allowance=False)
    expected = employer_costs(authority=world.scot, hourly_wage_pence=1300,
                              hours_per_week=Decimal("22.5"), on=clock.today(),
                              employment_allowance=False)
    assert [(line["key"], line["amount"]) for line in item.lines] == [
        (line.key, line.amount) for line in expected.lines]
    assert item.yearly_total == expected.yearly_total == sum(line["amount"] for line in item.lines)
    assert item.start_up == expected.start_up.amount
    assert item.rates_on == clock.today()
    assert item.history.count() == 1


def test_a_wage_below_the_minimum_is_refused_naming_the_figure(world, budget):
    with pytest.raises(ValidationError) as caught:
        costing.employer_costing_add(actor=_worker(world), budget=budget, label="PA 1",
                                     hourly_wage="9.00", hours_per_week="20",
                                     employment_allowance=True)
    assert "wage.care_worker_hourly_minimum" in caught.value.message_dict["hourly_wage"][0]
    with pytest.raises(ValidationError) as caught:
        costing.employer_costing_add(actor=_worker(world), budget=budget, label="",
                                     hourly_wage="abc", hours_per_week="200",
                                     employment_allowance=True)
    assert set(caught.value.message_dict) == {"label", "hourly_wage", "hours_per_week"}
    assert EmployerCosting.objects.count() == 0


def test_covering_the_employer_costs_adds_the_shortfall_with_its_reason(world, budget):
    first = costing.employer_costing_add(actor=_worker(world), budget=budget, label="PA 1",
                                         hourly_wage="13.00", hours_per_week="20",
                                         employment_allowance=True)
    second = costing.employer_costing_add(actor=_worker(world), budget=budget, label="PA 2",
                                          hourly_wage="13.00", hours_per_week="10",
                                          employment_allowance=True)
    costed = first.yearly_total + second.yearly_total
    adjustment = costing.budget_cover_employer_costs(actor=_worker(world), budget=budget)
    budget.refresh_from_db()
    assert budget.total == costed
    assert adjustment.amount == costed - 148500
    assert adjustment.reason_code == "employer_costs"
    assert "PA 1, PA 2" in adjustment.reason
    explanation = budget_explanation(budget)
    assert sum(line.amount for line in explanation.money_lines) == budget.total
    with pytest.raises(ValidationError, match="already covers"):
        costing.budget_cover_employer_costs(actor=_worker(world), budget=budget)


# --- Routing to the panel ------------------------------------------------------------------


def test_a_small_budget_goes_to_the_team_manager(world, budget):
    proposed = allocation.budget_propose(actor=_worker(world), budget=budget)
    assert proposed.needs_panel is False and proposed.panel_reasons == []
    agreed = allocation.budget_agree(actor=world.user("scot_team_manager"), budget=proposed,
                                     reason="Meets the outcomes agreed with Ann.")
    assert agreed.state == IndicativeBudget.State.AGREED


def test_an_exception_sends_the_budget_to_the_panel(world, budget):
    costing.budget_exception_record(
        actor=_worker(world), budget=budget, kind="family_member_pa",
        reason="No agency covers the island; she asks to employ her daughter.")
    proposed = allocation.budget_propose(actor=_worker(world), budget=budget)
    assert proposed.needs_panel is True
    assert proposed.panel_reasons == [
        "Employing a family member as a personal assistant: No agency covers the island; she "
        "asks to employ her daughter."]
    with pytest.raises(ValidationError, match="needs the resource allocation panel"):
        allocation.budget_agree(actor=world.user("scot_team_manager"), budget=proposed,
                                reason="Agreed")


def test_large_adjustments_and_large_budgets_send_it_to_the_panel(world, budget):
    # 15% of £1,485.00 is £222.75: an addition of £222.75 stays with the team manager,
    # one more penny goes to the panel.
    allocation.budget_adjust(actor=_worker(world), budget=budget, kind="add_amount",
                             reason_code="rural_travel", reason="Travel", amount="222.76")
    proposed = allocation.budget_propose(actor=_worker(world), budget=budget)
    assert proposed.needs_panel is True
    assert proposed.panel_reasons == [
        "Adjustments change the calculated £1,485.00 by £222.76, more than 15% (£222.75)."]

    big = calculated(world)
    allocation.budget_adjust(actor=_worker(world), budget=big, kind="add_amount",
                             reason_code="two_carers", reason="Two carers", amount="222.75")
    PolicyFigure.objects.create(authority=world.scot, country=world.scot.country,
                                key="panel.budget_threshold_annual",
                                effective_from=datetime.date(2026, 4, 1), kind="money",
                                value=to_canonical(definitions("scotland")[
                                    "panel.budget_threshold_annual"], "1500.00"),
                                source="Set by the council for the test")
    proposed = allocation.budget_propose(actor=_worker(world), budget=big)
    assert proposed.panel_reasons == [
        "The budget of £1,707.75 a year is above the panel's threshold of £1,500.00."]


# --- The annual uplift -------------------------------------------------------------------


def _new_minimum(world, pounds: str, on: datetime.date) -> None:
    key = "wage.care_worker_hourly_minimum"
    PolicyFigure.objects.create(authority=None, country=world.scot.country, key=key,
                                effective_from=on, kind="money",
                                value=to_canonical(definitions("scotland")[key], pounds),
                                source="Test: next year's minimum")


def test_the_uplift_recosts_open_budgets_and_flags_agreed_ones(world, budget):
    worker, admin = _worker(world), world.user("scot_administrator")
    low = costing.employer_costing_add(actor=worker, budget=budget, label="PA 1",
                                       hourly_wage="12.60", hours_per_week="20",
                                       employment_allowance=True)
    high = costing.employer_costing_add(actor=worker, budget=budget, label="PA 2",
                                        hourly_wage="14.00", hours_per_week="20",
                                        employment_allowance=True)
    agreed = calculated(world)
    costing.employer_costing_add(actor=worker, budget=agreed, label="PA", hourly_wage="13.00",
                                 hours_per_week="10", employment_allowance=True)
    allocation.budget_propose(actor=worker, budget=agreed)
    allocation.budget_agree(actor=world.user("scot_team_manager"), budget=agreed, reason="OK")
    agreed_costing = EmployerCosting.objects.get(budget=agreed)
    on = clock.today()
    _new_minimum(world, "13.50", on)

    result = costing.employer_costs_uplift(actor=admin, authority=world.scot, on=on,
                                           wage_uplift_percent="3")
    assert (result.recosted, result.wages_raised, result.flagged) == (2, 1, 1)
    low.refresh_from_db()
    high.refresh_from_db()
    # £12.60 + 3% = £12.978 → £12.98, below the new £13.50: raised to it.
    assert low.hourly_wage == 1350
    # £14.00 + 3% = £14.42.
    assert high.hourly_wage == 1442
    assert high.yearly_total == employer_costs(
        authority=world.scot, hourly_wage_pence=1442, hours_per_week=Decimal(20), on=on,
        employment_allowance=True).yearly_total
    assert high.history.count() == 2
    agreed.refresh_from_db()
    assert agreed.total == IndicativeBudget.objects.get(pk=agreed.pk).total
    assert EmployerCosting.objects.get(pk=agreed_costing.pk).hourly_wage == 1300
    assert "minimum hourly wage is then £13.50" in agreed.review_flag
    with pytest.raises(ValidationError) as caught:
        costing.employer_costs_uplift(actor=admin, authority=world.scot, on=on,
                                      wage_uplift_percent="lots")
    assert "wage_uplift_percent" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        costing.employer_costs_uplift(actor=worker, authority=world.scot, on=on)


# --- Pages -------------------------------------------------------------------------------


def test_adding_funding_on_the_page_names_the_fields_and_escapes_what_was_typed(
        client, world, budget):
    client.force_login(_worker(world))
    url = reverse("budget-funding-add", args=[budget.pk])
    page = client.post(url, {"stream": "", "description": "<script>alert(1)</script>",
                             "amount": "lots", "period": "weekly"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Select where the money comes from" in body
    assert "Enter amount in pounds and pence" in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    page = client.post(url, {"stream": "access_to_work", "description": "Support at work",
                             "amount": "£45.00", "period": "four_weekly"})
    assert page.status_code == 302
    assert FundingLine.objects.get().yearly_amount == 58500


def test_costing_a_pa_on_the_page(client, world, budget):
    client.force_login(_worker(world))
    url = reverse("budget-employer-costing-add", args=[budget.pk])
    page = client.get(url)
    assert "At least £12.60 an hour" in page.content.decode()
    page = client.post(url, {"label": "Personal assistant 1", "hourly_wage": "8.00",
                             "hours_per_week": "20", "employment_allowance": "yes",
                             "pension_enrolled": "yes"})
    assert "below the Minimum hourly rate" in page.content.decode()
    page = client.post(url, {"label": "Personal assistant 1", "hourly_wage": "13.00",
                             "hours_per_week": "20", "employment_allowance": "yes",
                             "pension_enrolled": "no"})
    assert page.status_code == 302
    assert EmployerCosting.objects.get().pension_enrolled is False


def test_the_uplift_page_reports_what_it_did(client, world, budget):
    costing.employer_costing_add(actor=_worker(world), budget=budget, label="PA 1",
                                 hourly_wage="13.00", hours_per_week="20",
                                 employment_allowance=True)
    client.force_login(world.user("scot_administrator"))
    today = clock.today()
    page = client.post(reverse("employer-costs-uplift"),
                       {"on_day": today.day, "on_month": today.month, "on_year": today.year,
                        "wage_uplift_percent": "2"}, follow=True)
    assert "1 personal assistant costings recosted" in page.content.decode()
    assert EmployerCosting.objects.get().hourly_wage == 1326


def test_the_headline_and_the_printed_copy_give_the_whole_individual_budget(
        client, world, budget):
    costing.funding_line_add(actor=_worker(world), budget=budget, stream="health",
                             description="Nursing care at night", amount="100.00",
                             period="weekly")
    costing.employer_costing_add(actor=_worker(world), budget=budget, label="PA 1",
                                 hourly_wage="13.00", hours_per_week="10",
                                 employment_allowance=True)
    client.force_login(_worker(world))
    # £1,485.00 from the council + £5,200.00 from health = £6,685.00 a year.
    page = client.get(reverse("budget-detail", args=[budget.pk])).content.decode()
    assert "£6,685.00 a year" in page
    assert "The council's social care share is <strong>£1,485.00 a year</strong>" in page
    printed = client.get(reverse("budget-print", args=[budget.pk])).content.decode()
    assert "£6,685.00 a year" in printed
    assert "Nursing care at night" in printed and "Employer National Insurance" in printed
    assert reverse("budget-funding-add", args=[budget.pk]) not in printed
    assert reverse("budget-funding-add", args=[budget.pk]) in page


def test_the_team_managers_home_lists_budgets_waiting_to_be_agreed(client, world, budget):
    big = calculated(world)
    costing.budget_exception_record(actor=_worker(world), budget=big, kind="outside_policy",
                                    reason="Support abroad")
    allocation.budget_propose(actor=_worker(world), budget=budget)
    allocation.budget_propose(actor=_worker(world), budget=big)
    client.force_login(world.user("scot_team_manager"))
    home = client.get(reverse("dashboard")).content.decode()
    assert "Budgets waiting for you to agree" in home
    assert reverse("budget-detail", args=[budget.pk]) in home
    assert reverse("budget-detail", args=[big.pk]) not in home  # the panel's, not theirs
    client.force_login(_worker(world))
    assert "Budgets waiting for you to agree" not in client.get(reverse("dashboard")).content.decode()


def test_the_team_managers_home_lists_agreed_budgets_flagged_for_review(client, world, budget):
    worker, manager = _worker(world), world.user("scot_team_manager")
    allocation.budget_propose(actor=worker, budget=budget)
    allocation.budget_agree(actor=manager, budget=budget, reason="Meets the outcomes")
    version = IndicativeBudget.objects.get(pk=budget.pk).ras_version
    allocation.ras_price_change(actor=world.user("scot_administrator"), version=version,
                                price_per_point="47.00", effective_from=version.effective_from)
    run_jobs()  # the recalculation the price change queued
    client.force_login(manager)
    home = client.get(reverse("dashboard")).content.decode()
    assert "Agreed budgets to look at when they are next reviewed" in home
    assert reverse("budget-detail", args=[budget.pk]) in home
    assert "The price per point changed from £45.00 to £47.00" in home
