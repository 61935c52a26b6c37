"""The charging pages: what the person pays and why, planned services, hardship waivers,
the worklist, the public charging policy and the yearly recalculation."""

from __future__ import annotations

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from selfdirect.authorities.models import PolicyFigure
from selfdirect.charging import jobs as charging_jobs
from selfdirect.charging import selectors, services
from selfdirect.charging.catalogue import IncomeType, Period, ServiceType
from selfdirect.charging.jobs import RECALCULATE
from selfdirect.charging.models import Contribution, PlannedService, Waiver
from selfdirect.core import clock
from selfdirect.jobs.models import Job
from tests.factories import TEST_PASSWORD, PersonFactory, UserFactory
from tests.jobs_helpers import finished

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def as_user(client, username):
    client.logout()
    assert client.login(username=username, password=TEST_PASSWORD)
    return client


@pytest.fixture
def today():
    return clock.today()


@pytest.fixture
def person(world):
    # Working age on every date used here; signs in as "mairi".
    return PersonFactory(authority=world.scot, team=world.scot_team,
                         allocated_worker=world.user("scot_social_worker"),
                         date_of_birth=datetime.date(1980, 5, 1),
                         user=UserFactory(username="mairi"))


def plan(world, person, today, kind=ServiceType.SOCIAL_SUPPORT, cost=9000, option="",
         description="Support to go swimming"):
    return services.planned_service_add(
        actor=world.user("scot_social_worker"), person=person, service_type=kind,
        description=description, weekly_cost=cost, starts_on=today, option=option)


def assess(world, person, effective_from=None, income=20000):
    finance = world.user("scot_finance_officer")
    fa = services.financial_assessment_start(actor=finance, person=person)
    services.income_add(actor=finance, assessment=fa, income_type=IncomeType.ESA, amount=income,
                        period=Period.WEEK)
    services.financial_assessment_update(actor=finance, assessment=fa, benefits_check_done=True)
    return services.financial_assessment_complete(actor=finance, assessment=fa,
                                                  effective_from=effective_from)


# --- The person's charging page ------------------------------------------------------------


def test_the_page_shows_the_contribution_its_workings_shares_and_figures(client, world, person,
                                                                         today):
    plan(world, person, today, option="1")
    plan(world, person, today, kind=ServiceType.PERSONAL_CARE, cost=30000,
         description="Help to wash and dress")
    (contribution,) = assess(world, person)
    page = as_user(client, "scot_social_worker").get(reverse("person-charging", args=[person.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    # £200 − £169 threshold = £31 above; 60% taper → £18.60.
    assert "£18.60 a week" in text
    assert "Worked out from the financial assessment" in text
    # A step that takes off is signed with a minus; a running total is in bold.
    assert "−£169.00" in text
    assert '<th scope="row" class="govuk-table__header">Income counted a week</th>' in text
    assert "<strong>£200.00</strong>" in text
    # Each service's share: the direct payment is the council's net direct payment.
    assert "net direct payment" in text
    assert "£71.40" in text  # £90.00 − £18.60
    assert "free, because personal care is free to every adult assessed as needing it" in text
    # The policy figures used, with their source.
    assert "Taper: the share of income above the threshold that is charged" in text
    assert "selfdirect default" in text
    # The worker may add services and end them, but not decide waivers.
    assert reverse("planned-service-add", args=[person.pk]) in text
    assert reverse("planned-service-end", args=[person.pk, PlannedService.objects.first().pk]) in text
    detail = client.get(reverse("contribution-detail", args=[contribution.pk]))
    assert detail.status_code == 200 and "−£169.00" in detail.content.decode()
    printed = client.get(reverse("contribution-detail", args=[contribution.pk]) + "?print=1")
    assert printed.status_code == 200
    assert "Printed on" in printed.content.decode()
    assert "govuk-header" not in printed.content.decode()


def test_only_free_services_say_no_assessment_is_needed(client, world, person, today):
    plan(world, person, today, kind=ServiceType.PERSONAL_CARE, cost=30000)
    text = as_user(client, "scot_social_worker").get(
        reverse("person-charging", args=[person.pk])).content.decode()
    assert "No financial assessment is needed: every planned service is free" in text
    assert "A financial assessment is needed" not in text


def test_a_chargeable_service_asks_for_an_assessment_then_links_to_the_one_in_progress(
        client, world, person, today):
    plan(world, person, today)
    url = reverse("person-charging", args=[person.pk])
    text = as_user(client, "scot_finance_officer").get(url).content.decode()
    assert "A financial assessment is needed" in text
    assert reverse("financial-assessment-start", args=[person.pk]) in text
    fa = services.financial_assessment_start(actor=world.user("scot_finance_officer"),
                                             person=person)
    text = client.get(url).content.decode()
    assert "A financial assessment is in progress" in text
    assert reverse("financial-assessment", args=[fa.pk]) in text
    # The person reads the status but gets no link to the finance officer's editor.
    text = as_user(client, "mairi").get(url).content.decode()
    assert "A financial assessment is in progress" in text
    assert reverse("financial-assessment", args=[fa.pk]) not in text


def test_a_complete_assessment_with_no_contribution_yet_shows_what_would_be_paid(
        client, world, person, today):
    plan(world, person, today)
    later = today + datetime.timedelta(days=14)
    (future,) = assess(world, person, effective_from=later)
    text = as_user(client, "scot_social_worker").get(
        reverse("person-charging", args=[person.pk])).content.decode()
    assert "no contribution has been recorded yet" in text
    assert "would pay <strong>£18.60 a week</strong>" in text
    assert "Changes to come" in text
    assert reverse("contribution-detail", args=[future.pk]) in text


def test_past_contributions_are_listed_with_a_link(client, world, person, today):
    month_ago = today - datetime.timedelta(days=30)
    plan(world, person, month_ago)
    (first,) = assess(world, person, effective_from=month_ago)
    services.income_add(actor=world.user("scot_finance_officer"), assessment=first.assessment,
                        income_type=IncomeType.PRIVATE_PENSION, amount=1000, period=Period.WEEK)
    first.refresh_from_db()
    assert first.effective_to == today - datetime.timedelta(days=1)
    text = as_user(client, "scot_social_worker").get(
        reverse("person-charging", args=[person.pk])).content.decode()
    assert "Past contributions" in text
    assert reverse("contribution-detail", args=[first.pk]) in text
    assert "£24.60 a week" in text  # £210 − £169 = £41 × 60%


# --- Planned services ------------------------------------------------------------------------


def test_adding_a_service_saves_it_and_escapes_what_was_typed(client, world, person, today):
    client = as_user(client, "scot_social_worker")
    url = reverse("planned-service-add", args=[person.pk])
    form = client.get(url).content.decode()
    assert "Free by law in Scotland" in form
    assert "personal care is free to every adult assessed as needing it" in form
    response = client.post(url, {
        "service_type": ServiceType.DAY_SERVICE, "description": SCRIPT, "option": "2",
        "weekly_cost": "£120.50", "starts_on_day": today.day, "starts_on_month": today.month,
        "starts_on_year": today.year})
    assert response.status_code == 302
    service = PlannedService.objects.get(person=person)
    assert (service.weekly_cost, service.option, service.description) == (12050, "2", SCRIPT)
    text = client.get(response.url).content.decode()
    assert ESCAPED in text and SCRIPT not in text
    assert "£120.50" in text


def test_bad_input_names_the_field_and_keeps_what_was_typed(client, world, person):
    client = as_user(client, "scot_social_worker")
    response = client.post(reverse("planned-service-add", args=[person.pk]), {
        "service_type": ServiceType.MEALS, "description": "Lunch club",
        "weekly_cost": "twelve", "starts_on_day": "31", "starts_on_month": "2",
        "starts_on_year": "2027"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in text
    assert "Enter cost a week in pounds and pence, like 12.60" in text
    assert "Date the service starts must be a real date" in text
    assert 'value="twelve"' in text and 'value="Lunch club"' in text
    assert 'name="service_type" type="radio" value="meals" checked' in text
    assert not PlannedService.objects.exists()
    # The service's own refusal lands on its field.
    response = client.post(reverse("planned-service-add", args=[person.pk]), {
        "service_type": ServiceType.MEALS, "description": "Lunch club", "weekly_cost": "-3",
        "starts_on_day": "1", "starts_on_month": "12", "starts_on_year": "2026"})
    assert "Enter the cost a week in pounds and pence" in response.content.decode()
    assert not PlannedService.objects.exists()


def test_ending_a_service_records_the_date(client, world, person, today):
    service = plan(world, person, today)
    end = today + datetime.timedelta(days=10)
    client = as_user(client, "scot_team_manager")
    url = reverse("planned-service-end", args=[person.pk, service.pk])
    bad = client.post(url, {"ends_on_day": "", "ends_on_month": "", "ends_on_year": ""})
    assert "Enter last day of the service" in bad.content.decode()
    response = client.post(url, {"ends_on_day": end.day, "ends_on_month": end.month,
                                 "ends_on_year": end.year})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.ends_on == end
    # A service of someone else is not found through this person.
    other = PersonFactory(authority=world.scot, team=world.scot_team)
    assert client.get(reverse("planned-service-end", args=[other.pk, service.pk])).status_code == 404


# --- Hardship waivers --------------------------------------------------------------------------


def test_the_person_sees_their_page_and_asks_for_a_waiver_but_changes_nothing_else(
        client, world, person, today):
    plan(world, person, today)
    assess(world, person)
    client = as_user(client, "mairi")
    page = client.get(reverse("person-charging", args=[person.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "What you pay towards your support" in text
    assert reverse("waiver-request", args=[person.pk]) in text
    assert reverse("planned-service-add", args=[person.pk]) not in text
    assert client.get(reverse("planned-service-add", args=[person.pk])).status_code == 403
    response = client.post(reverse("waiver-request", args=[person.pk]), {
        "reason": "My boiler broke", "starts_on_day": today.day, "starts_on_month": today.month,
        "starts_on_year": today.year, "weekly_reduction": "10.00"})
    assert response.status_code == 302
    waiver = Waiver.objects.get(person=person)
    assert (waiver.requested_by.username, waiver.weekly_reduction) == ("mairi", 1000)
    assert "Waiting for a decision" in client.get(response.url).content.decode()
    assert client.get(reverse("waiver-decide", args=[waiver.pk])).status_code == 403
    client.post(reverse("waiver-decide", args=[waiver.pk]),
                {"decision": "approve", "decision_reason": "Mine"})
    waiver.refresh_from_db()
    assert waiver.status == Waiver.Status.REQUESTED


def test_a_waiver_request_with_bad_dates_keeps_the_reason(client, world, person):
    client = as_user(client, "scot_social_worker")
    response = client.post(reverse("waiver-request", args=[person.pk]), {
        "reason": SCRIPT, "starts_on_day": "1", "starts_on_month": "12", "starts_on_year": "2026",
        "ends_on_day": "1", "ends_on_month": "11", "ends_on_year": "2026"})
    text = response.content.decode()
    assert "The end date must be on or after the start date" in text
    assert ESCAPED in text and SCRIPT not in text
    assert not Waiver.objects.exists()


def test_the_requester_cannot_decide_their_own_waiver_and_someone_else_can(client, world,
                                                                            person, today):
    plan(world, person, today)
    assess(world, person)
    waiver = services.waiver_request(actor=world.user("scot_finance_officer"), person=person,
                                     reason="Funeral costs", starts_on=today)
    url = reverse("waiver-decide", args=[waiver.pk])
    response = as_user(client, "scot_finance_officer").post(
        url, {"decision": "approve", "decision_reason": "Agreed"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Someone other than the person who asked must decide this waiver" in text
    assert '<p id="id_decision-error" class="govuk-error-message">' in text
    waiver.refresh_from_db()
    assert waiver.status == Waiver.Status.REQUESTED
    missing = as_user(client, "scot_team_manager").post(url, {"decision": "approve"})
    assert "Give the reasons for the decision" in missing.content.decode()
    response = client.post(url, {"decision": "approve", "decision_reason": SCRIPT})
    assert response.status_code == 302
    waiver.refresh_from_db()
    assert waiver.status == Waiver.Status.APPROVED
    assert services.contribution_on(person, today).weekly_amount == 0
    text = as_user(client, "mairi").get(reverse("person-charging", args=[person.pk])).content.decode()
    assert "Approved" in text and ESCAPED in text and SCRIPT not in text
    # Once decided, the page says so and offers no form.
    again = as_user(client, "scot_team_manager").get(url).content.decode()
    assert "already been decided" in again and 'name="decision_reason"' not in again


# --- The worklist ------------------------------------------------------------------------------


def test_the_worklist_lists_the_work_in_a_fixed_number_of_queries(client, world, today,
                                                                   django_assert_num_queries):
    born = iter(range(400))  # a different date of birth each: CHI numbers stay unique

    def someone():
        return PersonFactory(authority=world.scot, team=world.scot_team,
                             date_of_birth=datetime.date(1980, 5, 1)
                             + datetime.timedelta(days=next(born)))

    to_assess = [someone() for _ in range(3)]
    for p in to_assess:
        plan(world, p, today)
    free_only = someone()
    plan(world, free_only, today, kind=ServiceType.PERSONAL_CARE)
    in_progress = someone()
    plan(world, in_progress, today)
    fa = services.financial_assessment_start(actor=world.user("scot_finance_officer"),
                                             person=in_progress)
    done = someone()
    plan(world, done, today)
    assess(world, done)
    waivers = [services.waiver_request(actor=world.user("scot_social_worker"), person=p,
                                       reason="Hardship", starts_on=today) for p in to_assess[:2]]
    elsewhere = PersonFactory(authority=world.eng, team=world.eng_team, given_name="Olwen",
                              family_name="Elsewhere-Manchester")
    services.planned_service_add(actor=world.user("eng_social_worker"), person=elsewhere,
                                 service_type=ServiceType.DAY_SERVICE, description="Day centre",
                                 weekly_cost=5000, starts_on=today)
    with django_assert_num_queries(4):
        worklist = selectors.charging_worklist(authority=world.scot, day=today)
        names = [(p.display_name, p.team.name, p.allocated_worker) for p in worklist.to_assess]
        _ = [(f.person.display_name, f.created_by.username) for f in worklist.in_progress]
        _ = [(w.person.display_name, w.requested_by.username) for w in worklist.waivers]
    assert {p.pk for p in worklist.to_assess} == {p.pk for p in to_assess}
    assert len(names) == 3
    assert [f.pk for f in worklist.in_progress] == [fa.pk]
    assert [w.pk for w in worklist.waivers] == [w.pk for w in waivers]
    text = as_user(client, "scot_team_manager").get(reverse("charging-worklist")).content.decode()
    assert html.escape(to_assess[0].display_name) in text
    assert html.escape(elsewhere.display_name) not in text
    assert reverse("waiver-decide", args=[waivers[0].pk]) in text
    # Whoever asked for a waiver is told someone else decides it.
    own = services.waiver_request(actor=world.user("scot_team_manager"), person=done,
                                  reason="Hardship", starts_on=today)
    text = client.get(reverse("charging-worklist")).content.decode()
    assert "You asked for it: someone else decides" in text
    assert reverse("waiver-decide", args=[own.pk]) not in text
    # A social worker has no worklist.
    assert as_user(client, "scot_social_worker").get(
        reverse("charging-worklist")).status_code == 403


# --- The charging policy ------------------------------------------------------------------------


def test_the_scottish_policy_reads_as_thresholds_and_free_personal_care(client, world):
    response = client.get(reverse("charging-policy", args=[world.scot.code]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Personal care: personal care is free to every adult assessed as needing it" in text
    assert "Income up to a threshold is never charged" in text
    assert "minimum income guarantee" not in text
    assert "<strong>60%</strong>" in text
    assert "<strong>no maximum</strong>" in text
    assert "£21,500.00" in text and "£35,000.00" in text
    assert "Disability benefit, mobility part: not counted at all" in text
    assert "COSLA charging guidance" in text
    assert reverse("policy-detail", args=["charging.taper_percent"]) not in text


def test_the_english_policy_reads_as_a_minimum_income_guarantee(client, world):
    text = client.get(reverse("charging-policy", args=[world.eng.code])).content.decode()
    assert "minimum income guarantee" in text
    assert "ages 25 to pension age: <strong>£" in text
    assert "Income up to a threshold is never charged" not in text
    assert "Aftercare under section 117 of the Mental Health Act" in text


def test_the_policy_on_another_date_and_a_bad_date(client, world):
    url = reverse("charging-policy", args=[world.scot.code])
    old = client.get(url, {"on": "2024-06-01"}).content.decode()
    assert "1 June 2024" in old and "£32,750.00" in old
    bad = client.get(url, {"on": "next tuesday"})
    assert bad.status_code == 200
    assert "is not a date: give it as year-month-day" in bad.content.decode()
    assert 'value="next tuesday"' in bad.content.decode()
    assert client.get(reverse("charging-policy", args=["X99999999"])).status_code == 404


def test_an_administrator_gets_a_link_to_change_each_figure(client, world):
    text = as_user(client, "scot_administrator").get(
        reverse("charging-policy", args=[world.scot.code])).content.decode()
    assert reverse("policy-detail", args=["charging.taper_percent"]) in text
    # Not for another council's figures.
    text = client.get(reverse("charging-policy", args=[world.eng.code])).content.decode()
    assert reverse("policy-detail", args=["charging.taper_percent"]) not in text


# --- The recalculation -------------------------------------------------------------------------


def test_the_recalculation_confirms_then_says_what_happened(client, world, person, today):
    plan(world, person, today)
    assess(world, person)
    client = as_user(client, "scot_finance_officer")
    url = reverse("charging-recalculate")
    bad = client.post(url, {"reason": ""})
    assert "Enter the reason for the recalculation" in bad.content.decode()
    day = today + datetime.timedelta(days=7)
    fields = {"effective_from_day": day.day, "effective_from_month": day.month,
              "effective_from_year": day.year, "reason": "Yearly uprating"}
    confirm = client.post(url, fields).content.decode()
    assert "the contribution of 1 person" in confirm
    assert Contribution.objects.filter(person=person).count() == 1
    # New national figures for that date arrive as data (the yearly uprating): a higher
    # working-age base, £140.00 + 25% = £175 (was £169), so the contribution falls.
    PolicyFigure.objects.create(country="scotland", key="charging.threshold_base_working_age_weekly",
                                kind="money", value="14000", effective_from=day, source="test")
    # Confirming returns at once: the job is queued under the officer's name and the page
    # is the job's; nothing is recalculated until the worker runs it.
    confirmed = client.post(url, {**fields, "confirm": "yes"})
    job = Job.objects.get(kind=RECALCULATE)
    assert confirmed["Location"] == reverse("job-detail", args=[job.pk])
    assert job.started_by == world.user("scot_finance_officer")
    assert Contribution.objects.filter(person=person).count() == 1
    job = finished(job)
    assert job.summary == (f"Contributions recalculated from {day:%-d %B %Y}: 1 person with a "
                           "contribution on or after that date, 1 of them changed, 0 skipped.")
    assert job.figures == {"people": 1, "changed": 1, "skipped": 0}
    assert job.done == job.total == 1
    done = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "1 of them changed" in done
    before = services.contribution_on(person, day - datetime.timedelta(days=1)).weekly_amount
    assert services.contribution_on(person, day).weekly_amount < before
    # Run again (a worker stopped and the job queued again): nothing changes twice.
    again = charging_jobs.contributions_recalculate_start(
        actor=world.user("scot_finance_officer"), authority=world.scot, effective_from=day,
        reason="Yearly uprating")
    assert finished(again).figures == {"people": 1, "changed": 0, "skipped": 0}
    assert Contribution.objects.filter(person=person, superseded=False).count() == 2


def test_home_page_counts_the_charging_work_for_finance(client, world, today):
    waiting = PersonFactory(authority=world.scot, team=world.scot_team,
                            date_of_birth=datetime.date(1980, 5, 1))
    plan(world, waiting, today)
    free_only = PersonFactory(authority=world.scot, team=world.scot_team)
    plan(world, free_only, today, kind=ServiceType.PERSONAL_CARE)
    text = as_user(client, "scot_finance_officer").get(reverse("dashboard")).content.decode()
    assert "1 person is waiting for a financial assessment" in text
    assert "hardship waiver" not in text
    services.waiver_request(actor=world.user("scot_social_worker"), person=waiting,
                            reason="Hardship", starts_on=today)
    text = client.get(reverse("dashboard")).content.decode()
    assert "1 hardship waiver waiting for a decision" in text
    # A social worker has no charging worklist, so no counts.
    text = as_user(client, "scot_social_worker").get(reverse("dashboard")).content.decode()
    assert "waiting for a financial assessment" not in text


def test_the_charging_page_prompts_for_benefits_the_person_may_be_missing(client, world, person,
                                                                           today):
    """Only ESA is recorded for a working-age person: no disability benefit, so Adult
    Disability Payment is worth checking. Staff read why; the person reads what to check."""
    plan(world, person, today)
    assess(world, person)
    text = as_user(client, "scot_finance_officer").get(
        reverse("person-charging", args=[person.pk])).content.decode()
    assert "Benefits the person may be missing" in text
    assert "Check Adult Disability Payment" in text
    assert "No disability benefit for daily living or care is recorded" in text
    assert "Benefits check recorded as done" in text
    person.user = UserFactory(username="the_person_here")
    person.save()
    text = as_user(client, "the_person_here").get(
        reverse("person-charging", args=[person.pk])).content.decode()
    assert "Money you may be entitled to" in text
    assert "Check Adult Disability Payment" in text
    assert "No disability benefit for daily living or care is recorded" not in text


def test_an_attorney_reads_the_persons_name_and_how_to_challenge(client, cast, today):
    """Someone acting for the person reads the person's name, not "you"; everyone who may
    see the contribution reads how to challenge it and who to go to after the council."""
    users, person = cast
    person.date_of_birth = datetime.date(1980, 5, 1)
    person.save()
    services.planned_service_add(actor=users["scot_social_worker"], person=person,
                                 service_type=ServiceType.DAY_SERVICE, description="Day centre",
                                 weekly_cost=9000, starts_on=today)
    finance = users["scot_finance_officer"]
    fa = services.financial_assessment_start(actor=finance, person=person)
    services.income_add(actor=finance, assessment=fa, income_type=IncomeType.ESA, amount=20000,
                        period=Period.WEEK)
    services.financial_assessment_update(actor=finance, assessment=fa, benefits_check_done=True)
    services.financial_assessment_complete(actor=finance, assessment=fa)
    text = as_user(client, "attorney_acting").get(
        reverse("person-charging", args=[person.pk])).content.decode()
    assert "What you pay towards your support" not in text
    assert f"What {html.escape(person.display_name)} pays" in text
    assert "Scottish Public Services Ombudsman" in text
    assert reverse("charging-policy", args=[person.authority.code]) in text


def test_a_waiver_larger_than_the_contribution_and_huge_amounts_are_refused(world, person, today):
    plan(world, person, today)
    assess(world, person)  # £18.60 a week
    with pytest.raises(ValidationError) as caught:
        services.waiver_request(actor=world.user("scot_social_worker"), person=person,
                                reason="Hardship", starts_on=today, weekly_reduction=1860)
    assert "£18.60 a week" in caught.value.message_dict["weekly_reduction"][0]
    fa = services.completed_assessment(person)
    with pytest.raises(ValidationError) as caught:
        services.income_add(actor=world.user("scot_finance_officer"), assessment=fa,
                            income_type=IncomeType.OTHER, amount=100_000_001, period=Period.WEEK)
    assert caught.value.message_dict["amount"] == ["Enter an amount of £1,000,000 or less"]


def test_the_worklist_puts_the_longest_waiting_first(client, world, today):
    earlier = PersonFactory(authority=world.scot, team=world.scot_team, family_name="Zed",
                            date_of_birth=datetime.date(1981, 1, 1))
    later = PersonFactory(authority=world.scot, team=world.scot_team, family_name="Able",
                          date_of_birth=datetime.date(1982, 1, 1))
    plan(world, later, today)
    plan(world, earlier, today - datetime.timedelta(days=30))
    worklist = selectors.charging_worklist(authority=world.scot, day=today)
    assert [p.pk for p in worklist.to_assess] == [earlier.pk, later.pk]
    assert worklist.to_assess[0].waiting_since == today - datetime.timedelta(days=30)


def test_a_date_with_no_figures_is_explained_without_internal_names(client, world):
    text = client.get(reverse("charging-policy", args=[world.eng.code]),
                      {"on": "2024-06-01"}).content.decode()
    assert "charging figures for 1 June 2024" in text
    assert "charging.mig" not in text


def test_a_charging_figure_changed_on_its_page_shows_the_recalculation_it_queued(
        client, world, person, today):
    """The administrator's change and the recalculation it needs happen together: the page
    sends them to the job, which leads back to the figure; nothing waits in the request."""
    plan(world, person, today)
    assess(world, person)
    client = as_user(client, "scot_administrator")
    url = reverse("policy-detail", args=["charging.taper_percent"])
    day = today + datetime.timedelta(days=14)
    response = client.post(url, {"value": "75", "effective_from_day": day.day,
                                 "effective_from_month": day.month,
                                 "effective_from_year": day.year,
                                 "reason": "Council budget"})
    figure = PolicyFigure.objects.get(authority=world.scot, key="charging.taper_percent")
    job = charging_jobs.figure_recalculation(figure.pk)
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    assert (job.started_by, job.back_url) == (world.user("scot_administrator"), url)
    assert services.contribution_on(person, day).effective_from < day  # not yet
    page = client.get(response["Location"]).content.decode()
    assert f"Recalculate contributions from {day:%-d %B %Y}" in page
    finished(job)
    assert services.contribution_on(person, day).effective_from == day
    assert url in client.get(reverse("job-detail", args=[job.pk])).content.decode()
    # A figure nothing follows is recorded with no job.
    other = reverse("policy-detail", args=["review.interval_months"])
    response = client.post(other, {"value": "6", "effective_from_day": day.day,
                                   "effective_from_month": day.month,
                                   "effective_from_year": day.year, "reason": "Committee"})
    assert response["Location"] == other
    assert Job.objects.count() == 1
