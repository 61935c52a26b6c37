"""Light-touch monitoring: a statement CSV in either common shape is checked row by row
before anything is saved, payments are matched to the plan, and only anomalies are
flagged (a balance above the surplus threshold, a payee nobody expected). A person who
keeps receipts sends a simple return with the same threshold check."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from selfdirect.payments import monitoring
from selfdirect.payments.models import ReceiptsReturn, Statement, StatementLine
from tests.factories import TEST_PASSWORD
from tests.matrix import ACTORS
from tests.payments import matrix_monitoring
from tests.payments.factories import DAY
from tests.payments.matrix_monitoring import PA_NAME, direct_payment_person, statement_text

WEEK = datetime.timedelta(days=7)
# £300 a week and the default threshold of 8 weeks: £2,400.
THRESHOLD = 240000


@pytest.fixture
def dp(cast):
    users, person = cast
    plan = direct_payment_person(users, person)
    return users, person, plan


def _import(users, person, text, actor="scot_finance_officer"):
    return monitoring.statement_import(actor=users[actor], person=person, file_text=text,
                                       file_name="statement.csv")


def test_payments_are_matched_to_the_plan_and_only_an_unexpected_payee_is_flagged(dp):
    users, person, plan = dp
    text = statement_text() + f"{DAY:%d/%m/%Y},AMAZON MARKETPLACE,-35.99,849.01\n"
    statement = _import(users, person, text)
    lines = {line.payee: line for line in statement.lines.all()}
    pa_line = plan.lines.get(option="1")
    assert lines["FPO MOIRA STEWART WAGES"].matched_line == pa_line
    assert not lines["SIMPLY PAYROLL LTD"].unexpected
    assert not lines["HMRC PAYE"].unexpected
    assert not lines["CITY OF EDINBURGH COUNCIL DP"].unexpected
    assert lines["AMAZON MARKETPLACE"].unexpected
    assert lines["AMAZON MARKETPLACE"].amount == -3599
    assert statement.closing_balance == 84901
    assert [f["kind"] for f in statement.flags] == [monitoring.FLAG_PAYEE]
    assert "£35.99" in statement.flags[0]["text"]
    assert "AMAZON MARKETPLACE" in statement.flags[0]["text"]


def test_the_councils_payment_is_recognised_not_flagged(dp):
    users, person, _plan = dp
    statement = _import(users, person, statement_text())
    assert statement.flags == []
    rows = {row["line"].payee: row["what"] for row in monitoring.statement_lines(statement)}
    # The run paid four weeks of £300 on DAY: £1,200.00 in on the statement is recognised.
    assert rows["CITY OF EDINBURGH COUNCIL DP"] == "Direct payment from the council"
    assert rows["FPO MOIRA STEWART WAGES"] == "Paid for: Support 1"


def test_paid_in_and_paid_out_columns_newest_first_with_a_balance_above_the_threshold(dp):
    users, person, _plan = dp
    later, earlier = DAY, DAY - 3 * WEEK
    text = ("Transaction Date,Payee,Paid in,Paid out,Balance\n"
            f"{later:%Y-%m-%d},M Stewart,,480.00,\"2,520.00\"\n"
            f"{earlier:%Y-%m-%d},Edinburgh Council,\"3,000.00\",,\"3,000.00\"\n")
    statement = _import(users, person, text)
    assert (statement.period_start, statement.period_end) == (earlier, later)
    assert statement.closing_balance == 252000
    assert [f["kind"] for f in statement.flags] == [monitoring.FLAG_BALANCE]
    assert statement.flags[0]["threshold"] == THRESHOLD
    assert "8 weeks" in statement.flags[0]["text"]
    stewart = statement.lines.get(payee="M Stewart")
    assert stewart.amount == -48000 and not stewart.unexpected  # initial and family name


def test_a_balance_at_the_threshold_is_not_flagged(dp):
    users, person, _plan = dp
    text = f"Date,Description,Amount,Balance\n{DAY:%d/%m/%Y},Council,2400.00,2400.00\n"
    assert _import(users, person, text).flags == []
    text = f"Date,Description,Amount,Balance\n{DAY:%d/%m/%Y},Council,0.01,2400.01\n"
    assert [f["kind"] for f in _import(users, person, text).flags] == [monitoring.FLAG_BALANCE]


def test_without_a_balance_column_the_closing_balance_follows_on_from_the_last_statement(dp):
    users, person, _plan = dp
    first = (f"Date,Description,Amount\n{DAY - 2 * WEEK:%d/%m/%Y},Council,1200.00\n"
             f"{DAY - 2 * WEEK:%d/%m/%Y},Moira Stewart,-200.00\n")
    assert _import(users, person, first).closing_balance == 100000
    second = f"Date,Description,Amount\n{DAY:%d/%m/%Y},Moira Stewart,-300.50\n"
    assert _import(users, person, second).closing_balance == 69950


def test_every_problem_is_named_by_row_and_column_and_nothing_is_saved(dp):
    users, person, _plan = dp
    text = ("Date,Description,Amount,Balance\n"
            f"{DAY:%d/%m/%Y},Council,1200.00,1200.00\n"
            "31/02/2026,Moira Stewart,-20.00,\n"
            f"{DAY:%d/%m/%Y},,-1.234,\n"
            f"{DAY:%d/%m/%Y},Shop,-10.00,lots\n")
    with pytest.raises(ValidationError) as caught:
        _import(users, person, text)
    problems = caught.value.message_dict["file"]
    assert problems == [
        "Row 3, Date: “31/02/2026” is not a date, like 25/11/2026",
        "Row 4, Description: enter who was paid or who paid in",
        "Row 4, Amount: “-1.234” is not an amount in pounds and pence, like -12.60",
        "Row 5, Balance: “lots” is not an amount in pounds and pence, like 1,250.00",
    ]
    assert Statement.objects.count() == 0
    assert StatementLine.objects.count() == 0


@pytest.mark.parametrize(("text", "message"), [
    ("", "The file is empty: choose the CSV of the statement"),
    ("Date,Amount\n01/11/2026,1.00\n",
     "The first row must name the columns. Missing: Description (or Payee)"),
    ("Date,Description,Paid in\n01/11/2026,x,1.00\n",
     "The first row must name the columns. Missing: Amount (or both Paid in and Paid out)"),
    ("Date,Description,Amount\n", "The file has headings but no transactions"),
    ("Date,Description,Paid in,Paid out\n01/11/2026,x,1.00,2.00\n",
     "Row 2, Paid in and Paid out: give one or the other, not both"),
    ("Date,Description,Paid in,Paid out\n01/11/2026,x,,\n",
     "Row 2, Paid in and Paid out: enter the amount in one of them"),
])
def test_the_shape_of_the_file_is_explained(dp, text, message):
    users, person, _plan = dp
    with pytest.raises(ValidationError) as caught:
        _import(users, person, text)
    assert message in caught.value.message_dict["file"]


def test_a_payee_accepted_before_is_known_but_a_flagged_one_stays_flagged(dp):
    users, person, _plan = dp
    StatementLine.objects.create(
        statement=_import(users, person, f"Date,Description,Amount\n{DAY - 4 * WEEK:%d/%m/%Y},Council,10.00\n"),
        day=DAY - 4 * WEEK, payee="Handyvan Taxis", amount=-1500)
    _import(users, person, f"Date,Description,Amount\n{DAY - 2 * WEEK:%d/%m/%Y},Corner Pub,-20.00\n")
    again = _import(users, person, "Date,Description,Amount\n"
                                   f"{DAY:%d/%m/%Y},HANDYVAN TAXIS,-15.00\n"
                                   f"{DAY:%d/%m/%Y},Corner Pub,-20.00\n")
    assert [f["payee"] for f in again.flags] == ["Corner Pub"]


def test_only_finance_and_the_worker_import_statements(dp):
    users, person, _plan = dp
    for name in ("scot_social_worker", "scot_team_manager"):
        _import(users, person, statement_text(), actor=name)
    for name in ("the_person", "attorney_acting", "scot_other_social_worker",
                 "eng_finance_officer"):
        with pytest.raises(PermissionDenied):
            _import(users, person, statement_text(), actor=name)


def test_a_simple_return_is_checked_against_the_threshold(dp):
    users, person, _plan = dp
    ok = monitoring.receipts_return_send(actor=users["the_person"], person=person,
                                         period_start=DAY - 4 * WEEK, period_end=DAY,
                                         spent=95000, balance=THRESHOLD, note="")
    assert monitoring.return_flags(ok) == []
    high = monitoring.receipts_return_send(
        actor=users["attorney_acting"], person=person, period_start=DAY - 4 * WEEK,
        period_end=DAY, spent=10000, balance=THRESHOLD + 1,
        note="Saving for a wheelchair-accessible holiday")
    assert [f["kind"] for f in monitoring.return_flags(high)] == [monitoring.FLAG_BALANCE]
    flagged = monitoring.flagged_for_authority(authority=person.authority)
    assert [(f.kind, f.receipts_return) for f in flagged] == [("return", high)]


def test_a_simple_return_names_each_mistake(dp):
    users, person, _plan = dp
    with pytest.raises(ValidationError) as caught:
        monitoring.receipts_return_send(actor=users["the_person"], person=person,
                                        period_start=DAY, period_end=DAY - WEEK, spent=-1,
                                        balance=None, note="")
    assert set(caught.value.message_dict) == {"period_end", "spent", "balance"}
    with pytest.raises(PermissionDenied):
        monitoring.receipts_return_send(actor=users["carer_viewing"], person=person,
                                        period_start=DAY - WEEK, period_end=DAY, spent=0,
                                        balance=0)
    assert ReceiptsReturn.objects.count() == 0


def test_the_flagged_list_is_for_the_authority_and_a_worker_sees_their_own(
        dp, world, django_assert_max_num_queries):
    users, person, _plan = dp
    _import(users, person, statement_text() + f"{DAY:%d/%m/%Y},Corner Pub,-20.00,865.00\n")
    _import(users, person, statement_text())  # nothing flagged: not listed
    with django_assert_max_num_queries(6):
        flagged = monitoring.flagged_for_authority(authority=person.authority)
    assert [f.kind for f in flagged] == ["statement"]
    mine = monitoring.flagged_for_authority(authority=person.authority,
                                            user=users["scot_other_social_worker"])
    assert mine == []
    assert [f.person for f in monitoring.flagged_for_authority(
        authority=person.authority, user=users["scot_social_worker"])] == [person]
    assert monitoring.flagged_for_authority(authority=world.eng) == []


def test_the_monitoring_history_reads_in_a_fixed_number_of_queries(dp, django_assert_num_queries):
    users, person, _plan = dp
    for _ in range(3):
        _import(users, person, statement_text())
        monitoring.receipts_return_send(actor=users["the_person"], person=person,
                                        period_start=DAY - WEEK, period_end=DAY, spent=0,
                                        balance=100)
    with django_assert_num_queries(7):
        history = monitoring.monitoring_history(person=person)
        assert len(history.statements) == 3 and len(history.returns) == 3
        assert all(len(s.lines.all()) == 4 for s in history.statements)


# --- Pages ------------------------------------------------------------------------------------


def test_a_statement_is_uploaded_and_problems_are_listed_on_the_page(client, dp):
    users, person, _plan = dp
    client.login(username="scot_finance_officer", password=TEST_PASSWORD)
    url = reverse("payments-statement-import", args=[person.pk])
    page = client.get(url)
    assert b'type="file"' in page.content and b"govuk-file-upload" in page.content
    bad = SimpleUploadedFile("bad.csv", b"Date,Description,Amount\nsoon,Shop,-1.00\n",
                             content_type="text/csv")
    response = client.post(url, {"file": bad})
    assert response.status_code == 200
    assert "Row 2, Date: “soon” is not a date, like 25/11/2026" in response.content.decode()
    assert b"There is a problem" in response.content
    good = SimpleUploadedFile("nov.csv", (statement_text() + f"{DAY:%d/%m/%Y},"
                                          "<script>x</script>,-5.00,880.00\n").encode(),
                              content_type="text/csv")
    response = client.post(url, {"file": good}, follow=True)
    text = response.content.decode()
    assert "1 thing to look at" in text
    assert "&lt;script&gt;x&lt;/script&gt;" in text and "<script>x</script>" not in text
    statement = Statement.objects.get()
    assert response.redirect_chain[-1][0] == reverse("payments-statement-detail",
                                                      args=[statement.pk])


def test_the_person_sends_a_simple_return_on_their_page(client, dp):
    users, person, _plan = dp
    client.login(username="the_person", password=TEST_PASSWORD)
    url = reverse("payments-return-send", args=[person.pk])
    start, end = DAY - 4 * WEEK, DAY
    response = client.post(url, {
        "period_start_day": start.day, "period_start_month": start.month,
        "period_start_year": start.year, "period_end_day": end.day,
        "period_end_month": end.month, "period_end_year": end.year,
        "spent": "1,150.00", "balance": "3000", "note": "Saving for a holiday"}, follow=True)
    assert "The return has been sent" in response.content.decode()
    item = ReceiptsReturn.objects.get()
    assert (item.spent, item.balance, item.recorded_by) == (115000, 300000, users["the_person"])
    client.login(username="scot_social_worker", password=TEST_PASSWORD)
    flagged = client.get(reverse("payments-monitoring-flagged")).content.decode()
    assert person.display_name in flagged and "£3,000.00" in flagged
    page = client.get(reverse("person-payments-monitoring", args=[person.pk])).content.decode()
    assert "Saving for a holiday" in page and PA_NAME not in page


def test_return_mistakes_show_in_the_error_summary(client, dp):
    users, person, _plan = dp
    client.login(username="the_person", password=TEST_PASSWORD)
    response = client.post(reverse("payments-return-send", args=[person.pk]),
                           {"spent": "ten pounds", "balance": ""})
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Enter amount spent in that time in pounds and pence, like 12.60" in text
    assert ReceiptsReturn.objects.count() == 0


@pytest.mark.parametrize("page", sorted(matrix_monitoring.MATRIX))
def test_monitoring_and_recovery_pages_permission_matrix(client, cast, page):
    users, person = cast
    url = matrix_monitoring.url_for(page, users, person)
    got = {}
    for actor in ACTORS:
        client.logout()
        if actor != "anonymous":
            assert client.login(username=actor, password=TEST_PASSWORD)
        got[actor] = client.get(url).status_code
    assert got == matrix_monitoring.MATRIX[page]
