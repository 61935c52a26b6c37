"""The directory pages: search with the reasons each provider matches, a provider's page,
the PA register, adding and changing providers and their place on the framework list,
and "find a provider for this person", which fills the search from their record.

Each view declares its permission once; the services check it again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from selfdirect.authorities.models import Authority
from selfdirect.authorities.selectors import user_current_authority
from selfdirect.core.permissions import permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.people.selectors import person_get, portal_people_queryset
from selfdirect.providers import selectors, services
from selfdirect.providers.forms import (
    FrameworkForm,
    NewProviderForm,
    PaSearchForm,
    ProviderForm,
    SearchForm,
)
from selfdirect.providers.models import ProviderAuthority

VIEW = "providers.view_directory"
MANAGE = "providers.manage_directory"
SHOWN = 50  # results shown on one page; the count says how many matched


def _home_authority(request: HttpRequest) -> Authority | None:
    """The council to search in first: where a staff member works, else the person's own."""
    authority = user_current_authority(request)
    if authority is not None:
        return authority
    person = portal_people_queryset(user=request.user).select_related("authority").first()
    return person.authority if person is not None else None


def _search_page(request: HttpRequest, form: SearchForm, *, person: Any = None,
                 preset: selectors.Needs | None = None) -> HttpResponse:
    matches: list[selectors.Match] | None = None
    needs = preset
    if needs is None and form.is_bound and form.is_valid():
        data = form.cleaned_data
        needs = selectors.Needs(
            authority=data["authority"], district=data["district"],
            service_type=data["service_type"], hours=data["hours"],
            carer_gender=data["carer_gender"],
            languages=(data["language"].strip(),) if data["language"].strip() else (),
            food=tuple(data["food"]), times=tuple(data["times"]))
    if needs is not None:
        matches = selectors.provider_search(needs=needs)
    return render(request, "providers/search.html", {
        "form": form, "matches": (matches or [])[:SHOWN], "searched": matches is not None,
        "count": len(matches or []), "shown": SHOWN, "person": person,
        "may_manage": request.user.has_perm(MANAGE)})


@permission_required(VIEW)
def provider_search(request: HttpRequest) -> HttpResponse:
    if request.GET:
        form = SearchForm(request.GET)
    else:
        authority = _home_authority(request)
        data = QueryDict(mutable=True)
        if authority is not None:
            data["authority"] = str(authority.pk)
        form = SearchForm(data) if data else SearchForm()
    return _search_page(request, form)


@permission_required("people.view_person")
@person_page
def person_providers(request: HttpRequest, pk: int) -> HttpResponse:
    """The search filled in from the person's postcode, preferences and needs."""
    person = person_get(user=request.user, person_id=pk, path=request.path)
    if request.GET:
        return _search_page(request, SearchForm(request.GET), person=person)
    needs = selectors.needs_from_person(person)
    data = QueryDict(mutable=True)
    data.update({"authority": str(person.authority_id), "district": needs.district,
                 "carer_gender": needs.carer_gender,
                 "language": needs.languages[0] if needs.languages else ""})
    data.setlist("food", list(needs.food))
    data.setlist("times", list(needs.times))
    form = SearchForm(data)
    form.is_valid()
    return _search_page(request, form, person=person, preset=needs)


@permission_required(VIEW)
def provider_detail(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get(provider_id=provider_id)
    authority = user_current_authority(request)
    return render(request, "providers/detail.html", {
        "provider": provider, "authority": authority,
        "may_manage": request.user.has_perm(MANAGE, provider),
        "may_mark": authority is not None and request.user.has_perm(MANAGE, authority)})


@permission_required(VIEW)
def personal_assistants(request: HttpRequest) -> HttpResponse:
    form = PaSearchForm(request.GET or None)
    pas: list[Any] = []
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        pas = selectors.personal_assistants_listed(
            district=data.get("district", ""), language=data.get("language", ""),
            gender=data.get("gender", ""))
    rows = [{"pa": pa, "contact": request.user.has_perm("providers.view_pa_contact", pa),
             "pvg_expires": pa.pvg_expires_on()} for pa in pas]
    return render(request, "providers/personal_assistants.html", {"form": form, "rows": rows})


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form's data: what was posted (even nothing at all), or None to show it empty."""
    return request.POST if request.method == "POST" else None


def _form_page(request: HttpRequest, form: Any, *, title: str, submit: str, back: str,
               save: Any, success: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            target = save()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(reverse("provider-detail", args=[target.pk]))
    return render(request, "providers/form.html", {"form": form, "title": title,
                                                   "submit": submit, "back": back})


@permission_required(MANAGE)
def provider_add(request: HttpRequest) -> HttpResponse:
    form = NewProviderForm(_posted(request))
    authority = user_current_authority(request)

    def save() -> Any:
        provider = services.provider_create(actor=request.user, **form.provider_fields(),
                                            services=[form.service_fields()])
        if authority is not None:
            services.provider_area_set(actor=request.user, provider=provider,
                                       authority=authority,
                                       districts=form.cleaned_data["districts"])
        return provider

    return _form_page(request, form, title="Add a provider", submit="Add the provider",
                      back=reverse("provider-search"), save=save,
                      success="The provider was added to the directory")


@permission_required(MANAGE)
def provider_edit(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get(provider_id=provider_id)
    initial = {"name": provider.name, "description": provider.description,
               "website": provider.website, "phone": provider.phone, "email": provider.email,
               "regulator": provider.regulator,
               "registration_number": provider.registration_number,
               "commitments": provider.commitments, "languages": ", ".join(provider.languages),
               "active": provider.active}
    form = ProviderForm(_posted(request), initial=initial)
    return _form_page(
        request, form, title=f"Change {provider.name}", submit="Save the changes",
        back=reverse("provider-detail", args=[provider.pk]),
        save=lambda: services.provider_update(actor=request.user, provider=provider,
                                              **form.provider_fields()),
        success="The provider's details were saved")


@permission_required(MANAGE)
def provider_framework(request: HttpRequest, provider_id: int) -> HttpResponse:
    """Mark whether the provider is on the framework list of the council the user works in."""
    provider = selectors.provider_get(provider_id=provider_id)
    authority = user_current_authority(request)
    if authority is None or not request.user.has_perm(MANAGE, authority):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    row = ProviderAuthority.objects.filter(provider=provider, authority=authority).first()
    initial = {"on_framework": "yes" if row is not None and row.on_framework else "no"}
    form = FrameworkForm(_posted(request), initial=initial)
    return _form_page(
        request, form, title=f"{authority.name}'s framework list: {provider.name}",
        submit="Save", back=reverse("provider-detail", args=[provider.pk]),
        save=lambda: services.provider_framework_set(
            actor=request.user, provider=provider, authority=authority,
            on_framework=form.cleaned_data["on_framework"] == "yes").provider,
        success="The framework list was updated")


urlpatterns: list[URLPattern] = [
    path("providers/", provider_search, name="provider-search"),
    path("providers/new/", provider_add, name="provider-add"),
    path("providers/personal-assistants/", personal_assistants, name="personal-assistants"),
    path("providers/<int:provider_id>/", provider_detail, name="provider-detail"),
    path("providers/<int:provider_id>/edit/", provider_edit, name="provider-edit"),
    path("providers/<int:provider_id>/framework/", provider_framework,
         name="provider-framework"),
    path("people/<int:pk>/providers/", person_providers, name="person-providers"),
]
