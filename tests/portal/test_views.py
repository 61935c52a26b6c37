"""The person's own pages (what matters to you, reading your assessment) and the public
"Ask for support" page: who may use them, what they save, what they show."""

from __future__ import annotations

import datetime
from html import escape

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import (
    Assessment,
    AssessmentComment,
    SelfAssessment,
    SelfReferral,
)
from selfdirect.assessments.selectors import assessment_get
from selfdirect.audit.models import AccessLog
from selfdirect.core import clock
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.outcomes.services import outcome_add
from selfdirect.people.models import Access, Consent, ConsentMethod, ConsentScope
from selfdirect.people.services import consent_record, relationship_add
from selfdirect.portal.limits import LIMIT
from tests.factories import TEST_PASSWORD, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def signed_in(client, user):
    client.logout()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def answers(**overrides):
    data = {"what_matters": "My garden and my grandchildren",
            "what_works": "My neighbour does my shopping",
            "what_is_hard": "Getting up the stairs at night",
            "who_helps": "My daughter Fiona"}
    data.update(overrides)
    return data


def url(name, *args):
    return reverse(name, args=args)


def write_choose_and_share(client, person, *, chosen=("friends",), own_words=""):
    """The whole journey through the three pages, as the browser would post it."""
    response = client.post(url("portal-what-matters", person.pk), {**answers(), "continue": ""})
    assert response.status_code == 302
    assert response.url == url("portal-what-matters-outcomes", person.pk)
    response = client.post(url("portal-what-matters-outcomes", person.pk),
                           {"chosen": list(chosen), "own_words": own_words, "continue": ""})
    assert response.status_code == 302
    assert response.url == url("portal-what-matters-check", person.pk)
    response = client.post(url("portal-what-matters-check", person.pk))
    assert response.status_code == 302
    assert response.url == url("portal-what-matters", person.pk)


# --- What matters to you -----------------------------------------------------------------


def test_the_person_writes_saves_a_draft_then_shares(client, cast):
    users, person = cast
    c = signed_in(client, users["the_person"])
    page = c.get(url("portal-what-matters", person.pk)).content.decode()
    assert "What matters to you" in page
    assert "You do not have to write anything. You can tell your worker instead" in page
    assert "independent advocate" in page
    assert "What happens next" in page

    response = c.post(url("portal-what-matters", person.pk),
                      {"what_matters": "My garden", "save_for_later": ""}, follow=True)
    assert "Your answers have been saved" in response.content.decode()
    sa = SelfAssessment.objects.get(person=person)
    assert (sa.state, sa.what_matters, sa.what_works) == ("draft", "My garden", "")
    assert sa.written_by == users["the_person"]
    # What was saved comes back into the form.
    assert "My garden</textarea>" in c.get(url("portal-what-matters", person.pk)).content.decode()

    write_choose_and_share(c, person, chosen=["friends", "safe_home"],
                           own_words="I want to go back to the swimming club on Saturdays")
    sa.refresh_from_db()
    assert sa.state == SelfAssessment.State.SHARED
    assert sa.what_is_hard == "Getting up the stairs at night"
    proposed = {o.in_own_words: o for o in PersonalOutcome.objects.filter(person=person)}
    assert set(proposed) == {"I want to see my friends more often",
                             "I want to feel safe at home, day and night",
                             "I want to go back to the swimming club on Saturdays"}
    friends = proposed["I want to see my friends more often"]
    assert friends.category.code == "seeing_people"
    assert friends.proposed_by == PersonalOutcome.ProposedBy.PERSON
    assert friends.assessment is None
    assert proposed["I want to go back to the swimming club on Saturdays"].category is None
    page = c.get(url("portal-what-matters", person.pk)).content.decode()
    assert "You have shared this with your worker" in page
    assert "You shared this with your worker on" in page


def test_an_acting_attorney_writes_and_shares_for_the_person(client, cast):
    users, person = cast
    c = signed_in(client, users["attorney_acting"])
    page = c.get(url("portal-what-matters", person.pk)).content.decode()
    # Names can hold an apostrophe (O'Sullivan), which the page escapes.
    assert f"You are answering for {escape(person.display_name)}" in page
    write_choose_and_share(c, person, chosen=["family"])
    sa = SelfAssessment.objects.get(person=person)
    assert sa.state == SelfAssessment.State.SHARED
    assert sa.written_by == users["attorney_acting"]
    outcome = PersonalOutcome.objects.get(person=person)
    # Recorded truthfully: proposed by someone acting for the person, not by the person.
    assert outcome.proposed_by == PersonalOutcome.ProposedBy.CARER
    assert outcome.created_by == users["attorney_acting"]


def test_a_viewing_carer_reads_the_assessment_but_writes_nothing(client, cast):
    users, person = cast
    assessment = assessing.assessment_start(actor=users["scot_social_worker"], person=person)
    c = signed_in(client, users["carer_viewing"])
    for name in ("portal-what-matters", "portal-what-matters-outcomes",
                 "portal-what-matters-check"):
        assert c.get(url(name, person.pk)).status_code == 404
        assert c.post(url(name, person.pk), {**answers(), "chosen": ["friends"]}).status_code == 404
    assert not SelfAssessment.objects.filter(person=person).exists()
    assert not PersonalOutcome.objects.filter(person=person).exists()

    page = c.get(url("portal-assessment", assessment.pk)).content.decode()
    assert f"You are reading for {person.display_name}" in page
    assert 'name="text"' not in page
    assert f"Only {person.display_name}, or someone acting for them, can add comments" in page
    response = c.post(url("portal-assessment", assessment.pk), {"text": "Carer's note"})
    assert response.status_code == 403
    assert not AssessmentComment.objects.exists()
    # Their home page offers reading, not writing.
    home = c.get(reverse("portal-home")).content.decode()
    assert url("portal-assessments", person.pk) in home
    assert url("portal-what-matters", person.pk) not in home


@pytest.mark.parametrize("actor", ["scot_social_worker", "scot_team_manager", "nobody"])
def test_staff_cannot_use_the_persons_own_pages(client, cast, actor):
    users, person = cast
    assessment = assessing.assessment_start(actor=users["scot_social_worker"], person=person)
    c = signed_in(client, users[actor])
    for name in ("portal-what-matters", "portal-what-matters-outcomes",
                 "portal-what-matters-check", "portal-assessments"):
        assert c.get(url(name, person.pk)).status_code == 403
        assert c.post(url(name, person.pk), {**answers(), "chosen": ["friends"]}).status_code == 403
    assert c.get(url("portal-assessment", assessment.pk)).status_code == 403
    assert c.post(url("portal-assessment", assessment.pk), {"text": "x"}).status_code == 403
    assert not SelfAssessment.objects.exists()
    assert not PersonalOutcome.objects.exists()
    assert not AssessmentComment.objects.exists()
    # A refusal on a page about the person is in the access log against them.
    assert AccessLog.objects.filter(person_id=person.pk, user=users[actor],
                                    outcome=AccessLog.Outcome.DENIED).exists()


def test_staff_who_care_for_someone_else_still_cannot_read_this_person_here(client, cast, world):
    """A team manager may see the person's record from the staff pages, and has portal
    access as their own mother's carer: these pages still refuse them for this person."""
    users, person = cast
    manager = users["scot_team_manager"]
    mother = PersonFactory(authority=world.scot)
    rel = relationship_add(actor=manager, person=mother, kind="unpaid_carer", name="Son",
                           user=manager, access=Access.VIEW)
    consent_record(actor=manager, person=mother, relationship=rel,
                   decision=Consent.Decision.GIVEN, scope=ConsentScope.SHARE_WITH_RELATIONSHIP,
                   method=ConsentMethod.VERBAL)
    assessment = assessing.assessment_start(actor=users["scot_social_worker"], person=person)
    c = signed_in(client, manager)
    assert c.get(url("portal-assessments", mother.pk)).status_code == 200
    assert c.get(url("portal-assessments", person.pk)).status_code == 404
    assert c.get(url("portal-assessment", assessment.pk)).status_code == 404
    assert c.get(url("portal-what-matters", person.pk)).status_code == 404
    denied = AccessLog.objects.filter(person_id=person.pk, user=manager,
                                      outcome=AccessLog.Outcome.DENIED)
    assert denied.count() == 3
    # Refused before the record was opened: nothing says they viewed it from here.
    assert not AccessLog.objects.filter(person_id=person.pk, user=manager,
                                        outcome=AccessLog.Outcome.VIEWED,
                                        path__startswith="/my/").exists()


def test_one_person_never_sees_anothers_pages(client, cast, world):
    users, person = cast
    other_user = UserFactory(username="other_person")
    other = PersonFactory(authority=world.scot, user=other_user)
    theirs = assessing.assessment_start(actor=users["scot_team_manager"], person=other)
    c = signed_in(client, users["the_person"])
    for name in ("portal-what-matters", "portal-what-matters-outcomes",
                 "portal-what-matters-check", "portal-assessments"):
        assert c.get(url(name, other.pk)).status_code == 404
    assert c.get(url("portal-assessment", theirs.pk)).status_code == 404
    assert c.post(url("portal-assessment", theirs.pk), {"text": "x"}).status_code == 404
    assert c.get(url("portal-assessment", 999_999)).status_code == 404
    home = c.get(reverse("portal-home")).content.decode()
    assert escape(other.display_name) not in home


def test_the_home_page_links_to_what_matters_and_assessments(client, cast):
    users, person = cast
    home = signed_in(client, users["the_person"]).get(reverse("portal-home")).content.decode()
    assert url("portal-what-matters", person.pk) in home
    assert url("portal-assessments", person.pk) in home
    assert "Your assessments" in home


def test_removing_a_proposal_and_unticking_one(client, cast):
    users, person = cast
    c = signed_in(client, users["the_person"])
    c.post(url("portal-what-matters-outcomes", person.pk),
           {"chosen": ["friends", "eat_well"], "own_words": "I want a dog",
            "save_for_later": ""})
    assert PersonalOutcome.objects.filter(person=person, state="draft").count() == 3
    page = c.get(url("portal-what-matters-outcomes", person.pk)).content.decode()
    # Chosen items come back ticked; own words are listed with a Remove button.
    assert 'value="friends" checked' in page
    assert 'value="eat_well" checked' in page
    assert 'value="family">' in page
    assert "I want a dog" in page and "Remove" in page

    dog = PersonalOutcome.objects.get(in_own_words="I want a dog")
    response = c.post(url("portal-what-matters-outcomes", person.pk),
                      {"remove": "1", "outcome": dog.pk}, follow=True)
    assert "You removed “I want a dog”" in response.content.decode()
    dog.refresh_from_db()
    assert dog.state == PersonalOutcome.State.WITHDRAWN

    c.post(url("portal-what-matters-outcomes", person.pk),
           {"chosen": ["friends"], "own_words": "", "save_for_later": ""})
    wanted = PersonalOutcome.objects.filter(person=person, state="draft")
    assert [o.in_own_words for o in wanted] == ["I want to see my friends more often"]
    # Ticking it again proposes it again; resubmitting does not duplicate it.
    for _ in range(2):
        c.post(url("portal-what-matters-outcomes", person.pk),
               {"chosen": ["friends"], "save_for_later": ""})
    assert PersonalOutcome.objects.filter(person=person, state="draft").count() == 1


def test_someone_cannot_remove_another_persons_outcome(client, cast, world):
    users, person = cast
    other = PersonFactory(authority=world.scot, user=UserFactory())
    theirs = outcome_add(actor=other.user, person=other, in_own_words="Theirs")
    c = signed_in(client, users["the_person"])
    c.post(url("portal-what-matters-outcomes", person.pk), {"remove": "1", "outcome": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.state == PersonalOutcome.State.DRAFT


def test_sharing_nothing_says_what_to_do(client, cast):
    users, person = cast
    c = signed_in(client, users["the_person"])
    c.post(url("portal-what-matters", person.pk), {"what_is_hard": "Stairs", "continue": ""})
    response = c.post(url("portal-what-matters-check", person.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error:" in html
    assert "Tell us what matters to you, or choose something you would like to change" in html
    assert f'{url("portal-what-matters", person.pk)}#id_what_matters' in html
    assert SelfAssessment.objects.get(person=person).state == SelfAssessment.State.DRAFT


def test_an_answer_that_is_too_long_names_the_question(client, cast):
    users, person = cast
    c = signed_in(client, users["the_person"])
    response = c.post(url("portal-what-matters", person.pk),
                      {"what_is_hard": "x" * 5001, "continue": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your answer about what is hard must be 5,000 characters or fewer" in html
    assert 'href="#id_what_is_hard"' in html
    assert not SelfAssessment.objects.exists()


def test_in_england_the_menu_uses_the_ascot_domains(client, world):
    user = UserFactory()
    person = PersonFactory(authority=world.eng, user=user)
    c = signed_in(client, user)
    c.post(url("portal-what-matters-outcomes", person.pk),
           {"chosen": ["eat_well", "friends"], "save_for_later": ""})
    codes = {o.in_own_words: o.category.code for o in PersonalOutcome.objects.filter(person=person)}
    assert codes == {"I want to eat well and have meals I enjoy": "ascot_food",
                     "I want to see my friends more often": "ascot_social"}


def test_the_shared_self_assessment_and_outcomes_start_the_workers_assessment(client, cast):
    """Without retyping: what the person wrote and chose is in the worker's assessment."""
    users, person = cast
    c = signed_in(client, users["the_person"])
    write_choose_and_share(c, person, chosen=["friends"], own_words="I want a dog")
    dog = PersonalOutcome.objects.get(in_own_words="I want a dog")
    c.post(url("portal-what-matters-outcomes", person.pk),
           {"chosen": ["friends"], "save_for_later": ""}, follow=True)  # keeps friends
    c.post(url("portal-what-matters-outcomes", person.pk), {"remove": "1", "outcome": dog.pk},
           follow=True)

    worker = users["scot_social_worker"]
    started = assessing.assessment_start(actor=worker, person=person)
    assessment = assessment_get(user=worker, assessment_id=started.pk)
    assert assessment.from_self_assessment
    [sa] = assessment.self_assessments.all()
    assert sa.what_matters == "My garden and my grandchildren"
    assert sa.who_helps == "My daughter Fiona"
    assert sa.state == SelfAssessment.State.USED
    assert [o.in_own_words for o in assessment.outcomes.all()] == [
        "I want to see my friends more often"]

    # The person reads it back, in their own words.
    page = c.get(url("portal-assessment", started.pk)).content.decode()
    assert "My garden and my grandchildren" in page
    assert "“I want to see my friends more often”" in page
    assert "I want a dog" not in page
    # The self-assessment page now points to the assessment in progress.
    page = c.get(url("portal-what-matters", person.pk)).content.decode()
    assert "Your worker has already started your assessment" in page
    assert url("portal-assessment", started.pk) in page
    assert "My garden</textarea>" not in page


# --- Reading your own assessment ---------------------------------------------------------


def _decided(users, person, *, band="low"):
    worker = users["scot_social_worker"]
    assessment = assessing.assessment_start(actor=worker, person=person)
    assessing.eligibility_decide(
        actor=worker, assessment=assessment,
        areas=[("relationships", band, "Sees her daughter weekly; lonely on weekdays")],
        reasons="You are managing at home with help from your daughter.",
        next_steps="We will close your referral and you can come back any time.",
        signposting="The Tuesday lunch club at Leith Community Centre",
        challenge_route="Phone 0131 200 2324 and ask for a review of this decision.")
    return assessment


def test_the_person_reads_their_eligibility_decision_and_how_to_challenge_it(client, cast):
    users, person = cast
    assessment = _decided(users, person)
    c = signed_in(client, users["the_person"])
    listing = c.get(url("portal-assessments", person.pk)).content.decode()
    assert url("portal-assessment", assessment.pk) in listing
    assert "Your worker is still working on it" in listing

    page = c.get(url("portal-assessment", assessment.pk)).content.decode()
    assert "Your needs are below the level the council pays for" in page
    assert "Low</strong>. There is a small risk" in page
    assert "The council pays for support when the risk is substantial or higher" in page
    assert "You are managing at home with help from your daughter." in page
    assert "Relationships and social contact" in page
    assert "Sees her daughter weekly; lonely on weekdays" in page
    assert "The Tuesday lunch club at Leith Community Centre" in page
    assert "If you disagree with this decision" in page
    assert "Phone 0131 200 2324 and ask for a review of this decision." in page
    assert "independent advocate" in page


def test_an_eligible_decision_says_so(client, cast):
    users, person = cast
    assessment = _decided(users, person, band="critical")
    page = signed_in(client, users["the_person"]).get(
        url("portal-assessment", assessment.pk)).content.decode()
    assert "The council will support you with your needs." in page
    assert "You need support straight away" in page
    assert "If you disagree with this decision" in page


def test_the_person_sees_the_contributions_they_may_see(client, cast):
    users, person = cast
    worker = users["scot_social_worker"]
    consent_record(actor=worker, person=person, scope=ConsentScope.SHARE_WITH_FAMILY,
                   decision=Consent.Decision.GIVEN, method=ConsentMethod.VERBAL)
    assessment = assessing.assessment_start(actor=worker, person=person)
    assessing.contribution_add(actor=worker, assessment=assessment, contributor_name="Fiona",
                               contributor_role="family", content="Mum is lonely")
    assessing.contribution_add(actor=worker, assessment=assessment, contributor_name="Tam",
                               contributor_role="family", content="Private worry",
                               worker_only=True)
    page = signed_in(client, users["the_person"]).get(
        url("portal-assessment", assessment.pk)).content.decode()
    assert "Mum is lonely" in page and "Fiona" in page
    assert "Private worry" not in page and "Tam" not in page


def test_comments_save_and_show(client, cast):
    users, person = cast
    assessment = assessing.assessment_start(actor=users["scot_social_worker"], person=person)
    c = signed_in(client, users["the_person"])
    target = url("portal-assessment", assessment.pk)

    empty = c.post(target, {"text": "  "})
    assert empty.status_code == 200
    assert "Enter your comment" in empty.content.decode()
    assert 'href="#id_text"' in empty.content.decode()
    assert not AssessmentComment.objects.exists()

    response = c.post(target, {"text": "You missed that I go to church on Sundays"})
    assert response.status_code == 302 and response.url == target
    comment = AssessmentComment.objects.get()
    assert (comment.author, comment.assessment) == (users["the_person"], assessment)
    page = c.get(target).content.decode()
    assert "Your comment has been added" in page
    assert "You wrote on" in page
    assert "You missed that I go to church on Sundays" in page

    # Someone acting for the person comments too; the viewing carer reads both.
    signed_in(client, users["attorney_acting"]).post(target, {"text": "Agreed with Mum"})
    page = signed_in(client, users["carer_viewing"]).get(target).content.decode()
    assert "You missed that I go to church on Sundays" in page
    assert "Agreed with Mum" in page
    assert AssessmentComment.objects.count() == 2


def test_what_people_write_is_escaped_everywhere(client, cast):
    users, person = cast
    c = signed_in(client, users["the_person"])
    c.post(url("portal-what-matters", person.pk),
           {"what_matters": SCRIPT, "continue": ""})
    c.post(url("portal-what-matters-outcomes", person.pk),
           {"own_words": SCRIPT, "save_for_later": ""})
    for name in ("portal-what-matters", "portal-what-matters-outcomes",
                 "portal-what-matters-check"):
        html = c.get(url(name, person.pk)).content.decode()
        assert SCRIPT not in html
        assert ESCAPED in html
    c.post(url("portal-what-matters-check", person.pk))
    assessment = assessing.assessment_start(actor=users["scot_social_worker"], person=person)
    c.post(url("portal-assessment", assessment.pk), {"text": SCRIPT})
    html = c.get(url("portal-assessment", assessment.pk)).content.decode()
    assert SCRIPT not in html
    assert html.count(ESCAPED) >= 3  # what matters, the outcome, the comment


# --- Asking for support without signing in ----------------------------------------------


def referral(world, **overrides):
    data = {
        "authority": world.scot.pk, "for_whom": "cared_for", "referrer_name": "Fiona Brown",
        "name": "Aileen Brown", "contact": "0131 496 0000",
        "how_to_contact": "After 3pm", "what_help": "Mum is falling at night",
        "date_of_birth_day": "1", "date_of_birth_month": "4", "date_of_birth_year": "1940",
        "postcode": "eh6 5ab", "communication_needs": "Large print", "wants_advocate": "yes",
    }
    data.update(overrides)
    return data


def test_anyone_can_ask_for_support_and_sees_only_a_reference(client, world):
    page = client.get(reverse("self-referral")).content.decode()
    assert world.scot.name in page and world.eng.name in page
    assert "call 999" in page

    response = client.post(reverse("self-referral"), referral(world))
    assert response.status_code == 302
    assert response.url == reverse("self-referral-sent")
    sr = SelfReferral.objects.get()
    assert (sr.authority, sr.for_whom, sr.name, sr.referrer_name) == (
        world.scot, "cared_for", "Aileen Brown", "Fiona Brown")
    assert sr.date_of_birth == datetime.date(1940, 4, 1)
    assert sr.postcode == "EH6 5AB"
    assert (sr.contact, sr.how_to_contact) == ("0131 496 0000", "After 3pm")
    assert sr.communication_needs == "Large print"
    assert sr.wants_advocate is True
    assert sr.state == SelfReferral.State.NEW

    sent = client.get(reverse("self-referral-sent")).content.decode()
    assert f"SR{sr.pk:06d}" in sent
    assert "contact you soon" in sent
    assert "call 999" in sent
    assert "independent advocate" in sent
    for typed in ("Aileen", "Fiona", "0131 496 0000", "falling", "EH6", "Large print",
                  world.scot.name):
        assert typed not in sent


def test_the_sent_page_without_a_request_goes_back_to_the_form(client, world):
    response = client.get(reverse("self-referral-sent"))
    assert response.status_code == 302
    assert response.url == reverse("self-referral")


def test_an_empty_referral_names_every_field_it_needs(client, world):
    response = client.post(reverse("self-referral"), {})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error:" in html
    for field, message in [
        ("authority_0", "Select the council you want to ask for support"),
        ("for_whom_0", "Select who needs support"),
        ("name", "Enter the name of the person who needs support"),
        ("contact", "Enter a phone number or email address, so a worker can contact you"),
        ("what_help", "Enter what help is needed"),
        ("wants_advocate_0", "Select yes if you would like an independent advocate"),
    ]:
        assert message in html
        assert f'href="#id_{field}"' in html
    # Optional questions are not demanded.
    for optional in ("Enter date of birth", "Enter postcode", "Enter your name"):
        assert optional not in html
    assert not SelfReferral.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"postcode": "EH1"}, "postcode", "Enter a full UK postcode, like EH1 1YZ, or leave it empty"),
        ({"postcode": "12345"}, "postcode", "Enter a full UK postcode"),
        ({"postcode": "not a postcode"}, "postcode", "Postcode must be 10 characters or fewer"),
        ({"date_of_birth_year": str(clock.today().year + 1)}, "date_of_birth_0",
         "Date of birth must be in the past"),
        ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, "date_of_birth_0",
         "Date of birth must be a real date"),
        ({"date_of_birth_month": ""}, "date_of_birth_0", "Date of birth must include a month"),
        ({"referrer_name": ""}, "referrer_name", "Enter your name, so we know who is asking"),
        ({"contact": "call me"}, "contact", "Enter a phone number, like 0131 496 0000, or an email"),
        ({"contact": "fiona@"}, "contact", "Enter a phone number, like 0131 496 0000, or an email"),
        ({"authority": "999999"}, "authority_0", "Select the council you want to ask for support"),
        ({"what_help": "x" * 5001}, "what_help", "What help is needed? must be 5,000 characters"),
    ],
)
def test_bad_referral_input_names_the_field_and_saves_nothing(client, world, overrides, field,
                                                              message):
    response = client.post(reverse("self-referral"), referral(world, **overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'href="#id_{field}"' in html
    assert "govuk-error-summary" in html
    assert not SelfReferral.objects.exists()
    # What was typed is kept, so nothing has to be typed again.
    assert "Mum is falling at night</textarea>" in html or field == "what_help"


def test_a_referral_for_yourself_needs_no_second_name_and_takes_an_email(client, world):
    response = client.post(reverse("self-referral"), referral(
        world, for_whom="me", referrer_name="", contact="aileen@example.com",
        date_of_birth_day="", date_of_birth_month="", date_of_birth_year="", postcode="",
        wants_advocate="no", communication_needs="", how_to_contact=""))
    assert response.status_code == 302
    sr = SelfReferral.objects.get()
    assert (sr.for_whom, sr.date_of_birth, sr.postcode, sr.wants_advocate) == (
        "me", None, "", False)


def test_the_form_escapes_what_was_typed(client, world):
    response = client.post(reverse("self-referral"), referral(
        world, name=SCRIPT, what_help=SCRIPT, postcode="EH1"))
    html = response.content.decode()
    assert SCRIPT not in html
    assert ESCAPED in html


def test_one_address_may_send_only_a_few_requests_an_hour_whatever_its_cookies(client, world):
    for number in range(LIMIT):
        # A different contact each time, and a fresh session (cookie) each time.
        client.cookies.clear()
        data = referral(world, contact=f"0131 496 00{number:02d}")
        assert client.post(reverse("self-referral"), data).status_code == 302
    client.cookies.clear()
    response = client.post(reverse("self-referral"), referral(world, contact="0131 496 0099"))
    assert response.status_code == 429
    html = response.content.decode()
    assert f"{LIMIT} requests have been sent from here" in html
    assert "phone the council" in html and "call 999" in html
    assert "govuk-error-summary" in html
    assert "0131 496 0099" in html  # what was typed is kept
    assert SelfReferral.objects.count() == LIMIT
    # An hour later the address may send again.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3601)):
        assert client.post(reverse("self-referral"), referral(world)).status_code == 302
    assert SelfReferral.objects.count() == LIMIT + 1


def test_one_contact_may_be_sent_only_a_few_times_an_hour_from_any_address(client, world):
    for number in range(LIMIT):
        data = referral(world, contact="ann@example.org")
        response = client.post(reverse("self-referral"), data,
                               REMOTE_ADDR=f"192.0.2.{number + 1}")
        assert response.status_code == 302
    response = client.post(reverse("self-referral"), referral(world, contact=" ANN@example.org"),
                           REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert SelfReferral.objects.count() == LIMIT
    # Someone else from that address is not held back.
    assert client.post(reverse("self-referral"), referral(world, contact="bob@example.org"),
                       REMOTE_ADDR="198.51.100.7").status_code == 302


def test_a_signed_in_user_may_also_ask_for_support(client, cast, world):
    users, _ = cast
    c = signed_in(client, users["the_person"])
    assert c.get(reverse("self-referral")).status_code == 200
    assert c.post(reverse("self-referral"), referral(world)).status_code == 302


def test_assessment_states_read_in_plain_english(client, cast):
    users, person = cast
    assessment = assessing.assessment_start(actor=users["scot_social_worker"], person=person)
    Assessment.objects.filter(pk=assessment.pk).update(
        state=Assessment.State.APPROVED, approved_on=datetime.date(2025, 5, 1))
    c = signed_in(client, users["the_person"])
    assert "Finished and signed off." in c.get(url("portal-assessments", person.pk)).content.decode()
    page = c.get(url("portal-assessment", assessment.pk)).content.decode()
    assert "Finished and signed off on 1 May 2025" in page


def test_a_person_with_no_assessment_is_told_what_will_happen(client, cast):
    users, person = cast
    page = signed_in(client, users["the_person"]).get(
        url("portal-assessments", person.pk)).content.decode()
    assert "You have not had an assessment yet" in page
    assert url("portal-what-matters", person.pk) in page



def test_the_assessment_page_takes_the_same_queries_however_much_it_holds(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    users, person = cast
    worker = users["scot_social_worker"]
    consent_record(actor=worker, person=person, scope=ConsentScope.SHARE_WITH_FAMILY,
                   decision=Consent.Decision.GIVEN, method=ConsentMethod.VERBAL)
    assessment = _decided(users, person)
    c = signed_in(client, users["the_person"])
    target = url("portal-assessment", assessment.pk)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(target).status_code == 200
        return len(ctx)

    def add_one_of_each(n):
        outcome_add(actor=worker, person=person, assessment=assessment, in_own_words=f"O{n}")
        assessing.contribution_add(actor=worker, assessment=assessment,
                                   contributor_name=f"C{n}", contributor_role="family",
                                   content="Said")
        assessing.assessment_comment_add(actor=users["the_person"], assessment=assessment,
                                         text=f"Comment {n}")
        assessing.risk_add(actor=worker, assessment=assessment, risk=f"R{n}",
                           what_person_wants="To go out")

    add_one_of_each(1)
    first = queries()
    for n in range(2, 6):
        add_one_of_each(n)
    assert queries() == first
