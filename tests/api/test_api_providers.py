"""The provider directory through the API: the search with its reasons and gaps, a
provider's details, the PA register (contact details only for the PA's own authorities),
the Open Referral UK document out and back in, and adding and changing providers."""

from __future__ import annotations

import json

import pytest

from selfdirect.accounts.services import api_token_create
from selfdirect.providers import oruk
from selfdirect.providers.models import Provider, ProviderGrade, ProviderLocation
from tests.providers.factories import (
    PersonalAssistantFactory,
    ServiceAreaFactory,
    provider_in,
)

pytestmark = pytest.mark.django_db


def call(client, user, method, url, body=None):
    _, raw = api_token_create(user=user, name="test", scope="read_write")
    response = client.generic(method, url, json.dumps(body) if body is not None else "",
                              content_type="application/json",
                              HTTP_AUTHORIZATION=f"Bearer {raw}")
    return response.status_code, (response.json() if response.content else None)


def fields(errors):
    return {field: " ".join(messages) for field, messages in errors["errors"].items()}


def test_the_search_gives_each_match_with_its_reasons_and_gaps(client, world):
    halal = provider_in(world.scot, districts=["EH6"], languages=["Urdu"],
                        service_types=["personal_care"], female_carers=True,
                        food_practices=["halal"])
    other = provider_in(world.scot, framework=False, districts=["EH1"],
                        service_types=["personal_care"])
    provider_in(world.eng, service_types=["personal_care"])  # another council: not listed
    provider_in(world.scot, service_types=["meals"])  # another type of service: not listed
    status, found = call(client, world.user("scot_social_worker"), "GET",
                         "/api/providers?service_type=personal_care&authority=S12000036"
                         "&district=eh6&carer_gender=women&language=Urdu&food=halal")
    assert status == 200
    assert found["count"] == 2
    first, second = found["items"]
    assert first["provider_id"] == halal.pk
    assert first["gaps"] == []
    assert {"covers EH6", "speaks Urdu", "has female carers", "cooks halal food",
            "on the framework list"} <= set(first["reasons"])
    assert second["provider_id"] == other.pk and second["on_framework"] is False
    assert "does not list EH6 among the districts it covers" in second["gaps"]
    assert any("not on the council's framework list" in gap for gap in second["gaps"])


def test_the_search_is_paged_like_the_page(client, world):
    for _ in range(3):
        provider_in(world.scot, service_types=["meals"])
    status, found = call(client, world.user("scot_finance_officer"), "GET",
                         "/api/providers?service_type=meals&page=2&page_size=2")
    assert status == 200
    assert (found["count"], found["page"], len(found["items"])) == (3, 2, 1)
    status, _ = call(client, world.user("scot_finance_officer"), "GET",
                     "/api/providers?page_size=51")
    assert status == 422  # no more than the page shows at once


@pytest.mark.parametrize(("query", "field", "words"), [
    ("service_type=flying", "service_type", "Select"),
    ("authority=X999", "authority", "code of a council"),
    ("district=LEITH", "district", "first part of a postcode"),
    ("hours=200", "hours", "168 or fewer"),
    ("hours=lots", "hours", "whole number"),
    ("food=pizza", "food", "Select"),
])
def test_a_search_that_cannot_be_read_names_the_field(client, world, query, field, words):
    status, errors = call(client, world.user("scot_social_worker"), "GET",
                          f"/api/providers?{query}")
    assert status == 422
    assert words in fields(errors)[field]


def test_a_provider_in_full(client, world):
    provider = provider_in(world.scot, districts=["EH6", "EH7"], languages=["Polish"],
                           service_types=["day_service"], capacity_places=4)
    provider.commitments = ["lgbt_inclusive"]
    provider.save()
    ProviderLocation.objects.create(provider=provider, address="1 Leith Walk", town="Edinburgh",
                                    postcode="EH6 5AB")
    ProviderGrade.objects.create(provider=provider, theme="Wellbeing", grade="5 - Very good",
                                 graded_on="2026-03-01")
    status, got = call(client, world.user("eng_social_worker"), "GET",
                       f"/api/providers/{provider.pk}")
    assert status == 200
    assert got["commitments"] == [{"code": "lgbt_inclusive", "label": "LGBT inclusive"}]
    assert got["languages"] == ["Polish"]
    assert got["services"][0]["service_types"] == ["day_service"]
    assert got["services"][0]["capacity_places"] == 4
    assert got["locations"] == [{"name": "", "address": "1 Leith Walk", "town": "Edinburgh",
                                 "postcode": "EH6 5AB"}]
    assert got["areas"] == [{"authority_code": "S12000036",
                             "authority": "City of Edinburgh Council",
                             "districts": ["EH6", "EH7"]}]
    assert got["grades"] == [{"theme": "Wellbeing", "grade": "5 - Very good",
                              "graded_on": "2026-03-01"}]
    assert got["frameworks"][0]["on_framework"] is True
    assert call(client, world.user("scot_social_worker"), "GET",
                "/api/providers/999999")[0] == 404


def test_pa_contact_details_only_for_staff_of_the_pas_authorities(client, world, cast):
    users, _person = cast
    PersonalAssistantFactory(name="Aileen", covers=[world.scot], districts=["EH6"],
                             languages=["Gaelic"])
    PersonalAssistantFactory(name="Withdrawn", covers=[world.scot],
                             consent_withdrawn_on="2020-01-01")
    status, seen = call(client, users["scot_social_worker"], "GET",
                        "/api/providers/personal-assistants?language=gaelic")
    assert status == 200
    assert [(p["name"], p["contact_shown"], p["phone"]) for p in seen] == [
        ("Aileen", True, "07700 900123")]
    for outsider in ("eng_social_worker", "the_person"):
        status, seen = call(client, users[outsider], "GET", "/api/providers/personal-assistants")
        assert [(p["name"], p["contact_shown"], p["phone"], p["email"]) for p in seen] == [
            ("Aileen", False, None, None)]
    status, errors = call(client, users["the_person"], "GET",
                          "/api/providers/personal-assistants?gender=robot")
    assert status == 422 and "gender" in fields(errors)


def test_the_open_referral_document_goes_out_and_back_in(client, world):
    provider = provider_in(world.scot, districts=["EH6"], service_types=["meals"])
    status, document = call(client, world.user("scot_social_worker"), "GET",
                            "/api/providers/open-referral")
    assert status == 200
    assert document == json.loads(json.dumps(oruk.directory_export()))
    assert [o["name"] for o in document["organization"]] == [provider.name]
    document["organization"][0]["name"] = "Renamed by the import"
    admin = world.user("scot_administrator")
    status, done = call(client, admin, "POST", "/api/providers/open-referral", document)
    assert (status, done) == (200, {"imported": 1})
    provider.refresh_from_db()
    assert provider.name == "Renamed by the import"
    assert call(client, world.user("scot_social_worker"), "POST",
                "/api/providers/open-referral", document)[0] == 403


def test_an_import_changes_only_the_authorities_the_manager_manages(client, world):
    provider = provider_in(world.scot, service_types=["meals"])
    document = oruk.directory_export()
    status, refused = call(client, world.user("eng_administrator"), "POST",
                           "/api/providers/open-referral", document)
    assert status == 403 and "S12000036" in refused["detail"]
    # A provider that also works in Manchester: its Manchester rows would be replaced too.
    ServiceAreaFactory(provider=provider, authority=world.eng)
    document["organization"][0]["name"] = "Renamed"
    document["organization"][0]["extensions"]["selfdirect"]["areas"] = [
        {"authority": "S12000036", "districts": []}]
    document["extensions"]["selfdirect"]["authorities"] = [
        a for a in document["extensions"]["selfdirect"]["authorities"]
        if a["code"] == "S12000036"]
    status, refused = call(client, world.user("scot_administrator"), "POST",
                           "/api/providers/open-referral", document)
    assert status == 403 and "E08000003" in refused["detail"]
    provider.refresh_from_db()
    assert provider.name != "Renamed" and provider.areas.count() == 2


def test_an_import_that_cannot_be_read_says_so(client, world):
    admin = world.user("scot_administrator")
    status, errors = call(client, admin, "POST", "/api/providers/open-referral",
                          {"organization": [{"id": "not-a-uuid"}]})
    assert status == 422 and "document" in fields(errors)
    assert not Provider.objects.exists()


def test_a_commissioner_adds_and_changes_a_provider(client, world):
    commissioner = world.user("scot_commissioner")
    status, made = call(client, commissioner, "POST", "/api/providers", {
        "name": "Leith Lunch Club", "languages": ["Polish", " polish "],
        "services": [{"name": "Lunch", "service_types": ["meals"], "capacity_places": 6}],
        "districts": ["eh6"]})
    assert status == 201
    assert made["languages"] == ["Polish"]
    assert made["areas"] == [{"authority_code": "S12000036",
                              "authority": "City of Edinburgh Council", "districts": ["EH6"]}]
    status, changed = call(client, commissioner, "PATCH", f"/api/providers/{made['id']}",
                           {"phone": "0131 496 0001"})
    assert (status, changed["phone"], changed["name"]) == (200, "0131 496 0001",
                                                           "Leith Lunch Club")


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "X", "services": [{"name": "S", "service_types": ["flying"]}]}, "service_types"),
    ({"name": "X", "commitments": ["kind"]}, "commitments"),
    ({"name": "X", "districts": ["Leith"]}, "districts"),
    ({"name": "X", "authority_code": "E08000003"}, "authority_code"),
    ({"name": "X", "email": "not an email"}, "email"),
])
def test_a_provider_that_cannot_be_added_names_the_field_and_nothing_is_kept(
        client, world, body, field):
    status, errors = call(client, world.user("scot_commissioner"), "POST", "/api/providers",
                          body)
    assert status == 422 and field in fields(errors)
    assert not Provider.objects.exists()
