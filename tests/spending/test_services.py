"""Spending requests decided against the authority's spending rules, and the exclusion
list changed from a date (scenario 8: flexible spending with reasons)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.spending import services
from selfdirect.spending.models import ExclusionEntry, SpendingRequest
from selfdirect.spending.rulebook import spending_rules
from tests.factories import PersonFactory
from tests.spending.matrix import agreed_outcome

WEEKEND = datetime.date(2026, 12, 12)
Decision = SpendingRequest.Status


@pytest.fixture
def hamish(cast):
    users, person = cast
    person.given_name = "Hamish"
    person.save()
    outcome = agreed_outcome(person, users["scot_social_worker"],
                             "My wife gets a proper break so she can keep caring for me")
    return users, person, outcome


def _ask(users, person, outcome, description="A weekend of respite at a cottage in Pitlochry",
         amount=50000, wanted_on=WEEKEND, by="the_person"):
    return services.spending_request_make(actor=users[by], person=person,
                                          description=description, amount=amount,
                                          outcome=outcome, wanted_on=wanted_on)


def test_hamish_spends_500_on_a_weekend_of_respite_and_is_told_why(hamish):
    users, person, outcome = hamish
    request = _ask(users, person, outcome)
    check = services.spending_request_check(request)
    assert check.exclusion is None and check.outcome_agreed
    services.spending_request_decide(
        actor=users["scot_social_worker"], request=request, decision=Decision.APPROVED,
        reason="It serves your agreed outcome of a break for your wife, within your budget.")
    request.refresh_from_db()
    assert request.status == Decision.APPROVED
    assert request.approved_amount == 50000
    assert request.decided_by == users["scot_social_worker"]
    assert "break for your wife" in request.decision_reason
    assert request.exclusion_key == ""
    reasons = [h.history_change_reason for h in request.history.order_by("history_date")]
    assert reasons == ["Spending request made", "Spending request approved"]


def test_approve_with_changes_needs_the_changes_and_keeps_the_new_amount(hamish):
    users, person, outcome = hamish
    request = _ask(users, person, outcome)
    with pytest.raises(ValidationError) as err:
        services.spending_request_decide(actor=users["scot_team_manager"], request=request,
                                         decision=Decision.APPROVED_WITH_CHANGES,
                                         reason="A cheaper cottage is available")
    assert "changes" in err.value.message_dict
    services.spending_request_decide(actor=users["scot_team_manager"], request=request,
                                     decision=Decision.APPROVED_WITH_CHANGES,
                                     reason="A cheaper cottage is available",
                                     changes="Two nights, not three", approved_amount=40000)
    request.refresh_from_db()
    assert (request.status, request.approved_amount) == (Decision.APPROVED_WITH_CHANGES, 40000)


def test_a_request_for_an_excluded_purpose_is_refused_by_the_rule_naming_it(hamish):
    users, person, outcome = hamish
    request = _ask(users, person, outcome, description="Scratch cards and a night at the casino")
    check = services.spending_request_check(request)
    assert check.exclusion is not None and check.exclusion.title == "Gambling"
    with pytest.raises(ValidationError) as err:
        services.spending_request_decide(actor=users["scot_social_worker"], request=request,
                                         decision=Decision.APPROVED, reason="Why not")
    assert "Gambling" in err.value.message_dict["decision"][0]
    services.spending_request_decide(actor=users["scot_social_worker"], request=request,
                                     decision=Decision.REFUSED,
                                     reason="The council's rules do not allow gambling.")
    request.refresh_from_db()
    assert request.status == Decision.REFUSED
    assert (request.exclusion_key, request.exclusion_title) == ("gambling", "Gambling")
    assert "gamble" in request.exclusion_explanation


def test_the_decider_can_record_that_no_exclusion_applies(hamish):
    users, person, outcome = hamish
    # "rent" suggests household bills, but this is a short break, agreed as such.
    request = _ask(users, person, outcome, description="Rent a caravan for a short break")
    assert services.spending_request_check(request).exclusion.key == "household-bills"
    services.spending_request_decide(actor=users["scot_social_worker"], request=request,
                                     decision=Decision.APPROVED, exclusion_key="",
                                     reason="A short break, not a household bill.")
    request.refresh_from_db()
    assert request.status == Decision.APPROVED and request.exclusion_key == ""


def test_no_decision_without_reasons(hamish):
    users, person, outcome = hamish
    request = _ask(users, person, outcome)
    for blank in ("", "   "):
        with pytest.raises(ValidationError) as err:
            services.spending_request_decide(actor=users["scot_social_worker"], request=request,
                                             decision=Decision.REFUSED, reason=blank)
        assert "decision_reason" in err.value.message_dict
    request.refresh_from_db()
    assert request.status == Decision.REQUESTED and request.decided_by is None


def test_the_requester_cannot_decide_their_own_request(hamish):
    users, person, outcome = hamish
    request = _ask(users, person, outcome, by="scot_social_worker")
    with pytest.raises(ValidationError) as err:
        services.spending_request_decide(actor=users["scot_social_worker"], request=request,
                                         decision=Decision.APPROVED, reason="Fine")
    assert "Someone other than" in err.value.message_dict["decision"][0]
    # Nor can the person, or someone acting for them, decide anything.
    for who in ("the_person", "attorney_acting", "scot_finance_officer"):
        with pytest.raises(PermissionDenied):
            services.spending_request_decide(actor=users[who], request=request,
                                             decision=Decision.APPROVED, reason="Fine")
    services.spending_request_decide(actor=users["scot_team_manager"], request=request,
                                     decision=Decision.APPROVED, reason="Serves the outcome")
    with pytest.raises(ValidationError):  # decided once only
        services.spending_request_decide(actor=users["scot_team_manager"], request=request,
                                         decision=Decision.REFUSED, reason="Changed my mind")


def test_a_request_serves_an_agreed_outcome_of_the_person(hamish, world):
    users, person, outcome = hamish
    draft = PersonalOutcome.objects.create(person=person, in_own_words="Go to the football",
                                           created_by=users["scot_social_worker"])
    other = agreed_outcome(PersonFactory(authority=world.scot), users["scot_social_worker"])
    for wrong in (draft, other, None):
        with pytest.raises(ValidationError) as err:
            _ask(users, person, wrong)
        assert "outcome" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        _ask(users, person, outcome, description=" ", amount=0)
    assert {"description", "amount"} <= set(err.value.message_dict)
    with pytest.raises(PermissionDenied):  # a carer who may only see
        _ask(users, person, outcome, by="carer_viewing")


def test_an_exclusion_added_from_a_later_date_does_not_apply_before_it(hamish, world):
    users, person, outcome = hamish
    admin = users["scot_administrator"]
    start = datetime.date(2027, 1, 1)
    services.exclusion_add(actor=admin, authority=world.scot, title="Holidays abroad",
                           explanation="Breaks are in the UK.", keywords="abroad, flights",
                           effective_from=start, reason="Council decision of 3 November 2026")
    assert spending_rules(world.scot, start - datetime.timedelta(days=1)).exclusion(
        "holidays-abroad") is None
    assert spending_rules(world.scot, start).exclusion("holidays-abroad").is_local
    assert spending_rules(world.eng, start).exclusion("holidays-abroad") is None
    before = _ask(users, person, outcome, description="Flights abroad for a break",
                  wanted_on=datetime.date(2026, 12, 20))
    after = _ask(users, person, outcome, description="Flights abroad for a break",
                 wanted_on=datetime.date(2027, 1, 5))
    assert services.spending_request_check(before).exclusion is None
    assert services.spending_request_check(after).exclusion.title == "Holidays abroad"


def test_an_exclusion_withdrawn_from_a_date_keeps_its_history(hamish, world):
    users, person, outcome = hamish
    admin = users["scot_administrator"]
    withdrawn_from = datetime.date(2027, 4, 1)
    services.exclusion_withdraw(actor=admin, authority=world.scot, key="gambling",
                                effective_from=withdrawn_from, reason="Trial of a new approach")
    assert spending_rules(world.scot, withdrawn_from - datetime.timedelta(days=1)).exclusion(
        "gambling") is not None
    assert spending_rules(world.scot, withdrawn_from).exclusion("gambling") is None
    assert spending_rules(world.eng, withdrawn_from).exclusion("gambling") is not None
    entries = ExclusionEntry.objects.filter(key="gambling", country=world.scot.country)
    assert sorted((e.action, e.authority_id) for e in entries) == [
        ("in_force", None), ("withdrawn", world.scot.pk)]
    with pytest.raises(ValidationError) as err:  # one change a day, and a reason
        services.exclusion_withdraw(actor=admin, authority=world.scot, key="gambling",
                                    effective_from=withdrawn_from, reason="")
    assert {"effective_from", "reason"} <= set(err.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.exclusion_withdraw(actor=users["scot_team_manager"], authority=world.scot,
                                    key="alcohol-tobacco", effective_from=withdrawn_from,
                                    reason="No")
    with pytest.raises(PermissionDenied):  # Manchester's administrator, Edinburgh's rules
        services.exclusion_add(actor=users["eng_administrator"], authority=world.scot,
                               title="Taxis", explanation="No", effective_from=withdrawn_from,
                               reason="No")


def test_both_countries_ship_the_default_exclusions(world):
    for authority in (world.scot, world.eng):
        keys = {e.key for e in spending_rules(authority).exclusions}
        assert keys == {"residential-care", "gambling", "alcohol-tobacco", "unlawful",
                        "family-member-at-home", "household-bills"}
        assert all(e.explanation and e.source for e in spending_rules(authority).exclusions)
    assert spending_rules(world.scot, datetime.date(2014, 3, 31)).exclusions == ()
