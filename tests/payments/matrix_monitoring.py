"""Permission-matrix rows for the monitoring and recovery pages (see
tests/test_permission_matrix.py), and the set-ups their tests share.

- Monitoring (``payments.monitor``): the authority's finance officers and the person's
  worker or a team manager. Staff who may monitor someone but not this person get 404;
  everyone else 403. The list of what was flagged is for any finance officer, worker or
  team manager, in the authority they work in (a worker sees only their own people).
- The simple return (``payments.send_return``): the person, whoever acts for them, their
  worker or a team manager, and finance officers.
- A person's recoveries and one recovery (``payments.view_payments``): the person,
  whoever acts for them, their worker, team managers and finance officers; not someone
  who may only see the person's record.
- Proposing, the notice and withdrawing (``payments.propose_recovery``): finance
  officers and the person's worker or a team manager. Answering
  (``payments.respond_recovery``): the person, whoever acts for them, or their worker or a
  team manager recording it. Deciding (``payments.decide_recovery``): a team manager or a
  finance officer (the page explains when they may not yet). Posting
  (``payments.manage_direct_payments``): finance officers.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from selfdirect.allocation.models import FundingStream
from selfdirect.authorities.models import Role
from selfdirect.payments import runs
from selfdirect.planning.models import SupportLine
from tests.factories import staff
from tests.matrix import NOT_FOUND, OK, REFUSED, SIGN_IN, row
from tests.payments.factories import DAY, agreed_plan, originator, payee

_MONITOR = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
               scot_other_social_worker=NOT_FOUND, scot_team_manager=OK, scot_finance_officer=OK,
               eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND,
               eng_finance_officer=NOT_FOUND)
_RETURN = {**_MONITOR, "the_person": OK, "attorney_acting": OK, "carer_viewing": NOT_FOUND}
_VIEW = {**_RETURN}
_PROPOSE = _MONITOR
_RESPOND = {**_MONITOR, "the_person": OK, "attorney_acting": OK, "carer_viewing": NOT_FOUND,
            "scot_finance_officer": REFUSED, "eng_finance_officer": REFUSED}
_DECIDE = row(REFUSED, anonymous=SIGN_IN, scot_team_manager=OK, scot_finance_officer=OK,
              eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND)
_POST = row(REFUSED, anonymous=SIGN_IN, scot_finance_officer=OK, eng_finance_officer=NOT_FOUND)

MATRIX: dict[str, dict[str, int]] = {
    "payments-monitoring-flagged": row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
                                       scot_other_social_worker=OK, scot_team_manager=OK,
                                       scot_finance_officer=OK, eng_social_worker=OK,
                                       eng_team_manager=OK, eng_finance_officer=OK),
    "person-payments-monitoring": _MONITOR,
    "payments-statement-import": _MONITOR,
    "payments-statement-detail": _MONITOR,
    "payments-return-send": _RETURN,
    "payments-recovery-list": _VIEW,
    "payments-recovery-propose": _PROPOSE,
    "payments-recovery-detail": _VIEW,
    "payments-recovery-notice": _PROPOSE,
    "payments-recovery-respond": _RESPOND,
    "payments-recovery-decide": _DECIDE,
    "payments-recovery-post": _POST,
    "payments-recovery-withdraw": _PROPOSE,
}

PA_NAME = "Moira Stewart"
STATEMENT = """Date,Description,Amount,Balance
{day},CITY OF EDINBURGH COUNCIL DP,1200.00,1450.00
{day},FPO MOIRA STEWART WAGES,-480.00,970.00
{day},SIMPLY PAYROLL LTD,-25.00,945.00
{day},HMRC PAYE,-60.00,885.00
"""


def direct_payment_person(users: dict[str, Any], person: Any, *, weekly: int = 30000,
                          pay: bool = True) -> Any:
    """The person's agreed plan pays ``weekly`` pence a week by direct payment (one
    Option 1 line, a PA called Moira Stewart) from today; with ``pay``, the first four
    weeks are paid through a real run, so the ledger holds four weeks in their account."""
    plan = agreed_plan(users, person, [("1", weekly, FundingStream.COUNCIL)])
    SupportLine.objects.filter(plan=plan, option="1").update(who_name=PA_NAME)
    originator(person.authority)
    payee(users, person)
    if pay:
        second = users.get("second_finance") or staff(
            person.authority, Role.FINANCE_OFFICER, None, username="second_finance")
        users["second_finance"] = second
        run = runs.run_prepare(actor=users["scot_finance_officer"], authority=person.authority,
                               period_start=DAY, period_end=DAY + datetime.timedelta(days=6),
                               pay_on=DAY)
        run = runs.run_approve(actor=second, run=run)
        runs.run_post(actor=users["scot_finance_officer"], run=run)
    return plan


def statement_text(day: datetime.date = DAY) -> str:
    return STATEMENT.format(day=day.strftime("%d/%m/%Y"))


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    from selfdirect.payments import monitoring, recovery

    if page not in MATRIX:
        raise KeyError(page)
    if page == "payments-monitoring-flagged":
        return reverse(page)
    if page in ("person-payments-monitoring", "payments-statement-import",
                "payments-return-send", "payments-recovery-list", "payments-recovery-propose"):
        return reverse(page, args=[person.pk])
    direct_payment_person(users, person)
    if page == "payments-statement-detail":
        statement = monitoring.statement_import(actor=users["scot_finance_officer"],
                                                person=person, file_text=statement_text())
        return reverse(page, args=[statement.pk])
    item = recovery.recovery_propose(actor=users["scot_social_worker"], person=person,
                                     amount=10000, reason="More than eight weeks unspent")
    if page in ("payments-recovery-respond",):
        recovery.recovery_notice_send(actor=users["scot_social_worker"], recovery=item,
                                      sent_on=DAY, how="By post")
    return reverse(page, args=[item.pk])
