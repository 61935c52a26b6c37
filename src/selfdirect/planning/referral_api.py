"""Referrals to providers in the HTTP API (tag "referrals"), mounted at /api/ by
``selfdirect.api.api``.

The same permissions and services as the referral pages (``planning/referral_views.py``):
the person's worker or team manager sends an Option 2 or 3 support line to a provider and
may withdraw it while it waits; the people who work for a provider see the referrals sent
to their own provider, and only those, with what they need to give the support well, and
accept or decline with a reason.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Router, Schema, Status

from selfdirect.api.inputs import InSchema
from selfdirect.api.permissions import api_permission
from selfdirect.api.schemas import ErrorOut
from selfdirect.audit.models import AccessLog
from selfdirect.audit.services import access_log_record
from selfdirect.people.models import Preferences
from selfdirect.people.selectors import person_get
from selfdirect.planning import referrals
from selfdirect.planning.models import Referral, SupportLine
from selfdirect.providers.models import Provider

WRITE = "planning.write_plan"
RESPOND = "planning.respond_to_referral"

router = Router(tags=["referrals"])


class SentReferralOut(Schema):
    """A referral as the worker who sent it sees it."""

    id: int
    line_id: int
    person_id: int
    provider_id: int
    provider: str
    status: str
    status_label: str
    message: str
    chosen_despite: str
    sent_at: datetime.datetime
    responded_at: datetime.datetime | None
    decline_reason: str


class ReferralNeedOut(Schema):
    kind: str
    label: str
    detail: str


class WishesOut(Schema):
    food: str
    routines: str
    faith: str
    carer_gender: str
    carer_language: str
    other: str


class ProviderReferralOut(Schema):
    """A referral as the provider sees it: the support, what it is for, and how the person
    wants it given; nothing else of their record."""

    id: int
    provider_id: int
    provider: str
    status: str
    status_label: str
    what: str
    when: str
    hours_per_week: Decimal | None
    option: str
    service_type: str
    outcome_in_own_words: str | None
    message: str
    person_name: str
    person_pronouns: str
    person_postcode: str
    sent_at: datetime.datetime
    responded_at: datetime.datetime | None
    decline_reason: str


class ProviderReferralDetailOut(ProviderReferralOut):
    wishes: WishesOut | None
    communication_needs: list[ReferralNeedOut]


class ProviderReferralIn(InSchema):
    limits_from = (Referral,)

    provider_id: int
    message: str = ""
    chosen_despite: str = ""


class ResponseIn(InSchema):
    limits_from = (Referral,)

    accept: bool
    decline_reason: str = ""


def _out(referral: Referral) -> dict[str, Any]:
    return {**{f: getattr(referral, f) for f in (
        "id", "line_id", "provider_id", "status", "message", "chosen_despite", "sent_at",
        "responded_at", "decline_reason")},
        "person_id": referral.line.plan.person_id, "provider": referral.provider.name,
        "status_label": referral.get_status_display()}


def _provider_out(referral: Referral) -> dict[str, Any]:
    line, person = referral.line, referral.line.plan.person
    return {**{f: getattr(referral, f) for f in (
        "id", "provider_id", "status", "message", "sent_at", "responded_at", "decline_reason")},
        "provider": referral.provider.name, "status_label": referral.get_status_display(),
        "what": line.what, "when": line.when, "hours_per_week": line.hours_per_week,
        "option": line.option, "service_type": line.service_type,
        "outcome_in_own_words": line.outcome.in_own_words if line.outcome else None,
        "person_name": person.display_name, "person_pronouns": person.pronouns,
        "person_postcode": person.postcode}


def _line(request: Any, line_id: int) -> SupportLine:
    """The line, when the caller may write its person's plan (404 otherwise, logged)."""
    person_id = (SupportLine.objects.filter(pk=line_id)
                 .values_list("plan__person_id", flat=True).first())
    if person_id is None:
        raise Http404("No such support line.")
    person = person_get(user=request.user, person_id=person_id, path=request.path,
                        channel="api", permission=WRITE)
    line = SupportLine.objects.select_related("plan", "outcome").get(pk=line_id)
    line.plan.person = person
    return line


def _for_provider(request: Any, referral_id: int) -> Referral:
    """A referral sent to a provider the caller works for; 404 for any other."""
    referral = (Referral.objects.select_related("provider", "line__outcome", "line__plan__person")
                .filter(pk=referral_id).first())
    if referral is None or not request.user.has_perm(RESPOND, referral):
        raise Http404("No such referral.")
    return referral


def _for_worker(request: Any, referral_id: int) -> Referral:
    """A referral of a plan the caller may write (404 otherwise, logged)."""
    person_id = (Referral.objects.filter(pk=referral_id)
                 .values_list("line__plan__person_id", flat=True).first())
    if person_id is None:
        raise Http404("No such referral.")
    person = person_get(user=request.user, person_id=person_id, path=request.path,
                        channel="api", permission=WRITE)
    referral = Referral.objects.select_related("provider", "line__plan").get(pk=referral_id)
    referral.line.plan.person = person
    return referral


@router.post("/support-lines/{id:support_line_id}/referrals",
             response={201: SentReferralOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Send an Option 2 or 3 support line to a provider (off the framework list "
                     "or outside the area: say why it is chosen)")
@api_permission(WRITE)
def referral_create(request: Any, support_line_id: int, payload: ProviderReferralIn) -> Any:
    line = _line(request, support_line_id)
    provider = Provider.objects.filter(pk=payload.provider_id, active=True).first()
    if provider is None:
        raise ValidationError({"provider_id": "Choose a provider in the directory"})
    try:
        referral = referrals.referral_send(actor=request.user, line=line, provider=provider,
                                           message=payload.message,
                                           chosen_despite=payload.chosen_despite)
    except ValidationError as exc:  # the service names the provider; the call its id
        raise ValidationError({"provider_id" if k == "provider" else k: v
                               for k, v in exc.message_dict.items()}) from exc
    return Status(201, _out(referral))


@router.get("/referrals", response=list[ProviderReferralOut],
            summary="The referrals sent to the providers you work for, newest first")
@api_permission(RESPOND)
def referral_list(request: Any) -> Any:
    return [_provider_out(r) for r in referrals.referrals_for_member(request.user)]


@router.get("/referrals/{id:referral_id}", response={200: ProviderReferralDetailOut, 404: ErrorOut},
            summary="One referral sent to your provider, with how the person wants support given")
@api_permission(RESPOND)
def referral_read(request: Any, referral_id: int) -> Any:
    referral = _for_provider(request, referral_id)
    person = referral.line.plan.person
    # A provider reads only what it needs to give the support; the opening is logged.
    access_log_record(user=request.user, person_id=person.pk, path=request.path,
                      outcome=AccessLog.Outcome.VIEWED, channel="api")
    wishes = Preferences.objects.filter(person=person).first()
    return {**_provider_out(referral),
            "wishes": None if wishes is None else {
                **{f: getattr(wishes, f) for f in ("food", "routines", "faith",
                                                   "carer_language", "other")},
                "carer_gender": wishes.carer_gender},
            "communication_needs": [{"kind": n.kind, "label": n.get_kind_display(),
                                     "detail": n.detail}
                                    for n in person.communication_needs.all()]}


@router.post("/referrals/{id:referral_id}/response",
             response={200: ProviderReferralOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Accept the referral, or decline it with a reason the worker reads")
@api_permission(RESPOND)
def referral_respond(request: Any, referral_id: int, payload: ResponseIn) -> Any:
    referral = _for_provider(request, referral_id)
    answered = referrals.referral_respond(actor=request.user, referral=referral,
                                          accept=payload.accept, reason=payload.decline_reason)
    return _provider_out(_for_provider(request, answered.pk))


@router.post("/referrals/{id:referral_id}/withdraw",
             response={200: SentReferralOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Withdraw a referral still waiting for the provider")
@api_permission(WRITE)
def referral_withdraw(request: Any, referral_id: int) -> Any:
    referral = _for_worker(request, referral_id)
    return _out(referrals.referral_withdraw(actor=request.user, referral=referral))
