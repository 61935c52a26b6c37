"""Every change to a person's record. Each function is one transaction, checks the
actor's permission and leaves history: who, when, what and why."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from selfdirect.audit.models import AccessLog
from selfdirect.audit.services import access_log_record
from selfdirect.authorities.models import Authority, Role, StaffRole, Team
from selfdirect.authorities.selectors import user_roles
from selfdirect.core import clock
from selfdirect.core.services import delete_with_history, require_perm, save_with_history
from selfdirect.people.models import (
    CommunicationNeed,
    Consent,
    ConsentScope,
    EqualityInfo,
    NeedKind,
    Person,
    Preferences,
    Relationship,
)
from selfdirect.people.rules import STAFF_EDIT

# Fields a worker may set on the person record through person_create / person_update.
PERSON_FIELDS = (
    "given_name", "family_name", "preferred_name", "pronouns", "date_of_birth",
    "chi_number", "nhs_number", "address_line_1", "address_line_2", "town", "postcode",
    "phone", "email", "contact_preference", "client_group", "notes",
)
# Fields the person (or someone acting for them) may change from their own pages.
SELF_SERVICE_FIELDS = ("preferred_name", "pronouns", "phone", "email", "contact_preference",
                       "address_line_1", "address_line_2", "town", "postcode")


# Stages later in the journey that must act when consent is withdrawn (an assessment
# hides contributions given under it). Registered explicitly in each app's ready(), and
# called inside the same transaction as the withdrawal: not a signal, so the one write
# path stays visible here.
ConsentWithdrawnHandler = Callable[..., None]
_consent_withdrawn_handlers: list[ConsentWithdrawnHandler] = []


def on_consent_withdrawn(handler: ConsentWithdrawnHandler) -> None:
    if handler not in _consent_withdrawn_handlers:
        _consent_withdrawn_handlers.append(handler)


PREFERENCE_FIELDS = ("food", "routines", "faith", "carer_gender", "carer_language", "other")
EQUALITY_FIELDS = ("disability", "sex", "trans", "sexual_orientation", "religion",
                   "ethnic_group", "partnership", "pregnancy_maternity", "main_language")
RELATIONSHIP_FIELDS = ("kind", "name", "phone", "email", "organisation", "user", "access",
                       "powers_held", "document_reference", "started_on")


def _lock(person: Person) -> Person:
    """Lock, then check, then write: every change to a person's record starts here."""
    return Person.objects.select_for_update().get(pk=person.pk)


def _only(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Fields this service does not set: {sorted(unknown)}")


def _may_change_or_act(actor: Any, person: Person, what: str) -> None:
    if not (actor.has_perm("people.change_person", person)
            or actor.has_perm("people.act_for_person", person)):
        raise PermissionDenied(f"You cannot change this person's {what}.")


def _log_change(actor: Any, person: Person, channel: str) -> None:
    access_log_record(user=actor, person_id=person.pk, outcome=AccessLog.Outcome.CHANGED,
                      channel=channel, path=f"person:{person.pk}")


@transaction.atomic
def person_create(*, actor: Any, authority: Authority, channel: str = "page",
                  **fields: Any) -> Person:
    """Record a new person in ``authority``. A worker's new person joins the worker's team."""
    if not user_roles(actor).has(authority.pk, *STAFF_EDIT):
        raise PermissionDenied("You cannot add people in this authority.")
    _only(fields, PERSON_FIELDS)
    person = Person(authority=authority, **fields)
    teams = user_roles(actor).teams_in(authority.pk)
    if user_roles(actor).has(authority.pk, Role.SOCIAL_WORKER):
        person.allocated_worker = actor
        if teams:
            person.team_id = min(teams)
    save_with_history(person, actor=actor, reason="Person recorded")
    _log_change(actor, person, channel)
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, channel: str = "page",
                  **fields: Any) -> Person:
    """Change the person's details. Staff who may edit change any field; the person and
    those acting for them change contact details only."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    allowed: tuple[str, ...]
    if actor.has_perm("people.change_person", person):
        allowed = PERSON_FIELDS
    elif actor.has_perm("people.act_for_person", person):
        allowed = SELF_SERVICE_FIELDS
    else:
        raise PermissionDenied("You cannot change this person's record.")
    refused = set(fields) - set(allowed)
    if refused:
        raise PermissionDenied(f"You cannot change: {', '.join(sorted(refused))}")
    for name, value in fields.items():
        setattr(person, name, value)
    save_with_history(person, actor=actor, reason="Details updated")
    _log_change(actor, person, channel)
    return person


@transaction.atomic
def person_allocate(*, actor: Any, person: Person, team: Team | None,
                    worker: Any | None) -> Person:
    """Allocate the person to a team and, optionally, a worker in it."""
    person = _lock(person)
    require_perm(actor, "people.allocate_person", person)
    if team is not None and team.authority_id != person.authority_id:
        raise ValidationError({"team": "Choose a team in the person's own authority."})
    if worker is not None:
        holds = StaffRole.objects.filter(
            user=worker, authority_id=person.authority_id, active=True,
            role__in=[Role.SOCIAL_WORKER, Role.TEAM_MANAGER])
        if not holds.exists():
            raise ValidationError({"worker": "Choose a worker in the person's own authority."})
        if team is not None and not holds.filter(team=team).exists():
            raise ValidationError({"worker": "Choose a worker in the chosen team."})
    person.team = team
    person.allocated_worker = worker
    who = worker.get_full_name() if worker else "no worker"
    save_with_history(person, actor=actor,
                      reason=f"Allocated to {team.name if team else 'no team'}, {who}")
    _log_change(actor, person, "page")
    return person


@transaction.atomic
def communication_needs_set(*, actor: Any, person: Person,
                            needs: dict[str, str]) -> list[CommunicationNeed]:
    """Replace the person's communication and access needs with ``needs`` (kind -> detail)."""
    person = _lock(person)
    _may_change_or_act(actor, person, "needs")
    unknown = set(needs) - set(NeedKind.values)
    if unknown:
        raise ValidationError({"kinds": f"Unknown need: {', '.join(sorted(unknown))}"})
    current = {n.kind: n for n in person.communication_needs.all()}
    for kind, need in current.items():
        if kind not in needs:
            delete_with_history(need, actor=actor, reason="Need removed")
    kept = []
    for kind, detail in needs.items():
        need = current.get(kind) or CommunicationNeed(person=person, kind=kind)
        if need.pk is None or need.detail != detail:
            need.detail = detail
            save_with_history(need, actor=actor, reason="Need recorded")
        kept.append(need)
    _log_change(actor, person, "page")
    return kept


@transaction.atomic
def preferences_update(*, actor: Any, person: Person, **fields: Any) -> Preferences:
    person = _lock(person)
    _may_change_or_act(actor, person, "preferences")
    _only(fields, PREFERENCE_FIELDS)
    prefs = Preferences.objects.filter(person=person).first() or Preferences(person=person)
    for name, value in fields.items():
        setattr(prefs, name, value)
    save_with_history(prefs, actor=actor, reason="Preferences updated")
    _log_change(actor, person, "page")
    return prefs


@transaction.atomic
def equality_update(*, actor: Any, person: Person, **fields: Any) -> EqualityInfo:
    """Self-declared: recorded by the person, someone acting for them, or a worker asking
    them. A worker never sees earlier answers, so only the questions answered now are
    written when a worker records them (``keep_unanswered``)."""
    person = _lock(person)
    _may_change_or_act(actor, person, "equality information")
    keep_unanswered = not actor.has_perm("people.view_equality", person)
    _only(fields, EQUALITY_FIELDS)
    info = EqualityInfo.objects.filter(person=person).first() or EqualityInfo(person=person)
    for name, value in fields.items():
        if value or not keep_unanswered:
            setattr(info, name, value)
    save_with_history(info, actor=actor, reason="Equality information updated")
    _log_change(actor, person, "page")
    return info


@transaction.atomic
def relationship_add(*, actor: Any, person: Person, **fields: Any) -> Relationship:
    """Record a carer, representative, attorney, guardian or advocate.

    Access for a carer, representative or advocate starts only when the person's consent
    is recorded (``consent_record``); an attorney or guardian needs the powers and the
    document reference instead."""
    person = _lock(person)
    require_perm(actor, "people.manage_relationships", person)
    _only(fields, RELATIONSHIP_FIELDS)
    rel = Relationship(person=person, **fields)
    if rel.is_legal_power:
        errors = {}
        if not rel.powers_held.strip():
            errors["powers_held"] = "Enter the powers held, as the document states them"
        if not rel.document_reference.strip():
            errors["document_reference"] = "Enter the reference of the power of attorney or guardianship order"
        if errors:
            raise ValidationError(errors)
    save_with_history(rel, actor=actor, reason="Relationship recorded")
    _log_change(actor, person, "page")
    return rel


@transaction.atomic
def relationship_end(*, actor: Any, relationship: Relationship,
                     ended_on: datetime.date | None = None) -> Relationship:
    person = _lock(relationship.person)
    require_perm(actor, "people.manage_relationships", person)
    rel = Relationship.objects.select_for_update().get(pk=relationship.pk)
    rel.ended_on = ended_on or clock.today()
    save_with_history(rel, actor=actor, reason="Relationship ended")
    _log_change(actor, person, "page")
    return rel


@transaction.atomic
def consent_record(*, actor: Any, person: Person, scope: str, decision: str, method: str,
                   relationship: Relationship | None = None, recipient: str = "",
                   note: str = "") -> Consent:
    """Record the person's decision to give or withdraw consent.

    Consent rows are never edited: each decision is a new row, the latest one stands.
    For access by a relationship, the relationship's access follows at once.
    """
    person = _lock(person)
    require_perm(actor, "people.record_consent", person)
    if relationship is not None and relationship.person_id != person.pk:
        raise ValidationError({"relationship": "Choose one of this person's relationships."})
    if scope == ConsentScope.SHARE_WITH_RELATIONSHIP and relationship is None:
        raise ValidationError({"relationship": "Choose who the consent is for."})
    consent = Consent(person=person, scope=scope, decision=decision, method=method,
                      relationship=relationship, recipient=recipient, note=note,
                      recorded_by=actor)
    save_with_history(consent, actor=actor, reason=f"Consent {decision}")
    if relationship is not None and scope == ConsentScope.SHARE_WITH_RELATIONSHIP:
        rel = Relationship.objects.select_for_update().get(pk=relationship.pk)
        rel.consent_given = decision == Consent.Decision.GIVEN
        save_with_history(rel, actor=actor, reason=f"Consent {decision} for access")
    if decision == Consent.Decision.WITHDRAWN:
        for handler in _consent_withdrawn_handlers:
            handler(actor=actor, person=person, consent=consent)
    _log_change(actor, person, "page")
    return consent
