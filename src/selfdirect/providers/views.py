"""The directory pages: search with the reasons each provider matches, a provider's page,
the PA register, adding and changing providers and their place on the framework list,
and "find a provider for this person", which fills the search from their record.

Keeping the directory up to date, for its managers (``providers.manage_directory``): a
provider's services, locations, areas covered in the user's council, inspection grades and
the accounts of the people who work for it; adding PAs to the register and withdrawing a
PA's consent to be listed.

Each view declares its permission once; the services check it again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from selfdirect.authorities.models import Authority
from selfdirect.authorities.selectors import user_roles
from selfdirect.authorities.web import user_current_authority
from selfdirect.core import clock
from selfdirect.core.permissions import permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.people.selectors import person_get, portal_people_queryset
from selfdirect.providers import selectors, services
from selfdirect.providers.forms import (
    AreaForm,
    ConsentWithdrawForm,
    FrameworkForm,
    GradeForm,
    LocationForm,
    MemberForm,
    NewProviderForm,
    PaSearchForm,
    PersonalAssistantForm,
    ProviderForm,
    SearchForm,
    ServiceForm,
)
from selfdirect.providers.models import (
    PersonalAssistant,
    Provider,
    ProviderAuthority,
    ProviderLocation,
    ProviderMember,
    ProviderService,
    ServiceArea,
)
from selfdirect.providers.rules import MANAGERS

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
    may_manage = request.user.has_perm(MANAGE, provider)
    return render(request, "providers/detail.html", {
        "provider": provider, "authority": authority, "may_manage": may_manage,
        "may_mark": authority is not None and request.user.has_perm(MANAGE, authority),
        "members": _members(provider) if may_manage else []})


@permission_required(VIEW)
def personal_assistants(request: HttpRequest) -> HttpResponse:
    form = PaSearchForm(request.GET or None)
    pas: list[Any] = []
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        pas = selectors.personal_assistants_listed(
            district=data.get("district", ""), language=data.get("language", ""),
            gender=data.get("gender", ""))
    managed = set(user_roles(request.user).authorities_with(*MANAGERS))
    rows = [{"pa": pa, "contact": request.user.has_perm("providers.view_pa_contact", pa),
             "pvg_expires": pa.pvg_expires_on(),
             "may_withdraw": any(a.pk in managed for a in pa.authorities.all())}
            for pa in pas]
    return render(request, "providers/personal_assistants.html", {
        "form": form, "rows": rows, "may_manage": bool(managed)})


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
        if authority is not None and request.user.has_perm(MANAGE, authority):
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


def _members(provider: Provider) -> list[ProviderMember]:
    """The accounts working for ``provider`` now (one query)."""
    return list(ProviderMember.objects.filter(provider=provider, active=True)
                .select_related("user").order_by("user__email", "user__username", "pk"))


def _managed_provider(provider_id: int) -> Provider:
    """A provider whose page a manager is changing (404 when there is none)."""
    provider = Provider.objects.filter(pk=provider_id).first()
    if provider is None:
        raise Http404("No provider found.")
    return provider


def _own_authority(request: HttpRequest) -> Authority:
    """The council the user works in, where they manage the directory (403 if not)."""
    authority = user_current_authority(request)
    if authority is None or not request.user.has_perm(MANAGE, authority):
        raise PermissionDenied
    return authority


def _confirm_page(request: HttpRequest, *, title: str, lines: list[str], submit: str,
                  back: str, act: Any, success: str, done: str) -> HttpResponse:
    """A page that asks before removing something; the POST does it."""
    errors: list[str] = []
    if request.method == "POST":
        try:
            act()
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, success)
            return redirect(done)
    return render(request, "providers/confirm.html", {
        "title": title, "lines": lines, "submit": submit, "back": back, "errors": errors})


@permission_required(MANAGE)
def provider_service_add(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = _managed_provider(provider_id)
    form = ServiceForm(_posted(request))
    return _form_page(
        request, form, title=f"Add a service: {provider.name}", submit="Add the service",
        back=reverse("provider-detail", args=[provider.pk]),
        save=lambda: services.provider_service_add(
            actor=request.user, provider=provider, **form.service_fields()).provider,
        success="The service was added")


@permission_required(MANAGE)
def provider_service_edit(request: HttpRequest, provider_id: int,
                          service_id: int) -> HttpResponse:
    service = (ProviderService.objects.select_related("provider")
               .filter(pk=service_id, provider_id=provider_id).first())
    if service is None:
        raise Http404("No service found.")
    form = ServiceForm(_posted(request), initial=ServiceForm.initial_for(service))
    return _form_page(
        request, form, title=f"Change {service.name}: {service.provider.name}",
        submit="Save the changes", back=reverse("provider-detail", args=[provider_id]),
        save=lambda: services.provider_service_update(
            actor=request.user, service=service, **form.service_fields()).provider,
        success="The service was saved")


@permission_required(MANAGE)
def provider_location_add(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = _managed_provider(provider_id)
    form = LocationForm(_posted(request))
    return _form_page(
        request, form, title=f"Add a location: {provider.name}", submit="Add the location",
        back=reverse("provider-detail", args=[provider.pk]),
        save=lambda: services.provider_location_add(
            actor=request.user, provider=provider, **form.cleaned_data).provider,
        success="The location was added")


@permission_required(MANAGE)
def provider_location_remove(request: HttpRequest, provider_id: int,
                             location_id: int) -> HttpResponse:
    location = (ProviderLocation.objects.select_related("provider")
                .filter(pk=location_id, provider_id=provider_id).first())
    if location is None:
        raise Http404("No location found.")
    where = ", ".join(part for part in (location.name, location.address, location.town,
                                        location.postcode) if part)
    detail = reverse("provider-detail", args=[provider_id])
    return _confirm_page(
        request, title=f"Remove this location from {location.provider.name}?", lines=[where],
        submit="Remove the location", back=detail,
        act=lambda: services.provider_location_remove(actor=request.user, location=location),
        success="The location was removed", done=detail)


@permission_required(MANAGE)
def provider_areas(request: HttpRequest, provider_id: int) -> HttpResponse:
    """The postcode districts the provider covers in the council the user works in."""
    provider = _managed_provider(provider_id)
    authority = _own_authority(request)
    area = ServiceArea.objects.filter(provider=provider, authority=authority).first()
    initial = {"districts": ", ".join(area.districts)} if area is not None else {}
    form = AreaForm(_posted(request), initial=initial)
    return _form_page(
        request, form, title=f"Areas {provider.name} covers in {authority.name}",
        submit="Save the areas", back=reverse("provider-detail", args=[provider.pk]),
        save=lambda: services.provider_area_set(
            actor=request.user, provider=provider, authority=authority,
            districts=form.districts_list()).provider,
        success="The areas covered were saved")


@permission_required(MANAGE)
def provider_grade_add(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = _managed_provider(provider_id)
    form = GradeForm(_posted(request))
    return _form_page(
        request, form, title=f"Record an inspection grade: {provider.name}",
        submit="Record the grade", back=reverse("provider-detail", args=[provider.pk]),
        save=lambda: services.provider_grade_add(
            actor=request.user, provider=provider, **form.cleaned_data).provider,
        success="The inspection grade was recorded")


@permission_required(MANAGE)
def provider_members(request: HttpRequest, provider_id: int) -> HttpResponse:
    """Who works for the provider (they see its referrals), and adding someone by the
    email address of their account."""
    provider = _managed_provider(provider_id)
    form = MemberForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            member = services.provider_member_add(actor=request.user, provider=provider,
                                                  email=form.cleaned_data["email"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{member.user.email} now works for {provider.name}")
            return redirect(reverse("provider-members", args=[provider.pk]))
    return render(request, "providers/members.html", {
        "provider": provider, "form": form, "members": _members(provider)})


@permission_required(MANAGE)
def provider_member_remove(request: HttpRequest, provider_id: int,
                           member_id: int) -> HttpResponse:
    member = (ProviderMember.objects.select_related("provider", "user")
              .filter(pk=member_id, provider_id=provider_id, active=True).first())
    if member is None:
        raise Http404("No one found.")
    who = member.user.get_full_name()
    if member.user.email:
        who = f"{who} ({member.user.email})"
    page = reverse("provider-members", args=[provider_id])
    return _confirm_page(
        request, title=f"Remove {who} from {member.provider.name}?",
        lines=["They will no longer see the referrals sent to the provider, or answer them."],
        submit="Remove them", back=page,
        act=lambda: services.provider_member_remove(actor=request.user, member=member),
        success=f"{who} no longer works for {member.provider.name}", done=page)


@permission_required(MANAGE)
def personal_assistant_add(request: HttpRequest) -> HttpResponse:
    managed = user_roles(request.user).authorities_with(*MANAGERS)
    authorities = Authority.objects.filter(pk__in=managed).order_by("name")
    current = user_current_authority(request)
    initial = {"authorities": [current.pk]} if current is not None and current.pk in managed else {}
    form = PersonalAssistantForm(_posted(request), initial=initial, authorities=authorities)
    if request.method == "POST" and form.is_valid():
        try:
            pa = services.personal_assistant_add(actor=request.user, **form.pa_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{pa.name} was added to the register")
            return redirect(reverse("personal-assistants"))
    return render(request, "providers/form.html", {
        "form": form, "title": "Add a personal assistant", "submit": "Add them to the register",
        "back": reverse("personal-assistants")})


@permission_required(MANAGE)
def personal_assistant_withdraw(request: HttpRequest, pa_id: int) -> HttpResponse:
    """The PA no longer wants to be listed: staff of a council they cover record it."""
    pa = PersonalAssistant.objects.prefetch_related("authorities").filter(pk=pa_id).first()
    if pa is None:
        raise Http404("No personal assistant found.")
    managed = set(user_roles(request.user).authorities_with(*MANAGERS))
    if not any(a.pk in managed for a in pa.authorities.all()):
        raise PermissionDenied
    back = reverse("personal-assistants")
    if pa.consent_withdrawn_on is not None and pa.consent_withdrawn_on <= clock.today():
        messages.info(request, f"{pa.name} already withdrew their consent to be listed")
        return redirect(back)
    form = ConsentWithdrawForm(_posted(request),
                               initial={"consent_withdrawn_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.personal_assistant_consent_withdraw(
                actor=request.user, pa=pa, day=form.cleaned_data["consent_withdrawn_on"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{pa.name} will no longer be listed")
            return redirect(back)
    return render(request, "providers/form.html", {
        "form": form, "title": f"Withdraw {pa.name}'s consent to be listed",
        "submit": "Withdraw consent", "back": back,
        "lead": "They leave the register from the date given. Their record and its history "
                "are kept."})


urlpatterns: list[URLPattern] = [
    path("providers/", provider_search, name="provider-search"),
    path("providers/new/", provider_add, name="provider-add"),
    path("providers/personal-assistants/", personal_assistants, name="personal-assistants"),
    path("providers/personal-assistants/new/", personal_assistant_add,
         name="personal-assistant-add"),
    path("providers/personal-assistants/<id:pa_id>/withdraw/", personal_assistant_withdraw,
         name="personal-assistant-withdraw"),
    path("providers/<id:provider_id>/", provider_detail, name="provider-detail"),
    path("providers/<id:provider_id>/edit/", provider_edit, name="provider-edit"),
    path("providers/<id:provider_id>/framework/", provider_framework,
         name="provider-framework"),
    path("providers/<id:provider_id>/services/new/", provider_service_add,
         name="provider-service-add"),
    path("providers/<id:provider_id>/services/<id:service_id>/edit/", provider_service_edit,
         name="provider-service-edit"),
    path("providers/<id:provider_id>/locations/new/", provider_location_add,
         name="provider-location-add"),
    path("providers/<id:provider_id>/locations/<id:location_id>/remove/",
         provider_location_remove, name="provider-location-remove"),
    path("providers/<id:provider_id>/areas/", provider_areas, name="provider-areas"),
    path("providers/<id:provider_id>/grades/new/", provider_grade_add,
         name="provider-grade-add"),
    path("providers/<id:provider_id>/members/", provider_members, name="provider-members"),
    path("providers/<id:provider_id>/members/<id:member_id>/remove/",
         provider_member_remove, name="provider-member-remove"),
    path("people/<id:pk>/providers/", person_providers, name="person-providers"),
]
