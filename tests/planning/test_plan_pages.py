"""The support plan pages: a plan written line by line against the agreed outcomes,
agreed by the person online and signed by the worker and a team manager; what stops
agreement shown on the page; no lost update when two people add lines at once; and who
may open each page."""

from __future__ import annotations

import datetime
import html
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from selfdirect.allocation import services as allocation
from selfdirect.core.money import pounds
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.planning.models import AgreedHow, SupportLine, SupportPlan
from selfdirect.planning.services import option_choice_record
from tests.allocation.matrix_budget import make_budget
from tests.factories import TEST_PASSWORD

DAY = datetime.date(2026, 11, 25)
ALLOTMENT = "I want to get to the allotment twice a week"
WASHING = "I want to wash and dress before my daughter's school run"


@pytest.fixture
def setting(cast):
    """The person with an agreed budget and two agreed outcomes, and no plan yet."""
    users, person = cast
    budget = make_budget(users, person)
    allocation.budget_propose(actor=users["scot_social_worker"], budget=budget)
    budget = allocation.budget_agree(actor=users["scot_team_manager"], budget=budget,
                                     reason="Meets the assessed needs")
    outcomes = [PersonalOutcome.objects.create(
        person=person, in_own_words=words, state=PersonalOutcome.State.AGREED,
        agreed_on=DAY, created_by=users["scot_social_worker"]) for words in (ALLOTMENT, WASHING)]
    # Option 4: the person chose options 1, 2 and 3 for different support.
    option_choice_record(actor=users["scot_social_worker"], person=person,
                         options=["1", "2", "3"], decided_on=DAY,
                         present="The person and her worker")
    return users, person, budget, outcomes


ON_25_NOVEMBER = {"person_agreed_on_day": "25", "person_agreed_on_month": "11",
                  "person_agreed_on_year": "2026"}


def error_summary(response) -> str:
    body = response.content.decode()
    assert "govuk-error-summary__list" in body, "no error summary"
    return body.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=TEST_PASSWORD)
    return client


def a_third_of_the_budget(budget) -> str:
    """A weekly cost in pounds, a third of the budget a week."""
    return f"{pounds(budget.total // (52 * 3)):.2f}"


def line_data(version, outcome, **overrides):
    data = {"version": str(version), "outcome": str(outcome.pk) if outcome else "none",
            "what": "Day centre", "who_kind": "provider", "who_name": "", "when": "",
            "hours_per_week": "", "weekly_cost": "90.00", "option": "3",
            "funding_stream": "council", "service_type": "day_service", "contingency": ""}
    return data | overrides


def opened_version(client: Client, url: str) -> str:
    """The plan version the form carries, as the user's browser would send it back."""
    response = client.get(url)
    assert response.status_code == 200
    return str(response.context["form"]["version"].value())


def test_a_plan_is_written_agreed_online_and_signed_by_worker_and_manager(setting):
    users, person, budget, outcomes = setting
    worker = signed_in("scot_social_worker")
    page = reverse("person-plan", args=[person.pk])
    assert "Start a plan" in worker.get(page).content.decode()
    assert worker.post(reverse("plan-start", args=[person.pk])).status_code == 302
    plan = SupportPlan.objects.get(person=person)
    assert plan.status == SupportPlan.Status.DRAFT
    add = reverse("plan-line-add", args=[person.pk])
    cost = a_third_of_the_budget(budget)
    response = worker.post(add, line_data(
        opened_version(worker, add), outcomes[0], what="Personal assistants <b>", who_kind="pa",
        who_name="Ann O'Neil", when="Tuesday and Thursday", hours_per_week="6.5",
        weekly_cost=cost, option="1", service_type="social_support",
        contingency="If Ann is ill, call Home Care North on 0131 496 0000"))
    assert response.status_code == 302, response.content.decode()
    response = worker.post(add, line_data(opened_version(worker, add), outcomes[1],
                                          what="Morning personal care", weekly_cost=cost,
                                          service_type="personal_care"))
    assert response.status_code == 302
    lines = list(plan.lines.order_by("pk"))
    assert [(line.what, line.option, line.outcome_id) for line in lines] == [
        ("Personal assistants <b>", "1", outcomes[0].pk),
        ("Morning personal care", "3", outcomes[1].pk)]
    assert lines[0].hours_per_week == Decimal("6.5")

    # The person reads their plan, each line under its outcome, and agrees it online.
    the_person = signed_in("the_person")
    body = the_person.get(page).content.decode()
    assert "Your support plan" in body
    assert html.escape("Personal assistants <b>") in body
    assert "Personal assistants <b>" not in body
    assert html.escape(ALLOTMENT) in body and html.escape(WASHING) in body
    assert html.escape("Ann O'Neil") in body
    # Each line sits under the outcome it meets.
    assert (body.index(html.escape(ALLOTMENT)) < body.index("Personal assistants")
            < body.index(html.escape(WASHING)) < body.index("Morning personal care"))
    assert "Option 1: a direct payment" in body and "Council social care" in body
    assert "plan-problems" not in body
    agree = reverse("plan-agree", args=[plan.pk])
    form = the_person.get(agree)
    assert "I agree to this plan" in form.content.decode()
    assert the_person.post(agree, {"version": opened_version(the_person, agree)}).status_code == 302
    plan.refresh_from_db()
    assert (plan.person_agreed_how, plan.status) == (AgreedHow.ONLINE, SupportPlan.Status.DRAFT)

    sign = reverse("plan-sign", args=[plan.pk])
    assert worker.post(sign, {"version": opened_version(worker, sign)}).status_code == 302
    manager = signed_in("scot_team_manager")
    assert "Sign off the plan" in manager.get(sign).content.decode()
    assert manager.post(sign, {"version": opened_version(manager, sign)}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.AGREED
    assert plan.worker_signed_by == users["scot_social_worker"]
    assert plan.manager_signed_by == users["scot_team_manager"]
    body = the_person.get(page).content.decode()
    assert f"Agreed on {plan.person_agreed_on:%-d %B %Y}: online" in body
    assert "Signed off by" in body
    # A new plan may now be started; the agreed one is listed beside it.
    assert "Start a plan" in worker.get(page).content.decode()


def test_an_outcome_with_no_line_shows_the_problem_and_cannot_be_agreed(setting):
    users, person, budget, outcomes = setting
    worker = signed_in("scot_social_worker")
    worker.post(reverse("plan-start", args=[person.pk]))
    plan = SupportPlan.objects.get(person=person)
    add = reverse("plan-line-add", args=[person.pk])
    assert worker.post(add, line_data(opened_version(worker, add), outcomes[0],
                                      weekly_cost=a_third_of_the_budget(budget))).status_code == 302
    body = worker.get(reverse("person-plan", args=[person.pk])).content.decode()
    assert "cannot be agreed yet" in body
    assert html.escape(f"“{WASHING}” has no support line and no reason recorded") in body
    assert reverse("plan-outcome-reason", args=[plan.pk, outcomes[1].pk]) in body

    agree = reverse("plan-agree", args=[plan.pk])
    page = worker.get(agree).content.decode()
    assert "plan-problems" in page and "Record the agreement" not in page
    response = worker.post(agree, {"version": opened_version(worker, agree),
                                   "person_agreed_how": AgreedHow.MEETING, **ON_25_NOVEMBER})
    assert response.status_code == 200
    assert "has no support line" in error_summary(response)
    plan.refresh_from_db()
    assert plan.person_agreed_on is None

    # Saying why the outcome needs no paid support clears it.
    reason = reverse("plan-outcome-reason", args=[plan.pk, outcomes[1].pk])
    response = worker.post(reason, {"version": opened_version(worker, reason),
                                    "reason": "Her husband helps <every> morning"})
    assert response.status_code == 302
    body = worker.get(reverse("person-plan", args=[person.pk])).content.decode()
    assert "plan-problems" not in body
    assert html.escape("Her husband helps <every> morning") in body

    # Now the worker records that the person agreed, in the way they prefer: said how.
    unsaid = worker.post(agree, {"version": opened_version(worker, agree),
                                 "person_agreed_how": AgreedHow.PREFERRED, **ON_25_NOVEMBER})
    assert "Say how the person agreed" in error_summary(unsaid)
    response = worker.post(agree, {"version": opened_version(worker, agree),
                                   "person_agreed_how": AgreedHow.PREFERRED, **ON_25_NOVEMBER,
                                   "person_agreed_note": "By nodding, with her advocate"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.person_agreed_how, plan.person_agreed_on) == (AgreedHow.PREFERRED, DAY)


def test_a_line_that_is_not_right_is_refused_naming_the_field_and_keeping_what_was_typed(setting):
    users, person, budget, outcomes = setting
    worker = signed_in("scot_social_worker")
    worker.post(reverse("plan-start", args=[person.pk]))
    add = reverse("plan-line-add", args=[person.pk])
    response = worker.post(add, line_data(opened_version(worker, add), outcomes[0],
                                          what="Swimming <with> Ann", weekly_cost="twelve",
                                          option="", hours_per_week="200"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter the cost a week in pounds and pence" in body
    assert "Select option 1, 2 or 3 for this support" in body
    assert "from 0 to 168" in body
    assert 'value="Swimming &lt;with&gt; Ann"' in body and 'value="twelve"' in body
    assert not SupportLine.objects.exists()


def test_a_second_save_of_a_stale_plan_is_refused_with_the_changes_listed(setting):
    users, person, budget, outcomes = setting
    worker, manager = signed_in("scot_social_worker"), signed_in("scot_team_manager")
    worker.post(reverse("plan-start", args=[person.pk]))
    plan = SupportPlan.objects.get(person=person)
    add = reverse("plan-line-add", args=[person.pk])
    opened_by_worker, opened_by_manager = opened_version(worker, add), opened_version(manager, add)
    assert opened_by_worker == opened_by_manager
    assert worker.post(add, line_data(
        opened_by_worker, outcomes[0], what="Allotment support", who_kind="pa", option="1",
        weekly_cost="60.00", contingency="Her brother covers")).status_code == 302
    response = manager.post(add, line_data(opened_by_manager, outcomes[1],
                                           what="Morning care", weekly_cost="95.50"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else changed this plan" in error_summary(response)
    assert "Added: Allotment support, £60.00 a week (option 1)" in body
    assert 'value="Morning care"' in body and 'value="95.50"' in body
    assert list(plan.lines.values_list("what", flat=True)) == ["Allotment support"]
    plan.refresh_from_db()
    assert response.context["form"]["version"].value() == str(plan.version)

    # Having looked, the manager saves again with the version now, and it is added.
    again = manager.post(add, line_data(response.context["form"]["version"].value(),
                                        outcomes[1], what="Morning care", weekly_cost="95.50"))
    assert again.status_code == 302
    assert list(plan.lines.order_by("pk").values_list("what", flat=True)) == [
        "Allotment support", "Morning care"]


def test_a_change_and_a_removal_carry_the_version_too(setting):
    users, person, budget, outcomes = setting
    worker = signed_in("scot_social_worker")
    worker.post(reverse("plan-start", args=[person.pk]))
    plan = SupportPlan.objects.get(person=person)
    add = reverse("plan-line-add", args=[person.pk])
    worker.post(add, line_data(opened_version(worker, add), None, what="Payroll service",
                               weekly_cost="5.00", service_type="other"))
    line = plan.lines.get()
    assert "Running the support" in worker.get(
        reverse("person-plan", args=[person.pk])).content.decode()
    edit = reverse("plan-line-edit", args=[plan.pk, line.pk])
    stale = opened_version(worker, edit)
    form = worker.get(edit).content.decode()
    assert 'value="5.00"' in form and 'value="Payroll service"' in form
    response = worker.post(edit, line_data(stale, None, what="Payroll and insurance",
                                           weekly_cost="7.25", service_type="other"))
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.what, line.weekly_cost) == ("Payroll and insurance", 725)
    remove = reverse("plan-line-remove", args=[plan.pk, line.pk])
    refused = worker.post(remove, {"version": stale})
    assert "Someone else changed this plan" in error_summary(refused)
    assert plan.lines.exists()
    assert worker.post(remove, {"version": opened_version(worker, remove)}).status_code == 302
    assert not plan.lines.exists()


def test_a_manager_decides_a_plan_may_cost_more_than_the_budget(setting):
    users, person, budget, outcomes = setting
    worker, manager = signed_in("scot_social_worker"), signed_in("scot_team_manager")
    worker.post(reverse("plan-start", args=[person.pk]))
    plan = SupportPlan.objects.get(person=person)
    add = reverse("plan-line-add", args=[person.pk])
    over = f"{pounds(budget.total // 52 + 100):.2f}"
    worker.post(add, line_data(opened_version(worker, add), outcomes[0], weekly_cost=over))
    page = reverse("person-plan", args=[person.pk])
    assert "More than the budget by" in worker.get(page).content.decode()
    decide = reverse("plan-over-budget", args=[plan.pk])
    assert decide not in worker.get(page).content.decode()
    assert decide in manager.get(page).content.decode()
    empty = manager.post(decide, {"version": opened_version(manager, decide),
                                  "over_budget_reason": "  "})
    assert "Give the reasons for the decision" in empty.content.decode()
    assert manager.post(decide, {"version": opened_version(manager, decide),
                                 "over_budget_reason": "Two carers for a hoist"}).status_code == 302
    plan.refresh_from_db()
    assert plan.over_budget_decided_by == users["scot_team_manager"]
    assert "Two carers for a hoist" in worker.get(page).content.decode()


def test_the_person_sees_their_plan_and_may_agree_it_but_not_add_lines(setting):
    users, person, budget, outcomes = setting
    worker = signed_in("scot_social_worker")
    worker.post(reverse("plan-start", args=[person.pk]))
    plan = SupportPlan.objects.get(person=person)
    the_person = signed_in("the_person")
    body = the_person.get(reverse("person-plan", args=[person.pk])).content.decode()
    assert "Your support plan" in body
    assert reverse("plan-line-add", args=[person.pk]) not in body
    assert "Start a plan" not in body
    assert reverse("plan-agree", args=[plan.pk]) in body
    add = reverse("plan-line-add", args=[person.pk])
    assert the_person.get(add).status_code == 403
    assert the_person.post(add, line_data(plan.version, outcomes[0])).status_code == 403
    assert not plan.lines.exists()
    assert the_person.get(reverse("plan-sign", args=[plan.pk])).status_code == 403
    assert the_person.get(reverse("plan-agree", args=[plan.pk])).status_code == 200
