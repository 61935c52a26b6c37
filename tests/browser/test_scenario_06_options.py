"""Scenario 6 in Chromium: all four options, with equal weight.

Fraser (working age, in Edinburgh, with an agreed budget and two agreed outcomes) signs in
and reads his four options from his own pages: side by side, in the law's order 1 to 4, each
set out the same way, none marked as recommended, and a copy to print with no navigation.
His social worker records his choice by keyboard alone (options 1 and 3, so Option 4): a
first try with nothing chosen shows GOV.UK's error summary, which takes focus, links to the
options and keeps what she typed. She writes the plan by keyboard alone: personal assistants
by direct payment (Option 1, with a plan for when it breaks down) and a day service the
council arranges (Option 3). Fraser reads each line's option and where its money comes from
and agrees with one button; the worker signs; the team manager signs it off.

axe-core checks every page on the way (``visit``, ``navigated``); each page is checked at
320px wide as a subtest, so the journey goes on when one does not reflow.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from selfdirect.allocation import services as allocation
from selfdirect.charging.models import PlannedService
from selfdirect.core import clock
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.planning.models import OptionChoice, SupportLine, SupportPlan
from tests.allocation.matrix_budget import make_budget
from tests.browser.conftest import focused, navigated, page_facts, sign_in, sign_in_quickly, visit
from tests.browser.test_charging_journey import (
    by_id,
    is_button,
    main_text,
    reflows_at_320,
    start_tabbing,
    success_banner,
)
from tests.browser.test_keyboard import path_of, tab, tab_until
from tests.factories import PersonFactory, UserFactory

SW = "scot_social_worker"
TM = "scot_team_manager"
GET_OUT = "I want to get out to the football with my mates on Saturdays"
DAYTIME = "I want something to do in the day that isn't watching the telly"
PRESENT = "Fraser, his mum, Morag (worker)"
EXPLAINED = "Face to face, with the easy read leaflet"
PA_LINE = "Personal assistants on Saturdays"
PA_CONTINGENCY = "If his PA is ill, his brother goes with him and the agency covers nights"
DAY_LINE = "Day service, three days a week"
OPTION_TITLES = [
    "Option 1: a direct payment",
    "Option 2: you choose, the council or a provider holds the money",
    "Option 3: the council chooses and arranges",
    "Option 4: a mix of options",
]
CARD_KEYS = ["Who holds the money", "Who chooses the support", "Who arranges it",
             "What you would be responsible for", "Help there is", "How much"]
# The support line form's radios, in order: who gives it (WhoKind) and the option.
WHO_PROVIDER, WHO_PA = 0, 1
OPTION_1, OPTION_3 = 0, 2


@pytest.fixture
def fraser(world: Any) -> Any:
    """Fraser, working age, the social worker's, who signs in as "fraser"; an agreed budget
    and two agreed outcomes in his own words."""
    person = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Fraser",
                           family_name="Munro", allocated_worker=world.user(SW),
                           date_of_birth=datetime.date(1985, 3, 14),
                           user=UserFactory(username="fraser"))
    budget = make_budget(world.users, person)
    allocation.budget_propose(actor=world.user(SW), budget=budget)
    allocation.budget_agree(actor=world.user(TM), budget=budget, reason="Meets his needs")
    today = clock.today()
    for words in (GET_OUT, DAYTIME):
        PersonalOutcome.objects.create(person=person, in_own_words=words,
                                       state=PersonalOutcome.State.AGREED, agreed_on=today,
                                       created_by=world.user(SW))
    return person


def option_cards(page: Any) -> list[dict[str, Any]]:
    """Each option's card, in the order of the page: its id, heading (tag and text), the
    keys of its rows, its classes, any tag or "recommended" wording, and where it is."""
    return page.evaluate("""() => [...document.querySelectorAll('main .govuk-summary-card')]
        .filter(c => /^option-/.test(c.id)).map(c => {
            const h = c.querySelector('.govuk-summary-card__title');
            const r = c.getBoundingClientRect();
            return {
                id: c.id, heading: h.tagName.toLowerCase(), title: h.innerText.trim(),
                keys: [...c.querySelectorAll('.govuk-summary-list__key')]
                    .map(k => k.innerText.trim()),
                classes: c.className, wrapper: c.parentElement.className,
                tags: [...c.querySelectorAll('.govuk-tag, strong.govuk-tag')]
                    .map(t => t.innerText.trim()),
                text: c.innerText,
                top: Math.round(r.top), left: Math.round(r.left), width: Math.round(r.width),
            };
        })""")


def type_over(page: Any, text: str) -> None:
    """In the focused text box: select what is there and type over it."""
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose_radio(page: Any, index: int) -> None:
    """On the first radio of a group (just reached by Tab), with none chosen: choose the one
    at ``index`` (Space chooses the first; each arrow moves down and chooses)."""
    page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")


def card(page: Any, heading: str) -> Any:
    cards = page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name=heading, exact=True))
    assert cards.count() == 1, f"no single card headed {heading!r}"
    return cards.first


def card_value(page: Any, heading: str, key: str) -> str:
    row = card(page, heading).locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=key))
    return row.locator(".govuk-summary-list__value").inner_text().strip()


def add_line_by_keyboard(page: Any, subtests: Any, fraser: Any, *, outcome: int, what: str,
                         who: int, cost: str, option: int, service: str,
                         contingency: str) -> None:
    """From the plan page: "Add a support line", and the form, by keyboard alone."""
    start_tabbing(page)
    tab_until(page, is_button("Add a support line"), limit=60)
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/people/{fraser.pk}/plan/lines/new/"
    reflows_at_320(page, subtests)
    start_tabbing(page)
    tab_until(page, by_id("id_outcome_0"))
    choose_radio(page, outcome)
    assert (focused(page)["id"], focused(page)["checked"]) == (f"id_outcome_{outcome}", True)
    assert tab(page)["id"] == "id_what"
    page.keyboard.type(what)
    assert tab(page)["id"] == "id_who_kind_0"
    choose_radio(page, who)
    assert tab(page)["id"] == "id_who_name"  # left empty, like when and the hours
    assert tab(page)["id"] == "id_when"
    assert tab(page)["id"] == "id_hours_per_week"
    assert tab(page)["id"] == "id_weekly_cost"
    page.keyboard.type(cost)
    assert tab(page)["id"] == "id_option_0"
    choose_radio(page, option)
    # Where the money comes from: council social care is already chosen, and takes Tab.
    stream = tab(page)
    assert (stream["name"], stream["checked"]) == ("funding_stream", True), stream
    assert page.get_by_label("Council social care").is_checked()
    assert tab(page)["id"] == "id_service_type"
    page.keyboard.type(service)  # a closed <select> chooses by the first letters typed
    assert page.locator("#id_service_type option:checked").inner_text() == service
    assert tab(page)["id"] == "id_contingency"
    if contingency:
        page.keyboard.type(contingency)
    tab_until(page, is_button("Add the support line"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/people/{fraser.pk}/plan/", main_text(page)[:800]
    assert "The support line has been added." in success_banner(page)


def test_fraser_sees_four_options_chooses_4_and_agrees_his_plan(page: Any, live_server: Any,
                                                                 world: Any, fraser: Any,
                                                                 subtests: Any) -> None:
    today = clock.today()
    options_url = f"/people/{fraser.pk}/options/"
    plan_url = f"/people/{fraser.pk}/plan/"

    # --- 1. Fraser reads his four options from his own pages. ---
    sign_in(page, live_server, "fraser")
    visit(page, "/my/")
    reflows_at_320(page, subtests)
    navigated(page, lambda: page.get_by_role(
        "link", name="Your options for arranging support").click())
    assert path_of(page) == options_url
    assert page_facts(page)["h1s"] == ["Your options for arranging support"]
    main = main_text(page)
    assert "none is better than another, and none is the default" in main
    assert "Your budget is £1,485.00 a year" in main
    assert "Record the choice" not in main  # he chooses; his worker records it

    cards = option_cards(page)
    assert [c["id"] for c in cards] == ["option-1", "option-2", "option-3", "option-4"]
    assert [c["title"] for c in cards] == OPTION_TITLES
    for c in cards:
        # The same heading level, the same rows in the same order, the same look; no tag
        # (like "Recommended") and no wording that puts one above the others.
        assert c["heading"] == "h3", c
        assert c["keys"] == CARD_KEYS, c
        assert (c["classes"], c["wrapper"]) == (cards[0]["classes"], cards[0]["wrapper"]), c
        assert c["tags"] == [], c
        lowered = c["text"].lower()
        for word in ("recommended", "preferred", "best option", "default"):
            assert word not in lowered, (word, c["title"])
    # Side by side: two to a row, the same width, 1 beside 2, then 3 beside 4.
    assert len({c["width"] for c in cards}) == 1, cards
    one, two, three, four = cards
    assert one["top"] == two["top"] and one["left"] < two["left"], cards
    assert three["top"] == four["top"] and three["left"] < four["left"], cards
    assert three["top"] > one["top"] and one["left"] == three["left"], cards
    assert "you are their employer" in card(page, OPTION_TITLES[0]).inner_text().lower()
    reflows_at_320(page, subtests)
    # On a phone they stack, one under another, still in the order 1 to 4.
    page.set_viewport_size({"width": 320, "height": 800})
    try:
        narrow = option_cards(page)
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    assert [c["id"] for c in narrow] == ["option-1", "option-2", "option-3", "option-4"]
    tops = [c["top"] for c in narrow]
    assert tops == sorted(tops) and len(set(tops)) == 4, narrow
    assert len({c["left"] for c in narrow}) == 1, narrow

    navigated(page, lambda: page.get_by_role("link", name="A copy to print or keep").click())
    assert path_of(page) == options_url and "print=1" in page.url
    assert page_facts(page)["h1s"] == ["Your options for arranging support"]
    assert page.locator("nav, header, footer, .govuk-header, .govuk-service-navigation, "
                        ".govuk-footer").count() == 0
    assert page.get_by_role("navigation").count() == 0
    assert page.get_by_role("button").count() == 0
    assert [c["title"] for c in option_cards(page)] == OPTION_TITLES
    assert "How the budget was worked out" not in main_text(page)
    reflows_at_320(page, subtests)

    # --- 2. His worker records his choice by keyboard alone. ---
    page.context.clear_cookies()
    sign_in_quickly(page, live_server, world.user(SW))
    visit(page, options_url)
    assert page_facts(page)["h1s"] == ["Options for arranging support"]
    assert [c["title"] for c in option_cards(page)] == OPTION_TITLES
    assert "No choice has been recorded yet." in main_text(page)
    reflows_at_320(page, subtests)
    start_tabbing(page)
    tab_until(page, is_button("Record the choice"), limit=60)
    navigated(page, lambda: page.keyboard.press("Enter"))
    record_url = f"/people/{fraser.pk}/options/choice/"
    assert path_of(page) == record_url
    assert page_facts(page)["h1s"] == ["Record the choice"]
    reflows_at_320(page, subtests)

    # First, nothing chosen: the date, who was present and how it was explained only.
    start_tabbing(page)
    tab_until(page, by_id("id_options_0"))
    assert tab(page)["id"] == "id_options_1"
    assert tab(page)["id"] == "id_options_2"
    assert tab(page)["id"] == "id_no_choice"
    for part, value in ((0, today.day), (1, today.month), (2, today.year)):
        assert tab(page)["id"] == f"id_decided_on_{part}"
        type_over(page, str(value))
    assert tab(page)["id"] == "id_present"
    page.keyboard.type(PRESENT)
    assert tab(page)["id"] == "id_explained_how"
    page.keyboard.type(EXPLAINED)
    tab_until(page, is_button("Record the choice"))
    navigated(page, lambda: page.keyboard.press("Enter"))

    # GOV.UK's error summary: focused, linking to the first option; nothing lost.
    assert path_of(page) == record_url
    assert page.title().startswith("Error: ")
    assert not OptionChoice.objects.filter(person=fraser).exists()
    assert "govuk-error-summary" in focused(page)["classes"], focused(page)
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    links = summary.get_by_role("link")
    assert links.count() == 1, summary.inner_text()
    message = links.first.inner_text().strip()
    assert message.startswith("Select the options the person chose"), message
    assert links.first.get_attribute("href") == "#id_options_0"
    assert page.locator("#id_options-error").inner_text().strip().endswith(message)
    options_fieldset = page.locator("fieldset").filter(has=page.locator("#id_options_0"))
    assert "id_options-error" in (options_fieldset.get_attribute("aria-describedby") or "")
    assert page.locator("#id_present").input_value() == PRESENT
    assert page.locator("#id_explained_how").input_value() == EXPLAINED
    assert [page.locator(f"#id_decided_on_{i}").input_value() for i in range(3)] == [
        str(today.day), str(today.month), str(today.year)]
    reflows_at_320(page, subtests)
    state = tab(page)
    assert (state["tag"], state["text"], state["href"]) == ("a", message, "#id_options_0")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_options_0"
    page.keyboard.press("Space")  # Option 1
    assert tab(page)["id"] == "id_options_1"
    assert tab(page)["id"] == "id_options_2"
    page.keyboard.press("Space")  # Option 3
    assert page.locator("#id_options_0").is_checked()
    assert not page.locator("#id_options_1").is_checked()
    assert page.locator("#id_options_2").is_checked()
    tab_until(page, is_button("Record the choice"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == options_url, main_text(page)[:800]
    assert ("The choice has been recorded: Option 4 (options 1 and 3)."
            in success_banner(page))
    choice = OptionChoice.objects.get(person=fraser)
    assert (choice.label, choice.decided_on, choice.present, choice.explained_how) == (
        "Option 4 (options 1 and 3)", today, PRESENT, EXPLAINED)
    assert "Option 4 (options 1 and 3)" in main_text(page)
    reflows_at_320(page, subtests)

    # --- 3. She writes the plan by keyboard alone. ---
    visit(page, plan_url)
    assert page_facts(page)["h1s"] == ["Support plan"]
    reflows_at_320(page, subtests)
    start_tabbing(page)
    tab_until(page, is_button("Start a plan"), limit=60)
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/people/{fraser.pk}/plan/start/"
    assert page_facts(page)["h1s"] == ["Start a support plan"]
    main = main_text(page)
    assert GET_OUT in main and DAYTIME in main
    reflows_at_320(page, subtests)
    start_tabbing(page)
    tab_until(page, is_button("Start the plan"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == plan_url
    assert "The plan has been started." in success_banner(page)
    plan = SupportPlan.objects.get(person=fraser)
    reflows_at_320(page, subtests)

    add_line_by_keyboard(page, subtests, fraser, outcome=0, what=PA_LINE, who=WHO_PA,
                         cost="9.50", option=OPTION_1,
                         service="Support to take part in the community",
                         contingency=PA_CONTINGENCY)
    add_line_by_keyboard(page, subtests, fraser, outcome=1, what=DAY_LINE, who=WHO_PROVIDER,
                         cost="9.50", option=OPTION_3, service="Day service", contingency="")
    lines = {line.what: line for line in SupportLine.objects.filter(plan=plan)}
    assert sorted(lines) == sorted([PA_LINE, DAY_LINE])
    pa, day = lines[PA_LINE], lines[DAY_LINE]
    assert (pa.outcome.in_own_words, pa.who_kind, pa.weekly_cost, pa.option,
            pa.funding_stream, pa.service_type, pa.contingency) == (
        GET_OUT, "pa", 950, "1", "council", "social_support", PA_CONTINGENCY)
    assert (day.outcome.in_own_words, day.who_kind, day.weekly_cost, day.option,
            day.funding_stream, day.service_type, day.contingency) == (
        DAYTIME, "provider", 950, "3", "council", "day_service", "")
    assert page.locator("#plan-problems").count() == 0, main_text(page)[:800]
    reflows_at_320(page, subtests)

    # --- 4. Fraser reads his plan and agrees it with one button. ---
    page.context.clear_cookies()
    sign_in_quickly(page, live_server, fraser.user)
    visit(page, "/my/")
    navigated(page, lambda: page.get_by_role("link", name="Your support plan").click())
    assert path_of(page) == plan_url
    assert page_facts(page)["h1s"] == ["Your support plan"]
    assert card_value(page, PA_LINE, "Option") == "Option 1: a direct payment"
    assert card_value(page, PA_LINE, "Paid from") == "Council social care"
    assert card_value(page, PA_LINE, "If this support breaks down") == PA_CONTINGENCY
    assert card_value(page, DAY_LINE, "Option") == "Option 3: the council chooses and arranges"
    assert card_value(page, DAY_LINE, "Paid from") == "Council social care"
    main = main_text(page)
    assert "Add a support line" not in main and "Sign the plan" not in main
    reflows_at_320(page, subtests)
    start_tabbing(page)
    tab_until(page, is_button("Agree your plan"), limit=80)
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/plans/{plan.pk}/agree/"
    assert page_facts(page)["h1s"] == ["Agree your plan"]
    form = page.locator("main form")
    assert form.locator("input:not([type=hidden]), select, textarea").count() == 0
    assert form.get_by_role("button").all_inner_texts() == ["I agree to this plan"]
    reflows_at_320(page, subtests)
    navigated(page, lambda: page.get_by_role("button", name="I agree to this plan").click())
    assert path_of(page) == plan_url
    assert "Thank you: you have agreed your plan." in success_banner(page)
    plan.refresh_from_db()
    assert (plan.person_agreed_on, plan.person_agreed_how) == (today, "online")
    assert f"Agreed on {today:%-d %B %Y}" in page.locator("#plan-agreement").inner_text()

    # --- 5. The worker signs; the team manager signs it off. ---
    page.context.clear_cookies()
    sign_in_quickly(page, live_server, world.user(SW))
    visit(page, plan_url)
    navigated(page, lambda: page.get_by_role("button", name="Sign the plan").click())
    assert path_of(page) == f"/plans/{plan.pk}/sign/"
    assert page_facts(page)["h1s"] == ["Sign the plan"]
    reflows_at_320(page, subtests)
    navigated(page, lambda: page.get_by_role("button", name="Sign the plan").click())
    assert path_of(page) == plan_url
    assert "You have signed the plan." in success_banner(page)

    page.context.clear_cookies()
    sign_in_quickly(page, live_server, world.user(TM))
    visit(page, plan_url)
    navigated(page, lambda: page.get_by_role("button", name="Sign the plan").click())
    assert page_facts(page)["h1s"] == ["Sign off the plan"]
    assert "The person has agreed it, so it will be the agreed plan." in main_text(page)
    reflows_at_320(page, subtests)
    navigated(page, lambda: page.get_by_role("button", name="Sign off the plan").click())
    assert path_of(page) == plan_url
    assert "You have signed the plan off." in success_banner(page)
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.AGREED
    assert page.locator(".govuk-tag", has_text="Agreed").count() >= 1
    agreement = page.locator("#plan-agreement").inner_text()
    assert "Signed by" in agreement and "Signed off by" in agreement
    assert page.get_by_role("button", name="Sign the plan").count() == 0
    reflows_at_320(page, subtests)
    charged = PlannedService.objects.filter(person=fraser, ends_on__isnull=True)
    assert sorted((s.option, s.service_type) for s in charged) == [
        ("1", "social_support"), ("3", "day_service")]

    # Fraser reads his agreed plan, and his choice beside the four options.
    page.context.clear_cookies()
    sign_in_quickly(page, live_server, fraser.user)
    visit(page, options_url)
    assert page.get_by_role("heading", name="Your choice").count() == 1
    assert "Option 4 (options 1 and 3)" in main_text(page)
    assert [c["title"] for c in option_cards(page)] == OPTION_TITLES
    visit(page, plan_url)
    assert page.locator(".govuk-tag", has_text="Agreed").count() >= 1
    assert card_value(page, PA_LINE, "Option") == "Option 1: a direct payment"
    assert card_value(page, DAY_LINE, "Paid from") == "Council social care"
    reflows_at_320(page, subtests)
