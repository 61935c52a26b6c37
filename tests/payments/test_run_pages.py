"""The finance officers' payment-run pages: preparing, approving (never by the officer
who prepared), paying, cancelling with a reason, the bank files, the council's bank
details, and who is refused."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from selfdirect.jobs.models import Job
from selfdirect.payments import bacs
from selfdirect.payments.jobs import PAY_RUN
from selfdirect.payments.models import BankFile, Entry, Originator, PaymentRun
from tests.factories import TEST_PASSWORD
from tests.jobs_helpers import finished
from tests.matrix import ACTORS
from tests.payments import matrix_runs
from tests.payments.factories import DAY, payee, quick_schedule
from tests.payments.matrix_runs import paid_run, prepared_run, second_finance

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month),
            f"{prefix}_year": str(day.year)}


@pytest.mark.parametrize("page", sorted(matrix_runs.MATRIX))
def test_permission_matrix_for_run_pages(client, cast, page):
    users, person = cast
    url = matrix_runs.url_for(page, users, person)
    got = {}
    for actor in ACTORS:
        client.logout()
        if actor != "anonymous":
            assert client.login(username=actor, password=TEST_PASSWORD)
        got[actor] = client.get(url).status_code
    assert got == matrix_runs.MATRIX[page]


def test_prepare_approve_and_pay_through_the_pages(client, cast):
    users, person = cast
    finance, second = users["scot_finance_officer"], second_finance(users, person)
    payee(users, person)
    quick_schedule(person, finance, weekly=30000)
    client.force_login(finance)
    response = client.post(reverse("payment-run-new"), {
        **_date("period_start", DAY), **_date("period_end", DAY + datetime.timedelta(days=6)),
        **_date("pay_on", DAY)})
    run = PaymentRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("payment-run",
                                                                           args=[run.pk])
    page = client.get(reverse("payment-run", args=[run.pk])).content.decode()
    assert person.display_name in page and "£1,200.00" in page  # four weeks at £300
    assert reverse("person-detail", args=[person.pk]) in page
    # The officer who prepared it is told why they cannot approve it, with no button.
    assert "you cannot approve it" in page
    assert reverse("payment-run-approve", args=[run.pk]) not in page

    client.force_login(second)
    page = client.get(reverse("payment-run", args=[run.pk])).content.decode()
    assert reverse("payment-run-approve", args=[run.pk]) in page
    client.post(reverse("payment-run-approve", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.APPROVED and run.approved_by == second

    # Paying needs the council's bank details: the page says so and nothing is paid.
    response = client.post(reverse("payment-run-pay", args=[run.pk]))
    assert response.status_code == 400
    assert "bank details" in response.content.decode()
    assert not Entry.objects.exists() and not Job.objects.exists()
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.APPROVED
    client.post(reverse("payment-originator-edit"), {
        "service_user_number": "123456", "name": "City Council SDS", "sort_code": "80-00-01",
        "account_number": "10203040", "account_name": "City Council"})
    page = client.get(reverse("payment-run", args=[run.pk])).content.decode()
    assert "Pay the run" in page and "runs in the background" in page
    # Paying returns at once: the run is marked as being paid and a job is queued, and
    # the officer is sent to the job's page. Nothing is posted until the worker runs it.
    response = client.post(reverse("payment-run-pay", args=[run.pk]))
    job = Job.objects.get(kind=PAY_RUN)
    assert response.status_code == 302
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    assert job.started_by == second and job.authority == run.authority
    assert job.back_url == reverse("payment-run", args=[run.pk])
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.POSTING and not Entry.objects.exists()
    # The run's page links to the job instead of offering to pay again, and pressing pay
    # again (a second tab) queues nothing more.
    page = client.get(reverse("payment-run", args=[run.pk])).content.decode()
    assert "The run is being paid: 0 of 1 payments" in page
    assert reverse("job-detail", args=[job.pk]) in page
    assert reverse("payment-run-pay", args=[run.pk]) not in page
    again = client.post(reverse("payment-run-pay", args=[run.pk]))
    assert again["Location"] == reverse("job-detail", args=[job.pk])
    assert Job.objects.filter(kind=PAY_RUN).count() == 1

    job = finished(job)
    assert job.done == job.total == 1
    assert job.figures == {"payments": 1, "paid": 1, "total_pence": 120000}
    assert job.summary.startswith(f"Run {run.pk} paid: 1 payment, £1,200.00 in all.")
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.POSTED
    assert Entry.objects.get(payment__run=run).lines.count() == 4
    job_page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "£1,200.00" in job_page

    page = client.get(reverse("payment-run", args=[run.pk])).content.decode()
    assert reverse("payment-run-file", args=[run.pk, "std18"]) in page
    assert reverse("payment-run-file", args=[run.pk, "csv"]) in page
    std18 = client.get(reverse("payment-run-file", args=[run.pk, "std18"]))
    assert std18["Content-Type"].startswith("text/plain")
    assert std18["Content-Disposition"].startswith("attachment; filename=")
    assert bacs.validate_standard18(std18.content.decode()) == []
    csv = client.get(reverse("payment-run-file", args=[run.pk, "csv"]))
    assert csv["Content-Type"].startswith("text/csv")
    assert csv["Content-Disposition"].startswith("attachment;")
    assert "1200.00" in csv.content.decode()
    assert client.get(reverse("payment-run-file", args=[run.pk, "pdf"])).status_code == 404
    listing = client.get(reverse("payment-runs")).content.decode()
    assert "£1,200.00" in listing and "Paid" in listing


def test_the_preparer_posting_an_approval_is_refused_with_the_reason(client, cast):
    users, person = cast
    run = prepared_run(users, person)
    client.force_login(users["scot_finance_officer"])
    response = client.post(reverse("payment-run-approve", args=[run.pk]))
    assert response.status_code == 400
    assert "second finance officer" in response.content.decode()
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.PREPARED and run.approved_by is None


def test_a_run_is_cancelled_with_a_reason(client, cast):
    users, person = cast
    run = prepared_run(users, person)
    client.force_login(users["scot_finance_officer"])
    url = reverse("payment-run-cancel", args=[run.pk])
    response = client.post(url, {"cancel_reason": "  "})
    assert response.context["form"].errors["cancel_reason"] == [
        "Enter why is the run being cancelled?"]
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.PREPARED
    client.post(url, {"cancel_reason": "Wrong window: the bank holiday moved"})
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.CANCELLED
    assert run.cancel_reason == "Wrong window: the bank holiday moved"
    assert run.payments.count() == 0
    # The same period goes into a new run.
    again = client.post(reverse("payment-run-new"), {
        **_date("period_start", DAY), **_date("period_end", DAY), **_date("pay_on", DAY)})
    assert again.status_code == 302
    assert PaymentRun.objects.exclude(pk=run.pk).get().payments.count() == 1


def test_validation_messages_name_the_field(client, cast):
    users, person = cast
    client.force_login(users["scot_finance_officer"])
    url = reverse("payment-run-new")
    empty = client.post(url, {})
    errors = empty.context["form"].errors
    assert errors["period_start"] == ["Enter periods starting from"]
    assert errors["pay_on"] == ["Enter date the bank pays"]
    assert "Error: " in empty.content.decode()
    backwards = client.post(url, {**_date("period_start", DAY + datetime.timedelta(days=5)),
                                  **_date("period_end", DAY), **_date("pay_on", DAY)})
    assert "period_end" in backwards.context["form"].errors
    late = client.post(url, {**_date("period_start", DAY), **_date("period_end", DAY),
                             **_date("pay_on", DAY - datetime.timedelta(days=1))})
    assert late.context["form"].errors["pay_on"] == [
        "The pay date has passed: choose today or a later day"]
    assert 'href="#id_pay_on_0"' in late.content.decode()  # the summary links to the field
    assert not PaymentRun.objects.exists()


def test_bank_details_are_checked_field_by_field(client, cast):
    users, person = cast
    client.force_login(users["scot_finance_officer"])
    response = client.post(reverse("payment-originator-edit"), {
        "service_user_number": "12345", "name": "City Council (SDS)", "sort_code": "80-00",
        "account_number": "1020304X", "account_name": "A NAME MUCH TOO LONG FOR BACS"})
    errors = response.context["form"].errors
    assert set(errors) == {"service_user_number", "name", "sort_code", "account_number",
                           "account_name"}
    assert "6 digits" in errors["service_user_number"][0]
    assert "18 characters or fewer" in errors["account_name"][0]
    assert not Originator.objects.exists()
    client.post(reverse("payment-originator-edit"), {
        "service_user_number": "123456", "name": "City Council SDS", "sort_code": "80-00-01",
        "account_number": "10203040", "account_name": "City Council"})
    origin = Originator.objects.get(authority=person.authority)
    assert (origin.name, origin.sort_code) == ("CITY COUNCIL SDS", "800001")
    assert origin.history.get().history_user == users["scot_finance_officer"]
    page = client.get(reverse("payment-originator")).content.decode()
    assert "80-00-01" in page


def test_others_are_refused_and_nothing_changes(client, cast):
    users, person = cast
    run = prepared_run(users, person)
    second_finance(users, person)
    for name, expected in (("eng_finance_officer", 404), ("scot_social_worker", 403),
                           ("scot_team_manager", 403), ("the_person", 403),
                           ("attorney_acting", 403)):
        client.force_login(users[name])
        assert client.post(reverse("payment-run-approve", args=[run.pk])).status_code == expected
        assert client.post(reverse("payment-run-cancel", args=[run.pk]),
                           {"cancel_reason": "No"}).status_code == expected
        changed = client.post(reverse("payment-originator-edit"), {
            "service_user_number": "999999", "name": "X", "sort_code": "000000",
            "account_number": "00000000", "account_name": "X"})
        assert changed.status_code == (302 if name == "eng_finance_officer" else 403)
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.PREPARED
    # Manchester's officer set Manchester's details, never Edinburgh's.
    assert Originator.objects.get(service_user_number="999999").authority.code == "E08000003"
    assert Originator.objects.get(authority=person.authority).service_user_number == "123456"


def test_a_paid_run_cannot_be_cancelled_and_its_files_download(client, cast):
    users, person = cast
    run = paid_run(users, person)
    client.force_login(users["scot_finance_officer"])
    response = client.post(reverse("payment-run-cancel", args=[run.pk]),
                           {"cancel_reason": "Too late"})
    assert "cannot be cancelled" in response.content.decode()
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.POSTED
    assert set(run.bank_files.values_list("format", flat=True)) == set(BankFile.Format.values)


def test_the_run_page_reads_a_fixed_number_of_queries(client, cast,
                                                      django_assert_max_num_queries):
    users, person = cast
    run = prepared_run(users, person)
    client.force_login(users["scot_finance_officer"])
    client.get(reverse("payment-run", args=[run.pk]))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("payment-run", args=[run.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("payment-runs")).status_code == 200
