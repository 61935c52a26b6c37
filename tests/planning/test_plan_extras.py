"""Three additions to the support plan pages: a family member paid as a personal assistant
(scenario 9, through the pages), the person's cultural and personal needs carried into the
plan, the printable copy and its PDF (scenario 13's plan part), and the printable plan
and PDF as agreement artefacts. Who may open each new page is in
``tests/planning/matrix_plans.py``, run by the loop in ``test_plan_pages.py``."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from selfdirect.allocation import services as allocation
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.models import CommunicationNeed, Preferences
from selfdirect.planning import pdf, plans
from selfdirect.planning.models import FamilyCircumstance, FamilyPaException, SupportPlan
from tests.allocation.matrix_budget import make_budget
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 25)
CROFT = "I want to stay in my own croft and get up when I choose"
WHY = "Iona lives on Colonsay: no care agency covers the island, and none will travel."
APPROVAL = "No provider covers Colonsay; Catriona knows her routines and Iona wants her."
HALAL = "Halal food only; she cooks with her own pans and likes help to make roti"
MORNINGS = "Personal care in the mornings, before 9am, after Fajr prayer"


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=TEST_PASSWORD)
    return client


def error_summary(response) -> str:
    body = response.content.decode()
    assert "govuk-error-summary__list" in body, "no error summary"
    return body.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]


@pytest.fixture
def draft(cast):
    """A draft plan with an agreed budget, one agreed outcome and a direct-payment line
    for a personal assistant (£60.00 a week)."""
    users, person = cast
    worker, manager = users["scot_social_worker"], users["scot_team_manager"]
    budget = make_budget(users, person)
    allocation.budget_propose(actor=worker, budget=budget)
    allocation.budget_agree(actor=manager, budget=budget, reason="Meets the assessed needs")
    outcome = PersonalOutcome.objects.create(
        person=person, in_own_words=CROFT, state=PersonalOutcome.State.AGREED,
        agreed_on=DAY, created_by=worker)
    plan = plans.plan_start(actor=worker, person=person)
    line = plans.line_add(
        actor=worker, plan=plan, expected_version=plan.version, outcome=outcome,
        what="A personal assistant each morning", who_kind="pa", who_name="Catriona",
        weekly_cost=6000, option="1", service_type="personal_care",
        contingency="If Catriona is ill, the neighbour Ruaridh covers")
    plan.refresh_from_db()
    return users, person, plan, line


def request_data(plan, line, **overrides):
    data = {"version": str(plan.version), "family_member": "Catriona",
            "relationship": "daughter", "lives_with_person": "no", "both_agree": "on",
            "can_meet_needs": "on", "circumstances": [FamilyCircumstance.LIMITED_CHOICE],
            "other_reason": "", "reason": WHY, "line": str(line.pk)}
    return data | overrides


# --- Scenario 9: a family member as a personal assistant ------------------------------------


def test_iona_asks_for_her_daughter_and_a_team_manager_approves_with_reasons(draft):
    users, iona, plan, line = draft
    worker = signed_in("scot_social_worker")
    ask = reverse("plan-family-pa-request", args=[plan.pk])
    page = worker.get(reverse("person-plan", args=[iona.pk])).content.decode()
    assert ask in page

    form = worker.get(ask).content.decode()
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">The conditions' \
        in form
    assert "does not need to be a member of the PVG scheme" in form
    assert 'data-aria-controls="conditional-other-reason"' in form
    assert f'value="{line.pk}"' in form  # the PA line is offered

    # Missing conditions and circumstances: refused, naming each field; nothing lost.
    refused = worker.post(ask, request_data(plan, line, both_agree="", can_meet_needs="",
                                            circumstances=[]))
    assert refused.status_code == 200
    summary = error_summary(refused)
    assert 'href="#id_both_agree"' in summary and "must both agree" in summary
    assert 'href="#id_can_meet_needs"' in summary and "meet the person" in summary
    assert 'href="#id_circumstances_0"' in summary and "at least one" in summary
    assert html.escape(WHY) in refused.content.decode()
    assert not FamilyPaException.objects.exists()

    # "Another reason" needs the reason itself.
    other = worker.post(ask, request_data(plan, line, circumstances=["other"]))
    assert 'href="#id_other_reason"' in error_summary(other)

    done = worker.post(ask, request_data(plan, line))
    assert done.status_code == 302
    exception = FamilyPaException.objects.get()
    assert exception.line == line and exception.requested_by == users["scot_social_worker"]
    assert exception.circumstances == [FamilyCircumstance.LIMITED_CHOICE]

    page = worker.get(reverse("person-plan", args=[iona.pk])).content.decode()
    assert "Catriona (daughter)" in page
    assert "Waiting for a decision" in page
    assert html.escape(FamilyCircumstance.LIMITED_CHOICE.label) in page
    assert html.escape(WHY) in page
    assert "Needed: a personal assistant who does not live with the person" in page
    assert "it must be approved first" in page  # the plan cannot be agreed yet
    decide = reverse("plan-family-pa-decide", args=[exception.pk])
    assert decide not in page  # the worker who asked does not decide
    assert worker.get(decide).status_code == 403

    manager = signed_in("scot_team_manager")
    assert decide in manager.get(reverse("person-plan", args=[iona.pk])).content.decode()
    assert html.escape(WHY) in manager.get(decide).content.decode()
    no_reason = manager.post(decide, {"decision": "approve", "decision_reason": ""})
    assert 'href="#id_decision_reason"' in error_summary(no_reason)
    approved = manager.post(decide, {"decision": "approve", "decision_reason": APPROVAL})
    assert approved.status_code == 302

    exception.refresh_from_db()
    assert exception.status == FamilyPaException.Status.APPROVED
    assert exception.decided_by == users["scot_team_manager"] and not exception.decided_by_panel
    page = worker.get(reverse("person-plan", args=[iona.pk])).content.decode()
    assert "Approved" in page
    assert html.escape(APPROVAL) in page
    assert html.escape(users["scot_team_manager"].get_full_name()) in page
    assert "it must be approved first" not in page
    assert "family_pa" not in plans.plan_problems(plan)
    # Decided once: the page now leads back to the plan.
    assert manager.get(decide).status_code == 302


def test_a_panel_member_may_refuse_and_the_plan_says_the_panel_decided(draft):
    users, person, plan, line = draft
    exception = plans.family_pa_request(
        actor=users["scot_social_worker"], plan=plan, expected_version=plan.version,
        family_member="Morag", relationship="sister", reason="She knows the routines",
        circumstances=[FamilyCircumstance.OTHER], other_reason="She asked to",
        both_agree=True, can_meet_needs=True, lives_with_person=True, line=line)
    panel = signed_in("scot_panel_member")
    decide = reverse("plan-family-pa-decide", args=[exception.pk])
    page = panel.get(decide).content.decode()
    assert "as a member of the panel" in page and "Back to the panel" in page
    response = panel.post(decide, {"decision": "refuse",
                                   "decision_reason": "An agency covers the area"})
    assert response.status_code == 302
    assert response["Location"] == reverse("panel-home")  # they do not see the person's plan
    exception.refresh_from_db()
    assert exception.status == FamilyPaException.Status.REFUSED and exception.decided_by_panel
    page = signed_in("scot_social_worker").get(
        reverse("person-plan", args=[person.pk])).content.decode()
    assert "The panel:" in page and "Refused" in page
    assert "Another reason: She asked to" in page
    assert "Not needed: the family member lives with the person" in page


def test_a_request_on_a_plan_changed_meanwhile_is_refused_and_keeps_what_was_typed(draft):
    users, person, plan, line = draft
    worker = signed_in("scot_social_worker")
    ask = reverse("plan-family-pa-request", args=[plan.pk])
    opened = plan.version
    plans.line_change(actor=users["scot_team_manager"], line=line, expected_version=opened,
                      when="Every morning at 8")
    response = worker.post(ask, request_data(plan, line))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this plan" in body
    changes = body.split('id="plan-changes"', 1)[1].split("</ul>", 1)[0]
    assert "Changed: A personal assistant each morning" in changes
    assert html.escape(WHY) in body
    assert not FamilyPaException.objects.exists()
    version = str(response.context["form"]["version"].value())
    assert version == str(SupportPlan.objects.get(pk=plan.pk).version)
    assert worker.post(ask, request_data(plan, line, version=version)).status_code == 302
    assert FamilyPaException.objects.count() == 1


# --- Scenario 13: cultural needs in the plan, the printable plan and the PDF ------------------


def pdf_text(data: bytes) -> str:
    """The text of an uncompressed fpdf2 PDF. Its text strings are glyph ids (two bytes
    each); the ToUnicode map of the font in use (``/F1 10.00 Tf``) turns them back into
    characters."""
    objects = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj\n(.*?)endobj", data, re.S)}
    maps: dict[bytes, dict[int, str]] = {}
    for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", data):
        found = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(number)])
        assert found, "a font with no ToUnicode map"
        maps[name] = {
            int(glyph, 16): bytes.fromhex(code.decode()).decode("utf-16-be")
            for glyph, code in re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]+)>",
                                          objects[int(found.group(1))])}
    parts, font = [], b""
    for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|Td \(", data):
        if token.group(1):
            font = token.group(1)
            continue
        i, raw = token.end(), bytearray()
        while data[i] != 0x29:  # ")" ends the string; "\" escapes the next byte
            if data[i] == 0x5C:
                i += 1
                raw.append({ord("r"): 13, ord("n"): 10}.get(data[i], data[i]))
            else:
                raw.append(data[i])
            i += 1
        parts.append("".join(maps[font].get(int.from_bytes(raw[j:j + 2], "big"), "?")
                             for j in range(0, len(raw), 2)))
    return " ".join(parts)


@pytest.fixture
def maryam(draft):
    users, person, plan, line = draft
    person.given_name, person.preferred_name = "Maryam", ""
    person.save()
    Preferences.objects.create(person=person, food=HALAL, routines=MORNINGS,
                               faith="Muslim: prays five times a day", carer_gender="women",
                               carer_language="Urdu")
    CommunicationNeed.objects.create(person=person, kind="interpreter", detail="Urdu")
    return users, person, plan, line


def test_maryams_preferences_are_on_her_plan_page(maryam):
    users, person, plan, line = maryam
    for who in ("scot_social_worker", "the_person"):
        page = signed_in(who).get(reverse("person-plan", args=[person.pk])).content.decode()
        matters = page.split('id="what-matters"', 1)[1].split("</dl>", 1)[0]
        assert html.escape(HALAL) in matters
        assert html.escape(MORNINGS) in matters
        assert "Preferred gender of carers" in matters and "Women" in matters
        assert "Preferred language of carers" in matters and "Urdu" in matters
        assert "Spoken-language interpreter: Urdu" in matters
        assert reverse("person-plan-print", args=[person.pk]) in page
        assert reverse("person-plan-pdf", args=[person.pk]) in page


def test_the_printable_plan_has_everything_and_no_navigation(maryam):
    users, person, plan, line = maryam
    response = signed_in("scot_social_worker").get(
        reverse("person-plan-print", args=[person.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for absent in ("<nav", "govuk-service-navigation", "govuk-footer", "Sign out",
                   "govuk-back-link", "govuk-header"):
        assert absent not in body, absent
    for present in (HALAL, MORNINGS, "Women", "Urdu", CROFT, line.what, "£60.00",
                    "Option 1: a direct payment", "Paid from", "Council",
                    "If Catriona is ill, the neighbour Ruaridh covers", "Cost a year",
                    "Individual budget a year", "Agreement and signatures", "Not agreed yet",
                    "Signatures on paper", person.display_name):
        assert html.escape(present) in body, present


def test_the_pdf_carries_the_outcome_the_cost_and_maryams_needs(maryam, settings):
    users, person, plan, line = maryam
    worker = signed_in("scot_social_worker")
    url = reverse("person-plan-pdf", args=[person.pk])
    response = worker.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.fullmatch(r'attachment; filename="support-plan-\d+-\d{4}-\d\d-\d\d\.pdf"',
                        response["Content-Disposition"])
    assert response.content.startswith(b"%PDF")

    settings.SELFDIRECT_PDF_COMPRESS = False
    text = pdf_text(worker.get(url).content)
    assert "What matters about how support is given" in text
    assert CROFT in text
    assert "£60.00" in text
    assert "Halal food only" in text and "Urdu" in text and "Women" in text
    assert "before 9am" in text
    assert person.display_name in text


def test_the_pdf_falls_back_to_a_core_font_replacing_what_it_cannot_show(maryam, monkeypatch,
                                                                         tmp_path):
    users, person, plan, line = maryam
    person.preferred_name = "مریم"
    document = pdf.plan_document(plan, person)
    monkeypatch.setattr(pdf, "FONT_DIR", tmp_path)  # no DejaVu font there
    data = pdf.plan_pdf(document, compress=False)
    assert data.startswith(b"%PDF")
    assert b"/Helvetica" in data
    assert b"\xa360.00" in data  # £ is Latin-1
    assert b"Support plan for ???? " in data
    assert b'"I want to stay in my own croft' in data  # curly quotes made plain


def test_without_a_plan_there_is_nothing_to_print(cast):
    users, person = cast
    worker = signed_in("scot_social_worker")
    assert worker.get(reverse("person-plan-print", args=[person.pk])).status_code == 404
    assert worker.get(reverse("person-plan-pdf", args=[person.pk])).status_code == 404
