"""Retention: who is past the council's period (by ``core.clock``, never the machine's
date), approval by the data protection officer, anonymisation that leaves the ledger
whole, old sign-in events and API token uses deleted, and the access log kept."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from selfdirect.accounts.models import ApiTokenUse, SignInEvent, User
from selfdirect.audit.models import AccessLog
from selfdirect.authorities.models import PolicyFigure
from selfdirect.charging.models import Contribution, PlannedService
from selfdirect.core import clock
from selfdirect.dataprotection import export, selectors, services
from selfdirect.dataprotection.anonymise import REMOVED
from selfdirect.dataprotection.models import RetentionAction, RetentionApproval
from selfdirect.jobs.models import Job
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.payments.ledger import ledger_problems
from selfdirect.payments.models import Entry, Line, PayeeAccount, Schedule
from selfdirect.people.models import Person, Relationship
from tests.dataprotection.conftest import CONTRIBUTOR, EMAIL, FAMILY, GIVEN, PHONE
from tests.factories import TEST_PASSWORD
from tests.jobs_helpers import finished

TODAY = clock.today()
# Scotland's default: a record is kept 6 years after the last activity.
LATER = TODAY + datetime.timedelta(days=7 * 366)
SOONER = TODAY + datetime.timedelta(days=5 * 365)


def _close(full: Any) -> None:
    """The case closes today: the direct payment, the planned services and the charge end."""
    Schedule.objects.filter(person=full.person).update(ends_on=TODAY)
    PlannedService.objects.filter(person=full.person).update(ends_on=TODAY)
    Contribution.objects.filter(person=full.person).update(effective_to=TODAY)


def _approve(full: Any, on: datetime.date = LATER) -> RetentionApproval:
    with clock.as_of(on):
        return services.retention_approve(actor=full.users["scot_data_protection"],
                                          authority=full.person.authority, confirmed=True)


def _carry_out(approval: RetentionApproval, on: datetime.date = LATER) -> Any:
    with clock.as_of(on):
        return services.retention_carry_out(approval=approval, actor=approval.approved_by)


def _past(full: Any, on: datetime.date) -> list[int]:
    with clock.as_of(on):
        return [r.person.pk for r in
                selectors.people_past_retention(authority=full.person.authority)]


def _ledger(person: Person) -> dict[str, int]:
    return dict(Line.objects.filter(account__person=person).values_list("account__kind")
                .annotate(total=Sum("amount")).values_list("account__kind", "total"))


# --- Who is past retention ------------------------------------------------------------------


def test_past_retention_follows_the_clock_not_the_machine(full):
    _close(full)
    assert full.person.pk not in _past(full, TODAY)
    assert full.person.pk not in _past(full, SOONER)
    assert full.person.pk in _past(full, LATER)


def test_an_open_case_is_never_past_retention(full):
    """A direct payment with no end date keeps the case open however long it is quiet."""
    _close(full)
    Schedule.objects.filter(person=full.person).update(ends_on=None)
    assert full.person.pk not in _past(full, TODAY + datetime.timedelta(days=40 * 365))


def test_an_end_date_to_come_counts_as_activity(full):
    _close(full)
    Schedule.objects.filter(person=full.person).update(ends_on=TODAY + datetime.timedelta(
        days=3 * 365))
    assert full.person.pk not in _past(full, LATER)
    assert full.person.pk in _past(full, LATER + datetime.timedelta(days=3 * 366))


def test_the_reason_says_when_and_which_period(full):
    _close(full)
    with clock.as_of(LATER):
        (row,) = [r for r in selectors.people_past_retention(authority=full.person.authority)
                  if r.person == full.person]
    assert row.last_activity >= TODAY
    assert "6 years after the last activity" in row.reason
    assert f"{row.last_activity.day} {row.last_activity:%B %Y}" in row.reason


def test_a_council_may_keep_records_longer(full):
    _close(full)
    PolicyFigure.objects.create(authority=full.person.authority, country="scotland",
                                key="retention.closed_case_years", kind="integer", value="10",
                                effective_from=TODAY, reason="Our retention schedule")
    assert full.person.pk not in _past(full, LATER)
    assert full.person.pk in _past(full, TODAY + datetime.timedelta(days=11 * 366))


# --- Approval ---------------------------------------------------------------------------------


def test_nothing_changes_without_approval(full):
    _close(full)
    with clock.as_of(LATER):
        call_command("retention", "--list", stdout=io.StringIO())
        call_command("retention", "--carry-out", stdout=io.StringIO(), stderr=io.StringIO())
    full.person.refresh_from_db()
    assert full.person.given_name == GIVEN


def test_approval_must_be_confirmed_and_by_the_councils_officer(full):
    _close(full)
    authority = full.person.authority
    with clock.as_of(LATER):
        with pytest.raises(ValidationError):
            services.retention_approve(actor=full.users["scot_data_protection"],
                                       authority=authority, confirmed=False)
        for who in ("scot_administrator", "scot_team_manager", "eng_data_protection"):
            with pytest.raises(Exception, match="Not allowed"):
                services.retention_approve(actor=full.users[who], authority=authority,
                                           confirmed=True)
    assert not RetentionApproval.objects.filter(status="approved").exists()


def test_the_command_needs_the_officer_to_approve(full):
    _close(full)
    with pytest.raises(CommandError, match="--approved-by"):
        call_command("retention", "--anonymise", "--on", LATER.isoformat())
    with pytest.raises(CommandError, match="may not approve"):
        call_command("retention", "--anonymise", "--approved-by", "scot_administrator",
                     "--on", LATER.isoformat())
    with pytest.raises(CommandError, match="No active user"):
        call_command("retention", "--anonymise", "--approved-by", "nobody-at-all")
    full.person.refresh_from_db()
    assert full.person.given_name == GIVEN


def test_a_dry_run_lists_and_changes_nothing(full):
    _close(full)
    out = io.StringIO()
    call_command("retention", "--anonymise", "--approved-by", "scot_data_protection",
                 "--dry-run", "--on", LATER.isoformat(), stdout=out)
    assert f"{GIVEN} {FAMILY}" in out.getvalue()
    assert not RetentionApproval.objects.filter(status="approved").exists()


def test_the_list_names_each_person_and_the_reason(full):
    _close(full)
    out = io.StringIO()
    call_command("retention", "--list", "--authority", full.person.authority.code,
                 "--on", LATER.isoformat(), stdout=out)
    text = out.getvalue()
    assert f"{full.person.pk} {GIVEN} {FAMILY}: Nothing recorded since" in text
    assert "records kept 6 years after the last activity" in text


# --- Anonymisation ----------------------------------------------------------------------------


def test_anonymising_removes_who_they_are_and_keeps_the_accounts(full):
    _close(full)
    person = full.person
    ledger_before, entries_before = _ledger(person), Entry.objects.count()
    logged_before = AccessLog.objects.count()
    born = person.date_of_birth
    approval = _approve(full)
    assert RetentionAction.objects.filter(approval=approval, person=person,
                                          status="waiting").exists()
    listed = approval.people  # the person, and the sister they cared for (quiet too)
    assert listed == 2
    result = _carry_out(approval)
    assert result.anonymised == listed
    person.refresh_from_db()
    assert person.full_name == f"Anonymised person {person.pk}"
    assert person.date_of_birth == datetime.date(born.year, 1, 1)
    assert (person.chi_number, person.phone, person.email, person.postcode,
            person.address_line_1, person.user_id) == ("", "", "", "", "", None)
    assert person.notes == REMOVED
    # The history holds no earlier version with their name.
    assert not person.history.filter(given_name=GIVEN).exists()
    assert person.history.first().history_change_reason == (
        "Anonymised under the retention policy")
    assert not Relationship.objects.filter(person=person, user__isnull=False).exists()
    assert set(PersonalOutcome.objects.filter(person=person)
               .values_list("in_own_words", flat=True)) == {REMOVED}
    account = User.objects.get(pk=full.users["the_person"].pk)
    assert (account.username, account.is_active, account.first_name, account.email) == (
        f"anonymised-{account.pk}", False, "", "")
    assert not account.has_usable_password()
    assert PayeeAccount.objects.get(person=person).account_number == ""
    # The accounts still add up, to the penny, and the access log is whole.
    assert _ledger(person) == ledger_before
    assert Entry.objects.count() == entries_before
    assert ledger_problems() == []
    assert AccessLog.objects.count() == logged_before
    action = RetentionAction.objects.get(approval=approval, person=person)
    assert (action.status, action.done_at is not None) == ("done", True)
    approval.refresh_from_db()
    assert approval.status == "done" and "2 people's records anonymised" in approval.summary


def test_after_anonymising_the_export_holds_nothing_that_names_them(full):
    _close(full)
    _carry_out(_approve(full))
    full.person.refresh_from_db()
    text = export.json_bytes(export.gather(full.person)).decode()
    for secret in (GIVEN, FAMILY, PHONE, EMAIL, CONTRIBUTOR, "1 Croft Road",
                   "Help getting up in the morning", "Book two interpreters"):
        assert secret not in text, secret
    assert json.loads(text)["person"]["name"] == f"Anonymised person {full.person.pk}"


def test_anything_recorded_since_the_approval_keeps_the_record(full):
    """Seven years on (the machine's clock too): approved at noon, a worker records
    something in the afternoon, and the night's job keeps the record."""
    _close(full)
    noon = datetime.datetime.combine(LATER, datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(noon, tick=False):
        approval = services.retention_approve(actor=full.users["scot_data_protection"],
                                              authority=full.person.authority, confirmed=True)
    with time_machine.travel(noon + datetime.timedelta(hours=3), tick=False):
        PersonalOutcome.objects.create(person=full.person, in_own_words="I moved back",
                                       created_by=full.users["scot_social_worker"])
    with time_machine.travel(noon + datetime.timedelta(hours=10), tick=False):
        result = services.retention_carry_out(approval=approval, actor=approval.approved_by)
    assert (result.anonymised, result.skipped) == (1, 1)  # the sister's goes ahead
    full.person.refresh_from_db()
    assert full.person.given_name == GIVEN
    action = RetentionAction.objects.get(approval=approval, person=full.person)
    assert action.status == "skipped" and "recorded about the person since" in action.note


def test_a_person_is_listed_once_while_approved_and_never_after(full):
    _close(full)
    approval = _approve(full)
    assert full.person.pk not in _past(full, LATER)  # waiting: not listed again
    _carry_out(approval)
    assert full.person.pk not in _past(full, LATER + datetime.timedelta(days=3650))


def test_the_command_approves_and_carries_out_as_the_officer(full):
    _close(full)
    out = io.StringIO()
    call_command("retention", "--anonymise", "--approved-by", "scot_data_protection",
                 "--authority", full.person.authority.code, "--on", LATER.isoformat(),
                 stdout=out, stderr=io.StringIO())
    assert "2 people's records anonymised" in out.getvalue()
    approval = RetentionApproval.objects.get(channel="command")
    assert approval.approved_by == full.users["scot_data_protection"]
    full.person.refresh_from_db()
    assert full.person.given_name == "Anonymised"


def test_a_page_approval_is_carried_out_by_the_nightly_job(full):
    _close(full)
    approval = _approve(full)
    out = io.StringIO()
    call_command("retention", "--carry-out", "--on", LATER.isoformat(), stdout=out,
                 stderr=io.StringIO())
    assert f"approval {approval.pk}" in out.getvalue()
    full.person.refresh_from_db()
    assert full.person.given_name == "Anonymised"


# --- Logs ----------------------------------------------------------------------------------------


def _aged(model: Any, days: int, **where: Any) -> None:
    model.objects.filter(**where).update(at=timezone.now() - datetime.timedelta(days=days))


def test_old_sign_in_events_and_token_uses_are_deleted_with_their_history(full):
    _close(full)
    the_person = full.users["the_person"]
    old = SignInEvent.objects.create(kind=SignInEvent.Kind.LOCKED_OUT, username="the_person",
                                     account=the_person)
    stranger = SignInEvent.objects.create(kind=SignInEvent.Kind.LOCKED_OUT,
                                          username="nobody-by-this-name")
    recent = SignInEvent.objects.create(kind=SignInEvent.Kind.LOCKED_OUT,
                                        username="the_person", account=the_person)
    _aged(SignInEvent, 800, pk__in=[old.pk, stranger.pk])  # Scotland keeps 730 days,
    # England 730: the longest of any council applies to a username of no account.
    _aged(ApiTokenUse, 400, token__user=the_person)  # kept 365 days
    logged_before = AccessLog.objects.count()
    with clock.as_of(TODAY):
        logs = selectors.log_rows_past_retention(authority=full.person.authority)
        assert (logs.sign_in_events, logs.token_uses) == (2, 1)
        approval = services.retention_approve(actor=full.users["scot_data_protection"],
                                              authority=full.person.authority, confirmed=True)
        result = services.retention_carry_out(approval=approval, actor=approval.approved_by)
    assert (result.sign_in_events, result.token_uses) == (2, 1)
    assert set(SignInEvent.objects.values_list("pk", flat=True)) >= {recent.pk}
    assert not SignInEvent.objects.filter(pk__in=[old.pk, stranger.pk]).exists()
    assert not SignInEvent.history.filter(id__in=[old.pk, stranger.pk]).exists()
    assert not ApiTokenUse.objects.filter(token__user=the_person).exists()
    assert AccessLog.objects.count() == logged_before  # the access log is kept


def test_another_councils_officer_leaves_this_councils_logs(full):
    the_person = full.users["the_person"]
    event = SignInEvent.objects.create(kind=SignInEvent.Kind.LOCKED_OUT,
                                       username="the_person", account=the_person)
    _aged(SignInEvent, 800, pk=event.pk)
    with clock.as_of(TODAY):
        eng = full.users["eng_data_protection"].staff_roles.get().authority
        assert selectors.log_rows_past_retention(authority=eng).sign_in_events == 0


# --- The page ------------------------------------------------------------------------------------


def test_the_page_lists_and_records_the_approval(client, full):
    _close(full)
    client.login(username="scot_data_protection", password=TEST_PASSWORD)
    with clock.as_of(LATER):
        page = client.get(reverse("retention"))
        assert page.status_code == 200
        body = page.content.decode()
        assert f"{GIVEN} {FAMILY}" in body and "6 years after the last activity" in body
        refused = client.post(reverse("retention"), {})
        assert refused.status_code == 200
        assert "Confirm that you have checked the list and approve it" in refused.content.decode()
        assert not RetentionApproval.objects.filter(status="approved").exists()
        done = client.post(reverse("retention"), {"confirm": "on"}, follow=True)
    assert "Your approval is recorded" in done.content.decode()
    approval = RetentionApproval.objects.get(status="approved")
    assert (approval.channel, approval.approved_by.username) == ("page", "scot_data_protection")
    full.person.refresh_from_db()
    assert full.person.given_name == GIVEN  # the page only records the approval


def test_with_nothing_past_retention_there_is_nothing_to_approve(client, full):
    client.login(username="scot_data_protection", password=TEST_PASSWORD)
    with clock.as_of(TODAY):
        page = client.post(reverse("retention"), {"confirm": "on"})
    assert page.status_code == 200
    assert "nothing to approve" in page.content.decode()


@pytest.mark.parametrize("data", [{"confirm": "\x00"}, {"confirm": "x" * 5000},
                                  {"confirm": ["on", "off"]}, {"other": "1"}])
def test_strange_approvals_never_fail(client, full, data):
    client.login(username="scot_data_protection", password=TEST_PASSWORD)
    with clock.as_of(LATER):
        response = client.post(reverse("retention"), data)
    assert response.status_code in (200, 302)
    assert response.status_code == 302 or not RetentionApproval.objects.filter(
        status="approved").exists()


def test_the_approval_on_the_page_is_carried_out_by_a_background_job(client, full):
    _close(full)
    client.login(username="scot_data_protection", password=TEST_PASSWORD)
    with clock.as_of(LATER):
        response = client.post(reverse("retention"), {"confirm": "on"})
        job = Job.objects.get(kind="dataprotection.retention")
        assert response.url == reverse("job-detail", args=[job.pk])
        full.person.refresh_from_db()
        assert full.person.given_name == GIVEN  # queued, not done in the request
        job = finished(job)
    assert job.figures["anonymised"] >= 1 and job.started_by.username == "scot_data_protection"
    full.person.refresh_from_db()
    assert full.person.given_name != GIVEN
    assert RetentionApproval.objects.get(pk=job.params["approval_id"]).status == "done"
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "anonymised" in page and reverse("retention") in page
