"""The payments pages (issue 7) in Chromium, each as someone who uses it: axe-core finds no
serious or critical problem (``visit``, ``navigated``), the page's main action is reached
by Tab with GOV.UK's focus showing, and the page reflows at 320px without the whole page
scrolling sideways. Each page is a subtest: one failing page does not hide the others.

The data is made through the services: an agreed plan whose Option 1 line is paid by
direct payment, a real run, a one-off sum, a switch to council cover, a run prepared by one
finance officer (with someone left out for want of an account) for a second to approve, a
statement, a simple return and a recovery taken from its proposal to its decision. The delivered-hours page is covered by
test_scenario_07_hours.py.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from selfdirect.payments import monitoring, recovery, schedules, switches
from selfdirect.payments.models import Recovery
from tests.browser.test_new_pages_accessibility import (
    Wanted,
    action,
    as_user,
    check_error_state,
    check_page,
)
from tests.factories import PersonFactory
from tests.payments.factories import DAY, quick_schedule
from tests.payments.matrix_monitoring import direct_payment_person, statement_text
from tests.payments.matrix_runs import prepared_run, second_finance

WEEK = datetime.timedelta(days=7)


# --- A person's direct payments and the temporary switch ---------------------------------


def test_person_payment_pages(page, live_server, cast, subtests):
    users, person = cast
    plan = direct_payment_person(users, person)
    schedule = person.payment_schedules.get()
    schedules.one_off_add(actor=users["scot_finance_officer"], schedule=schedule, amount=50000,
                          due_on=DAY + WEEK, description="Start-up costs: payroll set-up")
    switch = switches.switch_start(actor=users["scot_social_worker"], line=plan.lines.get(),
                                   starts_on=DAY + WEEK, reason="The PA left",
                                   cover="Council home care, mornings")
    payments = reverse("person-payments", args=[person.pk])

    as_user(page, live_server, users["the_person"])
    check_page(page, subtests, "person-payments (the person)", payments,
               action("Hours of support delivered"), shows="Your direct payments")

    as_user(page, live_server, users["scot_finance_officer"])
    check_page(page, subtests, "person-payments (finance)", payments,
               action("Record a new account"), shows="Start-up costs: payroll set-up")
    account = reverse("person-payee-account", args=[person.pk])
    check_page(page, subtests, "person-payee-account", account, action("Record the account"),
               limit=120)
    check_error_state(page, subtests, "person-payee-account", account, "Record the account")
    one_off = reverse("person-one-off-add", args=[person.pk, schedule.pk])
    check_page(page, subtests, "person-one-off-add", one_off, action("Add the sum"), limit=120)
    check_error_state(page, subtests, "person-one-off-add", one_off, "Add the sum")
    check_page(page, subtests, "person-schedule-start",
               reverse("person-schedule-start", args=[person.pk, schedule.pk]),
               action("Move the start"), limit=120)

    as_user(page, live_server, users["scot_social_worker"])
    check_page(page, subtests, "person-payments (the worker)", payments,
               action("Switch back", prefix=True), shows="Council home care, mornings")
    start = reverse("switch-start", args=[person.pk])
    check_page(page, subtests, "switch-start", start, action("Switch to council cover"),
               limit=120)
    check_error_state(page, subtests, "switch-start", start, "Switch to council cover")
    check_page(page, subtests, "switch-end",
               reverse("switch-end", args=[person.pk, switch.pk]), action("Switch back"),
               limit=120)


# --- Payment runs and the council's bank details ------------------------------------------


def test_payment_run_pages(page, live_server, cast, subtests):
    users, person = cast
    # Someone whose account is not recorded yet: the run lists them as not paid.
    unpaid = PersonFactory(authority=person.authority, team=person.team)
    quick_schedule(unpaid, users["scot_finance_officer"], weekly=20000)
    run = prepared_run(users, person)
    assert run.problems
    approver = second_finance(users, person)

    as_user(page, live_server, users["scot_finance_officer"])
    check_page(page, subtests, "payment-runs", reverse("payment-runs"),
               action("Prepare a run"))
    check_page(page, subtests, "payment-run-new", reverse("payment-run-new"),
               action("Prepare the run"), limit=120)
    check_page(page, subtests, "payment-run-cancel",
               reverse("payment-run-cancel", args=[run.pk]), action("Cancel the run"),
               limit=120)
    check_page(page, subtests, "payment-originator", reverse("payment-originator"),
               action("Change the bank details"))
    check_page(page, subtests, "payment-originator-edit", reverse("payment-originator-edit"),
               action("Save the bank details"), limit=120)

    as_user(page, live_server, approver)
    check_page(page, subtests, "payment-run (a prepared run, a second officer)",
               reverse("payment-run", args=[run.pk]), action("Approve the run"), limit=120,
               shows=unpaid.display_name)


# --- Monitoring and reconciliation --------------------------------------------------------


def test_monitoring_pages(page, live_server, cast, subtests):
    users, person = cast
    direct_payment_person(users, person)
    statement = monitoring.statement_import(actor=users["scot_finance_officer"], person=person,
                                            file_text=statement_text(),
                                            file_name="statement.csv")
    monitoring.receipts_return_send(actor=users["the_person"], person=person,
                                    period_start=DAY - 4 * WEEK, period_end=DAY - WEEK,
                                    spent=40000, balance=90000, note="Saving for a holiday")

    as_user(page, live_server, users["scot_finance_officer"])
    check_page(page, subtests, "payments-monitoring-flagged",
               reverse("payments-monitoring-flagged"), action(person.display_name),
               shows=person.display_name)
    check_page(page, subtests, "person-payments-monitoring (finance)",
               reverse("person-payments-monitoring", args=[person.pk]),
               action("Import a statement"), shows="Saving for a holiday")
    upload = reverse("payments-statement-import", args=[person.pk])
    check_page(page, subtests, "payments-statement-import", upload,
               action("Import the statement"), limit=120)
    check_error_state(page, subtests, "payments-statement-import", upload,
                      "Import the statement")
    check_page(page, subtests, "payments-statement-detail",
               reverse("payments-statement-detail", args=[statement.pk]),
               action("Back to direct-payment monitoring"), shows="SIMPLY PAYROLL LTD")
    check_page(page, subtests, "payments-reconciliation", reverse("payments-reconciliation"),
               action("Show the report"), limit=120, shows="By funding stream")

    as_user(page, live_server, users["the_person"])
    send = reverse("payments-return-send", args=[person.pk])
    check_page(page, subtests, "payments-return-send (the person)", send,
               action("Send the return"), limit=120)
    check_error_state(page, subtests, "payments-return-send (the person)", send,
                      "Send the return")


# --- Recovering unspent money -------------------------------------------------------------


def test_recovery_pages(page, live_server, cast, subtests):
    users, person = cast
    direct_payment_person(users, person)
    worker, manager = users["scot_social_worker"], users["scot_team_manager"]

    as_user(page, live_server, worker)
    check_page(page, subtests, "payments-recovery-list (the worker, none yet)",
               reverse("payments-recovery-list", args=[person.pk]),
               action("Propose a recovery"), shows="No recoveries.")
    propose = reverse("payments-recovery-propose", args=[person.pk])
    check_page(page, subtests, "payments-recovery-propose", propose,
               action("Propose the recovery"), limit=120)
    check_error_state(page, subtests, "payments-recovery-propose", propose,
                      "Propose the recovery")

    item = recovery.recovery_propose(actor=worker, person=person, amount=10000,
                                     reason="More than eight weeks unspent")
    detail = reverse("payments-recovery-detail", args=[item.pk])
    check_page(page, subtests, "payments-recovery-detail (proposed, the worker)", detail,
               action("Send the notice"), shows="More than eight weeks unspent")
    check_page(page, subtests, "payments-recovery-notice",
               reverse("payments-recovery-notice", args=[item.pk]),
               action("Record the notice as sent"), limit=120)

    recovery.recovery_notice_send(actor=worker, recovery=item, sent_on=DAY, how="By post")
    as_user(page, live_server, users["the_person"])
    check_page(page, subtests, "payments-recovery-list (the person)",
               reverse("payments-recovery-list", args=[person.pk]),
               _recovery_link(item),
               shows="Money the council proposes to take back")
    check_page(page, subtests, "payments-recovery-detail (notice sent, the person)", detail,
               action("Answer the notice"))
    respond = reverse("payments-recovery-respond", args=[item.pk])
    check_page(page, subtests, "payments-recovery-respond (the person)", respond,
               action("Send the answer"), limit=120)
    check_error_state(page, subtests, "payments-recovery-respond (the person)", respond,
                      "Send the answer")

    recovery.recovery_respond(actor=users["the_person"], recovery=item,
                              response="Set aside for a wheelchair-accessible holiday")
    as_user(page, live_server, worker)
    check_page(page, subtests, "payments-recovery-withdraw (the worker)",
               reverse("payments-recovery-withdraw", args=[item.pk]),
               action("Withdraw the recovery"), limit=120)
    as_user(page, live_server, manager)
    check_page(page, subtests, "payments-recovery-detail (answered, a team manager)", detail,
               action("Decide"), shows="Set aside for a wheelchair-accessible holiday")
    decide = reverse("payments-recovery-decide", args=[item.pk])
    check_page(page, subtests, "payments-recovery-decide (a team manager)", decide,
               action("Record the decision"), limit=120)
    check_error_state(page, subtests, "payments-recovery-decide (a team manager)", decide,
                      "Record the decision")

    recovery.recovery_decide(actor=manager, recovery=item,
                             decision=Recovery.Decision.DO_NOT_RECOVER, amount=None,
                             reason="The holiday is a good use of it")
    as_user(page, live_server, users["the_person"])
    check_page(page, subtests, "payments-recovery-detail (decided, the person)", detail,
               action("How to challenge a decision"), shows="The holiday is a good use of it")
    with subtests.test(msg="the notice and the letter link to how to challenge"):
        address = f"{live_server.url}{recovery.challenge_path(item)}"
        letter = page.locator("p", has_text="How to challenge this decision:")
        assert letter.inner_text() == f"If you disagree, you can ask for the decision to be " \
            f"reviewed, and then complain. How to challenge this decision: {address}"
        assert letter.get_by_role("link", name=address).count() == 1
        notice = page.locator("p", has_text="complain if you are still unhappy:")
        assert notice.inner_text().endswith(f"unhappy: {address}")
        assert notice.get_by_role("link", name=address).count() == 1
        # Every link on the page has GOV.UK's link style, and so its focus style.
        assert page.locator("main a:not(.govuk-link):not(.govuk-button)").count() == 0


def _recovery_link(item: Recovery) -> Wanted:
    """The link to the recovery's page (its words are its date and amount)."""
    def wanted(state: dict[str, Any]) -> bool:
        return state["tag"] == "a" and state.get("href") == reverse(
            "payments-recovery-detail", args=[item.pk])
    return wanted
