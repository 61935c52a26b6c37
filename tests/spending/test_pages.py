"""The spending pages: the public rules and how to challenge, the person's requests and
the form, the decision page, the list to decide and the administrator's page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from selfdirect.spending import services
from selfdirect.spending.models import ExclusionEntry, SpendingRequest
from tests.factories import TEST_PASSWORD
from tests.spending.matrix import agreed_outcome

pytestmark = pytest.mark.django_db


def _sign_in(client, name):
    client.logout()
    assert client.login(username=name, password=TEST_PASSWORD)


def _request(users, person, description="A weekend of respite", by="the_person"):
    outcome = agreed_outcome(person, users["scot_social_worker"])
    return services.spending_request_make(actor=users[by], person=person,
                                          description=description, amount=50000,
                                          outcome=outcome, wanted_on=datetime.date(2026, 12, 12))


def test_the_public_rules_page_for_scotland_and_england(client, world):
    scot = client.get(reverse("spending-rules", args=[world.scot.code])).content.decode()
    assert "serves one of your agreed personal outcomes" in scot
    assert "Gambling" in scot and "Household bills everyone pays" in scot
    assert "Long-term residential care" in scot
    assert reverse("spending-challenge", args=[world.scot.code]) in scot
    eng = client.get(reverse("spending-rules", args=[world.eng.code])).content.decode()
    assert "care and support plan" in eng and "Alcohol and tobacco" in eng
    assert "Direct Payments) Regulations 2014, regulation 3" in eng
    before = client.get(reverse("spending-rules", args=[world.scot.code]),
                        {"on": "2014-03-31"}).content.decode()
    assert "Nothing is on the exclusion list" in before
    bad = client.get(reverse("spending-rules", args=[world.scot.code]), {"on": "<b>soon</b>"})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "must be a real date" in body and "&lt;b&gt;soon&lt;/b&gt;" in body
    assert "<b>soon</b>" not in body
    assert client.get(reverse("spending-rules", args=["S99999999"])).status_code == 404


def test_the_challenge_page_for_each_country(client, world):
    scot = client.get(reverse("spending-challenge", args=[world.scot.code])).content.decode()
    assert "Scottish Public Services Ombudsman" in scot and "20 working days" in scot
    eng = client.get(reverse("spending-challenge", args=[world.eng.code])).content.decode()
    assert "Local Government and Social Care Ombudsman" in eng


def test_the_person_asks_to_spend_and_reads_the_decision_with_its_reasons(client, cast):
    users, person = cast
    outcome = agreed_outcome(person, users["scot_social_worker"])
    _sign_in(client, "the_person")
    response = client.post(reverse("spending-request-new", args=[person.pk]), {
        "description": "A weekend of respite", "amount": "500.00", "outcome": str(outcome.pk),
        "wanted_on_day": "12", "wanted_on_month": "12", "wanted_on_year": "2026"})
    assert response.status_code == 302
    made = SpendingRequest.objects.get(person=person)
    assert made.amount == 50000 and made.requested_by == users["the_person"]
    _sign_in(client, "scot_social_worker")
    assert "A weekend of respite" in client.get(reverse("spending-requests")).content.decode()
    page = client.get(reverse("spending-request-decide", args=[made.pk])).content.decode()
    assert "No exclusion in force names this" in page
    response = client.post(reverse("spending-request-decide", args=[made.pk]), {
        "exclusion": "none", "decision": "approved",
        "decision_reason": "It serves your outcome <of a break>."})
    assert response.status_code == 302
    _sign_in(client, "the_person")
    detail = client.get(reverse("spending-request-detail", args=[made.pk])).content.decode()
    assert "It serves your outcome &lt;of a break&gt;." in detail
    assert reverse("spending-challenge", args=[person.authority.code]) in detail
    listing = client.get(reverse("person-spending", args=[person.pk])).content.decode()
    assert "Approved" in listing and "£500.00" in listing


def test_bad_input_names_each_field_and_keeps_what_was_typed(client, cast):
    users, person = cast
    agreed_outcome(person, users["scot_social_worker"])
    _sign_in(client, "the_person")
    url = reverse("spending-request-new", args=[person.pk])
    body = client.post(url, {}).content.decode()
    for message in ("Enter what the money is for", "Enter the amount in pounds and pence",
                    "Select the agreed outcome the spending serves",
                    "Enter date the money will be spent"):
        assert message in body
    body = client.post(url, {"description": "Tickets <script>x</script>",
                             "amount": "five hundred"}).content.decode()
    assert "Enter amount in pounds and pence" in body
    assert 'value="five hundred"' in body
    assert "Tickets &lt;script&gt;x&lt;/script&gt;" in body and "<script>x</script>" not in body
    assert not SpendingRequest.objects.exists()


def test_the_decision_page_needs_reasons_and_names_the_exclusion(client, cast):
    users, person = cast
    made = _request(users, person, description="Whisky and cigarettes <for the weekend>")
    _sign_in(client, "scot_social_worker")
    url = reverse("spending-request-decide", args=[made.pk])
    page = client.get(url).content.decode()
    assert "Alcohol and tobacco" in page and 'value="alcohol-tobacco"' in page
    assert "Whisky and cigarettes &lt;for the weekend&gt;" in page
    body = client.post(url, {"exclusion": "alcohol-tobacco", "decision": "approved",
                             "decision_reason": ""}).content.decode()
    assert "Give the reasons for the decision" in body
    body = client.post(url, {"exclusion": "alcohol-tobacco", "decision": "approved",
                             "decision_reason": "Fine"}).content.decode()
    assert "Alcohol and tobacco” is on the exclusion list" in body
    made.refresh_from_db()
    assert made.status == SpendingRequest.Status.REQUESTED
    client.post(url, {"exclusion": "alcohol-tobacco", "decision": "refused",
                      "decision_reason": "The rules do not allow it."})
    _sign_in(client, "the_person")
    detail = client.get(reverse("spending-request-detail", args=[made.pk])).content.decode()
    assert "The exclusion that applies: Alcohol and tobacco" in detail


def test_the_requester_sees_that_someone_else_decides(client, cast):
    users, person = cast
    made = _request(users, person, by="scot_social_worker")
    _sign_in(client, "scot_social_worker")
    page = client.get(reverse("spending-request-decide", args=[made.pk])).content.decode()
    assert "someone else must decide it" in page
    client.post(reverse("spending-request-decide", args=[made.pk]),
                {"exclusion": "none", "decision": "approved", "decision_reason": "Mine"})
    made.refresh_from_db()
    assert made.status == SpendingRequest.Status.REQUESTED


def test_the_administrator_adds_and_withdraws_exclusions_with_history(client, world):
    _sign_in(client, "scot_administrator")
    url = reverse("spending-rules-manage")
    body = client.post(url, {"action": "add"}).content.decode()
    for message in ("Enter the name of the exclusion", "Enter the explanation in plain English",
                    "Enter date it is in force from", "Enter the reason for the change"):
        assert message in body
    response = client.post(url, {
        "action": "add", "add-title": "Holidays <abroad>", "add-explanation": "Breaks in the UK",
        "add-keywords": "abroad", "add-effective_from_day": "1", "add-effective_from_month": "1",
        "add-effective_from_year": "2027", "add-reason": "Council decision"})
    assert response.status_code == 302
    response = client.post(url, {
        "action": "withdraw", "withdraw-key": "gambling", "withdraw-effective_from_day": "1",
        "withdraw-effective_from_month": "4", "withdraw-effective_from_year": "2027",
        "withdraw-reason": "Trial"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Holidays &lt;abroad&gt;" in page and "Withdrawn" in page and "Trial" in page
    assert ExclusionEntry.objects.filter(authority=world.scot).count() == 2
    public = client.get(reverse("spending-rules", args=[world.scot.code]),
                        {"on": "2027-04-01"}).content.decode()
    assert "Holidays &lt;abroad&gt;" in public and "Gambling" not in public
