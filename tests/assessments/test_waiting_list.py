"""The waiting list: who waits, how long, and who is past the authority's target."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from selfdirect.assessments.models import Assessment, EligibilityDecision, Referral
from selfdirect.assessments.selectors import Stage, waiting_list
from selfdirect.people.models import Person

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)


def _people(world, count, start=0):
    return Person.objects.bulk_create([
        Person(authority=world.scot, team=world.scot_team, given_name=f"P{start + i}",
               family_name="Wait", date_of_birth=datetime.date(1940, 1, 1)) for i in range(count)])


def _assessed(world, people, completed_days_ago, band):
    worker = world.user("scot_social_worker")
    done = TODAY - datetime.timedelta(days=completed_days_ago)
    assessments = Assessment.objects.bulk_create([
        Assessment(person=p, worker=worker, state=Assessment.State.COMPLETED,
                   started_on=done - datetime.timedelta(days=10), completed_on=done)
        for p in people])
    EligibilityDecision.objects.bulk_create([
        EligibilityDecision(assessment=a, decided_on=done, decided_by=worker, overall_band=band,
                            threshold_band="substantial", eligible=True, reasons="r",
                            next_steps="n", challenge_route="c") for a in assessments])


def test_a_critical_person_with_no_service_after_six_weeks_is_flagged(world):
    late, on_time, moderate = _people(world, 3)
    _assessed(world, [late], 43, "critical")
    _assessed(world, [on_time], 41, "critical")
    _assessed(world, [moderate], 60, "moderate")
    rows = {r.person.pk: r for r in waiting_list(user=world.user("scot_team_manager"), today=TODAY)}
    assert rows[late.pk].past_target and rows[late.pk].target_days == 42
    assert not rows[on_time.pk].past_target
    assert rows[moderate.pk].target_days is None and not rows[moderate.pk].past_target
    assert all(r.stage == Stage.WAITING_SERVICE for r in rows.values())
    first = waiting_list(user=world.user("scot_team_manager"), today=TODAY)[0]
    assert first.person == late  # past target comes first


def test_people_whose_support_started_leave_the_list(world):
    (person,) = _people(world, 1)
    _assessed(world, [person], 50, "critical")
    Assessment.objects.update(service_started_on=TODAY)
    assert waiting_list(user=world.user("scot_team_manager"), today=TODAY) == []


def test_each_stage_and_only_people_the_user_may_see(world):
    waiting, other_team = _people(world, 2)
    other_team.team = world.scot_other_team
    other_team.save()
    Referral.objects.create(person=waiting, source="self", reason="r",
                            received_on=TODAY - datetime.timedelta(days=9))
    Referral.objects.create(person=other_team, source="self", reason="r", received_on=TODAY)
    rows = waiting_list(user=world.user("scot_social_worker"), today=TODAY)
    assert [(r.person, r.stage, r.days) for r in rows] == [(waiting, Stage.WAITING_ASSESSMENT, 9)]
    assert waiting_list(user=world.user("eng_team_manager"), today=TODAY) == []


def test_the_waiting_list_runs_the_same_queries_at_10_or_10000_people(world):
    def count():
        manager = type(world.user("scot_team_manager")).objects.get(username="scot_team_manager")
        with CaptureQueriesContext(connection) as ctx:
            rows = waiting_list(user=manager, today=TODAY)
            for row in rows:  # what the page reads from each row
                _ = (row.person.display_name, row.person.authority.name,
                     row.person.allocated_worker)
        return len(ctx.captured_queries)

    people = _people(world, 10)
    _assessed(world, people, 50, "critical")
    small = count()
    more = _people(world, 9_990, start=10)
    _assessed(world, more, 30, "substantial")
    assert count() == small
