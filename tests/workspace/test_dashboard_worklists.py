"""The home page points each role at what waits for them: spending requests to decide for
workers and team managers, referrals to answer for a provider's staff."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from selfdirect.core import clock
from selfdirect.planning import plans
from selfdirect.planning.referrals import referral_send
from selfdirect.providers.models import ProviderMember
from selfdirect.spending import services as spending
from tests.factories import TEST_PASSWORD, UserFactory
from tests.providers.factories import provider_in
from tests.spending.matrix import agreed_outcome

pytestmark = pytest.mark.django_db


def _home(client, username):
    client.logout()
    assert client.login(username=username, password=TEST_PASSWORD)
    return client.get(reverse("dashboard")).content.decode()


def test_spending_requests_waiting_are_on_the_home_page_of_those_who_decide(client, cast):
    users, person = cast
    outcome = agreed_outcome(person, users["scot_social_worker"])
    for words in ("A weekend of respite", "A season ticket for the football"):
        spending.spending_request_make(actor=users["the_person"], person=person,
                                       description=words, amount=50000, outcome=outcome,
                                       wanted_on=datetime.date(2026, 12, 12))
    link = reverse("spending-requests")
    for name in ("scot_social_worker", "scot_team_manager"):
        page = _home(client, name)
        assert "2 spending requests waiting for a decision" in page and link in page
    # Not for someone outside the person's caseload and team, nor another council, nor
    # the person who asked.
    for name in ("scot_other_social_worker", "eng_team_manager", "the_person"):
        assert "waiting for a decision" not in _home(client, name)


def test_a_providers_staff_see_referrals_waiting_for_their_answer(client, cast):
    users, person = cast
    plan = plans.plan_start(actor=users["scot_social_worker"], person=person)
    line = plans.line_add(actor=users["scot_social_worker"], plan=plan,
                          expected_version=plan.version, what="Day centre", who_kind="provider",
                          weekly_cost=5000, option="3", service_type="day_service")
    provider = provider_in(person.authority, districts=["EH1"], service_types=["day_service"])
    staff = UserFactory(username="day_centre_manager")
    ProviderMember.objects.create(provider=provider, user=staff)
    quiet = UserFactory(username="other_provider_staff")
    ProviderMember.objects.create(provider=provider_in(person.authority, districts=["EH1"]),
                                  user=quiet)
    referral_send(actor=users["scot_social_worker"], line=line, provider=provider)
    assert "1 referral waiting for your answer" in _home(client, "day_centre_manager")
    other = _home(client, "other_provider_staff")
    assert "waiting for your answer" not in other and "Referrals sent to you" in other
    assert "Referrals sent to you" not in _home(client, "scot_social_worker")


def test_a_run_prepared_by_one_finance_officer_waits_on_the_others_home_page(client, cast):
    from selfdirect.authorities.models import Role
    from selfdirect.payments import runs
    from tests.factories import staff

    users, person = cast
    staff(person.authority, Role.FINANCE_OFFICER, None, username="second_finance")
    today = clock.today()
    runs.run_prepare(actor=users["scot_finance_officer"], authority=person.authority,
                     period_start=today, period_end=today, pay_on=today)
    assert "1 payment run waiting for your approval" in _home(client, "second_finance")
    # Not for the one who prepared it, nor Manchester's finance officer, nor a worker.
    for name in ("scot_finance_officer", "eng_finance_officer", "scot_social_worker"):
        assert "waiting for your approval" not in _home(client, name)
    assert reverse("payment-runs") in _home(client, "second_finance")  # the navigation
