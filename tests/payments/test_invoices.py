"""Provider invoices: checked line by line against the hours recorded as delivered and the
agreed rate, with each problem in words; approved only with a reason when the check found
problems; paid once, through one balanced ledger entry that moves the money from the
authority's bank to the provider and charges each person's budget and funding stream."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from selfdirect.authorities.models import Role
from selfdirect.payments import hours, invoices, ledger
from selfdirect.payments.models import Account, AccountKind, Entry, EntryKind, Invoice
from tests.factories import TEST_PASSWORD, staff
from tests.payments.matrix_hours import WEEK, hours_setting, this_monday

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(cast):
    """Two weeks of care at home delivered in full (35 hours a week at £22 an hour)."""
    users, person = cast
    line, provider = hours_setting(users, person)
    start = this_monday() - 2 * WEEK
    for week in (start, start + WEEK):
        hours.hours_record(actor=users["scot_provider_user"], line=line, week_start=week,
                           hours="35")
    return users, person, line, provider, (start, start + datetime.timedelta(days=13))


def receive(users, person, provider, period, lines, reference="INV-0042"):
    return invoices.invoice_receive(actor=users["scot_finance_officer"], provider=provider,
                                    authority=person.authority, reference=reference,
                                    period=period, lines=lines)


def test_an_invoice_that_matches_is_approved_and_paid_once_through_the_ledger(delivered):
    users, person, line, provider, period = delivered
    invoice = receive(users, person, provider, period, [(line, "70", 2200)])
    row = invoice.lines.get()
    assert (row.amount, row.delivered_hours, row.agreed_rate, row.problems) == (
        154000, Decimal(70), 2200, [])
    finance = users["scot_finance_officer"]
    invoices.invoice_approve(actor=finance, invoice=invoice)
    entry = invoices.invoice_pay(actor=finance, invoice=invoice)
    assert (entry.kind, entry.invoice) == (EntryKind.PROVIDER_PAYMENT, invoice)
    assert sum(line.amount for line in entry.lines.all()) == 0
    provider_account = Account.objects.get(kind=AccountKind.PROVIDER, provider=provider)
    assert ledger.balance(provider_account) == 154000
    held = ledger.person_balances(authority_id=person.authority_id, person_ids=[person.pk])
    assert held[(person.pk, AccountKind.BUDGET)] == 154000
    assert Invoice.objects.get().status == Invoice.Status.PAID
    with pytest.raises(ValidationError) as caught:
        invoices.invoice_pay(actor=finance, invoice=invoice)
    assert "already been paid" in caught.value.message_dict["status"][0]
    # Even past the service, the ledger names the invoice once.
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(authority=person.authority, kind=EntryKind.PROVIDER_PAYMENT,
                             effective_on=period[1], description="again", invoice=invoice,
                             posted_by=finance)
    assert Entry.objects.filter(invoice=invoice).count() == 1


def test_more_hours_than_delivered_and_a_different_rate_are_problems_in_words(delivered):
    users, person, line, provider, period = delivered
    hours.hours_record(actor=users["scot_provider_user"], line=line, week_start=period[0],
                       hours="20")  # the first week was short after all
    invoice = receive(users, person, provider, period, [(line, "70", 2350)])
    name = f"Care at home for {person.display_name}"
    assert invoices.invoice_problems(invoice) == [
        f"{name}: 70 hours are charged, but 55 hours were recorded as delivered in the weeks "
        f"beginning {period[0]:%-d %B} to {period[1]:%-d %B %Y}",
        f"{name}: charged at £23.50 an hour; the agreed rate is £22.00 an hour"]
    finance = users["scot_finance_officer"]
    with pytest.raises(ValidationError) as caught:
        invoices.invoice_approve(actor=finance, invoice=invoice)
    assert "say why" in caught.value.message_dict["reason"][0]
    with pytest.raises(ValidationError):  # not approved, so not paid
        invoices.invoice_pay(actor=finance, invoice=invoice)
    queried = invoices.invoice_query(actor=finance, invoice=invoice,
                                     query="Please send the timesheets for the first week")
    assert queried.status == Invoice.Status.QUERIED
    reason = "Timesheets show 70 hours; the rate rise was agreed by the commissioner"
    with pytest.raises(ValidationError) as caught:  # entered by this officer: another approves
        invoices.invoice_approve(actor=finance, invoice=invoice, reason=reason)
    assert "another finance officer" in caught.value.message_dict["reason"][0]
    second = staff(person.authority, Role.FINANCE_OFFICER, None, username="second_finance")
    approved = invoices.invoice_approve(actor=second, invoice=invoice, reason=reason)
    assert approved.status == Invoice.Status.APPROVED and approved.approved_by == second
    assert "the rate rise was agreed" in approved.approval_reason
    assert approved.history.latest().history_change_reason.startswith("Invoice approved: ")


def test_one_entry_for_several_people_and_streams(delivered, world):
    from selfdirect.allocation.models import FundingStream
    from selfdirect.planning.models import SupportLine

    users, person, line, provider, period = delivered
    SupportLine.objects.filter(pk=line.pk).update(funding_stream=FundingStream.ILF)
    line.refresh_from_db()
    invoice = receive(users, person, provider, period, [(line, "70", 2200)])
    invoices.invoice_approve(actor=users["scot_finance_officer"], invoice=invoice)
    entry = invoices.invoice_pay(actor=users["scot_finance_officer"], invoice=invoice)
    kinds = sorted((a.account.kind, a.account.funding_stream, a.amount)
                   for a in entry.lines.select_related("account"))
    assert kinds == sorted([(AccountKind.BUDGET, "", 154000), (AccountKind.STREAM, "ilf", -154000),
                            (AccountKind.PROVIDER, "", 154000), (AccountKind.BANK, "", -154000)])
    assert ledger.ledger_problems() == []


def test_what_is_entered_is_checked_and_named(delivered):
    users, person, line, provider, period = delivered
    receive(users, person, provider, period, [(line, "70", 2200)])
    cases = [
        ({"reference": "inv-0042"}, "reference", "already been entered"),
        ({"reference": " "}, "reference", "invoice number"),
        ({"period": (period[1], period[0])}, "period_end", "on or after"),
        ({"lines": []}, "lines", "at least one line"),
        ({"lines": [(line, "0", 2200)]}, "lines", "above 0"),
        ({"lines": [(line, "ten", 2200)]}, "lines", "as a number"),
        ({"lines": [(line, "10", 0)]}, "lines", "hourly rate"),
        ({"lines": [(line, "10", 2200), (line, "5", 2200)]}, "lines", "twice"),
    ]
    for change, field, words in cases:
        arguments = {"reference": "INV-0043", "period": period, "lines": [(line, "70", 2200)],
                     **change}
        with pytest.raises(ValidationError) as caught:
            receive(users, person, provider, **arguments)
        assert words in caught.value.message_dict[field][0], change
    assert Invoice.objects.count() == 1


def test_only_the_councils_finance_officers_handle_invoices(delivered):
    users, person, line, provider, period = delivered
    for who in ("scot_social_worker", "scot_team_manager", "eng_finance_officer",
                "scot_provider_user"):
        with pytest.raises(PermissionDenied):
            invoices.invoice_receive(actor=users[who], provider=provider,
                                     authority=person.authority, reference="X", period=period,
                                     lines=[(line, "70", 2200)])
    invoice = receive(users, person, provider, period, [(line, "70", 2200)])
    with pytest.raises(PermissionDenied):
        invoices.invoice_approve(actor=users["eng_finance_officer"], invoice=invoice)
    with pytest.raises(PermissionDenied):
        invoices.invoice_query(actor=users["scot_team_manager"], invoice=invoice, query="Why?")


def test_finance_enters_checks_approves_and_pays_on_the_pages(client, delivered):
    users, person, line, provider, period = delivered
    assert client.login(username="scot_finance_officer", password=TEST_PASSWORD)
    choose = client.get(reverse("invoice-new")).content.decode()
    assert provider.name in choose
    url = reverse("invoice-new") + f"?provider={provider.pk}"
    form = {"reference": "INV-7", "period_start_day": period[0].day,
            "period_start_month": period[0].month, "period_start_year": period[0].year,
            "period_end_day": period[1].day, "period_end_month": period[1].month,
            "period_end_year": period[1].year, f"hours_{line.pk}": "80",
            f"rate_{line.pk}": "twenty"}
    response = client.post(url, form)
    assert response.status_code == 200 and "pounds and pence" in response.content.decode()
    response = client.post(url, {**form, f"rate_{line.pk}": "22.00"})
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "80 hours are charged, but 70 hours were recorded" in page
    refused = client.post(response["Location"], {"action": "approve", "approve-reason": ""})
    assert refused.status_code == 200 and "say why the invoice" in refused.content.decode()
    reason = {"action": "approve", "approve-reason": "Ten hours of cover agreed by phone"}
    own = client.post(response["Location"], reason)  # the officer who entered it
    assert own.status_code == 200 and "another finance officer" in own.content.decode()
    staff(person.authority, Role.FINANCE_OFFICER, None, username="second_finance")
    client.logout()
    assert client.login(username="second_finance", password=TEST_PASSWORD)
    approved = client.post(response["Location"], reason)
    assert approved.status_code == 302
    paid = client.post(response["Location"], {"action": "pay"})
    assert paid.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.entry.lines.count() == 4
    listing = client.get(reverse("invoices")).content.decode()
    assert "INV-7" in listing and "£1,760.00" in listing


def test_the_check_takes_five_queries(delivered, django_assert_num_queries):
    users, person, line, provider, period = delivered
    invoice = receive(users, person, provider, period, [(line, "70", 2200)])
    invoice = Invoice.objects.select_related("provider").get(pk=invoice.pk)
    row = invoice.lines.get()
    # The lines, delivered hours, hours on other invoices, referrals, the update.
    with django_assert_num_queries(5):
        found = invoices.invoice_check(invoice)
    assert found == {row.pk: []}


def test_hours_already_on_another_invoice_are_not_paid_twice(delivered):
    users, person, line, provider, period = delivered
    first = receive(users, person, provider, period, [(line, "70", 2200)])
    assert invoices.invoice_problems(first) == []
    invoices.invoice_approve(actor=users["scot_finance_officer"], invoice=first)
    invoices.invoice_pay(actor=users["scot_finance_officer"], invoice=first)
    again = receive(users, person, provider, period, [(line, "70", 2200)], reference="INV-0043")
    (problem,) = invoices.invoice_problems(again)
    assert "70 of the hours delivered in this period are already charged on invoice " \
           "INV-0042, so 0 hours are left to charge" in problem
    with pytest.raises(ValidationError):
        invoices.invoice_approve(actor=users["scot_finance_officer"], invoice=again)
