"""Scenario 6. All four options, equal weight.

Fraser sees the four options side by side with what each means for him (who holds the
money, who arranges support, what he would be responsible for) before he chooses. He
chooses Option 4: his personal assistants by direct payment (Option 1) and a day service
arranged by the council (Option 3). The plan shows each support line's option and funding
stream.

Fraser (the person, signed in as himself) reads the options page; his worker records his
choice through the form after they talk it through; she writes the plan with the two
lines; Fraser agrees it online; the worker and the team manager sign; the agreed plan's
lines become the services his contribution is worked out on.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from selfdirect.allocation import services as allocation
from selfdirect.charging.models import PlannedService
from selfdirect.core import clock
from selfdirect.core.money import pounds
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.planning.models import OptionChoice, SupportPlan
from tests.allocation.matrix_budget import make_budget
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

TODAY = clock.today()
GET_OUT = "I want to get out to the football with my mates on Saturdays"
DAYTIME = "I want something to do in the day that isn't watching the telly"


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=TEST_PASSWORD)
    return client


def version_of(client: Client, url: str) -> str:
    return str(client.get(url).context["form"]["version"].value())


def test_fraser_chooses_option_4_after_seeing_all_four(cast):
    users, fraser = cast
    worker, manager = users["scot_social_worker"], users["scot_team_manager"]
    budget = make_budget(users, fraser)
    allocation.budget_propose(actor=worker, budget=budget)
    budget = allocation.budget_agree(actor=manager, budget=budget, reason="Meets his needs")
    outcomes = [PersonalOutcome.objects.create(person=fraser, in_own_words=words,
                                               state=PersonalOutcome.State.AGREED,
                                               agreed_on=TODAY, created_by=worker)
                for words in (GET_OUT, DAYTIME)]

    # Before he chooses: the four options, side by side, each saying the same things.
    him = signed_in("the_person")
    page = him.get(reverse("person-options", args=[fraser.pk])).content.decode()
    headings = re.findall(r"Option [1-4]: [^<]+", page)
    assert [h[:8] for h in headings[:4]] == ["Option 1", "Option 2", "Option 3", "Option 4"]
    for question in ("Who holds the money", "Who arranges"):
        assert page.count(question) >= 4, question
    assert "You are their employer" in page or "you are their employer" in page
    assert "Record the choice" not in page  # he chooses; his worker records it

    # His worker records his choice: Option 4, made of options 1 and 3.
    staff = signed_in("scot_social_worker")
    response = staff.post(reverse("option-choice-record", args=[fraser.pk]), {
        "options": ["1", "3"], "decided_on_day": TODAY.day, "decided_on_month": TODAY.month,
        "decided_on_year": TODAY.year, "present": "Fraser, his mum, Morag (worker)",
        "explained_how": "Face to face, with the easy read leaflet"})
    assert response.status_code == 302, response.content.decode()
    choice = OptionChoice.objects.get(person=fraser)
    assert choice.label == "Option 4 (options 1 and 3)"

    # The plan: personal assistants by direct payment, a day service the council arranges.
    assert staff.post(reverse("plan-start", args=[fraser.pk])).status_code == 302
    plan = SupportPlan.objects.get(person=fraser)
    add = reverse("plan-line-add", args=[fraser.pk])
    cost = f"{pounds(budget.total // (52 * 3)):.2f}"
    for outcome, what, who, option, kind, contingency in (
            (outcomes[0], "Personal assistants on Saturdays", "pa", "1", "social_support",
             "If his PA is ill, his brother goes with him and the agency covers nights"),
            (outcomes[1], "Day service, three days a week", "provider", "3", "day_service", "")):
        response = staff.post(add, {
            "version": version_of(staff, add), "outcome": str(outcome.pk), "what": what,
            "who_kind": who, "who_name": "", "when": "", "hours_per_week": "",
            "weekly_cost": cost, "option": option, "funding_stream": "council",
            "service_type": kind, "contingency": contingency})
        assert response.status_code == 302, response.content.decode()

    plan_page = him.get(reverse("person-plan", args=[fraser.pk])).content.decode()
    assert "Option 1: a direct payment" in plan_page
    assert "Option 3" in plan_page
    assert plan_page.count("Council social care") >= 2  # each line's funding stream

    agree = reverse("plan-agree", args=[plan.pk])
    assert him.post(agree, {"version": version_of(him, agree)}).status_code == 302
    sign = reverse("plan-sign", args=[plan.pk])
    assert staff.post(sign, {"version": version_of(staff, sign)}).status_code == 302
    boss = signed_in("scot_team_manager")
    assert boss.post(sign, {"version": version_of(boss, sign)}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.AGREED
    charged = PlannedService.objects.filter(person=fraser, ends_on__isnull=True)
    assert sorted((s.option, s.service_type) for s in charged) == [
        ("1", "social_support"), ("3", "day_service")]
