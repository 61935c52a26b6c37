"""The staff pages for referrals and assessments.

Each view parses, calls one service or selector, renders. The middleware has checked the
permission named in the decorator for *some* record; the object check happens when the
person or the assessment is loaded (``person_get`` / ``assessment_get``), which answers
404 for a record the user may not see or change, and writes the access log.

Pages that change an assessment carry the view marker and load the assessment with the
change permission: someone who may see the record but not change it (a finance officer,
the person) gets "not found" rather than a page of controls, like ``person-edit``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from selfdirect.assessments import services
from selfdirect.assessments.forms import (
    AssessmentForm,
    ContributionForm,
    ConversationBookForm,
    ConversationCancelForm,
    ConversationRecordForm,
    EligibilityForm,
    OutcomeForm,
    ReferralForm,
    RiskForm,
    ServiceStartedForm,
)
from selfdirect.assessments.models import Assessment, Band, Conversation
from selfdirect.assessments.selectors import (
    assessment_get,
    latest_eligibility,
    person_assessments,
    person_referrals,
    visible_contributions,
)
from selfdirect.authorities.policy import policy_value
from selfdirect.core.permissions import permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.outcomes import services as outcome_services
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.outcomes.quality import outcome_quality_issues
from selfdirect.people.models import Person
from selfdirect.people.selectors import person_get

VIEW = "assessments.view_assessment"
CHANGE = "assessments.change_assessment"
APPROVE = "assessments.approve_assessment"
THRESHOLD_KEY = "eligibility.threshold_band"


# --- Loading -----------------------------------------------------------------------------


def _person(request: HttpRequest, pk: int, permission: str) -> Person:
    return person_get(user=request.user, person_id=pk, path=request.path,
                                  permission=permission)


def _assessment(request: HttpRequest, assessment_id: int, permission: str = VIEW) -> Assessment:
    """The assessment with everything its pages show; 404 unless the user holds
    ``permission`` for it (``assessment_get`` logs the opening or the refusal)."""
    assessment = assessment_get(user=request.user, assessment_id=assessment_id,
                                path=request.path, permission=permission)
    return assessment


def _conversation(assessment: Assessment, conversation_id: int) -> Conversation:
    found = next((c for c in assessment.conversations.all() if c.pk == conversation_id), None)
    if found is None:
        raise Http404("No conversation found.")
    return found


def _outcome(assessment: Assessment, outcome_id: int) -> PersonalOutcome:
    found = next((o for o in assessment.outcomes.all() if o.pk == outcome_id), None)
    if found is None:
        raise Http404("No outcome found.")
    return found


def _locked(assessment: Assessment) -> str | None:
    """Why the assessment cannot be changed any more, or None while it can."""
    if assessment.state == Assessment.State.IN_PROGRESS:
        return None
    return (f"This assessment is {assessment.get_state_display().lower()}: it can no longer "
            "be changed. Start a new assessment or a review instead.")


def _threshold(person: Person) -> str | None:
    try:
        return str(policy_value(authority=person.authority, key=THRESHOLD_KEY))
    except KeyError:  # a country whose policy set has no risk-band threshold (England)
        return None


def _form_page(request: HttpRequest, assessment: Assessment, *, form: forms.BaseForm,
               save: Callable[[], Any], title: str, success: str,
               template: str = "assessments/form_page.html", submit: str = "Save",
               locked: str | None = None, **extra: Any) -> HttpResponse:
    """Show ``form``; on a valid POST call ``save`` (one service) and go back to the
    assessment, or put the service's messages on the form's fields."""
    if request.method == "POST" and locked is None and form.is_valid():
        try:
            save()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("assessment-detail", assessment_id=assessment.pk)
    return render(request, template, {
        "assessment": assessment, "person": assessment.person, "form": form, "title": title,
        "submit": submit, "locked": locked, **extra})


# --- Referrals and the list of assessments -----------------------------------------------


@permission_required(VIEW)
@person_page
def referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, CHANGE)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_record(actor=request.user, person=person, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The referral has been recorded.")
            return redirect("assessment-list", pk=person.pk)
    return render(request, "assessments/referral_form.html", {"person": person, "form": form})


@permission_required(VIEW)
@person_page
def assessment_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's assessments and referrals; POST starts an assessment."""
    starting = request.method == "POST"
    person = _person(request, pk, CHANGE if starting else VIEW)
    errors: list[str] = []
    if starting:
        try:
            assessment = services.assessment_start(actor=request.user, person=person)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "The assessment has been started.")
            return redirect("assessment-detail", assessment_id=assessment.pk)
    return render(request, "assessments/assessment_list.html", {
        "person": person, "errors": errors,
        "assessments": list(person_assessments(person=person)),
        "referrals": list(person_referrals(person=person)),
        "can_change": request.user.has_perm(CHANGE, person),
    })


# --- The assessment page -----------------------------------------------------------------


@permission_required(VIEW)
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Everything about one assessment, in a fixed number of queries."""
    assessment = _assessment(request, assessment_id)
    user = request.user
    in_progress = assessment.state == Assessment.State.IN_PROGRESS
    may_change = user.has_perm(CHANGE, assessment)
    outcomes = [(o, outcome_quality_issues(o) if o.state == PersonalOutcome.State.DRAFT else [])
                for o in assessment.outcomes.all()]
    can = {
        "change": may_change and in_progress,
        "approve": (user.has_perm(APPROVE, assessment)
                    and assessment.state == Assessment.State.COMPLETED),
        "service_started": (may_change and not in_progress
                            and assessment.service_started_on is None),
    }
    return render(request, "assessments/assessment_detail.html", {
        "assessment": assessment, "person": assessment.person, "can": can,
        "outcomes": outcomes,
        "shared": next(iter(assessment.self_assessments.all()), None),
        "conversations": list(assessment.conversations.all()),
        "contributions": visible_contributions(user=user, assessment=assessment),
        "decision": latest_eligibility(assessment),
        "blockers": services.completion_blockers(assessment) if in_progress else [],
        # assessment_get does not prefetch the comments: one query, authors joined.
        "comments": list(assessment.comments.select_related("author")),
    })


@permission_required(VIEW)
def assessment_print(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """A plain-English copy for the person, to read, print or keep."""
    assessment = _assessment(request, assessment_id)
    outcomes = [o for o in assessment.outcomes.all()
                if o.state != PersonalOutcome.State.WITHDRAWN]
    return render(request, "assessments/assessment_print.html", {
        "assessment": assessment, "person": assessment.person,
        "shared": next(iter(assessment.self_assessments.all()), None),
        "outcomes": outcomes,
        "agreed": [o for o in outcomes if o.state == PersonalOutcome.State.AGREED],
        "held": [c for c in assessment.conversations.all()
                 if c.state == Conversation.State.HELD],
        "contributions": visible_contributions(user=request.user, assessment=assessment),
        "decision": latest_eligibility(assessment),
        "comments": list(assessment.comments.select_related("author")),
    })


@permission_required(VIEW)
def assessment_edit(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, CHANGE)
    form = AssessmentForm(request.POST or None, instance=assessment)

    def save() -> None:
        services.assessment_update(actor=request.user, assessment=assessment,
                                   **form.service_fields())

    return _form_page(request, assessment, form=form, save=save, locked=_locked(assessment),
                      title="Areas discussed, strengths and networks",
                      success="The assessment has been saved.")


# --- Conversations -----------------------------------------------------------------------


@permission_required(VIEW)
def conversation_new(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, CHANGE)
    needs = services.needs_to_arrange(assessment.person)
    form = ConversationBookForm(request.POST or None, needs=needs)

    def save() -> None:
        services.conversation_book(actor=request.user, assessment=assessment,
                                   **form.service_fields())

    return _form_page(request, assessment, form=form, save=save, locked=_locked(assessment),
                      template="assessments/conversation_form.html",
                      title="Book a conversation", submit="Book the conversation",
                      success="The conversation has been booked.", needs=needs)


@permission_required(VIEW)
def conversation_record(request: HttpRequest, assessment_id: int,
                        conversation_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, CHANGE)
    conversation = _conversation(assessment, conversation_id)
    form = ConversationRecordForm(request.POST or None,
                                  initial={"participants": conversation.participants})

    def save() -> None:
        services.conversation_record(actor=request.user, conversation=conversation,
                                     **form.cleaned_data)

    locked = _locked(assessment) or (
        None if conversation.state == Conversation.State.BOOKED
        else f"This conversation is {conversation.get_state_display().lower()}.")
    return _form_page(request, assessment, form=form, save=save, locked=locked,
                      template="assessments/conversation_form.html",
                      title="Record a conversation that was held", submit="Save",
                      success="The conversation has been recorded.",
                      conversation=conversation)


@permission_required(VIEW)
def conversation_cancel(request: HttpRequest, assessment_id: int,
                        conversation_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, CHANGE)
    conversation = _conversation(assessment, conversation_id)
    form = ConversationCancelForm(request.POST or None)

    def save() -> None:
        services.conversation_cancel(actor=request.user, conversation=conversation,
                                     reason=form.cleaned_data["reason"])

    locked = _locked(assessment) or (
        None if conversation.state == Conversation.State.BOOKED
        else f"This conversation is {conversation.get_state_display().lower()}: "
             "only a booked conversation can be cancelled.")
    return _form_page(request, assessment, form=form, save=save, locked=locked,
                      template="assessments/conversation_form.html",
                      title="Cancel a conversation", submit="Cancel the conversation",
                      success="The conversation has been cancelled.",
                      conversation=conversation, cancelling=True)


# --- Outcomes ----------------------------------------------------------------------------


@permission_required(VIEW)
def outcome_new(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, CHANGE)
    form = OutcomeForm(request.POST or None, person=assessment.person)

    def save() -> None:
        outcome_services.outcome_add(actor=request.user, person=assessment.person,
                                     assessment=assessment, **form.service_fields())

    return _form_page(request, assessment, form=form, save=save, locked=_locked(assessment),
                      template="assessments/outcome_form.html", title="Add an outcome",
                      success="The outcome has been added.")


@permission_required(VIEW)
def outcome_edit(request: HttpRequest, assessment_id: int, outcome_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, CHANGE)
    outcome = _outcome(assessment, outcome_id)
    form = OutcomeForm(request.POST or None, person=assessment.person,
                       instance=PersonalOutcome.objects.get(pk=outcome.pk))

    def save() -> None:
        outcome_services.outcome_update(actor=request.user, outcome=outcome,
                                        **form.service_fields())

    locked = _locked(assessment) or (
        None if outcome.state == PersonalOutcome.State.DRAFT
        else "This outcome is agreed: an agreed outcome is changed at a review, with the person.")
    return _form_page(request, assessment, form=form, save=save, locked=locked,
                      template="assessments/outcome_form.html", title="Change an outcome",
                      success="The outcome has been saved.", outcome=outcome)


@permission_required(VIEW)
def outcome_agree(request: HttpRequest, assessment_id: int, outcome_id: int) -> HttpResponse:
    """The outcome and every quality check it fails, each naming what is missing."""
    assessment = _assessment(request, assessment_id, CHANGE)
    outcome = _outcome(assessment, outcome_id)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            outcome_services.outcome_agree(actor=request.user, outcome=outcome)
        except ValidationError as exc:
            errors = ([(field, m) for field, msgs in exc.message_dict.items() for m in msgs]
                      if hasattr(exc, "error_dict") else [("", m) for m in exc.messages])
        else:
            messages.success(request, "The outcome has been agreed.")
            return redirect("assessment-detail", assessment_id=assessment.pk)
    issues = [(i.field, i.message) for i in outcome_quality_issues(outcome)]
    return render(request, "assessments/outcome_agree.html", {
        "assessment": assessment, "person": assessment.person, "outcome": outcome,
        "errors": errors, "issues": errors or issues, "locked": _locked(assessment),
        "agreeable": outcome.state == PersonalOutcome.State.DRAFT,
    })


# --- Contributions and risks -------------------------------------------------------------


@permission_required(VIEW)
def contribution_new(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Nothing is saved without the person's consent; the page says so and where to
    record it."""
    assessment = _assessment(request, assessment_id, CHANGE)
    form = ContributionForm(request.POST or None)
    state: dict[str, bool] = {"consent_missing": False}

    def save() -> None:
        try:
            services.contribution_add(actor=request.user, assessment=assessment,
                                      **form.service_fields())
        except ValidationError as exc:
            state["consent_missing"] = "consent" in getattr(exc, "error_dict", {})
            raise

    return _form_page(request, assessment, form=form, save=save, locked=_locked(assessment),
                      template="assessments/contribution_form.html",
                      title="Add a contribution", success="The contribution has been added.",
                      state=state)


@permission_required(VIEW)
def risk_new(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, CHANGE)
    form = RiskForm(request.POST or None)

    def save() -> None:
        services.risk_add(actor=request.user, assessment=assessment, **form.service_fields())

    return _form_page(request, assessment, form=form, save=save, locked=_locked(assessment),
                      title="Record a risk", success="The risk has been recorded.",
                      intro=("Record the risk, what the person wants, and how the risk is "
                             "shared: risks are enabled with the person, not only avoided."))


# --- Eligibility -------------------------------------------------------------------------


@permission_required(VIEW)
def eligibility(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, CHANGE)
    threshold = _threshold(assessment.person)
    form = EligibilityForm(request.POST or None)

    def save() -> None:
        try:
            services.eligibility_decide(actor=request.user, assessment=assessment,
                                        **form.service_fields())
        except KeyError as exc:
            raise ValidationError(
                "The authority has no eligibility threshold in force today: ask an "
                "administrator to set it before recording the decision.") from exc

    return _form_page(request, assessment, form=form, save=save, locked=_locked(assessment),
                      template="assessments/eligibility_form.html",
                      title="Eligibility decision", submit="Record the decision",
                      success="The eligibility decision has been recorded.",
                      threshold=Band(threshold).label if threshold else None)


# --- Completion, sign-off and support starting -------------------------------------------


def _confirm_page(request: HttpRequest, assessment: Assessment, *, act: Callable[[], Any],
                  blockers: list[str], title: str, submit: str, success: str,
                  explain: str) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        try:
            act()
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, success)
            return redirect("assessment-detail", assessment_id=assessment.pk)
    return render(request, "assessments/confirm.html", {
        "assessment": assessment, "person": assessment.person, "title": title,
        "submit": submit, "explain": explain, "errors": errors,
        "blockers": [] if errors else blockers})


@permission_required(VIEW)
def assessment_complete(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, CHANGE)
    locked = _locked(assessment)
    blockers = [locked] if locked else services.completion_blockers(assessment)
    return _confirm_page(
        request, assessment, blockers=blockers, title="Complete the assessment",
        submit="Complete the assessment", success="The assessment has been completed.",
        explain="Once complete, the assessment cannot be changed. A team manager signs it off.",
        act=lambda: services.assessment_complete(actor=request.user, assessment=assessment))


@permission_required(VIEW)
def assessment_sign_off(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id, APPROVE)
    blockers = []
    if assessment.state != Assessment.State.COMPLETED:
        blockers.append("Only a completed assessment can be signed off.")
    elif assessment.completed_by_id == request.user.pk:
        blockers.append("Another team manager must sign off an assessment you completed.")
    return _confirm_page(
        request, assessment, blockers=blockers, title="Sign off the assessment",
        submit="Sign off the assessment", success="The assessment has been signed off.",
        explain="Signing off confirms the assessment and its eligibility decision.",
        act=lambda: services.assessment_approve(actor=request.user, assessment=assessment))


@permission_required(VIEW)
def service_started(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """When the first support began: stops the waiting clock. (Support plans will set
    this themselves; until they exist it is recorded here.)"""
    assessment = _assessment(request, assessment_id, CHANGE)
    form = ServiceStartedForm(request.POST or None,
                              initial={"service_started_on": assessment.service_started_on})

    def save() -> None:
        services.assessment_service_started(
            actor=request.user, assessment=assessment,
            started_on=form.cleaned_data["service_started_on"])

    locked = ("Complete the assessment before recording that support started."
              if assessment.state == Assessment.State.IN_PROGRESS else None)
    return _form_page(request, assessment, form=form, save=save, locked=locked,
                      title="Record when support started",
                      success="The date support started has been recorded.",
                      intro="This stops the waiting clock for the person.")
