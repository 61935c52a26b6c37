"""The person's payments page, and finance setting a direct payment up: the account, a
one-off sum, and the first period lined up with the payment cycle."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from selfdirect.allocation.models import FundingStream
from selfdirect.authorities.models import Role
from selfdirect.charging.models import Contribution
from selfdirect.payments import runs, setup, switches
from selfdirect.payments.models import OneOffPayment, PayeeAccount, ScheduleRate
from tests.factories import TEST_PASSWORD, staff
from tests.matrix import ACTORS
from tests.payments import matrix_person
from tests.payments.factories import DAY, agreed_plan, originator, payee

pytestmark = pytest.mark.django_db
WEEK = datetime.timedelta(days=7)


@pytest.fixture
def paying(cast):
    """£300 a week by direct payment from the council; £25.50 a week contribution."""
    users, person = cast
    plan = agreed_plan(users, person, [("1", 30000, FundingStream.COUNCIL)])
    Contribution.objects.create(person=person, authority=person.authority, basis="assessed",
                                weekly_amount=2550, chargeable_cost=30000, effective_from=DAY,
                                reason="Assessed", calculated_by=users["scot_finance_officer"])
    originator(person.authority)
    users["second_finance"] = staff(person.authority, Role.FINANCE_OFFICER, None,
                                    username="second_finance")
    return users, person, plan


def _pay(users, person, start):
    run = runs.run_prepare(actor=users["scot_finance_officer"], authority=person.authority,
                           period_start=start, period_end=start + datetime.timedelta(days=6),
                           pay_on=DAY)
    run = runs.run_approve(actor=users["second_finance"], run=run)
    return runs.run_post(actor=users["scot_finance_officer"], run=run)


def _date(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month),
            f"{name}_year": str(day.year)}


def _page(client, username, person):
    client.logout()
    assert client.login(username=username, password=TEST_PASSWORD)
    response = client.get(reverse("person-payments", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("page", sorted(matrix_person.MATRIX))
def test_who_may_open_each_page(client, cast, page):
    users, person = cast
    url = matrix_person.url_for(page, users, person)
    got = {}
    for actor in ACTORS:
        client.logout()
        if actor != "anonymous":
            assert client.login(username=actor, password=TEST_PASSWORD)
        got[actor] = client.get(url).status_code
    assert got == matrix_person.MATRIX[page]


def test_the_page_says_when_no_account_is_recorded_and_what_the_next_payment_is(client, paying):
    users, person, plan = paying
    html = _page(client, "the_person", person)
    assert "Your direct payments" in html
    assert "No account has been recorded yet" in html
    # Four weeks at £300 less four weeks of £25.50.
    assert "£1,098.00" in html
    assert "£1,200.00 for the period, less £102.00 contribution" in html
    assert "Nothing has been paid yet" in html


def test_only_finance_sees_the_whole_account_number(client, paying):
    users, person, plan = paying
    payee(users, person)
    assert "12345678" in _page(client, "scot_finance_officer", person)
    for who in ("the_person", "attorney_acting", "scot_social_worker", "scot_team_manager"):
        html = _page(client, who, person)
        assert "12345678" not in html
        assert "ending 5678" in html
        assert "Record the account" not in html and "Record a new account" not in html


def test_what_was_paid_and_the_balance_held_after_a_run(client, paying):
    users, person, plan = paying
    payee(users, person)
    _pay(users, person, DAY)
    html = _page(client, "attorney_acting", person)
    assert "Paid on" in html
    assert "£1,098.00" in html  # the payment, and the balance held
    assert html.count("£1,098.00") >= 2
    # The next period is the second one.
    second = DAY + 4 * WEEK
    assert f"for {second:%-d %B %Y} to" in html


def test_a_backdated_change_is_explained_in_words_on_the_next_payment(client, paying):
    users, person, plan = paying
    payee(users, person)
    _pay(users, person, DAY)
    line = plan.lines.get()
    switches.switch_start(actor=users["scot_social_worker"], line=line, starts_on=DAY + WEEK,
                          reason="The PA left", cover="Council home care team")
    html = _page(client, "the_person", person)
    # Three of the four paid weeks became council cover: the first period should have paid
    # one week (£300 less £25.50), not £1,098, so £823.50 comes off the next payment.
    assert "£823.50 taken off: earlier periods were paid more than was due" in html
    # The next period is all council cover while the switch is open.
    assert "less £1,200.00 while the council arranges the support" in html


def test_the_page_takes_the_same_number_of_queries_however_much_was_paid(
        client, paying, django_assert_max_num_queries):
    users, person, plan = paying
    payee(users, person)
    _pay(users, person, DAY)
    client.login(username="scot_finance_officer", password=TEST_PASSWORD)
    url = reverse("person-payments", args=[person.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    _pay(users, person, DAY + 4 * WEEK)
    _pay(users, person, DAY + 8 * WEEK)
    switches.switch_start(actor=users["scot_social_worker"], line=plan.lines.get(),
                          starts_on=DAY + 13 * WEEK, reason="PA left", cover="Council cover")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_finance_records_the_account_with_errors_named(client, paying):
    users, person, plan = paying
    client.login(username="scot_finance_officer", password=TEST_PASSWORD)
    url = reverse("person-payee-account", args=[person.pk])
    bad = client.post(url, {"method": "bank", "account_name": "J DOE DP", "sort_code": "12-34",
                            "account_number": "1234", **_date("effective_from", DAY)})
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "There is a problem" in text and "Enter the sort code as 6 digits" in text
    good = client.post(url, {"method": "bank", "account_name": "J DOE DP",
                             "sort_code": "12-34-56", "account_number": "8765 4321",
                             **_date("effective_from", DAY)})
    assert good.status_code == 302
    account = PayeeAccount.objects.get(person=person)
    assert (account.sort_code, account.account_number) == ("123456", "87654321")


def test_finance_adds_a_one_off_sum_and_the_person_sees_it(client, paying):
    users, person, plan = paying
    schedule = person.payment_schedules.get()
    client.login(username="scot_finance_officer", password=TEST_PASSWORD)
    response = client.post(reverse("person-one-off-add", args=[person.pk, schedule.pk]), {
        "description": "Start-up: payroll set-up", "amount": "250.00",
        **_date("due_on", DAY)})
    assert response.status_code == 302
    assert OneOffPayment.objects.get(schedule=schedule).amount == 25000
    html = _page(client, "the_person", person)
    assert "Start-up: payroll set-up" in html
    assert "£250.00 of one-off sums paid with it" in html


def test_a_one_off_for_another_persons_schedule_is_not_found(client, paying, world):
    users, person, plan = paying
    from tests.factories import PersonFactory

    other = PersonFactory(authority=person.authority, team=person.team)
    schedule = person.payment_schedules.get()
    client.login(username="scot_finance_officer", password=TEST_PASSWORD)
    response = client.get(reverse("person-one-off-add", args=[other.pk, schedule.pk]))
    assert response.status_code == 404


# --- Lining the first period up with the payment cycle -----------------------------------


def test_moving_the_start_moves_the_first_rate_and_keeps_the_history(paying):
    users, person, plan = paying
    schedule = person.payment_schedules.get()
    cycle = DAY + datetime.timedelta(days=5)
    setup.schedule_start_set(actor=users["scot_finance_officer"], schedule=schedule,
                             starts_on=cycle, reason="The council pays every fourth Monday")
    schedule.refresh_from_db()
    assert schedule.starts_on == cycle
    rates = list(ScheduleRate.objects.filter(schedule=schedule).order_by("pk"))
    assert [(r.effective_from, r.superseded) for r in rates] == [(DAY, True), (cycle, False)]
    assert rates[1].weekly_gross == 30000 and rates[1].plan_id == plan.pk
    assert schedule.history.count() == 2
    assert schedule.history.first().starts_on == cycle
    assert schedule.history.last().starts_on == DAY


def test_the_days_before_the_first_period_can_be_paid_as_a_one_off(paying):
    users, person, plan = paying
    payee(users, person)
    schedule = person.payment_schedules.get()
    cycle = DAY + datetime.timedelta(days=5)
    setup.schedule_start_set(actor=users["scot_finance_officer"], schedule=schedule,
                             starts_on=cycle, reason="Payment cycle", pay_days_before=True)
    item = OneOffPayment.objects.get(schedule=schedule)
    # Five days of £300 a week (£214.29) less five days of £25.50 a week (£18.21), each
    # rounded as a run rounds a period.
    assert item.amount == 21429 - 1821
    run = _pay(users, person, cycle)
    paid = run.payments.get()
    assert (paid.period_start, paid.one_offs) == (cycle, 19608)
    assert paid.amount == 4 * (30000 - 2550) + 19608


def test_moving_the_start_later_then_back_does_not_pay_the_days_twice(paying):
    users, person, plan = paying
    payee(users, person)
    schedule = person.payment_schedules.get()
    finance = users["scot_finance_officer"]
    setup.schedule_start_set(actor=finance, schedule=schedule, reason="Payment cycle",
                             starts_on=DAY + datetime.timedelta(days=14), pay_days_before=True)
    assert OneOffPayment.objects.filter(schedule=schedule).count() == 1
    schedule.refresh_from_db()
    setup.schedule_start_set(actor=finance, schedule=schedule, starts_on=DAY,
                             reason="The cycle was wrong")
    assert not OneOffPayment.objects.filter(schedule=schedule).exists()
    paid = _pay(users, person, DAY).payments.get()
    assert (paid.one_offs, paid.amount) == (0, 4 * (30000 - 2550))


def test_the_start_cannot_move_once_a_run_included_it_or_into_the_past(paying):
    users, person, plan = paying
    schedule = person.payment_schedules.get()
    finance = users["scot_finance_officer"]
    with pytest.raises(ValidationError, match="today or later"):
        setup.schedule_start_set(actor=finance, schedule=schedule,
                                 starts_on=DAY - datetime.timedelta(days=1), reason="Cycle")
    with pytest.raises(ValidationError, match="at most one period"):
        setup.schedule_start_set(actor=finance, schedule=schedule, starts_on=DAY + 5 * WEEK,
                                 reason="Cycle")
    with pytest.raises(ValidationError, match="Say why"):
        setup.schedule_start_set(actor=finance, schedule=schedule, starts_on=DAY + WEEK,
                                 reason="  ")
    with pytest.raises(PermissionDenied):
        setup.schedule_start_set(actor=users["scot_social_worker"], schedule=schedule,
                                 starts_on=DAY + WEEK, reason="Cycle")
    payee(users, person)
    _pay(users, person, DAY)
    with pytest.raises(ValidationError, match="already included"):
        setup.schedule_start_set(actor=finance, schedule=schedule, starts_on=DAY + WEEK,
                                 reason="Cycle")
    schedule.refresh_from_db()
    assert schedule.starts_on == DAY


def test_the_start_page_moves_the_start(client, paying):
    users, person, plan = paying
    schedule = person.payment_schedules.get()
    cycle = DAY + datetime.timedelta(days=3)
    client.login(username="scot_finance_officer", password=TEST_PASSWORD)
    url = reverse("person-schedule-start", args=[person.pk, schedule.pk])
    missing = client.post(url, {**_date("starts_on", cycle), "reason": ""})
    assert "Say why the start is moving" in missing.content.decode()
    response = client.post(url, {**_date("starts_on", cycle), "reason": "Payment cycle"})
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.starts_on == cycle


def test_the_payments_page_is_linked_for_those_who_may_see_it(client, paying):
    person = paying[1]
    record, home = reverse("person-detail", args=[person.pk]), reverse("portal-home")
    page = reverse("person-payments", args=[person.pk])
    plan_page = reverse("person-plan", args=[person.pk])
    for name, where, shown in (("scot_social_worker", record, True),
                               ("scot_finance_officer", record, True),
                               ("carer_viewing", record, False),
                               ("the_person", home, True), ("carer_viewing", home, False)):
        client.logout()
        assert client.login(username=name, password=TEST_PASSWORD)
        assert (page in client.get(where).content.decode()) is shown, (name, where)
    # The agreed plan offers the worker council cover for a direct-payment line; not the
    # person, who asks their worker.
    assert "Arrange council cover for a while" not in client.get(plan_page).content.decode()
    client.logout()
    assert client.login(username="scot_social_worker", password=TEST_PASSWORD)
    body = client.get(plan_page).content.decode()
    assert "Arrange council cover for a while" in body
    assert reverse("switch-start", args=[person.pk]) + "?line=" in body
