"""The spending reads take the same number of queries whatever the data size."""

from __future__ import annotations

import datetime

import pytest

from selfdirect.spending import selectors, services
from selfdirect.spending.rulebook import spending_rules
from tests.spending.matrix import agreed_outcome


def _requests(users, person, how_many):
    outcome = agreed_outcome(person, users["scot_social_worker"])
    for n in range(how_many):
        services.spending_request_make(actor=users["the_person"], person=person,
                                       description=f"Respite weekend {n}", amount=1000 + n,
                                       outcome=outcome, wanted_on=datetime.date(2026, 12, 12))


def _counts(users, person, world, django_assert_max_num_queries):
    manager = users["scot_team_manager"]
    manager = type(manager).objects.get(pk=manager.pk)  # no cached roles
    with django_assert_max_num_queries(3) as waiting:
        found = selectors.requests_waiting(authority=world.scot, user=manager)
    with django_assert_max_num_queries(1) as own:
        selectors.person_spending_requests(person=person)
    with django_assert_max_num_queries(1) as rules:
        spending_rules(world.scot)
    return len(found), (len(waiting), len(own), len(rules))


@pytest.mark.django_db
def test_reads_do_not_grow_with_the_data(cast, world, django_assert_max_num_queries):
    users, person = cast
    _requests(users, person, 2)
    small, small_counts = _counts(users, person, world, django_assert_max_num_queries)
    _requests(users, person, 10)
    large, large_counts = _counts(users, person, world, django_assert_max_num_queries)
    assert (small, large) == (2, 12)
    assert small_counts == large_counts


@pytest.mark.django_db
def test_a_worker_sees_only_the_requests_of_their_caseload(cast, world):
    users, person = cast
    _requests(users, person, 1)
    assert len(selectors.requests_waiting(authority=world.scot,
                                          user=users["scot_social_worker"])) == 1
    assert selectors.requests_waiting(authority=world.scot,
                                      user=users["scot_other_social_worker"]) == []
    assert selectors.requests_waiting(authority=world.eng, user=users["eng_team_manager"]) == []
