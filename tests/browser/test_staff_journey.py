"""A social worker's day, with the mouse: sign in, find a person, add one, change one,
sign out. axe-core checks every page on the way (``visit`` and ``navigated``)."""

from __future__ import annotations

import datetime
import random
import re

import pytest

from selfdirect.core import clock
from selfdirect.people.models import Person
from selfdirect.people.services import communication_needs_set
from selfdirect.people.validators import make_chi_number
from tests.browser.conftest import navigated, sign_in, sign_in_quickly, visit
from tests.factories import PersonFactory

SW = "scot_social_worker"


@pytest.fixture
def morag(world):
    """Allocated to the social worker, with communication needs; and a neighbour who is not."""
    person = PersonFactory(authority=world.scot, team=world.scot_team,
                           allocated_worker=world.user(SW), given_name="Morag",
                           family_name="Macleod", postcode="EH6 5AB")
    communication_needs_set(actor=world.user("scot_team_manager"), person=person,
                            needs={"bsl_interpreter": "", "interpreter": "Gaelic"})
    PersonFactory(authority=world.scot, team=world.scot_team, given_name="Hamish",
                  family_name="Dunbar", postcode="G1 1AA")
    return person


def result_names(page):
    table = page.get_by_role("table", name="People found")
    return table.locator("tbody th").all_inner_texts()


def search(page, **boxes):
    for label, value in boxes.items():
        page.get_by_label(label, exact=True).fill(value)
    navigated(page, lambda: page.get_by_role("button", name="Search").click())


def test_find_a_person_by_name_and_postcode_and_see_their_needs(page, live_server, morag):
    sign_in(page, live_server, SW)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello,")

    navigated(page, lambda: page.get_by_role("link", name="People", exact=True).click())
    assert page.get_by_role("heading", level=1).inner_text() == "Find a person"

    search(page, Name="macleod")
    assert page.get_by_role("heading", name="1 person found").is_visible()
    assert result_names(page) == ["Macleod, Morag"]

    search(page, Name="", Postcode="eh6 5ab")
    assert result_names(page) == ["Macleod, Morag"]

    navigated(page, lambda: page.get_by_role("link", name="Macleod, Morag").click())
    assert page.url.endswith(f"/people/{morag.pk}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Morag Macleod")
    banner = page.get_by_role("region", name="Communication and access needs")
    assert banner.is_visible()
    assert banner.locator("li").all_inner_texts() == ["BSL interpreter",
                                                      "Spoken-language interpreter: Gaelic"]


def test_add_a_person_after_correcting_errors(page, live_server, world):
    sign_in_quickly(page, live_server, world.user(SW))
    visit(page, "/dashboard/")
    # A link styled as a button (it goes somewhere; it does not submit anything).
    navigated(page, lambda: page.get_by_role("button", name="Add a person").click())
    assert page.get_by_role("heading", level=1).inner_text() == "Add a person"

    dob = datetime.date(1958, 3, 27)
    chi = make_chi_number(dob, random.Random(7))
    wrong_chi = chi[:9] + str((int(chi[9]) + 1) % 10)  # the check digit is now wrong
    page.get_by_label("Given name").fill("Aileen")
    page.get_by_label("Family name").fill("Brown")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill(str(clock.today().year + 1))
    page.get_by_label("CHI number").fill(wrong_chi)
    page.get_by_label("Postcode").fill("EH1")
    navigated(page, lambda: page.get_by_role("button", name="Save").click())

    # Nothing was saved, and the GOV.UK error summary says why and has taken focus.
    assert Person.objects.count() == 0
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    links = summary.get_by_role("link")
    assert links.all_inner_texts() == [
        "Date of birth must be in the past",
        "The CHI number's last digit does not match the others: check it was typed correctly",
        "Enter a full UK postcode, like EH1 1YZ",
    ]
    # Each link takes focus to its field.
    summary.get_by_role("link", name="Enter a full UK postcode").click()
    assert page.evaluate("() => document.activeElement.id") == "id_postcode"
    summary.get_by_role("link", name="Date of birth must be in the past").click()
    assert page.evaluate("() => document.activeElement.id") == "id_date_of_birth_0"
    # What was typed is still there.
    assert page.get_by_label("Given name").input_value() == "Aileen"

    page.get_by_label("Day").fill("27")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1958")
    page.get_by_label("CHI number").fill(chi)
    page.get_by_label("Postcode").fill("eh6 5ab")
    page.get_by_label("Phone call").check()
    navigated(page, lambda: page.get_by_role("button", name="Save").click())

    person = Person.objects.get()
    assert page.url.endswith(f"/people/{person.pk}/")
    assert not page.title().startswith("Error: ")
    success = page.locator(".govuk-notification-banner--success")
    assert success.get_by_text("Aileen Brown has been added.").is_visible()
    assert (person.date_of_birth, person.chi_number, person.postcode) == (dob, chi, "EH6 5AB")
    assert person.contact_preference == "phone"
    assert person.allocated_worker == world.user(SW)


def _change_details(page, person):
    visit(page, f"/people/{person.pk}/")
    navigated(page, lambda: page.get_by_role("link", name=re.compile(r"^Change details")).click())
    assert page.get_by_role("heading", level=1).inner_text() == "Change details"


def _summary_value(page, key):
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(f"^{re.escape(key)}$")))
    return row.locator("dd").inner_text()


def test_change_the_preferred_name(page, live_server, world, morag):
    sign_in_quickly(page, live_server, world.user(SW))
    _change_details(page, morag)
    page.get_by_label("Preferred name").fill("Mo")
    navigated(page, lambda: page.get_by_role("button", name="Save").click())

    assert page.url.endswith(f"/people/{morag.pk}/")
    assert page.locator(".govuk-notification-banner--success").inner_text().endswith(
        "The details have been saved.")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Mo Macleod")
    assert _summary_value(page, "Preferred name") == "Mo"
    morag.refresh_from_db()
    assert morag.preferred_name == "Mo"


def test_script_typed_into_a_name_and_the_notes_is_shown_as_text(page, live_server, world,
                                                                   morag):
    payload = "<script>window.__pwned = 1</script>"
    sign_in_quickly(page, live_server, world.user(SW))
    _change_details(page, morag)
    page.get_by_label("Preferred name").fill(payload)
    page.get_by_label("Notes").fill(f"Before {payload} after")
    navigated(page, lambda: page.get_by_role("button", name="Save").click())

    assert page.get_by_role("heading", level=1).inner_text().startswith(f"{payload} Macleod")
    assert _summary_value(page, "Notes") == f"Before {payload} after"
    assert payload in page.title()
    visit(page, "/people/?name=macleod")
    assert payload in page.get_by_role("table", name="People found").inner_text()
    # Shown as text, never run: no such script element, and nothing set the variable.
    # (A script that got into the page would also be refused by the CSP, and the `page`
    # fixture fails on the console error that refusal logs.)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.evaluate(
        "() => [...document.scripts].some(s => s.textContent.includes('__pwned'))") is False


def test_sign_out_with_the_header_button(page, live_server, world):
    sign_in_quickly(page, live_server, world.user(SW))
    visit(page, "/dashboard/")
    header = page.locator("header")
    navigated(page, lambda: header.get_by_role("button", name="Sign out").click())
    assert page.url.endswith("/sign-in/")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in to selfdirect"
    assert page.get_by_role("button", name="Sign out").count() == 0
    # Signed out for real: the dashboard asks to sign in again.
    visit(page, "/dashboard/")
    assert "/sign-in/?next=/dashboard/" in page.url


def test_the_search_form_does_not_mark_boxes_optional(page, live_server, world):
    """Every search box is optional (PersonSearchForm.no_optional_marks): none says so."""
    sign_in_quickly(page, live_server, world.user(SW))
    visit(page, "/people/")
    form = page.get_by_role("search", name="People")
    labels = form.locator("label, legend").all_inner_texts()
    assert [t for t in labels if "(optional)" in t] == []
