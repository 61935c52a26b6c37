"""The provider directory, spending and referral / family-PA / printable-plan pages in
Chromium, each as someone who uses it: axe-core finds no serious or critical problem
(``visit``, ``navigated``), the page's main action is reached by Tab with GOV.UK's focus
showing, and the page reflows at 320px without the whole page scrolling sideways.
Each page is a subtest: one failing page does not hide the others.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.urls import reverse

from selfdirect.allocation import services as allocation
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.planning import plans, referrals
from selfdirect.planning.models import FamilyCircumstance
from selfdirect.providers.models import ProviderMember
from selfdirect.spending import services as spending
from tests.allocation.matrix_budget import make_budget
from tests.browser.conftest import focused, navigated, page_facts, sign_in_quickly, visit
from tests.browser.test_charging_journey import _assert_reflows_at_320
from tests.browser.test_keyboard import tab_until
from tests.factories import UserFactory
from tests.providers.factories import PersonalAssistantFactory, provider_in
from tests.spending.matrix import agreed_outcome

Wanted = Callable[[dict[str, Any]], bool]


def action(text: str, *, prefix: bool = False) -> Wanted:
    """A link or button with these words (``prefix``: starting with them, as a "Decide"
    link does, its hidden words naming the request)."""
    def wanted(state: dict[str, Any]) -> bool:
        words = state.get("text", "")
        return state["tag"] in ("a", "button") and (
            words.startswith(text) if prefix else words == text)
    return wanted


def as_user(page: Any, live_server: Any, user: Any | None) -> None:
    page.context.clear_cookies()
    if user is not None:
        sign_in_quickly(page, live_server, user)


def check_page(page: Any, subtests: Any, name: str, url: str, wanted: Wanted | None,
               *, limit: int = 80, shows: str = "") -> None:
    """Open ``url`` (axe), Tab from the top of the page to its main action, then check
    the page at 320px. ``wanted`` None: the page has no action to reach."""
    with subtests.test(msg=f"{name}: {url}"):
        response = visit(page, url)
        assert response is not None and response.status == 200, (url, response and
                                                                  response.status)
        assert len(page_facts(page)["h1s"]) == 1, page_facts(page)
        assert shows in page.inner_text("body"), f"{shows!r} is not on {url}"
        if wanted is not None:
            reached = tab_until(page, wanted, limit=limit)
            assert focused(page) == reached
        _assert_reflows_at_320(page)


def check_error_state(page: Any, subtests: Any, name: str, url: str, submit: str) -> None:
    """Open the form, Tab to its submit button, press Enter with nothing filled in: the
    page with errors passes axe, shows its error summary, and reflows at 320px."""
    with subtests.test(msg=f"{name} with errors: {url}"):
        visit(page, url)
        tab_until(page, action(submit), limit=120)
        navigated(page, lambda: page.keyboard.press("Enter"))
        facts = page_facts(page)
        assert facts["errorSummary"], f"no error summary on {page.url}"
        assert facts["title"].startswith("Error: "), facts["title"]
        # The error summary takes focus; the submit button is still reachable from there.
        tab_until(page, action(submit), limit=120)
        _assert_reflows_at_320(page)


# --- The provider directory ---------------------------------------------------------------


def test_provider_directory_pages(page, live_server, cast, subtests):
    users, person = cast
    person.postcode = "EH6 5AB"
    person.save()
    provider = provider_in(person.authority, districts=["EH6"], languages=["Urdu"],
                           female_carers=True, service_types=["personal_care"])
    provider_in(person.authority, framework=False, districts=["EH6"],
                service_types=["personal_care"])
    PersonalAssistantFactory(covers=[person.authority], languages=["Urdu"], districts=["EH6"])

    as_user(page, live_server, users["scot_social_worker"])
    search = (f"{reverse('provider-search')}?authority={person.authority.pk}&district=EH6"
              "&service_type=personal_care&language=Urdu&carer_gender=women&hours=10")
    check_page(page, subtests, "provider-search (a search run)", search, action("Search"),
               shows=provider.name)
    check_page(page, subtests, "personal-assistants", reverse("personal-assistants"),
               action("Search"))
    check_page(page, subtests, "person-providers",
               reverse("person-providers", args=[person.pk]), action("Search"))

    as_user(page, live_server, users["scot_commissioner"])
    check_page(page, subtests, "provider-detail (commissioner)",
               reverse("provider-detail", args=[provider.pk]),
               action("Change the provider's details"), shows=provider.name)
    check_page(page, subtests, "provider-add", reverse("provider-add"),
               action("Add the provider"), limit=120)
    check_error_state(page, subtests, "provider-add", reverse("provider-add"),
                      "Add the provider")


# --- Spending -----------------------------------------------------------------------------


def test_spending_pages(page, live_server, cast, subtests):
    users, person = cast
    outcome = agreed_outcome(person, users["scot_social_worker"])
    made = spending.spending_request_make(
        actor=users["the_person"], person=person, description="A weekend of respite",
        amount=50000, outcome=outcome, wanted_on=datetime.date(2026, 12, 12))

    as_user(page, live_server, users["the_person"])
    check_page(page, subtests, "person-spending (the person)",
               reverse("person-spending", args=[person.pk]),
               action("Ask to spend the budget differently"))
    new = reverse("spending-request-new", args=[person.pk])
    check_page(page, subtests, "spending-request-new", new, action("Send the request"))
    check_error_state(page, subtests, "spending-request-new", new, "Send the request")

    as_user(page, live_server, users["scot_social_worker"])
    check_page(page, subtests, "spending-request-detail (the worker)",
               reverse("spending-request-detail", args=[made.pk]),
               action("Decide the request"))
    check_page(page, subtests, "spending-request-decide",
               reverse("spending-request-decide", args=[made.pk]),
               action("Record the decision"), limit=120)
    check_page(page, subtests, "spending-requests", reverse("spending-requests"),
               action("Decide", prefix=True), shows="A weekend of respite")

    as_user(page, live_server, users["scot_administrator"])
    check_page(page, subtests, "spending-rules-manage (administrator)",
               reverse("spending-rules-manage"), action("Add the exclusion"), limit=120)

    as_user(page, live_server, None)
    code = person.authority.code
    check_page(page, subtests, "spending-rules (signed out)",
               reverse("spending-rules", args=[code]), action("Show the rules"))
    check_page(page, subtests, "spending-challenge (signed out)",
               reverse("spending-challenge", args=[code]),
               action("Back to the spending rules"))


# --- Referrals, a family member as PA, the printable plan ----------------------------------


def test_planning_pages(page, live_server, cast, subtests):
    users, person = cast
    worker, manager = users["scot_social_worker"], users["scot_team_manager"]
    person.postcode = "EH1 1AA"
    person.save()
    budget = make_budget(users, person)
    allocation.budget_propose(actor=worker, budget=budget)
    allocation.budget_agree(actor=manager, budget=budget, reason="Meets the assessed needs")
    outcome = PersonalOutcome.objects.create(
        person=person, in_own_words="I want to get out of the house", created_by=worker,
        state=PersonalOutcome.State.AGREED, agreed_on=datetime.date(2026, 11, 1))
    plan = plans.plan_start(actor=worker, person=person)
    pa_line = plans.line_add(
        actor=worker, plan=plan, expected_version=plan.version, outcome=outcome,
        what="A personal assistant each morning", who_kind="pa", who_name="Catriona",
        weekly_cost=6000, option="1", service_type="personal_care")
    plan.refresh_from_db()
    day_line = plans.line_add(
        actor=worker, plan=plan, expected_version=plan.version, outcome=outcome,
        what="Day centre, two days a week", who_kind="provider", weekly_cost=9000,
        option="3", service_type="day_service")
    plan.refresh_from_db()
    centre = provider_in(person.authority, districts=["EH1"], service_types=["day_service"])
    provider_in(person.authority, framework=False, districts=["EH1"],
                service_types=["day_service"])

    as_user(page, live_server, worker)
    refer = reverse("plan-line-refer", args=[day_line.pk])
    check_page(page, subtests, "plan-line-refer", refer, action("Send the referral"),
               limit=120, shows=centre.name)
    check_page(page, subtests, "plan-line-refer (every provider)", f"{refer}?all=1",
               action("Send the referral"), limit=120)
    ask = reverse("plan-family-pa-request", args=[plan.pk])
    check_page(page, subtests, "plan-family-pa-request", ask, action("Send the request"),
               limit=120)
    check_error_state(page, subtests, "plan-family-pa-request", ask, "Send the request")
    check_page(page, subtests, "person-plan-print",
               reverse("person-plan-print", args=[person.pk]), None,
               shows="A personal assistant each morning")

    plan.refresh_from_db()
    exception = plans.family_pa_request(
        actor=worker, plan=plan, expected_version=plan.version, family_member="Catriona",
        relationship="daughter", reason="No agency covers the island",
        circumstances=[FamilyCircumstance.LIMITED_CHOICE], other_reason="",
        both_agree=True, can_meet_needs=True, lives_with_person=False, line=pa_line)
    referral = referrals.referral_send(actor=worker, line=day_line, provider=centre,
                                       message="Tuesdays please",
                                       chosen_despite="The one she knows")

    as_user(page, live_server, manager)
    check_page(page, subtests, "plan-family-pa-decide (team manager)",
               reverse("plan-family-pa-decide", args=[exception.pk]),
               action("Record the decision"), limit=120)

    staff = UserFactory(username="centre_manager")
    ProviderMember.objects.create(provider=centre, user=staff)
    as_user(page, live_server, staff)
    check_page(page, subtests, "provider-referrals (the provider's staff)",
               reverse("provider-referrals"), action("Day centre, two days a week"))
    check_page(page, subtests, "provider-referral (the provider's staff)",
               reverse("provider-referral", args=[referral.pk]), action("Send your answer"),
               limit=120, shows="Tuesdays please")
