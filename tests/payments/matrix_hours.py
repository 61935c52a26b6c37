"""Permission-matrix rows for the delivered-hours and invoice pages (see
tests/test_permission_matrix.py), and the set-up the hours tests share.

- Hours to record, recording a week and the CSV upload: the people who work for a provider
  (scot_provider_user works for the provider that accepted the line) and finance officers,
  who may record from a timesheet; a line of another council's person is not found for
  Manchester's finance officer. The CSV template is for a provider's own staff only.
- A person's delivered hours follow seeing their money (``payments.view_payments``): their
  worker, team managers and finance officers of their council, the person and whoever acts
  for them; not a carer who may only see the record.
- Shortfall alerts: workers, team managers and finance officers, each seeing their own
  caseload or authority; marking one as seen follows the person.
- Invoices: finance officers, in the council they work in.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse

from selfdirect.core import clock
from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

_RECORD_LIST = row(REFUSED, anonymous=SIGN_IN, scot_provider_user=OK, scot_finance_officer=OK,
                   eng_finance_officer=OK)
_RECORD_LINE = {**_RECORD_LIST, "eng_finance_officer": NOT_FOUND}
_VIEW_MONEY = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
                  scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
                  scot_finance_officer=OK, eng_social_worker=NOT_FOUND,
                  eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND, the_person=OK,
                  attorney_acting=OK, carer_viewing=NOT_FOUND)
_ALERTS = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK, scot_other_social_worker=OK,
              scot_team_manager=OK, scot_finance_officer=OK, eng_social_worker=OK,
              eng_team_manager=OK, eng_finance_officer=OK)
_ALERT = {**_ALERTS, "scot_other_social_worker": NOT_FOUND, "eng_social_worker": NOT_FOUND,
          "eng_team_manager": NOT_FOUND, "eng_finance_officer": NOT_FOUND}
_FINANCE = row(REFUSED, anonymous=SIGN_IN, scot_finance_officer=OK, eng_finance_officer=OK)

MATRIX: dict[str, dict[str, int]] = {
    "provider-hours": _RECORD_LIST,
    "provider-hours-upload": _RECORD_LIST,
    "provider-hours-template": {**_RECORD_LIST, "scot_finance_officer": NOT_FOUND,
                                "eng_finance_officer": NOT_FOUND},
    "provider-hours-record": _RECORD_LINE,
    "person-delivered-hours": _VIEW_MONEY,
    "shortfall-alerts": _ALERTS,
    "shortfall-alert-seen": _ALERT,
    "invoices": _FINANCE,
    "invoice-new": _FINANCE,
    "invoice-detail": {**_FINANCE, "eng_finance_officer": NOT_FOUND},
}

WEEK = datetime.timedelta(days=7)


def this_monday() -> datetime.date:
    today = clock.today()
    return today - datetime.timedelta(days=today.weekday())


def hours_setting(users: dict[str, Any], person: Any, *, hours_per_week: str = "35",
                  weekly_cost: int = 77000, option: str = "3") -> tuple[Any, Any]:
    """An agreed plan with one provider line of ``hours_per_week`` hours costing
    ``weekly_cost`` pence a week (£22 an hour by default), referred to a provider in the
    person's council and accepted by it; scot_provider_user works for the provider.
    Returns (line, provider)."""
    from selfdirect.allocation import services as allocation
    from selfdirect.allocation.models import IndicativeBudget
    from selfdirect.outcomes.models import PersonalOutcome
    from selfdirect.planning import plans
    from selfdirect.planning.models import AgreedHow, SupportPlan
    from selfdirect.planning.referrals import referral_respond, referral_send
    from selfdirect.planning.services import option_choice_record
    from selfdirect.providers.models import ProviderMember
    from tests.allocation.matrix_budget import make_budget
    from tests.providers.factories import provider_in

    worker, manager = users["scot_social_worker"], users["scot_team_manager"]
    today = clock.today()
    if not IndicativeBudget.objects.filter(person=person,
                                           state=IndicativeBudget.State.AGREED).exists():
        budget = make_budget(users, person)
        allocation.budget_propose(actor=worker, budget=budget)
        allocation.budget_agree(actor=manager, budget=budget, reason="Meets the assessed needs")
    outcome = PersonalOutcome.objects.filter(person=person,
                                             state=PersonalOutcome.State.AGREED).first()
    if outcome is None:
        outcome = PersonalOutcome.objects.create(
            person=person, in_own_words="I want to stay living at home", agreed_on=today,
            state=PersonalOutcome.State.AGREED, created_by=worker)
    option_choice_record(actor=worker, person=person, options=[option], decided_on=today,
                         present="The person and their worker")
    plan = plans.plan_start(actor=worker, person=person)
    line = plans.line_add(actor=worker, plan=plan, expected_version=plan.version,
                          outcome=outcome, what="Care at home", who_kind="provider",
                          hours_per_week=Decimal(hours_per_week), weekly_cost=weekly_cost,
                          option=option, service_type="personal_care",
                          contingency="Call the agency on 0131 496 0000 for cover")
    plan.refresh_from_db()
    if plans.plan_problems(plan).get("budget"):
        plans.over_budget_decide(actor=manager, plan=plan, reason="Agreed at panel",
                                 expected_version=plan.version)
        plan.refresh_from_db()
    plans.plan_agree_by_person(actor=worker, plan=plan, how=AgreedHow.MEETING, on=today,
                               expected_version=plan.version)
    for actor in (worker, manager):
        plan.refresh_from_db()
        plans.plan_sign(actor=actor, plan=plan, expected_version=plan.version)
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.AGREED
    provider = provider_in(person.authority, districts=[], service_types=["personal_care"])
    ProviderMember.objects.get_or_create(provider=provider, user=users["scot_provider_user"])
    referral = referral_send(actor=worker, line=line, provider=provider)
    referral_respond(actor=users["scot_provider_user"], referral=referral, accept=True)
    line.refresh_from_db()
    return line, provider


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    from selfdirect.payments import hours, invoices

    if page not in MATRIX:
        raise KeyError(page)
    if page == "person-delivered-hours":
        return reverse(page, args=[person.pk])
    if page in ("shortfall-alerts", "invoices", "invoice-new"):
        return reverse(page)
    line, provider = hours_setting(users, person)
    if page in ("provider-hours", "provider-hours-upload"):
        return reverse(page)
    if page == "provider-hours-template":
        return reverse(page) + f"?provider={provider.pk}"
    if page == "provider-hours-record":
        return reverse(page, args=[line.pk, (this_monday() - WEEK).isoformat()])
    if page == "shortfall-alert-seen":
        for back in (2, 1):
            hours.hours_record(actor=users["scot_provider_user"], line=line,
                               week_start=this_monday() - back * WEEK, hours="20")
        return reverse(page, args=[line.shortfall_alerts.get().pk])
    monday = this_monday() - WEEK
    made = invoices.invoice_receive(
        actor=users["scot_finance_officer"], provider=provider, authority=person.authority,
        reference="INV-1", period=(monday, monday + datetime.timedelta(days=6)),
        lines=[(line, "35", 2200)])
    return reverse(page, args=[made.pk])
