"""Demonstration providers and PAs for an authority: Edinburgh-like districts for a Scottish
council, Manchester-like ones for an English council. Running it again changes nothing
(each record has a fixed UUID made from the authority's code and its name)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import transaction

from selfdirect.authorities.models import Authority, Country
from selfdirect.core import clock
from selfdirect.providers.models import (
    PersonalAssistant,
    Provider,
    ProviderAuthority,
    ProviderGrade,
    ProviderLocation,
    ProviderService,
    ServiceArea,
)

NAMESPACE = uuid.UUID("6f1d3c2e-7a4b-4c59-9a1e-2b8f6d0c5e71")
PC, DH, SS, SB, DS = "personal_care", "domestic_help", "social_support", "short_break", "day_service"

# name, languages, commitments, framework, districts, town/postcode, services:
# (name, types, female, male, food, times, hours, places)
SCOTLAND: list[dict[str, Any]] = [
    {"name": "Leith Home Care Co-operative", "languages": ["Polish"], "framework": True,
     "commitments": ["living_wage", "lgbt_inclusive"], "districts": ["EH6", "EH7"],
     "address": "12 Great Junction Street", "postcode": "EH6 5LA",
     "services": [("Care at home", [PC, DH], True, True, ["vegetarian"],
                   ["early_mornings", "daytime", "evenings"], 60, None)]},
    {"name": "Noor Care Edinburgh", "languages": ["Urdu", "Punjabi", "Arabic"],
     "framework": True, "commitments": ["culturally_specific", "faith_aware"],
     "districts": ["EH6", "EH7", "EH8"], "address": "3 Easter Road", "postcode": "EH7 5PL",
     "services": [("Personal care at home", [PC], True, False, ["halal", "south_asian"],
                   ["early_mornings", "daytime", "weekends"], 40, None)]},
    {"name": "Sahara Community Support", "languages": ["Urdu", "Bengali"], "framework": False,
     "commitments": ["culturally_specific"], "districts": ["EH6", "EH11"],
     "address": "40 Dalry Road", "postcode": "EH11 2BA",
     "services": [("Home support", [PC, SS], True, True, ["halal"],
                   ["daytime", "evenings"], 25, None)]},
    {"name": "Forth Night Support", "languages": [], "framework": True,
     "commitments": ["dementia_friendly"], "districts": [],
     "address": "9 Ferry Road", "postcode": "EH5 2AA",
     "services": [("Sleepover and waking nights", [PC], True, True, [],
                   ["nights", "weekends"], 80, None)]},
    {"name": "Deaf Action Support Services", "languages": ["BSL"], "framework": True,
     "commitments": ["deaf_aware"], "districts": [],
     "address": "49 Albany Street", "postcode": "EH1 3QY",
     "services": [("Support for Deaf people", [SS, PC], True, True, [],
                   ["daytime", "evenings"], 30, None)]},
    {"name": "Pentland Respite House", "languages": [], "framework": True, "commitments": [],
     "districts": ["EH10", "EH13"], "address": "2 Biggar Road", "postcode": "EH10 7BJ",
     "services": [("Short breaks", [SB], True, True, ["vegetarian", "halal"],
                   ["nights", "weekends"], None, 4)]},
    {"name": "Polska Opieka Lothian", "languages": ["Polish", "Russian"], "framework": False,
     "commitments": ["culturally_specific"], "districts": ["EH6", "EH7", "EH12"],
     "address": "101 Leith Walk", "postcode": "EH6 8NP",
     "services": [("Opieka domowa: care at home", [PC, DH], True, True, [],
                   ["early_mornings", "evenings", "weekends"], 35, None)]},
    {"name": "Rainbow Companions", "languages": [], "framework": False,
     "commitments": ["lgbt_inclusive"], "districts": ["EH1", "EH3"],
     "address": "5 Broughton Street", "postcode": "EH1 3JU",
     "services": [("Community support", [SS], True, True, ["vegan", "vegetarian"],
                   ["daytime", "evenings"], 20, None)]},
]
ENGLAND: list[dict[str, Any]] = [
    {"name": "Rusholme Family Care", "languages": ["Urdu", "Punjabi", "Pashto"],
     "framework": True, "commitments": ["culturally_specific", "faith_aware"],
     "districts": ["M14", "M13"], "address": "150 Wilmslow Road", "postcode": "M14 5LH",
     "services": [("Home care", [PC, DH], True, True, ["halal", "south_asian"],
                   ["early_mornings", "daytime", "evenings"], 50, None)]},
    {"name": "Cheetham Hill Kosher Care", "languages": ["Yiddish", "Hebrew"],
     "framework": True, "commitments": ["faith_aware"], "districts": ["M8"],
     "address": "20 Bury Old Road", "postcode": "M8 5EL",
     "services": [("Care at home", [PC], True, True, ["kosher"],
                   ["daytime", "evenings"], 30, None)]},
    {"name": "Manchester Night Owls", "languages": [], "framework": True, "commitments": [],
     "districts": [], "address": "1 Piccadilly", "postcode": "M1 1RG",
     "services": [("Night care", [PC], True, True, [], ["nights"], 100, None)]},
    {"name": "Moss Side Caribbean Day Centre", "languages": [], "framework": False,
     "commitments": ["culturally_specific"], "districts": ["M16", "M15"],
     "address": "8 Claremont Road", "postcode": "M16 7JB",
     "services": [("Day centre", [DS, SS], True, True, ["afro_caribbean"], ["daytime"], None,
                   12)]},
    {"name": "Signs of Support Manchester", "languages": ["BSL"], "framework": True,
     "commitments": ["deaf_aware", "lgbt_inclusive"], "districts": [],
     "address": "Grosvenor Street", "postcode": "M1 7HL",
     "services": [("Deaf-led support", [SS, PC], True, True, [],
                   ["daytime", "evenings", "weekends"], 25, None)]},
    {"name": "Polish Community Care North West", "languages": ["Polish"], "framework": False,
     "commitments": ["culturally_specific"], "districts": ["M9", "M40"],
     "address": "22 Rochdale Road", "postcode": "M9 8AA",
     "services": [("Care at home", [PC, DH], True, True, [],
                   ["early_mornings", "weekends"], 30, None)]},
    {"name": "Levenshulme Sisters Care", "languages": ["Urdu", "Somali", "Arabic"],
     "framework": False, "commitments": ["culturally_specific", "faith_aware"],
     "districts": ["M19", "M14"], "address": "900 Stockport Road", "postcode": "M19 3BP",
     "services": [("Women's personal care", [PC], True, False, ["halal"],
                   ["early_mornings", "daytime"], 20, None)]},
]
PAS: dict[str, list[dict[str, Any]]] = {
    Country.SCOTLAND: [
        {"name": "Aisha Rahman", "gender": "woman", "languages": ["Urdu", "Punjabi"],
         "districts": ["EH6", "EH7"], "skills": ["personal care", "halal cooking"],
         "times": ["early_mornings", "daytime"], "pvg_status": "member", "pvg_years_ago": 2},
        {"name": "Kasia Nowak", "gender": "woman", "languages": ["Polish"],
         "districts": ["EH6", "EH12"], "skills": ["personal care", "moving and handling"],
         "times": ["evenings", "weekends"], "pvg_status": "member", "pvg_years_ago": 4},
        {"name": "Callum Fraser", "gender": "man", "languages": ["BSL"],
         "districts": ["EH1", "EH3"], "skills": ["community support", "driving"],
         "times": ["daytime", "nights"], "pvg_status": "applied", "pvg_years_ago": None},
    ],
    Country.ENGLAND: [
        {"name": "Fatima Begum", "gender": "woman", "languages": ["Urdu", "Bengali"],
         "districts": ["M14", "M19"], "skills": ["personal care", "halal cooking"],
         "times": ["early_mornings", "daytime"], "pvg_status": "not_member",
         "pvg_years_ago": None},
        {"name": "Tomasz Wiśniewski", "gender": "man", "languages": ["Polish"],
         "districts": ["M9", "M40"], "skills": ["moving and handling", "nights"],
         "times": ["nights", "weekends"], "pvg_status": "not_member", "pvg_years_ago": None},
    ],
}


def _uuid(authority: Authority, *parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join((authority.code, *parts)))


@transaction.atomic
def load_demo_providers(authority: Authority) -> int:
    """Create (or leave as they are) the demonstration providers and PAs for
    ``authority``; returns how many providers it has from this loader."""
    rows = SCOTLAND if authority.country == Country.SCOTLAND else ENGLAND
    regulator = "care_inspectorate" if authority.country == Country.SCOTLAND else "cqc"
    today = clock.today()
    town = authority.name.replace("City of ", "").replace(" City Council", "").replace(
        " Council", "")
    for index, row in enumerate(rows):
        key = _uuid(authority, "provider", row["name"])
        if Provider.objects.filter(uuid=key).exists():
            continue
        provider = Provider.objects.create(
            uuid=key, name=row["name"], regulator=regulator,
            description=f"{row['name']} provides support in {town}.",
            registration_number=f"{'CS' if regulator == 'care_inspectorate' else '1-'}"
                                f"{2000000 + index * 7919}",
            phone=f"0161 496 {index:04d}" if regulator == "cqc" else f"0131 496 {index:04d}",
            email=f"enquiries{index}@example.org.uk", website="https://www.example.org.uk/",
            commitments=row["commitments"], languages=row["languages"])
        ProviderLocation.objects.create(uuid=_uuid(authority, "location", row["name"]),
                                        provider=provider, address=row["address"], town=town,
                                        postcode=row["postcode"])
        ServiceArea.objects.create(provider=provider, authority=authority,
                                   districts=row["districts"])
        ProviderAuthority.objects.create(provider=provider, authority=authority,
                                         on_framework=row["framework"])
        themes = (["How well do we support people's wellbeing?", "How good is our staff team?"]
                  if regulator == "care_inspectorate" else ["Safe", "Caring", "Well-led"])
        for theme in themes:
            grade = (f"{4 + index % 2} - {'Good' if index % 2 == 0 else 'Very good'}"
                     if regulator == "care_inspectorate" else ("Good" if index % 3 else "Outstanding"))
            ProviderGrade.objects.create(provider=provider, theme=theme, grade=grade,
                                         graded_on=today - datetime.timedelta(days=200 + index))
        for name, types, female, male, food, times, hours, places in row["services"]:
            ProviderService.objects.create(
                uuid=_uuid(authority, "service", row["name"], name), provider=provider,
                name=name, service_types=types, female_carers=female, male_carers=male,
                food_practices=food, times=times, capacity_hours=hours, capacity_places=places)
    for pa_row in PAS[authority.country]:
        data = dict(pa_row)
        years = data.pop("pvg_years_ago")
        if PersonalAssistant.objects.filter(name=data["name"],
                                            authorities=authority).exists():
            continue
        pa = PersonalAssistant.objects.create(
            **data, phone="07700 900" + str(100 + len(data["name"])),
            email=f"{data['name'].split()[0].lower()}@example.com",
            pvg_date=(today - datetime.timedelta(days=365 * years) if years else None),
            consent_given_on=today - datetime.timedelta(days=30))
        pa.authorities.add(authority)
    return Provider.objects.filter(areas__authority=authority,
                                   uuid__in=[_uuid(authority, "provider", r["name"])
                                             for r in rows]).count()
