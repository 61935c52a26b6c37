"""Scenario 7. Approved hours that are not delivered.

Gemma's plan funds 35 hours a week from an agency that delivers 20. Delivered hours are
recorded against planned hours; the gap is flagged to her social worker after two weeks;
the unspent money is shown, and can be put to another use she asks for, with a recorded
decision.

The agency (signed in as one of its staff) records 20 hours a week on its page. After the
first short week nothing is flagged; after the second the social worker's list shows the
shortfall with the money not spent. Gemma opens her page, reads the shortfall in plain
words and follows "ask to use this money another way" to the spending request; the
request is recorded on the alert; her worker marks the alert seen with what she did and
decides the request with reasons Gemma reads.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from selfdirect.payments import hours
from selfdirect.payments.models import DeliveredHours, ShortfallAlert
from selfdirect.spending import services as spending
from selfdirect.spending.models import SpendingRequest
from tests.factories import TEST_PASSWORD
from tests.payments.matrix_hours import WEEK, hours_setting, this_monday

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=TEST_PASSWORD)
    return client


def test_gemmas_missing_hours_are_flagged_after_two_weeks_and_put_to_another_use(cast):
    users, gemma = cast
    # 35 hours a week of care at home at £22 an hour, from an agency that accepted it.
    line, agency = hours_setting(users, gemma, hours_per_week="35", weekly_cost=77000)
    agency_staff, worker = signed_in("scot_provider_user"), signed_in("scot_social_worker")
    first, second = this_monday() - 2 * WEEK, this_monday() - WEEK

    # Week one: the agency records the 20 hours it delivered. One short week is not flagged.
    assert "Care at home" in agency_staff.get(reverse("provider-hours")).content.decode()
    response = agency_staff.post(reverse("provider-hours-record",
                                         args=[line.pk, first.isoformat()]),
                                 {"hours": "20", "note": "Could not cover the evenings"})
    assert response.status_code == 302
    assert not ShortfallAlert.objects.exists()
    assert "No shortfalls" in worker.get(reverse("shortfall-alerts")).content.decode()

    # Week two: 20 again. Now the gap is flagged to her social worker.
    agency_staff.post(reverse("provider-hours-record", args=[line.pk, second.isoformat()]),
                      {"hours": "20", "note": ""})
    assert [(d.planned_hours, d.hours) for d in DeliveredHours.objects.order_by("week_start")] \
        == [(35, 20), (35, 20)]
    alert = ShortfallAlert.objects.get()
    assert (alert.planned_hours, alert.delivered_hours, alert.unspent) == (70, 40, 66000)
    alerts_page = worker.get(reverse("shortfall-alerts")).content.decode()
    assert gemma.display_name in alerts_page and "£660.00" in alerts_page
    assert list(hours.alerts_for_worker(users["scot_social_worker"], unseen_only=True)) == [alert]

    # Gemma sees the shortfall and the money not spent in plain words.
    gemma_client = signed_in("the_person")
    page = gemma_client.get(reverse("person-delivered-hours", args=[gemma.pk])).content.decode()
    assert (f"In the 2 weeks from {first:%-d %B %Y}, 40 of the 70 hours planned were "
            "delivered: 30 hours short. £660.00 has not been spent.") in page
    ask = reverse("spending-request-new", args=[gemma.pk]) + f"?shortfall={alert.pk}"
    assert ask in page
    assert gemma_client.get(ask).status_code == 200  # the spending request form opens

    # She asks to use it another way; the request is recorded on the alert.
    outcome = line.outcome
    request = spending.spending_request_make(
        actor=users["the_person"], person=gemma,
        description="A day service on Wednesdays while the agency recruits",
        amount=alert.unspent, outcome=outcome, wanted_on=this_monday() + 2 * WEEK)
    hours.shortfall_request_link(actor=users["the_person"], alert=alert,
                                 spending_request=request)

    # Her worker marks the alert seen with what she did, and decides the request.
    seen = worker.post(reverse("shortfall-alert-seen", args=[alert.pk]),
                       {"action": "Met the agency: evening cover from next month. Gemma "
                                  "asked to use the money for a day service."})
    assert seen.status_code == 302
    decision = worker.post(reverse("spending-request-decide", args=[request.pk]),
                           {"decision": "approved", "decision_reason": "It serves her "
                            "outcome of staying at home and is within the unspent money",
                            "exclusion": "none"})
    assert decision.status_code == 302, decision.content.decode()[:2000]
    decided = SpendingRequest.objects.get(pk=request.pk)
    assert decided.status == "approved" and decided.decided_by == users["scot_social_worker"]
    assert decided.history.latest().history_user == users["scot_social_worker"]

    page = gemma_client.get(reverse("person-delivered-hours", args=[gemma.pk])).content.decode()
    assert "A day service on Wednesdays while the agency recruits (approved)" in page
    assert "Met the agency: evening cover from next month" in page
    assert ask not in page  # asked once; the decision is what she reads now
    detail = gemma_client.get(reverse("spending-request-detail", args=[request.pk]))
    assert "It serves her outcome of staying at home" in detail.content.decode()
