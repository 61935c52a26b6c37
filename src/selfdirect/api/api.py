"""The HTTP API, at /api/, with its OpenAPI description at /api/docs.

Thin: each operation checks its permission (``api_permission``), calls the same
selectors and services as the pages, and returns a schema."""


from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from ninja import NinjaAPI, Query, Router, Status

from selfdirect.api.auth import BearerToken, Session
from selfdirect.api.errors import document_statuses
from selfdirect.api.errors import install as install_errors
from selfdirect.api.inputs import IsoDate
from selfdirect.api.pagination import page_of, page_query
from selfdirect.api.parser import BoundedParser
from selfdirect.api.permissions import AUTHENTICATED, api_permission
from selfdirect.api.schemas import (
    AssessmentOut,
    AssessmentStartIn,
    AssessmentSummaryOut,
    AuthorityOut,
    CarerPlanOut,
    ContributionIn,
    ContributionOut,
    ConversationIn,
    ConversationOut,
    ConversationRecordIn,
    EligibilityIn,
    EligibilityOut,
    ErrorOut,
    MeOut,
    OutcomeIn,
    OutcomeOut,
    PersonIn,
    PersonOut,
    PersonPage,
    PersonPatch,
    ReferralIn,
    ReferralOut,
    WaitingRowOut,
)
from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import Conversation, Referral
from selfdirect.assessments.selectors import (
    assessment_get,
    person_assessments,
    visible_contributions,
    waiting_list,
)
from selfdirect.authorities.models import Authority, StaffRole
from selfdirect.authorities.selectors import user_roles
from selfdirect.carers import selectors as carer_reads
from selfdirect.outcomes import services as outcome_services
from selfdirect.outcomes.models import OutcomeTerm, PersonalOutcome
from selfdirect.outcomes.selectors import terms_for
from selfdirect.people import services
from selfdirect.people.models import Person
from selfdirect.people.rules import STAFF_EDIT
from selfdirect.people.selectors import (
    PersonSearch,
    person_get,
    person_search,
    portal_people_queryset,
)


class SelfdirectAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        # Every status each operation can answer with, in the one error shape (api.errors).
        return document_statuses(super().get_openapi_schema(*args, **kwargs))


api = SelfdirectAPI(
    title="selfdirect API",
    version="1",
    description="Self-directed Support records. Every call is checked against the same "
                "permission rules as the pages; a record you may not see is reported as "
                "not found, and the attempt is logged. Every refusal has one shape: "
                '{"detail": "...", "errors": {"field": ["message", ...]}}.',
    auth=[BearerToken(), Session()],
    urls_namespace="api",
    parser=BoundedParser(),  # no NUL or overlong text in a query string (api.parser)
)
install_errors(api)  # every refusal in the ErrorOut shape, documented (api.errors)


def person_out(person: Person) -> dict[str, Any]:
    return {
        **{f: getattr(person, f) for f in (
            "id", "given_name", "family_name", "preferred_name", "pronouns", "date_of_birth",
            "chi_number", "nhs_number", "address_line_1", "address_line_2", "town", "postcode",
            "phone", "email", "contact_preference", "client_group")},
        "authority_code": person.authority.code,
        "team": person.team.name if person.team else None,
        "allocated_worker": (person.allocated_worker.get_full_name()
                             if person.allocated_worker else None),
        "communication_needs": [{"kind": n.kind, "label": n.get_kind_display(),
                                 "detail": n.detail} for n in person.communication_needs.all()],
    }


def person_summary_out(person: Person) -> dict[str, Any]:
    return {
        **{f: getattr(person, f) for f in (
            "id", "given_name", "family_name", "preferred_name", "date_of_birth", "identifier",
            "postcode")},
        "authority_code": person.authority.code,
        "allocated_worker": (person.allocated_worker.get_full_name()
                             if person.allocated_worker else None),
    }


me_router = Router(tags=["me"])
authorities_router = Router(tags=["authorities"])
people_router = Router(tags=["people"])


@me_router.get("", response=MeOut, summary="The signed-in user")
@api_permission(AUTHENTICATED)
def me(request: Any) -> Any:
    user = request.user
    roles = StaffRole.objects.filter(user=user, active=True).select_related("authority")
    return {
        "id": user.pk, "username": user.username, "name": user.get_full_name(),
        "roles": [{"authority": r.authority.name, "authority_code": r.authority.code,
                   "role": r.role} for r in roles],
        "people_in_own_portal": list(portal_people_queryset(user=user).values_list("pk", flat=True)),
    }


@authorities_router.get("", response=list[AuthorityOut], summary="Authorities you work in")
@api_permission(AUTHENTICATED)
def authority_list(request: Any) -> Any:
    return Authority.objects.filter(pk__in=list(user_roles(request.user).by_authority))


@people_router.get("", response=PersonPage, summary="Find people you may see")
@api_permission("people.search_people")
def person_list(request: Any, name: str = "", identifier: str = "", postcode: str = "",
                date_of_birth: IsoDate | None = None, mine: bool = False,
                page: int = page_query(), page_size: int = Query(25, ge=1, le=200)) -> Any:
    qs = person_search(user=request.user, search=PersonSearch(
        name=name, identifier=identifier, postcode=postcode, date_of_birth=date_of_birth,
        mine_only=mine))
    count, items = page_of(qs, page=page, page_size=page_size)
    return {"count": count, "page": page, "page_size": page_size,
            "items": [person_summary_out(p) for p in items]}


@people_router.get("/{id:person_id}", response={200: PersonOut, 404: ErrorOut},
                   summary="One person's record")
@api_permission("people.view_person")
def person_read(request: Any, person_id: int) -> Any:
    return person_out(person_get(user=request.user, person_id=person_id,
                                 path=request.path, channel="api"))


@people_router.post("", response={201: PersonOut, 403: ErrorOut, 422: ErrorOut},
                    summary="Record a new person")
@api_permission("people.add_person")
def person_create(request: Any, payload: PersonIn) -> Any:
    allowed = user_roles(request.user).authorities_with(*STAFF_EDIT)
    data = payload.dict()
    code = data.pop("authority_code")
    if code:
        authority = Authority.objects.filter(code=code, pk__in=allowed).first()
        if authority is None:
            raise ValidationError({"authority_code": "Enter the code of an authority you work in"})
    elif len(allowed) == 1:
        authority = Authority.objects.get(pk=allowed[0])
    else:
        raise ValidationError({"authority_code": "Enter the authority code: you work in more than one"})
    person = services.person_create(actor=request.user, authority=authority, channel="api", **data)
    return Status(201, person_out(person_get(user=request.user, person_id=person.pk, log=False)))


@people_router.patch("/{id:person_id}", response={200: PersonOut, 403: ErrorOut,
                                                   404: ErrorOut, 422: ErrorOut},
                     summary="Change a person's details")
@api_permission("people.view_person")
def person_update(request: Any, person_id: int, payload: PersonPatch) -> Any:
    person = person_get(user=request.user, person_id=person_id, path=request.path,
                        channel="api")
    changes = payload.dict(exclude_unset=True)
    services.person_update(actor=request.user, person=person, channel="api", **changes)
    return person_out(person_get(user=request.user, person_id=person.pk, log=False))


assessments_router = Router(tags=["assessments"])


def _assessment_summary(a: Any) -> dict[str, Any]:
    return {"id": a.pk, "state": a.state, "started_on": a.started_on,
            "completed_on": a.completed_on, "worker": a.worker.get_full_name()}


def _outcome_out(o: Any) -> dict[str, Any]:
    return {
        "id": o.pk, "in_own_words": o.in_own_words,
        "category": o.category.code if o.category else None,
        "national_outcomes": [t.code for t in o.national_outcomes.all()],
        "better_looks_like": o.better_looks_like, "measure": o.measure,
        "priority": o.priority, "proposed_by": o.proposed_by, "state": o.state,
    }


def _conversation_out(c: Any) -> dict[str, Any]:
    return {"id": c.pk, "when": c.when, "mode": c.mode, "state": c.state,
            "adjustments": c.adjustments}


def _contribution_out(c: Any) -> dict[str, Any]:
    return {"contributor_name": c.contributor_name, "contributor_role": c.contributor_role,
            "content": c.content, "worker_only": c.worker_only}


def _eligibility_out(d: Any) -> dict[str, Any]:
    return {
        **{f: getattr(d, f) for f in ("decided_on", "overall_band", "threshold_band",
                                      "eligible", "reasons", "next_steps", "signposting",
                                      "challenge_route")},
        "areas": [{"area": x.area, "band": x.band, "reason": x.reason} for x in d.areas.all()],
    }


@people_router.get("/{id:person_id}/assessments", response={200: list[AssessmentSummaryOut],
                                                             404: ErrorOut},
                   summary="A person's assessments")
@api_permission("assessments.view_assessment")
def assessment_list(request: Any, person_id: int) -> Any:
    person = person_get(user=request.user, person_id=person_id, path=request.path,
                        channel="api", permission="assessments.view_assessment")
    return [_assessment_summary(a) for a in person_assessments(person=person)]


@people_router.post("/{id:person_id}/referrals", response={201: ReferralOut, 403: ErrorOut,
                                                            404: ErrorOut, 422: ErrorOut},
                    summary="Record a referral for a person")
@api_permission("assessments.change_assessment")
def referral_create(request: Any, person_id: int, payload: ReferralIn) -> Any:
    person = person_get(user=request.user, person_id=person_id, path=request.path,
                        channel="api",
                        permission=("assessments.change_assessment", "people.view_person"))
    referral = assessing.referral_record(actor=request.user, person=person, **payload.dict())
    return Status(201, {**{f: getattr(referral, f) for f in (
        "id", "person_id", "source", "reason", "urgency", "received_on", "state")}})


@assessments_router.get("/{id:assessment_id}", response={200: AssessmentOut, 404: ErrorOut},
                        summary="One assessment, as its page shows it")
@api_permission("assessments.view_assessment")
def assessment_read(request: Any, assessment_id: int) -> Any:
    a = assessment_get(user=request.user, assessment_id=assessment_id, path=request.path, channel="api")
    return {
        **_assessment_summary(a), "person_id": a.person_id,
        **{f: getattr(a, f) for f in ("areas_discussed", "strengths", "networks", "person_view")},
        "outcomes": [_outcome_out(o) for o in a.outcomes.all()],
        "conversations": [_conversation_out(c) for c in a.conversations.all()],
        "contributions": [_contribution_out(c)
                          for c in visible_contributions(user=request.user, assessment=a)],
        "eligibility": [_eligibility_out(d) for d in a.eligibility_decisions.all()],
    }


@api.get("/waiting-list", response=list[WaitingRowOut], tags=["assessments"],
         summary="Everyone waiting whom you may see, past target first")
@api_permission("assessments.view_waiting_list")
def waiting_list_read(request: Any) -> Any:
    return [{"person_id": r.person.pk, "name": r.person.display_name, "stage": r.stage,
             "since": r.since, "days": r.days, "band": r.band, "target_days": r.target_days,
             "past_target": r.past_target} for r in waiting_list(user=request.user)]


# --- Changing an assessment ----------------------------------------------------------------

CHANGE = "assessments.change_assessment"
APPROVE = "assessments.approve_assessment"
outcomes_router = Router(tags=["assessments"])
conversations_router = Router(tags=["assessments"])
carers_router = Router(tags=["carers"])


def _terms(person: Person, role: str, codes: list[str], field: str) -> list[OutcomeTerm]:
    """The outcome terms named by ``codes``, from those the person's country uses."""
    known = {t.code: t for t in terms_for(country=person.authority.country, role=role)
             .filter(code__in=codes)}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError({field: f"Unknown code: {', '.join(unknown)}"})
    return [known[c] for c in codes]


@people_router.post("/{id:person_id}/assessments",
                    response={201: AssessmentSummaryOut, 403: ErrorOut, 404: ErrorOut,
                              422: ErrorOut},
                    summary="Start an assessment")
@api_permission(CHANGE)
def assessment_create(request: Any, person_id: int,
                      payload: AssessmentStartIn | None = None) -> Any:
    payload = payload or AssessmentStartIn()
    person = person_get(user=request.user, person_id=person_id, path=request.path,
                        channel="api", permission=CHANGE)
    referral = None
    if payload.referral_id is not None:
        referral = Referral.objects.filter(pk=payload.referral_id, person=person).first()
        if referral is None:
            raise ValidationError({"referral_id": "Choose one of this person's referrals."})
    assessment = assessing.assessment_start(actor=request.user, person=person,
                                            referral=referral, started_on=payload.started_on)
    return Status(201, _assessment_summary(assessment))


@assessments_router.post("/{id:assessment_id}/outcomes",
                         response={201: OutcomeOut, 403: ErrorOut, 404: ErrorOut,
                                   422: ErrorOut},
                         summary="Add a personal outcome to an assessment")
@api_permission(CHANGE)
def outcome_create(request: Any, assessment_id: int, payload: OutcomeIn) -> Any:
    a = assessment_get(user=request.user, assessment_id=assessment_id, path=request.path, channel="api",
                       permission=CHANGE)
    data = payload.dict()
    category_code = data.pop("category")
    category = (_terms(a.person, OutcomeTerm.Role.CATEGORY, [category_code], "category")[0]
                if category_code else None)
    national = _terms(a.person, OutcomeTerm.Role.NATIONAL, data.pop("national_outcomes"),
                      "national_outcomes")
    outcome = outcome_services.outcome_add(actor=request.user, person=a.person, assessment=a,
                                           category=category, national_outcomes=national,
                                           **data)
    return Status(201, _outcome_out(outcome))


def _outcome_for_change(request: Any, outcome_id: int) -> PersonalOutcome:
    """The outcome, its person's record opened through the person rules (and logged)."""
    ids = (PersonalOutcome.objects.filter(pk=outcome_id)
           .values_list("person_id", "assessment_id").first())
    if ids is None:
        raise Http404("No outcome found.")
    person_id, assessment_id = ids
    if assessment_id is not None:
        assessment_get(user=request.user, assessment_id=assessment_id, path=request.path, channel="api",
                       permission=CHANGE)
    else:
        person_get(user=request.user, person_id=person_id, path=request.path,
                   channel="api", permission=CHANGE)
    return PersonalOutcome.objects.get(pk=outcome_id)


@outcomes_router.post("/{id:outcome_id}/agree",
                      response={200: OutcomeOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
                      summary="Agree a personal outcome with the person")
@api_permission(CHANGE)
def outcome_agree(request: Any, outcome_id: int) -> Any:
    outcome = _outcome_for_change(request, outcome_id)
    return _outcome_out(outcome_services.outcome_agree(actor=request.user, outcome=outcome))


@assessments_router.post("/{id:assessment_id}/conversations",
                         response={201: ConversationOut, 403: ErrorOut, 404: ErrorOut,
                                   422: ErrorOut},
                         summary="Book a conversation")
@api_permission(CHANGE)
def conversation_create(request: Any, assessment_id: int, payload: ConversationIn) -> Any:
    a = assessment_get(user=request.user, assessment_id=assessment_id, path=request.path, channel="api",
                       permission=CHANGE)
    conversation = assessing.conversation_book(actor=request.user, assessment=a,
                                               **payload.dict())
    return Status(201, _conversation_out(conversation))


@conversations_router.post("/{id:conversation_id}/record",
                           response={200: ConversationOut, 403: ErrorOut, 404: ErrorOut,
                                     422: ErrorOut},
                           summary="Record that a conversation was held")
@api_permission(CHANGE)
def conversation_held(request: Any, conversation_id: int, payload: ConversationRecordIn) -> Any:
    assessment_id = (Conversation.objects.filter(pk=conversation_id)
                     .values_list("assessment_id", flat=True).first())
    if assessment_id is None:
        raise Http404("No conversation found.")
    a = assessment_get(user=request.user, assessment_id=assessment_id, path=request.path, channel="api",
                       permission=CHANGE)
    conversation = next(c for c in a.conversations.all() if c.pk == conversation_id)
    conversation.assessment = a
    return _conversation_out(assessing.conversation_record(
        actor=request.user, conversation=conversation, **payload.dict()))


@assessments_router.post("/{id:assessment_id}/contributions",
                         response={201: ContributionOut, 403: ErrorOut, 404: ErrorOut,
                                   422: ErrorOut},
                         summary="Add what a family member or professional said")
@api_permission(CHANGE)
def contribution_create(request: Any, assessment_id: int, payload: ContributionIn) -> Any:
    a = assessment_get(user=request.user, assessment_id=assessment_id, path=request.path, channel="api",
                       permission=CHANGE)
    contribution = assessing.contribution_add(actor=request.user, assessment=a,
                                              **payload.dict())
    return Status(201, _contribution_out(contribution))


@assessments_router.post("/{id:assessment_id}/eligibility",
                         response={201: EligibilityOut, 403: ErrorOut, 404: ErrorOut,
                                   422: ErrorOut},
                         summary="Decide eligibility")
@api_permission(CHANGE)
def eligibility_create(request: Any, assessment_id: int, payload: EligibilityIn) -> Any:
    a = assessment_get(user=request.user, assessment_id=assessment_id, path=request.path, channel="api",
                       permission=CHANGE)
    data = payload.dict()
    if data["challenge_route"] is None:
        del data["challenge_route"]
    data["areas"] = [(x["area"], x["band"], x["reason"]) for x in data["areas"]]
    decision = assessing.eligibility_decide(actor=request.user, assessment=a, **data)
    return Status(201, _eligibility_out(decision))


@assessments_router.post("/{id:assessment_id}/complete",
                         response={200: AssessmentSummaryOut, 403: ErrorOut, 404: ErrorOut,
                                   422: ErrorOut},
                         summary="Complete the assessment (the worker)")
@api_permission(CHANGE)
def assessment_completed(request: Any, assessment_id: int) -> Any:
    a = assessment_get(user=request.user, assessment_id=assessment_id, path=request.path, channel="api",
                       permission=CHANGE)
    return _assessment_summary(assessing.assessment_complete(actor=request.user, assessment=a))


@assessments_router.post("/{id:assessment_id}/sign-off",
                         response={200: AssessmentSummaryOut, 403: ErrorOut, 404: ErrorOut,
                                   422: ErrorOut},
                         summary="Sign off a completed assessment (a team manager)")
@api_permission(APPROVE)
def assessment_sign_off(request: Any, assessment_id: int) -> Any:
    a = assessment_get(user=request.user, assessment_id=assessment_id, path=request.path, channel="api",
                       permission=APPROVE)
    return _assessment_summary(assessing.assessment_approve(actor=request.user, assessment=a))


@carers_router.get("/plans/{id:plan_id}", response={200: CarerPlanOut, 404: ErrorOut},
                   summary="An adult carer support plan (part of the carer's own record)")
@api_permission(carer_reads.VIEW)
def carer_plan_read(request: Any, plan_id: int) -> Any:
    plan = carer_reads.plan_get(user=request.user, plan_id=plan_id, path=request.path,
                                  channel="api")
    outcomes = carer_reads.plan_outcomes(plan)
    prefetch_related_objects(outcomes, "national_outcomes")
    latest = carer_reads.latest_eligibility(plan)
    return {
        **{f: getattr(plan, f) for f in (
            "id", "carer_id", "cared_for_id", "state", "first_conversation_on",
            "circumstances", "nature_and_extent", "impact", "willingness_and_ability",
            "emergency_arrangements", "future_arrangements", "identified_needs",
            "local_support", "support_where_carer_lives", "support_to_be_provided",
            "short_break", "short_break_details", "review_arrangements", "agreed_on")},
        "outcomes": [_outcome_out(o) for o in outcomes],
        "latest_eligibility": None if latest is None else {
            **{f: getattr(latest, f) for f in (
                "decided_on", "overall_level", "threshold_level", "eligible", "reasons",
                "signposting", "challenge_route")},
            "areas": [{"area": x.area, "level": x.level, "reason": x.reason}
                      for x in latest.areas.all()],
        },
    }


api.add_router("/me", me_router)
api.add_router("/assessments", assessments_router)
api.add_router("/outcomes", outcomes_router)
api.add_router("/conversations", conversations_router)
api.add_router("/carers", carers_router)
api.add_router("/authorities", authorities_router)
api.add_router("/people", people_router)
api.add_router("", "selfdirect.allocation.api.router")  # tag "budgets"
api.add_router("", "selfdirect.allocation.admin_api.router")  # tag "panel and questionnaire"
api.add_router("", "selfdirect.charging.api.router")  # tag "charging"
api.add_router("", "selfdirect.planning.api.router")  # tag "planning"
api.add_router("", "selfdirect.planning.referral_api.router")  # tag "referrals"
api.add_router("", "selfdirect.providers.api.router")  # tag "providers"
api.add_router("", "selfdirect.spending.api.router")  # tag "spending"

__all__ = ["api"]
api.add_router("", "selfdirect.payments.api.router")  # tag "payments"
api.add_router("", "selfdirect.payments.hours_api.router")  # tag "delivered hours"
api.add_router("", "selfdirect.jobs.api.router")  # tag "background jobs"
