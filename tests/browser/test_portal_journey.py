"""The person's own journey by keyboard alone, and the public "Ask for support" form on a
small screen. Only page.keyboard in the keyboard tests (Tab, Enter, Space, typing); axe-core
checks every page on the way (``visit`` and ``navigated``)."""

from __future__ import annotations

from typing import Any

import pytest

from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import AssessmentComment, SelfAssessment, SelfReferral
from selfdirect.outcomes.models import PersonalOutcome
from tests.browser.conftest import focused, navigated, sign_in_quickly, visit
from tests.browser.test_keyboard import path_of, skip_to_main, tab, tab_until
from tests.factories import TEST_PASSWORD


def is_link(text: str) -> Any:
    return lambda s: s["tag"] == "a" and s["text"] == text


def is_button(text: str) -> Any:
    return lambda s: s["tag"] == "button" and s["text"] == text


def test_the_person_writes_what_matters_chooses_and_shares_by_keyboard(page, live_server,
                                                                       cast):
    users, person = cast
    visit(page, "/sign-in/")
    skip_to_main(page)
    assert tab(page)["id"] == "id_username"
    page.keyboard.type("the_person")
    assert tab(page)["id"] == "id_password"
    page.keyboard.type(TEST_PASSWORD)
    assert is_button("Sign in")(tab(page))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == "/dashboard/"

    # My support, then "What matters to you".
    tab_until(page, is_link("My support"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == "/my/"
    tab_until(page, is_link("What matters to you"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/my/{person.pk}/what-matters/"
    assert "You do not have to write anything" in page.locator("main").inner_text()

    # Two of the four questions, one Tab apart; the rest left empty.
    skip_to_main(page)
    tab_until(page, lambda s: s["id"] == "id_what_matters")
    page.keyboard.type("My garden, and seeing my grandchildren")
    assert tab(page)["id"] == "id_what_works"
    assert tab(page)["id"] == "id_what_is_hard"
    page.keyboard.type("Getting up the stairs at night")
    tab_until(page, is_button("Save and continue"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/my/{person.pk}/what-matters/outcomes/"

    # The menu: Space ticks "I want to see my friends more often".
    skip_to_main(page)
    state = tab_until(page, lambda s: s["id"] == "id_chosen_0")
    assert state["checked"] is False
    page.keyboard.press("Space")
    assert focused(page)["checked"] is True
    tab_until(page, is_button("Save and continue"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/my/{person.pk}/what-matters/check/"
    main = page.locator("main").inner_text()
    assert "My garden, and seeing my grandchildren" in main
    assert "I want to see my friends more often" in main

    # Share.
    skip_to_main(page)
    tab_until(page, is_button("Share with your worker"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/my/{person.pk}/what-matters/"
    banner = page.locator(".govuk-notification-banner--success")
    assert banner.inner_text().endswith("You have shared this with your worker.")

    sa = SelfAssessment.objects.get(person=person)
    assert sa.state == SelfAssessment.State.SHARED
    assert sa.what_matters == "My garden, and seeing my grandchildren"
    assert sa.what_is_hard == "Getting up the stairs at night"
    outcome = PersonalOutcome.objects.get(person=person)
    assert (outcome.in_own_words, outcome.category.code) == (
        "I want to see my friends more often", "seeing_people")


def test_the_person_reads_the_decision_and_comments_by_keyboard(page, live_server, cast):
    users, person = cast
    worker = users["scot_social_worker"]
    assessment = assessing.assessment_start(actor=worker, person=person)
    assessing.eligibility_decide(
        actor=worker, assessment=assessment,
        areas=[("relationships", "low", "Sees her daughter every week")],
        reasons="You are managing at home with your daughter's help.",
        next_steps="We will close your referral.", signposting="The Tuesday lunch club")
    sign_in_quickly(page, live_server, users["the_person"])
    visit(page, f"/my/{person.pk}/assessments/")
    tab_until(page, lambda s: s["tag"] == "a" and s["text"].startswith("Assessment started"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == f"/my/assessments/{assessment.pk}/"
    main = page.locator("main").inner_text()
    assert "Your needs are below the level the council pays for." in main
    assert "If you disagree with this decision" in main

    # "On this page" takes the keyboard to the decision.
    skip_to_main(page)
    tab_until(page, is_link("The council’s decision"))
    page.keyboard.press("Enter")
    page.wait_for_url("**#decision")  # the jump within the page can land a moment later

    tab_until(page, lambda s: s["id"] == "id_text", limit=60)
    page.keyboard.type("Please write to me in large print")
    tab_until(page, is_button("Add your comment"))
    navigated(page, lambda: page.keyboard.press("Enter"))
    assert "Please write to me in large print" in page.locator("main").inner_text()
    assert AssessmentComment.objects.get().text == "Please write to me in large print"


def _no_sideways_scroll(page: Any) -> None:
    widths = page.evaluate("""() => ({scroll: document.documentElement.scrollWidth,
                                      inner: window.innerWidth})""")
    assert widths["scroll"] <= widths["inner"], f"{page.url} scrolls sideways: {widths}"


@pytest.fixture
def small_screen(page: Any) -> Any:
    page.set_viewport_size({"width": 320, "height": 640})
    return page


def test_asking_for_support_on_a_small_screen(small_screen, live_server, world):
    page = small_screen
    visit(page, "/ask-for-support/")
    _no_sideways_scroll(page)

    # Sent with nothing filled in: the error state, announced and still 320px wide.
    navigated(page, lambda: page.get_by_role("button", name="Send your request").click())
    assert page.title().startswith("Error: ")
    assert "govuk-error-summary" in focused(page)["classes"]
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select the council you want to ask for support" in summary
    assert "Enter what help is needed" in summary
    _no_sideways_scroll(page)
    # Each message in the summary takes you to its question.
    page.get_by_role("link", name="Enter the name of the person who needs support").click()
    assert focused(page)["id"] == "id_name"

    page.get_by_label(world.scot.name).check()
    page.get_by_label("I do").check()
    page.get_by_label("Name of the person who needs support").fill("Aileen Brown")
    page.get_by_label("Phone number or email address").fill("0131 496 0000")
    page.get_by_label("What help is needed?").fill("I keep falling at night")
    page.get_by_label("Postcode").fill("EH1")  # not a full postcode
    page.get_by_role("group", name="Would you like an independent advocate").get_by_label(
        "Yes").check()
    navigated(page, lambda: page.get_by_role("button", name="Send your request").click())
    assert "Enter a full UK postcode" in page.locator(".govuk-error-summary").inner_text()
    assert not SelfReferral.objects.exists()
    _no_sideways_scroll(page)

    page.get_by_label("Postcode").fill("EH1 1YZ")
    navigated(page, lambda: page.get_by_role("button", name="Send your request").click())
    assert path_of(page) == "/ask-for-support/sent/"
    sr = SelfReferral.objects.get()
    assert page.locator("h1").inner_text() == "Request sent"
    assert f"SR{sr.pk:06d}" in page.locator(".govuk-panel").inner_text()
    assert "Aileen" not in page.locator("main").inner_text()
    _no_sideways_scroll(page)
