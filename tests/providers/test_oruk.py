"""The directory as Open Referral UK JSON: export, import into an empty database, export
again gives the same document and the same data."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from selfdirect.authorities.models import Authority
from selfdirect.providers.demo import load_demo_providers
from selfdirect.providers.models import (
    PersonalAssistant,
    Provider,
    ProviderAuthority,
    ProviderGrade,
    ProviderLocation,
    ProviderService,
    ServiceArea,
)
from selfdirect.providers.oruk import TABLES, directory_export, directory_import

pytestmark = pytest.mark.django_db

MODELS = (ProviderService, ProviderLocation, ProviderGrade, ServiceArea, ProviderAuthority,
          Provider)


def _data() -> dict[str, list[tuple]]:
    """Every provider fact, keyed by what survives a round trip (UUIDs and codes, not pks)."""
    return {
        "providers": sorted(Provider.objects.values_list(
            "uuid", "name", "description", "website", "phone", "email", "regulator",
            "registration_number", "commitments", "languages", "active")),
        "services": sorted(ProviderService.objects.values_list(
            "uuid", "provider__uuid", "name", "description", "service_types", "female_carers",
            "male_carers", "food_practices", "times", "capacity_hours", "capacity_places",
            "active")),
        "locations": sorted(ProviderLocation.objects.values_list(
            "uuid", "provider__uuid", "name", "address", "town", "postcode")),
        "grades": sorted(ProviderGrade.objects.values_list(
            "provider__uuid", "theme", "grade", "graded_on")),
        "areas": sorted(ServiceArea.objects.values_list(
            "provider__uuid", "authority__code", "districts")),
        "frameworks": sorted(ProviderAuthority.objects.values_list(
            "provider__uuid", "authority__code", "on_framework")),
    }


def test_export_import_export_gives_the_same_document_and_data(world, tmp_path):
    load_demo_providers(world.scot)
    load_demo_providers(world.eng)
    # One service withdrawn survives the round trip as withdrawn.
    ProviderService.objects.filter(pk=ProviderService.objects.order_by("pk")[0].pk).update(
        active=False)
    before = _data()
    assert sum(1 for row in before["services"] if not row[-1]) == 1
    path = tmp_path / "providers.json"
    call_command("providers_export", str(path))
    first = path.read_text(encoding="utf-8")
    doc = json.loads(first)
    assert set(TABLES) <= set(doc)
    assert len(doc["organization"]) == 15
    urdu = [row for row in doc["language"] if row["language"] == "Urdu"]
    assert urdu, "languages are published as ORUK language rows"
    assert {t["id"].rsplit(":", 1)[-1] for t in doc["taxonomy"]} >= {"personal_care",
                                                                      "short_break"}

    for model in MODELS:
        model.objects.all().delete()
    # Manchester is not in the target database: the import adds it from the document.
    Authority.objects.filter(pk=world.eng.pk).update(code="E00000000", name="Elsewhere")
    assert Provider.objects.count() == 0

    call_command("providers_import", str(path))
    assert _data() == before
    again = tmp_path / "again.json"
    call_command("providers_export", str(again))
    assert again.read_text(encoding="utf-8") == first


def test_the_pa_register_is_not_exported(world):
    load_demo_providers(world.scot)
    assert PersonalAssistant.objects.exists()
    text = json.dumps(directory_export())
    assert "Aisha Rahman" not in text


def test_importing_twice_replaces_rather_than_doubles(world):
    load_demo_providers(world.scot)
    doc = directory_export()
    directory_import(doc)
    directory_import(doc)
    assert Provider.objects.count() == 8
    assert directory_export() == doc


def test_a_dry_run_changes_nothing(world, tmp_path):
    load_demo_providers(world.scot)
    path = tmp_path / "providers.json"
    call_command("providers_export", str(path))
    for model in MODELS:
        model.objects.all().delete()
    call_command("providers_import", str(path), "--dry-run")
    assert Provider.objects.count() == 0


def test_a_file_that_is_not_json_is_refused_with_its_name(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(CommandError, match="bad.json"):
        call_command("providers_import", str(path))


def test_the_demo_loader_is_idempotent(world):
    assert load_demo_providers(world.scot) == 8
    assert load_demo_providers(world.scot) == 8
    assert Provider.objects.count() == 8
    assert PersonalAssistant.objects.count() == 3
