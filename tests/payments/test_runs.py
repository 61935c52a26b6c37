"""Direct-payment runs: a plan's Option 1 lines become a schedule; a run pays each
schedule once per period, less the contribution, approved by a second officer, posted to
a balanced ledger, with a bank file the validator accepts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from selfdirect.allocation.models import FundingStream
from selfdirect.authorities.models import Role
from selfdirect.charging.models import Contribution
from selfdirect.payments import bacs, ledger, runs, schedules
from selfdirect.payments.models import (
    AccountKind,
    BankFile,
    Entry,
    PayeeAccount,
    Payment,
    PaymentRun,
)
from tests.factories import staff
from tests.payments.factories import DAY, agreed_plan, originator, payee

WEEK = datetime.timedelta(days=7)


@pytest.fixture
def paying(cast):
    """A person whose agreed plan pays £300 a week by direct payment from the council
    and £50 from the Independent Living Fund, and £200 a week to an agency (Option 3)."""
    users, person = cast
    plan = agreed_plan(users, person, [("1", 30000, FundingStream.COUNCIL),
                                       ("1", 5000, FundingStream.ILF),
                                       ("3", 20000, FundingStream.COUNCIL)])
    originator(person.authority)
    payee(users, person)
    users["second_finance"] = staff(person.authority, Role.FINANCE_OFFICER, None,
                                    username="second_finance")
    return users, person, plan


def _run(users, person, start=DAY, end=None, pay_on=None):
    return runs.run_prepare(actor=users["scot_finance_officer"], authority=person.authority,
                            period_start=start,
                            period_end=end or start + datetime.timedelta(days=6),
                            pay_on=pay_on or DAY)


def _approve_and_post(users, run):
    run = runs.run_approve(actor=users["second_finance"], run=run)
    return runs.run_post(actor=users["scot_finance_officer"], run=run, batch=1)


def test_an_agreed_plan_sets_up_a_schedule_per_funding_stream(paying):
    users, person, plan = paying
    by_stream = {s.funding_stream: s for s in person.payment_schedules.all()}
    assert set(by_stream) == {FundingStream.COUNCIL, FundingStream.ILF}
    assert [r.weekly_gross for r in by_stream[FundingStream.COUNCIL].rates.all()] == [30000]
    assert by_stream[FundingStream.COUNCIL].frequency_weeks == 4


def test_a_run_pays_four_weeks_in_advance_less_the_contribution_once(paying):
    users, person, plan = paying
    Contribution.objects.create(person=person, authority=person.authority, basis="assessed",
                                weekly_amount=2550, chargeable_cost=50000, effective_from=DAY,
                                reason="Assessed", calculated_by=users["scot_finance_officer"])
    run = _approve_and_post(users, _run(users, person))
    payments = {p.schedule.funding_stream: p for p in run.payments.select_related("schedule")}
    council, ilf = payments[FundingStream.COUNCIL], payments[FundingStream.ILF]
    assert (council.gross, council.contribution, council.amount) == (120000, 10200, 109800)
    assert (ilf.gross, ilf.contribution, ilf.amount) == (20000, 0, 20000)
    assert council.period_end == DAY + 4 * WEEK - datetime.timedelta(days=1)
    # The same window again finds nothing left to pay.
    again = _run(users, person)
    assert again.payments.count() == 0
    # The ledger: the direct-payment account holds what was paid; the bank paid it out.
    held = ledger.person_balances(authority_id=person.authority_id, person_ids=[person.pk])
    assert held[(person.pk, AccountKind.DIRECT_PAYMENT)] == 129800
    assert held[(person.pk, AccountKind.BUDGET)] == 129800
    assert Entry.objects.filter(payment__run=run).count() == 2


def test_the_run_is_approved_by_someone_else(paying):
    users, person, plan = paying
    run = _run(users, person)
    with pytest.raises(ValidationError, match="second finance officer"):
        runs.run_approve(actor=users["scot_finance_officer"], run=run)
    with pytest.raises(ValidationError, match="approved"):
        runs.run_post(actor=users["scot_finance_officer"], run=run)
    assert not Entry.objects.exists()


def test_posting_twice_pays_once_and_the_bank_file_is_valid(paying):
    users, person, plan = paying
    run = _approve_and_post(users, _run(users, person))
    runs.run_post(actor=users["scot_finance_officer"], run=run)
    assert Entry.objects.count() == 2
    std18 = run.bank_files.get(format=BankFile.Format.STANDARD_18)
    assert bacs.validate_standard18(std18.content) == []
    assert std18.total == 140000 and std18.payments == 2
    assert run.status == PaymentRun.Status.POSTED


def test_a_plan_change_backdated_into_a_paid_period_is_settled_next_time(paying):
    users, person, plan = paying
    _approve_and_post(users, _run(users, person))
    # From the third week of the paid period, the council's direct payment drops to £200.
    council = person.payment_schedules.get(funding_stream=FundingStream.COUNCIL)
    schedules._rate(actor=users["scot_social_worker"], schedule=council,
                    on=DAY + 2 * WEEK, weekly=20000, plan=None, reason="Backdated change")
    following = DAY + 4 * WEEK
    run = _approve_and_post(users, _run(users, person, start=following))
    paid = run.payments.get(schedule=council)
    assert paid.gross == 80000
    assert paid.adjustment == -20000  # two weeks overpaid at £100 a week
    assert paid.amount == 60000
    third = _approve_and_post(users, _run(users, person, start=following + 4 * WEEK))
    assert third.payments.get(schedule=council).adjustment == 0


def test_no_account_to_pay_into_is_listed_not_paid(cast):
    users, person = cast
    agreed_plan(users, person, [("1", 10000, FundingStream.COUNCIL)])
    run = _run(users, person)
    assert run.payments.count() == 0
    assert "No account to pay into" in run.problems[0]["problem"]
    assert not Payment.objects.exists()


def test_a_one_off_start_up_sum_is_paid_once(paying):
    users, person, plan = paying
    council = person.payment_schedules.get(funding_stream=FundingStream.COUNCIL)
    schedules.one_off_add(actor=users["scot_finance_officer"], schedule=council, amount=25000,
                          due_on=DAY, description="Start-up: payroll set-up and insurance")
    first = _approve_and_post(users, _run(users, person))
    second = _approve_and_post(users, _run(users, person, start=DAY + 4 * WEEK))
    assert first.payments.get(schedule=council).amount == 120000 + 25000
    assert second.payments.get(schedule=council).one_offs == 0


def test_a_correction_reverses_an_entry_and_the_ledger_still_balances(paying):
    users, person, plan = paying
    run = _approve_and_post(users, _run(users, person))
    entry = Entry.objects.filter(payment__run=run).first()
    ledger.entry_reverse(actor=users["scot_finance_officer"], entry=entry, reason="Paid in error")
    assert ledger.ledger_problems() == []
    with pytest.raises(IntegrityError):
        ledger.entry_reverse(actor=users["scot_finance_officer"], entry=entry, reason="Twice")


def test_a_period_missed_by_the_runs_is_paid_in_arrears_with_the_next(paying):
    users, person, plan = paying
    # No run was prepared for the first period: the next run pays it as well, once.
    run = _approve_and_post(users, _run(users, person, start=DAY + 4 * WEEK))
    council = person.payment_schedules.get(funding_stream=FundingStream.COUNCIL)
    assert sorted(run.payments.filter(schedule=council).values_list("period_start", flat=True)) \
        == [DAY, DAY + 4 * WEEK]
    again = _run(users, person, start=DAY + 4 * WEEK)
    assert again.payments.count() == 0


def test_what_the_bank_would_refuse_is_refused_before_anything_is_posted(paying):
    users, person, plan = paying
    with pytest.raises(ValidationError) as caught:
        schedules.payee_account_set(actor=users["scot_finance_officer"], person=person,
                                    account_name="张伟", sort_code="123456",
                                    account_number="12345678", effective_from=DAY)
    assert "letters A to Z" in caught.value.message_dict["account_name"][0]
    far = DAY + datetime.timedelta(days=40)
    with pytest.raises(ValidationError) as caught:
        _run(users, person, start=far, pay_on=far)
    assert "31 days" in caught.value.message_dict["pay_on"][0]
    # An account recorded some other way with details the bank cannot take: the run is
    # refused whole, before a penny is posted, and can be paid once it is put right.
    PayeeAccount.objects.filter(person=person).update(account_name="张伟")
    run = runs.run_approve(actor=users["second_finance"], run=_run(users, person))
    with pytest.raises(ValidationError) as caught:
        runs.run_post(actor=users["scot_finance_officer"], run=run)
    assert "The bank would refuse this run" in caught.value.message_dict["status"][0]
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.APPROVED and not Entry.objects.exists()
    PayeeAccount.objects.filter(person=person).update(account_name="ZHANG WEI")
    assert runs.run_post(actor=users["scot_finance_officer"], run=run).status == \
        PaymentRun.Status.POSTED


def test_a_one_off_is_paid_with_the_period_it_falls_due_in_not_before(paying):
    users, person, plan = paying
    council = person.payment_schedules.get(funding_stream=FundingStream.COUNCIL)
    schedules.one_off_add(actor=users["scot_finance_officer"], schedule=council, amount=15000,
                          due_on=DAY + 5 * WEEK, description="A new hoist sling")
    first = _approve_and_post(users, _run(users, person))
    assert first.payments.get(schedule=council).one_offs == 0
    second = _approve_and_post(users, _run(users, person, start=DAY + 4 * WEEK))
    assert second.payments.get(schedule=council).one_offs == 15000
