"""Scenario 8. Flexible spending with reasons.

Hamish asks to spend £500 of unspent direct payment on a weekend of respite. The request
is decided against the authority's spending rules (anything that serves an agreed outcome
within the budget is allowed unless the authority's exclusion list names it); the
decision and its reason are in writing and can be challenged. Nobody can take money back
from his account without a recorded decision, notice, and the right to appeal.

Hamish's plan pays him £300 a week by direct payment for a PA; the first four weeks are
paid. He asks to spend £500 of it on a weekend of respite; his worker approves it
against the rules in force that day, in writing, with a link to challenge the decision.
Then finance tries to take money back from his account: refused without a decision.
After a proposal, a notice, Hamish's answer and a decision by a team manager, the entry
exists, the ledger balances and the history shows every step.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.payments import ledger, monitoring, recovery
from selfdirect.payments.models import AccountKind, Entry, EntryKind, Recovery
from selfdirect.spending import services as spending
from selfdirect.spending.models import SpendingRequest
from tests.factories import TEST_PASSWORD
from tests.payments.factories import DAY
from tests.payments.matrix_monitoring import direct_payment_person, statement_text

pytestmark = pytest.mark.django_db

PAID = 120000  # four weeks of £300


def test_hamish_spends_flexibly_and_nothing_is_taken_without_due_process(client, cast):
    users, hamish = cast
    hamish.given_name = "Hamish"
    hamish.save()
    worker, manager = users["scot_social_worker"], users["scot_team_manager"]
    finance = users["scot_finance_officer"]
    direct_payment_person(users, hamish)
    outcome = PersonalOutcome.objects.get(person=hamish, state=PersonalOutcome.State.AGREED)

    # Hamish asks to spend £500 of his unspent direct payment on a weekend of respite.
    request = spending.spending_request_make(
        actor=users["the_person"], person=hamish,
        description="A weekend of respite at a cottage in Pitlochry", amount=50000,
        outcome=outcome, wanted_on=DAY)
    # It is checked against the rules in force that day: no exclusion names it.
    check = spending.spending_request_check(request)
    assert check.exclusion is None and check.outcome_agreed
    request = spending.spending_request_decide(
        actor=worker, request=request, decision=SpendingRequest.Status.APPROVED,
        reason="A short break serves Hamish's outcome of staying well at home, within his "
               "budget, and nothing on the exclusion list names it.")
    assert request.approved_amount == 50000
    # The decision and its reason are in writing, with how to challenge it.
    client.login(username="the_person", password=TEST_PASSWORD)
    page = client.get(reverse("spending-request-detail", args=[request.pk])).content.decode()
    assert "staying well at home" in page
    assert reverse("spending-challenge", args=[hamish.authority.code]) in page
    assert client.get(reverse("spending-challenge",
                              args=[hamish.authority.code])).status_code == 200

    # His statement shows the council's payment and his PA paid: nothing to look at.
    statement = monitoring.statement_import(actor=finance, person=hamish,
                                            file_text=statement_text())
    assert statement.flags == []

    # Finance proposes taking money back, and tries to post it at once: refused.
    item = recovery.recovery_propose(actor=finance, person=hamish, amount=60000,
                                     reason="£600 has built up unspent in the account")
    with pytest.raises(ValidationError, match="without a decision to recover"):
        recovery.recovery_post(actor=finance, recovery=item)
    assert not Entry.objects.filter(kind=EntryKind.RECOVERY).exists()

    # The notice tells Hamish the amount, the reason, how and by when to answer, and his
    # right to challenge.
    item = recovery.recovery_notice_send(actor=finance, recovery=item, sent_on=DAY,
                                         how="By post, and read to him on a visit")
    notice = " ".join(recovery.notice_text(item))
    assert "£600.00" in notice and "built up unspent" in notice
    assert f"{item.respond_by:%-d %B %Y}" in notice
    assert reverse("spending-challenge", args=[hamish.authority.code]) in notice
    with pytest.raises(ValidationError, match="Wait for the person's answer"):
        recovery.recovery_decide(actor=manager, recovery=item,
                                 decision=Recovery.Decision.RECOVER, amount=None,
                                 reason="Too early")

    # Hamish answers: the money is set aside.
    item = recovery.recovery_respond(
        actor=users["the_person"], recovery=item,
        response="£500 is set aside for the respite weekend that was approved")
    with pytest.raises(ValidationError, match="Someone other than"):
        recovery.recovery_decide(actor=finance, recovery=item,
                                 decision=Recovery.Decision.RECOVER, amount=None, reason="Mine")
    with pytest.raises(ValidationError, match="without a decision to recover"):
        recovery.recovery_post(actor=finance, recovery=item)

    # A team manager decides, with reasons: only what is not set aside comes back.
    item = recovery.recovery_decide(
        actor=manager, recovery=item, decision=Recovery.Decision.RECOVER_PART, amount=10000,
        reason="£500 is for the approved respite weekend; £100 is not needed")
    letter = " ".join(recovery.decision_letter(item))
    assert "£100.00 of the £600.00" in letter
    assert reverse("spending-challenge", args=[hamish.authority.code]) in letter
    entry = recovery.recovery_post(actor=finance, recovery=item)
    assert entry.recovery == item

    # The ledger balances, and Hamish's account holds what he was paid less £100.
    assert ledger.ledger_problems() == []
    held = ledger.person_balances(authority_id=hamish.authority_id, person_ids=[hamish.pk])
    assert held[(hamish.pk, AccountKind.DIRECT_PAYMENT)] == PAID - 10000
    # The history shows each step and who took it.
    assert [(s.what, s.who) for s in recovery.recovery_history(item)] == [
        ("Recovery proposed", finance.get_full_name() or finance.username),
        ("Notice sent By post, and read to him on a visit",
         finance.get_full_name() or finance.username),
        ("Response recorded", users["the_person"].get_full_name() or "the_person"),
        ("Decided: Recover part of it", manager.get_full_name() or manager.username),
        ("Posted to the ledger: £100.00", finance.get_full_name() or finance.username),
    ]
    page = client.get(reverse("payments-recovery-detail", args=[item.pk])).content.decode()
    assert "We have decided to take back £100.00 of the £600.00" in page
    assert "Decided: Recover part of it" in page
