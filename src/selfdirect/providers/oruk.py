"""The directory as Open Referral UK (ORUK) JSON, out and back in.

The document has one list per ORUK table (``organization``, ``service``, ``location``,
``physical_address``, ``service_at_location``, ``contact``, ``phone``, ``language``,
``taxonomy``, ``service_taxonomy``, ``service_area``, ``cost_option``). What ORUK has no
field for (the care regulator and grades, framework lists, equality commitments, female
carers, food practices, times covered, capacity, the postcode districts served) is kept in
an ``extensions`` object on the organization and service rows, under ``selfdirect``. The
mapping is in ``docs/providers.md``.

On import the ``extensions`` are what is read for those facts; the ``language`` and
``service_area`` rows are written from them for other ORUK readers. Identifiers are the
records' UUIDs, so an export, imported into an empty database and exported again, gives
the same document. The PA register is not exported: it is personal data.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from selfdirect.authorities.models import Authority
from selfdirect.charging.catalogue import ServiceType
from selfdirect.providers.models import (
    Provider,
    ProviderAuthority,
    ProviderGrade,
    ProviderLocation,
    ProviderService,
    ServiceArea,
)

SCHEMA = "https://openreferraluk.org/"
VERSION = "3.0"
EXT = "selfdirect"
TAXONOMY_VOCABULARY = "selfdirect:service_type"
TABLES = ("organization", "service", "location", "physical_address", "service_at_location",
          "contact", "phone", "language", "taxonomy", "service_taxonomy", "service_area",
          "cost_option")


def _gss_uri(code: str) -> str:
    return f"http://statistics.data.gov.uk/id/statistical-geography/{code}"


def _providers() -> list[Provider]:
    return list(Provider.objects.order_by("name", "uuid").prefetch_related(
        Prefetch("services", queryset=ProviderService.objects.order_by("name", "uuid")),
        Prefetch("locations", queryset=ProviderLocation.objects.order_by("postcode", "uuid")),
        Prefetch("grades", queryset=ProviderGrade.objects.order_by("theme", "graded_on", "grade")),
        Prefetch("areas", queryset=ServiceArea.objects.select_related("authority")
                 .order_by("authority__code")),
        Prefetch("frameworks", queryset=ProviderAuthority.objects.select_related("authority")
                 .order_by("authority__code")),
    ))


def directory_export() -> dict[str, Any]:
    """The whole directory as an ORUK document (six queries)."""
    doc: dict[str, Any] = {"schema": SCHEMA, "version": VERSION, **{t: [] for t in TABLES}}
    authorities: dict[str, Authority] = {}
    used_types: set[str] = set()
    for p in _providers():
        org = str(p.uuid)
        for area in p.areas.all():
            authorities[area.authority.code] = area.authority
        for framework in p.frameworks.all():
            authorities[framework.authority.code] = framework.authority
        doc["organization"].append({
            "id": org, "name": p.name, "description": p.description, "email": p.email,
            "website": p.website,
            "extensions": {EXT: {
                "active": p.active, "regulator": p.regulator,
                "registration_number": p.registration_number,
                "commitments": list(p.commitments), "languages": list(p.languages),
                "grades": [{"theme": g.theme, "grade": g.grade,
                            "graded_on": g.graded_on.isoformat()} for g in p.grades.all()],
                "frameworks": [{"authority": f.authority.code, "on_framework": f.on_framework}
                               for f in p.frameworks.all()],
                "areas": [{"authority": a.authority.code, "districts": list(a.districts)}
                          for a in p.areas.all()],
            }},
        })
        if p.phone or p.email:
            doc["contact"].append({"id": f"{org}:contact", "organization_id": org,
                                   "service_id": None, "name": "Enquiries", "email": p.email})
        if p.phone:
            doc["phone"].append({"id": f"{org}:phone", "contact_id": f"{org}:contact",
                                 "organization_id": org, "number": p.phone})
        locations = list(p.locations.all())
        for loc in locations:
            lid = str(loc.uuid)
            doc["location"].append({"id": lid, "organization_id": org, "name": loc.name,
                                    "location_type": "physical"})
            doc["physical_address"].append({
                "id": f"{lid}:address", "location_id": lid, "address_1": loc.address,
                "city": loc.town, "postal_code": loc.postcode, "country": "GB"})
        for s in p.services.all():
            sid = str(s.uuid)
            doc["service"].append({
                "id": sid, "organization_id": org, "name": s.name,
                "description": s.description,
                "status": "active" if p.active and s.active else "inactive",
                "extensions": {EXT: {
                    "female_carers": s.female_carers, "male_carers": s.male_carers,
                    "food_practices": list(s.food_practices), "times": list(s.times),
                    "capacity_hours_a_week": s.capacity_hours,
                    "capacity_places": s.capacity_places, "offered": s.active}},
            })
            for loc in locations:
                doc["service_at_location"].append({"id": f"{sid}:{loc.uuid}", "service_id": sid,
                                                   "location_id": str(loc.uuid)})
            for index, language in enumerate(p.languages):
                doc["language"].append({"id": f"{sid}:language:{index}", "service_id": sid,
                                        "language": language})
            for kind in s.service_types:
                used_types.add(kind)
                doc["service_taxonomy"].append({"id": f"{sid}:{kind}", "service_id": sid,
                                                "taxonomy_id": f"{TAXONOMY_VOCABULARY}:{kind}"})
            for a in p.areas.all():
                districts = ", ".join(a.districts) or "all areas"
                doc["service_area"].append({
                    "id": f"{sid}:{a.authority.code}", "service_id": sid,
                    "service_area": f"{a.authority.name}: {districts}",
                    "uri": _gss_uri(a.authority.code)})
    doc["taxonomy"] = [{"id": f"{TAXONOMY_VOCABULARY}:{kind}", "term": ServiceType(kind).label,
                        "vocabulary": TAXONOMY_VOCABULARY}
                       for kind in ServiceType.values if kind in used_types]
    doc["extensions"] = {EXT: {"authorities": [
        {"code": a.code, "name": a.name, "country": a.country}
        for _, a in sorted(authorities.items())]}}
    return doc


class ImportProblem(ValueError):
    """The document cannot be read: says which row and what is wrong."""


def _authorities(doc: dict[str, Any]) -> dict[str, Authority]:
    known = {a.code: a for a in Authority.objects.all()}
    for row in doc.get("extensions", {}).get(EXT, {}).get("authorities", []):
        if row["code"] not in known:
            known[row["code"]] = Authority.objects.create(code=row["code"], name=row["name"],
                                                          country=row["country"])
    return known


@transaction.atomic
def directory_import(doc: dict[str, Any]) -> int:
    """Add or replace the organizations of an ORUK document (matched by id); returns how
    many. Each organization's services, locations, grades, areas and framework rows are
    replaced by the document's."""
    authorities = _authorities(doc)
    addresses = {row["location_id"]: row for row in doc.get("physical_address", [])}
    types_by_service: dict[str, list[str]] = {}
    for row in doc.get("service_taxonomy", []):
        kind = str(row["taxonomy_id"]).rsplit(":", 1)[-1]
        if kind in ServiceType.values:
            types_by_service.setdefault(row["service_id"], []).append(kind)
    phones = {row["organization_id"]: row["number"] for row in doc.get("phone", [])
              if row.get("organization_id")}
    services: dict[str, list[dict[str, Any]]] = {}
    for row in doc.get("service", []):
        services.setdefault(row["organization_id"], []).append(row)
    places: dict[str, list[dict[str, Any]]] = {}
    for row in doc.get("location", []):
        places.setdefault(row["organization_id"], []).append(row)
    count = 0
    for org in doc.get("organization", []):
        ext = org.get("extensions", {}).get(EXT, {})

        def authority(code: str, org: dict[str, Any] = org) -> Authority:
            if code not in authorities:
                raise ImportProblem(f"Organization {org['id']}: unknown authority {code}")
            return authorities[code]

        fields = {"name": org["name"], "description": org.get("description") or "",
                  "email": org.get("email") or "", "website": org.get("website") or "",
                  "phone": phones.get(org["id"], ""), "active": bool(ext.get("active", True)),
                  "regulator": ext.get("regulator", ""),
                  "registration_number": ext.get("registration_number", ""),
                  "commitments": list(ext.get("commitments", [])),
                  "languages": list(ext.get("languages", []))}
        provider, _ = Provider.objects.update_or_create(uuid=org["id"], defaults=fields)
        provider.services.all().delete()
        provider.locations.all().delete()
        provider.grades.all().delete()
        provider.areas.all().delete()
        provider.frameworks.all().delete()
        ProviderGrade.objects.bulk_create([
            ProviderGrade(provider=provider, theme=g["theme"], grade=g["grade"],
                          graded_on=datetime.date.fromisoformat(g["graded_on"]))
            for g in ext.get("grades", [])])
        ServiceArea.objects.bulk_create([
            ServiceArea(provider=provider, authority=authority(a["authority"]),
                        districts=list(a["districts"])) for a in ext.get("areas", [])])
        ProviderAuthority.objects.bulk_create([
            ProviderAuthority(provider=provider, authority=authority(f["authority"]),
                              on_framework=bool(f["on_framework"]))
            for f in ext.get("frameworks", [])])
        ProviderService.objects.bulk_create([
            ProviderService(
                uuid=s["id"], provider=provider, name=s["name"],
                description=s.get("description") or "",
                service_types=types_by_service.get(s["id"], []),
                female_carers=bool(s["extensions"][EXT]["female_carers"]),
                male_carers=bool(s["extensions"][EXT]["male_carers"]),
                food_practices=list(s["extensions"][EXT]["food_practices"]),
                times=list(s["extensions"][EXT]["times"]),
                capacity_hours=s["extensions"][EXT]["capacity_hours_a_week"],
                capacity_places=s["extensions"][EXT]["capacity_places"],
                active=bool(s["extensions"][EXT].get("offered", True)))
            for s in services.get(org["id"], [])])
        locations = []
        for loc in places.get(org["id"], []):
            address = addresses.get(loc["id"], {})
            locations.append(ProviderLocation(
                uuid=loc["id"], provider=provider, name=loc.get("name") or "",
                address=address.get("address_1", ""), town=address.get("city") or "",
                postcode=address.get("postal_code", "")))
        ProviderLocation.objects.bulk_create(locations)
        count += 1
    return count
