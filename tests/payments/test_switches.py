"""A temporary switch of an Option 1 line to council-arranged cover: payments pause for
exactly the days of cover and resume by themselves, proved with real runs; the rules on
dates, overlaps and who may switch; the pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from selfdirect.allocation.models import FundingStream
from selfdirect.authorities.models import Role
from selfdirect.payments import runs, switches
from selfdirect.payments.models import (
    Payment,
    PaymentRun,
    Schedule,
    ScheduleRate,
    TemporarySwitch,
)
from tests.factories import TEST_PASSWORD, staff
from tests.payments.factories import DAY, agreed_plan, originator, payee

pytestmark = pytest.mark.django_db
WEEK = datetime.timedelta(days=7)
ONE = datetime.timedelta(days=1)
PA, EXTRA = 30000, 10000  # the two Option 1 lines, a week
FULL = 4 * (PA + EXTRA)


@pytest.fixture
def paying(cast):
    """A PA at £300 a week and £100 a week of other support, both by direct payment from
    the council, and £200 a week from an agency (Option 3)."""
    users, person = cast
    plan = agreed_plan(users, person, [("1", PA, FundingStream.COUNCIL),
                                       ("1", EXTRA, FundingStream.COUNCIL),
                                       ("3", 20000, FundingStream.COUNCIL)])
    originator(person.authority)
    payee(users, person)
    users["second_finance"] = staff(person.authority, Role.FINANCE_OFFICER, None,
                                    username="second_finance")
    lines = list(plan.lines.order_by("pk"))
    return users, person, plan, lines


def _pay(users, person, start) -> Payment:
    run = runs.run_prepare(actor=users["scot_finance_officer"], authority=person.authority,
                           period_start=start, period_end=start + 6 * ONE, pay_on=DAY)
    run = runs.run_approve(actor=users["second_finance"], run=run)
    run = runs.run_post(actor=users["scot_finance_officer"], run=run)
    assert run.status == PaymentRun.Status.POSTED
    return run.payments.get()


def _start(users, line, starts_on, who="scot_social_worker"):
    return switches.switch_start(actor=users[who], line=line, starts_on=starts_on,
                                 reason="The PA left and no one has been recruited yet",
                                 cover="The council's home care team, mornings and evenings")


def _end(users, switch, ends_on, who="scot_social_worker"):
    return switches.switch_end(actor=users[who], switch=switch, ends_on=ends_on,
                               note="A new PA starts the day after")


def test_two_weeks_of_cover_inside_a_period_take_off_exactly_two_weeks_of_the_line(paying):
    users, person, plan, (pa, extra, agency) = paying
    assert _pay(users, person, DAY).amount == FULL
    second = DAY + 4 * WEEK
    switch = _start(users, pa, second + WEEK)
    _end(users, switch, second + 3 * WEEK - ONE)  # two weeks of cover
    paid = _pay(users, person, second)
    assert paid.paused == 2 * PA
    assert paid.amount == FULL - 2 * PA
    # The switch back restores the full payment from the next period.
    after = _pay(users, person, second + 4 * WEEK)
    assert (after.paused, after.adjustment, after.amount) == (0, 0, FULL)


def test_an_open_switch_pauses_until_the_switch_back_and_the_difference_is_settled(paying):
    users, person, plan, (pa, extra, agency) = paying
    _pay(users, person, DAY)
    second = DAY + 4 * WEEK
    switch = _start(users, pa, second + WEEK)
    # Paid in advance while the switch is open: the last three weeks of the line are off.
    paid = _pay(users, person, second)
    assert paid.paused == 3 * PA and paid.amount == FULL - 3 * PA
    # The new PA started after one week of cover: two weeks were paused but not covered,
    # so the next payment makes them up, and is otherwise full.
    _end(users, switch, second + 2 * WEEK - ONE)
    third = _pay(users, person, second + 4 * WEEK)
    assert (third.paused, third.adjustment) == (0, 2 * PA)
    assert third.amount == FULL + 2 * PA
    fourth = _pay(users, person, second + 8 * WEEK)
    assert (fourth.adjustment, fourth.amount) == (0, FULL)


def test_the_plan_line_is_not_rewritten_and_history_keeps_both_switches(paying):
    users, person, plan, (pa, extra, agency) = paying
    before = pa.history.count()
    first = _start(users, pa, DAY + WEEK)
    _end(users, first, DAY + 3 * WEEK - ONE)
    second = _start(users, pa, DAY + 6 * WEEK)
    pa.refresh_from_db()
    assert pa.weekly_cost == PA and pa.option == "1" and pa.history.count() == before
    first.refresh_from_db()
    assert (first.ends_on, first.ended_by, first.end_note) == (
        DAY + 3 * WEEK - ONE, users["scot_social_worker"], "A new PA starts the day after")
    reasons = [h.history_change_reason for h in first.history.order_by("history_id")]
    assert reasons[0].startswith("Switched to council cover from")
    assert reasons[1].startswith("Switched back: council cover ends")
    assert list(TemporarySwitch.objects.filter(line=pa).order_by("starts_on")) == [first, second]
    assert first.weekly_amount == PA and first.schedule == person.payment_schedules.get()


def test_only_option_1_lines_of_the_agreed_plan_can_be_switched(paying):
    users, person, plan, (pa, extra, agency) = paying
    with pytest.raises(ValidationError, match="Option 1"):
        _start(users, agency, DAY)
    with pytest.raises(ValidationError, match="Say what the council arranges"):
        switches.switch_start(actor=users["scot_social_worker"], line=pa, starts_on=DAY,
                              reason="PA left", cover="  ")
    with pytest.raises(ValidationError, match="Say why"):
        switches.switch_start(actor=users["scot_social_worker"], line=pa, starts_on=DAY,
                              reason="", cover="Council home care")
    assert not TemporarySwitch.objects.exists()


@pytest.mark.parametrize("who", ["scot_finance_officer", "the_person", "attorney_acting",
                                 "scot_other_social_worker", "eng_team_manager"])
def test_only_the_worker_or_a_team_manager_may_switch(paying, who):
    users, person, plan, (pa, extra, agency) = paying
    with pytest.raises(PermissionDenied):
        _start(users, pa, DAY, who=who)
    switch = _start(users, pa, DAY, who="scot_team_manager")
    with pytest.raises(PermissionDenied):
        _end(users, switch, DAY + WEEK, who=who)


def test_overlapping_switches_of_the_same_line_are_refused(paying):
    users, person, plan, (pa, extra, agency) = paying
    first = _start(users, pa, DAY + WEEK)
    with pytest.raises(ValidationError, match="already arranged by the council"):
        _start(users, pa, DAY + 3 * WEEK)
    _end(users, first, DAY + 2 * WEEK)
    with pytest.raises(ValidationError, match="already arranged by the council"):
        _start(users, pa, DAY + 2 * WEEK)  # the last day of the first switch
    later = _start(users, pa, DAY + 2 * WEEK + ONE)
    # Another line may be switched over the same days.
    _start(users, extra, DAY + WEEK)
    # Extending the first switch over the later one is refused.
    with pytest.raises(ValidationError, match="Another switch of this support"):
        _end(users, first, DAY + 4 * WEEK)
    assert later.ends_on is None


def test_the_switch_back_is_on_or_after_the_first_day_and_an_ended_switch_stays(paying):
    users, person, plan, (pa, extra, agency) = paying
    switch = _start(users, pa, DAY + WEEK)
    with pytest.raises(ValidationError, match="on or after its first day"):
        _end(users, switch, DAY + WEEK - ONE)
    with pytest.raises(ValidationError, match="Say how"):
        switches.switch_end(actor=users["scot_social_worker"], switch=switch,
                            ends_on=DAY + 2 * WEEK, note=" ")
    # A planned switch back may be moved while it is still to come.
    _end(users, switch, DAY + 2 * WEEK)
    _end(users, switch, DAY + 3 * WEEK)
    switch.refresh_from_db()
    assert switch.ends_on == DAY + 3 * WEEK
    # Once ended (its last day is past) it stays as it is.
    TemporarySwitch.objects.filter(pk=switch.pk).update(starts_on=DAY - 2 * WEEK,
                                                        ends_on=DAY - WEEK)
    switch.refresh_from_db()
    with pytest.raises(ValidationError, match="a new gap in care is a new switch"):
        _end(users, switch, DAY)


def _started_a_week_ago(person):
    """Move the schedule (and its rates) a week back, as if the plan had been agreed
    then: the current period began a week ago."""
    schedule = person.payment_schedules.get()
    Schedule.objects.filter(pk=schedule.pk).update(starts_on=DAY - WEEK)
    ScheduleRate.objects.filter(schedule=schedule).update(effective_from=DAY - WEEK)
    schedule.refresh_from_db()
    return schedule


def test_cover_may_start_before_today_only_within_the_current_unpaid_period(paying):
    users, person, plan, (pa, extra, agency) = paying
    schedule = _started_a_week_ago(person)
    with pytest.raises(ValidationError, match=f"from {DAY - WEEK:%-d %B %Y}"):
        _start(users, pa, DAY - WEEK - ONE)
    switch = _start(users, pa, DAY - 3 * ONE)
    assert switch.starts_on == DAY - 3 * ONE
    # Worked out for the current period: three days and three weeks of the PA line off.
    from selfdirect.payments.schedules import load_inputs

    amounts = load_inputs([schedule])[schedule.pk].period(DAY - WEEK, DAY + 3 * WEEK - ONE)
    assert amounts.paused == 3 * PA + (3 * PA * 2 + 7) // 14


def test_cover_cannot_start_before_today_once_the_current_period_is_paid(paying):
    users, person, plan, (pa, extra, agency) = paying
    schedule = _started_a_week_ago(person)
    run = PaymentRun.objects.create(authority=person.authority, period_start=DAY - WEEK,
                                    period_end=DAY - WEEK, pay_on=DAY - WEEK,
                                    prepared_by=users["scot_finance_officer"])
    Payment.objects.create(run=run, schedule=schedule, period_start=DAY - WEEK,
                           period_end=DAY + 3 * WEEK - ONE, gross=FULL, contribution=0,
                           amount=FULL, payee=person.payee_accounts.get())
    with pytest.raises(ValidationError, match="already been paid"):
        _start(users, pa, DAY - ONE)
    assert _start(users, pa, DAY).starts_on == DAY


# --- Pages ---------------------------------------------------------------------------------


def _date(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month),
            f"{name}_year": str(day.year)}


def test_the_worker_switches_and_switches_back_on_the_pages(client, paying):
    users, person, plan, (pa, extra, agency) = paying
    client.login(username="scot_social_worker", password=TEST_PASSWORD)
    url = reverse("switch-start", args=[person.pk])
    form = client.get(f"{url}?line={pa.pk}").content.decode()
    assert f'value="{pa.pk}" checked' in form
    assert f'value="{agency.pk}"' not in form  # Option 3 is not offered
    missing = client.post(url, {"line": str(pa.pk), **_date("starts_on", DAY + WEEK),
                                "reason": "The PA left", "cover": ""})
    text = missing.content.decode()
    assert "There is a problem" in text and "Say what the council will arrange" in text
    response = client.post(url, {"line": str(pa.pk), **_date("starts_on", DAY + WEEK),
                                 "reason": "The PA left", "cover": "Council home care"})
    assert response.status_code == 302
    switch = TemporarySwitch.objects.get()
    page = client.get(reverse("person-payments", args=[person.pk])).content.decode()
    assert f"Switched to council cover on {DAY + WEEK:%-d %B %Y}" in page
    assert "Not switched back yet" in page
    end_url = reverse("switch-end", args=[person.pk, switch.pk])
    assert end_url in page
    response = client.post(end_url, {**_date("ends_on", DAY + 3 * WEEK),
                                     "note": "A new PA starts"})
    assert response.status_code == 302
    page = client.get(reverse("person-payments", args=[person.pk])).content.decode()
    assert f"Switched back: last day of cover {DAY + 3 * WEEK:%-d %B %Y}" in page
    assert "How it ended: A new PA starts" in page


def test_a_switch_of_another_person_is_not_found(client, paying):
    users, person, plan, (pa, extra, agency) = paying
    from tests.factories import PersonFactory

    switch = _start(users, pa, DAY + WEEK)
    other = PersonFactory(authority=person.authority, team=person.team,
                          allocated_worker=users["scot_social_worker"])
    client.login(username="scot_social_worker", password=TEST_PASSWORD)
    assert client.get(reverse("switch-end", args=[other.pk, switch.pk])).status_code == 404


def test_cover_running_when_a_new_plan_is_agreed_carries_on_under_it(paying):
    users, person, plan, (pa, extra, agency) = paying
    running = TemporarySwitch.objects.create(
        line=pa, schedule=person.payment_schedules.get(), weekly_amount=PA,
        starts_on=DAY - WEEK, ends_on=DAY + 5 * WEEK, reason="The PA left",
        cover="Council home care", started_by=users["scot_social_worker"])
    planned = _start(users, extra, DAY + 2 * WEEK)
    # The new plan keeps the PA line (now £320 a week) and drops the other Option 1 line.
    new = agreed_plan(users, person, [("1", 32000, FundingStream.COUNCIL),
                                      ("3", 20000, FundingStream.COUNCIL)])
    new_pa = new.lines.get(option="1")
    running.refresh_from_db()
    assert running.ends_on == DAY - ONE and "carries on" in running.end_note
    carried = TemporarySwitch.objects.get(line=new_pa)
    assert (carried.starts_on, carried.ends_on, carried.weekly_amount) == (
        DAY, DAY + 5 * WEEK, 32000)
    # The planned cover of support the new plan no longer has is gone: it pauses nothing.
    assert not TemporarySwitch.objects.filter(pk=planned.pk).exists()
    assert "no longer has" in TemporarySwitch.history.filter(
        id=planned.pk).latest("history_id").history_change_reason
    # Paused once, at the new line's cost: the whole of the new direct payment.
    paid = _pay(users, person, DAY)
    assert (paid.gross, paid.paused, paid.amount) == (4 * 32000, 4 * 32000, 0)


def test_cover_cannot_be_ended_before_the_current_period(paying):
    users, person, plan, (pa, extra, agency) = paying
    schedule = person.payment_schedules.get()
    old = TemporarySwitch.objects.create(
        line=pa, schedule=schedule, weekly_amount=PA, starts_on=DAY - 13 * WEEK,
        reason="The PA left", cover="Council home care", started_by=users["scot_social_worker"])
    Schedule.objects.filter(pk=schedule.pk).update(starts_on=DAY - 16 * WEEK)
    with pytest.raises(ValidationError) as caught:
        _end(users, old, DAY - 12 * WEEK)
    assert "within the current period" in caught.value.message_dict["ends_on"][0]
    _end(users, old, DAY - ONE)  # yesterday is allowed
    old.refresh_from_db()
    assert old.ends_on == DAY - ONE
