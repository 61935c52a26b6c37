"""The staff pages for referrals and assessments: who gets them, what they show, that bad
input names the field and saves nothing, that user text is escaped, and that the
assessment page runs a fixed number of queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import (
    Assessment,
    Contribution,
    Conversation,
    EligibilityDecision,
    Referral,
    Risk,
)
from selfdirect.audit.models import AccessLog
from selfdirect.core import clock
from selfdirect.outcomes import services as outcomes
from selfdirect.outcomes.models import OutcomeTerm, PersonalOutcome
from selfdirect.people.models import ConsentMethod, ConsentScope
from selfdirect.people.services import communication_needs_set, consent_record
from tests.factories import TEST_PASSWORD, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
SW = "scot_social_worker"
TM = "scot_team_manager"
FO = "scot_finance_officer"
PAST = timezone.now() - datetime.timedelta(hours=2)
SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def sign_in(client, user):
    client.logout()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def term(code):
    return OutcomeTerm.objects.get(code=code)


def h1s(html):
    return re.findall(r"<h1[ >].*?</h1>", html, flags=re.S)


@pytest.fixture
def case(world):
    """Aileen, allocated to the social worker, with an assessment in progress."""
    worker = world.user(SW)
    aileen = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker,
                           given_name="Aileen", family_name="Brown", user=UserFactory())
    assessment = assessing.assessment_start(actor=worker, person=aileen)
    return worker, aileen, assessment


def consent_to_contributions(worker, person):
    for scope in (ConsentScope.SHARE_WITH_FAMILY, ConsentScope.SHARE_WITH_PROFESSIONALS):
        consent_record(actor=worker, person=person, scope=scope, decision="given",
                       method=ConsentMethod.VERBAL)


def ready_to_complete(worker, assessment):
    talk = assessing.conversation_book(actor=worker, assessment=assessment, when=PAST,
                                       mode="face_to_face")
    assessing.conversation_record(actor=worker, conversation=talk, participants="Aileen, worker",
                                  notes="Talked about the lunch club")
    outcome = outcomes.outcome_add(
        actor=worker, person=assessment.person, assessment=assessment,
        in_own_words="I want to get back to the Thursday lunch club at the church hall",
        category=term("seeing_people"), better_looks_like="Going most Thursdays",
        measure="Goes to the lunch club three Thursdays a month")
    outcomes.outcome_agree(actor=worker, outcome=outcome)
    assessing.eligibility_decide(actor=worker, assessment=assessment,
                                 areas=[("relationships", "substantial", "Isolated at home")],
                                 reasons="Substantial risk of isolation",
                                 next_steps="An indicative budget will be worked out")


def page_urls(assessment, conversation, outcome):
    a = assessment.pk
    return {
        "referral-new": reverse("referral-new", args=[assessment.person_id]),
        "assessment-list": reverse("assessment-list", args=[assessment.person_id]),
        "assessment-detail": reverse("assessment-detail", args=[a]),
        "assessment-print": reverse("assessment-print", args=[a]),
        "assessment-edit": reverse("assessment-edit", args=[a]),
        "conversation-new": reverse("conversation-new", args=[a]),
        "conversation-record": reverse("conversation-record", args=[a, conversation.pk]),
        "conversation-cancel": reverse("conversation-cancel", args=[a, conversation.pk]),
        "outcome-new": reverse("outcome-new", args=[a]),
        "outcome-edit": reverse("outcome-edit", args=[a, outcome.pk]),
        "outcome-agree": reverse("outcome-agree", args=[a, outcome.pk]),
        "contribution-new": reverse("contribution-new", args=[a]),
        "risk-new": reverse("risk-new", args=[a]),
        "assessment-eligibility": reverse("assessment-eligibility", args=[a]),
        "assessment-complete": reverse("assessment-complete", args=[a]),
        "assessment-service-started": reverse("assessment-service-started", args=[a]),
    }


@pytest.fixture
def pages(case):
    worker, aileen, assessment = case
    conversation = assessing.conversation_book(actor=worker, assessment=assessment, when=PAST,
                                               mode="video")
    outcome = outcomes.outcome_add(actor=worker, person=aileen, assessment=assessment,
                                   in_own_words="I want to see my grandchildren on Sundays")
    return page_urls(assessment, conversation, outcome)


# --- Who gets which page -----------------------------------------------------------------


def test_every_page_renders_for_the_worker_with_one_h1_and_the_needs_banner(client, case, pages):
    worker, aileen, _ = case
    communication_needs_set(actor=worker, person=aileen, needs={"large_print": ""})
    sign_in(client, worker)
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert len(h1s(html)) == 1, (name, h1s(html))
        assert "Large print" in html, name
        assert "<title>Error:" not in html, name


def test_sign_off_renders_for_the_team_manager_only(client, world, case):
    worker, _, assessment = case
    url = reverse("assessment-sign-off", args=[assessment.pk])
    assert sign_in(client, world.user(TM)).get(url).status_code == 200
    assert sign_in(client, worker).get(url).status_code == 404


def test_a_finance_officer_sees_the_assessment_but_cannot_change_it(client, world, case, pages):
    worker, aileen, assessment = case
    ready_to_complete(worker, assessment)
    officer = world.user(FO)
    sign_in(client, officer)
    html = client.get(pages["assessment-detail"]).content.decode()
    assert "Substantial risk of isolation" in html
    for action in ("Add an outcome", "Book a conversation", "Record a risk",
                   "Complete the assessment", "Agree this outcome", "Change what was discussed",
                   "Record the eligibility decision", "Add a contribution"):
        assert action not in html, action
    assert client.get(pages["assessment-print"]).status_code == 200
    assert client.get(pages["assessment-list"]).status_code == 200
    for name, url in pages.items():
        if name in ("assessment-detail", "assessment-print", "assessment-list"):
            continue
        assert client.get(url).status_code == 404, name
    assert client.post(pages["risk-new"], {"risk": "r", "what_person_wants": "w"}).status_code == 404
    assert client.post(pages["assessment-list"]).status_code == 404
    assert not Risk.objects.exists()
    assert Assessment.objects.count() == 1
    # The refusals are in the access log as refusals.
    refused = AccessLog.objects.filter(user=officer, person_id=aileen.pk,
                                       outcome=AccessLog.Outcome.DENIED)
    assert refused.filter(path=pages["assessment-edit"]).count() == 1
    assert not AccessLog.objects.filter(user=officer, path=pages["assessment-edit"],
                                        outcome=AccessLog.Outcome.VIEWED).exists()


def test_another_team_gets_not_found_and_the_attempt_is_logged(client, world, case, pages):
    _, aileen, _ = case
    other = world.user("scot_other_social_worker")
    sign_in(client, other)
    assert client.get(pages["assessment-detail"]).status_code == 404
    assert client.get(pages["outcome-new"]).status_code == 404
    assert AccessLog.objects.filter(user=other, person_id=aileen.pk,
                                    outcome=AccessLog.Outcome.DENIED).count() == 2


def test_opening_the_assessment_is_logged_once(client, case, pages):
    worker, aileen, _ = case
    sign_in(client, worker)
    for name in ("assessment-detail", "outcome-new"):
        before = AccessLog.objects.filter(user=worker, person_id=aileen.pk).count()
        client.get(pages[name])
        entries = AccessLog.objects.filter(user=worker, person_id=aileen.pk)
        assert entries.count() == before + 1, name
        assert entries.order_by("-id").first().outcome == AccessLog.Outcome.VIEWED


# --- Referrals and starting --------------------------------------------------------------


def test_a_referral_is_recorded_and_the_assessment_started_from_the_list(client, world):
    worker = world.user(SW)
    ben = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker,
                        given_name="Ben")
    sign_in(client, worker)
    today = clock.today()
    response = client.post(reverse("referral-new", args=[ben.pk]), {
        "source": "family", "referrer_name": "Ben's mother", "referrer_contact": "0131 496 0000",
        "reason": "Ben needs help getting out", "urgency": "routine",
        "received_on_day": str(today.day), "received_on_month": str(today.month),
        "received_on_year": str(today.year)})
    assert response.status_code == 302
    assert response.url == reverse("assessment-list", args=[ben.pk])
    referral = Referral.objects.get()
    assert (referral.person, referral.source, referral.received_on) == (ben, "family", today)
    html = client.get(response.url).content.decode()
    assert "Ben needs help getting out" in html

    started = client.post(reverse("assessment-list", args=[ben.pk]))
    assessment = Assessment.objects.get()
    assert started.url == reverse("assessment-detail", args=[assessment.pk])
    assert assessment.referral == referral
    html = client.get(started.url).content.decode()
    assert "Ben needs help getting out" in html

    again = client.post(reverse("assessment-list", args=[ben.pk]))
    assert again.status_code == 200
    html = again.content.decode()
    assert "already has an assessment in progress" in html
    assert "<title>Error:" in html
    assert Assessment.objects.count() == 1


# --- Each form's error path --------------------------------------------------------------

TODAY = clock.today()
NEXT_YEAR = str(TODAY.year + 1)
REFERRAL = {"source": "self", "reason": "Help with meals", "urgency": "routine",
            "received_on_day": "1", "received_on_month": "2", "received_on_year": "2025"}
BOOKING = {"date_day": "3", "date_month": "4", "date_year": str(TODAY.year + 1), "time": "14:30",
           "mode": "face_to_face"}
OUTCOME = {"in_own_words": "I want to get back to the lunch club", "priority": "2",
           "proposed_by": "person"}
CONTRIBUTION = {"contributor_name": "Jean Brown", "contributor_role": "family",
                "content": "She is lonely since the bus route changed"}
RISK = {"risk": "Falls on the stairs to the hall", "what_person_wants": "To go anyway"}
ELIGIBILITY = {"band_relationships": "substantial", "reason_relationships": "Isolated",
               "reasons": "Substantial risk", "next_steps": "Budget next",
               "challenge_route": "Tell your worker"}


def _with(base, **changes):
    data = {**base, **changes}
    return {k: v for k, v in data.items() if v is not None}


ERROR_CASES = [
    ("referral-new", _with(REFERRAL, source=None), "source_0", "Select who made the referral", Referral),
    ("referral-new", _with(REFERRAL, reason=""), "reason", "Enter what help is needed", Referral),
    ("referral-new", _with(REFERRAL, received_on_year=NEXT_YEAR), "received_on_0",
     "Date received must be today or in the past", Referral),
    ("referral-new", _with(REFERRAL, received_on_month=""), "received_on_0",
     "Date received must include a month", Referral),
    ("assessment-edit", {"strengths": "x" * 5001}, "strengths",
     "Strengths must be 5,000 characters or fewer", None),
    ("conversation-new", _with(BOOKING, time="25:00"), "time",
     "Conversation time must be in 24-hour clock", Conversation),
    ("conversation-new", _with(BOOKING, time=""), "time", "Enter conversation time", Conversation),
    ("conversation-new", _with(BOOKING, date_day=""), "date_0", "Conversation date must include a day",
     Conversation),
    ("conversation-new", _with(BOOKING, mode=None), "mode_0",
     "Select how the conversation will happen", Conversation),
    ("conversation-record", {"participants": "", "notes": "Talked"}, "participants",
     "Enter who took part", None),
    ("conversation-record", {"participants": "Aileen", "notes": ""}, "notes",
     "Enter what was talked about", None),
    ("conversation-cancel", {"reason": ""}, "reason", "Enter why it is cancelled", None),
    ("outcome-new", _with(OUTCOME, in_own_words=""), "in_own_words",
     "Enter what matters, in the person&#x27;s own words", PersonalOutcome),
    ("outcome-new", _with(OUTCOME, category="999999"), "category_0",
     "Select outcome category from the list", PersonalOutcome),
    ("outcome-edit", _with(OUTCOME, in_own_words=""), "in_own_words",
     "Enter what matters, in the person&#x27;s own words", None),
    ("contribution-new", _with(CONTRIBUTION, contributor_name=""), "contributor_name",
     "Enter contributor&#x27;s name", Contribution),
    ("contribution-new", _with(CONTRIBUTION, contributor_role=None), "contributor_role_0",
     "Select contributor&#x27;s role", Contribution),
    ("risk-new", _with(RISK, risk=""), "risk", "Enter the risk", Risk),
    ("assessment-eligibility", _with(ELIGIBILITY, reason_relationships=""),
     "reason_relationships", "Enter the reason for the band of relationships and social contact",
     EligibilityDecision),
    ("assessment-eligibility", _with(ELIGIBILITY, band_relationships="", reason_relationships=""),
     "band_personal_care", "Select the band of at least one area of need", EligibilityDecision),
    ("assessment-eligibility", _with(ELIGIBILITY, band_relationships="low"), "signposting",
     "Enter the community support suggested", EligibilityDecision),
    ("assessment-eligibility", _with(ELIGIBILITY, reasons=""), "reasons",
     "Enter reasons for the decision", EligibilityDecision),
]


@pytest.mark.parametrize(("page", "data", "anchor", "message", "model"), ERROR_CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in ERROR_CASES])
def test_bad_input_names_the_field_and_saves_nothing(client, case, pages, page, data, anchor,
                                                     message, model):
    worker, aileen, assessment = case
    consent_to_contributions(worker, aileen)
    before = model.objects.count() if model else None
    history = (assessment.history.count(), Conversation.history.count(),
               PersonalOutcome.history.count())
    response = sign_in(client, worker).post(pages[page], data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'class="govuk-error-summary"' in html
    assert f'href="#id_{anchor}"' in html
    assert "<title>Error:" in html
    if model:
        assert model.objects.count() == before
    assert (assessment.history.count(), Conversation.history.count(),
            PersonalOutcome.history.count()) == history


def test_support_started_needs_a_completed_assessment_and_a_real_date(client, world, case):
    worker, _, assessment = case
    url = reverse("assessment-service-started", args=[assessment.pk])
    sign_in(client, worker)
    html = client.get(url).content.decode()
    assert "Complete the assessment before recording that support started" in html
    assert 'name="service_started_on_day"' not in html
    ready_to_complete(worker, assessment)
    assessing.assessment_complete(actor=worker, assessment=assessment)
    bad = client.post(url, {"service_started_on_day": "31", "service_started_on_month": "2",
                            "service_started_on_year": "2026"})
    assert "Date support started must be a real date" in bad.content.decode()
    future = client.post(url, {"service_started_on_day": "1", "service_started_on_month": "1",
                               "service_started_on_year": NEXT_YEAR})
    assert "Date support started must be today or in the past" in future.content.decode()
    assessment.refresh_from_db()
    assert assessment.service_started_on is None
    today = clock.today()
    done = client.post(url, {"service_started_on_day": str(today.day),
                             "service_started_on_month": str(today.month),
                             "service_started_on_year": str(today.year)})
    assert done.status_code == 302
    assessment.refresh_from_db()
    assert assessment.service_started_on == today


# --- Outcomes ----------------------------------------------------------------------------


def test_the_add_outcome_form_groups_talking_points_and_lists_national_outcomes(client, case):
    worker, _, assessment = case
    html = sign_in(client, worker).get(reverse("outcome-new", args=[assessment.pk])).content.decode()
    legends = re.findall(r'<legend class="govuk-fieldset__legend[^"]*">\s*(.*?)\s*</legend>', html)
    for group in ("Quality of life", "Process", "Change", "National Health and Wellbeing Outcomes",
                  "Community Care National Outcomes"):
        assert group in legends, legends
    assert html.count('name="category" type="radio"') == 15
    assert 'id="id_category_0"' in html
    assert "Improved social inclusion" in html
    assert "Control over daily life" not in html  # ASCOT is England's


def test_in_england_the_categories_are_ascot(client, world):
    worker = world.user("eng_social_worker")
    person = PersonFactory(authority=world.eng, team=world.eng_team, allocated_worker=worker)
    assessment = assessing.assessment_start(actor=worker, person=person)
    html = sign_in(client, worker).get(reverse("outcome-new", args=[assessment.pk])).content.decode()
    assert "Control over daily life" in html
    assert "Feeling safe" not in html
    # England has no risk-band threshold: the eligibility page says so and does not break.
    html = client.get(reverse("assessment-eligibility", args=[assessment.pk])).content.decode()
    assert "no eligibility threshold in force today" in html


def test_the_agree_page_names_each_failing_check_until_the_outcome_can_be_agreed(client, case):
    worker, aileen, assessment = case
    sign_in(client, worker)
    added = client.post(reverse("outcome-new", args=[assessment.pk]), {
        **OUTCOME, "in_own_words": "I want to get back to the Thursday lunch club at the hall",
        "better_looks_like": "Going every week", "national_outcomes": [term("cc_social_inclusion").pk]})
    assert added.status_code == 302
    outcome = PersonalOutcome.objects.get()
    assert [t.code for t in outcome.national_outcomes.all()] == ["cc_social_inclusion"]
    agree = reverse("outcome-agree", args=[assessment.pk, outcome.pk])
    edit = reverse("outcome-edit", args=[assessment.pk, outcome.pk])

    detail = client.get(reverse("assessment-detail", args=[assessment.pk])).content.decode()
    assert "Add how you will both know" in detail
    assert agree in detail

    html = client.get(agree).content.decode()
    assert "This outcome cannot be agreed yet" in html
    assert f'href="{edit}#id_measure"' in html
    assert "Add how you will both know" in html
    assert f'href="{edit}#id_category_0"' in html
    assert "Choose the outcome category" in html
    assert "Agree this outcome</button>" not in html

    refused = client.post(agree)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "<title>Error:" in html and "There is a problem" in html
    assert "Add how you will both know" in html
    outcome.refresh_from_db()
    assert outcome.state == PersonalOutcome.State.DRAFT

    changed = client.post(edit, {
        **OUTCOME, "in_own_words": outcome.in_own_words, "better_looks_like": "Going every week",
        "measure": "Goes three Thursdays a month", "category": term("seeing_people").pk,
        "national_outcomes": [term("cc_social_inclusion").pk, term("nhwo_4").pk]})
    assert changed.status_code == 302
    html = client.get(agree).content.decode()
    assert "cannot be agreed" not in html
    assert "Agree this outcome</button>" in html
    agreed = client.post(agree)
    assert agreed.status_code == 302
    outcome.refresh_from_db()
    assert (outcome.state, outcome.agreed_by) == (PersonalOutcome.State.AGREED, worker)
    assert outcome.measure == "Goes three Thursdays a month"
    assert sorted(t.code for t in outcome.national_outcomes.all()) == ["cc_social_inclusion", "nhwo_4"]
    # Once agreed it is changed at a review, not here.
    html = client.get(edit).content.decode()
    assert "changed at a review" in html and 'name="in_own_words"' not in html


# --- Conversations -----------------------------------------------------------------------


def test_the_booking_page_shows_caras_needs_and_refuses_a_phone_call(client, world):
    worker = world.user(SW)
    cara = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker,
                         given_name="Cara", family_name="Stewart")
    communication_needs_set(actor=worker, person=cara,
                            needs={"bsl_interpreter": "", "face_to_face_only": ""})
    assessment = assessing.assessment_start(actor=worker, person=cara)
    url = reverse("conversation-new", args=[assessment.pk])
    sign_in(client, worker)
    html = client.get(url).content.decode()
    needs = html[html.index('id="needs-to-arrange"'):html.index('name="date_day"')]
    assert "BSL interpreter" in needs and "Face-to-face meetings only" in needs
    assert "I have arranged for these needs" in html
    assert 'name="needs_acknowledged"' in html

    refused = client.post(url, _with(BOOKING, mode="phone"))
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "face-to-face meetings only" in html
    assert 'href="#id_mode_0"' in html
    assert 'href="#id_needs_acknowledged"' in html
    assert 'href="#id_adjustments"' in html
    assert not Conversation.objects.exists()

    booked = client.post(url, _with(BOOKING, needs_acknowledged="on",
                                    adjustments="BSL interpreter booked (agency ref 4471)"))
    assert booked.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.mode == "face_to_face"
    assert conversation.needs_acknowledged_by == worker
    assert timezone.localtime(conversation.when).strftime("%d %m %H:%M") == "03 04 14:30"
    detail = client.get(reverse("assessment-detail", args=[assessment.pk])).content.decode()
    assert "BSL interpreter booked (agency ref 4471)" in detail


def test_a_conversation_is_recorded_as_held_or_cancelled(client, case):
    worker, _, assessment = case
    held = assessing.conversation_book(actor=worker, assessment=assessment, when=PAST, mode="video")
    later = assessing.conversation_book(actor=worker, assessment=assessment,
                                        when=timezone.now() + datetime.timedelta(days=2),
                                        mode="face_to_face")
    sign_in(client, worker)
    record = reverse("conversation-record", args=[assessment.pk, held.pk])
    assert client.post(record, {"participants": "Aileen, her daughter",
                                "notes": "Lunch club"}).status_code == 302
    too_soon = client.post(reverse("conversation-record", args=[assessment.pk, later.pk]),
                           {"participants": "Aileen", "notes": "n"})
    assert "once its time has come" in too_soon.content.decode()
    assert client.post(reverse("conversation-cancel", args=[assessment.pk, later.pk]),
                       {"reason": "Interpreter not available"}).status_code == 302
    held.refresh_from_db()
    later.refresh_from_db()
    assert (held.state, held.participants, later.state) == ("held", "Aileen, her daughter",
                                                            "cancelled")
    html = client.get(reverse("assessment-detail", args=[assessment.pk])).content.decode()
    assert "Held" in html and "Cancelled" in html
    # A conversation of another assessment is not found through this one.
    other = PersonFactory(authority=assessment.person.authority, team=assessment.person.team,
                          allocated_worker=worker)
    elsewhere = assessing.assessment_start(actor=worker, person=other)
    assert client.get(reverse("conversation-record",
                              args=[elsewhere.pk, held.pk])).status_code == 404


# --- Contributions -----------------------------------------------------------------------


def test_a_contribution_without_consent_saves_nothing_and_links_to_consent(client, case):
    worker, aileen, assessment = case
    url = reverse("contribution-new", args=[assessment.pk])
    response = sign_in(client, worker).post(url, CONTRIBUTION)
    assert response.status_code == 200
    html = response.content.decode()
    assert "has not given consent for family to contribute" in html
    assert "Nothing has been saved" in html
    assert f'href="{reverse("consent-add", args=[aileen.pk])}"' in html
    assert "<title>Error:" in html
    assert not Contribution.objects.exists()


def test_contributions_say_who_said_what_and_worker_only_ones_stay_with_the_worker(
        client, world, case):
    worker, aileen, assessment = case
    consent_to_contributions(worker, aileen)
    url = reverse("contribution-new", args=[assessment.pk])
    sign_in(client, worker)
    assert client.post(url, CONTRIBUTION).status_code == 302
    assert client.post(url, {"contributor_name": "Dr Iqbal", "contributor_role": "psychiatrist",
                             "content": "Mood is better on days out",
                             "worker_only": "on"}).status_code == 302
    detail = reverse("assessment-detail", args=[assessment.pk])
    html = client.get(detail).content.decode()
    assert "Jean Brown" in html and "Family member" in html
    assert "Dr Iqbal" in html and "Psychiatrist" in html
    assert "Seen only by the worker" in html
    html = sign_in(client, world.user(TM)).get(detail).content.decode()
    assert "Jean Brown" in html
    assert "Dr Iqbal" not in html


# --- Eligibility, completion and sign-off ------------------------------------------------


def test_the_eligibility_page_shows_the_threshold_and_records_the_decision(client, case):
    worker, _, assessment = case
    url = reverse("assessment-eligibility", args=[assessment.pk])
    sign_in(client, worker)
    html = client.get(url).content.decode()
    assert "threshold today is <strong>substantial</strong>" in html
    assert "Scottish Public Services Ombudsman" in html  # the challenge route, prefilled
    assert html.count('<option value="" selected>Not assessed</option>') == 9
    response = client.post(url, _with(ELIGIBILITY, band_home="low",
                                      reason_home="Manages the house"))
    assert response.status_code == 302
    decision = EligibilityDecision.objects.get()
    assert (decision.overall_band, decision.eligible) == ("substantial", True)
    assert sorted(a.area for a in decision.areas.all()) == ["home", "relationships"]
    html = client.get(reverse("assessment-detail", args=[assessment.pk])).content.decode()
    assert "Eligible" in html and "Manages the house" in html


def test_complete_then_sign_off_by_another_team_manager(client, world, case):
    worker, _, assessment = case
    complete = reverse("assessment-complete", args=[assessment.pk])
    sign_off = reverse("assessment-sign-off", args=[assessment.pk])
    sign_in(client, worker)
    html = client.get(complete).content.decode()
    assert "Record at least one conversation that was held" in html
    assert "Complete the assessment</button>" not in html
    refused = client.post(complete)
    assert refused.status_code == 200 and "<title>Error:" in refused.content.decode()
    ready_to_complete(worker, assessment)
    detail = client.get(reverse("assessment-detail", args=[assessment.pk])).content.decode()
    assert complete in detail
    assert "Complete the assessment</button>" in client.get(complete).content.decode()
    assert client.post(complete).status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.COMPLETED
    # Nothing can be changed now.
    html = client.get(reverse("risk-new", args=[assessment.pk])).content.decode()
    assert "can no longer be changed" in html

    manager = world.user(TM)
    sign_in(client, manager)
    assert "Sign off the assessment" in client.get(
        reverse("assessment-detail", args=[assessment.pk])).content.decode()
    assert client.post(sign_off).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.state, assessment.approved_by) == (Assessment.State.APPROVED, manager)


def test_a_team_manager_cannot_sign_off_what_they_completed(client, world):
    manager = world.user(TM)
    person = PersonFactory(authority=world.scot, team=world.scot_team)
    assessment = assessing.assessment_start(actor=manager, person=person)
    ready_to_complete(manager, assessment)
    assessing.assessment_complete(actor=manager, assessment=assessment)
    url = reverse("assessment-sign-off", args=[assessment.pk])
    sign_in(client, manager)
    assert "Another team manager must sign off" in client.get(url).content.decode()
    html = client.post(url).content.decode()
    assert "<title>Error:" in html and "Another team manager must sign off" in html
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.COMPLETED


# --- What the pages show, and how --------------------------------------------------------


def test_the_shared_self_assessment_is_the_workers_starting_point(client, world):
    worker = world.user(SW)
    account = UserFactory()
    dan = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker,
                        given_name="Dan", family_name="Reid", user=account)
    assessing.self_assessment_save(actor=account, person=dan, share=True,
                                   what_matters="Doing my own shopping on Fridays")
    assessment = assessing.assessment_start(actor=worker, person=dan)
    assessing.assessment_comment_add(actor=account, assessment=assessment,
                                     text="Please phone before you visit")
    html = sign_in(client, worker).get(
        reverse("assessment-detail", args=[assessment.pk])).content.decode()
    assert "In Dan Reid's words" in html
    assert "Doing my own shopping on Fridays" in html
    assert "Please phone before you visit" in html


def test_user_text_is_shown_escaped_everywhere(client, world, case):
    worker, aileen, assessment = case
    consent_to_contributions(worker, aileen)
    assessing.assessment_update(actor=worker, assessment=assessment, strengths=SCRIPT)
    outcomes.outcome_add(actor=worker, person=aileen, assessment=assessment,
                         in_own_words=SCRIPT, better_looks_like=SCRIPT, measure=SCRIPT)
    assessing.contribution_add(actor=worker, assessment=assessment, contributor_name=SCRIPT,
                               contributor_role="family", content=SCRIPT)
    assessing.risk_add(actor=worker, assessment=assessment, risk=SCRIPT, what_person_wants=SCRIPT)
    assessing.conversation_book(actor=worker, assessment=assessment, when=PAST, mode="video",
                                participants=SCRIPT, adjustments=SCRIPT)
    assessing.assessment_comment_add(actor=aileen.user, assessment=assessment, text=SCRIPT)
    assessing.referral_record(actor=worker, person=aileen, source="self", urgency="routine",
                              reason=SCRIPT, referrer_name=SCRIPT)
    sign_in(client, worker)
    for url in (reverse("assessment-detail", args=[assessment.pk]),
                reverse("assessment-print", args=[assessment.pk]),
                reverse("assessment-list", args=[aileen.pk])):
        html = client.get(url).content.decode()
        assert SCRIPT not in html, url
        assert ESCAPED in html, url


def test_the_person_reads_the_plain_english_copy_without_worker_only_notes(client, case):
    worker, aileen, assessment = case
    consent_to_contributions(worker, aileen)
    ready_to_complete(worker, assessment)
    assessing.contribution_add(actor=worker, assessment=assessment, contributor_name="Jean",
                               contributor_role="family", content="She misses the club")
    assessing.contribution_add(actor=worker, assessment=assessment, contributor_name="Dr Iqbal",
                               contributor_role="gp", content="Private note", worker_only=True)
    response = sign_in(client, aileen.user).get(reverse("assessment-print", args=[assessment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("What matters to you", "What we agreed", "Who said what",
                    "Eligibility decision and how to challenge it"):
        assert f">{heading}</h2>" in html, heading
    assert "Goes to the lunch club three Thursdays a month" in html
    assert "She misses the club" in html
    assert "Private note" not in html
    assert "Scottish Public Services Ombudsman" in html
    assert "You are eligible for support" in html


# --- A fixed number of queries -----------------------------------------------------------


def _add_rows(worker, assessment, count, start):
    person = assessment.person
    nationals = [term("nhwo_2"), term("cc_independence")]
    for i in range(start, start + count):
        outcome = outcomes.outcome_add(
            actor=worker, person=person, assessment=assessment,
            in_own_words=f"Outcome {i}: back to the Thursday lunch club at the church hall",
            category=term("seeing_people"), national_outcomes=nationals,
            better_looks_like="Going every week", measure="" if i % 3 == 1 else "Three a month")
        if i % 3 == 0:
            outcomes.outcome_agree(actor=worker, outcome=outcome)
        talk = assessing.conversation_book(actor=worker, assessment=assessment, when=PAST,
                                           mode="video", adjustments="Large print agenda",
                                           needs_acknowledged=True)
        if i % 2:
            assessing.conversation_record(actor=worker, conversation=talk,
                                          participants="Aileen", notes=f"Talk {i}")
        assessing.contribution_add(actor=worker, assessment=assessment,
                                   contributor_name=f"Contributor {i}",
                                   contributor_role="family" if i % 2 else "gp",
                                   content="Said something", worker_only=i % 4 == 0)
        assessing.risk_add(actor=worker, assessment=assessment, risk=f"Risk {i}",
                           what_person_wants="To go anyway")
        assessing.assessment_comment_add(actor=person.user, assessment=assessment,
                                         text=f"Comment {i}")


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_assessment_page_runs_the_same_queries_for_2_or_20_of_everything(client, world, case):
    worker, aileen, assessment = case
    communication_needs_set(actor=worker, person=aileen, needs={"large_print": ""})
    consent_to_contributions(worker, aileen)
    assessing.eligibility_decide(actor=worker, assessment=assessment,
                                 areas=[("home", "critical", "Falls"), ("health", "low", "OK")],
                                 reasons="Critical risk", next_steps="Budget next")
    _add_rows(worker, assessment, 2, 0)
    urls = [reverse("assessment-detail", args=[assessment.pk]),
            reverse("assessment-print", args=[assessment.pk])]
    sign_in(client, worker)
    small = [_queries(client, url) for url in urls]
    _add_rows(worker, assessment, 18, 2)
    assert Contribution.objects.count() == 20 and PersonalOutcome.objects.count() == 20
    large = [_queries(client, url) for url in urls]
    assert large == small
    assert small[0] <= 30, small
