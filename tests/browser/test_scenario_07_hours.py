"""Scenario 7 in Chromium: approved hours that are not delivered.

Gemma's plan funds 35 hours a week of care at home from an agency, which accepted the
referral; the week before last it delivered 20. One of the agency's staff records last
week's hours by keyboard alone from "Hours to record": a first try of 200 hours shows
GOV.UK's error summary, then 20 hours are saved. Two short weeks running: Gemma's page now
says, in plain words, how many hours were not delivered and how much money was not spent,
with a link to ask to use it another way; her social worker's list shows the alert and she
marks it seen. The finance officer's invoice pages and the CSV upload page are opened too.

axe-core checks every page on the way (``visit``, ``navigated``).
"""

from __future__ import annotations

import datetime
from typing import Any

from selfdirect.payments import hours, invoices
from selfdirect.payments.models import DeliveredHours, ShortfallAlert
from tests.browser.conftest import focused, navigated, page_facts, sign_in_quickly, visit
from tests.browser.test_charging_journey import main_text, start_tabbing, success_banner
from tests.browser.test_keyboard import path_of, tab, tab_until
from tests.payments.matrix_hours import WEEK, hours_setting, this_monday


def test_the_agency_records_hours_by_keyboard_and_gemma_sees_the_shortfall(page: Any,
                                                                           live_server: Any,
                                                                           cast: Any) -> None:
    users, gemma = cast
    line, agency = hours_setting(users, gemma)
    before_last, last = this_monday() - 2 * WEEK, this_monday() - WEEK
    hours.hours_record(actor=users["scot_provider_user"], line=line, week_start=before_last,
                       hours="20")

    # The agency's staff member records last week by keyboard.
    sign_in_quickly(page, live_server, users["scot_provider_user"])
    visit(page, f"{live_server.url}/provider-hours/")
    assert "Care at home" in main_text(page)
    record_url = f"/provider-hours/lines/{line.pk}/weeks/{last.isoformat()}/"
    start_tabbing(page)
    tab_until(page, lambda s: s.get("href") == record_url, limit=30)
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == record_url
    start_tabbing(page)
    assert tab_until(page, lambda s: s.get("id") == "id_hours")["tag"] == "input"
    page.keyboard.type("200")
    navigated(page, lambda: page.keyboard.press("Enter"))
    facts = page_facts(page)
    assert facts["errorSummary"] and facts["title"].startswith("Error: ")
    assert "from 0 to 168" in main_text(page)
    assert focused(page)["classes"].startswith("govuk-error-summary")  # GOV.UK moves focus
    tab_until(page, lambda s: s.get("id") == "id_hours", limit=10)
    page.keyboard.press("Control+A")
    page.keyboard.type("20")
    assert tab(page)["id"] == "id_note"
    page.keyboard.type("The evening carer left")
    tab_until(page, lambda s: s["tag"] == "button" and s["text"] == "Save the hours", limit=5)
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == "/provider-hours/"
    assert "20 hours recorded for Care at home" in success_banner(page)
    assert DeliveredHours.objects.get(week_start=last).note == "The evening carer left"
    alert = ShortfallAlert.objects.get()
    visit(page, f"{live_server.url}/provider-hours/upload/")
    assert "Download a template" in main_text(page)

    # Gemma reads the shortfall in plain words.
    page.context.clear_cookies()
    sign_in_quickly(page, live_server, users["the_person"])
    visit(page, f"{live_server.url}/people/{gemma.pk}/delivered-hours/")
    text = main_text(page)
    assert (f"In the 2 weeks from {before_last:%-d %B %Y}, 40 of the 70 hours planned were "
            "delivered: 30 hours short. £660.00 has not been spent.") in text
    assert "Ask to use this £660.00 another way" in text
    assert "Short" in text  # the short weeks are named in words, not only by colour

    # Her social worker sees the alert and marks it seen.
    page.context.clear_cookies()
    sign_in_quickly(page, live_server, users["scot_social_worker"])
    visit(page, f"{live_server.url}/payments/shortfall-alerts/")
    assert gemma.display_name in main_text(page)
    visit(page, f"{live_server.url}/payments/shortfall-alerts/{alert.pk}/seen/")
    page.get_by_label("What did you do about it?").fill("Rang the agency about evenings")
    navigated(page, lambda: page.get_by_role("button", name="Mark as seen").click())
    assert ShortfallAlert.objects.get().seen_by == users["scot_social_worker"]

    # The finance officer's invoice pages.
    start = before_last
    made = invoices.invoice_receive(
        actor=users["scot_finance_officer"], provider=agency, authority=gemma.authority,
        reference="AG-1", period=(start, start + datetime.timedelta(days=13)),
        lines=[(line, "70", 2200)])
    page.context.clear_cookies()
    sign_in_quickly(page, live_server, users["scot_finance_officer"])
    visit(page, f"{live_server.url}/payments/invoices/")
    visit(page, f"{live_server.url}/payments/invoices/new/")
    visit(page, f"{live_server.url}/payments/invoices/new/?provider={agency.pk}")
    visit(page, f"{live_server.url}/payments/invoices/{made.pk}/")
    assert "70 hours are charged, but 40 hours were recorded" in main_text(page)
