"""No input to a page ever causes a 500: each bad input is refused with a 4xx or a GOV.UK
error summary naming the field, and nothing is saved.

An id too large for the database in any address (every URL pattern with an id is walked),
a NUL character in any field, a name of only spaces, an implausible date of birth, an
amount of 10**30 pounds, ``?page=`` of 2**62, a body larger than Django accepts.
The same inputs through the API: ``tests/api/test_api_input_bounds.py``.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, StringConverter

from selfdirect.charging.models import PlannedService
from selfdirect.core import bounds, clock
from selfdirect.core.converters import IdConverter, TextConverter
from selfdirect.core.money import MAX_PENCE, AmountTooLarge, pence_from_pounds
from selfdirect.people.models import Person
from selfdirect.people.validators import make_chi_number
from tests.factories import TEST_PASSWORD, PersonFactory

TOO_BIG = 2**64  # more than a PostgreSQL bigint holds
LARGEST = bounds.MAX_ID  # the largest id there can be


def sign_in(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def errors_of(response) -> dict[str, list[str]]:
    return {name: list(errs) for name, errs in response.context["form"].errors.items()}


def assert_refused(response, field: str, *words: str) -> None:
    """A GOV.UK error summary with a message on ``field`` saying ``words``, linked to it."""
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert f'href="#id_{field}' in html
    messages = " ".join(errors_of(response).get(field, []))
    for word in words:
        assert word in messages, (field, messages)


# --- Every address with an id ---------------------------------------------------------------


def _patterns(resolver=None, prefix=""):
    """Every URL pattern, with its full route and every converter on the way to it."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield entry, route


def _converters(route: str) -> list[tuple[str, str]]:
    return re.findall(r"<(?:(\w+):)?(\w+)>", route)


def _url(route: str, id_value: int) -> str:
    def value(match: re.Match[str]) -> str:
        return str(id_value) if match.group(1) == "id" else "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


DJANGO_ADMIN = "django-admin/"
ID_ROUTES = sorted({route for _, route in _patterns()
                    if any(kind == "id" for kind, _ in _converters(route))})


def test_every_id_in_an_address_goes_through_the_bounded_converter():
    """No pattern uses Django's own int (unbounded) or str (lets NUL through) converter:
    each id is ``<id:…>`` and each text segment ``<text:…>``, pages and API alike. (The
    Django admin, for superusers only, keeps its own patterns.)"""
    offending = []
    for pattern, route in _patterns():
        if route.startswith(DJANGO_ADMIN):
            continue
        converters = getattr(pattern.pattern, "converters", {})
        if any(type(c) in (IntConverter, StringConverter) for c in converters.values()):
            offending.append(route)
        for kind, _name in _converters(route):
            if kind in ("", "int", "str"):
                offending.append(route)
    assert offending == []
    assert len(ID_ROUTES) > 100  # the walk below has something to walk


def test_the_id_converter_refuses_what_no_bigint_holds():
    converter = IdConverter()
    assert converter.to_python(str(LARGEST)) == LARGEST
    with pytest.raises(ValueError):
        converter.to_python(str(LARGEST + 1))
    assert re.fullmatch(converter.regex, str(TOO_BIG)) is None  # 20 digits
    assert re.fullmatch(TextConverter.regex, "a\x00b") is None


@pytest.mark.parametrize("who", ["scot_administrator", "scot_social_worker"])
@pytest.mark.django_db
def test_every_address_with_an_id_answers_2_to_the_64_without_a_500(client, world, who):
    """Walks every URL pattern with an id (pages and API), as a signed-in administrator
    and a social worker: 2**64 matches no URL (404); the largest id there can be reaches
    the views and the access log, and is not found either."""
    sign_in(client, world.user(who))
    client.raise_request_exception = False
    failures = []
    for route in ID_ROUTES:
        too_big = client.get(_url(route, TOO_BIG))
        if too_big.status_code != 404:
            failures.append((route, TOO_BIG, too_big.status_code))
        elif route.startswith("api/") and too_big["Content-Type"] != "application/json":
            failures.append((route, TOO_BIG, too_big["Content-Type"]))
        largest = client.get(_url(route, LARGEST))
        if largest.status_code >= 500:
            failures.append((route, LARGEST, largest.status_code))
    assert failures == []


@pytest.mark.django_db
def test_a_nul_in_a_text_segment_of_an_address_is_not_found(client, world):
    sign_in(client, world.user("scot_social_worker"))
    client.raise_request_exception = False
    for url in ("/settings/policy/%00/", "/charging/policy/%00/", "/spending/rules/%00/"):
        assert client.get(url).status_code == 404, url


# --- The person form: NUL, spaces only, dates of birth --------------------------------------


def valid_form(**overrides):
    dob = datetime.date(1950, 4, 1)
    import random

    data = {
        "given_name": "Aileen", "family_name": "Brown", "preferred_name": "",
        "pronouns": "she/her", "date_of_birth_day": "1", "date_of_birth_month": "4",
        "date_of_birth_year": "1950", "chi_number": make_chi_number(dob, random.Random(1)),
        "address_line_1": "1 High Street", "address_line_2": "", "town": "Edinburgh",
        "postcode": "EH1 1YZ", "phone": "", "email": "", "contact_preference": "phone",
        "client_group": "elderly_frail", "notes": "",
    }
    data.update(overrides)
    return data


def _years_ago(years: int, days: int = 0) -> datetime.date:
    today = clock.today()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = datetime.date(today.year - years, 2, 28)
    return day - datetime.timedelta(days=days)


def _dob(day: datetime.date) -> dict[str, str]:
    return {"date_of_birth_day": str(day.day), "date_of_birth_month": str(day.month),
            "date_of_birth_year": str(day.year)}


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"given_name": "Ail\x00een"}, "given_name", ["Given name", "null character"]),
        ({"family_name": "\x00"}, "family_name", ["Family name", "null character"]),
        ({"notes": "a\x00"}, "notes", ["Notes", "null character"]),
        ({"town": "Edin\x00burgh"}, "town", ["Town or city", "null character"]),
        ({"email": "a\x00@example.com"}, "email", ["Email", "null character"]),
        ({"contact_preference": "phone\x00"}, "contact_preference", ["null character"]),
        ({"client_group": "\x00"}, "client_group", ["null character"]),
        ({"date_of_birth_day": "1\x00"}, "date_of_birth", ["Date of birth", "null character"]),
        ({"given_name": "   "}, "given_name", ["Enter given name"]),
        ({"family_name": " \t "}, "family_name", ["Enter family name"]),
        (_dob(clock.today() + datetime.timedelta(days=1)), "date_of_birth",
         ["Date of birth must be in the past"]),
        (_dob(_years_ago(130, days=1)), "date_of_birth",
         ["Date of birth must be no more than 130 years ago"]),
        ({"date_of_birth_day": "ten", "date_of_birth_month": "4",
          "date_of_birth_year": "1950"}, "date_of_birth", ["Date of birth must be a real date"]),
        ({"date_of_birth_year": "99999"}, "date_of_birth", ["Year must include 4 numbers"]),
    ],
    ids=["nul-given", "nul-family", "nul-notes", "nul-town", "nul-email", "nul-radio",
         "nul-select", "nul-date", "spaces-given", "spaces-family", "dob-future",
         "dob-too-old", "dob-words", "dob-five-digit-year"],
)
@pytest.mark.django_db
def test_bad_person_details_are_refused_naming_the_field_and_nothing_is_saved(
        client, world, overrides, field, words):
    response = sign_in(client, world.user("scot_social_worker")).post(
        reverse("person-create"), valid_form(**overrides))
    assert_refused(response, field, *words)
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_a_date_of_birth_130_years_ago_today_is_accepted(client, world):
    response = sign_in(client, world.user("scot_social_worker")).post(
        reverse("person-create"), valid_form(chi_number="", **_dob(_years_ago(130))))
    assert response.status_code == 302, errors_of(response)
    assert Person.objects.get().date_of_birth == _years_ago(130)


@pytest.mark.django_db
def test_changing_a_person_with_a_nul_or_only_spaces_changes_nothing(client, world):
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    before = Person.objects.values().get(pk=person.pk)
    url = reverse("person-edit", args=[person.pk])
    sign_in(client, worker)
    form = {**valid_form(), **_dob(person.date_of_birth), "chi_number": person.chi_number,
            "given_name": "A\x00", "family_name": "  "}
    response = client.post(url, form)
    assert_refused(response, "given_name", "Given name", "null character")
    assert_refused(response, "family_name", "Enter family name")
    assert Person.objects.values().get(pk=person.pk) == before
    assert person.history.count() == 1


@pytest.mark.django_db
def test_a_search_with_a_nul_names_the_box(client, world):
    sign_in(client, world.user("scot_social_worker"))
    response = client.get(reverse("people-search"), {"name": "Br\x00own"})
    assert_refused(response, "name", "Name", "null character")


@pytest.mark.django_db
def test_the_search_boxes_a_page_reads_itself_name_themselves_when_refused(client, world):
    from selfdirect.assessments.services import self_referral_submit

    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    sr = self_referral_submit(authority=world.scot, for_whom="me", name="Ann Example",
                              contact="0131 496 0001", what_help="Help")
    sign_in(client, worker)
    carer = client.get(reverse("carer-identify", args=[person.pk]), {"name": "Br\x00own"})
    assert carer.status_code == 200
    assert carer.context["search_error"] == bounds.nul_message("The carer's name")
    assert 'href="#carer-search-name"' in carer.content.decode()
    inbox = client.get(reverse("self-referral-detail", args=[sr.pk]), {"name": "Ann\x00"})
    assert inbox.status_code == 200
    assert inbox.context["search_error"] == bounds.nul_message("Name")
    assert inbox.context["matches"] == []


QUERY_NAMES = ("name", "line", "on", "plan", "provider", "page", "prices", "print", "all",
               "next", "q", "authority", "person", "shortfall", "since", "year_start")


@pytest.mark.parametrize("who", ["scot_team_manager", "scot_social_worker",
                                 "scot_finance_officer", "the_person"])
@pytest.mark.django_db
def test_every_page_answers_a_nul_in_its_query_string_without_a_500(client, cast, who):
    """Every page (the person's own where it takes an id), with a NUL in every parameter a
    page reads from the address: PostgreSQL would refuse it in a query."""
    users, person = cast
    sign_in(client, users[who])
    client.raise_request_exception = False
    query = "&".join(f"{name}=a%00b" for name in QUERY_NAMES)
    failures = []
    for _pattern, route in _patterns():
        if route.startswith((DJANGO_ADMIN, "api/")) or "(?P" in route:
            continue
        url = _url(route, person.pk)
        response = client.get(f"{url}?{query}")
        if response.status_code >= 500:
            failures.append((url, response.status_code))
    assert failures == []


def test_every_govuk_form_refuses_nul_in_a_field_of_any_kind():
    """The guard sits on the form base, so a field added after the form was built, or a
    choice looked up in the database by a text key, is covered too."""
    from django import forms

    from selfdirect.core.forms import GovukForm

    class Choosing(GovukForm):
        when = forms.DateField(label="When")

    form = Choosing({"when": "2026-01-01\x00", "count": "1\x00"})
    form.fields["count"] = forms.IntegerField(label="How many")
    assert not form.is_valid()
    assert form.errors["when"] == [bounds.nul_message("When")]
    assert form.errors["count"] == [bounds.nul_message("How many")]
    huge = Choosing({"when": "2026-01-01", "count": str(2**64)})
    huge.fields["count"] = forms.IntegerField(label="How many")
    assert not huge.is_valid()
    assert huge.errors["count"] == ["How many must be 9,223,372,036,854,775,807 or less"]


# --- Pages of a list ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_number_of_2_to_the_62_shows_the_last_page(client, world, settings):
    """The pages clamp (Django's ``Paginator.get_page``): someone following an old link
    sees the last page. The number never reaches the database as an offset."""
    settings.PEOPLE_PAGE_SIZE = 2
    for n in range(3):
        PersonFactory(authority=world.scot, team=world.scot_team, family_name=f"Grant{n}")
    sign_in(client, world.user("scot_social_worker"))
    client.raise_request_exception = False
    for page in (2**62, 2**64, -1, "1e99", "x\x00"):
        response = client.get(reverse("people-search"), {"name": "grant", "page": page})
        assert response.status_code == 200, page
    last = client.get(reverse("people-search"), {"name": "grant", "page": 2**62})
    assert last.context["page"].number == 2


# --- Money ----------------------------------------------------------------------------------


def test_an_amount_has_an_upper_bound_with_a_message_naming_field_and_maximum():
    with pytest.raises(AmountTooLarge) as caught:
        pence_from_pounds("1" + "0" * 30)
    assert caught.value.message("Cost a week") == "Cost a week must be £1,000,000,000.00 or less"
    with pytest.raises(AmountTooLarge):
        pence_from_pounds("-1e30")
    assert pence_from_pounds("1,000,000,000.00") == MAX_PENCE
    with pytest.raises(AmountTooLarge):
        pence_from_pounds("1000000000.01")
    with pytest.raises(ValueError, match="decimal places"):
        pence_from_pounds("1e-999999999999")


@pytest.mark.parametrize("amount", ["1" + "0" * 30, "1e30", "-1" + "0" * 30])
@pytest.mark.django_db
def test_a_cost_of_10_to_the_30_pounds_is_refused_naming_the_field(client, world, amount):
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    today = clock.today()
    response = sign_in(client, worker).post(
        reverse("planned-service-add", args=[person.pk]),
        {"service_type": "social_support", "description": "Swimming", "option": "2",
         "weekly_cost": amount, "starts_on_day": today.day, "starts_on_month": today.month,
         "starts_on_year": today.year})
    assert_refused(response, "weekly_cost", "Cost a week must be", "£1,000,000,000.00")
    assert not PlannedService.objects.exists()


# --- Dates anyone may give ------------------------------------------------------------------


@pytest.mark.parametrize("year", ["9999", "1000", "1849", "2200"])
@pytest.mark.django_db
def test_a_date_outside_the_years_anyone_records_is_refused(client, world, year):
    worker = world.user("scot_social_worker")
    person = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)
    response = sign_in(client, worker).post(
        reverse("planned-service-add", args=[person.pk]),
        {"service_type": "social_support", "description": "Swimming", "option": "2",
         "weekly_cost": "10.00", "starts_on_day": "31", "starts_on_month": "12",
         "starts_on_year": year})
    assert_refused(response, "starts_on", "Date the service starts must be between")
    assert not PlannedService.objects.exists()


# --- A body too large -----------------------------------------------------------------------


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2_000)
@pytest.mark.django_db
def test_a_form_larger_than_django_accepts_is_a_page_not_a_500(client, world):
    sign_in(client, world.user("scot_social_worker"))
    client.raise_request_exception = False
    response = client.post(reverse("person-create"), valid_form(notes="x" * 5_000))
    assert response.status_code == 413
    assert "What you sent is too large" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert Person.objects.count() == 0
