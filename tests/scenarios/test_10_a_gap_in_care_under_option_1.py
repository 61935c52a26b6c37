"""Scenario 10. A gap in care under Option 1.

Jamie's PA leaves and he cannot recruit. His social worker switches him temporarily to
Option 4 with the council arranging cover; when a new PA starts he goes back to Option 1.
The history shows both switches and the dates.

End to end: Jamie's Option 1 plan is agreed, finance records his account on the page and
the first four weeks are paid through a real run. His PA leaves; his worker switches the
PA line to council cover on the page, and the next run pays less by exactly the weeks of
cover. A new PA starts; the worker records the switch back on the page, and the next run
pays in full. Jamie's payments page, and the switch's history, show both switches and
their dates.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from selfdirect.allocation.models import FundingStream
from selfdirect.authorities.models import Role
from selfdirect.payments import runs
from selfdirect.payments.models import PaymentRun, TemporarySwitch
from tests.factories import TEST_PASSWORD, staff
from tests.payments.factories import DAY, agreed_plan, originator

pytestmark = pytest.mark.django_db
WEEK = datetime.timedelta(days=7)
ONE = datetime.timedelta(days=1)
PA_WEEKLY, PAYROLL_WEEKLY = 35000, 2500


def _date(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month),
            f"{name}_year": str(day.year)}


def _pay(users, jamie, start):
    """A finance officer prepares the run, a second approves it, and it is paid."""
    run = runs.run_prepare(actor=users["scot_finance_officer"], authority=jamie.authority,
                           period_start=start, period_end=start + 6 * ONE, pay_on=DAY)
    run = runs.run_approve(actor=users["second_finance"], run=run)
    run = runs.run_post(actor=users["scot_finance_officer"], run=run)
    assert run.status == PaymentRun.Status.POSTED
    return run.payments.get()


def _as(client, username):
    client.logout()
    assert client.login(username=username, password=TEST_PASSWORD)


def test_jamies_gap_in_care_pauses_and_resumes_his_direct_payment(client, cast):
    users, jamie = cast
    jamie.given_name = "Jamie"
    jamie.save()
    users["second_finance"] = staff(jamie.authority, Role.FINANCE_OFFICER, None,
                                    username="second_finance")
    originator(jamie.authority)
    # Jamie's plan: a PA at £350 a week and a payroll service at £25, both Option 1.
    plan = agreed_plan(users, jamie, [("1", PA_WEEKLY, FundingStream.COUNCIL),
                                      ("1", PAYROLL_WEEKLY, FundingStream.COUNCIL)])
    pa_line = plan.lines.order_by("pk").first()
    full = 4 * (PA_WEEKLY + PAYROLL_WEEKLY)

    # Finance records the account his direct payment goes into.
    _as(client, "scot_finance_officer")
    response = client.post(reverse("person-payee-account", args=[jamie.pk]), {
        "method": "bank", "account_name": "JAMIE DP ACCOUNT", "sort_code": "80-22-60",
        "account_number": "31926819", **_date("effective_from", DAY)})
    assert response.status_code == 302

    # The first four weeks are paid in advance, in full.
    first = _pay(users, jamie, DAY)
    assert first.amount == full
    _as(client, "the_person")
    page = client.get(reverse("person-payments", args=[jamie.pk])).content.decode()
    assert "Your direct payments" in page and "£1,500.00" in page
    assert "ending 6819" in page and "31926819" not in page

    # His PA's last day is in the sixth week; he cannot recruit. His worker switches the
    # PA line to council-arranged cover (Option 4) from the day after.
    second_start = DAY + 4 * WEEK
    cover_from = second_start + WEEK
    _as(client, "scot_social_worker")
    switch_url = reverse("switch-start", args=[jamie.pk])
    assert switch_url in client.get(reverse("person-payments", args=[jamie.pk])).content.decode()
    response = client.post(switch_url, {
        "line": str(pa_line.pk), **_date("starts_on", cover_from),
        "reason": "Jamie's PA has left and he has not been able to recruit yet",
        "cover": "Option 4: the council's home care team covers his mornings and evenings"})
    assert response.status_code == 302
    switch = TemporarySwitch.objects.get(line=pa_line)
    assert switch.weekly_amount == PA_WEEKLY and switch.ends_on is None

    # The next payment is reduced by exactly the three weeks of cover in that period:
    # the payroll service is still paid.
    second = _pay(users, jamie, second_start)
    assert second.paused == 3 * PA_WEEKLY
    assert second.amount == full - 3 * PA_WEEKLY
    _as(client, "the_person")
    page = client.get(reverse("person-payments", args=[jamie.pk])).content.decode()
    assert "less £1,050.00 while the council arranged the support" in page

    # A new PA starts on the first day of the next period: the worker switches back.
    third_start = second_start + 4 * WEEK
    _as(client, "scot_social_worker")
    page = client.get(reverse("person-payments", args=[jamie.pk])).content.decode()
    end_url = reverse("switch-end", args=[jamie.pk, switch.pk])
    assert end_url in page
    response = client.post(end_url, {**_date("ends_on", third_start - ONE),
                                     "note": "A new PA, Morag, starts on the first day of "
                                             "the next period"})
    assert response.status_code == 302

    # The payment resumes in full, with nothing to settle.
    third = _pay(users, jamie, third_start)
    assert (third.paused, third.adjustment, third.amount) == (0, 0, full)

    # The plan was not rewritten: the PA line is still Option 1 at £350 a week.
    pa_line.refresh_from_db()
    assert (pa_line.option, pa_line.weekly_cost) == ("1", PA_WEEKLY)

    # The history shows both switches and their dates, to Jamie and to his worker.
    for who in ("the_person", "scot_social_worker"):
        _as(client, who)
        page = client.get(reverse("person-payments", args=[jamie.pk])).content.decode()
        assert f"Switched to council cover on {cover_from:%-d %B %Y}" in page
        assert f"Switched back: last day of cover {third_start - ONE:%-d %B %Y}" in page
        assert "the council&#x27;s home care team covers his mornings and evenings" in page
        assert "How it ended: A new PA, Morag, starts" in page
    history = list(switch.history.order_by("history_id"))
    assert [h.starts_on for h in history] == [cover_from, cover_from]
    assert [h.ends_on for h in history] == [None, third_start - ONE]
    assert [h.history_user for h in history] == [users["scot_social_worker"]] * 2
    assert history[0].history_change_reason.startswith(
        f"Switched to council cover from {cover_from:%-d %b %Y}")
    assert history[1].history_change_reason.startswith(
        f"Switched back: council cover ends {third_start - ONE:%-d %b %Y}")
