"""The provider directory in the HTTP API (tag "providers"), mounted at /api/ by
``selfdirect.api.api``.

The same permissions, forms and selectors as the pages: the search with the reasons each
provider matches and what does not, a provider's details, the PA register (a PA's phone
and email only for staff of the authorities the PA covers), the directory as Open
Referral UK JSON out and back in, and adding and changing providers (commissioners and
administrators).
"""

import contextlib
import datetime
import uuid
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from ninja import Body, Query, Router, Schema, Status

from selfdirect.api.inputs import InSchema, JsonDocument, PatchSchema
from selfdirect.api.pagination import page_of, page_query
from selfdirect.api.permissions import api_permission
from selfdirect.api.schemas import ErrorOut
from selfdirect.authorities.models import Authority
from selfdirect.authorities.selectors import user_roles
from selfdirect.providers import oruk, selectors, services
from selfdirect.providers.forms import PaSearchForm, SearchForm
from selfdirect.providers.models import (
    Commitment,
    Provider,
    ProviderAuthority,
    ProviderService,
    ServiceArea,
)
from selfdirect.providers.rules import MANAGERS

VIEW = "providers.view_directory"
MANAGE = "providers.manage_directory"
PA_CONTACT = "providers.view_pa_contact"
SHOWN = 50  # at most this many results a page, as on the search page

router = Router(tags=["providers"])


class MatchOut(Schema):
    provider_id: int
    name: str
    service: str | None
    reasons: list[str]
    gaps: list[str]
    on_framework: bool


class SearchOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[MatchOut]


class CommitmentOut(Schema):
    code: str
    label: str


class ServiceOut(Schema):
    id: int
    name: str
    description: str
    service_types: list[str]
    female_carers: bool
    male_carers: bool
    food_practices: list[str]
    times: list[str]
    capacity_hours: int | None
    capacity_places: int | None


class LocationOut(Schema):
    name: str
    address: str
    town: str
    postcode: str


class AreaOut(Schema):
    authority_code: str
    authority: str
    districts: list[str]


class GradeOut(Schema):
    theme: str
    grade: str
    graded_on: datetime.date


class FrameworkOut(Schema):
    authority_code: str
    authority: str
    on_framework: bool


class ProviderOut(Schema):
    id: int
    uuid: str
    name: str
    description: str
    website: str
    phone: str
    email: str
    regulator: str
    registration_number: str
    active: bool
    languages: list[str]
    commitments: list[CommitmentOut]
    services: list[ServiceOut]
    locations: list[LocationOut]
    areas: list[AreaOut]
    grades: list[GradeOut]
    frameworks: list[FrameworkOut]


class PaOut(Schema):
    id: int
    name: str
    gender: str
    districts: list[str]
    languages: list[str]
    skills: list[str]
    times: list[str]
    pvg_status: str
    pvg_expires_on: datetime.date | None
    authorities: list[str]
    contact_shown: bool
    phone: str | None
    email: str | None


class ServiceIn(InSchema):
    limits_from = (ProviderService,)

    name: str
    description: str = ""
    service_types: list[str]
    female_carers: bool = False
    male_carers: bool = False
    food_practices: list[str] = []
    times: list[str] = []
    capacity_hours: int | None = None
    capacity_places: int | None = None


class ProviderIn(InSchema):
    limits_from = (Provider,)

    name: str
    description: str = ""
    website: str = ""
    phone: str = ""
    email: str = ""
    regulator: str = ""
    registration_number: str = ""
    commitments: list[str] = []
    languages: list[str] = []
    active: bool = True
    services: list[ServiceIn] = []
    authority_code: str | None = None
    districts: list[str] = []


class ProviderPatch(PatchSchema):
    limits_from = (Provider,)

    name: str | None = None
    description: str | None = None
    website: str | None = None
    phone: str | None = None
    email: str | None = None
    regulator: str | None = None
    registration_number: str | None = None
    commitments: list[str] | None = None
    languages: list[str] | None = None
    active: bool | None = None


class ImportOut(Schema):
    imported: int


def _form_errors(form: Any) -> ValidationError:
    """The form's messages (the page's own wording), each under the field it names."""
    return ValidationError({name: [e["message"] for e in errors]
                            for name, errors in form.errors.get_json_data().items()})


def _match_out(match: selectors.Match) -> dict[str, Any]:
    return {"provider_id": match.provider.pk, "name": match.provider.name,
            "service": match.service.name if match.service else None,
            "reasons": match.reasons, "gaps": match.gaps, "on_framework": match.on_framework}


def _provider_out(provider: Provider) -> dict[str, Any]:
    return {
        **{f: getattr(provider, f) for f in (
            "id", "name", "description", "website", "phone", "email", "regulator",
            "registration_number", "active", "languages")},
        "uuid": str(provider.uuid),
        "commitments": [{"code": c, "label": Commitment(c).label}
                        for c in provider.commitments if c in Commitment.values],
        "services": [{f: getattr(s, f) for f in (
            "id", "name", "description", "service_types", "female_carers", "male_carers",
            "food_practices", "times", "capacity_hours", "capacity_places")}
            for s in provider.services.all()],
        "locations": [{"name": loc.name, "address": loc.address, "town": loc.town,
                       "postcode": loc.postcode} for loc in provider.locations.all()],
        "areas": [{"authority_code": a.authority.code, "authority": a.authority.name,
                   "districts": a.districts} for a in provider.areas.all()],
        "grades": [{"theme": g.theme, "grade": g.grade, "graded_on": g.graded_on}
                   for g in provider.grades.all()],
        "frameworks": [{"authority_code": f.authority.code, "authority": f.authority.name,
                        "on_framework": f.on_framework} for f in provider.frameworks.all()],
    }


@router.get("/providers", response={200: SearchOut, 422: ErrorOut},
            summary="Search the directory: each provider with why it matches and what does "
                    "not (authority by its code; food and times may be repeated)")
@api_permission(VIEW)
def provider_search(request: Any, service_type: str = "", authority: str = "",
                    district: str = "", hours: str = "", carer_gender: str = "",
                    language: str = "", food: Annotated[list[str] | None, Query()] = None,
                    times: Annotated[list[str] | None, Query()] = None,
                    page: int = page_query(),
                    page_size: int = Query(SHOWN, ge=1, le=SHOWN)) -> Any:
    data = QueryDict(mutable=True)
    data.update({"service_type": service_type, "district": district, "hours": hours,
                 "carer_gender": carer_gender, "language": language})
    data.setlist("food", food or [])
    data.setlist("times", times or [])
    if authority:
        found = Authority.objects.filter(code=authority.strip()).values_list("pk", flat=True)
        if not found:
            raise ValidationError({"authority": "Enter the code of a council, like S12000036"})
        data["authority"] = str(found[0])
    form = SearchForm(data)  # the page's checks and messages
    if not form.is_valid():
        raise _form_errors(form)
    cleaned = form.cleaned_data
    matches = selectors.provider_search(needs=selectors.Needs(
        authority=cleaned["authority"], district=cleaned["district"],
        service_type=cleaned["service_type"], hours=cleaned["hours"],
        carer_gender=cleaned["carer_gender"],
        languages=(cleaned["language"].strip(),) if cleaned["language"].strip() else (),
        food=tuple(cleaned["food"]), times=tuple(cleaned["times"])))
    count, shown = page_of(matches, page=page, page_size=page_size)
    return {"count": count, "page": page, "page_size": page_size,
            "items": [_match_out(m) for m in shown]}


@router.get("/providers/personal-assistants", response={200: list[PaOut], 422: ErrorOut},
            summary="The PAs who consented to be listed; phone and email only for staff of "
                    "an authority the PA covers")
@api_permission(VIEW)
def personal_assistant_list(request: Any, district: str = "", language: str = "",
                            gender: str = "") -> Any:
    form = PaSearchForm({"district": district, "language": language, "gender": gender})
    if not form.is_valid():
        raise _form_errors(form)
    pas = selectors.personal_assistants_listed(**form.cleaned_data)
    rows = []
    for pa in pas:
        shown = request.user.has_perm(PA_CONTACT, pa)
        rows.append({
            **{f: getattr(pa, f) for f in ("id", "name", "gender", "districts", "languages",
                                           "skills", "times", "pvg_status")},
            "pvg_expires_on": pa.pvg_expires_on(),
            "authorities": [a.code for a in pa.authorities.all()],
            "contact_shown": shown, "phone": pa.phone if shown else None,
            "email": pa.email if shown else None})
    return rows


@router.get("/providers/open-referral", response=dict[str, Any],
            summary="The whole directory as Open Referral UK JSON (the PA register is not "
                    "in it: it is personal data)")
@api_permission(VIEW)
def directory_export(request: Any) -> Any:
    return oruk.directory_export()


def _authorities_touched(document: dict[str, Any]) -> set[str]:
    """The codes of every authority an import would write to: those the document names
    (framework lists, areas, authorities to add) and those of the rows it would replace
    (the areas and framework lists its organizations have now)."""
    codes: set[str] = set()
    ids: list[uuid.UUID] = []
    for org in document.get("organization") or []:
        if not isinstance(org, dict):
            continue
        with contextlib.suppress(ValueError):  # the import itself says what is wrong
            ids.append(uuid.UUID(str(org.get("id"))))
        ext = (org.get("extensions") or {}).get(oruk.EXT) or {}
        codes.update(str(row.get("authority")) for row in
                     [*(ext.get("frameworks") or []), *(ext.get("areas") or [])]
                     if isinstance(row, dict))
    listed = ((document.get("extensions") or {}).get(oruk.EXT) or {}).get("authorities") or []
    codes.update(str(row.get("code")) for row in listed if isinstance(row, dict))
    codes.update(ServiceArea.objects.filter(provider__uuid__in=ids)
                 .values_list("authority__code", flat=True))
    codes.update(ProviderAuthority.objects.filter(provider__uuid__in=ids)
                 .values_list("authority__code", flat=True))
    return codes


@router.post("/providers/open-referral", response={200: ImportOut, 403: ErrorOut, 422: ErrorOut},
             summary="Add or replace the organizations of an Open Referral UK document "
                     "(matched by id), in the authorities whose directory you manage")
@api_permission(MANAGE)
def directory_import(request: Any, document: Annotated[JsonDocument, Body()]) -> Any:
    # The import replaces each organization's areas and framework rows, and adds the
    # authorities it lists: a manager may do so only for their own authorities, as on the
    # pages (``provider_area_set``, ``provider_framework_set``).
    managed = set(Authority.objects.filter(
        pk__in=user_roles(request.user).authorities_with(*MANAGERS))
        .values_list("code", flat=True))
    others = sorted(_authorities_touched(document) - managed)
    if others:
        return Status(403, {"detail": "This document changes the directory of authorities "
                                      f"you do not manage: {', '.join(others)}"})
    try:
        count = oruk.directory_import(document)
    except oruk.ImportProblem as exc:
        raise ValidationError({"organization": str(exc)}) from exc
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValidationError({"document": "This is not an Open Referral UK document as the "
                                           f"export writes it: {exc!s} is missing or wrong"}
                              ) from exc
    return {"imported": count}


@router.get("/providers/{id:provider_id}", response={200: ProviderOut, 404: ErrorOut},
            summary="A provider: services, locations, areas, grades, framework lists")
@api_permission(VIEW)
def provider_read(request: Any, provider_id: int) -> Any:
    return _provider_out(selectors.provider_get(provider_id=provider_id))


@router.post("/providers", response={201: ProviderOut, 403: ErrorOut, 422: ErrorOut},
             summary="Add a provider with its services, working in an authority you manage "
                     "(districts: none means all of it)")
@api_permission(MANAGE)
def provider_create(request: Any, payload: ProviderIn) -> Any:
    data = payload.dict()
    code, districts = data.pop("authority_code"), data.pop("districts")
    managed = user_roles(request.user).authorities_with(*MANAGERS)
    if code:
        authority = Authority.objects.filter(code=code, pk__in=managed).first()
        if authority is None:
            raise ValidationError({"authority_code": "Enter the code of an authority whose "
                                                     "directory you manage"})
    elif len(managed) == 1:
        authority = Authority.objects.get(pk=managed[0])
    else:
        raise ValidationError({"authority_code": "Enter the authority code: you manage the "
                                                 "directory for more than one"})
    with transaction.atomic():  # the provider and where it works, or neither
        provider = services.provider_create(actor=request.user, **data)
        services.provider_area_set(actor=request.user, provider=provider, authority=authority,
                                   districts=districts)
    return Status(201, _provider_out(selectors.provider_get(provider_id=provider.pk)))


@router.patch("/providers/{id:provider_id}",
              response={200: ProviderOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
              summary="Change a provider's details")
@api_permission(MANAGE)
def provider_update(request: Any, provider_id: int, payload: ProviderPatch) -> Any:
    provider = selectors.provider_get(provider_id=provider_id)
    services.provider_update(actor=request.user, provider=provider,
                             **payload.dict(exclude_unset=True))
    return _provider_out(selectors.provider_get(provider_id=provider.pk))
