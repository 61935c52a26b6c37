"""The carers' waiting list: offers not yet made or answered, accepted plans with no first
conversation, and the terminal-illness clocks in working days."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from selfdirect.carers import services
from selfdirect.carers.selectors import CarerStage, carers_waiting
from tests.carers.conftest import accepted_plan, identify
from tests.factories import TEST_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db
THU = datetime.date(2026, 7, 30)  # Thursday before Monday 3 August, a Scottish holiday


def test_each_stage_with_its_clock(world, worker, cared_for):
    carers = [PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
              for _ in range(4)]
    not_offered = identify(worker, cared_for, carers[0], day=THU, terminal=True)
    waiting_answer = identify(worker, cared_for, carers[1], day=THU)
    services.carer_offer_make(actor=worker, offer=waiting_answer, offered_on=THU,
                              offered_how="phone")
    plan = accepted_plan(worker, cared_for, carers[2], day=THU, terminal=True)
    talked = accepted_plan(worker, cared_for, carers[3], day=THU)
    services.carer_plan_update(actor=worker, plan=talked, first_conversation_on=THU)

    assert not_offered.offer_due_by == datetime.date(2026, 8, 4)  # Fri 31, (Mon 3), Tue 4
    rows = {r.carer.pk: r for r in carers_waiting(user=worker, today=datetime.date(2026, 8, 6))}
    assert set(rows) == {carers[0].pk, carers[1].pk, carers[2].pk}
    late = rows[carers[0].pk]
    assert (late.stage, late.due_by, late.overdue, late.working_days_overdue) == (
        CarerStage.OFFER_DUE, datetime.date(2026, 8, 4), True, 2)  # Wed 5, Thu 6
    answer = rows[carers[1].pk]
    assert (answer.stage, answer.due_by, answer.overdue) == (CarerStage.AWAITING_ANSWER, None,
                                                             False)
    talk = rows[carers[2].pk]
    # Accepted Thursday 30 July: Fri 31, Tue 4, Wed 5, Thu 6, Fri 7 August.
    assert (talk.stage, talk.due_by, talk.overdue, talk.working_days_left) == (
        CarerStage.CONVERSATION_DUE, datetime.date(2026, 8, 7), False, 1)
    assert talk.plan == plan
    order = [r.carer.pk for r in carers_waiting(user=worker, today=datetime.date(2026, 8, 6))]
    assert order[0] == carers[0].pk  # past the statutory time first


def test_only_carers_the_user_may_see(world, worker, cared_for):
    mine = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    identify(worker, cared_for, mine)
    assert [r.carer for r in carers_waiting(user=worker)] == [mine]
    assert carers_waiting(user=world.user("scot_other_social_worker")) == []
    assert carers_waiting(user=world.user("eng_team_manager")) == []


def _make(world, manager, count, start):
    for i in range(count):
        cared_for = PersonFactory(authority=world.scot, team=world.scot_team,
                                  given_name=f"Cared{start + i}")
        carer = PersonFactory(authority=world.scot, team=world.scot_team,
                              given_name=f"Carer{start + i}", allocated_worker=manager)
        if i % 2:
            identify(manager, cared_for, carer, day=THU, terminal=True)
        else:
            accepted_plan(manager, cared_for, carer, day=THU, terminal=True)


def test_the_waiting_list_page_runs_the_same_queries_for_2_or_20_rows(client, world):
    manager = world.user("scot_team_manager")
    client.login(username="scot_team_manager", password=TEST_PASSWORD)
    url = reverse("carers-waiting-list")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    _make(world, manager, 2, 0)
    small, html = count()
    assert html.count('scope="row"') == 2
    _make(world, manager, 18, 2)
    large, html = count()
    assert html.count('scope="row"') == 20
    assert large == small
    assert "Terminally ill" in html and "Overdue by" in html


def test_the_page_flags_the_overdue(client, world, worker, cared_for):
    carer = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker,
                          given_name="Isla")
    identify(worker, cared_for, carer, day=datetime.date(2026, 4, 2), terminal=True)
    client.login(username="scot_social_worker", password=TEST_PASSWORD)
    html = client.get(reverse("carers-waiting-list")).content.decode()
    assert "1 carer is past the statutory time" in html
    assert "Tue 7 Apr 2026" in html and "Isla" in html
    assert reverse("carer-offer", args=[carer.carer_offers.get().pk]) in html


def test_the_carers_own_offers_for_their_person_page(worker, cared_for, carer):
    from selfdirect.carers.selectors import offers_of_carer

    plan = accepted_plan(worker, cared_for, carer)
    with CaptureQueriesContext(connection) as ctx:
        offers = offers_of_carer(carer=carer)
        _ = [(o.cared_for.display_name, o.plan.pk) for o in offers]
    assert [o.plan for o in offers] == [plan] and len(ctx.captured_queries) == 1
