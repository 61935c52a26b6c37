"""Charging in Chromium, through the real pages, in Edinburgh (Scotland).

The social worker plans a day service (£90.00 a week) and personal care by keyboard alone;
the finance officer finds the person on the charging worklist, carries out a full financial
assessment (the income typed by keyboard, a bad amount first), records the benefits check
and completes it; the person reads what they pay and asks for a hardship waiver by keyboard;
anyone reads the council's charging policy. axe-core checks every page on the way
(``visit``, ``navigated``), and each page reflows at 320px: only a table's own box may
scroll sideways, never the whole page.

The contribution: ESA £200.00 a week; the 2025/26 Scottish working-age threshold £135.25
plus 25% is £169.0625, published as £169; £200 − £169 = £31 above it; the default taper
of 60% gives £18.60 a week. Personal care is free by law, so nothing is charged for it.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from selfdirect.charging.models import (
    Contribution,
    FinancialAssessment,
    Income,
    PlannedService,
    Waiver,
)
from selfdirect.core import clock
from tests.browser.conftest import focused, navigated, page_facts, sign_in, sign_in_quickly, visit
from tests.browser.test_keyboard import path_of, skip_to_main, tab, tab_until
from tests.factories import PersonFactory, UserFactory

SW = "scot_social_worker"
FINANCE = "scot_finance_officer"
ESA_INDEX = 4  # "Employment and Support Allowance" among the types of income
DAY_SERVICE_INDEX = 8  # "Day service" among the types of service
PERSONAL_CARE_INDEX = 0
WHY_FREE = "free, because personal care is free to every adult assessed as needing it"
HARDSHIP = "My boiler broke and the repair took all my savings"


def is_link(text: str) -> Any:
    return lambda s: s["tag"] == "a" and s["text"] == text


def is_button(text: str) -> Any:
    return lambda s: s["tag"] in ("button", "a") and s["text"] == text


def by_id(element_id: str) -> Any:
    return lambda s: s.get("id") == element_id


def choose_by_keyboard(page: Any, index: int) -> None:
    """On the first radio of a group with none chosen (just reached by Tab): choose the one
    at ``index``. Space chooses the first; each arrow moves down and chooses."""
    page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")


def start_tabbing(page: Any) -> None:
    """On a page just loaded: the skip link, then into <main>. After a change, GOV.UK's
    success banner has taken focus instead, and Tab goes on from there."""
    if focused(page)["tag"] == "body":
        skip_to_main(page)
    else:
        assert "govuk-notification-banner" in focused(page)["classes"], focused(page)


def type_date(page: Any, field: str, day: datetime.date) -> None:
    """From the field before the date: Tab into day, month and year and type each."""
    for part, value in ((0, day.day), (1, day.month), (2, day.year)):
        assert tab(page)["id"] == f"id_{field}_{part}"
        page.keyboard.type(str(value))


def reflows_at_320(page: Any, subtests: Any) -> None:
    """At 320px wide the whole page does not scroll sideways (a table may, in its own box).
    Names what sticks out when it does. A subtest: the journey goes on when one fails."""
    with subtests.test(msg=f"{path_of(page)} ({page.title()}) reflows at 320px"):
        _assert_reflows_at_320(page)


def _assert_reflows_at_320(page: Any) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    try:
        widths = page.evaluate("""() => {
            // What sticks out past the right edge, outside any box that scrolls: a table
            // by its caption, anything else by its tag and classes; each once.
            const inner = window.innerWidth;
            const wide = new Set();
            for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.right <= inner + 1) continue;
                let inBox = false;
                for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                    if (getComputedStyle(p).overflowX !== 'visible') { inBox = true; break; }
                }
                if (inBox) continue;
                const table = el.closest('table');
                if (table) {
                    const caption = table.caption ? table.caption.innerText.trim() : '?';
                    const right = Math.round(table.getBoundingClientRect().right);
                    wide.add(`table "${caption}" (${right}px)`);
                } else {
                    const cls = typeof el.className === 'string' && el.className.trim()
                        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
                    wide.add(`${el.tagName.toLowerCase()}${cls} (${Math.round(r.right)}px)`);
                }
            }
            return {scroll: document.documentElement.scrollWidth, inner,
                    wide: [...wide].slice(0, 8)};
        }""")
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    assert widths["scroll"] <= widths["inner"], (
        f"{path_of(page)} scrolls sideways at 320px: {widths['scroll']}px wide; "
        f"sticking out: {widths['wide']}")


def main_text(page: Any) -> str:
    return page.inner_text("main")


def success_banner(page: Any) -> str:
    return page.locator(".govuk-notification-banner--success").inner_text()


def share_row(page: Any, description: str) -> list[str]:
    """The cells of a service's row in "Each service's share"."""
    table = page.get_by_role("region", name="Each service's share")
    row = table.locator("tr", has_text=description)
    assert row.count() == 1, f"no single row for {description!r} in each service's share"
    return [c.strip() for c in row.first.locator("td").all_inner_texts()]


@pytest.fixture
def person(world: Any) -> Any:
    # Working age (born 1980), in Edinburgh, the social worker's; signs in as "catriona".
    return PersonFactory(authority=world.scot, team=world.scot_team, given_name="Catriona",
                         family_name="MacInnes", allocated_worker=world.user(SW),
                         date_of_birth=datetime.date(1980, 5, 1),
                         user=UserFactory(username="catriona"))


def add_service_by_keyboard(page: Any, subtests: Any, person: Any, index: int,
                            description: str, cost: str, starts: datetime.date) -> None:
    """From the person's charging page: the "Add a planned service" link, and the form,
    by Tab, typing, Space, the arrow keys and Enter alone. After a change, GOV.UK's success
    banner has focus and Tab goes on from there; otherwise the skip link comes first."""
    start_tabbing(page)
    tab_until(page, is_link("Add a planned service"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/people/{person.pk}/charging/services/new/"
    assert page_facts(page)["h1s"] == ["Add a planned service"]
    assert "Free by law in Scotland" in main_text(page)
    reflows_at_320(page, subtests)
    start_tabbing(page)
    tab_until(page, by_id("id_service_type_0"))
    choose_by_keyboard(page, index)
    chosen = focused(page)
    assert (chosen["id"], chosen["checked"]) == (f"id_service_type_{index}", True)
    # Tab leaves the radios in one step.
    assert tab(page)["id"] == "id_description"
    page.keyboard.type(description)
    # The option is left as it is, "Not chosen yet" (the group's chosen radio takes Tab).
    option = tab(page)
    assert (option["id"], option["checked"]) == ("id_option_3", True)
    assert tab(page)["id"] == "id_weekly_cost"
    page.keyboard.type(cost)
    type_date(page, "starts_on", starts)
    tab_until(page, is_button("Add the service"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/people/{person.pk}/charging/", main_text(page)[:600]
    assert "The service has been added." in success_banner(page)


def test_services_assessment_contribution_waiver_and_policy(page: Any, live_server: Any,
                                                            world: Any, person: Any,
                                                            subtests: Any) -> None:
    today = clock.today()
    charging = f"/people/{person.pk}/charging/"

    # --- 1. The social worker plans a day service and personal care, by keyboard alone. ---
    sign_in_quickly(page, live_server, world.user(SW))
    visit(page, charging)
    assert page_facts(page)["h1s"] == ["Charging and contribution"]
    assert "No services are planned yet." in main_text(page)
    reflows_at_320(page, subtests)

    add_service_by_keyboard(page, subtests, person, DAY_SERVICE_INDEX, "Day centre at Leith",
                            "90.00", today)
    day_centre = PlannedService.objects.get(person=person)
    assert (day_centre.service_type, day_centre.weekly_cost, day_centre.starts_on,
            day_centre.option) == ("day_service", 9000, today, "")
    assert "A financial assessment is needed" in main_text(page)

    add_service_by_keyboard(page, subtests, person, PERSONAL_CARE_INDEX,
                            "Help to wash and dress", "300.00", today)
    care = PlannedService.objects.get(person=person, service_type="personal_care")
    assert care.weekly_cost == 30000
    planned = page.get_by_role("table", name="Planned services")
    assert "Day centre at Leith" in planned.inner_text() and "£90.00" in planned.inner_text()
    assert f"Personal care: {WHY_FREE}" in planned.inner_text()
    reflows_at_320(page, subtests)

    # --- 2. The finance officer: the worklist, the assessment, the contribution. ---
    page.context.clear_cookies()
    sign_in_quickly(page, live_server, world.user(FINANCE))
    visit(page, "/dashboard/")
    navigated(page, lambda: page.locator("header").get_by_role(
        "link", name="Charging", exact=True).click())
    assert path_of(page) == "/charging/"
    assert page_facts(page)["h1s"] == ["Charging"]
    to_start = page.get_by_role("table", name="Financial assessments to start")
    assert to_start.locator("tbody tr").count() == 1
    reflows_at_320(page, subtests)
    navigated(page, lambda: to_start.get_by_role("link", name=person.display_name).click())
    assert path_of(page) == charging

    navigated(page, lambda: page.get_by_role("button",
                                             name="Start the financial assessment").click())
    assert path_of(page) == f"/people/{person.pk}/charging/assessment/new/"
    assert page_facts(page)["h1s"] == ["Financial assessment"]
    reflows_at_320(page, subtests)
    page.get_by_label("A full financial assessment").check()
    navigated(page, lambda: page.get_by_role("button", name="Continue").click())
    assessment = FinancialAssessment.objects.get(person=person)
    detail = f"/charging/assessments/{assessment.pk}/"
    assert path_of(page) == detail
    assert "The financial assessment has been started." in success_banner(page)
    reflows_at_320(page, subtests)

    # The income, by keyboard alone; a bad amount first.
    start_tabbing(page)
    tab_until(page, is_link("Add income"), limit=60)
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"{detail}incomes/new/"
    assert page_facts(page)["h1s"] == ["Add income"]
    reflows_at_320(page, subtests)
    start_tabbing(page)
    tab_until(page, by_id("id_income_type_0"))
    choose_by_keyboard(page, ESA_INDEX)
    assert (focused(page)["id"], focused(page)["checked"]) == (f"id_income_type_{ESA_INDEX}",
                                                               True)
    assert page.get_by_label("Employment and Support Allowance").is_checked()
    assert tab(page)["id"] == "id_amount"
    page.keyboard.type("12.345")
    assert tab(page)["id"] == "id_period_0"
    page.keyboard.press("Space")  # a week
    assert tab(page)["id"] == "id_owner_0"
    page.keyboard.press("Space")  # the person's own
    assert tab(page)["id"] == "id_evidence_seen"
    page.keyboard.press("Space")
    tab_until(page, is_button("Add the income"))
    navigated(page, lambda: page.keyboard.press("Enter"))

    # The GOV.UK error summary: there, focused, linking to the amount; nothing lost.
    assert path_of(page) == f"{detail}incomes/new/"
    assert page.title().startswith("Error: ")
    assert not Income.objects.exists()
    assert "govuk-error-summary" in focused(page)["classes"], focused(page)
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    message = "Enter amount of income in pounds and pence, like 92.05"
    link = summary.get_by_role("link", name=message)
    assert link.get_attribute("href") == "#id_amount"
    assert page.locator("#id_amount-error").inner_text().endswith(message)
    assert page.locator("#id_amount").input_value() == "12.345"
    assert page.get_by_label("Employment and Support Allowance").is_checked()
    assert page.locator("#id_period_0").is_checked() and page.locator("#id_owner_0").is_checked()
    assert page.locator("#id_evidence_seen").is_checked()
    reflows_at_320(page, subtests)
    state = tab(page)
    assert (state["tag"], state["text"], state["href"]) == ("a", message, "#id_amount")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_amount"
    page.keyboard.press("Control+A")
    page.keyboard.type("200.00")
    tab_until(page, is_button("Add the income"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == detail
    assert "The income has been added." in success_banner(page)
    income = Income.objects.get(assessment=assessment)
    assert (income.income_type, income.amount, income.period, income.owner,
            income.evidence_seen) == ("esa", 20000, "week", "person", True)
    incomes = page.get_by_role("region", name="Income")
    assert "Employment and Support Allowance" in incomes.inner_text()
    assert "£200.00 a week" in incomes.inner_text()
    assert "The weekly contribution would be £18.60." in main_text(page)
    reflows_at_320(page, subtests)

    # The benefits check.
    navigated(page, lambda: page.get_by_role(
        "link", name="Change the household, evidence and benefits check").click())
    assert page_facts(page)["h1s"] == ["Household and benefits check"]
    reflows_at_320(page, subtests)
    page.get_by_label("A benefits check has been done").check()
    page.get_by_label("Benefits check notes").fill("Already gets every benefit due")
    navigated(page, lambda: page.get_by_role("button", name="Save the details").click())
    assert path_of(page) == detail
    assert "The details have been saved." in success_banner(page)
    assessment.refresh_from_db()
    assert assessment.benefits_check_done

    # Complete it: the contribution applies from today.
    navigated(page, lambda: page.get_by_role("button", name="Complete the assessment").click())
    assert path_of(page) == f"{detail}complete/"
    assert page_facts(page)["h1s"] == ["Complete the financial assessment"]
    assert "The weekly contribution would be £18.60." in main_text(page)
    assert page.locator("#id_effective_from_0").input_value() == str(today.day)
    reflows_at_320(page, subtests)
    navigated(page, lambda: page.get_by_role("button", name="Complete the assessment").click())
    assert path_of(page) == charging
    assert "The financial assessment is complete" in success_banner(page)
    contribution = Contribution.objects.get(person=person)
    assert (contribution.weekly_amount, contribution.effective_from) == (1860, today)

    # The person's charging page: £18.60 a week, the workings, personal care free.
    panel = page.locator(".govuk-panel")
    assert panel.get_by_role("heading", level=2).inner_text() == "£18.60 a week"
    workings = page.get_by_role("table", name="How the contribution was worked out")
    steps = workings.inner_text()
    assert "£200.00" in steps and "−£169.00" in steps and "£18.60" in steps
    assert workings.locator("tbody tr").count() >= 4
    assert workings.is_visible()
    day_row = share_row(page, "Day centre at Leith")
    assert day_row[2:4] == ["£90.00", "£18.60"], day_row
    care_row = share_row(page, "Help to wash and dress")
    assert WHY_FREE in care_row[0], care_row
    assert care_row[3] == "£0.00", care_row
    reflows_at_320(page, subtests)

    # --- 3. The person reads what they pay, and asks for a hardship waiver by keyboard. ---
    page.context.clear_cookies()
    sign_in(page, live_server, "catriona")
    visit(page, "/my/")
    reflows_at_320(page, subtests)
    navigated(page, lambda: page.get_by_role("link", name="What you pay").click())
    assert path_of(page) == charging
    assert page_facts(page)["h1s"] == ["What you pay towards your support"]
    assert page.locator(".govuk-panel").get_by_role(
        "heading", level=2).inner_text() == "£18.60 a week"
    workings = page.get_by_role("table", name="How the contribution was worked out")
    assert workings.is_visible()
    steps = workings.inner_text()
    assert "£200.00" in steps and "−£169.00" in steps and "£18.60" in steps
    share = page.get_by_role("region", name="Each service's share")
    assert share.get_by_role("columnheader", name="You pay").count() == 1
    care_row = share_row(page, "Help to wash and dress")
    assert WHY_FREE in care_row[0] and care_row[3] == "£0.00", care_row
    main = main_text(page)
    assert "Add a planned service" not in main and "Start the financial assessment" not in main
    reflows_at_320(page, subtests)

    start_tabbing(page)
    tab_until(page, is_link("Ask for a hardship waiver"), limit=60)
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/people/{person.pk}/charging/waivers/new/"
    assert page_facts(page)["h1s"] == ["Ask for a hardship waiver"]
    reflows_at_320(page, subtests)
    start_tabbing(page)
    tab_until(page, by_id("id_reason"))
    page.keyboard.type(HARDSHIP)
    type_date(page, "starts_on", today)
    tab_until(page, by_id("id_weekly_reduction"))  # the end date left empty
    page.keyboard.type("10.00")
    tab_until(page, is_button("Send the request"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == charging, main_text(page)[:600]
    assert "The request has been sent." in success_banner(page)
    waiver = Waiver.objects.get(person=person)
    assert (waiver.requested_by.username, waiver.weekly_reduction, waiver.starts_on,
            waiver.ends_on, waiver.reason, waiver.status) == (
        "catriona", 1000, today, None, HARDSHIP, Waiver.Status.REQUESTED)
    main = main_text(page)
    assert HARDSHIP in main and "Waiting for a decision" in main
    assert "£10.00 a week" in main
    reflows_at_320(page, subtests)

    # --- 4. The charging policy, for anyone: signed out. ---
    page.context.clear_cookies()
    visit(page, f"/charging/policy/{world.scot.code}/")
    assert path_of(page) == f"/charging/policy/{world.scot.code}/"
    assert page_facts(page)["h1s"] == ["What the council charges for support at home"]
    main = main_text(page)
    assert world.scot.name in main
    assert "Services that are free by law" in main
    assert re.search(r"Personal care: personal care is free", main)
    assert "£169.00" in main  # the working-age threshold, as published
    assert page.get_by_role("button", name="Sign out").count() == 0
    reflows_at_320(page, subtests)
