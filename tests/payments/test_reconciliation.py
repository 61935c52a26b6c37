"""The reconciliation report: by funding stream, what plans agreed, what schedules made
due, what was paid and what the ledger says, agreeing to the penny; a payment record that
disagrees with its ledger entry shows as a difference, never hidden."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from selfdirect.allocation.models import FundingStream
from selfdirect.authorities.models import Role
from selfdirect.payments import ledger, runs
from selfdirect.payments.models import Entry, EntryKind, Payment
from selfdirect.payments.reconciliation import reconciliation
from tests.factories import TEST_PASSWORD, staff
from tests.payments.factories import DAY, agreed_plan, originator, payee

END = DAY + datetime.timedelta(days=27)


@pytest.fixture
def paid(cast):
    users, person = cast
    agreed_plan(users, person, [("1", 21_000, FundingStream.COUNCIL),
                                ("1", 7_000, FundingStream.ILF),
                                ("3", 14_000, FundingStream.COUNCIL)])
    originator(person.authority)
    payee(users, person)
    second = staff(person.authority, Role.FINANCE_OFFICER, None, username="second_finance")
    run = runs.run_prepare(actor=users["scot_finance_officer"], authority=person.authority,
                           period_start=DAY, period_end=DAY, pay_on=DAY)
    run = runs.run_post(actor=users["scot_finance_officer"],
                        run=runs.run_approve(actor=second, run=run))
    return users, person, run


def test_plans_schedules_payments_and_the_ledger_agree_by_stream(paid, django_assert_num_queries):
    users, person, run = paid
    with django_assert_num_queries(8):
        report = reconciliation(authority=person.authority, start=DAY, end=END)
    rows = {row.stream: row for row in report.rows}
    council, ilf = rows[FundingStream.COUNCIL], rows[FundingStream.ILF]
    assert council.agreed == 4 * (21_000 + 14_000) and ilf.agreed == 4 * 7_000
    assert (council.scheduled, council.paid_direct, council.ledger) == (84_000, 84_000, 84_000)
    assert (ilf.scheduled, ilf.paid_direct, ilf.ledger) == (28_000, 28_000, 28_000)
    assert report.balances and report.bank == 112_000


def test_a_correction_is_shown_and_still_agrees(paid):
    users, person, run = paid
    entry = Entry.objects.get(payment__run=run, payment__schedule__funding_stream="ilf")
    ledger.entry_reverse(actor=users["scot_finance_officer"], entry=entry, reason="Paid twice")
    report = reconciliation(authority=person.authority, start=DAY, end=END)
    ilf = next(row for row in report.rows if row.stream == FundingStream.ILF)
    assert (ilf.paid_direct, ilf.corrections, ilf.paid, ilf.ledger) == (28_000, -28_000, 0, 0)
    assert report.balances and report.bank == 84_000


def test_a_payment_record_that_disagrees_with_its_entry_is_a_difference(paid):
    users, person, run = paid
    schedule = person.payment_schedules.get(funding_stream=FundingStream.COUNCIL)
    later = DAY + datetime.timedelta(days=28)
    stray = Payment.objects.create(run=run, schedule=schedule, period_start=later,
                                   period_end=later + datetime.timedelta(days=27), gross=84_000,
                                   contribution=0, amount=84_000,
                                   payee=schedule.person.payee_accounts.get())
    ledger.post([ledger.Posting(
        authority_id=person.authority_id, kind=EntryKind.DIRECT_PAYMENT, effective_on=DAY,
        description="Keyed by hand", links={"payment": stray},
        lines=ledger.movement(authority_id=person.authority_id, person_id=person.pk,
                              funding_stream=FundingStream.COUNCIL, amount=84_001,
                              to=ledger.direct_payment_key(person.authority_id, person.pk)))],
        actor=users["scot_finance_officer"])
    report = reconciliation(authority=person.authority, start=DAY, end=END)
    council = next(row for row in report.rows if row.stream == FundingStream.COUNCIL)
    assert council.difference == 1 and not report.balances


def test_the_page_is_for_finance_and_commissioners_of_the_authority(client, paid):
    users, person, run = paid
    url = reverse("payments-reconciliation")
    query = {"start_day": DAY.day, "start_month": DAY.month, "start_year": DAY.year,
             "end_day": END.day, "end_month": END.month, "end_year": END.year}
    for name, status in (("scot_finance_officer", 200), ("scot_commissioner", 200),
                         ("scot_social_worker", 403), ("scot_team_manager", 403),
                         ("the_person", 403), ("eng_finance_officer", 200)):
        client.logout()
        assert client.login(username=name, password=TEST_PASSWORD)
        response = client.get(url, query)
        assert response.status_code == status, name
        if name == "scot_finance_officer":
            page = response.content.decode()
            assert "agree with the ledger to the penny" in page and "£840.00" in page
        if name == "eng_finance_officer":  # Manchester's own report: nothing of Edinburgh's
            assert "£840.00" not in response.content.decode()
    client.logout()
    client.login(username="scot_finance_officer", password=TEST_PASSWORD)
    bad = client.get(url, {**query, "end_year": str(DAY.year - 1)})
    assert "must be on or after its start" in bad.content.decode()
