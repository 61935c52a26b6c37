"""Changes to personal outcomes. Agreeing an outcome runs the quality checks first."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from selfdirect.assessments.models import Assessment
from selfdirect.core import clock
from selfdirect.core.services import require_perm, save_with_history
from selfdirect.outcomes.models import OutcomeTerm, PersonalOutcome
from selfdirect.outcomes.quality import outcome_quality_issues
from selfdirect.people.models import Person

EDITABLE = ("in_own_words", "category", "better_looks_like", "measure", "priority",
            "proposed_by")


def _may_write(actor: Any, person: Person, assessment: Assessment | None) -> None:
    """Staff who may change the assessment; or the person (or someone acting for them)
    proposing outcomes from their own pages, before any assessment takes them."""
    if assessment is not None or actor.has_perm("assessments.change_assessment", person):
        require_perm(actor, "assessments.change_assessment", person)
    else:
        require_perm(actor, "assessments.speak_for_person", person)


def _require_open_assessment(outcome: PersonalOutcome) -> None:
    """Outcomes of a completed or signed-off assessment change only at a review."""
    if outcome.assessment is not None and outcome.assessment.state != Assessment.State.IN_PROGRESS:
        raise ValidationError(
            "This assessment is finished: its outcomes are changed at a review, with the person.")


def _check_terms(outcome: PersonalOutcome, national: Iterable[OutcomeTerm]) -> None:
    if outcome.category is not None and outcome.category.role != OutcomeTerm.Role.CATEGORY:
        raise ValidationError({"category": "Choose a category from the list"})
    if any(t.role != OutcomeTerm.Role.NATIONAL for t in national):
        raise ValidationError({"national_outcomes": "Choose national outcomes from the list"})


@transaction.atomic
def outcome_add(*, actor: Any, person: Person, in_own_words: str,
                assessment: Assessment | None = None, category: OutcomeTerm | None = None,
                national_outcomes: Iterable[OutcomeTerm] = (), better_looks_like: str = "",
                measure: str = "", priority: int = PersonalOutcome.Priority.MEDIUM,
                proposed_by: str = PersonalOutcome.ProposedBy.PERSON) -> PersonalOutcome:
    _may_write(actor, person, assessment)
    if assessment is not None and assessment.person_id != person.pk:
        raise ValidationError({"assessment": "Choose one of this person's assessments."})
    if assessment is not None and assessment.state != Assessment.State.IN_PROGRESS:
        raise ValidationError("This assessment can no longer be changed.")
    national = list(national_outcomes)
    outcome = PersonalOutcome(
        person=person, assessment=assessment, in_own_words=in_own_words, category=category,
        better_looks_like=better_looks_like, measure=measure, priority=priority,
        proposed_by=proposed_by, created_by=actor)
    _check_terms(outcome, national)
    save_with_history(outcome, actor=actor, reason="Outcome proposed")
    outcome.national_outcomes.set(national)
    return outcome


@transaction.atomic
def outcome_update(*, actor: Any, outcome: PersonalOutcome,
                   national_outcomes: Iterable[OutcomeTerm] | None = None,
                   **fields: Any) -> PersonalOutcome:
    outcome = PersonalOutcome.objects.select_for_update().get(pk=outcome.pk)
    _may_write(actor, outcome.person, outcome.assessment)
    _require_open_assessment(outcome)
    if outcome.state != PersonalOutcome.State.DRAFT:
        raise ValidationError("An agreed outcome is changed at a review, with the person.")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Unknown outcome fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(outcome, name, value)
    national = list(national_outcomes) if national_outcomes is not None else None
    _check_terms(outcome, national or [])
    save_with_history(outcome, actor=actor, reason="Outcome changed")
    if national is not None:
        outcome.national_outcomes.set(national)
    return outcome


@transaction.atomic
def outcome_agree(*, actor: Any, outcome: PersonalOutcome,
                  in_carer_plan: bool = False) -> PersonalOutcome:
    """Agree the outcome with the person. Refused, naming each failed check, unless it
    is specific, says what better looks like, has a measure and a category.

    Outcomes are agreed within an assessment, or (``in_carer_plan``) as part of agreeing
    an adult carer support plan, whose service calls this for each of its outcomes."""
    outcome = PersonalOutcome.objects.select_for_update().get(pk=outcome.pk)
    require_perm(actor, "assessments.change_assessment", outcome.person)
    _require_open_assessment(outcome)
    if outcome.state != PersonalOutcome.State.DRAFT:
        raise ValidationError("This outcome is not waiting to be agreed.")
    if outcome.assessment is None and not in_carer_plan:
        raise ValidationError("Agree outcomes within an assessment.")
    issues = outcome_quality_issues(outcome)
    if issues:
        errors: dict[str, list[str]] = {}
        for issue in issues:
            errors.setdefault(issue.field, []).append(issue.message)
        raise ValidationError(errors)
    outcome.state = PersonalOutcome.State.AGREED
    outcome.agreed_on = clock.today()
    outcome.agreed_by = actor
    save_with_history(outcome, actor=actor, reason="Agreed with the person")
    return outcome


@transaction.atomic
def outcome_withdraw(*, actor: Any, outcome: PersonalOutcome, reason: str) -> PersonalOutcome:
    outcome = PersonalOutcome.objects.select_for_update().get(pk=outcome.pk)
    _may_write(actor, outcome.person, outcome.assessment)
    _require_open_assessment(outcome)
    if outcome.state != PersonalOutcome.State.DRAFT:
        raise ValidationError("An agreed outcome is changed at a review, with the person.")
    outcome.state = PersonalOutcome.State.WITHDRAWN
    save_with_history(outcome, actor=actor, reason=f"No longer wanted: {reason}"[:100])
    return outcome


def outcomes_attach_to_assessment(*, actor: Any, person: Person,
                                  assessment: Assessment) -> int:
    """The outcomes the person proposed on their own pages join the new assessment."""
    count = 0
    # FOR UPDATE OF the outcome only: PostgreSQL cannot lock the outer-joined plan link.
    for outcome in PersonalOutcome.objects.select_for_update(of=("self",)).filter(
            person=person, assessment__isnull=True, state=PersonalOutcome.State.DRAFT,
            carer_plan_link__isnull=True):  # a carer's plan outcomes stay with the plan
        outcome.assessment = assessment
        save_with_history(outcome, actor=actor, reason="Taken into the assessment")
        count += 1
    return count
