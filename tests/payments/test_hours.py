"""Delivered hours: recorded by the provider that accepted the line (or finance), a week
at a time, on the page or in a CSV file checked whole before anything is saved; a week
short of the plan for the policy's number of weeks running raises one alert for the
worker with the money not spent, extended while the shortfall goes on."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from selfdirect.authorities.models import PolicyFigure
from selfdirect.payments import hours
from selfdirect.payments.models import DeliveredHours, ShortfallAlert
from selfdirect.planning import plans
from selfdirect.providers.models import ProviderMember
from selfdirect.spending import services as spending
from selfdirect.spending.models import SpendingRequest
from tests.factories import TEST_PASSWORD, UserFactory
from tests.matrix import ACTORS
from tests.payments import matrix_hours
from tests.payments.matrix_hours import WEEK, hours_setting, this_monday
from tests.providers.factories import ProviderFactory
from tests.spending.matrix import agreed_outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(cast):
    users, person = cast
    line, provider = hours_setting(users, person)
    return users, person, line, provider


def week(back: int) -> datetime.date:
    return this_monday() - back * WEEK


def record(users, line, back, got, **extra):
    return hours.hours_record(actor=users["scot_provider_user"], line=line, week_start=week(back),
                              hours=got, **extra)


def test_the_provider_records_a_week_and_a_correction_replaces_it_keeping_history(setting):
    users, person, line, provider = setting
    first = record(users, line, 1, "20", note="Two visits cancelled by the agency")
    assert (first.planned_hours, first.hours, first.provider) == (Decimal(35), Decimal(20),
                                                                  provider)
    again = record(users, line, 1, "33.5")
    assert again.pk == first.pk and DeliveredHours.objects.count() == 1
    assert again.hours == Decimal("33.5")
    assert [h.hours for h in again.history.order_by("history_date")] == [Decimal(20),
                                                                         Decimal("33.5")]
    assert again.history.latest().history_user == users["scot_provider_user"]


def test_finance_may_record_from_a_timesheet_but_nobody_else(setting, world):
    users, person, line, provider = setting
    row = hours.hours_record(actor=users["scot_finance_officer"], line=line,
                             week_start=week(1), hours="30")
    assert row.provider == provider
    stranger = UserFactory(username="other_agency_worker")  # works for another provider
    ProviderMember.objects.create(provider=ProviderFactory(), user=stranger)
    for actor in (stranger, users["scot_social_worker"], users["eng_finance_officer"],
                  users["the_person"]):
        with pytest.raises(PermissionDenied):
            hours.hours_record(actor=actor, line=line, week_start=week(1), hours="30")


def test_bad_weeks_and_hours_are_named(setting):
    users, person, line, provider = setting
    cases = [
        (week(1) + datetime.timedelta(days=2), "20", "week_start", "must begin on a Monday"),
        (week(-1), "20", "week_start", "a week that has begun"),
        (week(1), "169", "hours", "from 0 to 168"),
        (week(1), "-1", "hours", "from 0 to 168"),
        (week(1), "7.125", "hours", "2 decimal places"),
        (week(1), "lots", "hours", "as a number"),
    ]
    for start, got, field, words in cases:
        with pytest.raises(ValidationError) as caught:
            hours.hours_record(actor=users["scot_provider_user"], line=line, week_start=start,
                               hours=got)
        assert words in caught.value.message_dict[field][0], (start, got)
    with pytest.raises(TypeError):
        hours.hours_record(actor=users["scot_provider_user"], line=line, week_start=week(1),
                           hours=20.5)  # a float never reaches the hours
    assert not DeliveredHours.objects.exists()


def test_only_option_2_and_3_lines_counted_in_hours(cast):
    users, person = cast
    line, provider = hours_setting(users, person)
    plan = line.plan
    plan.refresh_from_db()
    # A finance officer asked about an Option 1 line of a draft plan is told why not.
    draft = plans.plan_start(actor=users["scot_social_worker"], person=person)
    option_1 = plans.line_add(actor=users["scot_social_worker"], plan=draft,
                              expected_version=draft.version, what="PA", who_kind="pa",
                              weekly_cost=10000, option="1", hours_per_week=Decimal(10),
                              service_type="personal_care", contingency="Family")
    with pytest.raises(ValidationError) as caught:
        hours.hours_record(actor=users["scot_finance_officer"], line=option_1,
                           week_start=week(1), hours="10")
    assert "options 2 and 3" in caught.value.message_dict["line"][0]


def test_two_short_weeks_raise_one_alert_with_the_money_not_spent(setting):
    users, person, line, provider = setting
    record(users, line, 3, "20")
    assert not ShortfallAlert.objects.exists()  # one short week is not yet a pattern
    record(users, line, 2, "20")
    alert = ShortfallAlert.objects.get()
    assert (alert.first_week, alert.last_week) == (week(3), week(2))
    assert (alert.planned_hours, alert.delivered_hours) == (Decimal(70), Decimal(40))
    assert alert.unspent == 30 * 2200  # 30 hours short at £22 an hour
    record(users, line, 1, "25")  # it goes on: the same alert, extended
    alert = ShortfallAlert.objects.get()
    assert (alert.first_week, alert.last_week, alert.unspent) == (week(3), week(1), 40 * 2200)
    assert "15 hours short" not in hours.shortfall_words(alert)
    assert hours.shortfall_words(alert).startswith(
        f"In the 3 weeks from {week(3):%-d %B %Y}, 65 of the 105 hours planned were delivered: "
        "40 hours short. £880.00 has not been spent.")


def test_within_the_tolerance_is_not_short_and_a_full_week_ends_the_run(setting):
    users, person, line, provider = setting
    record(users, line, 4, "32")  # 35 less 10% is 31.5: 32 is within the tolerance
    record(users, line, 3, "32")
    assert not ShortfallAlert.objects.exists()
    record(users, line, 2, "20")
    record(users, line, 1, "35")
    record(users, line, 0, "20")
    assert not ShortfallAlert.objects.exists()
    # A correction that makes a week short joins the runs up: one alert.
    record(users, line, 1, "10")
    alert = ShortfallAlert.objects.get()
    assert (alert.first_week, alert.last_week) == (week(2), week(0))


def test_the_number_of_weeks_and_the_tolerance_are_the_councils_policy(setting, world):
    users, person, line, provider = setting
    for key, kind, value in (("payments.shortfall_weeks", "integer", "3"),
                             ("payments.shortfall_tolerance_percent", "percent", "50")):
        PolicyFigure.objects.create(authority=world.scot, country="scotland", key=key,
                                    kind=kind, value=value, effective_from=week(10),
                                    reason="Local decision")
    for back in (3, 2):
        record(users, line, back, "17.5")  # exactly half: not below the 50% tolerance
    record(users, line, 1, "17")
    record(users, line, 0, "17")
    assert not ShortfallAlert.objects.exists()  # two short weeks, but the policy says three
    record(users, line, 2, "17")
    assert ShortfallAlert.objects.get().first_week == week(2)


def test_the_money_not_spent_is_rounded_half_up_once_for_the_run(cast):
    users, person = cast
    line, provider = hours_setting(users, person, hours_per_week="2", weekly_cost=1001)
    record(users, line, 2, "1.5")
    record(users, line, 1, "1.5")
    # One hour short over the run at £10.01 for two hours: 500.5p, so 501p.
    assert ShortfallAlert.objects.get().unspent == 501
    assert hours.hourly_rate(line) == 501
    assert hours.money_for_hours(line, Decimal("0.5")) == 250  # 250.25p


def test_the_worker_and_their_manager_see_the_alert_and_mark_it_seen(setting,
                                                                    django_assert_num_queries):
    users, person, line, provider = setting
    for back in (2, 1):
        record(users, line, back, "20")
    alert = ShortfallAlert.objects.get()
    for who in ("scot_social_worker", "scot_team_manager", "scot_finance_officer"):
        assert list(hours.alerts_for_worker(users[who], unseen_only=True)) == [alert], who
    for who in ("scot_other_social_worker", "eng_team_manager", "scot_provider_user",
                "the_person"):
        assert list(hours.alerts_for_worker(users[who])) == [], who
    worker = users["scot_social_worker"]
    worker = type(worker).objects.get(pk=worker.pk)  # no roles cached on it
    with django_assert_num_queries(2):  # the roles, then the alerts with what they show
        shown = list(hours.alerts_for_worker(worker))
        assert shown[0].line.plan.person.display_name
    with pytest.raises(ValidationError) as caught:
        hours.alert_mark_seen(actor=worker, alert=alert, action="  ")
    assert "Say what you did" in caught.value.message_dict["action"][0]
    with pytest.raises(PermissionDenied):
        hours.alert_mark_seen(actor=users["scot_other_social_worker"], alert=alert,
                              action="Rang the agency")
    seen = hours.alert_mark_seen(actor=worker, alert=alert,
                                 action="Rang the agency: a second carer starts Monday")
    assert seen.seen_by == worker and seen.seen_at is not None
    assert list(hours.alerts_for_worker(worker, unseen_only=True)) == []


def test_a_spending_request_made_from_the_alert_is_recorded_on_it(setting):
    users, person, line, provider = setting
    for back in (2, 1):
        record(users, line, back, "20")
    alert = ShortfallAlert.objects.get()
    made = spending.spending_request_make(
        actor=users["the_person"], person=person, description="A day at the coast with a PA",
        amount=alert.unspent, outcome=agreed_outcome(person, users["scot_social_worker"]),
        wanted_on=week(-2))
    linked = hours.shortfall_request_link(actor=users["the_person"], alert=alert,
                                          spending_request=made)
    assert ShortfallAlert.objects.get().spending_request == made == linked.spending_request
    with pytest.raises(PermissionDenied):
        hours.shortfall_request_link(actor=users["carer_viewing"], alert=alert,
                                     spending_request=made)


def test_planned_against_delivered_week_by_week_in_three_queries(setting,
                                                                 django_assert_num_queries):
    users, person, line, provider = setting
    record(users, line, 1, "20")
    record(users, line, 0, "34")
    with django_assert_num_queries(5):  # lines, hours, providers, and the two policy figures
        rows = hours.person_weeks(person, weeks=4)
    (only,) = rows
    assert only.provider == provider.name
    assert [(w.week_start, w.delivered, w.short) for w in only.weeks] == [
        (week(0), Decimal(34), False), (week(1), Decimal(20), True), (week(2), None, False),
        (week(3), None, False)]


# --- CSV -------------------------------------------------------------------------------------


def test_a_good_csv_file_is_saved_whole(setting):
    users, person, line, provider = setting
    text = ("Line,Week beginning,Hours,Note\r\n"
            f"L{line.pk},{week(2).isoformat()},20,\r\n"
            f"{line.pk},{week(1):%d/%m/%Y},21.5,Carer off sick\r\n")
    result = hours.hours_import_csv(actor=users["scot_provider_user"], provider=provider,
                                    file_text=text)
    assert result.ok and len(result.saved) == 2
    assert {r.source for r in DeliveredHours.objects.all()} == {"csv"}
    assert ShortfallAlert.objects.get().delivered_hours == Decimal("41.5")


def test_a_csv_file_with_any_problem_saves_nothing_and_names_each_row_and_column(setting, world):
    users, person, line, provider = setting
    text = ("line,week beginning,hours,note\n"
            f"L{line.pk},{week(2).isoformat()},20,fine\n"
            f"L{line.pk},{(week(1) + datetime.timedelta(days=1)).isoformat()},20,\n"
            f"L{line.pk + 1000},{week(1).isoformat()},20,\n"
            f"L{line.pk},{week(3).isoformat()},=1+2,\n"
            f"L{line.pk},{week(4).isoformat()},200,\n"
            f"L{line.pk},{week(5).isoformat()},10,@SUM(A1)\n"
            f"L{line.pk},{week(2).isoformat()},20,twice\n"
            f"L{line.pk},next week,20,\n")
    result = hours.hours_import_csv(actor=users["scot_provider_user"], provider=provider,
                                    file_text=text)
    assert not result.ok and not DeliveredHours.objects.exists()
    found = {(p.row, p.column) for p in result.problems}
    assert found == {(3, "week beginning"), (4, "line"), (5, "hours"), (6, "hours"),
                     (7, "note"), (8, "week beginning"), (9, "week beginning")}
    words = {(p.row, p.column): str(p) for p in result.problems}
    assert words[(5, "hours")] == "Row 5, hours: remove the formula: enter the value itself"
    assert "not a line referred to" in words[(4, "line")]
    assert "row 2 already gives this line and week" in words[(8, "week beginning")]


def test_a_csv_file_without_the_columns_is_refused(setting):
    users, person, line, provider = setting
    result = hours.hours_import_csv(actor=users["scot_provider_user"], provider=provider,
                                    file_text="who,when\nx,y\n")
    assert [str(p) for p in result.problems] == [
        "Row 1: The first row must name the columns line, week beginning, hours, note: "
        "missing line, week beginning, hours"]
    with pytest.raises(PermissionDenied):
        hours.hours_import_csv(actor=users["scot_social_worker"], provider=provider,
                               file_text="line,week beginning,hours,note\n")


def test_the_template_lists_the_providers_lines_for_last_week(setting):
    users, person, line, provider = setting
    assert hours.csv_template(provider) == (f"line,week beginning,hours,note\r\n"
                                            f"L{line.pk},{week(1).isoformat()},,\r\n")


# --- Pages -----------------------------------------------------------------------------------


def login(client, name):
    client.logout()
    assert client.login(username=name, password=TEST_PASSWORD)


def test_the_provider_records_hours_on_the_page(client, setting):
    users, person, line, provider = setting
    login(client, "scot_provider_user")
    page = client.get(reverse("provider-hours")).content.decode()
    assert "Care at home" in page and person.display_name in page
    url = reverse("provider-hours-record", args=[line.pk, week(1).isoformat()])
    assert f'href="{url}"' in page
    response = client.post(url, {"hours": "200", "note": ""})
    assert response.status_code == 200 and "from 0 to 168" in response.content.decode()
    assert "Error: " in response.content.decode()
    response = client.post(url, {"hours": "20", "note": "Short of staff"})
    assert response.status_code == 302
    assert DeliveredHours.objects.get().source == "page"
    # A day that is not a Monday is refused on the field.
    url = reverse("provider-hours-record", args=[line.pk, (week(1) + WEEK // 7).isoformat()])
    assert "must begin on a Monday" in client.post(url, {"hours": "20"}).content.decode()


def test_the_provider_uploads_a_csv_on_the_page(client, setting):
    from django.core.files.uploadedfile import SimpleUploadedFile

    users, person, line, provider = setting
    login(client, "scot_provider_user")
    template = client.get(reverse("provider-hours-template") + f"?provider={provider.pk}")
    assert template["Content-Type"].startswith("text/csv")
    bad = SimpleUploadedFile("hours.csv", f"line,week beginning,hours,note\nL{line.pk},"
                                          f"{week(1).isoformat()},=2*20,\n".encode())
    page = client.post(reverse("provider-hours-upload"), {"provider": provider.pk, "file": bad})
    text = page.content.decode()
    assert page.status_code == 200 and "nothing was saved" in text and "remove the formula" in text
    good = SimpleUploadedFile("hours.csv", f"line,week beginning,hours,note\nL{line.pk},"
                                           f"{week(1).isoformat()},20,\n".encode())
    response = client.post(reverse("provider-hours-upload"), {"provider": provider.pk,
                                                              "file": good})
    assert response.status_code == 302 and DeliveredHours.objects.count() == 1


def test_the_persons_page_shows_the_shortfall_and_the_way_to_use_the_money(client, setting):
    users, person, line, provider = setting
    for back in (2, 1):
        record(users, line, back, "20")
    alert = ShortfallAlert.objects.get()
    login(client, "the_person")
    page = client.get(reverse("person-delivered-hours", args=[person.pk])).content.decode()
    assert "30 hours short" in page and "£660.00 has not been spent" in page
    ask = reverse("spending-request-new", args=[person.pk]) + f"?shortfall={alert.pk}"
    assert ask in page and "Ask to use this £660.00 another way" in page
    assert "Mark as seen" not in page
    login(client, "scot_social_worker")
    page = client.get(reverse("shortfall-alerts")).content.decode()
    assert person.display_name in page and "£660.00" in page
    seen = reverse("shortfall-alert-seen", args=[alert.pk])
    assert client.post(seen, {"action": ""}).status_code == 200
    assert client.post(seen, {"action": "Spoke to the agency"}).status_code == 302
    assert ShortfallAlert.objects.get().action == "Spoke to the agency"


def test_asking_on_the_page_from_the_alert_records_the_request_on_it(client, setting):
    users, person, line, provider = setting
    for back in (2, 1):
        record(users, line, back, "20")
    alert = ShortfallAlert.objects.get()
    outcome = agreed_outcome(person, users["scot_social_worker"])
    login(client, "the_person")
    ask = reverse("spending-request-new", args=[person.pk]) + f"?shortfall={alert.pk}"
    when = week(-2)
    response = client.post(ask, {"description": "A day at the coast with a PA",
                                 "amount": "660.00", "outcome": str(outcome.pk),
                                 "wanted_on_day": when.day, "wanted_on_month": when.month,
                                 "wanted_on_year": when.year})
    assert response.status_code == 302, response.content.decode()[:2000]
    made = SpendingRequest.objects.get()
    assert ShortfallAlert.objects.get().spending_request == made
    # Someone else's alert number is ignored: the request stands, nothing is linked.
    other = reverse("spending-request-new", args=[person.pk]) + f"?shortfall={alert.pk + 99}"
    client.post(other, {"description": "Another day out", "amount": "10.00",
                        "outcome": str(outcome.pk), "wanted_on_day": when.day,
                        "wanted_on_month": when.month, "wanted_on_year": when.year})
    assert SpendingRequest.objects.count() == 2
    assert ShortfallAlert.objects.get().spending_request == made


def test_user_text_is_escaped(client, setting):
    users, person, line, provider = setting
    for back in (2, 1):
        record(users, line, back, "20", note="<script>alert(1)</script>")
    alert = ShortfallAlert.objects.get()
    hours.alert_mark_seen(actor=users["scot_social_worker"], alert=alert,
                          action="<b>done</b>")
    login(client, "the_person")
    page = client.get(reverse("person-delivered-hours", args=[person.pk])).content.decode()
    assert "<b>done</b>" not in page and "&lt;b&gt;done&lt;/b&gt;" in page


@pytest.mark.parametrize("page", sorted(matrix_hours.MATRIX))
def test_permission_matrix_for_the_hours_pages(client, cast, page):
    users, person = cast
    url = matrix_hours.url_for(page, users, person)
    got = {}
    for actor in ACTORS:
        client.logout()
        if actor != "anonymous":
            assert client.login(username=actor, password=TEST_PASSWORD)
        got[actor] = client.get(url).status_code
    assert got == matrix_hours.MATRIX[page]


def test_hours_to_record_for_the_provider_and_for_finance(setting, django_assert_num_queries):
    users, person, line, provider = setting
    record(users, line, 1, "30")
    member = type(users["scot_provider_user"]).objects.get(pk=users["scot_provider_user"].pk)
    with django_assert_num_queries(3):  # the roles, the lines, what was recorded
        (row,) = hours.lines_to_record(member)
    assert row.line == line and row.person.pk == person.pk
    assert [(w, got.hours if got else None) for w, got in row.weeks] == [
        (week(0), None), (week(1), Decimal(30))]
    assert [r.line for r in hours.lines_to_record(users["scot_finance_officer"])] == [line]
    for who in ("eng_finance_officer", "scot_social_worker", "the_person"):
        assert hours.lines_to_record(users[who]) == [], who
