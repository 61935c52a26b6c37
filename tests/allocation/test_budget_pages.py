"""The budget pages: answering the questions, adjusting, proposing, agreeing, the printed
copy, and what each reader sees (the person never sees the worker's actions)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from selfdirect.allocation import services as allocation
from selfdirect.allocation.models import (
    BudgetAdjustment,
    IndicativeBudget,
    PanelDecision,
    PanelMeeting,
    RasQuestion,
    RasResponse,
)
from selfdirect.assessments import services as assessing
from selfdirect.core import clock
from tests.allocation.test_ras import ANSWERS, POINTS, live_version
from tests.factories import TEST_PASSWORD, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


@pytest.fixture
def eilidh(world):
    """Eilidh, who signs in herself, with an assessment in progress and the questionnaire
    live in her council."""
    live_version(world)
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Eilidh",
                           allocated_worker=worker, user=UserFactory(username="eilidh"))
    assessment = assessing.assessment_start(actor=worker, person=person)
    return person, assessment


def as_user(client, username):
    client.logout()
    assert client.login(username=username, password=TEST_PASSWORD)
    return client


def budget_for(world, assessment):
    worker = world.user("scot_social_worker")
    allocation.ras_responses_record(actor=worker, assessment=assessment, answers=ANSWERS)
    return allocation.indicative_budget_calculate(actor=worker, assessment=assessment)


# --- The questions -----------------------------------------------------------------------


def test_the_questions_are_radios_under_their_areas_with_current_answers_chosen(client, world,
                                                                                eilidh):
    person, assessment = eilidh
    allocation.ras_responses_record(actor=world.user("scot_social_worker"),
                                    assessment=assessment, answers={"meals": "most"})
    response = as_user(client, "scot_social_worker").get(
        reverse("assessment-budget-questions", args=[assessment.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 class="govuk-heading-m">Personal care</h2>' in html
    washing = RasQuestion.objects.filter(code="washing_dressing").first()
    assert f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{washing.text}' in html
    assert html.count('type="radio"') == sum(
        len(q.answers.all()) for q in RasQuestion.objects.prefetch_related("answers"))
    assert 'name="meals" type="radio" value="most" checked' in html
    assert "(optional)" not in html
    assert "govuk-error-summary" not in html


def test_a_partial_save_keeps_the_answers_and_says_what_is_left(client, world, eilidh):
    person, assessment = eilidh
    chosen = {"washing_dressing": "daily", "meals": "most"}
    response = as_user(client, "scot_social_worker").post(
        reverse("assessment-budget-questions", args=[assessment.pk]), chosen)
    html = response.content.decode()
    assert response.status_code == 200
    assert dict(RasResponse.objects.filter(assessment=assessment)
                .values_list("question__code", "answer__code")) == chosen
    assert not IndicativeBudget.objects.exists()
    assert "8 of 10 questions still need an answer" in html
    # Each unanswered question is linked from the error summary to its first radio.
    for code in set(ANSWERS) - set(chosen):
        assert f'href="#id_{code}_0"' in html
        assert f'id="id_{code}_0"' in html
    for code in chosen:
        assert f'href="#id_{code}_0"' not in html
    assert 'name="meals" type="radio" value="most" checked' in html
    assert response.context["form"].errors  # "Error: " in the title
    assert "<title>Error: " in html


def test_answering_every_question_works_out_the_budget_and_shows_it(client, world, eilidh):
    person, assessment = eilidh
    client = as_user(client, "scot_social_worker")
    url = reverse("assessment-budget-questions", args=[assessment.pk])
    first = dict(list(ANSWERS.items())[:4])
    client.post(url, first)
    response = client.post(url, {k: v for k, v in ANSWERS.items() if k not in first})
    budget = IndicativeBudget.objects.get(assessment=assessment)
    assert response.status_code == 302
    assert response.url == reverse("budget-detail", args=[budget.pk])
    assert budget.points == POINTS
    assert budget.state == IndicativeBudget.State.INDICATIVE
    page = client.get(response.url).content.decode()
    assert "The indicative budget has been worked out: £1,485.00 a year." in page


def test_an_answer_that_is_not_offered_is_refused_naming_the_question(client, world, eilidh):
    person, assessment = eilidh
    response = as_user(client, "scot_social_worker").post(
        reverse("assessment-budget-questions", args=[assessment.pk]), {"meals": "lots"})
    assert response.status_code == 200
    assert "meals" in response.context["form"].errors
    assert not RasResponse.objects.exists()


def test_the_questions_are_locked_once_the_budget_is_proposed(client, world, eilidh):
    person, assessment = eilidh
    budget = budget_for(world, assessment)
    allocation.budget_propose(actor=world.user("scot_social_worker"), budget=budget)
    client = as_user(client, "scot_social_worker")
    url = reverse("assessment-budget-questions", args=[assessment.pk])
    response = client.post(url, {"meals": "none"})
    assert "its answers can no longer change here" in response.content.decode()
    assert RasResponse.objects.get(question__code="meals").answer.code == "most"


# --- Adjusting ---------------------------------------------------------------------------


def test_an_adjustment_is_added_with_its_reason(client, world, eilidh):
    person, assessment = eilidh
    budget = budget_for(world, assessment)
    client = as_user(client, "scot_social_worker")
    url = reverse("budget-adjust", args=[budget.pk])
    form = client.get(url).content.decode()
    assert '<div class="govuk-input__prefix" aria-hidden="true">£</div>' in form
    assert '<div class="govuk-input__suffix" aria-hidden="true">%</div>' in form
    assert 'id="conditional-id_measure_0"' in form  # the amount, under its choice
    response = client.post(url, {"direction": "add", "measure": "amount", "amount": "520.00",
                                 "reason_code": "rural_travel", "reason": SCRIPT})
    assert response.status_code == 302
    adjustment = BudgetAdjustment.objects.get(budget=budget)
    assert (adjustment.kind, adjustment.amount, adjustment.percent) == ("add_amount", 52000, None)
    budget.refresh_from_db()
    assert budget.total == 148500 + 52000
    # What was typed is shown as text to the person, never run.
    page = as_user(client, "eilidh").get(reverse("budget-detail", args=[budget.pk]))
    html = page.content.decode()
    assert ESCAPED in html and SCRIPT not in html


def test_a_percentage_taken_off(client, world, eilidh):
    person, assessment = eilidh
    budget = budget_for(world, assessment)
    response = as_user(client, "scot_social_worker").post(
        reverse("budget-adjust", args=[budget.pk]),
        {"direction": "subtract", "measure": "percent", "percent": "10", "amount": "ignored",
         "reason_code": "other", "reason": "Her neighbour helps with meals"})
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.total == 148500 - 14850


def test_adjustment_errors_name_the_field(client, world, eilidh):
    person, assessment = eilidh
    budget = budget_for(world, assessment)
    client = as_user(client, "scot_social_worker")
    url = reverse("budget-adjust", args=[budget.pk])
    html = client.post(url, {}).content.decode()
    assert "Select whether to add to the budget or take off it" in html
    assert "Select an amount in pounds or a percentage" in html
    assert "Select the main reason for the adjustment" in html
    assert "Enter why the budget is being adjusted" in html
    assert 'href="#id_direction_0"' in html and 'href="#id_reason"' in html
    html = client.post(url, {"direction": "add", "measure": "amount", "reason_code": "other",
                             "reason": "x"}).content.decode()
    assert 'href="#id_amount">Enter the amount in pounds, like 520.00' in html
    # The service's refusals land on the field too.
    html = client.post(url, {"direction": "add", "measure": "percent", "percent": "12.345",
                             "reason_code": "other", "reason": "x"}).content.decode()
    assert 'href="#id_percent">Enter a percentage with up to two decimal places' in html
    html = client.post(url, {"direction": "subtract", "measure": "amount", "amount": "9999",
                             "reason_code": "other", "reason": "x"}).content.decode()
    assert "This would take the budget below £0.00" in html
    assert not BudgetAdjustment.objects.exists()


# --- Proposing and agreeing --------------------------------------------------------------


def test_proposing_a_budget_that_goes_to_the_panel_says_so_and_why(client, world, eilidh):
    person, assessment = eilidh
    budget = budget_for(world, assessment)
    allocation.budget_adjust(actor=world.user("scot_social_worker"), budget=budget,
                             kind="add_amount", reason_code="rural_travel",
                             reason="Two buses to the day centre", amount=Decimal("520.00"))
    client = as_user(client, "scot_social_worker")
    url = reverse("budget-propose", args=[budget.pk])
    confirm = client.get(url).content.decode()
    assert "The resource allocation panel will decide this budget" in confirm
    response = client.post(url, follow=True)
    html = response.content.decode()
    budget.refresh_from_db()
    assert budget.state == IndicativeBudget.State.PROPOSED and budget.needs_panel
    assert "The resource allocation panel will decide it, because: Adjustments change" in html
    assert "The resource allocation panel will decide this budget, because:" in html
    # The team manager cannot agree it: the page refuses, with the reason.
    manager = as_user(client, "scot_team_manager")
    detail = manager.get(reverse("budget-detail", args=[budget.pk])).content.decode()
    assert "Agree this budget" not in detail
    refused = manager.post(reverse("budget-agree", args=[budget.pk]),
                           {"decision_reason": "Fine"}).content.decode()
    assert "needs the resource allocation panel&#x27;s decision" in refused
    budget.refresh_from_db()
    assert budget.state == IndicativeBudget.State.PROPOSED


def test_the_team_manager_agrees_with_reasons_the_person_reads(client, world, eilidh):
    person, assessment = eilidh
    budget = budget_for(world, assessment)
    worker_client = as_user(client, "scot_social_worker")
    response = worker_client.post(reverse("budget-propose", args=[budget.pk]), follow=True)
    assert "The team manager will now decide whether to agree it." in response.content.decode()
    # The worker may not agree: not a team manager.
    assert worker_client.get(reverse("budget-agree", args=[budget.pk])).status_code == 403
    manager = as_user(client, "scot_team_manager")
    detail = manager.get(reverse("budget-detail", args=[budget.pk])).content.decode()
    assert "Agree this budget" in detail and "Add an adjustment" not in detail
    url = reverse("budget-agree", args=[budget.pk])
    html = manager.post(url, {"decision_reason": ""}).content.decode()
    assert 'href="#id_decision_reason">Enter the reasons for agreeing the budget' in html
    response = manager.post(url, {"decision_reason": f"It meets your outcomes. {SCRIPT}"})
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.state == IndicativeBudget.State.AGREED
    html = as_user(client, "eilidh").get(reverse("budget-detail", args=[budget.pk])
                                         ).content.decode()
    assert "Why it was agreed" in html
    assert f"It meets your outcomes. {ESCAPED}" in html
    assert "Agreed on" in html and "Proposed on" in html


# --- What each reader sees ---------------------------------------------------------------


def test_the_person_reads_your_budget_and_sees_no_worker_actions(client, world, eilidh):
    person, assessment = eilidh
    budget = budget_for(world, assessment)
    html = as_user(client, "eilidh").get(reverse("budget-detail", args=[budget.pk])
                                         ).content.decode()
    assert "How your budget was worked out" in html
    assert "Points for each part of your life" in html
    assert reverse("budget-print", args=[budget.pk]) in html
    for action in ("budget-adjust", "budget-propose", "budget-agree"):
        assert reverse(action, args=[budget.pk]) not in html
    assert reverse("assessment-budget-questions", args=[assessment.pk]) not in html
    # Nor can she reach them.
    assert client.get(reverse("budget-adjust", args=[budget.pk])).status_code == 403
    assert client.post(reverse("budget-propose", args=[budget.pk])).status_code == 403
    budget.refresh_from_db()
    assert budget.state == IndicativeBudget.State.INDICATIVE
    # Her worker sees the actions, and reads about "the person".
    worker = as_user(client, "scot_social_worker").get(reverse("budget-detail", args=[budget.pk]))
    html = worker.content.decode()
    assert "How the budget was worked out" in html
    assert reverse("budget-adjust", args=[budget.pk]) in html
    assert reverse("budget-propose", args=[budget.pk]) in html
    assert reverse("budget-agree", args=[budget.pk]) not in html


def test_the_finance_officer_reads_but_has_no_actions(client, world, eilidh):
    person, assessment = eilidh
    budget = budget_for(world, assessment)
    html = as_user(client, "scot_finance_officer").get(
        reverse("budget-detail", args=[budget.pk])).content.decode()
    assert "Add an adjustment" not in html and "Propose this budget" not in html


def test_the_printed_copy_has_the_explanation_and_no_navigation(client, world, eilidh):
    person, assessment = eilidh
    budget = budget_for(world, assessment)
    allocation.budget_adjust(actor=world.user("scot_social_worker"), budget=budget,
                             kind="add_percent", reason_code="culture_language",
                             reason="Gaelic-speaking support", percent=Decimal("5"))
    response = as_user(client, "eilidh").get(reverse("budget-print", args=[budget.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1 class=\"govuk-heading-l\">Your budget</h1>" in html
    assert "33 points × £45.00 a point = £1,485.00" in html
    assert "Gaelic-speaking support" in html
    assert "govuk-service-navigation" not in html and "<form" not in html
    assert "govuk-!-display-none-print" in html


def test_the_history_shows_the_panels_decision_and_a_review_flag(client, world, eilidh):
    person, assessment = eilidh
    budget = budget_for(world, assessment)
    allocation.budget_propose(actor=world.user("scot_social_worker"), budget=budget)
    manager = world.user("scot_team_manager")
    meeting = PanelMeeting.objects.create(authority=world.scot, date=clock.today(),
                                          chair=manager, created_by=manager)
    PanelDecision.objects.create(meeting=meeting, budget=budget, outcome="decline",
                                 reasons="Your needs can be met by the day centre.",
                                 decided_by=manager)
    IndicativeBudget.objects.filter(pk=budget.pk).update(
        review_flag="The price per point changed after this budget was agreed.",
        review_flagged_at=timezone.now() - datetime.timedelta(days=1))
    html = as_user(client, "eilidh").get(reverse("budget-detail", args=[budget.pk])
                                         ).content.decode()
    assert "the panel decided: <strong>declined</strong>" in html
    assert "Your needs can be met by the day centre." in html
    assert "To look at at the next review" in html
    assert "The price per point changed after this budget was agreed." in html


def test_the_person_finds_their_budget_from_their_own_pages(client, world, eilidh):
    person, assessment = eilidh
    client = as_user(client, "eilidh")
    empty = client.get(reverse("person-budgets", args=[person.pk])).content.decode()
    assert "You do not have a budget yet" in empty
    budget = budget_for(world, assessment)
    home = client.get(reverse("portal-home")).content.decode()
    assert reverse("person-budgets", args=[person.pk]) in home
    assert "Your budget" in home
    listing = client.get(reverse("person-budgets", args=[person.pk])).content.decode()
    assert reverse("budget-detail", args=[budget.pk]) in listing
    assert "Indicative budget £1,485.00 a year" in listing
    assert reverse("assessment-budget-questions", args=[assessment.pk]) not in listing
    staff = as_user(client, "scot_social_worker")
    assert reverse("assessment-budget-questions", args=[assessment.pk]) in staff.get(
        reverse("person-budgets", args=[person.pk])).content.decode()
    assert reverse("assessment-budget-questions", args=[assessment.pk]) in staff.get(
        reverse("assessment-detail", args=[assessment.pk])).content.decode()


def test_the_budget_page_runs_a_bounded_number_of_queries(client, world, eilidh,
                                                          django_assert_max_num_queries):
    person, assessment = eilidh
    budget = budget_for(world, assessment)
    for i in range(8):
        allocation.budget_adjust(actor=world.user("scot_social_worker"), budget=budget,
                                 kind="add_amount", reason_code="other", reason=f"Extra {i}",
                                 amount=Decimal("1.00"))
    client = as_user(client, "scot_social_worker")
    # 17 today (sign-in, roles, the person with what their page shows, the access log,
    # the budget, its adjustments, the panel's decision); room for what the costs include
    # adds. tests/allocation/test_budget_page.py checks it does not grow with the rows.
    with django_assert_max_num_queries(22):
        assert client.get(reverse("budget-detail", args=[budget.pk])).status_code == 200
