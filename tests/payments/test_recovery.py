"""Surplus recovery with due process: a proposal, a notice with the amount and reason, the
person's answer (or the time to answer passing), a decision with reasons by someone else,
and only then a ledger entry. No path creates a recovery entry without that decision."""

from __future__ import annotations

import ast
import datetime
import pathlib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from selfdirect.allocation.models import FundingStream
from selfdirect.payments import ledger, recovery
from selfdirect.payments.models import AccountKind, Entry, EntryKind, Recovery
from tests.factories import TEST_PASSWORD
from tests.payments.factories import DAY
from tests.payments.matrix_monitoring import direct_payment_person

PAID = 120000  # four weeks of £300, paid by the run in ``direct_payment_person``
SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "selfdirect"


@pytest.fixture
def dp(cast):
    users, person = cast
    direct_payment_person(users, person)
    return users, person


def _balances(person):
    held = ledger.person_balances(authority_id=person.authority_id, person_ids=[person.pk])
    return held.get((person.pk, AccountKind.DIRECT_PAYMENT), 0), held.get(
        (person.pk, AccountKind.BUDGET), 0)


def _propose(users, person, amount=50000, actor="scot_social_worker"):
    return recovery.recovery_propose(actor=users[actor], person=person, amount=amount,
                                     reason="£500 more than eight weeks of payments unspent")


def _noticed(users, person, amount=50000, sent_on=DAY):
    item = _propose(users, person, amount)
    if sent_on < DAY:  # a notice sent earlier: the proposal came before it
        Recovery.objects.filter(pk=item.pk).update(
            proposed_at=datetime.datetime.combine(sent_on, datetime.time(9), tzinfo=datetime.UTC))
        item.refresh_from_db()
    return recovery.recovery_notice_send(actor=users["scot_social_worker"], recovery=item,
                                         sent_on=sent_on, how="By post and email")


def _refused(call, field):
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    return caught.value.message_dict[field][0]


def test_the_amount_is_at_most_what_the_ledger_holds_less_recoveries_under_way(dp):
    users, person = dp
    assert recovery.dp_balance(person) == PAID
    message = _refused(lambda: _propose(users, person, PAID + 1), "amount")
    assert "£1,200.00" in message
    _propose(users, person, 100000)
    assert "£200.00" in _refused(lambda: _propose(users, person, 20001), "amount")
    _refused(lambda: recovery.recovery_propose(actor=users["scot_finance_officer"],
                                               person=person, amount=100, reason=" "), "reason")
    with pytest.raises(PermissionDenied):
        _propose(users, person, 100, actor="the_person")


def test_the_notice_gives_the_amount_reason_response_date_and_right_to_challenge(dp):
    users, person = dp
    item = _noticed(users, person)
    assert item.status == Recovery.Status.NOTICE_SENT
    assert item.respond_by == DAY + datetime.timedelta(days=28)  # policy default
    text = " ".join(recovery.notice_text(item))
    assert "£500.00" in text
    assert "£500 more than eight weeks of payments unspent" in text
    assert f"by {item.respond_by:%-d %B %Y}" in text
    assert "ask us to phone you" in text and "You do not have to write" in text
    assert reverse("spending-challenge", args=[person.authority.code]) in text
    _refused(lambda: recovery.recovery_notice_send(actor=users["scot_social_worker"],
                                                   recovery=item, sent_on=DAY, how="Post"),
             "sent_on")


def test_a_notice_cannot_be_dated_in_the_future_or_sent_without_saying_how(dp):
    users, person = dp
    item = _propose(users, person)
    _refused(lambda: recovery.recovery_notice_send(
        actor=users["scot_social_worker"], recovery=item,
        sent_on=DAY + datetime.timedelta(days=1), how="Post"), "sent_on")
    _refused(lambda: recovery.recovery_notice_send(
        actor=users["scot_social_worker"], recovery=item, sent_on=DAY, how=""), "how")


def test_no_decision_before_the_notice_and_an_answer_or_the_time_to_answer(dp):
    users, person = dp
    item = _propose(users, person)
    def decide(actor="scot_team_manager"):
        return recovery.recovery_decide(
            actor=users[actor], recovery=item, decision=Recovery.Decision.RECOVER, amount=None,
            reason="Not set aside for anything")

    assert "notice has not been sent" in _refused(decide, "decision")
    recovery.recovery_notice_send(actor=users["scot_social_worker"], recovery=item,
                                  sent_on=DAY, how="By post")
    assert "Wait for the person's answer" in _refused(decide, "decision")
    recovery.recovery_respond(actor=users["the_person"], recovery=item,
                              response="Set aside for a wheelchair-accessible holiday")
    # The proposer never decides, whatever their role.
    proposed_by_manager = _propose(users, person, 1000, actor="scot_team_manager")
    recovery.recovery_notice_send(actor=users["scot_team_manager"],
                                  recovery=proposed_by_manager, sent_on=DAY, how="Post")
    recovery.recovery_respond(actor=users["attorney_acting"], recovery=proposed_by_manager,
                              response="No")
    assert "Someone other than" in _refused(lambda: recovery.recovery_decide(
        actor=users["scot_team_manager"], recovery=proposed_by_manager,
        decision=Recovery.Decision.RECOVER, amount=None, reason="x"), "decision")
    with pytest.raises(PermissionDenied):
        decide("scot_social_worker")
    _refused(lambda: recovery.recovery_decide(actor=users["scot_team_manager"], recovery=item,
                                              decision=Recovery.Decision.RECOVER, amount=None,
                                              reason=""), "reason")
    decided = decide()
    assert (decided.status, decided.decided_amount) == (Recovery.Status.DECIDED, 50000)


def test_when_the_time_to_answer_has_passed_a_decision_may_be_made_without_an_answer(dp):
    users, person = dp
    item = _noticed(users, person, sent_on=DAY - datetime.timedelta(days=29))
    assert item.respond_by < DAY
    decided = recovery.recovery_decide(actor=users["scot_finance_officer"], recovery=item,
                                       decision=Recovery.Decision.RECOVER_PART, amount=20000,
                                       reason="No answer; some of it is the contingency")
    assert decided.decided_amount == 20000


def test_asking_to_be_phoned_is_an_answer_and_the_decision_waits_for_the_call(dp):
    users, person = dp
    item = _noticed(users, person)
    recovery.recovery_respond(actor=users["the_person"], recovery=item,
                              response=recovery.ASKED_TO_BE_PHONED)
    item.refresh_from_db()
    assert item.status == Recovery.Status.RESPONDED
    assert "asked to be phoned" in recovery.may_decide(item)
    recovery.recovery_respond(actor=users["scot_social_worker"], recovery=item,
                              response="On the phone: saving for a new wheelchair battery")
    item.refresh_from_db()
    assert recovery.may_decide(item) == ""
    assert item.response.startswith("Asked to be phoned\n\n")
    assert "new wheelchair battery" in item.response
    with pytest.raises(PermissionDenied):
        recovery.recovery_respond(actor=users["carer_viewing"], recovery=item, response="x")


@pytest.mark.parametrize("amount", [None, 0, 50000, 60000])
def test_part_of_it_must_be_less_than_proposed_and_more_than_nothing(dp, amount):
    users, person = dp
    item = _noticed(users, person)
    recovery.recovery_respond(actor=users["the_person"], recovery=item, response="Keep it")
    _refused(lambda: recovery.recovery_decide(actor=users["scot_team_manager"], recovery=item,
                                              decision=Recovery.Decision.RECOVER_PART,
                                              amount=amount, reason="Part"), "amount")


def test_recovery_post_refuses_anything_but_a_decision_to_recover(dp):
    users, person = dp
    finance = users["scot_finance_officer"]
    item = _propose(users, person)
    for step in ("proposed", "notice", "responded"):
        if step == "notice":
            recovery.recovery_notice_send(actor=users["scot_social_worker"], recovery=item,
                                          sent_on=DAY, how="Post")
        if step == "responded":
            recovery.recovery_respond(actor=users["the_person"], recovery=item,
                                      response="Set aside for a holiday")
        message = _refused(lambda: recovery.recovery_post(actor=finance, recovery=item),
                           "recovery")
        assert "without a decision to recover" in message
    kept = recovery.recovery_decide(actor=users["scot_team_manager"], recovery=item,
                                    decision=Recovery.Decision.DO_NOT_RECOVER, amount=None,
                                    reason="The holiday is a good use of it")
    _refused(lambda: recovery.recovery_post(actor=finance, recovery=kept), "recovery")
    withdrawn = _propose(users, person, 100)
    recovery.recovery_withdraw(actor=users["scot_social_worker"], recovery=withdrawn,
                               reason="Spoke to the person")
    _refused(lambda: recovery.recovery_post(actor=finance, recovery=withdrawn), "recovery")
    assert not Entry.objects.filter(kind=EntryKind.RECOVERY).exists()
    assert _balances(person) == (PAID, PAID)


def test_a_decided_recovery_posts_one_entry_that_moves_the_money_back(dp):
    users, person = dp
    item = _noticed(users, person)
    recovery.recovery_respond(actor=users["the_person"], recovery=item, response="Spend it soon")
    item = recovery.recovery_decide(actor=users["scot_team_manager"], recovery=item,
                                    decision=Recovery.Decision.RECOVER_PART, amount=30000,
                                    reason="£200 is kept for the planned spending")
    with pytest.raises(PermissionDenied):
        recovery.recovery_post(actor=users["scot_social_worker"], recovery=item)
    entry = recovery.recovery_post(actor=users["scot_finance_officer"], recovery=item)
    assert (entry.kind, entry.recovery) == (EntryKind.RECOVERY, item)
    lines = {(line.account.kind, line.account.funding_stream): line.amount
             for line in entry.lines.select_related("account")}
    assert lines == {(AccountKind.DIRECT_PAYMENT, ""): -30000, (AccountKind.BANK, ""): 30000,
                     (AccountKind.BUDGET, ""): -30000,
                     (AccountKind.STREAM, FundingStream.COUNCIL): 30000}
    assert _balances(person) == (PAID - 30000, PAID - 30000)
    assert ledger.ledger_problems() == []
    assert "already been posted" in _refused(
        lambda: recovery.recovery_post(actor=users["scot_finance_officer"], recovery=item),
        "recovery")
    steps = [s.what for s in recovery.recovery_history(item)]
    assert steps == ["Recovery proposed", "Notice sent By post and email", "Response recorded",
                     "Decided: Recover part of it", "Posted to the ledger: £300.00"]
    letter = " ".join(recovery.decision_letter(item))
    assert "£300.00 of the £500.00" in letter and "£200 is kept" in letter
    assert reverse("spending-challenge", args=[person.authority.code]) in letter


def test_the_database_refuses_a_recovery_entry_that_names_no_recovery(dp):
    users, person = dp
    posting = ledger.Posting(
        authority_id=person.authority_id, kind=EntryKind.RECOVERY, effective_on=DAY,
        description="Taken without a decision",
        lines=ledger.movement(authority_id=person.authority_id, person_id=person.pk,
                              funding_stream=FundingStream.COUNCIL, amount=-100,
                              to=ledger.direct_payment_key(person.authority_id, person.pk)),
        links={})
    with pytest.raises(IntegrityError), transaction.atomic():
        ledger.post([posting], actor=users["scot_finance_officer"])
    assert not Entry.objects.filter(kind=EntryKind.RECOVERY).exists()


def _builds_a_recovery_entry(node: ast.AST) -> bool:
    """A call of ``Posting(...)`` or ``Entry(...)`` (or ``Entry.objects.create``) with
    ``kind=EntryKind.RECOVERY`` or ``kind="recovery"``."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name not in ("Posting", "Entry", "create", "bulk_create"):
        return False
    for keyword in node.keywords:
        value = keyword.value
        if keyword.arg == "kind" and (
                (isinstance(value, ast.Attribute) and value.attr == "RECOVERY")
                or (isinstance(value, ast.Constant) and value.value == "recovery")):
            return True
    return False


def test_only_recovery_post_builds_an_entry_of_kind_recovery():
    """Every place in the code that builds a ledger entry of the recovery kind: only
    ``recovery_post``, after its check of the decision. ``ledger.post`` is the only code
    that saves entries (``Entry(`` and ``Entry.objects.create`` appear nowhere else)."""
    building, saving = set(), set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        where = path.relative_to(SRC).as_posix()
        for node in ast.walk(ast.parse(text)):
            if _builds_a_recovery_entry(node):
                building.add(where)
        if re.search(r"\bEntry\.objects\.(bulk_)?create|(?<!class )\bEntry\(", text):
            saving.add(where)
    assert building == {"payments/recovery.py"}
    assert saving == {"payments/ledger.py"}


def test_withdrawing_stops_a_recovery_before_the_decision(dp):
    users, person = dp
    item = _noticed(users, person)
    item = recovery.recovery_withdraw(actor=users["scot_finance_officer"], recovery=item,
                                      reason="The person has spent it on a planned break")
    assert item.status == Recovery.Status.WITHDRAWN
    assert (item.withdrawn_by, item.withdraw_reason) == (
        users["scot_finance_officer"], "The person has spent it on a planned break")
    assert "Withdrawn: The person has spent it" in recovery.recovery_history(item)[-1].what
    _refused(lambda: recovery.recovery_respond(actor=users["the_person"], recovery=item,
                                               response="x"), "response")
    _refused(lambda: recovery.recovery_withdraw(actor=users["scot_finance_officer"],
                                                recovery=item, reason="again"), "reason")
    # The money it held is free again.
    assert _propose(users, person, PAID).proposed_amount == PAID


# --- Pages ------------------------------------------------------------------------------------


def _login(client, name):
    client.logout()
    assert client.login(username=name, password=TEST_PASSWORD)


def test_the_whole_recovery_through_the_pages(client, dp):
    users, person = dp
    _login(client, "scot_finance_officer")
    response = client.post(reverse("payments-recovery-propose", args=[person.pk]),
                           {"amount": "400.00", "reason": "Unspent for three months"})
    item = Recovery.objects.get()
    assert response.url == reverse("payments-recovery-detail", args=[item.pk])
    notice = reverse("payments-recovery-notice", args=[item.pk])
    assert "The notice" in client.get(notice).content.decode()
    client.post(notice, {"sent_on_day": DAY.day, "sent_on_month": DAY.month,
                         "sent_on_year": DAY.year, "how": "By post"})
    item.refresh_from_db()
    assert item.status == Recovery.Status.NOTICE_SENT
    # The person answers on their own page, by asking to be phoned: nothing to write.
    _login(client, "the_person")
    detail = client.get(reverse("payments-recovery-detail", args=[item.pk])).content.decode()
    assert "£400.00" in detail and "Answer the notice" in detail
    respond = reverse("payments-recovery-respond", args=[item.pk])
    page = client.get(respond).content.decode()
    assert "Ask to be phoned" in page and "<legend" in page
    client.post(respond, {"answer": "phone"})
    item.refresh_from_db()
    assert item.response == recovery.ASKED_TO_BE_PHONED
    # The worker records the call.
    _login(client, "scot_social_worker")
    client.post(respond, {"answer": "own", "response": "Saving for a wheelchair-accessible holiday"})
    # The proposer may not decide; a team manager does.
    _login(client, "scot_finance_officer")
    decide = reverse("payments-recovery-decide", args=[item.pk])
    assert "Someone other than the person who proposed" in client.get(decide).content.decode()
    _login(client, "scot_team_manager")
    response = client.post(decide, {"decision": "keep", "reason": ""})
    assert "Give the reasons for the decision" in response.content.decode()
    client.post(decide, {"decision": "recover_part", "amount": "150.00",
                         "reason": "The holiday is planned: £250 stays for it"})
    item.refresh_from_db()
    assert (item.status, item.decided_amount) == (Recovery.Status.DECIDED, 15000)
    _login(client, "scot_finance_officer")
    client.post(reverse("payments-recovery-post", args=[item.pk]), {})
    assert Entry.objects.get(recovery=item).kind == EntryKind.RECOVERY
    _login(client, "the_person")
    detail = client.get(reverse("payments-recovery-detail", args=[item.pk])).content.decode()
    assert "We have decided to take back £150.00 of the £400.00" in detail
    assert "How to challenge this decision" in detail
    assert reverse("spending-challenge", args=[person.authority.code]) in detail
    assert "Posted to the ledger: £150.00" in detail


def test_the_post_page_refuses_a_recovery_that_is_not_decided(client, dp):
    users, person = dp
    item = _noticed(users, person)
    _login(client, "scot_finance_officer")
    url = reverse("payments-recovery-post", args=[item.pk])
    assert "without a decision to recover" in client.get(url).content.decode()
    response = client.post(url, {})
    assert response.status_code == 200
    assert "without a decision to recover" in response.content.decode()
    assert not Entry.objects.filter(kind=EntryKind.RECOVERY).exists()


def test_the_money_goes_back_to_the_stream_that_paid_it_and_not_above_the_latest_balance(dp):
    from selfdirect.payments.models import ReceiptsReturn, Schedule

    users, person = dp
    council = Schedule.objects.get(person=person)
    # An ILF direct payment that has paid nothing yet: the council's stream takes the
    # recovery, and at most what it paid in.
    Schedule.objects.create(person=person, authority=person.authority,
                            funding_stream=FundingStream.ILF, starts_on=DAY,
                            created_by=users["scot_finance_officer"])
    assert _propose(users, person, 30000).schedule == council
    assert "£900.00" in _refused(lambda: _propose(users, person, 90001), "amount")
    # The person's latest return shows £400 left: no more than that less the £300 under way.
    ReceiptsReturn.objects.create(person=person, period_start=DAY, period_end=DAY,
                                  spent=80000, balance=40000,
                                  recorded_by=users["scot_finance_officer"])
    message = _refused(lambda: _propose(users, person, 10001), "amount")
    assert "£100.00" in message and "latest statement or return" in message
