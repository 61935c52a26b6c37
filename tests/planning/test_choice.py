"""Recording the choice of options, and the options explained with this person's amounts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from selfdirect.planning import selectors, services
from selfdirect.planning.models import OptionChoice
from tests.factories import PersonFactory

DAY = datetime.date(2026, 11, 25)


@pytest.fixture
def person(world):
    return PersonFactory(authority=world.scot, team=world.scot_team,
                         allocated_worker=world.user("scot_social_worker"))


def record(world, person, **kwargs):
    values = {"options": ["1", "3"], "decided_on": DAY, "present": "Fraser, his sister, Morag (worker)"}
    values.update(kwargs)
    return services.option_choice_record(actor=world.user("scot_social_worker"), person=person,
                                         **values)


def test_more_than_one_option_is_option_4(world, person):
    choice = record(world, person, advocate_helped=True)
    assert choice.options == "13" and choice.is_option_4
    assert choice.label == "Option 4 (options 1 and 3)"
    assert selectors.current_choice(person) == choice


def test_no_choice_is_recorded_as_option_3_and_says_so(world, person):
    choice = record(world, person, options=[], no_choice=True)
    assert (choice.options, choice.no_choice) == ("3", True)
    assert "no choice was made" in choice.label
    with pytest.raises(ValidationError) as caught:
        record(world, person, options=[])
    assert "options" in caught.value.message_dict
    with pytest.raises(ValidationError):
        record(world, person, options=["2"], no_choice=True)


def test_direct_payment_not_available_needs_reasons_and_a_date_and_refuses_option_1(world, person):
    with pytest.raises(ValidationError) as caught:
        record(world, person, options=["1"], direct_payment_available=False)
    errors = caught.value.message_dict
    assert {"options", "direct_payment_reasons", "direct_payment_review_on"} <= set(errors)
    choice = record(world, person, options=["2"], direct_payment_available=False,
                    direct_payment_reasons="The person asked for time to decide about being an employer",
                    direct_payment_review_on=DAY + datetime.timedelta(days=90))
    explained = selectors.options_explained(person=person, user=world.user("scot_social_worker"))
    first = explained.options[0]
    assert not first.available and first.review_on == choice.direct_payment_review_on
    assert [o.number for o in explained.options] == ["1", "2", "3", "4"]


def test_the_database_refuses_an_unlawful_choice_row(world, person):
    with pytest.raises(IntegrityError), transaction.atomic():
        OptionChoice.objects.create(person=person, options="2", no_choice=True, decided_on=DAY,
                                    present="x", recorded_by=world.user("scot_social_worker"))


def test_only_the_person_s_worker_or_manager_records_it(world, person):
    with pytest.raises(PermissionDenied):
        services.option_choice_record(actor=world.user("scot_finance_officer"), person=person,
                                      options=["3"], decided_on=DAY, present="x")
    with pytest.raises(PermissionDenied):
        services.option_choice_record(actor=world.user("scot_other_social_worker"), person=person,
                                      options=["3"], decided_on=DAY, present="x")
