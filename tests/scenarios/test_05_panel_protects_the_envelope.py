"""Scenario 5. A panel that protects the envelope.

The fortnightly panel sees the budgets that need a decision, the authority's committed
spend against its envelope for the year, and records approve / amend / decline with
reasons the person can read.

Edinburgh's finance officer sets the envelope for the year. Two people already have
agreed budgets. Three proposals are above the panel's thresholds: Morag's (approved),
Tomasz's (amended to a smaller sum) and Shona's (declined, back to her worker). The panel
meets today and again in a fortnight; a panel member records each decision through the
pages, and each person then reads the reasons on their own budget page.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from selfdirect.allocation import panel
from selfdirect.allocation import services as allocation
from selfdirect.allocation.models import IndicativeBudget, PanelDecision
from selfdirect.allocation.selectors import budget_explanation
from selfdirect.core import clock
from tests.allocation.test_ras import calculated, live_version
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# Every budget here starts from the default questionnaire: 33 points × £45.00 = £1,485.00.
BASE = 148500
APPROVE_REASONS = "Morag needs two carers for every transfer: the extra is reasonable."
AMEND_REASONS = ("The panel agrees overnight support, but for four nights a week, not five, "
                 "as Tomasz's sister stays at weekends.")
DECLINE_REASONS = ("We need to know more about what Shona's day service already covers. "
                   "Her worker will go over it with her and put the budget forward again.")


def with_extra(world, name, pounds):
    """A budget for a person who can sign in, with an addition that takes it to the panel."""
    budget = calculated(world, given_name=name, family_name="Example", user=UserFactory())
    allocation.budget_adjust(actor=world.user("scot_social_worker"), budget=budget,
                             kind="add_amount", reason_code="two_carers",
                             reason="Two carers for every transfer", amount=Decimal(pounds))
    return allocation.budget_propose(actor=world.user("scot_social_worker"), budget=budget)


def agreed_budget(world):
    worker, manager = world.user("scot_social_worker"), world.user("scot_team_manager")
    budget = allocation.budget_propose(actor=worker, budget=calculated(world))
    return allocation.budget_agree(actor=manager, budget=budget, reason="Meets the outcomes")


def sign_in(client, user):
    client.logout()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def test_the_fortnightly_panel_protects_the_envelope(client, world):
    live_version(world)
    year = panel.financial_year_start(clock.today())
    finance, member = world.user("scot_finance_officer"), world.user("scot_panel_member")

    # Finance sets the year's envelope through its page.
    sign_in(client, finance)
    response = client.post(reverse("panel-envelope"), {
        "year_start_day": "1", "year_start_month": "4", "year_start_year": str(year.year),
        "amount": "9,000.00"})
    assert response.status_code == 302

    # Two budgets already agreed: 148500 + 148500 = 297000 committed.
    agreed_budget(world)
    agreed_budget(world)
    morag = with_extra(world, "Morag", "600.00")     # 148500 + 60000 = 208500
    tomasz = with_extra(world, "Tomasz", "900.00")   # 148500 + 90000 = 238500
    shona = with_extra(world, "Shona", "500.00")     # 148500 + 50000 = 198500
    assert all(b.needs_panel for b in (morag, tomasz, shona))

    # The panel meets every fortnight.
    today = clock.today()
    sign_in(client, member)
    for date in (today, today + datetime.timedelta(days=14)):
        client.post(reverse("panel-meeting-create"), {
            "date_day": date.day, "date_month": date.month, "date_year": date.year,
            "chair": member.pk, "members": [member.pk, world.user("scot_team_manager").pk]})
    meeting, next_meeting = panel.panel_meetings(world.scot)[0]
    assert (meeting.date, next_meeting.date) == (today, today + datetime.timedelta(days=14))

    # The panel's page: the budgets that need a decision, and the spend against the envelope.
    home = client.get(reverse("panel-home"))
    html = home.content.decode()
    assert [i.person.given_name for i in home.context["agenda"]] == ["Morag", "Tomasz", "Shona"]
    figures = home.context["figures"]
    # committed 297000; forecast 297000 + 208500 + 238500 + 198500 = 942500;
    # envelope 900000: 603000 left now, 42500 over if everything were agreed as proposed.
    assert (figures.envelope, figures.committed, figures.forecast) == (900000, 297000, 942500)
    assert (figures.headroom, figures.forecast_over_by) == (603000, 42500)
    assert "£2,970.00" in html and "£9,000.00" in html and "Over by £425.00" in html
    for budget in (morag, tomasz, shona):
        assert reverse("panel-decide", args=[meeting.pk, budget.pk]) in html

    # Approve, amend and decline, each with reasons, through the pages.
    def decide(budget, **form):
        url = reverse("panel-decide", args=[meeting.pk, budget.pk])
        assert client.get(url).status_code == 200
        done = client.post(url, form)
        assert done.status_code == 302, done.content.decode()
        return client.get(done.url).content.decode()

    banner = decide(morag, outcome="approve", reasons=APPROVE_REASONS)
    assert "Decision recorded: Morag Example" in banner.replace("&#x27;", "'")
    decide(tomasz, outcome="amend", amended_total="2,100.00", reasons=AMEND_REASONS)
    decide(shona, outcome="decline", reasons=DECLINE_REASONS)

    assert list(PanelDecision.objects.filter(meeting=meeting).values_list(
        "budget__person__given_name", "outcome", "amended_total")) == [
        ("Morag", "approve", None), ("Tomasz", "amend", 210000), ("Shona", "decline", None)]
    for budget in (morag, tomasz, shona):
        budget.refresh_from_db()
    assert (morag.state, morag.total) == ("agreed", 208500)
    assert (tomasz.state, tomasz.total) == ("agreed", 210000)
    assert sum(line.amount for line in budget_explanation(tomasz).money_lines) == 210000
    assert (shona.state, shona.needs_panel) == (IndicativeBudget.State.INDICATIVE, False)

    # Nothing left on the agenda; committed = 297000 + 208500 + 210000 = 715500, 184500 left.
    after = panel.envelope_figures(world.scot, year)
    assert (after.committed, after.forecast, after.headroom) == (715500, 715500, 184500)

    # Each person reads the panel's reasons on their own budget page.
    for budget, reasons in ((morag, APPROVE_REASONS), (tomasz, AMEND_REASONS),
                            (shona, DECLINE_REASONS)):
        page = sign_in(client, budget.person.user).get(reverse("budget-detail",
                                                               args=[budget.pk]))
        assert page.status_code == 200
        text = page.content.decode().replace("&#x27;", "'")
        assert reasons in text
    assert "declined" in text  # Shona's page, the last one read
    tomasz_page = sign_in(client, tomasz.person.user).get(reverse("budget-detail", args=[tomasz.pk])).content.decode()
    assert "£2,100.00" in tomasz_page
    assert "The resource allocation panel&#x27;s decision" in tomasz_page

    # Shona's declined budget keeps the reasons for her worker to act on, and can go back
    # to the panel once revised.
    assert shona.decision_reason == DECLINE_REASONS
    allocation.budget_adjust(actor=world.user("scot_social_worker"), budget=shona,
                             kind="subtract_amount", reason_code="other",
                             reason="The day service covers Tuesdays", amount=Decimal("100.00"))
    again = allocation.budget_propose(actor=world.user("scot_social_worker"), budget=shona)
    assert [i.budget.pk for i in panel.panel_agenda(world.scot)] == [again.pk]

