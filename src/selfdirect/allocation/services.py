"""Every change to the resource allocation system and to indicative budgets: one
transaction each, permission checked, history written."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from selfdirect.allocation.arithmetic import band_for, base_amount, budget_total
from selfdirect.allocation.jobs import recalculation_start
from selfdirect.allocation.models import (
    BudgetAdjustment,
    IndicativeBudget,
    RasAnswer,
    RasBand,
    RasDomain,
    RasQuestion,
    RasResponse,
    RasVersion,
    ReasonCode,
)
from selfdirect.allocation.recalculation import (
    price_change_reason,
    questionnaire_change_reason,
)
from selfdirect.assessments.models import Assessment
from selfdirect.authorities import limits
from selfdirect.authorities.limits import over_limit
from selfdirect.authorities.models import Authority
from selfdirect.core import clock
from selfdirect.core.money import amount_message, format_pounds, pence_from_pounds
from selfdirect.core.services import delete_with_history, require_perm, save_with_history

DEFAULT_QUESTIONNAIRE = Path(__file__).resolve().parent / "data" / "ras_default.yaml"


def _price_in_pence(value: Any, field: str = "price_per_point") -> int:
    try:
        pence = pence_from_pounds(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: amount_message(
            exc, "Price per point", "Price per point must be in pounds and pence, like 45.00",
        )}) from exc
    if pence <= 0:
        raise ValidationError({field: "Price per point must be more than £0.00"})
    return pence


def live_version_on(authority: Authority | int, on: datetime.date, *, person: Any = None,
                    scope: str | None = None) -> RasVersion | None:
    """The authority's live version in force on ``on``.

    Each scope has its own line of versions; the one in force for a scope is its latest
    live version applying by then. With ``person``, the version for them: of the scopes'
    versions in force whose rules fit them, the most specific (client groups, then ages),
    then the latest. With ``scope``, that scope's. With neither, the latest in force."""
    authority_id = authority if isinstance(authority, int) else authority.pk
    versions = RasVersion.objects.filter(authority_id=authority_id, state=RasVersion.State.LIVE,
                                         effective_from__lte=on)
    if scope is not None:
        versions = versions.filter(scope=scope)
    versions = versions.order_by("-effective_from", "-pk")
    if person is None:
        return versions.first()
    in_force: dict[str, RasVersion] = {}
    for version in versions:
        in_force.setdefault(version.scope, version)
    fitting = [v for v in in_force.values() if v.applies_to(person, on)]
    fitting.sort(key=lambda v: (bool(v.client_groups),
                                v.minimum_age is not None or v.maximum_age is not None,
                                v.effective_from, v.pk), reverse=True)
    return fitting[0] if fitting else None


def _live_version_or_error(authority_id: int, on: datetime.date,
                           person: Any = None) -> RasVersion:
    version = live_version_on(authority_id, on, person=person)
    if version is None:
        if person is not None and live_version_on(authority_id, on) is not None:
            raise ValidationError(
                "None of the council's resource allocation questionnaires applies to this "
                "person (by client group or age): ask its administrator.")
        raise ValidationError(
            "The council has no resource allocation questionnaire in force yet: ask its "
            "administrator to publish one.")
    return version


# --- Questionnaire versions -------------------------------------------------------------


def _create_version(*, actor: Any, authority: Authority, name: str, effective_from: datetime.date,
                    price_per_point: int, domains: list[dict[str, Any]], state: str,
                    reason: str, bands: list[dict[str, Any]] | None = None,
                    rules: dict[str, Any] | None = None) -> RasVersion:
    version = RasVersion(authority=authority, name=name, effective_from=effective_from,
                         price_per_point=price_per_point, state=state, created_by=actor,
                         **(rules or {}))
    save_with_history(version, actor=actor, reason=reason)
    for band in bands or []:
        save_with_history(RasBand(version=version, label=band["label"],
                                  lower_points=band["lower"], upper_points=band["upper"],
                                  amount=band["amount"], cap=band["cap"]),
                          actor=actor, reason=reason)
    for d_pos, d in enumerate(domains):
        domain = RasDomain(version=version, code=d["code"], name=d["name"], position=d_pos)
        save_with_history(domain, actor=actor, reason=reason)
        for q_pos, q in enumerate(d["questions"]):
            question = RasQuestion(domain=domain, code=q["code"], text=q["text"], position=q_pos)
            save_with_history(question, actor=actor, reason=reason)
            for a_pos, a in enumerate(q["answers"]):
                answer = RasAnswer(question=question, code=a["code"], text=str(a["text"]),
                                   points=int(a["points"]), position=a_pos)
                save_with_history(answer, actor=actor, reason=reason)
    return version


def _questionnaire(version: RasVersion) -> list[dict[str, Any]]:
    """The version's domains, questions and answers as plain data (for copying)."""
    domains = RasDomain.objects.filter(version=version).prefetch_related("questions__answers")
    return [{"code": d.code, "name": d.name,
             "questions": [{"code": q.code, "text": q.text,
                            "answers": [{"code": a.code, "text": a.text, "points": a.points}
                                        for a in q.answers.all()]}
                           for q in d.questions.all()]}
            for d in domains]


@transaction.atomic
def ras_version_create_default(*, actor: Any, authority: Authority,
                               effective_from: datetime.date) -> RasVersion:
    """Load the default questionnaire (``data/ras_default.yaml``) as a draft version for
    the authority, at the file's example price per point."""
    require_perm(actor, "allocation.manage_ras", authority)
    with DEFAULT_QUESTIONNAIRE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return _create_version(
        actor=actor, authority=authority, name=data["name"], effective_from=effective_from,
        price_per_point=_price_in_pence(str(data["price_per_point"])), domains=data["domains"],
        state=RasVersion.State.DRAFT, reason="Default questionnaire loaded as a draft")


def ras_version_publish(*, actor: Any, version: RasVersion) -> RasVersion:
    """Make a draft version live from its date. Every question needs two answers or more;
    only one version can be live for an authority from a given date. When the version
    applies from today or earlier and replaces an earlier live one (a changed
    questionnaire), a background job is queued to recalculate every indicative budget of
    the authority under it and flag every agreed one for its next review
    (``allocation.jobs``)."""
    return ras_version_publish_with_job(actor=actor, version=version)[0]


@transaction.atomic
def ras_version_publish_with_job(
        *, actor: Any, version: RasVersion, back_url: str = "") -> tuple[RasVersion, Any]:
    """``ras_version_publish``, also returning the recalculation job queued (``None`` when
    the version does not replace the one in force today)."""
    require_perm(actor, "allocation.manage_ras", version)
    version = RasVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != RasVersion.State.DRAFT:
        raise ValidationError({"state": f"Only a draft can be published; this one is "
                                        f"{version.get_state_display().lower()}"})
    questions = RasQuestion.objects.filter(domain__version=version).prefetch_related("answers")
    if not questions:
        raise ValidationError("Add at least one question before publishing")
    for question in questions:
        if len(question.answers.all()) < 2:
            raise ValidationError({question.code: "Give this question two answers or more"})
    if RasVersion.objects.filter(authority_id=version.authority_id, state=RasVersion.State.LIVE,
                                 scope=version.scope,
                                 effective_from=version.effective_from).exists():
        raise ValidationError({"effective_from": "Another version for the same people is "
                                                 "already live from this date: choose a "
                                                 "different date"})
    today = clock.today()
    replaces = live_version_on(version.authority_id, today, scope=version.scope)
    version.state = RasVersion.State.LIVE
    save_with_history(version, actor=actor, reason="Published")
    if (version.effective_from <= today and replaces is not None
            and replaces.effective_from < version.effective_from):
        return version, recalculation_start(actor=actor, version=version,
                                            reason=questionnaire_change_reason(version),
                                            back_url=back_url)
    return version, None


@transaction.atomic
def ras_version_draft_from(*, actor: Any, version: RasVersion,
                           effective_from: datetime.date) -> RasVersion:
    """A draft copy of ``version`` (its questionnaire and price), to apply from
    ``effective_from``, for the administrator to change and then publish."""
    require_perm(actor, "allocation.manage_ras", version)
    if effective_from is None:
        raise ValidationError({"effective_from": "Enter the date the new version applies from"})
    if version.state == RasVersion.State.LIVE and effective_from <= version.effective_from:
        raise ValidationError({"effective_from": f"The new version must apply from after "
                                                 f"{version.effective_from:%-d %B %Y}"})
    return _create_version(actor=actor, authority=version.authority, name=version.name,
                           effective_from=effective_from,
                           price_per_point=version.price_per_point,
                           domains=_questionnaire(version), state=RasVersion.State.DRAFT,
                           reason=f"Draft copied from version {version.pk}",
                           bands=version_bands(version),
                           rules=version_rules(version))


@transaction.atomic
def ras_bands_set(*, actor: Any, version: RasVersion, bands: list[dict[str, Any]]) -> list[RasBand]:
    """Replace a draft's bands. Each band is {"label", "lower", "upper" (None for no upper
    limit), "amount" or "cap" (pounds, as text)}: a band table gives everyone in a band its
    fixed amount; a cap keeps points × price but never above the cap. Bands may not
    overlap; an empty list removes them."""
    require_perm(actor, "allocation.manage_ras", version)
    version = RasVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != RasVersion.State.DRAFT:
        raise ValidationError({"bands": "Only a draft's bands can be changed: copy the live "
                                        "version into a draft first"})
    clean: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for n, band in enumerate(bands, start=1):
        where = f"band_{n}"
        label = str(band.get("label") or "").strip()
        lower, upper = band.get("lower"), band.get("upper")
        if not label:
            errors[where] = f"Give band {n} a name, like \"Band A\""
            continue
        if not isinstance(lower, int) or lower < 0 or (
                upper is not None and (not isinstance(upper, int) or upper < lower)):
            errors[where] = f"{label}: give whole points, with the upper limit not below the lower"
            continue
        amount, cap = band.get("amount"), band.get("cap")
        if (amount in (None, "")) == (cap in (None, "")):
            errors[where] = f"{label}: give either a fixed amount or a cap, not both"
            continue
        raw: Any = amount if amount not in (None, "") else cap
        try:
            pence = pence_from_pounds(raw)
        except (TypeError, ValueError) as exc:
            errors[where] = amount_message(
                exc, f"{label}: the amount",
                f"{label}: give the amount in pounds and pence, like 12000.00")
            continue
        clean.append({"label": label, "lower": lower, "upper": upper,
                      "amount": pence if amount not in (None, "") else None,
                      "cap": pence if amount in (None, "") else None})
    ordered = sorted(clean, key=lambda b: b["lower"])
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before["upper"] is None or before["upper"] >= after["lower"]:
            errors["bands"] = f"{before['label']} and {after['label']} overlap"
    if errors:
        raise ValidationError(errors)
    for old in RasBand.objects.filter(version=version):
        delete_with_history(old, actor=actor, reason="Bands replaced")
    saved = []
    for band in ordered:
        item = RasBand(version=version, label=band["label"], lower_points=band["lower"],
                       upper_points=band["upper"], amount=band["amount"], cap=band["cap"])
        save_with_history(item, actor=actor, reason="Bands set")
        saved.append(item)
    return saved


MAX_POINTS = 1000


@transaction.atomic
def ras_answer_points_set(*, actor: Any, version: RasVersion,
                          points_by_answer_id: dict[int, Any]) -> int:
    """Change the points of a draft's answers (answer id → whole points, 0 to
    ``MAX_POINTS``). Errors name the answer's field, ``answer_<id>``. Returns how many
    answers changed."""
    require_perm(actor, "allocation.manage_ras", version)
    version = RasVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != RasVersion.State.DRAFT:
        raise ValidationError({"version": "Only a draft's points can be changed: make a draft "
                                          "copy first"})
    answers = {a.pk: a for a in RasAnswer.objects.filter(question__domain__version=version)
               .select_related("question")}
    errors: dict[str, str] = {}
    wanted: dict[int, int] = {}
    for answer_id, value in points_by_answer_id.items():
        answer = answers.get(int(answer_id))
        if answer is None:
            errors[f"answer_{answer_id}"] = "There is no such answer in this draft"
            continue
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit():
            errors[f"answer_{answer_id}"] = (f"Points for \u201c{answer.text}\u201d must be a "
                                             "whole number, like 3")
            continue
        if int(text) > MAX_POINTS:
            errors[f"answer_{answer_id}"] = (f"Points for \u201c{answer.text}\u201d must be "
                                             f"{MAX_POINTS:,} or fewer")
            continue
        wanted[answer.pk] = int(text)
    if errors:
        raise ValidationError(errors)
    changed = 0
    for answer_id, points in wanted.items():
        answer = answers[answer_id]
        if answer.points != points:
            answer.points = points
            save_with_history(answer, actor=actor, reason="Points changed in a draft")
            changed += 1
    return changed


# --- Answers and budgets ----------------------------------------------------------------


@transaction.atomic
def ras_responses_record(*, actor: Any, assessment: Assessment,
                         answers: dict[str, str]) -> list[RasResponse]:
    """Record the chosen answer for each question code given, against the version in force
    today. A question already answered is changed. Unknown codes are refused, naming the
    question."""
    require_perm(actor, "allocation.calculate_budget", assessment)
    assessment = Assessment.objects.select_for_update().select_related("person").get(pk=assessment.pk)
    if assessment.state == Assessment.State.APPROVED:
        raise ValidationError("This assessment is signed off: its answers can no longer change.")
    version = _live_version_or_error(assessment.person.authority_id, clock.today(),
                                     assessment.person)
    questions = {q.code: q for q in RasQuestion.objects.filter(domain__version=version)
                 .prefetch_related("answers")}
    errors: dict[str, str] = {}
    chosen: list[tuple[RasQuestion, RasAnswer]] = []
    for question_code, answer_code in answers.items():
        question = questions.get(question_code)
        if question is None:
            errors[question_code] = "There is no such question in this questionnaire"
            continue
        by_code = {a.code: a for a in question.answers.all()}
        if answer_code not in by_code:
            errors[question_code] = f"Choose one of: {', '.join(by_code)}"
            continue
        chosen.append((question, by_code[answer_code]))
    if errors:
        raise ValidationError(errors)
    existing = {r.question.code: r for r in RasResponse.objects.filter(assessment=assessment)
                .select_related("question")}
    saved = []
    for question, answer in chosen:
        response = existing.get(question.code) or RasResponse(assessment=assessment)
        response.question, response.answer, response.recorded_by = question, answer, actor
        save_with_history(response, actor=actor, reason="Answer recorded")
        saved.append(response)
    return saved


def _score(version: RasVersion, assessment: Assessment) -> tuple[int, list[dict[str, Any]]]:
    """Points and points per domain under ``version``, matching the assessment's answers
    by question and answer code (so answers carry over to a new version of the same
    questionnaire). Every question must have an answer."""
    chosen = dict(RasResponse.objects.filter(assessment=assessment)
                  .values_list("question__code", "answer__code"))
    domains = RasDomain.objects.filter(version=version).prefetch_related("questions__answers")
    missing: dict[str, str] = {}
    breakdown: list[dict[str, Any]] = []
    total = 0
    for domain in domains:
        points = 0
        for question in domain.questions.all():
            by_code = {a.code: a for a in question.answers.all()}
            answer = by_code.get(chosen.get(question.code, ""))
            if answer is None:
                missing[question.code] = f"Answer this question: {question.text}"
                continue
            points += answer.points
        breakdown.append({"code": domain.code, "name": domain.name, "points": points})
        total += points
    if missing:
        raise ValidationError(missing)
    return total, breakdown


def version_rules(version: RasVersion) -> dict[str, Any]:
    """Who the version applies to, for copying into a new version of the same scope."""
    return {"scope": version.scope, "client_groups": list(version.client_groups),
            "minimum_age": version.minimum_age, "maximum_age": version.maximum_age}


def version_bands(version: RasVersion) -> list[dict[str, Any]]:
    """The version's bands as plain data (``RasBand.as_dict``), lowest first."""
    return [band.as_dict() for band in RasBand.objects.filter(version=version)]


def _apply(budget: IndicativeBudget, version: RasVersion, adjustments: list[Any]) -> None:
    budget.ras_version = version
    budget.price_per_point = version.price_per_point
    budget.band = band_for(budget.points, version_bands(version)) or {}
    budget.base_amount = base_amount(budget.points, version.price_per_point, budget.band)
    budget.total = budget_total(budget.base_amount, adjustments)
    budget.calculated_at = timezone.now()


@transaction.atomic
def indicative_budget_calculate(*, actor: Any, assessment: Assessment) -> IndicativeBudget:
    """Work out the assessment's indicative budget with the version in force today:
    points = the sum of the chosen answers' points; base = points × price per point.
    Creates the budget or recalculates the assessment's indicative one (keeping its
    adjustments). A budget already proposed or agreed is not touched."""
    require_perm(actor, "allocation.calculate_budget", assessment)
    assessment = Assessment.objects.select_for_update().select_related("person").get(pk=assessment.pk)
    version = _live_version_or_error(assessment.person.authority_id, clock.today(),
                                     assessment.person)
    points, breakdown = _score(version, assessment)
    if IndicativeBudget.objects.filter(assessment=assessment, state__in=[
            IndicativeBudget.State.PROPOSED, IndicativeBudget.State.AGREED]).exists():
        raise ValidationError("This assessment's budget is already proposed or agreed: "
                              "change it through a review.")
    budget = (IndicativeBudget.objects.select_for_update()
              .filter(assessment=assessment, state=IndicativeBudget.State.INDICATIVE).first())
    if budget is None:
        budget = IndicativeBudget(person=assessment.person, assessment=assessment,
                                  calculated_by=actor)
        adjustments: list[BudgetAdjustment] = []
    else:
        adjustments = list(budget.adjustments.all())
    budget.points, budget.domain_points, budget.calculated_by = points, breakdown, actor
    _apply(budget, version, adjustments)
    save_with_history(budget, actor=actor, reason="Indicative budget calculated")
    return budget


_AMOUNT_KINDS = (BudgetAdjustment.Kind.ADD_AMOUNT, BudgetAdjustment.Kind.SUBTRACT_AMOUNT)
_PERCENT_KINDS = (BudgetAdjustment.Kind.ADD_PERCENT, BudgetAdjustment.Kind.SUBTRACT_PERCENT)


@transaction.atomic
def budget_adjust(*, actor: Any, budget: IndicativeBudget, kind: str, reason_code: str,
                  reason: str, amount: Decimal | str | None = None,
                  percent: Decimal | str | None = None) -> BudgetAdjustment:
    """Add an adjustment with its reason and recompute the total. ``amount`` is pounds
    (Decimal or text, converted to pence exactly); ``percent`` is a Decimal percentage
    (10 for 10%), applied to the base and rounded half-up to the penny."""
    require_perm(actor, "allocation.calculate_budget", budget)
    budget = IndicativeBudget.objects.select_for_update().get(pk=budget.pk)
    if budget.state != IndicativeBudget.State.INDICATIVE:
        raise ValidationError(f"This budget is {budget.get_state_display().lower()}: "
                              "it can no longer be adjusted here.")
    errors: dict[str, str] = {}
    if kind not in BudgetAdjustment.Kind.values:
        errors["kind"] = f"Choose one of: {', '.join(BudgetAdjustment.Kind.values)}"
    if reason_code not in ReasonCode.values:
        errors["reason_code"] = f"Choose one of: {', '.join(ReasonCode.values)}"
    if not (reason or "").strip():
        errors["reason"] = "Say why the budget is being adjusted"
    pence: int | None = None
    rate: Decimal | None = None
    if kind in _AMOUNT_KINDS:
        if percent is not None:
            errors["percent"] = "Give an amount, not a percentage, for this kind of adjustment"
        try:
            pence = pence_from_pounds(amount if amount is not None else "")
        except (TypeError, ValueError) as exc:
            errors["amount"] = amount_message(
                exc, "The amount", "Enter an amount in pounds and pence, like 250.00")
        else:
            if pence <= 0:
                errors["amount"] = "Enter an amount more than £0.00"
            elif too_much := over_limit(authority=budget.person.authority,
                                        key=limits.ADJUSTMENT, pence=pence,
                                        what="The amount"):
                errors["amount"] = too_much
    elif kind in _PERCENT_KINDS:
        if amount is not None:
            errors["amount"] = "Give a percentage, not an amount, for this kind of adjustment"
        try:
            if isinstance(percent, float):
                raise TypeError
            rate = Decimal(str(percent).strip().removesuffix("%"))
            if not rate.is_finite() or rate != rate.quantize(Decimal("0.01")):
                raise ValueError
        except (TypeError, ValueError, InvalidOperation):
            errors["percent"] = "Enter a percentage with up to two decimal places, like 12.5"
        else:
            if not Decimal(0) < rate < Decimal(1000):
                errors["percent"] = "Enter a percentage more than 0 and less than 1000"
            elif kind == BudgetAdjustment.Kind.SUBTRACT_PERCENT and rate > 100:
                errors["percent"] = "You cannot take off more than 100%"
    if errors:
        raise ValidationError(errors)
    adjustment = BudgetAdjustment(budget=budget, kind=kind, amount=pence, percent=rate,
                                  reason_code=reason_code, reason=reason.strip(), created_by=actor)
    adjustments = [*budget.adjustments.all(), adjustment]
    total = budget_total(budget.base_amount, adjustments)
    if total < 0:
        raise ValidationError({"amount" if kind in _AMOUNT_KINDS else "percent":
                               f"This would take the budget below £0.00 (it is "
                               f"{format_pounds(budget.total)})"})
    save_with_history(adjustment, actor=actor, reason=reason.strip())
    budget.total = total
    save_with_history(budget, actor=actor, reason=f"Adjusted: {adjustment.get_reason_code_display()}")
    return adjustment


def ras_price_change(*, actor: Any, version: RasVersion, price_per_point: Decimal | str,
                     effective_from: datetime.date) -> RasVersion:
    """A new price per point: a new live version with the same questionnaire, from
    ``effective_from`` (today or earlier). A background job is queued, in the same
    transaction, in which every budget of the authority still *indicative* is
    recalculated at the new price in bulk (points and adjustments kept, one history row
    each) and every *agreed* budget is flagged for its next review ("The price per point
    changed from £45.00 to £47.00 on 1 May 2026"); proposed budgets are left alone
    (``allocation.jobs``, ``recalculation.recalculate_indicative``). A change from the
    same date as ``version`` retires it; otherwise ``version`` stays live for the dates
    before."""
    return ras_price_change_with_job(actor=actor, version=version,
                                     price_per_point=price_per_point,
                                     effective_from=effective_from)[0]


@transaction.atomic
def ras_price_change_with_job(
        *, actor: Any, version: RasVersion, price_per_point: Decimal | str,
        effective_from: datetime.date, back_url: str = "") -> tuple[RasVersion, Any]:
    """``ras_price_change``, also returning the recalculation job queued (for the page)."""
    require_perm(actor, "allocation.manage_ras", version)
    version = RasVersion.objects.select_for_update().get(pk=version.pk)
    pence = _price_in_pence(price_per_point)
    if version.state != RasVersion.State.LIVE:
        raise ValidationError({"version": "Change the price of the live version"})
    if effective_from > clock.today():
        raise ValidationError({"effective_from": "The new price must apply from today or earlier"})
    if effective_from < version.effective_from:
        raise ValidationError({"effective_from": f"The new price must apply from "
                                                 f"{version.effective_from:%-d %B %Y} or later"})
    reason = f"Price per point changed to {format_pounds(pence)}"
    if effective_from == version.effective_from:
        version.state = RasVersion.State.RETIRED
        save_with_history(version, actor=actor, reason=f"Replaced: {reason}")
    elif RasVersion.objects.filter(authority_id=version.authority_id, state=RasVersion.State.LIVE,
                                   scope=version.scope, effective_from=effective_from).exists():
        raise ValidationError({"effective_from": "Another version is already live from this date"})
    new = _create_version(actor=actor, authority=version.authority, name=version.name,
                          effective_from=effective_from, price_per_point=pence,
                          domains=_questionnaire(version), state=RasVersion.State.LIVE,
                          bands=version_bands(version), rules=version_rules(version),
                          reason=reason)
    job = recalculation_start(actor=actor, version=new, back_url=back_url,
                              reason=price_change_reason(version.price_per_point, pence,
                                                         effective_from))
    return new, job


# --- The budget's lifecycle: indicative → proposed → agreed → superseded ----------------


@transaction.atomic
def budget_propose(*, actor: Any, budget: IndicativeBudget) -> IndicativeBudget:
    """The worker puts the indicative budget forward for agreement. From here a change of
    price per point no longer recalculates it. A budget above the panel's thresholds, or
    with an exception, goes to the panel (``needs_panel``, with the reasons) instead of
    the team manager (see ``panel.needs_panel_reasons``)."""
    from selfdirect.allocation.panel import needs_panel_reasons

    budget = IndicativeBudget.objects.select_for_update().get(pk=budget.pk)
    require_perm(actor, "allocation.calculate_budget", budget.person)
    if budget.state != IndicativeBudget.State.INDICATIVE:
        raise ValidationError(
            f"This budget is {budget.get_state_display().lower()}: only an indicative budget "
            "can be proposed.")
    budget.state = IndicativeBudget.State.PROPOSED
    budget.proposed_at = timezone.now()
    budget.proposed_by = actor
    budget.panel_reasons = needs_panel_reasons(budget, on=clock.today())
    budget.needs_panel = bool(budget.panel_reasons)
    save_with_history(budget, actor=actor, reason="Proposed for the panel" if budget.needs_panel
                      else "Proposed for agreement")
    return budget


@transaction.atomic
def budget_agree(*, actor: Any, budget: IndicativeBudget, reason: str) -> IndicativeBudget:
    """The team manager agrees a proposed budget, with reasons the person can read. The
    person's previously agreed budget, if any, is superseded in the same transaction."""
    budget = IndicativeBudget.objects.select_for_update().get(pk=budget.pk)
    require_perm(actor, "allocation.agree_budget", budget.person)
    if budget.state != IndicativeBudget.State.PROPOSED:
        raise ValidationError(
            f"This budget is {budget.get_state_display().lower()}: only a proposed budget "
            "can be agreed.")
    if budget.needs_panel:
        raise ValidationError("This budget needs the resource allocation panel's decision: "
                              + " ".join(budget.panel_reasons))
    return _agree(actor=actor, budget=budget, reason=reason)


def _agree(*, actor: Any, budget: IndicativeBudget, reason: str) -> IndicativeBudget:
    """Agree ``budget`` (locked by the caller) and supersede the person's earlier agreed
    budget. Shared by the team manager's agreement and the panel's decision."""
    if not reason.strip():
        raise ValidationError({"decision_reason": "Enter the reasons for agreeing the budget"})
    for earlier in IndicativeBudget.objects.select_for_update().filter(
            person_id=budget.person_id, state=IndicativeBudget.State.AGREED):
        earlier.state = IndicativeBudget.State.SUPERSEDED
        save_with_history(earlier, actor=actor, reason=f"Superseded by budget {budget.pk}")
    budget.state = IndicativeBudget.State.AGREED
    budget.agreed_on = clock.today()
    budget.agreed_by = actor
    budget.decision_reason = reason.strip()
    save_with_history(budget, actor=actor, reason="Agreed")
    return budget


@transaction.atomic
def ras_version_rules_set(*, actor: Any, version: RasVersion, scope: str,
                          client_groups: list[str], minimum_age: int | None,
                          maximum_age: int | None) -> RasVersion:
    """Which assessments a draft applies to: its scope (versions of the same scope replace
    each other), the client groups (none for all) and an age range (either end open)."""
    from selfdirect.people.models import ClientGroup

    require_perm(actor, "allocation.manage_ras", version)
    version = RasVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != RasVersion.State.DRAFT:
        raise ValidationError({"scope": "Only a draft's rules can be changed: copy the live "
                                        "version into a draft first"})
    errors: dict[str, str] = {}
    unknown = [c for c in client_groups if c not in ClientGroup.values]
    if unknown:
        errors["client_groups"] = f"Choose client groups from the list, not {', '.join(unknown)}"
    for field, value in (("minimum_age", minimum_age), ("maximum_age", maximum_age)):
        if value is not None and (not isinstance(value, int) or not 0 <= value <= 130):
            errors[field] = "Enter an age in whole years, from 0 to 130"
    if (not errors and minimum_age is not None and maximum_age is not None
            and maximum_age < minimum_age):
        errors["maximum_age"] = "The oldest age must not be below the youngest"
    if errors:
        raise ValidationError(errors)
    version.scope = (scope or "").strip()
    version.client_groups = sorted(set(client_groups))
    version.minimum_age, version.maximum_age = minimum_age, maximum_age
    save_with_history(version, actor=actor, reason="Who it applies to: " + version.rules_text)
    return version
