"""A person with something in every part of their record, built through the services
where they exist (a plan agreed, a payment run paid) and straight into the tables where
a test only needs the row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from selfdirect.accounts.models import ApiTokenUse, SignInEvent
from selfdirect.accounts.services import api_token_create
from selfdirect.allocation.models import FundingStream
from selfdirect.assessments import models as assessments
from selfdirect.authorities.models import Role
from selfdirect.carers.models import AdultCarerSupportPlan, CarerLink, CarerSupportPlanOffer
from selfdirect.charging.models import (
    Contribution,
    FinancialAssessment,
    Income,
    PlannedService,
    Waiver,
)
from selfdirect.dataprotection.models import RetentionAction, RetentionApproval
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.payments import runs
from selfdirect.payments.models import (
    DeliveredHours,
    ReceiptsReturn,
    Recovery,
    Schedule,
    ShortfallAlert,
    Statement,
    StatementLine,
)
from selfdirect.people.models import CommunicationNeed, Consent, EqualityInfo, Preferences
from selfdirect.planning.models import Referral as ProviderReferral
from selfdirect.spending import services as spending
from tests.factories import PersonFactory, staff
from tests.payments.factories import DAY, agreed_plan, originator, payee
from tests.providers.factories import provider_in

GIVEN, FAMILY = "Ishbel", "Quarrier"
PHONE, EMAIL = "0131 496 0123", "ishbel.quarrier@example.org"
CONTRIBUTOR = "Dr Morven Achnacarry"


@dataclass
class Full:
    users: dict[str, Any]
    person: Any
    plan: Any
    other: Any  # someone the person cares for


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@pytest.fixture
def full(cast) -> Full:
    users, person = cast
    worker, manager = users["scot_social_worker"], users["scot_team_manager"]
    finance, the_person = users["scot_finance_officer"], users["the_person"]
    person.given_name, person.family_name = GIVEN, FAMILY
    person.phone, person.email = PHONE, EMAIL
    person.address_line_1, person.town, person.notes = "1 Croft Road", "Leith", "Likes mornings"
    person.save()
    CommunicationNeed.objects.create(person=person, kind="bsl_interpreter",
                                     detail="Book two interpreters")
    Preferences.objects.create(person=person, food="No pork", faith="Muslim",
                               carer_gender="women")
    EqualityInfo.objects.create(person=person, sex="female", religion="muslim")

    referral = assessments.Referral.objects.create(
        person=person, source="self", reason="Help getting up in the morning",
        received_on=DAY, referrer_name=GIVEN, referrer_contact=PHONE, created_by=worker)
    assessments.SelfReferral.objects.create(
        authority=person.authority, for_whom="me", name=f"{GIVEN} {FAMILY}", contact=EMAIL,
        what_help="Help at home", referral=referral, state="recorded",
        date_of_birth=person.date_of_birth)
    assessments.SelfAssessment.objects.create(person=person, written_by=the_person,
                                              what_matters="Staying in my own home")

    plan = agreed_plan(users, person, [("1", 30000, FundingStream.COUNCIL),
                                       ("3", 20000, FundingStream.COUNCIL)])
    assessment = assessments.Assessment.objects.get(person=person)
    assessments.Conversation.objects.create(assessment=assessment, when=timezone.now(),
                                            mode="face_to_face", location="At home",
                                            notes="Talked about mornings")
    consent = Consent.objects.filter(person=person).first()
    assessments.Contribution.objects.create(
        assessment=assessment, contributor_name=CONTRIBUTOR, contributor_role="gp",
        content="Needs help with medication", consent=consent, recorded_by=worker)
    assessments.Risk.objects.create(assessment=assessment, risk="Falls at night",
                                    what_person_wants="To stay at home")
    decision = assessments.EligibilityDecision.objects.create(
        assessment=assessment, decided_on=DAY, decided_by=manager, overall_band="substantial",
        threshold_band="substantial", eligible=True, reasons="Substantial risk to personal care",
        next_steps="A budget is worked out", challenge_route="Ask your worker")
    assessments.EligibilityArea.objects.create(decision=decision, area="personal_care",
                                               band="substantial", reason="Cannot wash alone")
    assessments.AssessmentComment.objects.create(assessment=assessment, author=the_person,
                                                 text="I agree with this")

    provider = provider_in(person.authority)
    line3 = plan.lines.get(option="3")
    ProviderReferral.objects.create(line=line3, provider=provider, message="Mornings, please",
                                    sent_by=worker)

    PlannedService.objects.get_or_create(
        person=person, service_type="personal_care", description="Morning visits",
        defaults={"weekly_cost": 20000, "starts_on": DAY, "created_by": finance})
    financial = FinancialAssessment.objects.create(person=person, created_by=finance,
                                                   evidence_seen="Bank statements")
    Income.objects.create(assessment=financial, income_type="state_pension", amount=20345,
                          period="weekly")
    Contribution.objects.create(
        person=person, authority=person.authority, basis="assessed", weekly_amount=2550,
        chargeable_cost=20000, effective_from=DAY, reason="Assessed",
        lines=[{"text": "Income", "pence": 20345, "kind": "line"}],
        services=[{"key": "s1", "weekly_cost": 20000, "charged": 2550, "council_pays": 17450}],
        calculated_by=finance)
    Waiver.objects.create(person=person, weekly_reduction=550, reason="Heating costs",
                          starts_on=DAY, requested_by=worker)

    outcome = PersonalOutcome.objects.filter(person=person).first()
    spending.spending_request_make(actor=the_person, person=person,
                                   description="A weekend away with my sister", amount=45050,
                                   outcome=outcome, wanted_on=DAY + datetime.timedelta(days=30))

    originator(person.authority)
    payee(users, person)
    second = staff(person.authority, Role.FINANCE_OFFICER, None, username="second_finance")
    run = runs.run_prepare(actor=finance, authority=person.authority, period_start=DAY,
                           period_end=DAY + datetime.timedelta(days=6), pay_on=DAY)
    runs.run_post(actor=finance, run=runs.run_approve(actor=second, run=run), batch=1)
    schedule = Schedule.objects.get(person=person)
    statement = Statement.objects.create(person=person, period_start=DAY, period_end=DAY,
                                         closing_balance=12345, imported_by=finance,
                                         flags=["A payment to a payee nobody expected"])
    StatementLine.objects.create(statement=statement, day=DAY, payee="Corner Shop",
                                 amount=-1250)
    ReceiptsReturn.objects.create(person=person, period_start=DAY, period_end=DAY,
                                  spent=10000, balance=2000, recorded_by=finance)
    Recovery.objects.create(person=person, schedule=schedule, proposed_amount=5000,
                            reason="Money left unspent", proposed_by=finance)
    week = _monday(DAY)
    DeliveredHours.objects.create(line=line3, provider=provider, week_start=week,
                                  planned_hours=10, hours=8, recorded_by=worker)
    ShortfallAlert.objects.create(line=line3, first_week=week, last_week=week, planned_hours=10,
                                  delivered_hours=8, unspent=4000)

    other = PersonFactory(authority=person.authority, team=world_team(person))
    CarerLink.objects.create(carer=person, cared_for=other, relationship_to_cared_for="sister",
                             created_by=worker)
    offer = CarerSupportPlanOffer.objects.create(
        carer=person, cared_for=other, identified_on=DAY, state="accepted", offered_on=DAY,
        answered_on=DAY, recorded_by=worker)
    AdultCarerSupportPlan.objects.create(offer=offer, carer=person, cared_for=other,
                                         circumstances="Works part time", created_by=worker)

    token, _raw = api_token_create(user=the_person, name="My spreadsheet")
    ApiTokenUse.objects.create(token=token, method="GET", path="/api/people/1",
                               ip_address="192.0.2.1")
    SignInEvent.objects.create(kind=SignInEvent.Kind.SECOND_FACTOR_ADDED, username="the_person",
                               account=the_person, actor=the_person, ip_address="192.0.2.1")

    approval = RetentionApproval.objects.create(
        authority=person.authority, listed_on=DAY, approved_by=users["scot_data_protection"])
    RetentionAction.objects.create(approval=approval, kind=RetentionAction.Kind.ANONYMISE,
                                   person=person, status=RetentionAction.Status.SKIPPED,
                                   reason="Listed for a test", note="Something was recorded")
    approval.status = RetentionApproval.Status.DONE
    approval.save()
    plan.refresh_from_db()
    return Full(users, person, plan, other)


def world_team(person: Any) -> Any:
    return person.team
