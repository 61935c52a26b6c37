"""The carers' pages in Chromium: axe-core finds no serious or critical problem on each,
as it opens and with its form's errors showing; each has one <h1>, a title ending
" – selfdirect" (starting "Error: " with errors); and the plan form works by keyboard
alone, with GOV.UK's visible focus at every step."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from selfdirect.carers import services
from selfdirect.outcomes.models import OutcomeTerm
from selfdirect.people.models import Access
from selfdirect.people.services import communication_needs_set, relationship_add
from tests.browser.conftest import (
    focused,
    navigated,
    page_facts,
    shows_govuk_focus,
    sign_in_quickly,
    visit,
)
from tests.factories import PersonFactory, UserFactory

SW = "scot_social_worker"
DAY = datetime.date(2026, 4, 2)


@dataclass
class Carers:
    cared_for: Any
    carer: Any
    offer: Any  # identified, not yet offered
    plan: Any  # accepted, with an outcome and an eligibility decision


@pytest.fixture
def carers(world) -> Carers:
    # The live server's tests run in transactions that are flushed afterwards, and the
    # flush takes the data the migrations loaded with it: load it again (idempotent).
    from selfdirect.authorities.policy import load_defaults
    from selfdirect.outcomes.taxonomy import load_taxonomy

    load_defaults()
    load_taxonomy()
    worker = world.user(SW)
    cared_for = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker,
                              given_name="Donald", family_name="MacInnes")
    relationship_add(actor=worker, person=cared_for, kind="unpaid_carer", name="Mairi MacInnes",
                     access=Access.NONE)
    carer = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker,
                          given_name="Mairi", family_name="MacInnes", client_group="carer")
    carer.user = UserFactory(username="mairi")
    carer.save()
    communication_needs_set(actor=worker, person=carer, needs={"large_print": ""})
    offer = services.carer_identify(actor=worker, cared_for=cared_for, carer=carer,
                                    identified_on=DAY, terminal_illness=True)
    offer = services.carer_offer_make(actor=worker, offer=offer, offered_on=DAY,
                                      offered_how="phone")
    offer = services.carer_offer_answer(actor=worker, offer=offer, answer="accepted",
                                        answered_on=DAY)
    plan = offer.plan
    services.carer_plan_outcome_add(
        actor=worker, plan=plan, in_own_words="I want to keep singing in the choir on Tuesdays",
        category=OutcomeTerm.objects.get(code="carer_life_of_own"),
        better_looks_like="At choir most weeks", measure="Three Tuesdays in four")
    services.carer_eligibility_decide(
        actor=worker, plan=plan, reasons="Some strain", signposting="VOCAL carers' centre",
        decided_on=DAY, areas=[(a, "low", "Some") for a in (
            "health_wellbeing", "relationships", "living_environment",
            "employment_training", "finance", "life_balance", "future_planning")])
    other = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker,
                          given_name="Iain", family_name="MacInnes")
    waiting = services.carer_identify(actor=worker, cared_for=cared_for, carer=other,
                                      identified_on=DAY, terminal_illness=True)
    return Carers(cared_for=cared_for, carer=carer, offer=waiting, plan=plan)


def _save(page: Any, name: str = "Save") -> None:
    navigated(page, lambda: page.get_by_role("button", name=name).click())


def _overfill(page: Any, selector: str, length: int) -> None:
    page.eval_on_selector(selector, "el => el.removeAttribute('maxlength')")
    page.fill(selector, "x" * length)


@dataclass(frozen=True)
class Case:
    name: str
    path: Callable[[Carers], str]
    make_errors: Callable[[Any], None] | None = None


def _plan(suffix: str = "") -> Callable[[Carers], str]:
    return lambda c: f"/carers/plans/{c.plan.pk}/{suffix}"


PAGES = [
    Case("identify a carer", lambda c: f"/people/{c.cared_for.pk}/carers/identify/",
         lambda page: _save(page, "Save and continue")),
    Case("identify a carer, searched", lambda c: f"/people/{c.cared_for.pk}/carers/identify/"
         "?name=macinnes"),
    Case("the offer, to be made", lambda c: f"/carers/offers/{c.offer.pk}/", _save),
    Case("the offer, accepted", lambda c: f"/carers/offers/{c.plan.offer.pk}/"),
    Case("the plan", _plan()),
    Case("a plan section", _plan("circumstances/"),
         lambda page: (_overfill(page, "#id_impact", 5001), _save(page))),
    Case("short breaks", _plan("short-breaks/"),
         lambda page: (page.check("#id_short_break_0"), _save(page))),
    Case("the first conversation", _plan("conversation/"),
         lambda page: (page.fill("#id_first_conversation_on_0", "31"),
                       page.fill("#id_first_conversation_on_1", "2"),
                       page.fill("#id_first_conversation_on_2", "2026"), _save(page))),
    Case("add an outcome", _plan("outcomes/new/"), lambda page: _save(page, "Add outcome")),
    Case("eligibility", _plan("eligibility/"),
         lambda page: _save(page, "Record the decision")),
    Case("agree the plan", _plan("agree/")),
    Case("carers waiting", lambda c: "/waiting-list/carers/"),
]


def check_basics(page: Any, *, errors: bool) -> None:
    facts = page_facts(page)
    assert facts["lang"], "<html> has no lang"
    assert len(facts["h1s"]) == 1, f"expected exactly one <h1>, found {facts['h1s']}"
    assert facts["title"].endswith(" – selfdirect"), facts["title"]
    assert facts["title"].startswith("Error: ") == errors, facts["title"]
    assert facts["errorSummary"] == errors


def test_every_carer_page_passes_axe_with_and_without_errors(page, live_server, world, carers,
                                                             subtests):
    sign_in_quickly(page, live_server, world.user(SW))
    for case in PAGES:
        url = case.path(carers)
        with subtests.test(msg=case.name, url=url):
            response = visit(page, url)
            assert response.status == 200, (response.status, page.url)
            check_basics(page, errors=False)
        if case.make_errors is None:
            continue
        with subtests.test(msg=f"{case.name}, with errors", url=url):
            if not page.url.endswith(url):
                visit(page, url)
            case.make_errors(page)
            check_basics(page, errors=True)
            assert page.evaluate(
                "() => document.activeElement.classList.contains('govuk-error-summary')")


def test_the_carer_sees_her_own_plan(page, live_server, carers):
    sign_in_quickly(page, live_server, carers.carer.user)
    visit(page, f"/carers/plans/{carers.plan.pk}/")
    check_basics(page, errors=False)
    assert "Carers are not charged for support" in page.inner_text("main")
    assert page.get_by_role("link", name="Agree the plan").count() == 0


# --- The plan form by keyboard alone --------------------------------------------------------


def describe(state: dict[str, Any]) -> str:
    name = state.get("id") or state.get("name") or ""
    text = (state.get("text") or "").split("\n")[0][:40]
    return f"{state['tag']}{'#' + name if name else ''}{' ' + repr(text) if text else ''}"


def tab(page: Any, key: str = "Tab") -> dict[str, Any]:
    page.keyboard.press(key)
    state = focused(page)
    if state["tag"] not in ("main", "body"):
        assert shows_govuk_focus(state), f"focus is not visible on {describe(state)}: {state}"
    return state


def tab_until(page: Any, wanted: Callable[[dict[str, Any]], bool], limit: int = 60,
              key: str = "Tab") -> dict[str, Any]:
    path = []
    for _ in range(limit):
        state = tab(page, key)
        path.append(describe(state))
        if wanted(state):
            return state
    pytest.fail(f"{key} never reached it. Focus went: {' > '.join(path)}")


def skip_to_main(page: Any) -> None:
    link = tab(page)
    assert (link["text"], link["href"]) == ("Skip to main content", "#main-content"), link
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main-content"


def test_the_plan_form_by_keyboard_alone(page, live_server, world, carers):
    plan = carers.plan
    sign_in_quickly(page, live_server, world.user(SW))
    visit(page, f"/carers/plans/{plan.pk}/")

    # From the plan, the "Change" link of the circumstances section.
    skip_to_main(page)
    tab_until(page, lambda s: s["tag"] == "a"
              and s["text"].replace("\n", " ").startswith("Change")
              and "circumstances/" in (s["href"] or ""))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert urlsplit(page.url).path == f"/carers/plans/{plan.pk}/circumstances/"

    # Three text areas, one Tab apart, then Save.
    skip_to_main(page)
    assert tab(page)["id"] == "id_circumstances"
    page.keyboard.type("Works part time at the library")
    assert tab(page)["id"] == "id_nature_and_extent"
    page.keyboard.type("Every evening and most nights")
    assert tab(page)["id"] == "id_impact"
    page.keyboard.type("Exhausted")
    save = tab(page)
    assert (save["tag"], save["text"]) == ("button", "Save")
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert urlsplit(page.url).path == f"/carers/plans/{plan.pk}/"
    assert page.locator(".govuk-notification-banner--success").inner_text().endswith(
        "The carer's circumstances has been saved.")

    # A break from caring: the radios by the arrow keys, the details typed, Space to save.
    visit(page, f"/carers/plans/{plan.pk}/short-breaks/")
    skip_to_main(page)
    # Tab lands on the chosen radio, "Not decided yet" (the last); up twice is "Yes".
    first = tab(page)
    assert (first["id"], first["checked"]) == ("id_short_break_2", True)
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    state = focused(page)
    assert (state["id"], state["checked"]) == ("id_short_break_0", True)
    assert shows_govuk_focus(state), state
    assert tab(page)["id"] == "id_short_break_details"
    page.keyboard.type("A sitter two evenings a week")
    save = tab(page)
    assert save["text"] == "Save"
    navigated(page, lambda: page.keyboard.press("Space"))
    assert urlsplit(page.url).path == f"/carers/plans/{plan.pk}/"

    plan.refresh_from_db()
    assert (plan.circumstances, plan.impact, plan.short_break, plan.short_break_details) == (
        "Works part time at the library", "Exhausted", "yes", "A sitter two evenings a week")
