"""Every role against every API operation, by bearer token: the same rules as the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from selfdirect.accounts.services import api_token_create
from selfdirect.allocation import panel
from selfdirect.allocation import services as allocation
from selfdirect.allocation.models import IndicativeBudget
from selfdirect.api.api import api
from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import Assessment
from selfdirect.charging import services as charging
from selfdirect.charging.models import FinancialAssessment, PlannedService
from selfdirect.core import clock
from selfdirect.outcomes import services as outcome_services
from selfdirect.outcomes.models import OutcomeTerm
from selfdirect.people.models import ConsentMethod, ConsentScope
from selfdirect.people.services import consent_record
from selfdirect.planning import plans
from selfdirect.planning.models import SupportPlan
from tests.carers import matrix as carers_matrix
from tests.jobs import matrix as jobs_matrix
from tests.payments import matrix_person as payments_matrix
from tests.providers import matrix as providers_matrix
from tests.test_permission_matrix import ACTORS, NOT_FOUND, OK, REFUSED, row
from tests.test_permission_matrix import MATRIX as PAGES

UNAUTHENTICATED = 401
CREATED = 201

# The target person is the Edinburgh person of the page matrix (see tests/conftest.py).
# As the person page: 403 for a role that can never see people, 404 for one that could
# but not this person, 401 without credentials.
_VIEW = {**PAGES["person-detail"], "anonymous": UNAUTHENTICATED}
_STAFF_SEARCH = row(REFUSED, anonymous=UNAUTHENTICATED, scot_social_worker=OK,
                    scot_other_social_worker=OK, scot_team_manager=OK, scot_finance_officer=OK,
                    eng_social_worker=OK, eng_team_manager=OK, eng_finance_officer=OK)

# Changing the person's assessment: staff who may change the person's record. A staff
# role that never changes assessments is refused (403) by the operation's permission; one
# that does, but not for this person, gets 404; the person and those who see or act for
# them through a relationship hold no staff role: 403.
def _staff_change(success):
    return row(REFUSED, anonymous=UNAUTHENTICATED, scot_social_worker=success,
               scot_team_manager=success, scot_other_social_worker=NOT_FOUND,
               eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND)


# Signing off: team managers only; Manchester's may sign off, but not for this person.
_SIGN_OFF = row(REFUSED, anonymous=UNAUTHENTICATED, scot_team_manager=OK,
                eng_team_manager=NOT_FOUND)
# The carer's plan is the CARER's record (see tests/carers/matrix.py): 404 for the person
# cared for and those who see only the cared-for person's record.
_CARER_PLAN = {**carers_matrix.MATRIX["carer-plan"], "anonymous": UNAUTHENTICATED}

_FINANCE_RUNS = row(REFUSED, anonymous=UNAUTHENTICATED, scot_finance_officer=OK,
                    eng_finance_officer=NOT_FOUND)
_PANEL = row(REFUSED, anonymous=UNAUTHENTICATED, scot_panel_member=OK, scot_team_manager=OK,
             eng_team_manager=NOT_FOUND)
_RAS_ADMIN = row(REFUSED, anonymous=UNAUTHENTICATED, scot_administrator=OK,
                 eng_administrator=NOT_FOUND)

# Charging: the services planned are recorded by staff who may change the person's record;
# the financial assessment also by the authority's finance officers (Manchester's: 404).
_ASSESS_FINANCES = {**_staff_change(OK), "scot_finance_officer": OK,
                    "eng_finance_officer": NOT_FOUND}
_ASSESS_FINANCES_ADD = {**_staff_change(CREATED), "scot_finance_officer": CREATED,
                        "eng_finance_officer": NOT_FOUND}

_VIEW_MONEY = {**_VIEW, "carer_viewing": NOT_FOUND}

# The provider directory (providers/api.py): searched and read by any staff member and
# anyone with a portal, as the pages; added to, changed and imported into by commissioners
# and administrators.
_DIRECTORY = {**providers_matrix.MATRIX["provider-search"], "anonymous": UNAUTHENTICATED}
_MANAGE_DIRECTORY = row(REFUSED, anonymous=UNAUTHENTICATED, scot_commissioner=OK,
                        scot_administrator=OK, eng_administrator=OK)
# Referrals (planning/referral_api.py): read and answered by the people who work for the
# provider; scot_provider_user works for the one the line is referred to.
_PROVIDER_STAFF = row(REFUSED, anonymous=UNAUTHENTICATED, scot_provider_user=OK)
_PROVIDER_HOURS = {**_PROVIDER_STAFF, "scot_finance_officer": NOT_FOUND,
                   "eng_finance_officer": NOT_FOUND}

# (method, path, JSON body) -> expected status for each actor.
MATRIX = {
    ("GET", "/api/me", None): row(OK, anonymous=UNAUTHENTICATED),
    ("GET", "/api/authorities", None): row(OK, anonymous=UNAUTHENTICATED),
    ("GET", "/api/people", None): _STAFF_SEARCH,
    ("GET", "/api/people/{id}", None): _VIEW,
    ("PATCH", "/api/people/{id}", '{"phone": "0131 496 0000"}'): {
        # Those who may see but not change the record know it exists: 403, not 404.
        **_VIEW, "scot_finance_officer": REFUSED, "carer_viewing": REFUSED},
    ("GET", "/api/people/{id}/assessments", None): _VIEW,
    ("POST", "/api/people/{id}/referrals",
     '{"source": "gp_health", "reason": "Falls at night", "urgency": "urgent"}'): row(
        REFUSED, anonymous=UNAUTHENTICATED, scot_social_worker=CREATED,
        scot_team_manager=CREATED, scot_other_social_worker=NOT_FOUND,
        eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND),
    ("GET", "/api/assessments/{assessment}", None): _VIEW,
    ("GET", "/api/waiting-list", None): row(
        REFUSED, anonymous=UNAUTHENTICATED, scot_social_worker=OK, scot_other_social_worker=OK,
        scot_team_manager=OK, eng_social_worker=OK, eng_team_manager=OK),
    ("POST", "/api/people",
     '{"given_name": "New", "family_name": "Person", "date_of_birth": "1950-01-01"}'): row(
        REFUSED, anonymous=UNAUTHENTICATED, scot_social_worker=CREATED,
        scot_other_social_worker=CREATED, scot_team_manager=CREATED,
        eng_social_worker=CREATED, eng_team_manager=CREATED),
    ("POST", "/api/people/{id}/assessments", "{}"): _staff_change(CREATED),
    ("POST", "/api/assessments/{assessment}/outcomes",
     '{"in_own_words": "Back to the allotment on Saturdays", "category": "things_to_do",'
     ' "national_outcomes": ["nhwo_4"], "measure": "Goes most Saturdays"}'): _staff_change(
        CREATED),
    ("POST", "/api/outcomes/{outcome}/agree", None): _staff_change(OK),
    ("POST", "/api/assessments/{assessment}/conversations",
     '{"when": "2030-06-01T10:00:00Z", "mode": "face_to_face"}'): _staff_change(CREATED),
    ("POST", "/api/conversations/{conversation}/record",
     '{"participants": "The person and the worker", "notes": "Talked about the garden"}'):
        _staff_change(OK),
    ("POST", "/api/assessments/{assessment}/contributions",
     '{"contributor_name": "Son", "contributor_role": "family", "content": "Visits daily"}'):
        _staff_change(CREATED),
    ("POST", "/api/assessments/{assessment}/eligibility",
     '{"areas": [{"area": "personal_care", "band": "critical", "reason": "Falls"}],'
     ' "reasons": "Critical risk", "next_steps": "Budget next"}'): _staff_change(CREATED),
    ("POST", "/api/assessments/{assessment}/complete", None): _staff_change(OK),
    ("POST", "/api/assessments/{assessment}/sign-off", None): _SIGN_OFF,
    ("GET", "/api/carers/plans/{plan}", None): _CARER_PLAN,
    # Budgets: seen as the assessment is seen; answered, adjusted and proposed by staff who
    # may change the assessment; agreed by the person's team manager.
    ("GET", "/api/budgets/{budget}", None): _VIEW,
    ("GET", "/api/people/{id}/budgets", None): _VIEW,
    ("POST", "/api/assessments/{assessment}/budget/answers",
     '{"answers": {"meals": "most", "getting_about": "some"}}'): _staff_change(OK),
    ("POST", "/api/budgets/{budget}/adjustments",
     '{"kind": "add_amount", "amount": "10.00", "reason_code": "rural_travel",'
     ' "reason": "Two buses"}'): _staff_change(CREATED),
    ("POST", "/api/budgets/{budget}/propose", None): _staff_change(OK),
    ("POST", "/api/budgets/{budget}/agree", '{"reason": "It meets your outcomes"}'): _SIGN_OFF,
    ("POST", "/api/budgets/{budget}/funding-lines",
     '{"stream": "health", "description": "Nursing at night", "amount": "40.00",'
     ' "period": "weekly"}'): _staff_change(CREATED),
    ("POST", "/api/budgets/{budget}/employer-costings",
     '{"label": "PA 1", "hourly_wage": "13.00", "hours_per_week": "20",'
     ' "employment_allowance": true}'): _staff_change(CREATED),
    ("POST", "/api/budgets/{budget}/exceptions",
     '{"kind": "family_member_pa", "reason": "No agency covers the island"}'):
        _staff_change(CREATED),
    # The panel (admin_api): the authority's panel members and team managers; the envelope
    # also its administrator and finance officers; another authority's such staff get 404.
    ("GET", "/api/authorities/{authority}/panel/agenda", None): _PANEL,
    ("GET", "/api/authorities/{authority}/panel/envelope", None): row(
        REFUSED, anonymous=UNAUTHENTICATED, scot_panel_member=OK, scot_team_manager=OK,
        scot_administrator=OK, scot_finance_officer=OK, eng_team_manager=NOT_FOUND,
        eng_administrator=NOT_FOUND, eng_finance_officer=NOT_FOUND),
    ("PUT", "/api/authorities/{authority}/panel/envelope",
     '{"year_start": "2026-04-01", "amount": "12500000.00"}'): row(
        REFUSED, anonymous=UNAUTHENTICATED, scot_administrator=OK, scot_finance_officer=OK,
        eng_administrator=NOT_FOUND, eng_finance_officer=NOT_FOUND),
    # Both Edinburgh panel staff sit on the meeting (a fresh budget for each).
    ("POST", "/api/panel/meetings/{meeting}/decisions",
     '{"budget_id": {panel_budget}, "outcome": "approve", "reasons": "It is needed"}'): {
        **_PANEL, "scot_panel_member": CREATED, "scot_team_manager": CREATED},
    # Questionnaire versions: the authority's administrator.
    ("GET", "/api/authorities/{authority}/resource-allocation/versions", None): _RAS_ADMIN,
    ("POST", "/api/resource-allocation/versions/{version}/price",
     '{"price_per_point": "47.00", "effective_from": "{today}"}'): {
        **_RAS_ADMIN, "scot_administrator": CREATED},
    # Calibration: the authority's administrator and commissioners.
    ("GET", "/api/authorities/{authority}/resource-allocation/calibration", None): row(
        REFUSED, anonymous=UNAUTHENTICATED, scot_administrator=OK, scot_commissioner=OK,
        eng_administrator=NOT_FOUND),
    # Charging (charging/api.py): the person's money is read by their worker, team manager,
    # finance, the person and whoever acts for them; not by a carer who may only see the
    # record. The policy by anyone signed in.
    ("GET", "/api/people/{id}/contribution", None): _VIEW_MONEY,
    ("GET", "/api/people/{id}/contributions", None): _VIEW_MONEY,
    ("GET", "/api/people/{id}/planned-services", None): _VIEW_MONEY,
    ("POST", "/api/people/{id}/planned-services",
     '{"service_type": "meals", "description": "Lunch", "weekly_cost": "10.00",'
     ' "starts_on": "{today}"}'): _staff_change(CREATED),
    ("POST", "/api/planned-services/{planned_service}/end", '{"ends_on": "{today}"}'):
        _staff_change(OK),
    ("POST", "/api/people/{id}/financial-assessments", '{"route": "full"}'):
        _ASSESS_FINANCES_ADD,
    ("GET", "/api/financial-assessments/{financial_assessment}", None): _VIEW_MONEY,
    ("PATCH", "/api/financial-assessments/{financial_assessment}", '{"dependants": 1}'):
        _ASSESS_FINANCES,
    ("POST", "/api/financial-assessments/{financial_assessment}/incomes",
     '{"income_type": "earnings", "amount": "50.00", "period": "week"}'): _ASSESS_FINANCES_ADD,
    ("POST", "/api/financial-assessments/{financial_assessment}/capital",
     '{"kind": "savings", "amount": "500.00"}'): _ASSESS_FINANCES_ADD,
    ("POST", "/api/financial-assessments/{financial_assessment}/expenses",
     '{"kind": "dre_heating", "amount": "5.00", "period": "week"}'): _ASSESS_FINANCES_ADD,
    ("DELETE", "/api/financial-assessments/{financial_assessment}/incomes/{item}", None):
        _ASSESS_FINANCES,
    ("DELETE", "/api/financial-assessments/{financial_assessment}/capital/{item}", None):
        _ASSESS_FINANCES,
    ("DELETE", "/api/financial-assessments/{financial_assessment}/expenses/{item}", None):
        _ASSESS_FINANCES,
    ("POST", "/api/financial-assessments/{financial_assessment}/complete", None):
        _ASSESS_FINANCES,
    # A hardship waiver: asked for by the person, whoever acts for them, their worker or a
    # finance officer; decided by the authority's finance officers and team managers.
    ("POST", "/api/people/{id}/waivers",
     '{"reason": "Rent arrears", "starts_on": "{today}"}'): {
        **_ASSESS_FINANCES_ADD, "the_person": CREATED, "attorney_acting": CREATED,
        "carer_viewing": NOT_FOUND},
    ("POST", "/api/waivers/{waiver}/decision", '{"approve": false, "reason": "Not hardship"}'):
        row(REFUSED, anonymous=UNAUTHENTICATED, scot_team_manager=OK, scot_finance_officer=OK,
            eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND),
    ("GET", "/api/authorities/{code}/charging-policy", None): row(
        OK, anonymous=UNAUTHENTICATED),
    # Planning (planning/api.py): the options read as the person is seen; the choice and
    # the plan written by the person's worker or team manager. Agreeing and signing pass
    # the permission and are then refused by the plan's own rules (422: its budget is not
    # agreed here), which is what shows the permission let them through.
    ("GET", "/api/people/{id}/options", None): _VIEW,
    ("POST", "/api/people/{id}/option-choices",
     '{"options": ["3"], "decided_on": "{today}", "present": "The person and their worker"}'):
        _staff_change(CREATED),
    ("GET", "/api/people/{id}/plan", None): _VIEW,
    ("POST", "/api/people/{id}/plan", None): _staff_change(CREATED),
    ("POST", "/api/plans/{support_plan}/lines",
     '{"version": {plan_version}, "what": "Day centre", "who_kind": "provider",'
     ' "weekly_cost": "10.00", "option": "3", "service_type": "day_service"}'):
        _staff_change(CREATED),
    ("DELETE", "/api/plans/{support_plan}/lines/{line}", None): _staff_change(OK),
    ("POST", "/api/plans/{support_plan}/agree", '{"version": {plan_version}}'): {
        **_staff_change(422), "the_person": 422, "attorney_acting": 422,
        "carer_viewing": NOT_FOUND},
    ("POST", "/api/plans/{support_plan}/sign", '{"version": {plan_version}}'):
        _staff_change(422),
    # Providers (providers/api.py).
    ("GET", "/api/providers", None): _DIRECTORY,
    ("GET", "/api/providers/{provider}", None): _DIRECTORY,
    ("GET", "/api/providers/personal-assistants", None): _DIRECTORY,
    ("GET", "/api/providers/open-referral", None): _DIRECTORY,
    ("POST", "/api/providers/open-referral", '{"organization": []}'): _MANAGE_DIRECTORY,
    ("POST", "/api/providers",
     '{"name": "Leith Lunch Club", "services": [{"name": "Lunch club",'
     ' "service_types": ["meals"]}]}'): {**_MANAGE_DIRECTORY, "scot_commissioner": CREATED,
                                          "scot_administrator": CREATED,
                                          "eng_administrator": CREATED},
    ("PATCH", "/api/providers/{provider}", '{"phone": "0131 496 0001"}'): _MANAGE_DIRECTORY,
    # Spending (spending/api.py): the rules for anyone signed in; the requests as the
    # spending pages (tests/spending/matrix.py): seen as the person is seen, made by the
    # person, whoever acts for them, their worker or a team manager, decided by the
    # person's worker or a team manager (the request here is the person's own), waiting
    # in the worklist of the authority's social workers and team managers.
    ("GET", "/api/authorities/{code}/spending-rules", None): row(OK, anonymous=UNAUTHENTICATED),
    ("GET", "/api/people/{id}/spending-requests", None): _VIEW,
    ("POST", "/api/people/{id}/spending-requests",
     '{"description": "A weekend of respite", "amount": "500.00",'
     ' "outcome_id": {agreed_outcome}, "wanted_on": "{today}"}'): {
        **_staff_change(CREATED), "the_person": CREATED, "attorney_acting": CREATED,
        "carer_viewing": NOT_FOUND},
    ("GET", "/api/spending-requests/{spending_request}", None): _VIEW,
    ("POST", "/api/spending-requests/{spending_request}/decision",
     '{"decision": "approved", "decision_reason": "It serves the outcome"}'):
        _staff_change(OK),
    # Payments (payments/api.py): a person's payments as their payments page; runs for the
    # finance officers of the authority (Manchester's get 404 for Edinburgh's runs). The
    # run approved is prepared by another Edinburgh finance officer; the run paid was
    # approved already (it pays nobody: no schedules here).
    ("GET", "/api/people/{id}/payments", None): {**payments_matrix.MATRIX["person-payments"],
                                                 "anonymous": UNAUTHENTICATED},
    ("GET", "/api/authorities/{code}/payment-runs", None): _FINANCE_RUNS,
    ("POST", "/api/authorities/{code}/payment-runs",
     '{"period_start": "{today}", "period_end": "{today}", "pay_on": "{today}"}'):
        {**_FINANCE_RUNS, "scot_finance_officer": CREATED},
    ("GET", "/api/payment-runs/{run}", None): _FINANCE_RUNS,
    ("POST", "/api/payment-runs/{run}/approve", None): _FINANCE_RUNS,
    ("POST", "/api/payment-runs/{run}/pay", None): _FINANCE_RUNS,
    # Delivered hours (payments/hours_api.py): the provider's staff, for lines referred to
    # their provider and accepted; a finance officer of the person's council may record a
    # week from a timesheet, but has no provider-level view. Recording passes the
    # permission and is then refused by the line's own rule (422: its plan is a draft
    # here), which is what shows the permission let them through.
    ("GET", "/api/providers/{provider}/support-lines", None): _PROVIDER_HOURS,
    ("GET", "/api/providers/{provider}/delivered-hours", None): _PROVIDER_HOURS,
    ("POST", "/api/support-lines/{support_line}/delivered-hours",
     '{"week_start": "{monday}", "hours": "5"}'): {
        **_PROVIDER_HOURS, "scot_provider_user": 422, "scot_finance_officer": 422},
    ("GET", "/api/authorities/{code}/spending-requests", None): row(
        REFUSED, anonymous=UNAUTHENTICATED, scot_social_worker=OK, scot_other_social_worker=OK,
        scot_team_manager=OK, eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND),
    # Referrals (planning/referral_api.py): sent and withdrawn as the plan is written.
    ("POST", "/api/support-lines/{support_line}/referrals",
     '{"provider_id": {referral_provider}}'): _staff_change(CREATED),
    ("GET", "/api/referrals", None): _PROVIDER_STAFF,
    ("GET", "/api/referrals/{referral}", None): _PROVIDER_STAFF,
    ("POST", "/api/referrals/{referral}/response", '{"accept": true}'): _PROVIDER_STAFF,
    ("POST", "/api/referrals/{referral}/withdraw", None): _staff_change(OK),
    # Background jobs (jobs/api.py): the job here was started by Edinburgh's administrator.
    ("GET", "/api/jobs/{job}", None): {**jobs_matrix.MATRIX["job-detail"],
                                       "anonymous": UNAUTHENTICATED},
}


def test_every_api_operation_is_in_the_matrix():
    routes = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    full = "/api" + (prefix + path).rstrip("/")
                    routes.add((method, full.replace("{id:person_id}", "{id}")
                                .replace("{person_id}", "{id}")
                                .replace("{id:assessment_id}", "{assessment}")
                                .replace("{id:outcome_id}", "{outcome}")
                                .replace("{id:conversation_id}", "{conversation}")
                                .replace("{id:plan_id}", "{plan}")
                                .replace("{id:budget_id}", "{budget}")
                                .replace("{id:authority_id}", "{authority}")
                                .replace("{id:meeting_id}", "{meeting}")
                                .replace("{id:version_id}", "{version}")
                                .replace("{id:service_id}", "{planned_service}")
                                .replace("{id:financial_assessment_id}",
                                         "{financial_assessment}")
                                .replace("{id:item_id}", "{item}")
                                .replace("{id:waiver_id}", "{waiver}")
                                .replace("{id:support_plan_id}", "{support_plan}")
                                .replace("{id:line_id}", "{line}")
                                .replace("{id:provider_id}", "{provider}")
                                .replace("{id:request_id}", "{spending_request}")
                                .replace("{id:support_line_id}", "{support_line}")
                                .replace("{id:referral_id}", "{referral}")
                                .replace("{id:run_id}", "{run}")
                                .replace("{id:job_id}", "{job}")
                                .replace("{text:code}", "{code}")))
    assert routes == {(method, path) for method, path, _ in MATRIX}


def _in_progress(users, person):
    """The person's assessment in progress (started by their worker if there is none)."""
    return (Assessment.objects.filter(person=person, state=Assessment.State.IN_PROGRESS).first()
            or assessing.assessment_start(actor=users["scot_social_worker"], person=person))


def _ready(users, person):
    """The assessment in progress, with everything it needs to be completed."""
    worker = users["scot_social_worker"]
    assessment = _in_progress(users, person)
    talk = assessing.conversation_book(actor=worker, assessment=assessment,
                                       when=timezone.now() - datetime.timedelta(hours=1),
                                       mode="face_to_face")
    assessing.conversation_record(actor=worker, conversation=talk, participants="P, worker",
                                  notes="Talked")
    outcome_services.outcome_agree(actor=worker, outcome=_outcome(users, person, assessment))
    assessing.eligibility_decide(actor=worker, assessment=assessment,
                                 areas=[("personal_care", "critical", "Falls when washing")],
                                 reasons="Critical risk", next_steps="Budget next")
    return assessment


def _outcome(users, person, assessment):
    return outcome_services.outcome_add(
        actor=users["scot_social_worker"], person=person, assessment=assessment,
        in_own_words="Walk the dog round the park every morning again",
        category=OutcomeTerm.objects.get(code="mobility"), better_looks_like="Daily walks",
        measure="Walks five mornings a week")


def _no_assessment_in_progress(users, person):
    in_progress = Assessment.objects.filter(person=person, state=Assessment.State.IN_PROGRESS)
    if in_progress.exists():
        assessing.assessment_complete(actor=users["scot_social_worker"],
                                      assessment=_ready(users, person))


def _url(call, users, person):
    """The URL for ``call``, with the objects it names made through the services."""
    method, path, _ = call
    url = path.replace("{id}", str(person.pk))
    if path == "/api/people/{id}/assessments" and method == "POST":
        _no_assessment_in_progress(users, person)
    if path.endswith("/contributions"):
        consent_record(actor=users["scot_team_manager"], person=person,
                       scope=ConsentScope.SHARE_WITH_FAMILY, decision="given",
                       method=ConsentMethod.VERBAL)
    if "{assessment}" in url:
        if path.endswith("/complete"):
            assessment = _ready(users, person)
        elif path.endswith("/sign-off"):
            assessment = assessing.assessment_complete(actor=users["scot_social_worker"],
                                                       assessment=_ready(users, person))
        else:
            assessment = _in_progress(users, person)
        url = url.replace("{assessment}", str(assessment.pk))
    if "{outcome}" in url:
        outcome = _outcome(users, person, _in_progress(users, person))
        url = url.replace("{outcome}", str(outcome.pk))
    if "{conversation}" in url:
        talk = assessing.conversation_book(
            actor=users["scot_social_worker"], assessment=_in_progress(users, person),
            when=timezone.now() - datetime.timedelta(hours=1), mode="face_to_face")
        url = url.replace("{conversation}", str(talk.pk))
    if "{plan}" in url:
        url = url.replace("{plan}", str(carers_matrix.make_carer(users, person).pk))
    if "/budget" in path:
        _live_questionnaire(users, person)
    if "{authority}" in url:
        url = url.replace("{authority}", str(person.authority_id))
    if "{meeting}" in url:
        _live_questionnaire(users, person)
        url = url.replace("{meeting}", str(_panel_meeting(users, person).pk))
    if "{version}" in url:
        _live_questionnaire(users, person)
        version = allocation.live_version_on(person.authority, clock.today())
        url = url.replace("{version}", str(version.pk))
    if "{budget}" in url:
        budget = _indicative_budget(users, person)
        if path.endswith("/agree"):
            budget = allocation.budget_propose(actor=users["scot_social_worker"], budget=budget)
        url = url.replace("{budget}", str(budget.pk))
    if method == "POST" and path == "/api/people/{id}/plan":
        SupportPlan.objects.filter(person=person, status=SupportPlan.Status.DRAFT).delete()
    if path == "/api/people/{id}/plan" and method == "GET" or "{support_plan}" in url:
        plan = _draft_plan(users, person)
        url = url.replace("{support_plan}", str(plan.pk))
        if "{line}" in url:
            line = plans.line_add(actor=users["scot_social_worker"], plan=plan,
                                  expected_version=plan.version, what="Lunch club",
                                  who_kind="community", weekly_cost=500, option="3",
                                  service_type="meals")
            plan.refresh_from_db()
            url = url.replace("{line}", str(line.pk)) + f"?version={plan.version}"
    return _directory_url(path, users, person, _charging_url(path, users, person, url))


def _directory_url(path, users, person, url):
    """The provider, spending request, support line or referral ``path`` names, made
    through the services (a referral to a provider scot_provider_user works for)."""
    from selfdirect.planning.referrals import referral_send
    from selfdirect.providers.models import ProviderMember
    from selfdirect.spending import services as spending
    from tests.providers.factories import provider_in

    if "delivered-hours" in path or path.endswith("/support-lines"):
        # Hours are recorded on a line referred to scot_provider_user's provider and accepted.
        from selfdirect.planning.referrals import referral_respond

        provider = _referral_provider(person)
        ProviderMember.objects.get_or_create(provider=provider, user=users["scot_provider_user"])
        line = _provider_line(users, person)
        referral_respond(actor=users["scot_provider_user"], accept=True,
                         referral=referral_send(actor=users["scot_social_worker"], line=line,
                                                provider=provider))
        url = url.replace("{provider}", str(provider.pk)).replace("{support_line}",
                                                                  str(line.pk))
    if "{provider}" in url:
        url = url.replace("{provider}", str(provider_in(person.authority).pk))
    if "{spending_request}" in url:
        made = spending.spending_request_make(
            actor=users["the_person"], person=person, description="A weekend of respite",
            amount=50000, outcome=_agreed_outcome(person),
            wanted_on=clock.today())
        url = url.replace("{spending_request}", str(made.pk))
    if "{job}" in url:
        url = url.replace("{job}", str(jobs_matrix.a_job(users, person).pk))
    if "{support_line}" in url:
        url = url.replace("{support_line}", str(_provider_line(users, person).pk))
    if path.startswith("/api/referrals"):
        provider = _referral_provider(person)
        ProviderMember.objects.get_or_create(provider=provider, user=users["scot_provider_user"])
        referral = referral_send(actor=users["scot_social_worker"],
                                 line=_provider_line(users, person), provider=provider)
        url = url.replace("{referral}", str(referral.pk))
    return url


def _agreed_outcome(person):
    """One of the person's agreed outcomes (agreed with their worker if there is none)."""
    from selfdirect.outcomes.models import PersonalOutcome

    return (PersonalOutcome.objects.filter(person=person, state=PersonalOutcome.State.AGREED)
            .first()
            or PersonalOutcome.objects.create(
                person=person, in_own_words="A break now and then",
                created_by=person.allocated_worker, state=PersonalOutcome.State.AGREED,
                agreed_on=clock.today()))


def _provider_line(users, person):
    """A new Option 3 day-centre line in the person's draft plan."""
    plan = _draft_plan(users, person)
    return plans.line_add(actor=users["scot_social_worker"], plan=plan,
                          expected_version=plan.version, what="Day centre",
                          who_kind="provider", weekly_cost=4000, option="3",
                          service_type="day_service")


def _referral_provider(person):
    """A day centre on the framework list of the person's authority, working in all of it."""
    from selfdirect.providers.models import ProviderService
    from tests.providers.factories import provider_in

    found = ProviderService.objects.filter(name="Matrix day centre").first()
    if found is not None:
        return found.provider
    return provider_in(person.authority, name="Matrix day centre",
                       service_types=["day_service"])


def _charging_url(path, users, person, url):
    """The charging objects ``path`` names, made through the charging services."""
    if path == "/api/people/{id}/contribution":
        _contribution(users, person)
    if path == "/api/people/{id}/financial-assessments":
        _chargeable_service(users, person)
        in_progress = FinancialAssessment.objects.filter(
            person=person, status=FinancialAssessment.Status.IN_PROGRESS).first()
        if in_progress is not None:
            finance = users["scot_finance_officer"]
            charging.financial_assessment_update(actor=finance, assessment=in_progress,
                                                 benefits_check_done=True)
            charging.financial_assessment_complete(actor=finance, assessment=in_progress)
    if "{planned_service}" in url:
        url = url.replace("{planned_service}", str(_chargeable_service(users, person).pk))
    if "{financial_assessment}" in url:
        assessment = _financial_assessment(users, person)
        url = url.replace("{financial_assessment}", str(assessment.pk))
        if "{item}" in url:
            finance = users["scot_finance_officer"]
            if "/capital/" in path:
                item = charging.capital_add(actor=finance, assessment=assessment,
                                            kind="savings", amount=50000)
            elif "/expenses/" in path:
                item = charging.expense_add(actor=finance, assessment=assessment,
                                            kind="dre_heating", amount=500, period="week")
            else:
                item = charging.income_add(actor=finance, assessment=assessment,
                                           income_type="earnings", amount=5000, period="week")
            url = url.replace("{item}", str(item.pk))
    if "{waiver}" in url:
        waiver = charging.waiver_request(actor=users["scot_social_worker"], person=person,
                                         reason="Rent arrears", starts_on=clock.today())
        url = url.replace("{waiver}", str(waiver.pk))
    if "{code}" in url:
        url = url.replace("{code}", person.authority.code)
    if "{run}" in url:
        run = _payment_run(users, person, approved=path.endswith("/pay"))
        url = url.replace("{run}", str(run.pk))
    return url


def _payment_run(users, person, *, approved):
    """An empty run of the person's authority prepared by a finance officer who is not in
    the matrix (and approved by another one, when ``approved``)."""
    from selfdirect.authorities.models import Role
    from selfdirect.payments import runs
    from tests.factories import staff
    from tests.payments.factories import originator

    originator(person.authority)
    preparer = staff(person.authority, Role.FINANCE_OFFICER, None)
    run = runs.run_prepare(actor=preparer, authority=person.authority,
                           period_start=clock.today(), period_end=clock.today(),
                           pay_on=clock.today())
    if approved:
        run = runs.run_approve(actor=staff(person.authority, Role.FINANCE_OFFICER, None), run=run)
    return run


def _draft_plan(users, person):
    """The person's support plan being written (started by their worker if there is none)."""
    return (SupportPlan.objects.filter(person=person, status=SupportPlan.Status.DRAFT).first()
            or plans.plan_start(actor=users["scot_social_worker"], person=person))


def _chargeable_service(users, person):
    """A service charged by assessment, planned for the person from today (once per test)."""
    return (PlannedService.objects.filter(person=person).first()
            or charging.planned_service_add(
                actor=users["scot_social_worker"], person=person,
                service_type="social_support", description="Support to go swimming",
                weekly_cost=9000, starts_on=clock.today()))


def _financial_assessment(users, person):
    """The person's financial assessment in progress, ready to complete (£200 a week of
    ESA, the benefits check done)."""
    _chargeable_service(users, person)
    finance = users["scot_finance_officer"]
    assessment = FinancialAssessment.objects.filter(
        person=person, status=FinancialAssessment.Status.IN_PROGRESS).first()
    if assessment is None:
        assessment = charging.financial_assessment_start(actor=finance, person=person)
        charging.income_add(actor=finance, assessment=assessment, income_type="esa",
                            amount=20000, period="week")
        charging.financial_assessment_update(actor=finance, assessment=assessment,
                                             benefits_check_done=True)
    return assessment


def _contribution(users, person):
    """A contribution in force today, from a completed financial assessment."""
    if not person.contributions.exists():
        charging.financial_assessment_complete(actor=users["scot_finance_officer"],
                                               assessment=_financial_assessment(users, person))


def _live_questionnaire(users, person):
    """The default questionnaire, live in the person's authority (once per test)."""
    if allocation.live_version_on(person.authority, clock.today()) is None:
        admin = users["scot_administrator"]
        version = allocation.ras_version_create_default(
            actor=admin, authority=person.authority,
            effective_from=clock.today() - datetime.timedelta(days=30))
        allocation.ras_version_publish(actor=admin, version=version)


def _panel_meeting(users, person):
    """A meeting today of both Edinburgh panel staff, and a fresh budget for its agenda
    (an addition above the panel's threshold, proposed)."""
    worker, chair = users["scot_social_worker"], users["scot_panel_member"]
    budget = _indicative_budget(users, person)
    allocation.budget_adjust(actor=worker, budget=budget, kind="add_amount",
                             reason_code="two_carers", reason="Two carers for transfers",
                             amount=Decimal("600.00"))
    budget.refresh_from_db()
    allocation.budget_propose(actor=worker, budget=budget)
    return panel.panel_meeting_create(actor=chair, authority=person.authority,
                                      date=clock.today(), chair=chair,
                                      members=[chair, users["scot_team_manager"]])


def _body(body, person):
    """The JSON body, with the budget waiting for the panel and today's date filled in."""
    if body and "{panel_budget}" in body:
        budget = IndicativeBudget.objects.filter(
            person=person, state=IndicativeBudget.State.PROPOSED, needs_panel=True).latest("pk")
        body = body.replace("{panel_budget}", str(budget.pk))
    if body and "{monday}" in body:  # the week that has just begun
        today = clock.today()
        body = body.replace("{monday}", (today - datetime.timedelta(days=today.weekday()))
                            .isoformat())
    if body and "{today}" in body:
        body = body.replace("{today}", clock.today().isoformat())
    if body and "{plan_version}" in body:  # the version as the caller would have read it
        plan = SupportPlan.objects.get(person=person, status=SupportPlan.Status.DRAFT)
        body = body.replace("{plan_version}", str(plan.version))
    if body and "{agreed_outcome}" in body:
        body = body.replace("{agreed_outcome}", str(_agreed_outcome(person).pk))
    if body and "{referral_provider}" in body:
        body = body.replace("{referral_provider}", str(_referral_provider(person).pk))
    return body or ""


def _indicative_budget(users, person):
    """An indicative budget from the assessment in progress: when that assessment's budget
    is already proposed, the assessment is completed and a new one started."""
    from tests.allocation.test_ras import ANSWERS

    worker = users["scot_social_worker"]
    assessment = _in_progress(users, person)
    if IndicativeBudget.objects.filter(assessment=assessment).exclude(
            state=IndicativeBudget.State.INDICATIVE).exists():
        _no_assessment_in_progress(users, person)
        assessment = _in_progress(users, person)
    allocation.ras_responses_record(actor=worker, assessment=assessment, answers=ANSWERS)
    return allocation.indicative_budget_calculate(actor=worker, assessment=assessment)


# Calls whose success changes the object so that a second success would be refused
# (started twice, agreed twice, completed twice): each actor gets fresh objects.
FRESH_PER_ACTOR = {
    ("POST", "/api/people/{id}/assessments"),
    ("POST", "/api/outcomes/{outcome}/agree"),
    ("POST", "/api/conversations/{conversation}/record"),
    ("POST", "/api/assessments/{assessment}/complete"),
    ("POST", "/api/budgets/{budget}/propose"),
    ("POST", "/api/panel/meetings/{meeting}/decisions"),
    ("POST", "/api/people/{id}/financial-assessments"),
    ("POST", "/api/financial-assessments/{financial_assessment}/complete"),
    ("DELETE", "/api/financial-assessments/{financial_assessment}/incomes/{item}"),
    ("DELETE", "/api/financial-assessments/{financial_assessment}/capital/{item}"),
    ("DELETE", "/api/financial-assessments/{financial_assessment}/expenses/{item}"),
    ("POST", "/api/waivers/{waiver}/decision"),
    ("POST", "/api/payment-runs/{run}/approve"),
    ("POST", "/api/people/{id}/plan"),
    ("DELETE", "/api/plans/{support_plan}/lines/{line}"),
    ("POST", "/api/spending-requests/{spending_request}/decision"),
    ("POST", "/api/support-lines/{support_line}/referrals"),
    ("POST", "/api/referrals/{referral}/response"),
    ("POST", "/api/referrals/{referral}/withdraw"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("call", list(MATRIX), ids=lambda c: f"{c[0]} {c[1]}")
def test_api_permission_matrix(client, cast, call):
    users, person = cast
    method, path, body = call
    url = _url(call, users, person)
    got = {}
    for actor in ACTORS:
        if (method, path) in FRESH_PER_ACTOR and actor != ACTORS[0]:
            url = _url(call, users, person)
        headers = {}
        if actor != "anonymous":
            _, raw = api_token_create(user=users[actor], name="matrix", scope="read_write")
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        response = client.generic(method, url, _body(body, person),
                                  content_type="application/json",
                                  **headers)
        got[actor] = response.status_code
    assert got == MATRIX[call]
