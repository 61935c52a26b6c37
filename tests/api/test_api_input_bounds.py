"""No input to the API ever causes a 500: each bad input is a 4xx in JSON, a 422 naming the
field in the API's error shape (``{"detail", "errors": {field: [messages]}}``), and
nothing is saved.

Every operation is walked with an id of 2**64 and with the largest id there can be; every
input schema is held to the bounds in ``api.inputs`` field by field; then each bad input
the tester found goes through the API as a signed-in user allowed to use it. The same
inputs through the pages: ``tests/core/test_input_bounds.py``.
"""

from __future__ import annotations

import datetime
import json
import re
import types
import typing
from typing import Any

import pydantic
import pytest
from django.test import override_settings

from selfdirect.accounts.services import api_token_create
from selfdirect.api.api import api
from selfdirect.api.inputs import InSchema, PatchSchema
from selfdirect.assessments.models import Assessment
from selfdirect.charging.models import PlannedService
from selfdirect.core import bounds, clock
from selfdirect.people.models import Person
from tests.factories import PersonFactory

TOO_BIG = 2**64
LARGEST = bounds.MAX_ID


def bearer(user):
    _, raw = api_token_create(user=user, name="bounds", scope="read_write")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def send(client, user, method, url, body=None, raw=None):
    data = raw if raw is not None else (json.dumps(body) if body is not None else "")
    return client.generic(method, url, data, content_type="application/json", **bearer(user))


def refused(response, status=422) -> dict[str, str]:
    """The fields named in a refusal, with their messages (asserting the error shape)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert all(isinstance(field, str) and messages
               and all(isinstance(m, str) for m in messages)
               for field, messages in body["errors"].items())
    return {field: " ".join(messages) for field, messages in body["errors"].items()}


# --- Every operation ------------------------------------------------------------------------


def _operations():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, "/api" + (prefix + path), operation


def _fill(path: str, id_value: int) -> str:
    path = re.sub(r"\{id:\w+\}", str(id_value), path)
    return path.replace("{text:code}", "S12000036")


ID_OPERATIONS = sorted({(method, path) for method, path, _ in _operations() if "{id:" in path})


@pytest.mark.parametrize("who", ["scot_administrator", "scot_social_worker"])
@pytest.mark.django_db
def test_every_operation_answers_an_id_of_2_to_the_64_with_json_not_a_500(client, world, who):
    user = world.user(who)
    client.raise_request_exception = False
    assert len(ID_OPERATIONS) > 50
    failures = []
    for method, path in ID_OPERATIONS:
        body = None if method == "GET" else {}
        too_big = send(client, user, method, _fill(path, TOO_BIG), body)
        if too_big.status_code != 404 or too_big.json() != {"detail": "Not found.", "errors": {}}:
            failures.append((method, path, TOO_BIG, too_big.status_code))
        largest = send(client, user, method, _fill(path, LARGEST), body)
        if largest.status_code >= 500 or not largest["Content-Type"].startswith(
                "application/json"):
            failures.append((method, path, LARGEST, largest.status_code))
    assert failures == []


@pytest.mark.parametrize("path", ["/api/people/abc", "/api/people/-1", "/api/people/1.5",
                                  "/api/people/%00", "/api/budgets/1e3",
                                  "/api/authorities/%00/spending-rules"])
@pytest.mark.django_db
def test_a_malformed_id_is_json_not_an_html_page(client, world, path):
    response = send(client, world.user("scot_social_worker"), "GET", path)
    assert (response.status_code, response.json()) == (404, {"detail": "Not found.", "errors": {}})


# --- Every input schema, field by field -----------------------------------------------------


def _schemas_in(annotation: Any) -> set[type]:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        found = {annotation}
        for info in annotation.model_fields.values():
            found |= _schemas_in(info.annotation)
        return found
    return {s for arg in typing.get_args(annotation) for s in _schemas_in(arg)}


def _body_annotations():
    for method, path, operation in _operations():
        for model in operation.models:
            if model.__ninja_param_source__ == "body":
                for info in model.model_fields.values():
                    yield method, path, info.annotation


def test_every_body_is_read_into_an_input_schema():
    """So every bound below holds for every body the API reads (the Open Referral UK import,
    a free-form document, is checked for NUL and length by ``JsonDocument``)."""
    outside = []
    for method, path, annotation in _body_annotations():
        schemas = _schemas_in(annotation)
        if path.endswith("/providers/open-referral"):
            continue
        if not schemas or any(not issubclass(s, InSchema) for s in schemas):
            outside.append((method, path, annotation))
    assert outside == []


INPUT_SCHEMAS = sorted({s for _, _, a in _body_annotations() for s in _schemas_in(a)
                        if issubclass(s, InSchema)}, key=lambda s: f"{s.__module__}.{s.__name__}")


def _kinds(annotation: Any) -> set[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return {kind for arg in typing.get_args(annotation) for kind in _kinds(arg)}
    if origin is typing.Annotated:
        return _kinds(typing.get_args(annotation)[0])
    return {origin or annotation}


def _list_of_text(annotation: Any) -> bool:
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation) == (str,)
    return any(_list_of_text(arg) for arg in typing.get_args(annotation))


def _error_types(schema: type[InSchema], data: dict[str, Any], loc: tuple) -> set[str]:
    try:
        schema.model_validate(data)
    except pydantic.ValidationError as exc:
        return {e["type"] for e in exc.errors() if e["loc"] == loc}
    return set()


@pytest.mark.parametrize("schema", INPUT_SCHEMAS, ids=lambda s: s.__name__)
def test_every_field_of_every_input_schema_is_bounded(schema):
    checked = 0
    for name, info in schema.model_fields.items():
        kinds = _kinds(info.annotation)
        if str in kinds:
            assert _error_types(schema, {name: "a\x00b"}, (name,)) == {"null_character"}, name
            assert "string_too_long" in _error_types(
                schema, {name: "x" * (bounds.TEXT_MAX + 1)}, (name,)), name
            checked += 1
        if _list_of_text(info.annotation):
            assert _error_types(schema, {name: ["a\x00"]}, (name, 0)) == {"null_character"}
            checked += 1
        if typing.get_origin(info.annotation) is dict:
            assert _error_types(schema, {name: {"k": "a\x00"}}, (name, "k")) == {
                "null_character"}
            assert _error_types(schema, {name: {"k\x00": "a"}}, (name,)) == {"null_character"}
            checked += 1
        if int in kinds and bool not in kinds:
            assert "less_than_equal" in _error_types(schema, {name: 2**63}, (name,)), name
            checked += 1
        if datetime.datetime in kinds:
            assert "iso_datetime" in _error_types(schema, {name: 1_700_000_000}, (name,)), name
            checked += 1
        elif datetime.date in kinds:
            assert "iso_date" in _error_types(schema, {name: 1_700_000_000}, (name,)), name
            assert "iso_date" in _error_types(schema, {name: "27/03/1958"}, (name,)), name
            assert "date_out_of_range" in _error_types(schema, {name: "9999-12-31"}, (name,))
            checked += 1
        if issubclass(schema, PatchSchema) and name not in schema.nullable:
            assert _error_types(schema, {name: None}, (name,)) == {"null_refused"}, name
    assert checked or not schema.model_fields


def test_nul_is_refused_however_deep_it_is():
    from selfdirect.api.schemas import EligibilityIn

    with pytest.raises(pydantic.ValidationError) as caught:
        EligibilityIn.model_validate({"areas": [{"area": "a", "band": "b", "reason": "x\x00"}],
                                      "reasons": "r", "next_steps": "n"})
    assert [e["loc"] for e in caught.value.errors()] == [("areas", 0, "reason")]


# --- A person: the inputs the tester sent ---------------------------------------------------


@pytest.fixture
def worker(world):
    return world.user("scot_social_worker")


@pytest.fixture
def person(world, worker):
    return PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker)


def _unchanged(person):
    """What the person's record and its history hold now, to compare after a refusal."""
    return Person.objects.values().get(pk=person.pk), person.history.count()


NEW = {"given_name": "Aileen", "family_name": "Brown", "date_of_birth": "1956-04-01",
       "postcode": "EH1 1YZ"}
TEXT_FIELDS = ["given_name", "family_name", "preferred_name", "pronouns", "chi_number",
               "address_line_1", "address_line_2", "town", "postcode", "phone", "email",
               "contact_preference", "client_group", "notes"]


@pytest.mark.parametrize("field", [*TEXT_FIELDS, "date_of_birth"])
@pytest.mark.django_db
def test_null_for_a_field_that_cannot_be_empty_is_a_422_naming_it(client, worker, person,
                                                                   field):
    before = _unchanged(person)
    response = send(client, worker, "PATCH", f"/api/people/{person.pk}", {field: None})
    assert "cannot be null" in refused(response)[field]
    assert _unchanged(person) == before


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.django_db
def test_a_nul_in_any_text_is_a_422_naming_it_and_nothing_is_saved(client, worker, person,
                                                                   field):
    before = _unchanged(person)
    response = send(client, worker, "PATCH", f"/api/people/{person.pk}", {field: "Br\x00wn"})
    assert refused(response) == {field: bounds.nul_message(field.replace("_", " ")
                                                           .capitalize())}
    assert _unchanged(person) == before
    created = send(client, worker, "POST", "/api/people", {**NEW, field: "Br\x00wn"})
    assert field in refused(created)
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_a_nul_in_a_query_string_is_a_422_naming_the_parameter(client, worker):
    response = send(client, worker, "GET", "/api/people?name=Br%00own")
    assert "null character" in refused(response)["name"]
    long = send(client, worker, "GET", "/api/people?name=" + "x" * (bounds.TEXT_MAX + 1))
    assert "10,000 characters or fewer" in refused(long)["name"]


@pytest.mark.parametrize("field", ["given_name", "family_name"])
@pytest.mark.parametrize("value", ["", "   ", "\t \n"])
@pytest.mark.django_db
def test_a_name_of_only_spaces_is_refused_naming_it(client, worker, person, field, value):
    before = _unchanged(person)
    response = send(client, worker, "PATCH", f"/api/people/{person.pk}", {field: value})
    assert refused(response)[field].startswith(f"Enter {field.replace('_', ' ')}")
    assert _unchanged(person) == before
    created = send(client, worker, "POST", "/api/people", {**NEW, field: value})
    assert field in refused(created)
    assert Person.objects.count() == 1


def _years_ago(years: int) -> datetime.date:
    today = clock.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return datetime.date(today.year - years, 2, 28)


@pytest.mark.parametrize(("value", "words"), [
    (1_700_000_000, "as a date in text"),
    ("1958-03-27T00:00:00", "as a date in text"),
    ("27/03/1958", "as a date in text"),
    ("19580327", "as a date in text"),
    (True, "as a date in text"),
    ("9999-12-31", "between"),
    ("0001-01-01", "between"),
    ((clock.today() + datetime.timedelta(days=1)).isoformat(), "must be in the past"),
    (clock.today().isoformat(), "must be in the past"),
    ((_years_ago(130) - datetime.timedelta(days=1)).isoformat(), "no more than 130 years ago"),
])
@pytest.mark.django_db
def test_an_implausible_date_of_birth_is_refused_naming_it(client, worker, person, value,
                                                           words):
    before = _unchanged(person)
    response = send(client, worker, "PATCH", f"/api/people/{person.pk}",
                    {"date_of_birth": value})
    assert words in refused(response)["date_of_birth"]
    assert _unchanged(person) == before
    created = send(client, worker, "POST", "/api/people", {**NEW, "date_of_birth": value})
    assert words in refused(created)["date_of_birth"]
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_a_date_of_birth_130_years_ago_today_is_accepted(client, worker):
    created = send(client, worker, "POST", "/api/people",
                   {**NEW, "date_of_birth": _years_ago(130).isoformat()})
    assert created.status_code == 201, created.content


@pytest.mark.parametrize(("field", "limit"), [
    ("given_name", 100), ("family_name", 100), ("preferred_name", 100), ("pronouns", 50),
    ("address_line_1", 200), ("town", 100), ("phone", 30), ("notes", 5000),
])
@pytest.mark.django_db
def test_text_longer_than_the_model_holds_is_refused_naming_the_field_and_limit(
        client, worker, person, field, limit):
    before = _unchanged(person)
    response = send(client, worker, "PATCH", f"/api/people/{person.pk}", {field: "x" * (limit + 1)})
    assert refused(response)[field].endswith(f"must be {limit:,} characters or fewer")
    assert _unchanged(person) == before
    # Every mistake at once, as on the pages: the length and the model's own checks.
    created = send(client, worker, "POST", "/api/people",
                   {**NEW, field: "x" * (limit + 1), "postcode": "EH1"})
    assert {field, "postcode"} <= set(refused(created))
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_text_with_no_limit_of_its_own_is_capped_at_10000(client, worker, person):
    talk = send(client, worker, "POST", f"/api/people/{person.pk}/assessments")
    assert talk.status_code == 201, talk.content
    response = send(client, worker, "POST", f"/api/assessments/{talk.json()['id']}/outcomes",
                    {"in_own_words": "x" * (bounds.TEXT_MAX + 1)})
    assert refused(response)["in_own_words"] == "In own words must be 10,000 characters or fewer"
    assert not Assessment.objects.get().outcomes.exists()


@pytest.mark.parametrize("value", [TOO_BIG, -TOO_BIG, str(TOO_BIG)])
@pytest.mark.django_db
def test_a_whole_number_beyond_what_the_database_holds_is_refused_naming_it(
        client, worker, person, value):
    response = send(client, worker, "POST", f"/api/people/{person.pk}/assessments",
                    {"referral_id": value})
    assert "referral_id" in refused(response)
    assert not Assessment.objects.exists()


# --- Pages of a list ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_past_the_last_is_a_404_saying_which_is_the_last(client, world, worker):
    for n in range(3):
        PersonFactory(authority=world.scot, team=world.scot_team, family_name=f"Grant{n}")
    first = send(client, worker, "GET", "/api/people?name=grant&page_size=2&page=2")
    assert first.status_code == 200 and len(first.json()["items"]) == 1
    for page in (3, 2**62, 2**64, 10**100):
        response = send(client, worker, "GET", f"/api/people?name=grant&page_size=2&page={page}")
        assert response.status_code == 404, page
        assert response.json() == {"detail": f"There is no page {page}: the last page is 2",
                                   "errors": {}}
    assert "page" in refused(send(client, worker, "GET", "/api/people?name=grant&page=0"))
    empty = send(client, worker, "GET", "/api/people?name=nobody-at-all")
    assert (empty.status_code, empty.json()["items"]) == (200, [])


@pytest.mark.django_db
def test_the_provider_search_is_bounded_the_same_way(client, world):
    response = send(client, world.user("scot_social_worker"), "GET",
                    f"/api/providers?service_type=personal_care&page={2**62}")
    assert response.status_code == 404
    assert response.json()["detail"].startswith(f"There is no page {2**62}")


# --- Money ----------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["1" + "0" * 30, "1e30", "-1" + "0" * 30])
@pytest.mark.django_db
def test_an_amount_of_10_to_the_30_pounds_is_refused_naming_the_field_and_maximum(
        client, worker, person, amount):
    response = send(client, worker, "POST", f"/api/people/{person.pk}/planned-services",
                    {"service_type": "social_support", "description": "Swimming",
                     "weekly_cost": amount, "starts_on": clock.today().isoformat(),
                     "option": "2"})
    message = refused(response)["weekly_cost"]
    assert "£1,000,000,000.00" in message and message.startswith("The cost a week must be")
    assert not PlannedService.objects.exists()


# --- What cannot be read at all -------------------------------------------------------------


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
@pytest.mark.django_db
def test_a_body_larger_than_django_accepts_is_json_not_an_html_page(client, worker):
    client.raise_request_exception = False
    response = send(client, worker, "POST", "/api/people", {**NEW, "notes": "x" * 20_000})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "no more than 10,000 bytes" in response.json()["detail"]
    assert not Person.objects.exists()


@pytest.mark.parametrize("raw", ["{", "[]", "null", '"text"', "\x00", "\udcff"])
@pytest.mark.django_db
def test_a_body_that_is_not_a_json_object_is_a_4xx_in_json(client, worker, raw):
    client.raise_request_exception = False
    response = send(client, worker, "POST", "/api/people", raw=raw.encode("utf-8", "surrogatepass"))
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"].startswith("application/json")
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_an_open_referral_document_with_a_nul_is_refused_naming_where(client, world):
    response = send(client, world.user("scot_team_manager"), "POST",
                    "/api/providers/open-referral", {"organization": [{"name": "A\x00"}]})
    assert "organization.0.name" in refused(response)
