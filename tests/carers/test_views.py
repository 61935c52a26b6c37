"""The carers' pages: each bad input gets a message naming its field and nothing is saved;
what people type is shown escaped; the plan page runs the same queries at any size."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from selfdirect.carers import services
from selfdirect.carers.models import (
    AdultCarerSupportPlan,
    CarerEligibilityDecision,
    CarerSupportPlanOffer,
)
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.models import Access, Person
from selfdirect.people.services import communication_needs_set, relationship_add
from tests.carers.conftest import (
    ALL_AREAS_LOW,
    DAY,
    accepted_plan,
    carers_category,
    complete,
    identify,
)
from tests.factories import TEST_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, worker):
    client.login(username="scot_social_worker", password=TEST_PASSWORD)
    return client


def _date(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def _errors(response):
    form = response.context["form"]
    return {name: list(errors) for name, errors in form.errors.items()}


# --- Identify -----------------------------------------------------------------------------


def test_identifying_with_nothing_filled_in_names_every_field(signed_in, cared_for):
    url = reverse("carer-identify", args=[cared_for.pk])
    people = Person.objects.count()
    response = signed_in.post(url, {"carer": "new"})
    assert response.status_code == 200
    errors = _errors(response)
    assert errors["given_name"] == ["Enter the carer's given name"]
    assert errors["family_name"] == ["Enter the carer's family name"]
    assert errors["date_of_birth"] == ["Enter the carer's date of birth"]
    assert errors["identified_on"] == ["Enter date the carer was identified"]
    assert errors["terminal_illness"] == ["Select yes if Alasdair Munro is terminally ill"]
    html = response.content.decode()
    assert "<title>Error: " in html and "There is a problem" in html
    assert Person.objects.count() == people and not CarerSupportPlanOffer.objects.exists()


def test_a_new_carer_is_recorded_and_the_offer_page_follows(signed_in, world, cared_for):
    rel = relationship_add(actor=world.user("scot_social_worker"), person=cared_for,
                           kind="unpaid_carer", name="Catriona Munro", access=Access.NONE)
    url = reverse("carer-identify", args=[cared_for.pk])
    assert "Catriona Munro" in signed_in.get(url).content.decode()  # the relationship radio
    response = signed_in.post(url, {
        "carer": "new", "given_name": "Catriona", "family_name": "Munro",
        **_date("date_of_birth", datetime.date(1972, 5, 4)), "relationship": rel.pk,
        "relationship_to_cared_for": "daughter", **_date("identified_on", DAY),
        "terminal_illness": "yes"})
    offer = CarerSupportPlanOffer.objects.get()
    assert response.status_code == 302 and response.url == reverse("carer-offer",
                                                                    args=[offer.pk])
    assert (offer.carer.given_name, offer.carer.client_group, offer.terminal_illness) == (
        "Catriona", "carer", True)
    assert offer.offer_due_by == datetime.date(2026, 3, 4)
    page = signed_in.get(response.url).content.decode()
    assert "Offer due by" in page and "Wednesday 4 March 2026" in page
    assert "is terminally ill" in page


def test_an_existing_record_is_found_by_name_and_chosen(signed_in, cared_for, carer):
    url = reverse("carer-identify", args=[cared_for.pk])
    found = signed_in.get(url, {"name": "catriona"})
    html = found.content.decode()
    assert "1 record found" in html and "Catriona Munro, born" in html
    response = signed_in.post(f"{url}?name=catriona", {
        "carer": carer.pk, **_date("identified_on", DAY), "terminal_illness": "no"})
    assert response.status_code == 302
    assert CarerSupportPlanOffer.objects.get().carer == carer
    # A record not among the search results cannot be chosen.
    other = PersonFactory(authority=carer.authority, team=carer.team)
    refused = signed_in.post(url, {"carer": other.pk, **_date("identified_on", DAY),
                                   "terminal_illness": "no"})
    assert "carer" in _errors(refused)


# --- The offer and the answer -------------------------------------------------------------


def test_recording_the_offer_then_the_answer(signed_in, worker, cared_for, carer):
    offer = identify(worker, cared_for, carer)
    url = reverse("carer-offer", args=[offer.pk])
    bad = signed_in.post(url, {**_date("offered_on", DAY - datetime.timedelta(days=1))})
    errors = _errors(bad)
    assert errors["offered_how"] == ["Select how the plan was offered"]
    signed_in.post(url, {**_date("offered_on", DAY - datetime.timedelta(days=1)),
                         "offered_how": "phone"})
    offer.refresh_from_db()
    assert offer.state == "identified"  # the service refused a date before identification
    assert signed_in.post(url, {**_date("offered_on", DAY), "offered_how": "phone"}
                          ).status_code == 302
    offer.refresh_from_db()
    assert offer.state == "offered"
    missing = signed_in.post(url, {})
    assert set(_errors(missing)) == {"answer", "answered_on"}
    done = signed_in.post(url, {"answer": "accepted", **_date("answered_on", DAY),
                                "note": "Yes please"})
    plan = AdultCarerSupportPlan.objects.get()
    assert done.url == reverse("carer-plan", args=[plan.pk])


def test_a_viewer_who_cannot_change_sees_no_form_and_cannot_post(client, worker, cared_for,
                                                                  carer):
    offer = identify(worker, cared_for, carer)
    client.login(username="scot_finance_officer", password=TEST_PASSWORD)
    url = reverse("carer-offer", args=[offer.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(url, {**_date("offered_on", DAY), "offered_how": "phone"}
                       ).status_code == 403
    offer.refresh_from_db()
    assert offer.state == "identified"


# --- The plan -----------------------------------------------------------------------------


def test_what_people_type_is_shown_escaped(signed_in, worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    nasty = '<script>alert("x")</script>'
    services.carer_plan_update(actor=worker, plan=plan, circumstances=f"Line one\n{nasty}")
    services.carer_plan_outcome_add(actor=worker, plan=plan, in_own_words=f"I want {nasty}",
                                    category=carers_category())
    communication_needs_set(actor=worker, person=carer, needs={"other": nasty})
    html = signed_in.get(reverse("carer-plan", args=[plan.pk])).content.decode()
    assert nasty not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Line one<br>" in html
    assert "Communication and access needs" in html  # the carer's needs banner


def test_the_plan_page_says_carers_are_not_charged(signed_in, worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    html = signed_in.get(reverse("carer-plan", args=[plan.pk])).content.decode()
    assert "Carers are not charged for support" in html
    assert "Before the plan can be agreed" in html


def test_a_section_is_saved_and_bad_input_is_named(signed_in, worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    url = reverse("carer-plan-section", args=[plan.pk, "short-breaks"])
    bad = signed_in.post(url, {"short_break": "yes", "short_break_details": ""})
    assert _errors(bad) == {"short_break_details": [
        "Enter the break from caring to be provided: what, how often, who provides it"]}
    too_long = signed_in.post(reverse("carer-plan-section", args=[plan.pk, "review"]),
                              {"review_arrangements": "x" * 5001})
    assert _errors(too_long) == {"review_arrangements": [
        "When the plan will be reviewed must be 5,000 characters or fewer"]}
    plan.refresh_from_db()
    assert plan.short_break == "" and plan.review_arrangements == ""
    ok = signed_in.post(url, {"short_break": "yes", "short_break_details": "A weekend away"})
    assert ok.status_code == 302
    plan.refresh_from_db()
    assert (plan.short_break, plan.short_break_details) == ("yes", "A weekend away")
    assert signed_in.get(reverse("carer-plan-section", args=[plan.pk, "nonsense"])
                         ).status_code == 404


def test_an_outcome_is_added_from_its_page(signed_in, worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    url = reverse("carer-plan-outcome-add", args=[plan.pk])
    page = signed_in.get(url).content.decode()
    assert "A life of my own" in page and "Walking" not in page  # carers' categories only
    bad = signed_in.post(url, {"in_own_words": "", "priority": "2"})
    assert set(_errors(bad)) == {"in_own_words", "category"}
    assert _errors(bad)["category"] == ["Select which carers' outcome it belongs to"]
    ok = signed_in.post(url, {"in_own_words": "Keep my Tuesday choir",
                              "category": carers_category().pk, "priority": "1",
                              "better_looks_like": "", "measure": ""})
    assert ok.status_code == 302
    assert PersonalOutcome.objects.get().person == carer


def test_eligibility_from_its_page(signed_in, worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    url = reverse("carer-plan-eligibility", args=[plan.pk])
    empty = signed_in.post(url, {"challenge_route": "Ask us"})
    errors = _errors(empty)
    assert errors["level_health_wellbeing"] == [
        "Select the level of impact on health and wellbeing"]
    assert errors["reasons"] == ["Enter reasons for the decision"]
    data = {f"level_{a}": lv for a, lv, _ in ALL_AREAS_LOW}
    data.update({f"reason_{a}": r for a, _, r in ALL_AREAS_LOW})
    data.update({"reasons": "Low impact", "challenge_route": "Ask us",
                 **_date("decided_on", DAY)})
    data["reason_finance"], data["level_finance"] = "", "moderate"
    refused = signed_in.post(url, data)
    assert set(_errors(refused)) == {"reason_finance"}
    data["reason_finance"] = "Debts since giving up work"
    below = signed_in.post(url, data)
    assert set(_errors(below)) == {"signposting"}
    assert not CarerEligibilityDecision.objects.exists()
    data["signposting"] = "Money advice at the carers' centre"
    assert signed_in.post(url, data).status_code == 302
    html = signed_in.get(reverse("carer-plan", args=[plan.pk])).content.decode()
    assert "Not eligible for support from the council" in html
    assert "Money advice at the carers&#x27; centre" in html


def test_agreeing_the_plan(signed_in, worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    url = reverse("carer-plan-agree", args=[plan.pk])
    page = signed_in.get(url).content.decode()
    assert "The plan cannot be agreed yet" in page
    refused = signed_in.post(url)
    assert refused.status_code == 200 and "<title>Error: " in refused.content.decode()
    complete(worker, plan)
    assert "Agree the plan only once" in signed_in.get(url).content.decode()
    assert signed_in.post(url).status_code == 302
    plan.refresh_from_db()
    assert plan.state == "agreed"
    # An agreed plan has no change pages.
    assert signed_in.get(reverse("carer-plan-section", args=[plan.pk, "review"])).status_code == 302


def test_the_plan_page_runs_the_same_queries_for_2_or_20_outcomes_and_decisions(
        signed_in, worker, cared_for, carer):
    plan = accepted_plan(worker, cared_for, carer)
    url = reverse("carer-plan", args=[plan.pk])

    def add(count):
        for i in range(count):
            services.carer_plan_outcome_add(
                actor=worker, plan=plan, in_own_words=f"Outcome number {i} in my own words",
                category=carers_category(), better_looks_like="b", measure="m")
            services.carer_eligibility_decide(actor=worker, plan=plan, areas=ALL_AREAS_LOW,
                                              reasons="r", signposting="s", decided_on=DAY)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = signed_in.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    add(2)
    small, html = count()
    assert html.count("Outcome number") == 2
    add(18)
    large, html = count()
    assert html.count("Outcome number") == 20
    assert large == small
