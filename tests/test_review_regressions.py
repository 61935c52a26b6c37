"""Holes found in review, each closed and held closed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from selfdirect.audit.models import AccessLog
from selfdirect.core import clock
from selfdirect.people import services
from selfdirect.people.models import Access, Person, Preferences
from tests.factories import TEST_PASSWORD, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_superuser_gets_no_persons_record_without_a_role(client, world):
    boss = UserFactory(is_superuser=True, is_staff=True)
    person = PersonFactory(authority=world.eng)
    assert not boss.has_perm("people.view_person", person)
    assert not boss.has_perm("people.change_person", person)
    client.login(username=boss.username, password=TEST_PASSWORD)
    assert client.get(reverse("person-detail", args=[person.pk])).status_code == 403
    # Django's own permissions still work for the admin.
    assert boss.has_perm("auth.view_group")


def test_a_django_group_permission_of_the_same_name_grants_nothing(world):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_person",
                                                     content_type__app_label="people"))
    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm("people.view_person")
    assert not user.has_perm("people.view_person", PersonFactory(authority=world.scot))


def test_services_set_only_their_own_fields(world):
    manager = world.user("scot_team_manager")
    person = PersonFactory(authority=world.scot)
    other = PersonFactory(authority=world.eng)
    with pytest.raises(ValueError):
        services.preferences_update(actor=manager, person=person, person_id=other.pk)
    with pytest.raises(ValueError):
        services.relationship_add(actor=manager, person=person, kind="unpaid_carer", name="C",
                                  access=Access.ACT, consent_given=True)
    assert not Preferences.objects.exists()


def test_first_preferences_have_an_author_in_their_history(world):
    manager = world.user("scot_team_manager")
    person = PersonFactory(authority=world.scot)
    prefs = services.preferences_update(actor=manager, person=person, food="Halal")
    assert [(h.history_type, h.history_user) for h in prefs.history.all()] == [("+", manager)]


def test_a_repeated_chi_number_is_an_error_on_its_own_field(client, world):
    existing = PersonFactory(authority=world.scot, team=world.scot_other_team)
    client.login(username="scot_social_worker", password=TEST_PASSWORD)
    dob = existing.date_of_birth
    response = client.post(reverse("person-create"), {
        "given_name": "A", "family_name": "B", "date_of_birth_day": dob.day,
        "date_of_birth_month": dob.month, "date_of_birth_year": dob.year,
        "chi_number": existing.chi_number, "client_group": "not_known"})
    assert response.status_code == 200
    assert "already recorded in this authority" in response.context["form"].errors["chi_number"][0]
    assert Person.objects.count() == 1


@pytest.mark.parametrize("day", ["²", "9" * 25, "٣"])
def test_a_strange_day_is_a_message_not_a_crash(client, world, day):
    client.login(username="scot_social_worker", password=TEST_PASSWORD)
    response = client.post(reverse("person-create"), {
        "given_name": "A", "family_name": "B", "date_of_birth_day": day,
        "date_of_birth_month": "1", "date_of_birth_year": "1950", "client_group": "not_known"})
    assert response.status_code == 200
    assert "Date of birth must be a real date" in response.content.decode()


def test_staff_record_equality_answers_but_never_read_them_back(client, world):
    person = PersonFactory(authority=world.scot, team=world.scot_team)
    me = UserFactory()
    person.user = me
    person.save()
    services.equality_update(actor=me, person=person, religion="buddhist", sex="female")
    client.login(username="scot_team_manager", password=TEST_PASSWORD)
    html = client.get(reverse("person-equality", args=[person.pk])).content.decode()
    assert 'value="buddhist" checked' not in html
    assert "Answers already given are not shown to staff" in html
    client.post(reverse("person-equality", args=[person.pk]), {"disability": "yes"})
    person.equality.refresh_from_db()
    assert (person.equality.religion, person.equality.sex, person.equality.disability) == (
        "buddhist", "female", "yes")
    client.login(username=me.username, password=TEST_PASSWORD)
    mine = client.get(reverse("person-equality", args=[person.pk])).content.decode()
    assert 'value="buddhist" checked' in mine


def test_a_relationship_ending_in_the_future_still_holds_today(world):
    manager = world.user("scot_team_manager")
    person = PersonFactory(authority=world.scot)
    carer = UserFactory()
    rel = services.relationship_add(actor=manager, person=person, kind="welfare_attorney",
                                    name="A", user=carer, access=Access.VIEW,
                                    powers_held="Welfare", document_reference="OPG/9")
    services.relationship_end(actor=manager, relationship=rel,
                              ended_on=clock.today() + datetime.timedelta(days=90))
    fresh = type(carer).objects.get(pk=carer.pk)
    assert fresh.has_perm("people.view_person", Person.objects.get(pk=person.pk))
    from selfdirect.people.selectors import portal_people_queryset

    assert portal_people_queryset(user=fresh).filter(pk=person.pk).exists()
    assert AccessLog.objects.filter(person_id=person.pk, outcome="changed").exists()


def test_postcode_search_means_what_people_type(client, world):
    worker = world.user("scot_team_manager")
    eh1 = PersonFactory(authority=world.scot, postcode="EH1 1YZ")
    eh10 = PersonFactory(authority=world.scot, postcode="EH10 5AB")
    from selfdirect.people.selectors import PersonSearch, person_search

    def found(typed):
        return set(person_search(user=worker, search=PersonSearch(postcode=typed)))

    assert found("EH1") == {eh1}
    assert found("eh10") == {eh10}
    assert found("EH1 1") == {eh1}
    assert found("eh11yz") == {eh1}


def test_refusals_on_a_persons_pages_are_logged_as_refusals(client, world):
    person = PersonFactory(authority=world.scot, team=world.scot_team)
    client.login(username="scot_finance_officer", password=TEST_PASSWORD)
    assert client.get(reverse("person-edit", args=[person.pk])).status_code == 404
    assert client.get(reverse("person-history", args=[person.pk])).status_code == 403
    outcomes = list(AccessLog.objects.filter(person_id=person.pk).values_list("outcome", flat=True))
    assert outcomes == ["denied", "denied"]


def test_the_api_search_returns_summaries_not_records(client, world):
    from selfdirect.accounts.services import api_token_create

    PersonFactory(authority=world.scot, team=world.scot_team, phone="0131 496 0000")
    _, raw = api_token_create(user=world.user("scot_social_worker"), name="t", scope="read_write")
    item = client.get("/api/people", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["items"][0]
    assert "phone" not in item and "address_line_1" not in item
    assert {"id", "given_name", "family_name", "date_of_birth", "identifier"} <= set(item)
