"""Reads of the directory, each a fixed number of queries whatever the number of providers.

``provider_search`` answers "who could support this person": the providers that offer the
type of service in the person's authority, each with why it matches ("covers EH6", "has
female carers", "speaks Urdu") and what does not match. Being off the council's framework
list is said, never hidden: such a provider can still be chosen under Option 2 with a
recorded decision.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet

from selfdirect.authorities.models import Authority
from selfdirect.charging.catalogue import ServiceType
from selfdirect.core.exceptions import NotFound
from selfdirect.providers.models import (
    CoverTime,
    FoodPractice,
    PersonalAssistant,
    Provider,
    ProviderAuthority,
    ProviderGrade,
    ProviderLocation,
    ProviderService,
    ServiceArea,
)

OFF_FRAMEWORK = ("not on the council's framework list: can still be chosen under Option 2 "
                 "with a recorded decision")

# Words in what the person said about food and routines, and what they ask of a provider.
FOOD_WORDS: dict[str, str] = {
    "halal": FoodPractice.HALAL, "kosher": FoodPractice.KOSHER,
    "vegetarian": FoodPractice.VEGETARIAN, "vegan": FoodPractice.VEGAN,
    "caribbean": FoodPractice.AFRO_CARIBBEAN, "african": FoodPractice.AFRO_CARIBBEAN,
}
TIME_WORDS: dict[str, str] = {
    "morning": CoverTime.EARLY_MORNINGS, "early": CoverTime.EARLY_MORNINGS,
    "evening": CoverTime.EVENINGS, "night": CoverTime.NIGHTS, "weekend": CoverTime.WEEKENDS,
}


def postcode_district(postcode: str) -> str:
    """The outward code of a postcode: "EH6 5AB" -> "EH6"."""
    compact = "".join(postcode.split()).upper()
    if len(compact) >= 5:
        return compact[:-3]
    return compact


def _found(text: str, words: dict[str, str]) -> tuple[str, ...]:
    lowered = text.casefold()
    found: list[str] = []
    for word, value in words.items():
        if word in lowered and value not in found:
            found.append(value)
    return tuple(found)


@dataclass(frozen=True)
class Needs:
    """What a person's plan needs and what they prefer, as the search reads them."""

    authority: Authority | None = None
    district: str = ""
    service_type: str = ""
    hours: int | None = None
    carer_gender: str = ""  # people.models.CarerGender: "women", "men" or ""
    languages: tuple[str, ...] = ()
    food: tuple[str, ...] = ()  # FoodPractice values
    times: tuple[str, ...] = ()  # CoverTime values


def needs_from_person(person: Any, *, service_type: str = "",
                      hours: int | None = None) -> Needs:
    """The search a person's record suggests: their postcode district and authority, and
    their preferences (carer's gender and language, food, routines) and communication
    needs (BSL, a preferred language). Reads only what ``person_get`` loaded."""
    from selfdirect.people.models import NeedKind

    try:
        prefs = person.preferences
    except ObjectDoesNotExist:  # no preferences recorded
        prefs = None
    languages: list[str] = []
    if prefs is not None and prefs.carer_language.strip():
        languages.append(prefs.carer_language.strip())
    for need in person.communication_needs.all():
        if need.kind == NeedKind.BSL_INTERPRETER:
            languages.append("BSL")
        elif need.kind in (NeedKind.PREFERRED_LANGUAGE, NeedKind.OTHER_INTERPRETER) and need.detail:
            languages.append(need.detail.strip())
    # Each language once, in order, the first spelling kept ("Urdu" and "urdu" are one).
    first: dict[str, str] = {}
    for lang in languages:
        first.setdefault(lang.casefold(), lang)
    unique = list(first.values())
    return Needs(
        authority=person.authority, district=postcode_district(person.postcode or ""),
        service_type=service_type, hours=hours,
        carer_gender=prefs.carer_gender if prefs is not None else "",
        languages=tuple(unique),
        food=_found(f"{prefs.food} {prefs.faith}", FOOD_WORDS) if prefs is not None else (),
        times=_found(prefs.routines, TIME_WORDS) if prefs is not None else ())


@dataclass
class Match:
    """One provider in the results: the service that fits best, why, and what does not."""

    provider: Provider
    service: ProviderService | None
    reasons: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    on_framework: bool = False
    unmet: int = 0

    @property
    def sort_key(self) -> tuple[int, int, int, str, int]:
        return (self.unmet, -len(self.reasons), 0 if self.on_framework else 1,
                self.provider.name.casefold(), self.provider.pk)


def _area_reasons(needs: Needs, area: ServiceArea | None) -> tuple[list[str], list[str]]:
    if needs.authority is None:
        return [], []
    if area is None:  # filtered out before; kept for completeness
        return [], [f"does not work in {needs.authority.name}"]
    if not area.districts:
        where = needs.district or needs.authority.name
        return [f"covers {where}"], []
    if needs.district and needs.district in area.districts:
        return [f"covers {needs.district}"], []
    if needs.district:
        return [], [f"does not list {needs.district} among the districts it covers"]
    return [f"covers parts of {needs.authority.name}"], []


def _service_match(needs: Needs, service: ProviderService) -> tuple[list[str], list[str]]:
    reasons: list[str] = []
    gaps: list[str] = []
    if needs.service_type:
        reasons.append(f"offers {ServiceType(needs.service_type).label.lower()}")
    if needs.carer_gender == "women":
        (reasons if service.female_carers else gaps).append(
            "has female carers" if service.female_carers else "has not said it has female carers")
    elif needs.carer_gender == "men":
        (reasons if service.male_carers else gaps).append(
            "has male carers" if service.male_carers else "has not said it has male carers")
    for practice in needs.food:
        label = FoodPractice(practice).label.lower()
        if practice in service.food_practices:
            reasons.append(f"cooks {label} food")
        else:
            gaps.append(f"has not said it can cook {label} food")
    for time in needs.times:
        label = CoverTime(time).label.lower()
        if time in service.times:
            reasons.append(f"covers {label}")
        else:
            gaps.append(f"has not said it covers {label}")
    if needs.hours:
        if service.capacity_hours is None:
            gaps.append("has not said how many hours a week it can take on")
        elif service.capacity_hours >= needs.hours:
            reasons.append(f"can take {needs.hours} hours a week")
        else:
            gaps.append(f"can take only {service.capacity_hours} hours a week "
                        f"({needs.hours} needed)")
    elif service.capacity_places:
        reasons.append(f"has {service.capacity_places} places free")
    return reasons, gaps


def _match(needs: Needs, provider: Provider) -> Match | None:
    services = [s for s in provider.services.all() if s.active
                and (not needs.service_type or needs.service_type in s.service_types)]
    if not services:
        return None
    area = next(iter(provider.areas.all()), None) if needs.authority is not None else None
    area_reasons, area_gaps = _area_reasons(needs, area)
    spoken = {lang.casefold(): lang for lang in provider.languages}
    lang_reasons = [f"speaks {spoken[lang.casefold()]}" for lang in needs.languages
                    if lang.casefold() in spoken or lang.casefold() == "english"]
    lang_gaps = [f"has not said it speaks {lang}" for lang in needs.languages
                 if lang.casefold() not in spoken and lang.casefold() != "english"]
    best: Match | None = None
    for service in services:
        s_reasons, s_gaps = _service_match(needs, service)
        reasons = area_reasons + s_reasons[:1] + lang_reasons + s_reasons[1:]
        gaps = area_gaps + lang_gaps + s_gaps
        candidate = Match(provider=provider, service=service, reasons=reasons, gaps=gaps,
                          unmet=len(gaps))
        if best is None or candidate.sort_key < best.sort_key:
            best = candidate
    assert best is not None
    if needs.authority is not None:
        best.on_framework = any(f.on_framework for f in provider.frameworks.all())
        if best.on_framework:
            best.reasons.append("on the framework list")
        else:
            best.gaps.append(OFF_FRAMEWORK)
    return best


def provider_search(*, needs: Needs) -> list[Match]:
    """Active providers offering ``needs.service_type`` in ``needs.authority``, best match
    first (fewest needs unmet, then most met, then on the framework list). Four queries
    however many providers there are: the providers, their services, their area in the
    authority and their place on its framework list."""
    providers: QuerySet[Provider] = Provider.objects.filter(active=True)
    if needs.authority is not None:
        providers = providers.filter(
            pk__in=ServiceArea.objects.filter(authority=needs.authority).values("provider_id"))
        prefetches: list[Any] = [
            Prefetch("areas", queryset=ServiceArea.objects.filter(authority=needs.authority)),
            Prefetch("frameworks", queryset=ProviderAuthority.objects.filter(
                authority=needs.authority)),
        ]
    else:
        prefetches = []
    providers = providers.prefetch_related(
        Prefetch("services", queryset=ProviderService.objects.order_by("name", "pk")),
        *prefetches)
    matches = [m for m in (_match(needs, p) for p in providers) if m is not None]
    matches.sort(key=lambda m: m.sort_key)
    return matches


def provider_get(*, provider_id: int) -> Provider:
    """One provider with everything its page shows (six queries)."""
    provider = (Provider.objects.prefetch_related(
        Prefetch("grades", queryset=ProviderGrade.objects.order_by("theme", "pk")),
        Prefetch("services", queryset=ProviderService.objects.order_by("name", "pk")),
        Prefetch("locations", queryset=ProviderLocation.objects.order_by("postcode", "pk")),
        Prefetch("areas", queryset=ServiceArea.objects.select_related("authority")),
        Prefetch("frameworks", queryset=ProviderAuthority.objects.select_related("authority")),
    ).filter(pk=provider_id).first())
    if provider is None:
        raise NotFound("No provider found.")
    return provider


def personal_assistants_listed(*, district: str = "", language: str = "", gender: str = "",
                               authority: Authority | None = None,
                               day: datetime.date | None = None) -> list[PersonalAssistant]:
    """PAs who consented to be listed, with the authorities they cover (two queries);
    filtered by district, language and gender in Python, as the lists are JSON."""
    pas = PersonalAssistant.objects.listed(day).prefetch_related("authorities")
    if authority is not None:
        pas = pas.filter(authorities=authority)
    result = []
    district = district.upper().replace(" ", "")
    for pa in pas:
        if district and pa.districts and district not in pa.districts:
            continue
        if language and language.casefold() not in {lang.casefold() for lang in pa.languages}:
            continue
        if gender and pa.gender != gender:
            continue
        result.append(pa)
    return result
