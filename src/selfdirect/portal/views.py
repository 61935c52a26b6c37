"""The supported person's and their carer's or representative's own pages, and the public
"Ask for support" page.

The person's record itself is the shared person page (``workspace.views.person_detail``),
which shows each reader only what they may see: one page, one set of services.

The pages under /my/ are for the person and for the people the person (or the law) lets
see or act for them. Staff never use them as the person: they work from the staff pages.
So they are marked with a portal permission, which the middleware refuses (403) to anyone
who has no portal access at all, and each view loads the person through ``person_get``
(404, logged) for anyone else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from selfdirect.assessments.models import Assessment, SelfAssessment
from selfdirect.assessments.selectors import (
    assessment_get,
    latest_eligibility,
    person_assessments,
    visible_contributions,
)
from selfdirect.assessments.services import (
    assessment_comment_add,
    self_assessment_save,
    self_referral_submit,
)
from selfdirect.audit.models import AccessLog
from selfdirect.audit.services import access_log_record
from selfdirect.authorities.models import Country
from selfdirect.core.permissions import permission_required, person_page, public
from selfdirect.core.views import add_service_errors
from selfdirect.outcomes.models import OutcomeTerm, PersonalOutcome
from selfdirect.outcomes.selectors import terms_for
from selfdirect.outcomes.services import outcome_add, outcome_withdraw
from selfdirect.people.models import Person
from selfdirect.people.rules import is_the_person
from selfdirect.people.selectors import person_get, portal_people_queryset
from selfdirect.portal import limits
from selfdirect.portal.forms import (
    QUESTIONS,
    TYPICAL_OUTCOMES,
    CommentForm,
    OutcomeMenuForm,
    RemoveOutcomeForm,
    SelfAssessmentForm,
    SelfReferralForm,
    TypicalOutcome,
    typical_groups,
)

SPEAK = "assessments.speak_for_person"
OWN_PAGES = "portal.view_own_pages"

# At most this many public referrals from one browser session in an hour.
SESSION_REFERENCE = "portal.self_referral_reference"

# The national eligibility bands, in plain words for the person.
BAND_MEANING = {
    "critical": "There is a serious risk to your health, safety or independence. You need "
                "support straight away.",
    "substantial": "There is a big risk to your health, safety or independence. You need "
                   "support soon.",
    "moderate": "There is some risk to your health, safety or independence. Some support "
                "may help, and the council will look at this again with you.",
    "low": "There is a small risk. Advice, or support from groups and services near you, "
           "may help.",
}


@permission_required(OWN_PAGES)
def portal_home(request: HttpRequest) -> HttpResponse:
    people = list(portal_people_queryset(user=request.user)
                  .select_related("authority").prefetch_related("relationships")
                  .order_by("family_name", "given_name"))
    for p in people:
        p.is_self = is_the_person(request.user, p)  # type: ignore[attr-defined]
        p.can_speak = request.user.has_perm(SPEAK, p)  # type: ignore[attr-defined]
        # Seeing the record is not seeing the person's money (a carer with view access).
        p.sees_charges = request.user.has_perm(  # type: ignore[attr-defined]
            "charging.view_charging", p)
        p.sees_payments = request.user.has_perm(  # type: ignore[attr-defined]
            "payments.view_payments", p)
    return render(request, "portal/home.html", {"people": people})


# --- Helpers -----------------------------------------------------------------------------


def _posted(request: HttpRequest) -> Any:
    """The submitted data, or None to show an empty form. (An empty POST is still a
    submission: ``request.POST or None`` would show no errors for it.)"""
    return request.POST if request.method == "POST" else None


def _require_own_pages(request: HttpRequest, person_id: int) -> None:
    """Only the person and those they (or the law) let see their record read it here.
    Staff who could see the record from the staff pages are refused, and the refusal is
    in the access log like any other."""
    if not portal_people_queryset(user=request.user).filter(pk=person_id).exists():
        access_log_record(user=request.user, person_id=person_id, path=request.path,
                          outcome=AccessLog.Outcome.DENIED)
        raise Http404("No person found.")


def _speaker_context(request: HttpRequest, person: Person, **extra: Any) -> dict[str, Any]:
    return {"person": person, "is_self": is_the_person(request.user, person), **extra}


def _current_self_assessment(person: Person) -> SelfAssessment | None:
    """The one ``self_assessment_save`` writes to: being written, or shared and not yet
    taken into an assessment."""
    return (SelfAssessment.objects
            .filter(person=person, state__in=[SelfAssessment.State.DRAFT,
                                              SelfAssessment.State.SHARED])
            .order_by("-updated_at", "-id").first())


def _proposals(person: Person) -> list[PersonalOutcome]:
    """What the person (or someone for them) proposed on these pages and still wants:
    not yet taken into an assessment."""
    return list(PersonalOutcome.objects.filter(
        person=person, assessment__isnull=True, state=PersonalOutcome.State.DRAFT,
        proposed_by__in=[PersonalOutcome.ProposedBy.PERSON, PersonalOutcome.ProposedBy.CARER],
        carer_plan_link__isnull=True,  # a carer's plan outcomes belong to the plan
    ).select_related("category").order_by("created_at", "id"))


def _menu_item(outcome: PersonalOutcome) -> TypicalOutcome | None:
    for item in TYPICAL_OUTCOMES:
        if outcome.in_own_words == item.text:
            return item
    return None


def _split_proposals(proposals: Iterable[PersonalOutcome]
                     ) -> tuple[dict[str, PersonalOutcome], list[PersonalOutcome]]:
    """Proposals chosen from the menu (by menu key), and those in the person's own words."""
    from_menu: dict[str, PersonalOutcome] = {}
    own: list[PersonalOutcome] = []
    for outcome in proposals:
        item = _menu_item(outcome)
        if item is not None and item.key not in from_menu:
            from_menu[item.key] = outcome
        else:
            own.append(outcome)
    return from_menu, own


def _proposed_by(request: HttpRequest, person: Person) -> str:
    """Who proposed it, truthfully: the person, or someone acting for them."""
    return (PersonalOutcome.ProposedBy.PERSON if is_the_person(request.user, person)
            else PersonalOutcome.ProposedBy.CARER)


def _category_for(item: TypicalOutcome, person: Person,
                  terms: dict[str, OutcomeTerm]) -> OutcomeTerm | None:
    code = item.england if person.authority.country == Country.ENGLAND else item.scotland
    return terms.get(code)


def _assessment_in_progress(person: Person) -> Assessment | None:
    return (Assessment.objects.filter(person=person, state=Assessment.State.IN_PROGRESS)
            .order_by("-started_on", "-id").first())


# --- Supported self-assessment -----------------------------------------------------------


@permission_required(SPEAK)
@person_page
def what_matters(request: HttpRequest, pk: int) -> HttpResponse:
    """The four questions, each optional, saved as a draft whenever the person likes."""
    person = person_get(user=request.user, person_id=pk, path=request.path, permission=SPEAK)
    current = _current_self_assessment(person)
    initial = {q[0]: getattr(current, q[0]) for q in QUESTIONS} if current else {}
    form = SelfAssessmentForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            answers = form.answers()
            self_assessment_save(actor=request.user, person=person, share=False,
                                 what_matters=answers["what_matters"],
                                 what_works=answers["what_works"],
                                 what_is_hard=answers["what_is_hard"],
                                 who_helps=answers["who_helps"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if "save_for_later" in request.POST:
                messages.success(request, "Your answers have been saved. You can come back "
                                          "and change them at any time.")
                return redirect("portal-what-matters", pk=person.pk)
            return redirect("portal-what-matters-outcomes", pk=person.pk)
    return render(request, "portal/what_matters.html", _speaker_context(
        request, person, form=form, current=current,
        in_progress=_assessment_in_progress(person), proposals=_proposals(person)))


@permission_required(SPEAK)
@person_page
def what_matters_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    """A menu of everyday outcomes to tick, and "something else, in your own words"."""
    person = person_get(user=request.user, person_id=pk, path=request.path, permission=SPEAK)
    from_menu, own = _split_proposals(_proposals(person))

    if request.method == "POST" and "remove" in request.POST:
        remove = RemoveOutcomeForm(request.POST)
        chosen = None
        if remove.is_valid():
            chosen = next((o for o in own if o.pk == remove.cleaned_data["outcome"]), None)
        if chosen is None:
            messages.info(request, "That had already been removed.")
        else:
            outcome_withdraw(actor=request.user, outcome=chosen,
                             reason="Removed on the person's own pages")
            messages.success(request, f"You removed “{chosen.in_own_words}”.")
        return redirect("portal-what-matters-outcomes", pk=person.pk)

    form = OutcomeMenuForm(_posted(request), initial={"chosen": list(from_menu)})
    if request.method == "POST" and form.is_valid():
        chosen_keys = set(form.cleaned_data["chosen"])
        own_words = form.cleaned_data["own_words"].strip()
        terms = {t.code: t for t in terms_for(country=person.authority.country,
                                              role=OutcomeTerm.Role.CATEGORY)}
        proposed_by = _proposed_by(request, person)
        try:
            with transaction.atomic():
                for item in TYPICAL_OUTCOMES:
                    if item.key in chosen_keys and item.key not in from_menu:
                        outcome_add(actor=request.user, person=person, in_own_words=item.text,
                                    category=_category_for(item, person, terms),
                                    proposed_by=proposed_by)
                for key, outcome in from_menu.items():
                    if key not in chosen_keys:
                        outcome_withdraw(actor=request.user, outcome=outcome,
                                         reason="Unticked on the person's own pages")
                if own_words:
                    outcome_add(actor=request.user, person=person, in_own_words=own_words,
                                proposed_by=proposed_by)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if "save_for_later" in request.POST:
                messages.success(request, "What you would like to change has been saved. "
                                          "You can come back and change it at any time.")
                return redirect("portal-what-matters-outcomes", pk=person.pk)
            return redirect("portal-what-matters-check", pk=person.pk)
    chosen_now = set(form["chosen"].value() or [])
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    index = 0  # ids as Django numbers them: the error summary links to id_chosen_0
    for name, items in typical_groups():
        rows = []
        for item in items:
            rows.append({"item": item, "checked": item.key in chosen_now,
                         "id": f"id_chosen_{index}"})
            index += 1
        groups.append((name, rows))
    return render(request, "portal/what_matters_outcomes.html", _speaker_context(
        request, person, form=form, groups=groups, own=own))


@permission_required(SPEAK)
@person_page
def what_matters_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check what you are sharing, then share it with your worker."""
    person = person_get(user=request.user, person_id=pk, path=request.path, permission=SPEAK)
    current = _current_self_assessment(person)
    proposals = _proposals(person)
    problem = None
    if request.method == "POST":
        if not ((current and current.what_matters.strip()) or proposals):
            problem = "nothing"
        else:
            try:
                self_assessment_save(actor=request.user, person=person, share=True)
            except ValidationError:
                problem = "nothing"
            else:
                messages.success(request, "You have shared this with your worker.")
                return redirect("portal-what-matters", pk=person.pk)
    answers = [(name, label, getattr(current, name, "") if current else "")
               for name, label, _, _ in QUESTIONS]
    return render(request, "portal/what_matters_check.html", _speaker_context(
        request, person, current=current, answers=answers, proposals=proposals,
        problem=problem, in_progress=_assessment_in_progress(person)))


# --- Reading your own assessment ---------------------------------------------------------


@permission_required(OWN_PAGES)
@person_page
def assessment_list(request: HttpRequest, pk: int) -> HttpResponse:
    _require_own_pages(request, pk)
    person = person_get(user=request.user, person_id=pk, path=request.path,
                        permission="assessments.view_assessment")
    return render(request, "portal/assessment_list.html", _speaker_context(
        request, person, assessments=list(person_assessments(person=person)),
        can_speak=request.user.has_perm(SPEAK, person)))


@permission_required(OWN_PAGES)
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The assessment in plain English, with the person's comments."""
    person_id = (Assessment.objects.filter(pk=assessment_id)
                 .values_list("person_id", flat=True).first())
    if person_id is None:
        raise Http404("No assessment found.")
    _require_own_pages(request, person_id)
    assessment = assessment_get(user=request.user, assessment_id=assessment_id,
                                path=request.path, permission="assessments.view_assessment")
    person = assessment.person
    can_comment = request.user.has_perm(SPEAK, person)
    form = CommentForm(_posted(request)) if can_comment else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only the person, or someone acting for them, can comment.")
        if form.is_valid():
            try:
                assessment_comment_add(actor=request.user, assessment=assessment,
                                       text=form.cleaned_data["text"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Your comment has been added. Your worker will "
                                          "read it.")
                return redirect("portal-assessment", assessment_id=assessment.pk)
    decision = latest_eligibility(assessment)
    outcomes = [o for o in assessment.outcomes.all()
                if o.state != PersonalOutcome.State.WITHDRAWN]
    comments = list(assessment.comments.select_related("author").order_by("created_at", "id"))
    return render(request, "portal/assessment_detail.html", _speaker_context(
        request, person, assessment=assessment, form=form, can_comment=can_comment,
        self_assessments=list(assessment.self_assessments.all()), outcomes=outcomes,
        conversations=[c for c in assessment.conversations.all()
                       if c.state != c.State.CANCELLED],
        contributions=visible_contributions(user=request.user, assessment=assessment),
        risks=list(assessment.risks.all()), decision=decision,
        band_meaning=BAND_MEANING.get(decision.overall_band, "") if decision else "",
        comments=comments))


# --- Asking for support without signing in ----------------------------------------------


@public
def self_referral(request: HttpRequest) -> HttpResponse:
    """Ask a council for support, for yourself or someone you care for. A few requests an
    hour from one address or for one contact (``portal.limits``)."""
    form = SelfReferralForm(_posted(request))
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
        contact = form.cleaned_data.get("contact") if valid else None
        if limits.limit_reached(request, contact):
            # Nothing is saved: the form only keeps what was typed.
            form.add_error(None, (
                f"{limits.LIMIT} requests have been sent from here or for these contact "
                "details in the last hour, so this one has not been sent. Wait an hour and "
                "try again, or phone the council. In an emergency, call 999."))
            status = 429
        elif valid:
            try:
                referral = self_referral_submit(**form.service_fields())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                limits.record_send(request, contact)
                request.session[SESSION_REFERENCE] = referral.reference
                return redirect("self-referral-sent")
    return render(request, "portal/self_referral.html", {"form": form}, status=status)


@public
def self_referral_sent(request: HttpRequest) -> HttpResponse:
    """What happens next. Shows nothing that was typed: only the reference number."""
    reference = request.session.get(SESSION_REFERENCE)
    if not reference:
        return redirect("self-referral")
    return render(request, "portal/self_referral_sent.html", {"reference": reference})
