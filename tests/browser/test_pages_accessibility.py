"""Every page a social worker, a team manager and a supported person can reach, each form
also with errors: axe-core finds no serious or critical problem, each page has one <h1>, a
<title> ending " – selfdirect" (starting "Error: " when the form shows errors) and a
``lang``. And the pages reflow at 320 CSS pixels wide (WCAG 1.4.10) without sideways scroll.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from selfdirect.people.models import Access, Consent, ConsentMethod, ConsentScope
from selfdirect.people.services import (
    communication_needs_set,
    consent_record,
    preferences_update,
    relationship_add,
)
from tests.browser.conftest import (
    allow_console_error,
    browser_log,
    navigated,
    page_facts,
    sign_in_quickly,
    visit,
)
from tests.factories import PersonFactory, UserFactory

TITLE_END = " – selfdirect"
SW, TM = "scot_social_worker", "scot_team_manager"


@pytest.fixture
def cast(world):
    """A person with something in every section of their page, and a sign-in of their own."""
    manager = world.user("scot_team_manager")
    person = PersonFactory(authority=world.scot, team=world.scot_team,
                           allocated_worker=world.user("scot_social_worker"),
                           given_name="Morag", family_name="Macleod", preferred_name="Mo",
                           pronouns="she/her", postcode="EH6 5AB",
                           address_line_1="12 Leith Walk", town="Edinburgh",
                           phone="0131 496 0000", notes="Likes mornings.\nHas a dog.")
    person.user = UserFactory(username="morag", first_name="Morag", last_name="Macleod")
    person.save()
    communication_needs_set(actor=manager, person=person,
                            needs={"bsl_interpreter": "", "interpreter": "Gaelic"})
    preferences_update(actor=manager, person=person, food="Vegetarian", carer_gender="women")
    carer = relationship_add(actor=manager, person=person, kind="unpaid_carer",
                             name="Ewan Macleod", access=Access.VIEW)
    consent_record(actor=manager, person=person, relationship=carer,
                   decision=Consent.Decision.GIVEN, scope=ConsentScope.SHARE_WITH_RELATIONSHIP,
                   method=ConsentMethod.VERBAL)
    return person


# --- How to put each form into its error state, through the page itself ---------------------


def _save(page: Any) -> None:
    navigated(page, lambda: page.get_by_role("button", name="Save").click())


def _overfill(page: Any, selector: str, length: int) -> None:
    """Type more than the field allows. The input's maxlength stops a browser, not a script
    or an old browser, so the server's own check is what is being put on show."""
    page.eval_on_selector(selector, "el => el.removeAttribute('maxlength')")
    page.fill(selector, "x" * length)


def bad_sign_in(page: Any) -> None:
    page.get_by_label("Username").fill("scot_social_worker")
    page.get_by_label("Password").fill("not the password")
    navigated(page, lambda: page.get_by_role("button", name="Sign in").click())


def bad_search(page: Any) -> None:
    page.fill("#id_date_of_birth_0", "45")
    page.fill("#id_date_of_birth_1", "13")
    page.fill("#id_date_of_birth_2", "1950")
    navigated(page, lambda: page.get_by_role("button", name="Search").click())


def bad_person(page: Any) -> None:
    if page.locator("#id_family_name").count():  # the person's own form has no names
        page.fill("#id_family_name", "")
    page.fill("#id_postcode", "EH1")
    _save(page)


def bad_needs(page: Any) -> None:
    # "Other" needs its details: tick it, leave them empty.
    page.check("#id_need_other")
    _save(page)


def bad_preferences(page: Any) -> None:
    _overfill(page, "#id_food", 1001)
    _save(page)


def bad_equality(page: Any) -> None:
    _overfill(page, "#id_main_language", 101)
    _save(page)


def bad_allocation(page: Any) -> None:
    # A worker who is not in the chosen team: the service refuses it.
    team = page.locator("#id_team option", has_text="South West").get_attribute("value")
    page.select_option("#id_team", value=team)
    _save(page)


def empty_submit(page: Any) -> None:
    _save(page)


@dataclass(frozen=True)
class Case:
    name: str
    path: Callable[[Any], str]
    make_errors: Callable[[Any], None] | None = None
    status: int = 200


def _person(suffix: str = "") -> Callable[[Any], str]:
    return lambda person: f"/people/{person.pk}/{suffix}"


def _fixed(path: str) -> Callable[[Any], str]:
    return lambda person: path


SIGNED_OUT = [
    Case("sign in", _fixed("/sign-in/"), bad_sign_in),
    Case("accessibility statement", _fixed("/accessibility/")),
    Case("privacy", _fixed("/privacy/")),
    Case("page not found", _fixed("/no-such-page/"), status=404),
]
SOCIAL_WORKER = [
    Case("dashboard", _fixed("/dashboard/")),
    Case("search, empty", _fixed("/people/")),
    Case("search, with results", _fixed("/people/?name=macleod&postcode=eh6+5ab")),
    Case("search, nobody found", _fixed("/people/?name=nobody-by-this-name")),
    Case("search", _fixed("/people/"), bad_search),
    Case("add a person", _fixed("/people/new/"), empty_submit),
    Case("person page", _person()),
    Case("change details", _person("edit/"), bad_person),
    Case("communication needs", _person("needs/"), bad_needs),
    Case("preferences", _person("preferences/"), bad_preferences),
    Case("equality", _person("equality/"), bad_equality),
    Case("add a relationship", _person("relationships/new/"), empty_submit),
    Case("record consent", _person("consent/new/"), empty_submit),
    Case("page not found, signed in", _fixed("/people/999999/"), status=404),
]
TEAM_MANAGER = [
    Case("dashboard", _fixed("/dashboard/")),
    Case("search, with results", _fixed("/people/?name=macleod")),
    Case("person page, with the access log", _person()),
    Case("allocate", _person("allocate/"), bad_allocation),
    Case("change details", _person("edit/"), bad_person),
    Case("add a relationship", _person("relationships/new/"), empty_submit),
    Case("record consent", _person("consent/new/"), empty_submit),
]
THE_PERSON = [
    Case("my support (portal home)", _fixed("/my/")),
    Case("dashboard", _fixed("/dashboard/")),
    Case("their own page", _person()),
    Case("change their details", _person("edit/"), bad_person),
    Case("communication needs", _person("needs/"), bad_needs),
    Case("preferences", _person("preferences/"), bad_preferences),
    Case("equality", _person("equality/"), bad_equality),
    Case("a staff page: refused", _fixed("/people/"), status=403),
]


def check_page_basics(page: Any, *, errors: bool) -> None:
    facts = page_facts(page)
    assert facts["lang"], "<html> has no lang"
    assert len(facts["h1s"]) == 1, f"expected exactly one <h1>, found {facts['h1s']}"
    assert facts["title"].endswith(TITLE_END), facts["title"]
    assert facts["title"].startswith("Error: ") == errors, facts["title"]
    assert facts["errorSummary"] == errors


def check_pages(page: Any, subtests: Any, cast: Any, cases: list[Case]) -> None:
    """Each page as it opens and, for a form, with its errors showing: one subtest each, so
    one page's problem does not hide another's."""
    for case in cases:
        url = case.path(cast)
        with subtests.test(msg=case.name, url=url):
            if case.status != 200:
                # Chromium logs every 4xx document as "Failed to load resource".
                allow_console_error(page, rf"status of {case.status} .*{re.escape(url)}")
            response = visit(page, url)
            assert response.status == case.status, (response.status, page.url)
            check_page_basics(page, errors=False)
        if case.make_errors is None:
            continue
        with subtests.test(msg=f"{case.name}, with errors", url=url):
            if not page.url.endswith(url):  # the subtest above stopped before loading it
                visit(page, url)
            case.make_errors(page)
            check_page_basics(page, errors=True)
            # The error summary is announced: govuk-frontend moves focus to it.
            assert page.evaluate(
                "() => document.activeElement.classList.contains('govuk-error-summary')")


def test_pages_for_someone_signed_out(page, live_server, cast, subtests):
    check_pages(page, subtests, cast, SIGNED_OUT)


def test_pages_a_social_worker_reaches(page, live_server, world, cast, subtests):
    sign_in_quickly(page, live_server, world.user(SW))
    check_pages(page, subtests, cast, SOCIAL_WORKER)


def test_pages_a_team_manager_reaches(page, live_server, world, cast, subtests):
    sign_in_quickly(page, live_server, world.user(TM))
    check_pages(page, subtests, cast, TEAM_MANAGER)


def test_pages_the_person_reaches(page, live_server, cast, subtests):
    sign_in_quickly(page, live_server, cast.user)
    check_pages(page, subtests, cast, THE_PERSON)


REFLOW_PAGES = [
    ("person page", _person()),
    ("add a person", _fixed("/people/new/")),
    # The people table, on the dashboard (the caseload) and in search results.
    ("dashboard", _fixed("/dashboard/")),
    ("search results", _fixed("/people/?name=macleod")),
]


@pytest.mark.parametrize(("name", "path"), REFLOW_PAGES, ids=[n for n, _ in REFLOW_PAGES])
def test_page_reflows_at_320_pixels_wide(page, live_server, world, cast, name, path):
    """WCAG 1.4.10 Reflow: 320 CSS pixels wide (1280 at 400% zoom), no sideways scrolling."""
    sign_in_quickly(page, live_server, world.user(SW))
    page.set_viewport_size({"width": 320, "height": 640})
    visit(page, path(cast))
    if name == "add a person":
        # And with the error summary and error messages showing.
        empty_submit(page)
    widths = page.evaluate("""() => {
        const limit = window.innerWidth + 1;
        const tooWide = el => el.getBoundingClientRect().right > limit;
        const describe = el => {
            const caption = el.querySelector(':scope > caption');
            return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                (caption ? ' "' + caption.innerText.trim() + '"' : '') +
                ' (' + Math.round(el.getBoundingClientRect().width) + 'px wide)';
        };
        // The outermost elements that stick out: their parent fits, they do not.
        const wide = [...document.querySelectorAll('body *')]
            .filter(el => tooWide(el) && !tooWide(el.parentElement));
        return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
                wide: wide.map(describe)};
    }""")
    assert widths["scroll"] <= widths["inner"], (
        f"{name} scrolls sideways at 320px: scrollWidth {widths['scroll']} > "
        f"{widths['inner']}; too wide: {widths['wide']}")


def test_the_page_fixture_catches_a_csp_violation(page, live_server):
    """What every test here relies on: an inline script without the page's nonce is refused
    by the CSP, and the refusal reaches the console log the `page` fixture fails on."""
    from playwright.sync_api import Error as PlaywrightError

    visit(page, "/accessibility/")
    # The console message arrives asynchronously: wait for it (up to the page's timeout).
    with page.expect_console_message(lambda msg: "Content Security Policy" in msg.text), \
            pytest.raises(PlaywrightError, match="Content Security Policy"):
        page.add_script_tag(content="window.__inline = 1")
    assert any("Content Security Policy" in e for e in browser_log(page).console_errors)
    assert page.evaluate("() => typeof window.__inline") == "undefined"
    allow_console_error(page, "Content Security Policy")  # expected here, and only here
