"""The staff pages: dashboard, people search, the person page and its changes.

Each view parses, calls one selector or service, renders. The middleware has already
checked the permission named in the decorator; object checks happen in ``person_get``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from selfdirect.allocation.selectors import (
    budgets_flagged_for_review,
    budgets_to_agree,
    person_current_budget,
)
from selfdirect.assessments.selectors import person_latest_eligibility
from selfdirect.audit.selectors import access_log_for_person
from selfdirect.authorities.models import Authority
from selfdirect.authorities.selectors import user_role_labels, user_roles
from selfdirect.authorities.web import user_current_authority
from selfdirect.carers.selectors import offers_of_carer
from selfdirect.charging.selectors import charging_work_counts
from selfdirect.core import clock
from selfdirect.core.permissions import authenticated, permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.payments.selectors import payments_work
from selfdirect.people import services
from selfdirect.people.forms import (
    AllocationForm,
    CommunicationNeedsForm,
    ConsentForm,
    EqualityForm,
    PersonForm,
    PersonSearchForm,
    PreferencesForm,
    RelationshipForm,
    SelfServiceDetailsForm,
)
from selfdirect.people.models import Person
from selfdirect.people.rules import STAFF_EDIT
from selfdirect.people.selectors import (
    PersonSearch,
    person_caseload,
    person_get,
    person_search,
    portal_people_queryset,
)
from selfdirect.planning.models import Referral
from selfdirect.planning.referrals import referrals_for_member
from selfdirect.spending.selectors import requests_waiting_count


def _person_context(request: HttpRequest, person: Person, **extra: Any) -> dict[str, Any]:
    return {"person": person, **extra}


@authenticated
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {"role_groups": user_role_labels(user)}
    if user.has_perm("people.search_people"):
        caseload = person_caseload(user=user)
        context["caseload"] = caseload[:50]
        context["caseload_count"] = caseload.count()
    authority = user_current_authority(request)
    authority_id = authority.pk if authority else None
    context["budgets_to_agree"] = budgets_to_agree(user=user, authority_id=authority_id)
    context["budgets_flagged"] = budgets_flagged_for_review(user=user, authority_id=authority_id)
    if authority is not None and user.has_perm("charging.view_worklist", authority):
        context["charging_work"] = charging_work_counts(authority=authority,
                                                        day=clock.today())
    if authority is not None and user.has_perm("spending.view_worklist", authority):
        context["spending_waiting"] = requests_waiting_count(authority=authority, user=user)
    context["payments_work"] = payments_work(authority=authority, user=user)
    if user.has_perm("planning.respond_to_referral"):
        context["referrals_waiting"] = referrals_for_member(user).filter(
            status=Referral.Status.SENT).count()
    if user.has_perm("portal.view_own_pages"):
        context["portal_people"] = list(portal_people_queryset(user=user).select_related(
            "authority").order_by("family_name"))
    return render(request, "workspace/dashboard.html", context)


@permission_required("people.search_people")
def people_search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    page = None
    searched = False
    if form.is_bound and form.is_valid():
        search = PersonSearch(**form.cleaned_data)
        searched = not search.is_empty
        if searched:
            paginator = Paginator(person_search(user=request.user, search=search),
                                  per_page=settings.PEOPLE_PAGE_SIZE, allow_empty_first_page=True)
            page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "workspace/people_search.html",
                  {"form": form, "page": page, "searched": searched,
                   "query_string": query.urlencode()})


def _authority_for_new_person(request: HttpRequest) -> Authority:
    current = user_current_authority(request)
    if current and user_roles(request.user).has(current.pk, *STAFF_EDIT):
        return current
    ids = user_roles(request.user).authorities_with(*STAFF_EDIT)
    if not ids:
        raise Http404
    return Authority.objects.get(pk=min(ids))


@permission_required("people.add_person")
def person_create(request: HttpRequest) -> HttpResponse:
    authority = _authority_for_new_person(request)
    form = PersonForm(request.POST or None, authority_country=authority.country)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, authority=authority,
                                            **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{person.display_name} has been added.")
            return redirect("person-detail", pk=person.pk)
    return render(request, "workspace/person_form.html",
                  {"form": form, "authority": authority, "creating": True})


@permission_required("people.view_person")
@person_page
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=pk, path=request.path)
    user = request.user
    can = {
        "edit": user.has_perm("people.change_person", person),
        "act": user.has_perm("people.act_for_person", person),
        "allocate": user.has_perm("people.allocate_person", person),
        "relationships": user.has_perm("people.manage_relationships", person),
        "consent": user.has_perm("people.record_consent", person),
        "access_log": user.has_perm("audit.view_access_log", person),
        "history": user.has_perm("people.view_history", person),
        "change_assessment": user.has_perm("assessments.change_assessment", person),
    }
    can["see_equality"] = can["edit"] or can["act"]
    extra: dict[str, Any] = {
        "can": can, "latest_decision": person_latest_eligibility(person=person),
        "budget": person_current_budget(person=person),
        "carer_offers": offers_of_carer(carer=person)}
    if can["access_log"]:
        extra["access_log"] = list(access_log_for_person(person_id=person.pk, limit=20))
    return render(request, "workspace/person_detail.html",
                  _person_context(request, person, **extra))


def _edit_page(request: HttpRequest, pk: int, *, permission_any: tuple[str, ...],
               form_factory: Any, save: Any, template: str, title: str,
               success: str) -> HttpResponse:
    person = person_get(user=request.user, person_id=pk, path=request.path,
                        permission=permission_any)
    form = form_factory(request, person)
    if request.method == "POST" and form.is_valid():
        try:
            save(request, person, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("person-detail", pk=person.pk)
    return render(request, template, _person_context(request, person, form=form, title=title))


@permission_required("people.view_person")
@person_page
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    def factory(req: HttpRequest, person: Person) -> Any:
        form_class = (PersonForm if req.user.has_perm("people.change_person", person)
                      else SelfServiceDetailsForm)
        return form_class(req.POST or None, instance=Person.objects.get(pk=person.pk))

    def save(req: HttpRequest, person: Person, form: Any) -> None:
        services.person_update(actor=req.user, person=person, **form.service_fields())

    return _edit_page(request, pk, permission_any=("people.change_person", "people.act_for_person"),
                      form_factory=factory, save=save, template="workspace/person_form.html",
                      title="Change details", success="The details have been saved.")


@permission_required("people.view_person")
@person_page
def person_needs(request: HttpRequest, pk: int) -> HttpResponse:
    def factory(req: HttpRequest, person: Person) -> Any:
        return CommunicationNeedsForm(req.POST or None, person=person)

    def save(req: HttpRequest, person: Person, form: Any) -> None:
        services.communication_needs_set(actor=req.user, person=person, needs=form.needs())

    return _edit_page(request, pk, permission_any=("people.change_person", "people.act_for_person"),
                      form_factory=factory, save=save, template="workspace/person_needs.html",
                      title="Communication and access needs",
                      success="Communication and access needs have been saved.")


@permission_required("people.view_person")
@person_page
def person_preferences(request: HttpRequest, pk: int) -> HttpResponse:
    def factory(req: HttpRequest, person: Person) -> Any:
        instance = getattr(person, "preferences", None)
        return PreferencesForm(req.POST or None, instance=instance)

    def save(req: HttpRequest, person: Person, form: Any) -> None:
        services.preferences_update(actor=req.user, person=person, **form.cleaned_data)

    return _edit_page(request, pk, permission_any=("people.change_person", "people.act_for_person"),
                      form_factory=factory, save=save, template="workspace/person_simple_form.html",
                      title="Cultural and personal preferences",
                      success="Preferences have been saved.")


@permission_required("people.view_person")
@person_page
def person_equality(request: HttpRequest, pk: int) -> HttpResponse:
    def factory(req: HttpRequest, person: Person) -> Any:
        # Staff record answers the person gives them now; they never see earlier ones.
        sees_answers = req.user.has_perm("people.view_equality", person)
        instance = getattr(person, "equality", None) if sees_answers else None
        return EqualityForm(req.POST or None, instance=instance)

    def save(req: HttpRequest, person: Person, form: Any) -> None:
        services.equality_update(actor=req.user, person=person, **form.cleaned_data)

    return _edit_page(request, pk, permission_any=("people.change_person", "people.act_for_person"),
                      form_factory=factory, save=save, template="workspace/person_equality.html",
                      title="Equality information",
                      success="Equality information has been saved.")


@permission_required("people.allocate_person")
@person_page
def person_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    def factory(req: HttpRequest, person: Person) -> Any:
        return AllocationForm(req.POST or None, person=person,
                              initial={"team": person.team_id,
                                       "worker": person.allocated_worker_id})

    def save(req: HttpRequest, person: Person, form: Any) -> None:
        services.person_allocate(actor=req.user, person=person, team=form.cleaned_data["team"],
                                 worker=form.cleaned_data["worker"])

    return _edit_page(request, pk, permission_any=("people.allocate_person",),
                      form_factory=factory, save=save, template="workspace/person_simple_form.html",
                      title="Allocate", success="The allocation has been saved.")


@permission_required("people.manage_relationships")
@person_page
def relationship_add(request: HttpRequest, pk: int) -> HttpResponse:
    def factory(req: HttpRequest, person: Person) -> Any:
        return RelationshipForm(req.POST or None)

    def save(req: HttpRequest, person: Person, form: Any) -> None:
        services.relationship_add(actor=req.user, person=person, **form.cleaned_data)

    return _edit_page(request, pk, permission_any=("people.manage_relationships",),
                      form_factory=factory, save=save, template="workspace/person_simple_form.html",
                      title="Add a carer, representative or advocate",
                      success="The relationship has been recorded.")


@permission_required("people.record_consent")
@person_page
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    def factory(req: HttpRequest, person: Person) -> Any:
        return ConsentForm(req.POST or None, person=person)

    def save(req: HttpRequest, person: Person, form: Any) -> None:
        services.consent_record(actor=req.user, person=person, **form.cleaned_data)

    return _edit_page(request, pk, permission_any=("people.record_consent",),
                      form_factory=factory, save=save, template="workspace/person_simple_form.html",
                      title="Record consent", success="The consent decision has been recorded.")


@authenticated
def authority_switch(request: HttpRequest) -> HttpResponse:
    """Staff who work in more than one authority choose which one they are working in."""
    from selfdirect.authorities.forms import AuthoritySwitchForm
    from selfdirect.authorities.web import SESSION_KEY

    ids = sorted(user_roles(request.user).by_authority)
    if len(ids) < 2:
        raise Http404
    form = AuthoritySwitchForm(request.POST or None,
                               authorities=Authority.objects.filter(pk__in=ids),
                               initial={"authority": getattr(user_current_authority(request),
                                                             "pk", None)})
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = form.cleaned_data["authority"].pk
        messages.success(request, f"You are now working in {form.cleaned_data['authority'].name}.")
        return redirect("dashboard")
    return render(request, "workspace/authority_switch.html", {"form": form})


@permission_required("people.view_history")
@person_page
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    from selfdirect.people.history import person_changes

    person = person_get(user=request.user, person_id=pk, path=request.path,
                        permission="people.view_history")
    return render(request, "workspace/person_history.html",
                  _person_context(request, person, changes=person_changes(person=person)))
