"""Changes to the provider directory and the PA register. Each checks the permission,
validates, saves in one transaction and records who did it and why in the history."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from selfdirect.authorities.models import Authority
from selfdirect.charging.catalogue import ServiceType
from selfdirect.core import clock
from selfdirect.core.services import delete_with_history, require_perm, save_with_history
from selfdirect.providers.models import (
    Commitment,
    CoverTime,
    FoodPractice,
    PersonalAssistant,
    Provider,
    ProviderAuthority,
    ProviderGrade,
    ProviderLocation,
    ProviderMember,
    ProviderService,
    ServiceArea,
)

MANAGE = "providers.manage_directory"
DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")

PROVIDER_FIELDS = ("name", "description", "website", "phone", "email", "regulator",
                   "registration_number", "commitments", "languages", "active")
SERVICE_FIELDS = ("name", "description", "service_types", "female_carers", "male_carers",
                  "food_practices", "times", "capacity_hours", "capacity_places", "active")


def clean_words(values: list[str]) -> list[str]:
    """A list of words as typed: trimmed, no blanks, no repeats (first spelling kept)."""
    seen: set[str] = set()
    result = []
    for value in values:
        word = " ".join(str(value).split())
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            result.append(word)
    return result


def clean_districts(values: list[str]) -> list[str]:
    """Postcode districts in capitals, each checked ("EH6", "M14")."""
    districts = clean_words([v.upper().replace(" ", "") for v in values])
    wrong = [d for d in districts if not DISTRICT.match(d)]
    if wrong:
        raise ValidationError({"districts": (
            f"Enter postcode districts like EH6 or M14, separated by commas: "
            f"{', '.join(wrong)} is not one")})
    return districts


def _check_choices(field: str, values: list[str], allowed: list[str], what: str) -> None:
    wrong = [v for v in values if v not in allowed]
    if wrong:
        raise ValidationError({field: f"Choose {what} only among those listed"})


def _validate_provider(provider: Provider) -> None:
    provider.languages = clean_words(list(provider.languages or []))
    _check_choices("commitments", list(provider.commitments or []), list(Commitment.values),
                   "equality commitments")


def _validate_service(service: ProviderService) -> None:
    if not service.service_types:
        raise ValidationError({"service_types": "Select at least one type of service"})
    _check_choices("service_types", list(service.service_types), list(ServiceType.values),
                   "types of service")
    _check_choices("food_practices", list(service.food_practices or []),
                   list(FoodPractice.values), "food and cooking practices")
    _check_choices("times", list(service.times or []), list(CoverTime.values), "times")


@transaction.atomic
def provider_create(*, actor: Any, services: list[dict[str, Any]] | None = None,
                    **fields: Any) -> Provider:
    require_perm(actor, MANAGE)
    provider = Provider(**{k: v for k, v in fields.items() if k in PROVIDER_FIELDS})
    _validate_provider(provider)
    save_with_history(provider, actor=actor, reason="Provider added to the directory")
    for service_fields in services or []:
        provider_service_add(actor=actor, provider=provider, **service_fields)
    return provider


@transaction.atomic
def provider_update(*, actor: Any, provider: Provider, **fields: Any) -> Provider:
    require_perm(actor, MANAGE, provider)
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    for key, value in fields.items():
        if key in PROVIDER_FIELDS:
            setattr(provider, key, value)
    _validate_provider(provider)
    save_with_history(provider, actor=actor, reason="Provider details changed")
    return provider


@transaction.atomic
def provider_service_add(*, actor: Any, provider: Provider, **fields: Any) -> ProviderService:
    require_perm(actor, MANAGE, provider)
    service = ProviderService(provider=provider,
                              **{k: v for k, v in fields.items() if k in SERVICE_FIELDS})
    _validate_service(service)
    save_with_history(service, actor=actor, reason="Service added")
    return service


@transaction.atomic
def provider_service_update(*, actor: Any, service: ProviderService,
                            **fields: Any) -> ProviderService:
    require_perm(actor, MANAGE, service.provider)
    for key, value in fields.items():
        if key in SERVICE_FIELDS:
            setattr(service, key, value)
    _validate_service(service)
    withdrawn = "active" in fields and not fields["active"]
    save_with_history(service, actor=actor,
                      reason="Service withdrawn" if withdrawn else "Service changed")
    return service


@transaction.atomic
def provider_location_add(*, actor: Any, provider: Provider, address: str, postcode: str,
                          town: str = "", name: str = "") -> ProviderLocation:
    from selfdirect.people.validators import normalise_postcode, validate_postcode

    require_perm(actor, MANAGE, provider)
    try:
        validate_postcode(postcode)
    except ValidationError as exc:
        raise ValidationError({"postcode": exc.messages}) from exc
    location = ProviderLocation(provider=provider, name=name.strip(), address=address.strip(),
                                town=town.strip(), postcode=normalise_postcode(postcode))
    save_with_history(location, actor=actor, reason="Location added")
    return location


@transaction.atomic
def provider_location_remove(*, actor: Any, location: ProviderLocation) -> None:
    """The provider no longer works from ``location`` (its history keeps it)."""
    require_perm(actor, MANAGE, location.provider)
    delete_with_history(location, actor=actor, reason="Location removed")


@transaction.atomic
def provider_area_set(*, actor: Any, provider: Provider, authority: Authority,
                      districts: list[str]) -> ServiceArea:
    """Where the provider works in ``authority`` (no districts: all of it): only the
    authority's own commissioners and administrators."""
    require_perm(actor, MANAGE, provider)
    require_perm(actor, MANAGE, authority)
    area = (ServiceArea.objects.filter(provider=provider, authority=authority).first()
            or ServiceArea(provider=provider, authority=authority))
    area.districts = clean_districts(districts)
    save_with_history(area, actor=actor, reason="Area served set")
    return area


@transaction.atomic
def provider_grade_add(*, actor: Any, provider: Provider, theme: str, grade: str,
                       graded_on: datetime.date) -> ProviderGrade:
    require_perm(actor, MANAGE, provider)
    theme, grade = " ".join(theme.split()), " ".join(grade.split())
    if not theme:
        raise ValidationError({"theme": "Enter the theme of the grade"})
    if not grade:
        raise ValidationError({"grade": "Enter the grade"})
    if graded_on > clock.today():
        raise ValidationError({"graded_on": "Date of the inspection must be today or in the past"})
    row = ProviderGrade(provider=provider, theme=theme, grade=grade, graded_on=graded_on)
    save_with_history(row, actor=actor, reason="Inspection grade recorded")
    return row


@transaction.atomic
def provider_framework_set(*, actor: Any, provider: Provider, authority: Authority,
                           on_framework: bool) -> ProviderAuthority:
    """Put the provider on (or take it off) ``authority``'s framework list: only the
    authority's own commissioners and administrators."""
    require_perm(actor, MANAGE, authority)
    row = (ProviderAuthority.objects.select_for_update()
           .filter(provider=provider, authority=authority).first()
           or ProviderAuthority(provider=provider, authority=authority))
    row.on_framework = on_framework
    save_with_history(row, actor=actor, reason=(
        "Put on the framework list" if on_framework else "Taken off the framework list"))
    return row


@transaction.atomic
def personal_assistant_add(*, actor: Any, authorities: list[Authority], name: str,
                           consent_given_on: datetime.date, **fields: Any) -> PersonalAssistant:
    """Add a PA to the register, with the date they consented to be listed."""
    for authority in authorities:
        require_perm(actor, MANAGE, authority)
    if not authorities:
        raise ValidationError({"authorities": "Select at least one authority the PA covers"})
    allowed = ("phone", "email", "districts", "languages", "gender", "skills", "times",
               "pvg_status", "pvg_date")
    pa = PersonalAssistant(name=name, consent_given_on=consent_given_on,
                           **{k: v for k, v in fields.items() if k in allowed})
    pa.districts = clean_districts(list(pa.districts))
    pa.languages = clean_words(list(pa.languages))
    pa.skills = clean_words(list(pa.skills))
    if pa.pvg_status == "member" and pa.pvg_date is None:
        raise ValidationError({"pvg_date": "Enter the date of PVG membership"})
    save_with_history(pa, actor=actor, reason="Added to the PA register with consent")
    pa.authorities.set(authorities)
    return pa


@transaction.atomic
def personal_assistant_consent_withdraw(*, actor: Any, pa: PersonalAssistant,
                                        day: datetime.date) -> PersonalAssistant:
    """The PA no longer wants to be listed: they leave the register from ``day``."""
    if actor is None or not any(actor.has_perm(MANAGE, a) for a in pa.authorities.all()):
        raise PermissionDenied(f"Not allowed: {MANAGE}")
    if pa.consent_given_on is not None and day < pa.consent_given_on:
        raise ValidationError({"consent_withdrawn_on": (
            f"Date consent was withdrawn must be on or after the date it was given, "
            f"{pa.consent_given_on.day} {pa.consent_given_on:%B %Y}")})
    pa.consent_withdrawn_on = day
    save_with_history(pa, actor=actor, reason="Consent to be listed withdrawn")
    return pa


def _user_by_email(email: str) -> Any:
    from django.contrib.auth import get_user_model

    email = email.strip()
    if not email:
        raise ValidationError({"email": "Enter the email address of their account"})
    users = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
    if not users:
        raise ValidationError({"email": (
            "No account has that email address: they need an account before they can be "
            "added")})
    if len(users) > 1:
        raise ValidationError({"email": (
            "More than one account has that email address: ask an administrator to "
            "add them")})
    return users[0]


@transaction.atomic
def provider_member_add(*, actor: Any, provider: Provider, email: str) -> ProviderMember:
    """Someone with an account starts working for ``provider``: they see the referrals
    sent to it, and answer them."""
    require_perm(actor, MANAGE, provider)
    user = _user_by_email(email)
    member = (ProviderMember.objects.select_for_update()
              .filter(provider=provider, user=user).first())
    if member is not None and member.active:
        raise ValidationError({"email": f"{email.strip()} already works for {provider.name}"})
    member = member or ProviderMember(provider=provider, user=user)
    member.active = True
    save_with_history(member, actor=actor, reason="Started working for the provider")
    return member


@transaction.atomic
def provider_member_remove(*, actor: Any, member: ProviderMember) -> ProviderMember:
    """Someone no longer works for the provider: they stop seeing its referrals at once.
    The row stays (inactive) so its history says who worked there and when."""
    require_perm(actor, MANAGE, member.provider)
    member = ProviderMember.objects.select_for_update().get(pk=member.pk)
    if not member.active:
        raise ValidationError("They no longer work for the provider")
    member.active = False
    save_with_history(member, actor=actor, reason="Stopped working for the provider")
    return member
