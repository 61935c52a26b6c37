"""The staff pages for people: validation, escaping, access log, query counts."""

from __future__ import annotations

import datetime
from html import escape

import pytest
from django.urls import reverse

from selfdirect.audit.models import AccessLog
from selfdirect.core import clock
from selfdirect.people.models import Person
from selfdirect.people.validators import make_chi_number
from tests.factories import TEST_PASSWORD, PersonFactory


def sign_in(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def valid_form(**overrides):
    dob = datetime.date(1950, 4, 1)
    import random

    data = {
        "given_name": "Aileen", "family_name": "Brown", "preferred_name": "",
        "pronouns": "she/her", "date_of_birth_day": "1", "date_of_birth_month": "4",
        "date_of_birth_year": "1950", "chi_number": make_chi_number(dob, random.Random(1)),
        "address_line_1": "1 High Street", "address_line_2": "", "town": "Edinburgh",
        "postcode": "eh11yz", "phone": "", "email": "", "contact_preference": "phone",
        "client_group": "elderly_frail", "notes": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_social_worker_adds_a_person_who_joins_their_caseload(client, world):
    worker = world.user("scot_social_worker")
    response = sign_in(client, worker).post(reverse("person-create"), valid_form())
    person = Person.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("person-detail", args=[person.pk])
    assert person.postcode == "EH1 1YZ"
    assert person.allocated_worker == worker
    assert person.team == world.scot_team
    assert person.history.count() == 1
    assert person.history.first().history_user == worker


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date_of_birth_year": str(clock.today().year + 1)}, "date_of_birth",
         "Date of birth must be in the past"),
        ({"date_of_birth_month": ""}, "date_of_birth", "Date of birth must include a month"),
        ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, "date_of_birth",
         "Date of birth must be a real date"),
        ({"chi_number": "0104561239"}, "chi_number", "last digit does not match"),
        ({"chi_number": "0104561"}, "chi_number", "10 digits"),
        ({"postcode": "EH1"}, "postcode", "Enter a full UK postcode"),
        ({"postcode": "EH1 1CA"}, "postcode", "Enter a full UK postcode"),
        ({"given_name": "A" * 100_000}, "given_name", "Given name must be 100 characters or fewer"),
        ({"family_name": ""}, "family_name", "Enter family name"),
        ({"email": "not-an-email"}, "email", "correct format"),
    ],
)
@pytest.mark.django_db
def test_bad_input_names_the_field_and_saves_nothing(client, world, overrides, field, message):
    response = sign_in(client, world.user("scot_social_worker")).post(
        reverse("person-create"), valid_form(**overrides))
    assert response.status_code == 200
    assert Person.objects.count() == 0
    html = response.content.decode()
    assert message in html
    # The GOV.UK error summary links to the field, and the title says there is an error.
    assert 'class="govuk-error-summary"' in html
    assert f'href="#id_{field}' in html
    assert "<title>Error:" in html


@pytest.mark.django_db
def test_a_future_date_of_birth_on_edit_keeps_what_was_saved(client, world):
    person = PersonFactory(authority=world.scot, team=world.scot_team, given_name="Ben")
    original = person.date_of_birth
    sign_in(client, world.user("scot_social_worker"))
    data = valid_form(given_name="Changed", chi_number=person.chi_number,
                      date_of_birth_day=str(original.day), date_of_birth_month=str(original.month),
                      date_of_birth_year=str(clock.today().year + 2))
    response = client.post(reverse("person-edit", args=[person.pk]), data)
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.given_name == "Ben"
    assert person.date_of_birth == original


@pytest.mark.django_db
def test_script_in_a_note_is_saved_as_text_and_shown_escaped(client, world):
    sign_in(client, world.user("scot_social_worker"))
    payload = '<script>alert("x")</script>'
    client.post(reverse("person-create"), valid_form(notes=payload, given_name=payload))
    person = Person.objects.get()
    assert person.notes == payload
    html = client.get(reverse("person-detail", args=[person.pk])).content.decode()
    assert payload not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_another_authoritys_person_is_not_found_and_the_attempt_is_logged(client, world):
    person = PersonFactory(authority=world.eng, team=world.eng_team)
    worker = world.user("scot_social_worker")
    response = sign_in(client, worker).get(reverse("person-detail", args=[person.pk]))
    assert response.status_code == 404
    entry = AccessLog.objects.get(person_id=person.pk)
    assert entry.user == worker
    assert entry.outcome == AccessLog.Outcome.DENIED


@pytest.mark.django_db
def test_opening_a_record_is_logged(client, world):
    person = PersonFactory(authority=world.scot, team=world.scot_team)
    worker = world.user("scot_social_worker")
    sign_in(client, worker).get(reverse("person-detail", args=[person.pk]))
    assert AccessLog.objects.filter(person_id=person.pk, user=worker,
                                    outcome=AccessLog.Outcome.VIEWED).count() == 1


@pytest.mark.django_db
def test_communication_needs_show_on_every_page_about_the_person(client, world):
    from selfdirect.people.services import communication_needs_set

    manager = world.user("scot_team_manager")
    person = PersonFactory(authority=world.scot, team=world.scot_team)
    communication_needs_set(actor=manager, person=person,
                            needs={"bsl_interpreter": "", "face_to_face_only": ""})
    sign_in(client, manager)
    for name in ("person-detail", "person-edit", "person-needs", "person-preferences",
                 "person-allocate", "relationship-add", "consent-add"):
        html = client.get(reverse(name, args=[person.pk])).content.decode()
        assert "Communication and access needs" in html, name
        assert "BSL interpreter" in html, name


@pytest.mark.django_db
def test_search_finds_by_each_field_and_only_within_what_the_user_may_see(client, world):
    mine = PersonFactory(authority=world.scot, team=world.scot_team, family_name="Macleod",
                         postcode="EH6 5AB", date_of_birth=datetime.date(1944, 2, 3))
    mine.chi_number = make_chi_number(mine.date_of_birth, __import__("random").Random(5))
    mine.save()
    PersonFactory(authority=world.scot, team=world.scot_other_team, family_name="Macleod")
    PersonFactory(authority=world.eng, family_name="Macleod")
    sign_in(client, world.user("scot_social_worker"))
    url = reverse("people-search")
    for query in ({"name": "macleod"}, {"identifier": mine.chi_number},
                  {"postcode": "eh6 5ab"},
                  {"date_of_birth_day": "3", "date_of_birth_month": "2", "date_of_birth_year": "1944"}):
        page = client.get(url, query).context["page"]
        assert [p.pk for p in page.object_list] == [mine.pk], query


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_people(world, count, start):
    """Bulk-add people to the social worker's team, each with two communication needs."""
    from selfdirect.people.models import CommunicationNeed

    people = Person.objects.bulk_create([
        Person(authority=world.scot, team=world.scot_team, given_name=f"Given{start + i}",
               family_name="Surname", date_of_birth=datetime.date(1950, 1, 1),
               postcode="EH1 1YZ", allocated_worker=world.user("scot_social_worker"))
        for i in range(count)])
    CommunicationNeed.objects.bulk_create(
        [CommunicationNeed(person=p, kind=k) for p in people for k in ("easy_read", "large_print")])
    return people


@pytest.mark.django_db
def test_person_list_and_page_run_the_same_queries_for_10_or_10000_people(client, world):
    first = _add_people(world, 10, 0)
    sign_in(client, world.user("scot_social_worker"))
    search = reverse("people-search") + "?name=surname"
    detail = reverse("person-detail", args=[first[0].pk])
    dashboard = reverse("dashboard")
    small = [_queries(client, url) for url in (search, detail, dashboard)]
    _add_people(world, 9_990, 10)
    large = [_queries(client, url) for url in (search, detail, dashboard)]
    assert large == small
    assert small[0] <= 12, small


@pytest.mark.django_db
def test_the_history_page_says_who_changed_what_and_hides_equality_answers(client, world):
    from selfdirect.people import services

    worker = world.user("scot_social_worker")
    person = services.person_create(actor=worker, authority=world.scot, given_name="Dan",
                                    family_name="Reid", date_of_birth=datetime.date(1960, 5, 5))
    services.person_update(actor=worker, person=person, preferred_name="Danny", phone="07700 900123")
    services.communication_needs_set(actor=worker, person=person, needs={"cannot_write": ""})
    services.equality_update(actor=worker, person=person, religion="buddhist")
    sign_in(client, worker)
    html = client.get(reverse("person-history", args=[person.pk])).content.decode()
    assert "Changed: Details" in html
    assert "preferred name, phone" in html.lower()
    assert "Added: Communication need: Cannot write or hold a pen" in html
    assert "Equality information" in html
    assert "religion" not in html.lower() and "buddhist" not in html.lower()
    assert escape(worker.get_full_name()) in html  # an apostrophe (O'Connor) is escaped


@pytest.mark.django_db
def test_identifiers_and_postcodes_may_be_typed_with_spaces(client, world):
    sign_in(client, world.user("scot_social_worker"))
    response = client.post(reverse("person-create"),
                           valid_form(chi_number="010456 1238", postcode=" eh1  1yz ",
                                      date_of_birth_day="1", date_of_birth_month="4",
                                      date_of_birth_year="1956"))
    assert response.status_code == 302, response.context["form"].errors
    person = Person.objects.get()
    assert (person.chi_number, person.postcode) == ("0104561238", "EH1 1YZ")
