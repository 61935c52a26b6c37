"""The resource allocation panel: the envelope, meetings, the agenda, the envelope figures
(against a hand calculation), the three decisions and their guards, and the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from html import escape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from selfdirect.allocation import panel
from selfdirect.allocation import services as allocation
from selfdirect.allocation.models import (
    AllocationEnvelope,
    BudgetAdjustment,
    PanelDecision,
    ReasonCode,
)
from selfdirect.allocation.selectors import budget_explanation
from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import Assessment
from selfdirect.audit.models import AccessLog
from selfdirect.core import clock
from tests.allocation.test_ras import ANSWERS, calculated, live_version
from tests.factories import TEST_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db

# The default questionnaire with ANSWERS: 33 points × £45.00 = £1,485.00 (148500p).
BASE = 148500
TODAY = clock.today
YEAR = panel.financial_year_start(clock.today())


# --- Helpers ------------------------------------------------------------------------------


def adjusted(world, budget, pounds: str, kind: str = "add_amount"):
    allocation.budget_adjust(actor=world.user("scot_social_worker"), budget=budget, kind=kind,
                             reason_code="two_carers", reason="Two carers for transfers",
                             amount=Decimal(pounds))
    budget.refresh_from_db()
    return budget


def proposed(world, budget):
    return allocation.budget_propose(actor=world.user("scot_social_worker"), budget=budget)


def agreed(world, budget):
    return allocation.budget_agree(actor=world.user("scot_team_manager"),
                                   budget=proposed(world, budget), reason="Meets the outcomes")


def for_panel(world, pounds: str = "600.00", budget=None):
    """A proposed budget that needs the panel: an addition above 15% of £1,485.00."""
    budget = adjusted(world, budget or calculated(world), pounds)
    budget = proposed(world, budget)
    assert budget.needs_panel
    return budget


def reassessed(world, earlier):
    """A new assessment and indicative budget for the person of ``earlier``."""
    worker = world.user("scot_social_worker")
    Assessment.objects.filter(pk=earlier.assessment_id).update(state="completed")
    assessment = assessing.assessment_start(actor=worker, person=earlier.person)
    allocation.ras_responses_record(actor=worker, assessment=assessment, answers=ANSWERS)
    return allocation.indicative_budget_calculate(actor=worker, assessment=assessment)


def meeting(world, *, date=None, members=("scot_panel_member", "scot_team_manager")):
    chair = world.user(members[0])
    return panel.panel_meeting_create(actor=chair, authority=world.scot,
                                      date=date or TODAY(), chair=chair,
                                      members=[world.user(m) for m in members])


def decide(world, mtg, budget, outcome, reasons="The panel agrees the support is needed",
           actor="scot_panel_member", **extra):
    return panel.panel_decide(actor=world.user(actor), meeting=mtg, budget=budget,
                              outcome=outcome, reasons=reasons, **extra)


def fields(excinfo) -> set[str]:
    return set(excinfo.value.message_dict)


# --- The envelope -------------------------------------------------------------------------


def test_the_envelope_is_set_from_1_april_in_pounds_and_changed_with_history(world):
    finance = world.user("scot_finance_officer")
    envelope = panel.envelope_set(actor=finance, authority=world.scot,
                                  year_start=datetime.date(2026, 4, 1), amount="£12,500,000.00")
    assert envelope.amount == 1_250_000_000
    changed = panel.envelope_set(actor=world.user("scot_administrator"), authority=world.scot,
                                 year_start=datetime.date(2026, 4, 1), amount=Decimal("13000000.50"))
    assert changed.pk == envelope.pk and changed.amount == 1_300_000_050
    assert AllocationEnvelope.objects.filter(authority=world.scot).count() == 1
    assert [h.history_change_reason for h in changed.history.order_by("history_date")] == [
        "Envelope for 2026/27 set at £12,500,000.00",
        "Envelope for 2026/27 changed from £12,500,000.00 to £13,000,000.50"]


@pytest.mark.parametrize(("year_start", "amount", "field"), [
    (datetime.date(2026, 3, 31), "100.00", "year_start"),
    (datetime.date(2026, 4, 2), "100.00", "year_start"),
    (datetime.date(2026, 4, 1), "lots", "amount"),
    (datetime.date(2026, 4, 1), "0", "amount"),
    (datetime.date(2026, 4, 1), "-5.00", "amount"),
    (datetime.date(2026, 4, 1), "1.005", "amount"),
    (datetime.date(2026, 4, 1), 1.5, "amount"),  # a float is refused, never rounded
])
def test_the_envelope_refuses_a_wrong_date_or_amount_naming_the_field(world, year_start,
                                                                       amount, field):
    with pytest.raises(ValidationError) as refused:
        panel.envelope_set(actor=world.user("scot_finance_officer"), authority=world.scot,
                           year_start=year_start, amount=amount)
    assert fields(refused) == {field}
    assert not AllocationEnvelope.objects.exists()


@pytest.mark.parametrize("who", ["scot_panel_member", "scot_team_manager", "scot_social_worker",
                                 "eng_finance_officer", "eng_administrator"])
def test_only_the_authoritys_finance_and_administrator_set_its_envelope(world, who):
    with pytest.raises(PermissionDenied):
        panel.envelope_set(actor=world.user(who), authority=world.scot,
                           year_start=datetime.date(2026, 4, 1), amount="100.00")


def test_the_financial_year_starts_on_1_april():
    assert panel.financial_year_start(datetime.date(2027, 3, 31)) == datetime.date(2026, 4, 1)
    assert panel.financial_year_start(datetime.date(2026, 4, 1)) == datetime.date(2026, 4, 1)
    assert panel.financial_year_label(datetime.date(2099, 4, 1)) == "2099/00"


# --- Meetings -----------------------------------------------------------------------------


def test_a_meeting_has_its_chair_among_its_members(world):
    chair = world.user("scot_panel_member")
    mtg = panel.panel_meeting_create(actor=chair, authority=world.scot, date=TODAY(),
                                     chair=chair, members=[world.user("scot_team_manager")])
    assert set(mtg.members.all()) == {chair, world.user("scot_team_manager")}
    assert mtg.history.first().history_change_reason == "Panel meeting set up"


def test_a_meeting_refuses_staff_who_cannot_sit_on_the_panel_and_names_them(world):
    worker, eng_manager = world.user("scot_social_worker"), world.user("eng_team_manager")
    with pytest.raises(ValidationError) as refused:
        panel.panel_meeting_create(
            actor=world.user("scot_panel_member"), authority=world.scot, date=TODAY(),
            chair=world.user("scot_finance_officer"),
            members=[world.user("scot_panel_member"), worker, eng_manager])
    errors = refused.value.message_dict
    assert set(errors) == {"chair", "members"}
    assert world.user("scot_finance_officer").get_full_name() in errors["chair"][0]
    assert worker.get_full_name() in errors["members"][0]
    assert eng_manager.get_full_name() in errors["members"][0]
    assert world.user("scot_panel_member").get_full_name() not in errors["members"][0]
    with pytest.raises(ValidationError) as empty:
        panel.panel_meeting_create(actor=world.user("scot_panel_member"), authority=world.scot,
                                   date=None, chair=None, members=[])
    assert fields(empty) == {"date", "chair", "members"}


def test_only_panel_staff_set_up_a_meeting(world):
    for who in ("scot_social_worker", "scot_finance_officer", "eng_team_manager"):
        with pytest.raises(PermissionDenied):
            panel.panel_meeting_create(
                actor=world.user(who), authority=world.scot, date=TODAY(),
                chair=world.user("scot_panel_member"), members=[])


# --- The agenda and the envelope figures ---------------------------------------------------


def test_the_agenda_is_what_needs_the_panel_and_is_undecided_in_one_query(
        world, django_assert_num_queries):
    live_version(world)
    first = for_panel(world, "600.00")
    replaced = agreed(world, calculated(world))
    second = for_panel(world, "1000.00", budget=reassessed(world, replaced))
    proposed(world, calculated(world))                   # proposed, not for the panel
    calculated(world)                                    # still indicative
    decided = for_panel(world, "700.00")
    decide(world, meeting(world), decided, "approve")
    with django_assert_num_queries(1):
        agenda = panel.panel_agenda(world.scot)
        seen = [(i.person.display_name, i.proposed, i.current_agreed, i.change, i.reasons,
                 i.budget.proposed_by.username) for i in agenda]
    assert [i.budget.pk for i in agenda] == [first.pk, second.pk]
    assert seen[0][1:4] == (BASE + 60000, None, BASE + 60000)
    assert seen[1][1:4] == (BASE + 100000, BASE, 100000)
    assert "Adjustments change the calculated £1,485.00 by £1,000.00" in seen[1][4][0]
    assert panel.panel_agenda(world.eng) == []


def test_envelope_figures_against_a_hand_calculation(world):
    live_version(world)
    # Three agreed budgets (base £1,485.00 = 148500p each):
    agreed(world, calculated(world))                                # 148500
    agreed(world, adjusted(world, calculated(world), "100.00"))     # 148500 + 10000 = 158500
    replaced = agreed(world, adjusted(world, calculated(world), "50.00", "subtract_amount"))
    assert replaced.total == 143500                                 # 148500 − 5000
    # The third person's new proposal, bigger, would replace their agreed 143500:
    bigger = for_panel(world, "1000.00", budget=reassessed(world, replaced))
    assert bigger.total == 248500                                   # 148500 + 100000
    # A new person's first proposal:
    new = for_panel(world, "600.00")
    assert new.total == 208500                                      # 148500 + 60000
    # Not counted: a proposal that does not need the panel, an indicative budget, and
    # another authority's agreed budget.
    proposed(world, calculated(world))
    calculated(world)
    eng_agreed_budget(world)
    panel.envelope_set(actor=world.user("scot_finance_officer"), authority=world.scot,
                       year_start=YEAR, amount="7000.00")           # 700000

    figures = panel.envelope_figures(world.scot, YEAR)

    # committed = 148500 + 158500 + 143500 = 450500
    assert figures.committed == 450500
    # forecast = 450500 + (248500 − 143500) + (208500 − 0) = 450500 + 105000 + 208500 = 764000
    assert figures.forecast == 764000
    assert figures.envelope == 700000
    # headroom = 700000 − 450500 = 249500; forecast headroom = 700000 − 764000 = −64000
    assert (figures.headroom, figures.over_by) == (249500, 0)
    assert (figures.forecast_headroom, figures.forecast_over_by) == (-64000, 64000)
    assert figures.agenda_count == 2
    assert figures.sentence == (
        f"Agreed budgets come to £4,505.00 a year of the £7,000.00 envelope for "
        f"{panel.financial_year_label(YEAR)}: £2,495.00 is left. If the panel agrees "
        "everything on its agenda as proposed, they will come to £7,640.00, £640.00 over "
        "the envelope.")

    # The panel approves the bigger budget: it supersedes 143500.
    decide(world, meeting(world), bigger, "approve")
    after = panel.envelope_figures(world.scot, YEAR)
    # committed = 148500 + 158500 + 248500 = 555500; forecast = 555500 + 208500 = 764000
    assert (after.committed, after.forecast) == (555500, 764000)
    # No envelope for next year yet.
    nothing = panel.envelope_figures(world.scot, YEAR.replace(year=YEAR.year + 1))
    assert (nothing.envelope, nothing.headroom, nothing.committed) == (None, None, 555500)
    assert nothing.sentence.startswith("No envelope is set for")


def eng_agreed_budget(world):
    from tests.allocation.matrix_budget import make_budget

    users = {"scot_administrator": world.user("eng_administrator"),
             "scot_social_worker": world.user("eng_social_worker")}
    person = PersonFactory(authority=world.eng, team=world.eng_team,
                           allocated_worker=world.user("eng_social_worker"))
    budget = make_budget(users, person)
    budget = allocation.budget_propose(actor=world.user("eng_social_worker"), budget=budget)
    return allocation.budget_agree(actor=world.user("eng_team_manager"), budget=budget,
                                   reason="Agreed")


# --- Decisions ----------------------------------------------------------------------------


def test_approve_agrees_the_budget_with_the_panels_reasons_and_supersedes_the_last(world):
    live_version(world)
    earlier = agreed(world, calculated(world))
    budget = for_panel(world, "1000.00", budget=reassessed(world, earlier))
    mtg = meeting(world)
    decision = decide(world, mtg, budget, "approve",
                      reasons="Two carers are needed for every transfer.")
    budget.refresh_from_db()
    earlier.refresh_from_db()
    assert (decision.outcome, decision.amended_total, decision.meeting) == ("approve", None, mtg)
    assert (budget.state, budget.total, budget.agreed_by) == (
        "agreed", BASE + 100000, world.user("scot_panel_member"))
    assert budget.decision_reason == "Two carers are needed for every transfer."
    assert earlier.state == "superseded"
    assert PanelDecision.objects.count() == 1


@pytest.mark.parametrize(("amount", "kind", "difference"), [
    ("1,900.00", "subtract_amount", 18500),   # 208500 − 190000
    ("2250.01", "add_amount", 16501),         # 225001 − 208500
])
def test_amend_records_the_difference_so_the_explanation_still_adds_up(world, amount, kind,
                                                                         difference):
    live_version(world)
    budget = for_panel(world, "600.00")
    assert budget.total == 208500
    decision = decide(world, meeting(world), budget, "amend", amended_total=amount,
                      reasons="The panel agrees a different sum for the overnight support.")
    budget.refresh_from_db()
    wanted = BASE + 60000 + (difference if kind == "add_amount" else -difference)
    assert decision.amended_total == wanted == budget.total
    assert budget.state == "agreed"
    adjustment = BudgetAdjustment.objects.filter(budget=budget).last()
    assert (adjustment.kind, adjustment.amount, adjustment.reason_code) == (
        kind, difference, ReasonCode.PANEL)
    assert adjustment.reason == "The panel agrees a different sum for the overnight support."
    explanation = budget_explanation(budget)
    assert sum(line.amount for line in explanation.money_lines) == budget.total == wanted
    assert "The resource allocation panel's decision" in explanation.lines[-2].text


def test_decline_sends_it_back_to_the_worker_who_can_propose_again(world):
    live_version(world)
    budget = for_panel(world, "600.00")
    mtg = meeting(world)
    decide(world, mtg, budget, "decline",
           reasons="Please look again at the overnight hours with Ms Smith.")
    budget.refresh_from_db()
    assert (budget.state, budget.needs_panel, budget.panel_reasons) == ("indicative", False, [])
    assert budget.decision_reason == "Please look again at the overnight hours with Ms Smith."
    assert panel.panel_agenda(world.scot) == []
    # The worker revises and proposes again: it is back on the agenda, and can be decided.
    adjusted(world, budget, "100.00", "subtract_amount")
    again = proposed(world, budget)
    assert again.needs_panel
    assert [i.budget.pk for i in panel.panel_agenda(world.scot)] == [budget.pk]
    decide(world, mtg, again, "approve", reasons="The revised hours are right.")
    again.refresh_from_db()
    assert (again.state, again.total) == ("agreed", BASE + 50000)
    assert PanelDecision.objects.filter(budget=budget).count() == 2


@pytest.mark.parametrize(("outcome", "reasons", "extra", "field"), [
    ("approve", "  ", {}, "reasons"),
    ("approve", "x" * 2001, {}, "reasons"),
    ("maybe", "Because", {}, "outcome"),
    ("amend", "Because", {}, "amended_total"),
    ("amend", "Because", {"amended_total": "a lot"}, "amended_total"),
    ("amend", "Because", {"amended_total": "0.00"}, "amended_total"),
    ("amend", "Because", {"amended_total": "2,085.00"}, "amended_total"),  # same as proposed
    ("approve", "Because", {"amended_total": "100.00"}, "amended_total"),
])
def test_a_decision_is_refused_naming_the_field(world, outcome, reasons, extra, field):
    live_version(world)
    budget = for_panel(world, "600.00")
    with pytest.raises(ValidationError) as refused:
        decide(world, meeting(world), budget, outcome, reasons=reasons, **extra)
    assert field in fields(refused)
    budget.refresh_from_db()
    assert budget.state == "proposed"
    assert not PanelDecision.objects.exists()


def test_the_panel_decides_only_budgets_waiting_for_it(world):
    live_version(world)
    mtg = meeting(world)
    for budget in (calculated(world), proposed(world, calculated(world)),
                   eng_agreed_budget(world)):
        with pytest.raises(ValidationError) as refused:
            decide(world, mtg, budget, "approve")
        assert fields(refused) == {"budget"}


def test_a_decided_budget_cannot_be_decided_twice(world):
    live_version(world)
    budget = for_panel(world)
    mtg = meeting(world)
    decide(world, mtg, budget, "approve")
    with pytest.raises(ValidationError) as twice:
        decide(world, mtg, budget, "decline", actor="scot_team_manager")
    assert fields(twice) == {"budget"}
    assert PanelDecision.objects.count() == 1


def test_a_meeting_decides_on_or_after_its_day(world):
    live_version(world)
    budget = for_panel(world)
    later = meeting(world, date=TODAY() + datetime.timedelta(days=14))
    with pytest.raises(ValidationError) as early:
        decide(world, later, budget, "approve")
    assert fields(early) == {"meeting"}


@pytest.mark.parametrize("who", ["scot_team_manager", "scot_social_worker", "eng_team_manager",
                                 "scot_finance_officer"])
def test_only_a_member_of_the_meeting_decides(world, who):
    live_version(world)
    budget = for_panel(world)
    # scot_team_manager could sit on the panel, but is not a member of this meeting.
    mtg = meeting(world, members=("scot_panel_member",))
    with pytest.raises(PermissionDenied):
        decide(world, mtg, budget, "approve", actor=who)
    budget.refresh_from_db()
    assert budget.state == "proposed"


def test_the_team_manager_cannot_agree_around_the_panel(world):
    live_version(world)
    budget = for_panel(world)
    with pytest.raises(ValidationError, match="panel"):
        allocation.budget_agree(actor=world.user("scot_team_manager"), budget=budget,
                                reason="Fine")


# --- Pages --------------------------------------------------------------------------------


def signed_in(client, who):
    client.logout()
    assert client.login(username=who, password=TEST_PASSWORD)
    return client


def test_the_panel_home_shows_the_envelope_agenda_and_meetings_and_logs_the_viewing(client,
                                                                                      world):
    live_version(world)
    budget = for_panel(world, "600.00")
    panel.envelope_set(actor=world.user("scot_finance_officer"), authority=world.scot,
                       year_start=YEAR, amount="10000.00")
    mtg = meeting(world)
    response = signed_in(client, "scot_panel_member").get(reverse("panel-home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["figures"].forecast == 208500
    assert "£10,000.00" in html and "£2,085.00" in html
    assert response.context["figures"].sentence in html.replace("&#x27;", "'")
    assert escape(budget.person.display_name) in html
    assert "Adjustments change the calculated" in html
    assert reverse("panel-decide", args=[mtg.pk, budget.pk]) in html
    assert "Set up a meeting" in html
    log = AccessLog.objects.get(person_id=budget.person_id, user=world.user("scot_panel_member"))
    assert (log.channel, log.outcome) == ("panel", "viewed")


def test_setting_up_a_meeting_shows_errors_then_redirects(client, world):
    signed_in(client, "scot_team_manager")
    url = reverse("panel-meeting-create")
    page = client.get(url)
    assert page.status_code == 200
    labels = [c[1] for c in page.context["form"].fields["chair"].choices]
    assert world.user("scot_panel_member").get_full_name() in labels
    assert world.user("scot_social_worker").get_full_name() not in labels
    bad = client.post(url, {"date_day": "31", "date_month": "2", "date_year": "2027"})
    html = bad.content.decode()
    assert bad.status_code == 200
    assert "There is a problem" in html
    assert "Date of the meeting must be a real date" in html
    assert "Select who chairs the meeting" in html and 'href="#id_chair_0"' in html
    chair = world.user("scot_panel_member")
    good = client.post(url, {"date_day": "9", "date_month": "4", "date_year": "2027",
                             "chair": chair.pk, "members": [world.user("scot_team_manager").pk]},
                       follow=True)
    mtg = good.context["meeting"]
    assert mtg.date == datetime.date(2027, 4, 9) and mtg.chair == chair
    assert "Panel meeting set up for 9 April 2027" in good.content.decode()


def test_the_meeting_page_shows_each_budgets_explanation_and_the_decisions(client, world):
    live_version(world)
    waiting = for_panel(world, "600.00")
    decided = for_panel(world, "700.00")
    mtg = meeting(world)
    decide(world, mtg, decided, "decline", reasons="<script>alert(1)</script> Look again")
    response = signed_in(client, "scot_team_manager").get(reverse("panel-meeting",
                                                                  args=[mtg.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert escape(waiting.person.display_name) in html
    assert escape(decided.person.display_name) in html
    assert "33 points × £45.00 a point = £1,485.00" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Look again" in html
    assert "<script>alert(1)" not in html
    assert set(AccessLog.objects.filter(channel="panel").values_list("person_id", flat=True)) == {
        waiting.person_id, decided.person_id}


def test_deciding_shows_errors_naming_the_field_then_redirects_with_a_banner(client, world):
    live_version(world)
    budget = for_panel(world, "600.00")
    mtg = meeting(world)
    url = reverse("panel-decide", args=[mtg.pk, budget.pk])
    signed_in(client, "scot_panel_member")
    page = client.get(url)
    assert page.status_code == 200
    assert "Record the panel’s decision" in page.content.decode()
    assert 'data-aria-controls="conditional-amend"' in page.content.decode()
    missing = client.post(url, {"outcome": "amend", "amended_total": "", "reasons": ""})
    html = missing.content.decode()
    assert "Enter the yearly amount the panel agrees" in html
    assert 'href="#id_amended_total"' in html
    assert "Enter the panel&#x27;s reasons: the person reads them" in html
    assert 'href="#id_reasons"' in html
    same = client.post(url, {"outcome": "amend", "amended_total": "2085.00", "reasons": "OK"})
    assert "is the amount proposed: approve the budget instead" in same.content.decode()
    done = client.post(url, {"outcome": "amend", "amended_total": "1,900.00",
                             "reasons": "<script>x()</script> Overnight is fewer hours"})
    assert done.status_code == 302 and done.url == reverse("panel-meeting", args=[mtg.pk])
    banner = client.get(done.url).content.decode()
    assert "govuk-notification-banner--success" in banner
    assert f"Decision recorded: {budget.person.display_name}" in banner.replace("&#x27;", "'")
    budget.refresh_from_db()
    assert (budget.state, budget.total) == ("agreed", 190000)
    after = client.get(url).content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt; Overnight is fewer hours" in after
    assert "<script>x()" not in after
    assert "Record the panel’s decision" not in after  # decided: no form


def test_a_non_member_sees_the_budget_but_cannot_decide(client, world):
    live_version(world)
    budget = for_panel(world)
    mtg = meeting(world, members=("scot_panel_member",))
    signed_in(client, "scot_team_manager")
    url = reverse("panel-decide", args=[mtg.pk, budget.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "You are not a member of this meeting" in page.content.decode()
    assert client.post(url, {"outcome": "approve", "reasons": "Yes"}).status_code == 403
    budget.refresh_from_db()
    assert budget.state == "proposed"


def test_the_panel_sees_no_budget_off_its_agenda_and_the_refusal_is_logged(client, world):
    live_version(world)
    other = calculated(world)          # indicative: not the panel's
    mtg = meeting(world)
    signed_in(client, "scot_panel_member")
    response = client.get(reverse("panel-decide", args=[mtg.pk, other.pk]))
    assert response.status_code == 404
    assert other.person.display_name not in response.content.decode()
    log = AccessLog.objects.get(person_id=other.person_id)
    assert (log.outcome, log.channel) == ("denied", "panel")
    # A budget decided at another meeting is not shown through this one.
    budget = for_panel(world)
    decide(world, meeting(world), budget, "approve")
    assert client.get(reverse("panel-decide", args=[mtg.pk, budget.pk])).status_code == 404


def test_the_envelope_page_sets_the_envelope(client, world):
    signed_in(client, "scot_finance_officer")
    url = reverse("panel-envelope")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"year_start_day": "2", "year_start_month": "4", "year_start_year": "2026",
                            "amount": "ten"}).content.decode()
    assert "The financial year starts on 1 April" in bad and 'href="#id_year_start_0"' in bad
    assert "Enter the envelope in pounds and pence" in bad and 'href="#id_amount"' in bad
    done = client.post(url, {"year_start_day": "1", "year_start_month": "4", "year_start_year": "2026",
                             "amount": "12,500,000.00"}, follow=True)
    html = done.content.decode()
    assert "Envelope for 2026/27 set at £12,500,000.00" in html
    assert AllocationEnvelope.objects.get(authority=world.scot).amount == 1_250_000_000


def test_the_pages_use_the_current_authority(client, world):
    """Manchester's team manager sees Manchester's panel, not Edinburgh's agenda."""
    live_version(world)
    budget = for_panel(world)
    response = signed_in(client, "eng_team_manager").get(reverse("panel-home"))
    assert response.status_code == 200
    assert response.context["authority"] == world.eng
    assert budget.person.display_name not in response.content.decode()

