"""The options page (the four options side by side, with equal weight, for one person) and
the page where the worker records the choice made with the person."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from selfdirect.allocation import services as allocation
from selfdirect.charging import services as charging
from selfdirect.charging.catalogue import IncomeType, Period, ServiceType
from selfdirect.core import clock
from selfdirect.planning import services
from selfdirect.planning.models import OptionChoice
from tests.allocation.matrix_budget import make_budget
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
TITLES = ["Option 1: a direct payment",
          "Option 2: you choose, the council or a provider holds the money",
          "Option 3: the council chooses and arranges",
          "Option 4: a mix of options"]


def as_user(client, username):
    client.logout()
    assert client.login(username=username, password=TEST_PASSWORD)
    return client


def options_page(client, username, person, query=""):
    page = as_user(client, username).get(reverse("person-options", args=[person.pk]) + query)
    assert page.status_code == 200
    return page.content.decode()


def cards(text):
    """Each option's card: its heading and the questions it answers, in page order."""
    found = []
    for chunk in text.split('<div class="govuk-summary-card" ')[1:]:
        title = re.search(r'<h3 class="govuk-summary-card__title">(.*?)</h3>', chunk)
        keys = re.findall(r'<dt class="govuk-summary-list__key">(.*?)</dt>', chunk)
        found.append((html.unescape(title.group(1)) if title else None, keys[:6]))
    return found


def record(users, person, **kwargs):
    values = {"options": ["1", "3"], "decided_on": clock.today(),
              "present": "Fraser, his sister, Morag (worker)"}
    values.update(kwargs)
    return services.option_choice_record(actor=users["scot_social_worker"], person=person,
                                         **values)


@pytest.fixture
def working_age(cast):
    users, person = cast
    person.date_of_birth = datetime.date(1980, 5, 1)  # working age: the thresholds below
    person.save()
    return users, person


def contribute(users, person):
    """A service charged for and a financial assessment: £200 a week ESA."""
    charging.planned_service_add(
        actor=users["scot_social_worker"], person=person, service_type=ServiceType.SOCIAL_SUPPORT,
        description="Support to go swimming", weekly_cost=9000, starts_on=clock.today())
    finance = users["scot_finance_officer"]
    fa = charging.financial_assessment_start(actor=finance, person=person)
    charging.income_add(actor=finance, assessment=fa, income_type=IncomeType.ESA, amount=20000,
                        period=Period.WEEK)
    charging.financial_assessment_update(actor=finance, assessment=fa, benefits_check_done=True)
    (contribution,) = charging.financial_assessment_complete(actor=finance, assessment=fa)
    return contribution


# --- The options page ---------------------------------------------------------------------


def test_the_four_options_have_the_same_place_heading_and_questions(client, cast):
    users, person = cast
    text = options_page(client, "scot_social_worker", person)
    found = cards(text)
    assert [title for title, _ in found] == TITLES
    # Every option answers the same questions, in the same order, at the same heading level.
    assert text.count('<h3 class="govuk-summary-card__title">') == 4
    assert len({tuple(keys) for _, keys in found}) == 1
    assert found[0][1] == ["Who holds the money", "Who chooses the support", "Who arranges it",
                           f"What {html.escape(person.display_name)} would be responsible for",
                           "Help there is", "How much"]
    # None is marked as preferred or as the default.
    options = text.split("The four options</h2>")[1].split('<h2 class="govuk-heading-m">')[0]
    assert "recommended" not in options.lower() and "default" not in options.lower()
    assert "govuk-tag" not in options
    # No budget yet: the amounts wait for one.
    assert "The amounts for each option will be shown once there is an indicative budget" in text
    assert text.count("Shown once there is an indicative budget") == 4
    assert "No choice has been recorded yet" in text
    assert reverse("option-choice-record", args=[person.pk]) in text


def test_the_person_reads_it_as_you_and_cannot_record_a_choice(client, cast):
    users, person = cast
    text = options_page(client, "the_person", person)
    assert "Your options for arranging support" in text
    assert "What you would be responsible for" in text
    assert reverse("option-choice-record", args=[person.pk]) not in text
    carer = options_page(client, "carer_viewing", person)
    assert "Your options for arranging support" in carer
    assert reverse("option-choice-record", args=[person.pk]) not in carer


def test_option_1_is_the_net_direct_payment_and_a_viewing_carer_sees_no_contribution(
        client, working_age):
    users, person = working_age
    budget = make_budget(users, person)
    contribution = contribute(users, person)
    # £200 ESA − £169 threshold = £31 above; 60% taper → £18.60 a week.
    assert contribution.weekly_amount == 1860
    # 33 points × £45 = £1,485 a year. Four weeks of it: £1,485 × 4 ÷ 52 = £114.230… →
    # £114.23. Net direct payment: £114.23 − 4 × £18.60 (£74.40) = £39.83.
    assert budget.total == 148500
    worker = options_page(client, "scot_social_worker", person)
    assert "£1,485.00 a year" in worker and "£114.23 every four weeks" in worker
    assert "It is <strong>indicative</strong>" in worker
    assert "<strong>£39.83</strong> every four weeks, paid in advance" in worker
    assert "£18.60 a week" in worker
    assert worker.count("<strong>£1,485.00</strong> a year") == 3  # options 2, 3 and 4
    # The attorney may see the person's money: the same amounts, said to "you".
    attorney = options_page(client, "attorney_acting", person)
    assert "<strong>£39.83</strong>" in attorney and "You pay a contribution of" in attorney
    # A carer who may only see the record sees the budget, not what the person pays.
    carer = options_page(client, "carer_viewing", person)
    assert "£1,485.00 a year" in carer
    assert "<strong>£114.23</strong> every four weeks" in carer
    assert "less any contribution the person pays" in carer
    assert "£18.60" not in carer and "£39.83" not in carer


def test_an_agreed_budget_is_named_as_agreed(client, working_age):
    users, person = working_age
    budget = make_budget(users, person)
    budget = allocation.budget_propose(actor=users["scot_social_worker"], budget=budget)
    allocation.budget_agree(actor=users["scot_team_manager"], budget=budget,
                            reason="Meets the outcomes agreed")
    text = options_page(client, "the_person", person)
    assert "It is <strong>agreed</strong>" in text
    assert "<strong>£114.23</strong> every four weeks" in text  # no contribution: all of it


def test_no_choice_is_shown_as_option_3_with_the_earlier_choice_kept(client, cast):
    users, person = cast
    record(users, person, decided_on=clock.today() - datetime.timedelta(days=30))
    record(users, person, options=[], no_choice=True, advocate_helped=True)
    text = options_page(client, "scot_social_worker", person)
    assert "Option 3 (no choice was made, so the law treats it as Option 3)" in text
    assert "An independent advocate helped" in text
    assert '<caption class="govuk-table__caption govuk-table__caption--s">Earlier choices' in text
    assert "Option 4 (options 1 and 3)" in text
    assert len(cards(text)) == 4


def test_a_direct_payment_not_available_gives_reasons_and_a_date_and_keeps_the_others(
        client, cast):
    users, person = cast
    review = clock.today() + datetime.timedelta(days=90)
    record(users, person, options=["2"], direct_payment_available=False,
           direct_payment_reasons="You asked for time to think about being an employer",
           direct_payment_review_on=review)
    worker = options_page(client, "scot_social_worker", person)
    name = html.escape(person.display_name)
    assert f"A direct payment is not available to {name} at the moment." in worker
    assert "You asked for time to think about being an employer" in worker
    assert f"It will be looked at again on {review:%-d %B %Y}." in worker
    assert [title for title, _ in cards(worker)] == TITLES  # every option still there
    # The notice is inside Option 1's card, not another's.
    first, second = worker.split('id="option-1"')[1].split('id="option-2"')
    assert "is not available" in first and "is not available" not in second
    mine = options_page(client, "the_person", person)
    assert "A direct payment is not available to you at the moment." in mine


def test_what_was_typed_is_escaped_on_the_page(client, cast):
    users, person = cast
    record(users, person, options=["2"], present=SCRIPT, explained_how=SCRIPT,
           direct_payment_available=False, direct_payment_reasons=SCRIPT,
           direct_payment_review_on=clock.today() + datetime.timedelta(days=30))
    text = options_page(client, "scot_social_worker", person)
    assert SCRIPT not in text
    assert text.count(ESCAPED) == 3


def test_the_printable_copy_has_no_navigation(client, cast):
    users, person = cast
    record(users, person)
    text = options_page(client, "the_person", person, "?print=1")
    assert "Printed on" in text
    assert [title for title, _ in cards(text)] == TITLES
    assert "Option 4 (options 1 and 3)" in text
    for navigation in ("govuk-service-navigation", "govuk-generic-header", "Sign out",
                       "govuk-back-link", "Record the choice"):
        assert navigation not in text


def test_the_page_reads_a_fixed_number_of_times(client, cast):
    users, person = cast
    record(users, person)
    url = reverse("person-options", args=[person.pk])
    as_user(client, "scot_social_worker")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(3):
        record(users, person, options=["2"])
    with CaptureQueriesContext(connection) as four:
        assert client.get(url).status_code == 200
    assert len(four) == len(one)


def test_the_links_to_the_options(client, cast):
    users, person = cast
    url = reverse("person-options", args=[person.pk])
    staff = as_user(client, "scot_social_worker").get(reverse("person-detail", args=[person.pk]))
    assert url in staff.content.decode()
    portal = as_user(client, "the_person").get(reverse("portal-home"))
    assert url in portal.content.decode()
    assert "Your options for arranging support" in portal.content.decode()


# --- Recording the choice ---------------------------------------------------------------------


def choice_url(person):
    return reverse("option-choice-record", args=[person.pk])


def date_fields(prefix, day):
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month),
            f"{prefix}_year": str(day.year)}


def test_the_form_starts_at_today(client, cast):
    users, person = cast
    page = as_user(client, "scot_social_worker").get(choice_url(person))
    text = page.content.decode()
    today = clock.today()
    assert page.status_code == 200
    assert re.search(rf'name="decided_on_day"[^>]*value="{today.day}"', text)
    assert re.search(rf'name="decided_on_year"[^>]*value="{today.year}"', text)
    assert "More than one is Option 4" in text
    assert "The law treats this as Option 3, and it will be recorded that way" in text
    assert "Including the person, and anyone who supported them" in text


def test_recording_a_choice_saves_it_against_the_budget_and_says_so(client, cast):
    users, person = cast
    budget = make_budget(users, person)
    day = clock.today() - datetime.timedelta(days=2)
    response = as_user(client, "scot_social_worker").post(choice_url(person), {
        "options": ["1", "3"], **date_fields("decided_on", day),
        "present": "Fraser and his sister", "explained_how": "Face to face, easy read leaflet",
        "independent_help": ["broker"]}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("person-options", args=[person.pk])
    choice = OptionChoice.objects.get(person=person)
    assert (choice.options, choice.decided_on, choice.budget_id) == ("13", day, budget.pk)
    assert (choice.advocate_helped, choice.broker_helped) == (False, True)
    text = response.content.decode()
    assert "The choice has been recorded: Option 4 (options 1 and 3)." in text
    assert "An independent support broker helped" in text


def test_no_choice_through_the_form_is_recorded_as_option_3(client, cast):
    users, person = cast
    response = as_user(client, "scot_social_worker").post(choice_url(person), {
        "no_choice": "on", **date_fields("decided_on", clock.today()),
        "present": "Fraser"})
    assert response.status_code == 302
    choice = OptionChoice.objects.get(person=person)
    assert (choice.options, choice.no_choice) == ("3", True)


def test_mistakes_are_named_by_field_and_what_was_typed_is_kept(client, cast):
    users, person = cast
    review = clock.today() + datetime.timedelta(days=60)
    response = as_user(client, "scot_social_worker").post(choice_url(person), {
        "options": ["1"], **date_fields("decided_on", clock.today()),
        "present": SCRIPT, "explained_how": "By phone",
        "direct_payment_unavailable": "on", **date_fields("direct_payment_review_on", review)})
    assert response.status_code == 200
    text = response.content.decode()
    assert "<title>Error: " in text
    assert "A direct payment (option 1) is recorded as not available" in text
    assert "Give the reasons a direct payment is not available" in text
    assert '<a href="#id_options_0">' in text
    assert '<a href="#id_direct_payment_reasons">' in text
    # What was typed is still there, escaped.
    assert ESCAPED in text and SCRIPT not in text
    assert 'value="By phone"' in text
    assert re.search(r'id="id_options_0"[^>]*value="1" checked', text)
    assert re.search(r'name="direct_payment_unavailable"[^>]*checked', text)
    assert re.search(rf'name="direct_payment_review_on_year"[^>]*value="{review.year}"', text)
    assert not OptionChoice.objects.filter(person=person).exists()


def test_nothing_chosen_and_a_date_that_is_not_real(client, cast):
    users, person = cast
    response = as_user(client, "scot_social_worker").post(choice_url(person), {
        "decided_on_day": "31", "decided_on_month": "2", "decided_on_year": "2026", "present": ""})
    text = response.content.decode()
    assert "Date of the choice must be a real date" in text
    assert "Say who was present, including the person" in text
    assert re.search(r'name="decided_on_day"[^>]*value="31"', text)
    tomorrow = clock.today() + datetime.timedelta(days=1)
    response = client.post(choice_url(person), {**date_fields("decided_on", tomorrow),
                                                "present": "Fraser"})
    text = response.content.decode()
    assert "Date of the choice must be today or in the past" in text
    response = client.post(choice_url(person), {**date_fields("decided_on", clock.today()),
                                                "present": "Fraser"})
    assert "Select the options the person chose (more than one is Option 4)" in \
        response.content.decode()
    assert not OptionChoice.objects.filter(person=person).exists()
