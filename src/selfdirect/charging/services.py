"""Changes to financial assessments, planned services, contributions and waivers.

Every change that can alter what a person pays recalculates their contribution from the
date it takes effect (``contribution_recalculate``): a change to their income, capital or
expenses, to the services planned, a hardship waiver, or the authority's charging policy
(the yearly uprating: ``contributions_recalculate_all``, run when an administrator sets a
``charging.*`` figure from a date). A recalculation never edits a contribution that
applied: it ends it the day before and starts a new one, so the past keeps its amounts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from selfdirect.authorities.models import Authority, PolicyFigure
from selfdirect.charging.calculation import (
    CapitalFact,
    ChargingRules,
    ExpenseFact,
    Facts,
    IncomeFact,
    Result,
    ServiceFact,
    WaiverFact,
    calculate,
    needs_assessment,
)
from selfdirect.charging.catalogue import (
    CapitalKind,
    ExpenseKind,
    IncomeType,
    Owner,
    Period,
    ServiceType,
)
from selfdirect.charging.models import (
    Basis,
    Capital,
    Contribution,
    Expense,
    FinancialAssessment,
    Income,
    Option,
    PlannedService,
    Route,
    Waiver,
)
from selfdirect.charging.policy import NoChargingPolicy, charging_rules
from selfdirect.core import clock
from selfdirect.core.money import format_pounds
from selfdirect.core.services import (
    delete_with_history,
    history_reason,
    require_perm,
    save_with_history,
)
from selfdirect.people.models import Person

ONE_DAY = datetime.timedelta(days=1)
MOST_PENCE = 100_000_000  # £1,000,000: no income, saving or cost recorded here is more


# --- Reading what applies on a day --------------------------------------------------------


def service_facts(services: list[PlannedService]) -> list[ServiceFact]:
    return [ServiceFact(key=str(s.pk), label=s.description, service_type=s.service_type,
                        weekly_cost=s.weekly_cost, option=s.option) for s in services]


def services_on(person: Person, day: datetime.date,
                planned: list[PlannedService] | None = None) -> list[PlannedService]:
    planned = list(person.planned_services.all()) if planned is None else planned
    return [s for s in planned if s.in_force_on(day)]


def latest_assessment(person: Person) -> FinancialAssessment | None:
    return person.financial_assessments.order_by("-created_at", "-pk").first()


def completed_assessment(person: Person) -> FinancialAssessment | None:
    return (person.financial_assessments.filter(status=FinancialAssessment.Status.COMPLETE)
            .order_by("-assessed_on", "-created_at", "-pk").first())


def facts_from(assessment: FinancialAssessment | None, person: Person,
               day: datetime.date) -> Facts:
    age = person.age_on(day)
    if assessment is None:
        return Facts(age=age)
    if assessment.route == Route.DECLINED:
        return Facts(age=age, declined=True)
    return Facts(
        age=age,
        incomes=tuple(IncomeFact(i.income_type, i.amount, i.period, i.owner,
                                 i.note or IncomeType(i.income_type).label)
                      for i in assessment.incomes.all()),
        capital=tuple(CapitalFact(c.amount, c.owner, c.note or CapitalKind(c.kind).label)
                      for c in assessment.capital.all()),
        expenses=tuple(ExpenseFact(e.kind, e.amount, e.period, e.note or ExpenseKind(e.kind).label)
                       for e in assessment.expenses.all()),
    )


def _approved_waivers(person: Person) -> list[Waiver]:
    return list(person.charge_waivers.filter(status=Waiver.Status.APPROVED))


def _waiver_on(person: Person, day: datetime.date,
               approved: list[Waiver] | None = None) -> WaiverFact | None:
    for waiver in _approved_waivers(person) if approved is None else approved:
        if waiver.in_force_on(day):
            amount = ("the whole contribution" if waiver.weekly_reduction is None
                      else f"up to {format_pounds(waiver.weekly_reduction)} a week")
            return WaiverFact(waiver.weekly_reduction,
                              f"Less a hardship waiver of {amount}, approved on "
                              f"{waiver.decided_at:%-d %B %Y}" if waiver.decided_at else
                              f"Less a hardship waiver of {amount}")
    return None


def assessment_needed(person: Person, day: datetime.date | None = None) -> bool:
    """Whether the person must be asked for a financial assessment: only when a service
    charged by assessment is planned. Someone with only free services is never asked."""
    day = day or clock.today()
    facts = service_facts(services_on(person, day))
    try:
        rules = charging_rules(person.authority, day)
    except NoChargingPolicy:
        return any(not is_free_by_law(person, s.service_type) and s.weekly_cost > 0 for s in facts)
    return needs_assessment(rules, facts)


def is_free_by_law(person: Person, service_type: str) -> bool:
    from selfdirect.charging.catalogue import FREE_BY_LAW

    return service_type in FREE_BY_LAW[person.authority.country]


def preview(person: Person, day: datetime.date,
            assessment: FinancialAssessment | None = None) -> Result:
    """What the person would pay on ``day`` with the given (or latest complete) assessment."""
    assessment = assessment or completed_assessment(person)
    rules = charging_rules(person.authority, day)
    return calculate(rules, facts_from(assessment, person, day),
                     service_facts(services_on(person, day)), _waiver_on(person, day))


def contribution_on(person: Person, day: datetime.date | None = None) -> Contribution | None:
    day = day or clock.today()
    return (person.contributions.filter(superseded=False, effective_from__lte=day)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
            .order_by("-effective_from", "-pk").first())


# --- Recalculation ------------------------------------------------------------------------


@dataclass
class _Run:
    """What a recalculation reads, loaded once: the rules by date (shared across the people
    of one authority in a bulk recalculation) and the days the authority's charging figures
    change."""

    authority: Authority
    start: datetime.date
    rules: dict[datetime.date, ChargingRules] = field(default_factory=dict)
    policy_days: list[datetime.date] | None = None

    def rules_on(self, day: datetime.date) -> ChargingRules:
        if day not in self.rules:
            try:
                self.rules[day] = charging_rules(self.authority, day)
            except NoChargingPolicy as exc:
                raise ValidationError({"effective_from": str(exc)}) from exc
        return self.rules[day]

    def figure_days(self) -> list[datetime.date]:
        if self.policy_days is None:
            self.policy_days = sorted(set(PolicyFigure.objects.filter(
                Q(authority=self.authority) | Q(authority__isnull=True),
                country=self.authority.country, key__startswith="charging.",
                effective_from__gt=self.start).values_list("effective_from", flat=True)))
        return self.policy_days


def _change_points(run: _Run, start: datetime.date, planned: list[PlannedService],
                   waivers: list[Waiver]) -> list[datetime.date]:
    """``start`` and every later day something that changes the charge takes effect: a
    planned service starting or ending, a waiver starting or ending, a charging figure."""
    points = {start, *run.figure_days()}
    spans: list[tuple[datetime.date, datetime.date | None]] = [
        *((s.starts_on, s.ends_on) for s in planned), *((w.starts_on, w.ends_on) for w in waivers)]
    for starts_on, ends_on in spans:
        points.add(starts_on)
        if ends_on:
            points.add(ends_on + ONE_DAY)
    return sorted(day for day in points if day >= start)


def _same(contribution: Contribution, result: Result) -> bool:
    return (contribution.weekly_amount == result.weekly and contribution.basis == result.basis
            and contribution.lines == [line.as_dict() for line in result.lines]
            and contribution.services == result.services)


def contribution_recalculate(*, actor: Any, person: Person, effective_from: datetime.date,
                             reason: str) -> list[Contribution]:
    """Work out the person's contribution again from ``effective_from``; returns the new
    contributions (none when nothing changed). Raises ValidationError when a service is
    charged by assessment and no financial assessment is complete."""
    require_perm(actor, "charging.assess_finances", person)
    return _recalculate(actor, person, effective_from, reason)


@dataclass
class _Inputs:
    """What one person's recalculation reads."""

    person: Person
    assessment: FinancialAssessment | None = None
    planned: list[PlannedService] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    existing: list[Contribution] = field(default_factory=list)


def _load_inputs(person_ids: list[int]) -> dict[int, _Inputs]:
    """The inputs of several people in a fixed number of queries, their rows locked."""
    people = (Person.objects.filter(pk__in=person_ids).select_for_update(of=("self",))
              .order_by("pk"))
    inputs = {p.pk: _Inputs(person=p) for p in people}
    for service in PlannedService.objects.filter(person_id__in=inputs).order_by("starts_on", "pk"):
        inputs[service.person_id].planned.append(service)
    for waiver in Waiver.objects.filter(person_id__in=inputs, status=Waiver.Status.APPROVED):
        inputs[waiver.person_id].waivers.append(waiver)
    for contribution in Contribution.objects.filter(person_id__in=inputs, superseded=False):
        inputs[contribution.person_id].existing.append(contribution)
    assessments = (FinancialAssessment.objects
                   .filter(person_id__in=inputs, status=FinancialAssessment.Status.COMPLETE)
                   .order_by("person_id", "-assessed_on", "-created_at", "-pk"))
    latest: dict[int, FinancialAssessment] = {}
    for assessment in assessments:
        latest.setdefault(assessment.person_id, assessment)
    prefetch_related_objects(list(latest.values()), "incomes", "capital", "expenses")
    for person_id, assessment in latest.items():
        inputs[person_id].assessment = assessment
    return inputs


@dataclass
class _Changes:
    """What a recalculation writes: existing contributions changed (ended, reopened or
    superseded) and new ones."""

    changed: dict[int, Contribution] = field(default_factory=dict)
    created: list[Contribution] = field(default_factory=list)


def _work_out(actor: Any, inputs: _Inputs, run: _Run, effective_from: datetime.date,
              reason: str) -> _Changes:
    """The contributions from ``effective_from`` (no writes). Raises ValidationError when a
    service is charged by assessment and no financial assessment is complete."""
    person, assessment = inputs.person, inputs.assessment
    results: list[tuple[datetime.date, Result, tuple[dict[str, str], ...]]] = []
    for day in _change_points(run, effective_from, inputs.planned, inputs.waivers):
        rules = run.rules_on(day)
        services = service_facts(services_on(person, day, inputs.planned))
        if assessment is None and needs_assessment(rules, services):
            raise ValidationError({"assessment": (
                "A financial assessment is needed first: a service charged by assessment is "
                "planned from " + f"{day:%-d %B %Y}")})
        results.append((day, calculate(rules, facts_from(assessment, person, day), services,
                                       _waiver_on(person, day, inputs.waivers)), rules.figures))
    changes = _Changes()
    current = next((c for c in inputs.existing if c.effective_from < effective_from
                    and (c.effective_to is None or c.effective_to >= effective_from)), None)
    current_to = current.effective_to if current is not None else None
    for old in inputs.existing:
        if old.effective_from >= effective_from:
            old.superseded = True
            changes.changed[old.pk] = old
    if current is not None and current.effective_to is not None:
        # Everything after it is being worked out again: it runs on until something differs.
        current.effective_to = None
        changes.changed[current.pk] = current
    previous = current
    for day, result, figures in results:
        if previous is not None and _same(previous, result):
            continue
        if previous is not None and (previous.effective_to is None or previous.effective_to >= day):
            previous.effective_to = day - ONE_DAY
            if previous.pk:
                changes.changed[previous.pk] = previous
        if previous is None and result.basis == Basis.FREE and not inputs.existing:
            # Nobody is told they pay nothing until something was charged: no record needed.
            continue
        previous = Contribution(
            person=person, authority_id=person.authority_id, assessment=assessment,
            basis=result.basis, weekly_amount=result.weekly, chargeable_cost=result.chargeable_cost,
            effective_from=day, lines=[line.as_dict() for line in result.lines],
            services=result.services, figures=list(figures),
            reason=reason[:200], calculated_by=actor)
        changes.created.append(previous)
    if _as_before(changes, inputs, effective_from, current, current_to):
        return _Changes()
    return changes


_KEPT = ("effective_from", "effective_to", "basis", "weekly_amount", "chargeable_cost",
         "lines", "services", "figures", "assessment_id")


def _as_before(changes: _Changes, inputs: _Inputs, effective_from: datetime.date,
               current: Contribution | None, current_to: datetime.date | None) -> bool:
    """Whether working out again gave exactly the contributions already recorded from
    ``effective_from`` (the same days, amounts, lines and figures): then nothing is
    superseded or written, so a recalculation run twice (a worker stopped part-way and
    the job run again) changes nothing the second time."""
    if current is not None and current.effective_to != current_to:
        return False
    before = sorted((c for c in inputs.existing if c.effective_from >= effective_from),
                    key=lambda c: c.effective_from)
    after = sorted(changes.created, key=lambda c: c.effective_from)
    return len(before) == len(after) and all(
        getattr(old, name) == getattr(new, name) for old, new in zip(before, after, strict=True)
        for name in _KEPT)


@transaction.atomic
def _recalculate(actor: Any, person: Person, effective_from: datetime.date,
                 reason: str) -> list[Contribution]:
    """``contribution_recalculate`` once the caller has checked the actor's permission.
    Rows are built here from validated records, so they are saved without ``full_clean``
    (the database's constraints still hold them)."""
    inputs = _load_inputs([person.pk])[person.pk]
    changes = _work_out(actor, inputs, _Run(person.authority, effective_from), effective_from,
                        reason)
    for old in changes.changed.values():
        save_with_history(old, actor=actor, reason=f"Changed: {reason}", validate=False)
    for new in changes.created:
        save_with_history(new, actor=actor, reason=reason, validate=False)
    return changes.created


def _recalculate_if_charging(actor: Any, person: Person, effective_from: datetime.date,
                             reason: str) -> list[Contribution]:
    """After a change to the services or a waiver: recalculate from ``effective_from``.

    Someone with a service charged by assessment and no completed assessment is not
    charged for it yet: the change is saved, nothing is recalculated, and the finance
    worklist shows them as waiting for an assessment. (Someone with only free services has
    no contribution recorded; only flat-rate charges, one without an assessment.)"""
    if completed_assessment(person) is None and assessment_needed(person, effective_from):
        return []
    return _recalculate(actor, person, effective_from, reason)


@dataclass(frozen=True)
class RecalculationSummary:
    people: int
    changed: int
    skipped: list[str]


BATCH_SIZE = 500


def contributions_recalculate_all(*, actor: Any, authority: Authority,
                                  effective_from: datetime.date, reason: str,
                                  progress: Callable[[int, int], None] | None = None,
                                  ) -> RecalculationSummary:
    """The yearly uprating: every person of the authority with a contribution in force on
    or after ``effective_from`` is recalculated from that date with the figures then in
    force; contributions before it are kept as they were.

    In batches of ``BATCH_SIZE`` people, each in its own transaction: a fixed number of
    queries reads a batch (``_load_inputs``) and a fixed number writes it, with a history
    row for every contribution ended, superseded or created. Someone who cannot be worked
    out (a chargeable service and no assessment) is skipped and named in the summary.
    ``progress(done, total)`` is told after each batch (the background job's page)."""
    require_perm(actor, "charging.recalculate", authority)
    person_ids = list(Contribution.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from),
        authority=authority, superseded=False)
        .values_list("person_id", flat=True).distinct().order_by("person_id"))
    run = _Run(authority, effective_from)
    changed = 0
    skipped: list[str] = []
    why = history_reason(reason)
    for offset in range(0, len(person_ids), BATCH_SIZE):
        with transaction.atomic():
            updates: list[Contribution] = []
            creates: list[Contribution] = []
            for inputs in _load_inputs(person_ids[offset:offset + BATCH_SIZE]).values():
                try:
                    changes = _work_out(actor, inputs, run, effective_from, reason)
                except ValidationError as exc:
                    skipped.append(f"{inputs.person}: {'; '.join(exc.messages)}")
                    continue
                changed += bool(changes.created)
                updates.extend(changes.changed.values())
                creates.extend(changes.created)
            if updates:
                bulk_update_with_history(updates, Contribution, ["superseded", "effective_to"],
                                         default_user=actor, default_change_reason=why)
            if creates:
                bulk_create_with_history(creates, Contribution, default_user=actor,
                                         default_change_reason=why)
        if progress is not None:
            progress(min(offset + BATCH_SIZE, len(person_ids)), len(person_ids))
    return RecalculationSummary(people=len(person_ids), changed=changed, skipped=skipped)


# --- Planned services ---------------------------------------------------------------------


def _today() -> datetime.date:
    return clock.today()


@transaction.atomic
def planned_service_add(*, actor: Any, person: Person, service_type: str, description: str,
                        weekly_cost: int, starts_on: datetime.date, option: str = "",
                        ends_on: datetime.date | None = None) -> PlannedService:
    require_perm(actor, "charging.record_services", person)
    errors = {}
    if service_type not in ServiceType.values:
        errors["service_type"] = "Choose the type of service"
    if option and option not in Option.values:
        errors["option"] = "Choose option 1, 2 or 3, or leave it empty"
    if not isinstance(weekly_cost, int) or weekly_cost < 0:
        errors["weekly_cost"] = "Enter the cost a week in pounds and pence, like 120.50"
    elif weekly_cost > MOST_PENCE:
        errors["weekly_cost"] = "Enter a cost a week of £1,000,000 or less"
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = "The end date must be on or after the start date"
    if errors:
        raise ValidationError(errors)
    service = PlannedService(person=person, service_type=service_type,
                             description=description.strip(), option=option,
                             weekly_cost=weekly_cost, starts_on=starts_on, ends_on=ends_on,
                             created_by=actor)
    save_with_history(service, actor=actor, reason="Service planned")
    _recalculate_if_charging(actor, person, max(starts_on, _today()),
                             f"Services changed: {service.description} added")
    return service


@transaction.atomic
def planned_service_end(*, actor: Any, service: PlannedService,
                        ends_on: datetime.date) -> PlannedService:
    require_perm(actor, "charging.record_services", service.person)
    if ends_on < service.starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date"})
    service.ends_on = ends_on
    save_with_history(service, actor=actor, reason="Service ended")
    _recalculate_if_charging(actor, service.person, max(ends_on + ONE_DAY, _today()),
                             f"Services changed: {service.description} ends")
    return service


@transaction.atomic
def planned_services_from_plan(*, actor: Any, person: Person, lines: list[Any], source: str,
                               on: datetime.date) -> list[PlannedService]:
    """An agreed support plan becomes the person's planned services from ``on``: every
    service in force is ended the day before, each of the plan's lines (``what``,
    ``service_type``, ``option``, ``weekly_cost``) starts on ``on``, and the contribution is
    worked out again from then, once."""
    require_perm(actor, "charging.record_services", person)
    for service in person.planned_services.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on)):
        if service.starts_on >= on:
            delete_with_history(service, actor=actor, reason=f"Replaced by {source}")
        else:
            service.ends_on = on - ONE_DAY
            save_with_history(service, actor=actor, reason=f"Ended: replaced by {source}")
    created = []
    for line in lines:
        service = PlannedService(person=person, service_type=line.service_type,
                                 description=line.what[:200], option=line.option,
                                 weekly_cost=line.weekly_cost, starts_on=on, source=source,
                                 created_by=actor)
        save_with_history(service, actor=actor, reason=f"From {source}")
        created.append(service)
    _recalculate_if_charging(actor, person, on, f"Services changed: {source} agreed")
    return created


# --- The financial assessment -------------------------------------------------------------


@transaction.atomic
def financial_assessment_start(*, actor: Any, person: Person,
                               route: str = Route.FULL) -> FinancialAssessment:
    """Start a financial assessment. Refused when only free services are planned: nobody
    is asked about their money for support that is free."""
    require_perm(actor, "charging.assess_finances", person)
    if route not in Route.values:
        raise ValidationError({"route": "Choose a full assessment, or that the person declines one"})
    if not assessment_needed(person):
        raise ValidationError({"route": (
            "No financial assessment is needed: every service planned for this person is free "
            "or has a flat-rate charge")})
    if person.financial_assessments.filter(status=FinancialAssessment.Status.IN_PROGRESS).exists():
        raise ValidationError({"route": "A financial assessment is already in progress: carry on with it"})
    assessment = FinancialAssessment(person=person, route=route, created_by=actor)
    save_with_history(assessment, actor=actor, reason="Financial assessment started")
    return assessment


ASSESSMENT_FIELDS = ("household", "dependants", "evidence_seen", "benefits_check_done",
                     "benefits_check_notes", "welfare_rights_referral")


@transaction.atomic
def financial_assessment_update(*, actor: Any, assessment: FinancialAssessment,
                                **fields: Any) -> FinancialAssessment:
    require_perm(actor, "charging.assess_finances", assessment.person)
    unknown = set(fields) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This cannot be changed here"))
    for name, value in fields.items():
        setattr(assessment, name, value)
    save_with_history(assessment, actor=actor, reason="Financial assessment details changed")
    return assessment


def _item_changed(actor: Any, assessment: FinancialAssessment, what: str) -> None:
    if assessment.status == FinancialAssessment.Status.COMPLETE:
        _recalculate(actor, assessment.person, _today(), f"Change of circumstances: {what}")


def _check_item(errors: dict[str, str], amount: Any, period: str | None) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        errors["amount"] = "Enter an amount in pounds and pence, more than £0, like 92.05"
    elif amount > MOST_PENCE:
        errors["amount"] = "Enter an amount of £1,000,000 or less"
    if period is not None and period not in Period.values:
        errors["period"] = "Choose how often: a week, a fortnight, four weeks, a month or a year"


@transaction.atomic
def income_add(*, actor: Any, assessment: FinancialAssessment, income_type: str, amount: int,
               period: str, owner: str = Owner.PERSON, evidence_seen: bool = False,
               note: str = "") -> Income:
    require_perm(actor, "charging.assess_finances", assessment.person)
    errors: dict[str, str] = {}
    if income_type not in IncomeType.values:
        errors["income_type"] = "Choose the type of income"
    if owner not in Owner.values:
        errors["owner"] = "Say whose income it is"
    _check_item(errors, amount, period)
    if errors:
        raise ValidationError(errors)
    income = Income(assessment=assessment, income_type=income_type, amount=amount, period=period,
                    owner=owner, evidence_seen=evidence_seen, note=note.strip())
    save_with_history(income, actor=actor, reason="Income added")
    _item_changed(actor, assessment, f"{income} added")
    return income


@transaction.atomic
def capital_add(*, actor: Any, assessment: FinancialAssessment, kind: str, amount: int,
                owner: str = Owner.PERSON, evidence_seen: bool = False, note: str = "") -> Capital:
    require_perm(actor, "charging.assess_finances", assessment.person)
    errors: dict[str, str] = {}
    if kind not in CapitalKind.values:
        errors["kind"] = "Choose the kind of capital"
    if owner not in Owner.values:
        errors["owner"] = "Say whose capital it is"
    _check_item(errors, amount, None)
    if errors:
        raise ValidationError(errors)
    item = Capital(assessment=assessment, kind=kind, amount=amount, owner=owner,
                   evidence_seen=evidence_seen, note=note.strip())
    save_with_history(item, actor=actor, reason="Capital added")
    _item_changed(actor, assessment, f"{item} added")
    return item


@transaction.atomic
def expense_add(*, actor: Any, assessment: FinancialAssessment, kind: str, amount: int,
                period: str, evidence_seen: bool = False, note: str = "") -> Expense:
    require_perm(actor, "charging.assess_finances", assessment.person)
    errors: dict[str, str] = {}
    if kind not in ExpenseKind.values:
        errors["kind"] = "Choose the kind of expense"
    _check_item(errors, amount, period)
    if errors:
        raise ValidationError(errors)
    item = Expense(assessment=assessment, kind=kind, amount=amount, period=period,
                   evidence_seen=evidence_seen, note=note.strip())
    save_with_history(item, actor=actor, reason="Expense added")
    _item_changed(actor, assessment, f"{item} added")
    return item


@transaction.atomic
def assessment_item_remove(*, actor: Any, item: Income | Capital | Expense) -> None:
    assessment = item.assessment
    require_perm(actor, "charging.assess_finances", assessment.person)
    what = f"{item} removed"
    delete_with_history(item, actor=actor, reason=what.capitalize())
    _item_changed(actor, assessment, what)


@transaction.atomic
def financial_assessment_complete(*, actor: Any, assessment: FinancialAssessment,
                                  effective_from: datetime.date | None = None) -> list[Contribution]:
    """Complete the assessment and work out the contribution from ``effective_from``
    (today by default)."""
    require_perm(actor, "charging.assess_finances", assessment.person)
    if assessment.status == FinancialAssessment.Status.COMPLETE:
        raise ValidationError({"status": "This financial assessment is already complete"})
    if assessment.route == Route.FULL and not assessment.benefits_check_done:
        raise ValidationError({"benefits_check_done": (
            "Do the benefits check first: say whether the person may be missing a benefit")})
    assessment.status = FinancialAssessment.Status.COMPLETE
    assessment.assessed_on = _today()
    assessment.assessed_by = actor
    save_with_history(assessment, actor=actor, reason="Financial assessment completed")
    return _recalculate(
        actor, assessment.person, effective_from or _today(),
        "Financial assessment completed" if assessment.route == Route.FULL
        else "The person chose not to be assessed")


# --- Hardship waivers ---------------------------------------------------------------------


@transaction.atomic
def waiver_request(*, actor: Any, person: Person, reason: str, starts_on: datetime.date,
                   weekly_reduction: int | None = None,
                   ends_on: datetime.date | None = None) -> Waiver:
    require_perm(actor, "charging.request_waiver", person)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "Say why paying the contribution would cause hardship"
    if weekly_reduction is not None and (not isinstance(weekly_reduction, int) or weekly_reduction <= 0):
        errors["weekly_reduction"] = "Enter the reduction a week in pounds and pence, or leave it empty to waive it all"
    elif weekly_reduction is not None:
        current = contribution_on(person, starts_on)
        if current is not None and weekly_reduction >= current.weekly_amount:
            errors["weekly_reduction"] = (
                f"The contribution from that date is {format_pounds(current.weekly_amount)} a "
                "week: enter a smaller reduction, or leave it empty to waive it all")
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = "The end date must be on or after the start date"
    if errors:
        raise ValidationError(errors)
    waiver = Waiver(person=person, reason=reason.strip(), starts_on=starts_on, ends_on=ends_on,
                    weekly_reduction=weekly_reduction, requested_by=actor)
    save_with_history(waiver, actor=actor, reason="Hardship waiver requested")
    return waiver


@transaction.atomic
def waiver_decide(*, actor: Any, waiver: Waiver, approve: bool, reason: str) -> Waiver:
    """Approve or refuse a waiver, with reasons the person reads. Whoever asked for it
    cannot decide it. An approval recalculates the contribution from its start."""
    require_perm(actor, "charging.decide_waiver", waiver.person)
    if waiver.status != Waiver.Status.REQUESTED:
        raise ValidationError({"status": "This waiver has already been decided"})
    if waiver.requested_by_id == actor.pk:
        raise ValidationError({"status": "Someone other than the person who asked must decide this waiver"})
    if not (reason or "").strip():
        raise ValidationError({"decision_reason": "Give the reasons for the decision: the person will read them"})
    waiver.status = Waiver.Status.APPROVED if approve else Waiver.Status.REFUSED
    waiver.decided_by = actor
    waiver.decided_at = timezone.now()
    waiver.decision_reason = reason.strip()
    save_with_history(waiver, actor=actor, reason=f"Hardship waiver {waiver.get_status_display().lower()}")
    if approve:
        _recalculate_if_charging(actor, waiver.person, waiver.starts_on, "Hardship waiver approved")
    return waiver
