"""Keeping the directory up to date from a provider's page: services, locations, areas
covered, inspection grades and the people who work for the provider; adding PAs to the
register and withdrawing a PA's consent. Only the directory's managers (commissioners and
administrators) may; a mistake names the field and saves nothing; what is saved shows on
the provider's page (or the register)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from selfdirect.core import clock
from selfdirect.planning import plans
from selfdirect.planning.referrals import referral_send, referrals_for_member
from selfdirect.providers import selectors
from selfdirect.providers.models import (
    PersonalAssistant,
    ProviderGrade,
    ProviderLocation,
    ProviderMember,
    ProviderService,
    ServiceArea,
)
from tests.factories import TEST_PASSWORD, UserFactory
from tests.providers.factories import (
    PersonalAssistantFactory,
    ProviderLocationFactory,
    ProviderMemberFactory,
    provider_in,
)

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert('x')</script>"
TODAY = clock.today()
NOT_MANAGERS = ["scot_social_worker", "scot_team_manager", "scot_finance_officer",
                "scot_provider_user", "the_person"]


def as_user(client, username):
    client.logout()
    assert client.login(username=username, password=TEST_PASSWORD)
    return client


def detail_text(client, provider):
    return client.get(reverse("provider-detail", args=[provider.pk])).content.decode()


def summary_links(text):
    """The error summary's messages (each links to its field)."""
    start = text.index('class="govuk-error-summary"')
    return text[start:text.index("</ul>", start)]


def date_fields(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month),
            f"{name}_year": str(day.year)}


SERVICE = {"name": "Night support", "description": "Sleep-in and waking nights",
           "service_types": ["personal_care"], "female_carers": "on",
           "food_practices": ["kosher"], "times": ["nights", "weekends"],
           "capacity_hours": "35", "capacity_places": "4", "active": "on"}


# ---- who may ----------------------------------------------------------------------------

def _posts(provider, world):
    """Each editing page with a good answer, and how to tell whether anything was saved."""
    service = provider.services.get()
    location = ProviderLocationFactory(provider=provider)
    member = ProviderMemberFactory(provider=provider)
    pa = PersonalAssistantFactory(covers=[world.scot])
    victim = UserFactory(email="victim@example.com")
    return [
        (reverse("provider-service-add", args=[provider.pk]), SERVICE,
         lambda: provider.services.count() == 1),
        (reverse("provider-service-edit", args=[provider.pk, service.pk]), SERVICE,
         lambda: ProviderService.objects.get(pk=service.pk).name == "Care at home"),
        (reverse("provider-location-add", args=[provider.pk]),
         {"address": "2 Shore", "postcode": "EH6 6QW"}, lambda: provider.locations.count() == 1),
        (reverse("provider-location-remove", args=[provider.pk, location.pk]), {},
         lambda: ProviderLocation.objects.filter(pk=location.pk).exists()),
        (reverse("provider-areas", args=[provider.pk]), {"districts": "EH1"},
         lambda: ServiceArea.objects.get(provider=provider).districts == []),
        (reverse("provider-grade-add", args=[provider.pk]),
         {"theme": "Care", "grade": "Good", **date_fields("graded_on", TODAY)},
         lambda: not provider.grades.exists()),
        (reverse("provider-members", args=[provider.pk]), {"email": victim.email},
         lambda: not ProviderMember.objects.filter(user=victim).exists()),
        (reverse("provider-member-remove", args=[provider.pk, member.pk]), {},
         lambda: ProviderMember.objects.get(pk=member.pk).active),
        (reverse("personal-assistant-add"),
         {"name": "Intruder", "authorities": [world.scot.pk], "pvg_status": "exempt",
          "consent": "on", **date_fields("consent_given_on", TODAY)},
         lambda: not PersonalAssistant.objects.filter(name="Intruder").exists()),
        (reverse("personal-assistant-withdraw", args=[pa.pk]),
         date_fields("consent_withdrawn_on", TODAY),
         lambda: PersonalAssistant.objects.get(pk=pa.pk).consent_withdrawn_on is None),
    ]


@pytest.mark.parametrize("actor", NOT_MANAGERS)
def test_only_the_directorys_managers_may_post_to_the_editing_pages(client, cast, world, actor):
    provider = provider_in(world.scot)
    as_user(client, actor)
    for url, data, unchanged in _posts(provider, world):
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert unchanged(), url


def test_a_manager_of_another_council_may_not_withdraw_a_pas_consent(client, world):
    pa = PersonalAssistantFactory(covers=[world.scot])
    as_user(client, "eng_administrator")
    url = reverse("personal-assistant-withdraw", args=[pa.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, date_fields("consent_withdrawn_on", TODAY)).status_code == 403
    assert selectors.personal_assistants_listed() == [pa]


def test_the_provider_page_links_to_each_action_for_managers_only(client, world):
    provider = provider_in(world.scot)
    location = ProviderLocationFactory(provider=provider)
    service = provider.services.get()
    links = [reverse("provider-service-add", args=[provider.pk]),
             reverse("provider-service-edit", args=[provider.pk, service.pk]),
             reverse("provider-location-add", args=[provider.pk]),
             reverse("provider-location-remove", args=[provider.pk, location.pk]),
             reverse("provider-areas", args=[provider.pk]),
             reverse("provider-grade-add", args=[provider.pk]),
             reverse("provider-members", args=[provider.pk])]
    text = detail_text(as_user(client, "scot_commissioner"), provider)
    for link in links:
        assert f'href="{link}"' in text
    text = detail_text(as_user(client, "scot_social_worker"), provider)
    for link in links:
        assert link not in text
    assert "People who work for the provider" not in text


def test_parts_of_another_provider_are_not_found(client, world):
    provider, other = provider_in(world.scot), provider_in(world.scot)
    location = ProviderLocationFactory(provider=other)
    member = ProviderMemberFactory(provider=other)
    as_user(client, "scot_administrator")
    for url in (reverse("provider-service-edit", args=[provider.pk, other.services.get().pk]),
                reverse("provider-location-remove", args=[provider.pk, location.pk]),
                reverse("provider-member-remove", args=[provider.pk, member.pk]),
                reverse("provider-service-add", args=[999_999])):
        assert client.get(url).status_code == 404, url
        assert client.post(url, SERVICE).status_code == 404, url
    assert ProviderLocation.objects.filter(pk=location.pk).exists()
    assert ProviderMember.objects.get(pk=member.pk).active


# ---- services ---------------------------------------------------------------------------

def test_a_service_with_mistakes_names_each_field_and_saves_nothing(client, world):
    provider = provider_in(world.scot)
    as_user(client, "scot_commissioner")
    response = client.post(reverse("provider-service-add", args=[provider.pk]), {
        "name": "", "capacity_hours": "lots", "capacity_places": "-1"})
    text = response.content.decode()
    assert response.status_code == 200
    summary = summary_links(text)
    assert 'href="#id_name"' in summary and "Enter name of the service" in summary
    assert 'href="#id_service_types_0">Select at least one type of service' in summary
    assert "Enter hours a week it can take on as a whole number, like 40" in summary
    assert "Places free must be 0 or more" in summary
    assert "<title>Error:" in text
    assert provider.services.count() == 1


def test_a_service_is_added_and_shows_on_the_provider_page(client, world):
    provider = provider_in(world.scot)
    as_user(client, "scot_commissioner")
    response = client.post(reverse("provider-service-add", args=[provider.pk]), SERVICE)
    assert response.status_code == 302
    service = provider.services.get(name="Night support")
    assert service.female_carers and not service.male_carers
    assert (service.capacity_hours, service.capacity_places) == (35, 4)
    assert service.food_practices == ["kosher"] and service.times == ["nights", "weekends"]
    record = service.history.get()
    assert record.history_user == world.user("scot_commissioner")
    assert record.history_change_reason == "Service added"
    text = detail_text(client, provider)
    for shown in ("Night support", "Sleep-in and waking nights", "Kosher", "Nights, Weekends",
                  "35 hours a week; 4 places", "The service was added"):
        assert shown in text


def test_a_service_is_changed_and_the_search_sees_it(client, world):
    provider = provider_in(world.scot, food_practices=[], female_carers=False)
    service = provider.services.get()
    as_user(client, "scot_administrator")
    url = reverse("provider-service-edit", args=[provider.pk, service.pk])
    form = client.get(url).context["form"]
    assert form["name"].value() == "Care at home"
    assert form["capacity_hours"].value() == 20
    response = client.post(url, {**SERVICE, "name": "Care at home", "male_carers": "on",
                                 "food_practices": ["halal"], "capacity_hours": ""})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.male_carers and service.female_carers
    assert service.food_practices == ["halal"] and service.capacity_hours is None
    assert service.history.latest().history_change_reason == "Service changed"
    needs = selectors.Needs(authority=world.scot, food=("halal",))
    match = selectors.provider_search(needs=needs)[0]
    assert match.provider == provider and "cooks halal food" in match.reasons
    assert "hours not said; 4 places" in detail_text(client, provider)


def test_a_withdrawn_service_leaves_the_search_and_is_marked_on_the_provider_page(client, world):
    provider = provider_in(world.scot, service_types=["day_service"])
    service = provider.services.get()
    needs = selectors.Needs(authority=world.scot, service_type="day_service")
    assert [m.provider for m in selectors.provider_search(needs=needs)] == [provider]
    as_user(client, "scot_administrator")
    url = reverse("provider-service-edit", args=[provider.pk, service.pk])
    assert client.get(url).context["form"]["active"].value() is True
    data = {**SERVICE, "name": service.name, "service_types": ["day_service"]}
    data.pop("active", None)  # unticked: the box sends nothing
    assert client.post(url, data).status_code == 302
    service.refresh_from_db()
    assert service.active is False
    assert selectors.provider_search(needs=needs) == []
    assert "Withdrawn" in detail_text(client, provider)
    assert client.post(url, {**data, "active": "on"}).status_code == 302
    assert [m.provider for m in selectors.provider_search(needs=needs)] == [provider]


# ---- locations --------------------------------------------------------------------------

def test_a_location_with_a_wrong_postcode_is_not_saved(client, world):
    provider = provider_in(world.scot)
    as_user(client, "scot_commissioner")
    response = client.post(reverse("provider-location-add", args=[provider.pk]),
                           {"address": "", "postcode": "Leith"})
    summary = summary_links(response.content.decode())
    assert 'href="#id_address">Enter address' in summary
    response = client.post(reverse("provider-location-add", args=[provider.pk]),
                           {"address": "2 Shore", "postcode": "Leith"})
    summary = summary_links(response.content.decode())
    assert 'href="#id_postcode">Enter a full UK postcode, like EH1 1YZ' in summary
    assert 'value="2 Shore"' in response.content.decode()
    assert not provider.locations.exists()


def test_a_location_is_added_then_removed(client, world):
    provider = provider_in(world.scot)
    as_user(client, "scot_commissioner")
    response = client.post(reverse("provider-location-add", args=[provider.pk]), {
        "name": "Leith office", "address": "2 Shore", "town": "Edinburgh",
        "postcode": "eh66qw"})
    assert response.status_code == 302
    location = provider.locations.get()
    assert location.postcode == "EH6 6QW"
    assert "Leith office: 2 Shore, Edinburgh, EH6 6QW" in detail_text(client, provider)

    url = reverse("provider-location-remove", args=[provider.pk, location.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Remove this location from" in confirm.content.decode()
    assert provider.locations.exists()  # asking is not removing
    assert client.post(url).status_code == 302
    assert not provider.locations.exists()
    removed = ProviderLocation.history.filter(id=location.pk).latest()
    assert removed.history_type == "-"
    assert removed.history_user == world.user("scot_commissioner")
    assert "2 Shore" not in detail_text(client, provider)


# ---- areas ------------------------------------------------------------------------------

def test_areas_are_set_for_the_managers_own_council_only(client, world):
    provider = provider_in(world.scot, districts=["EH1"])
    as_user(client, "scot_commissioner")
    url = reverse("provider-areas", args=[provider.pk])
    assert client.get(url).context["form"]["districts"].value() == "EH1"
    bad = client.post(url, {"districts": "EH6, Leith"})
    assert "LEITH is not one" in summary_links(bad.content.decode())
    assert ServiceArea.objects.get(provider=provider).districts == ["EH1"]

    assert client.post(url, {"districts": "eh6, EH 7"}).status_code == 302
    assert ServiceArea.objects.get(provider=provider).districts == ["EH6", "EH7"]
    assert "City of Edinburgh Council: EH6, EH7" in detail_text(client, provider)

    # Manchester's administrator sets where it works in Manchester, not in Edinburgh.
    as_user(client, "eng_administrator")
    assert client.post(url, {"districts": ""}).status_code == 302
    areas = {a.authority: a.districts for a in ServiceArea.objects.filter(provider=provider)}
    assert areas == {world.scot: ["EH6", "EH7"], world.eng: []}
    assert "Manchester City Council: all areas" in detail_text(client, provider)


# ---- grades -----------------------------------------------------------------------------

def test_a_grade_needs_a_theme_a_grade_and_a_past_date(client, world):
    provider = provider_in(world.scot)
    as_user(client, "scot_administrator")
    url = reverse("provider-grade-add", args=[provider.pk])
    response = client.post(url, {"theme": "", "grade": "", **date_fields(
        "graded_on", TODAY + datetime.timedelta(days=3))})
    summary = summary_links(response.content.decode())
    assert "Enter theme" in summary and "Enter grade" in summary
    response = client.post(url, {"theme": "Wellbeing", "grade": "Good", **date_fields(
        "graded_on", TODAY + datetime.timedelta(days=3))})
    assert ('href="#id_graded_on_0">Date of the inspection must be today or in the past'
            in summary_links(response.content.decode()))
    response = client.post(url, {"theme": "Wellbeing", "grade": "Good",
                                 "graded_on_day": "31", "graded_on_month": "2",
                                 "graded_on_year": "2026"})
    assert "Date of the inspection" in summary_links(response.content.decode())
    assert not ProviderGrade.objects.exists()


def test_a_grade_is_recorded_and_shown(client, world):
    provider = provider_in(world.scot)
    as_user(client, "scot_administrator")
    response = client.post(reverse("provider-grade-add", args=[provider.pk]), {
        "theme": "How well do we support wellbeing?", "grade": "5 - Very good",
        "graded_on_day": "14", "graded_on_month": "3",
        "graded_on_year": "2026"})
    assert response.status_code == 302
    grade = provider.grades.get()
    assert grade.graded_on == datetime.date(2026, 3, 14)
    assert grade.history.get().history_user == world.user("scot_administrator")
    text = detail_text(client, provider)
    assert "5 - Very good" in text and "14 March 2026" in text


# ---- who works for the provider ---------------------------------------------------------

@pytest.fixture
def referred(cast):
    """A provider with a referral sent to it."""
    users, person = cast
    plan = plans.plan_start(actor=users["scot_social_worker"], person=person)
    line = plans.line_add(
        actor=users["scot_social_worker"], plan=plan, expected_version=plan.version,
        what="Day centre", who_kind="provider", weekly_cost=5000, option="3",
        service_type="day_service", contingency="Family covers")
    provider = provider_in(person.authority, districts=["EH1"], service_types=["day_service"])
    referral = referral_send(actor=users["scot_social_worker"], line=line, provider=provider)
    return provider, referral


def test_a_member_added_by_email_sees_the_referrals_and_once_removed_does_not(client, world,
                                                                              referred):
    provider, referral = referred
    worker = UserFactory(username="day_centre", email="Manager@DayCentre.example",
                         first_name="Mo", last_name="Khan")
    assert list(referrals_for_member(worker)) == []
    as_user(client, "scot_commissioner")
    url = reverse("provider-members", args=[provider.pk])
    response = client.post(url, {"email": "manager@daycentre.example"})
    assert response.status_code == 302
    member = ProviderMember.objects.get(provider=provider, user=worker)
    assert member.history.get().history_user == world.user("scot_commissioner")
    assert list(referrals_for_member(worker)) == [referral]
    assert "<li>Mo Khan (Manager@DayCentre.example)</li>" in detail_text(client, provider)
    assert "Mo Khan" in client.get(url).content.decode()

    again = client.post(url, {"email": "manager@daycentre.example"})
    assert "already works for" in summary_links(again.content.decode())

    remove = reverse("provider-member-remove", args=[provider.pk, member.pk])
    assert "no longer see the referrals" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert list(referrals_for_member(worker)) == []
    member.refresh_from_db()
    assert not member.active
    assert member.history.latest().history_change_reason == "Stopped working for the provider"
    assert "<li>Mo Khan" not in detail_text(client, provider)
    assert client.get(remove).status_code == 404  # already removed

    # Added again later: the same row comes back into force.
    assert client.post(url, {"email": worker.email}).status_code == 302
    assert list(referrals_for_member(worker)) == [referral]


def test_a_member_needs_an_account_with_that_email(client, world):
    provider = provider_in(world.scot)
    UserFactory(email="twin@example.com")
    UserFactory(email="TWIN@example.com")
    as_user(client, "scot_administrator")
    url = reverse("provider-members", args=[provider.pk])
    for email, message in (("", "Enter email address of their account"),
                           ("not-an-email", "Enter email address of their account in the "
                                            "correct format"),
                           ("nobody@example.com", "No account has that email address"),
                           ("twin@example.com", "More than one account has that email")):
        response = client.post(url, {"email": email})
        assert response.status_code == 200
        assert f'href="#id_email">{message}' in summary_links(response.content.decode())
    assert not ProviderMember.objects.exists()


def test_the_members_pages_escape_what_people_typed(client, world):
    provider = provider_in(world.scot)
    member = ProviderMemberFactory(provider=provider,
                                   user=UserFactory(first_name=SCRIPT, email="x@example.com"))
    location = ProviderLocationFactory(provider=provider, address=SCRIPT)
    as_user(client, "scot_commissioner")
    for url in (reverse("provider-members", args=[provider.pk]),
                reverse("provider-member-remove", args=[provider.pk, member.pk]),
                reverse("provider-location-remove", args=[provider.pk, location.pk]),
                reverse("provider-detail", args=[provider.pk])):
        text = client.get(url).content.decode()
        assert SCRIPT not in text, url
        assert "&lt;script&gt;" in text, url


# ---- the PA register --------------------------------------------------------------------

PA = {"name": "Aisha Begum", "phone": "07700 900456", "email": "aisha@example.com",
      "districts": "eh6, EH7", "languages": "Urdu, Punjabi", "gender": "woman",
      "skills": "personal care, cooking", "times": ["evenings"], "pvg_status": "member",
      "consent": "on"}


def test_a_pa_with_mistakes_names_each_field_and_is_not_added(client, world):
    as_user(client, "scot_commissioner")
    url = reverse("personal-assistant-add")
    form = client.get(url).context["form"]
    assert list(form.fields["authorities"].queryset) == [world.scot]
    response = client.post(url, {"name": "", "authorities": [world.eng.pk],
                                 "districts": "Leith", **date_fields(
                                     "consent_given_on", TODAY + datetime.timedelta(days=1))})
    summary = summary_links(response.content.decode())
    for message in ("Enter full name", "Select only councils from the list",
                    "Select their PVG scheme status",
                    "Confirm they agreed to be listed in the register",
                    "Date they agreed to be listed must be today or in the past"):
        assert message in summary
    response = client.post(url, {**PA, "authorities": [world.scot.pk],
                                 "districts": "EH6, Leith",
                                 **date_fields("consent_given_on", TODAY)})
    summary = summary_links(response.content.decode())
    assert 'href="#id_districts">' in summary and "LEITH is not one" in summary
    response = client.post(url, {**PA, "authorities": [world.scot.pk],
                                 **date_fields("consent_given_on", TODAY)})
    assert ('href="#id_pvg_date_0">Enter the date of PVG membership'
            in summary_links(response.content.decode()))
    assert not PersonalAssistant.objects.exists()


def test_a_pa_is_added_and_listed_then_withdraws_consent(client, world):
    as_user(client, "scot_commissioner")
    response = client.post(reverse("personal-assistant-add"), {
        **PA, "authorities": [world.scot.pk], **date_fields("pvg_date", datetime.date(2024, 6, 1)),
        **date_fields("consent_given_on", TODAY)})
    assert response.status_code == 302
    pa = PersonalAssistant.objects.get()
    assert pa.districts == ["EH6", "EH7"] and pa.languages == ["Urdu", "Punjabi"]
    assert pa.gender == "woman" and pa.pvg_date == datetime.date(2024, 6, 1)
    assert list(pa.authorities.all()) == [world.scot]
    assert pa.history.get().history_user == world.user("scot_commissioner")
    register = client.get(reverse("personal-assistants")).content.decode()
    assert "Aisha Begum (Woman)</td>" in register and "07700 900456" in register
    withdraw = reverse("personal-assistant-withdraw", args=[pa.pk])
    assert f'href="{withdraw}"' in register
    as_user(client, "scot_social_worker")
    assert withdraw not in client.get(reverse("personal-assistants")).content.decode()

    as_user(client, "scot_administrator")
    before = client.post(withdraw, date_fields("consent_withdrawn_on",
                                               TODAY - datetime.timedelta(days=1)))
    assert "must be on or after the date it was given" in summary_links(before.content.decode())
    assert selectors.personal_assistants_listed() == [pa]
    assert client.post(withdraw, date_fields("consent_withdrawn_on", TODAY)).status_code == 302
    assert selectors.personal_assistants_listed() == []
    pa.refresh_from_db()
    assert pa.consent_withdrawn_on == TODAY
    assert pa.history.latest().history_user == world.user("scot_administrator")
    register = client.get(reverse("personal-assistants")).content.decode()
    assert "Aisha Begum will no longer be listed" in register
    assert "Aisha Begum (Woman)</td>" not in register
