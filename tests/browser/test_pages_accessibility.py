"""Every page a social worker, a team manager and a supported person can reach, each form
also with errors: axe-core finds no serious or critical problem, each page has one <h1>, a
<title> ending " – selfdirect" (starting "Error: " when the form shows errors) and a
``lang``. And the pages reflow at 320 CSS pixels wide (WCAG 1.4.10) without sideways scroll.
"""

from __future__ import annotations

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
    navigated,
    page_facts,
    sign_in_quickly,
    visit,
)
from tests.factories import PersonFactory, UserFactory

TITLE_END = " – selfdirect"


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
    page.select_option("#id_team", label="South West")
    _save(page)


def empty_submit(page: Any) -> None:
    _save(page)


@dataclass(frozen=True)
class Case:
    name: str
    who: str | None  # a username from the world fixture, "morag" (the person), or None
    path: Callable[[Any], str]
    make_errors: Callable[[Any], None] | None = None
    status: int = 200
    errors_only: bool = False  # visit, then show the errors: its own test

    def __str__(self) -> str:
        return self.name


def _person(suffix: str = "") -> Callable[[Any], str]:
    return lambda person: f"/people/{person.pk}/{suffix}"


def _fixed(path: str) -> Callable[[Any], str]:
    return lambda person: path


SW, TM, PERSON = "scot_social_worker", "scot_team_manager", "morag"

PAGES = [
    Case("sign-in", None, _fixed("/sign-in/"), bad_sign_in),
    Case("accessibility", None, _fixed("/accessibility/")),
    Case("privacy", None, _fixed("/privacy/")),
    Case("404", None, _fixed("/no-such-page/"), status=404),
    Case("404 signed in", SW, _fixed("/people/999999/"), status=404),
    Case("403 signed in", PERSON, _fixed("/people/"), status=403),
    # A social worker.
    Case("sw dashboard", SW, _fixed("/dashboard/")),
    Case("sw search, empty", SW, _fixed("/people/")),
    Case("sw search, results", SW, _fixed("/people/?name=macleod&postcode=eh6+5ab")),
    Case("sw search, no results", SW, _fixed("/people/?name=nobody-by-this-name")),
    Case("sw search", SW, _fixed("/people/"), bad_search),
    Case("sw add a person", SW, _fixed("/people/new/"), empty_submit),
    Case("sw person page", SW, _person()),
    Case("sw change details", SW, _person("edit/"), bad_person),
    Case("sw needs", SW, _person("needs/"), bad_needs),
    Case("sw preferences", SW, _person("preferences/"), bad_preferences),
    Case("sw equality", SW, _person("equality/"), bad_equality),
    Case("sw add a relationship", SW, _person("relationships/new/"), empty_submit),
    Case("sw record consent", SW, _person("consent/new/"), empty_submit),
    # A team manager: everything a worker sees, the access log, and allocation.
    Case("tm dashboard", TM, _fixed("/dashboard/")),
    Case("tm search, results", TM, _fixed("/people/?name=macleod")),
    Case("tm person page", TM, _person()),
    Case("tm allocate", TM, _person("allocate/"), bad_allocation),
    Case("tm change details", TM, _person("edit/"), bad_person),
    # The person themself, signed in to their own pages.
    Case("person portal home", PERSON, _fixed("/my/")),
    Case("person dashboard", PERSON, _fixed("/dashboard/")),
    Case("person own page", PERSON, _person()),
    Case("person change details", PERSON, _person("edit/"), bad_person),
    Case("person needs", PERSON, _person("needs/"), bad_needs),
    Case("person preferences", PERSON, _person("preferences/"), bad_preferences),
    Case("person equality", PERSON, _person("equality/"), bad_equality),
]
# Each form page twice: as it opens, and with its errors shown.
CASES = [c for c in PAGES] + [
    Case(f"{c.name} (errors)", c.who, c.path, c.make_errors, c.status, errors_only=True)
    for c in PAGES if c.make_errors]


def check_page_basics(page: Any, *, errors: bool) -> dict[str, Any]:
    facts = page_facts(page)
    assert facts["lang"], "<html> has no lang"
    assert len(facts["h1s"]) == 1, f"expected exactly one <h1>, found {facts['h1s']}"
    assert facts["title"].endswith(TITLE_END), facts["title"]
    assert facts["title"].startswith("Error: ") == errors, facts["title"]
    assert facts["errorSummary"] == errors
    return facts


@pytest.mark.parametrize("case", CASES, ids=str)
def test_page_is_accessible(page, live_server, world, cast, case):
    if case.who == PERSON:
        sign_in_quickly(page, live_server, cast.user)
    elif case.who:
        sign_in_quickly(page, live_server, world.user(case.who))
    if case.status != 200:
        # Chromium logs every 4xx document as "Failed to load resource".
        allow_console_error(page, rf"status of {case.status}\b")

    response = visit(page, case.path(cast))
    assert response.status == case.status, (response.status, page.url)
    check_page_basics(page, errors=False)

    if case.errors_only:
        case.make_errors(page)
        check_page_basics(page, errors=True)
        # The error summary is announced: govuk-frontend moves focus to it.
        assert page.evaluate(
            "() => document.activeElement.classList.contains('govuk-error-summary')")


REFLOW_PAGES = [
    ("person page", _person()),
    ("add a person", _fixed("/people/new/")),
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
    widths = page.evaluate("""() => ({
        scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
        wide: [...document.querySelectorAll('body *')]
              .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
              .slice(0, 8)
              .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                         (el.className && typeof el.className === 'string'
                          ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                         + ' (right edge ' + Math.round(el.getBoundingClientRect().right) + 'px)'),
    })""")
    assert widths["scroll"] <= widths["inner"], (
        f"{name} scrolls sideways at 320px: scrollWidth {widths['scroll']} > "
        f"{widths['inner']}; too wide: {widths['wide']}")
