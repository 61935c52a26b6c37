"""Recalculation in bulk: when an authority changes its price per point or its
questionnaire, every *indicative* budget is worked out again under the new version, and
every *agreed* budget is flagged for its next review. Proposed budgets are left alone.

The scoring rule is ``services._score``'s: the assessment's answers (``RasResponse``) are
matched to the version's questions by question code and answer code, points are summed
per domain, and base = points × price per point; the budget's adjustments are kept and
the total is ``arithmetic.budget_total``. A budget whose assessment has no answer to a
question of the version (a new question) is left as it was and reported, not failed.

Budgets are read and written in batches (``BATCH_SIZE``) in primary-key order, with a
fixed number of queries per batch: the budgets (locked), their answers, their
adjustments, one UPDATE of every changed row and the INSERTs of their history rows (two
for 2,000 budgets). See docs/recalculation.md.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from selfdirect.allocation.arithmetic import band_for, base_amount, budget_total
from selfdirect.allocation.models import (
    BudgetAdjustment,
    IndicativeBudget,
    RasBand,
    RasDomain,
    RasResponse,
    RasVersion,
)
from selfdirect.core.money import format_pounds
from selfdirect.core.services import history_reason as cut_reason
from selfdirect.core.services import require_perm

BATCH_SIZE = 2000

RECALCULATED_FIELDS = ["ras_version", "points", "domain_points", "price_per_point", "band",
                       "base_amount", "total", "calculated_at"]
FLAG_FIELDS = ["review_flag", "review_flagged_at"]


@dataclass
class RecalculationResult:
    """What a recalculation did. ``skipped`` is ``(budget id, reason)`` for each budget left
    as it was."""

    recalculated: int = 0
    unchanged: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    flagged: int = 0

    @property
    def summary(self) -> str:
        parts = [f"{self.recalculated:,} indicative "
                 f"{'budget' if self.recalculated == 1 else 'budgets'} recalculated"]
        if self.unchanged:
            parts.append(f"{self.unchanged:,} already up to date")
        if self.skipped:
            parts.append(f"{len(self.skipped):,} left as they were (see their reasons)")
        parts.append(f"{self.flagged:,} agreed "
                     f"{'budget' if self.flagged == 1 else 'budgets'} flagged for review")
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class _Scorer:
    """A version's questionnaire as plain data, to score answers without more queries."""

    domains: list[tuple[str, str]]  # (code, name) in order
    # question code -> (domain code, question text, {answer code: points})
    questions: dict[str, tuple[str, str, dict[str, int]]]

    @classmethod
    def for_version(cls, version: RasVersion) -> _Scorer:
        domains = list(RasDomain.objects.filter(version=version)
                       .prefetch_related("questions__answers"))
        return cls(domains=[(d.code, d.name) for d in domains],
                   questions={q.code: (d.code, q.text, {a.code: a.points for a in q.answers.all()})
                              for d in domains for q in d.questions.all()})

    def score(self, chosen: dict[str, str]) -> tuple[int, list[dict[str, Any]], list[str]]:
        """Points, points per domain, and the question codes left unanswered."""
        per_domain: dict[str, int] = {code: 0 for code, _ in self.domains}
        missing: list[str] = []
        for code, (domain, _text, answers) in self.questions.items():
            points = answers.get(chosen.get(code, ""))
            if points is None:
                missing.append(code)
            else:
                per_domain[domain] += points
        breakdown = [{"code": code, "name": name, "points": per_domain[code]}
                     for code, name in self.domains]
        return sum(per_domain.values()), breakdown, missing


def price_change_reason(old_pence: int, new_pence: int, on: Any) -> str:
    """The sentence for the history and for an agreed budget's review flag."""
    return (f"The price per point changed from {format_pounds(old_pence)} to "
            f"{format_pounds(new_pence)} on {on:%-d %B %Y}")


def questionnaire_change_reason(version: RasVersion) -> str:
    return (f"The questionnaire changed: \u201c{version.name}\u201d applies from "
            f"{version.effective_from:%-d %B %Y}")


def _slices(keys: list[int], batch_size: int) -> Any:
    """``keys`` (primary keys, read first in one query of integers) a batch at a time, so
    no batch sorts what is left of the table."""
    for start in range(0, len(keys), batch_size):
        yield keys[start:start + batch_size]


def _locked(queryset: Any, keys: list[int]) -> list[Any]:
    """The rows of one batch, locked until its transaction commits."""
    return list(queryset.select_for_update(of=("self",)).filter(pk__in=keys).order_by("pk"))


def _keys(queryset: Any) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True))


# Parameters per statement: below SQLite's limit (32,766) and PostgreSQL's (65,535).
_MAX_PARAMS = 30_000


def _chunks(rows: list[Any], width: int) -> Any:
    size = max(1, _MAX_PARAMS // width)
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


# Column types whose Python values the drivers take as they are (no ``get_db_prep_save``).
_PASSTHROUGH = {"AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField",
                "ForeignKey", "IntegerField", "PositiveIntegerField", "TextField"}


def _preparers(fields: list[Any]) -> list[Callable[[Any], Any] | None]:
    """Per field, ``None`` (passed as it is) or a function giving the database value; dates
    and times are memoised (a batch shares its ``calculated_at``)."""
    def prepare(field: Any) -> Callable[[Any], Any] | None:
        if field.get_internal_type() in _PASSTHROUGH:
            return None
        if field.get_internal_type() in ("DateTimeField", "DateField"):
            return functools.lru_cache(maxsize=64)(
                functools.partial(field.get_db_prep_save, connection=connection))
        return functools.partial(field.get_db_prep_save, connection=connection)

    return [prepare(f) for f in fields]


def _row(obj: Any, fields: list[Any], preparers: list[Callable[[Any], Any] | None]) -> list[Any]:
    row = []
    for model_field, prepare in zip(fields, preparers, strict=True):
        value = getattr(obj, model_field.attname)
        row.append(value if prepare is None or value is None else prepare(value))
    return row


def _db_type(field: Any) -> str:
    return str(field.rel_db_type(connection) if field.is_relation else field.db_type(connection))


def _sources(fields: list[Any], values: list[list[Any]]) -> Any:
    """``WITH v (<columns>) AS (...)`` clauses holding the rows, with their parameters: on
    PostgreSQL one ``unnest`` of an array per column (a handful of parameters, whatever the
    rows); on SQLite ``VALUES (...), (...)`` in chunks under its parameter limit."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"CAST(%s AS {_db_type(f)}[])" for f in fields)
        yield (f"WITH v ({names}) AS (SELECT * FROM unnest({arrays}))",  # noqa: S608
               [list(column) for column in zip(*values, strict=True)])
        return
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    for chunk in _chunks(values, len(fields)):
        yield (f"WITH v ({names}) AS (VALUES {', '.join([row] * len(chunk))})",
               [value for item in chunk for value in item])


def _update(budgets: list[IndicativeBudget], fields: list[str]) -> None:
    """``UPDATE ... FROM`` the rows' new values: every row its own values in one statement
    (``QuerySet.bulk_update``'s CASE WHEN is far slower; see docs/recalculation.md)."""
    meta = IndicativeBudget._meta
    model_fields: list[Any] = [meta.pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    sets = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in model_fields[1:])
    pk = quote(model_fields[0].column)
    preparers = _preparers(model_fields)
    values = [_row(b, model_fields, preparers) for b in budgets]
    with connection.cursor() as cursor:
        for source, params in _sources(model_fields, values):
            cursor.execute(f"{source} UPDATE {table} SET {sets} "  # noqa: S608
                           f"FROM v WHERE {table}.{pk} = v.{pk}", params)


def _history(budgets: list[IndicativeBudget], *, actor: Any, reason: str, when: Any) -> None:
    """A "~" history row per budget, as ``bulk_history_create(update=True)`` writes it, as
    bulk INSERTs of prepared values (no historical model instance per row)."""
    history = IndicativeBudget.history.model  # type: ignore[attr-defined]
    fixed = {"history_date": when, "history_change_reason": cut_reason(reason),
             "history_type": "~",
             "history_user_id": getattr(actor, "pk", actor)}
    tracked = {f.attname for f in history.tracked_fields}
    fields = [f for f in history._meta.concrete_fields
              if not (f.primary_key and f.attname not in tracked)]
    missing = [f.attname for f in fields if f.attname not in tracked and f.attname not in fixed]
    if missing:
        raise ImproperlyConfigured(f"No value for the history fields {missing}")
    quote = connection.ops.quote_name
    tracked_fields = [f for f in fields if f.attname not in fixed]
    constant = [f.get_db_prep_save(fixed[f.attname], connection)
                for f in fields if f.attname in fixed]
    fields = tracked_fields + [f for f in fields if f.attname in fixed]
    names = ", ".join(quote(f.column) for f in fields)
    preparers = _preparers(tracked_fields)
    values = [_row(b, tracked_fields, preparers) + constant for b in budgets]
    with connection.cursor() as cursor:
        for source, params in _sources(fields, values):
            cursor.execute(f"{source} INSERT INTO {quote(history._meta.db_table)} "  # noqa: S608
                           f"({names}) SELECT * FROM v", params)


def _write(budgets: list[IndicativeBudget], fields: list[str], *, actor: Any, reason: str,
           when: Any) -> None:
    """Save ``fields`` of ``budgets`` and a history row for each: a fixed number of
    statements per batch (one UPDATE and two INSERTs for 2,000 budgets)."""
    _update(budgets, fields)
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        _history(budgets, actor=actor, reason=reason, when=when)


def recalculate_indicative(*, actor: Any, authority: Any, version: RasVersion, reason: str,
                           batch_size: int = BATCH_SIZE,
                           progress: Callable[[int, int], None] | None = None,
                           ) -> RecalculationResult:
    """Re-score every indicative budget of ``authority`` under ``version`` (keeping each
    budget's adjustments), then flag every agreed budget for its next review with
    ``reason`` (a sentence, like "The price per point changed from £45.00 to £47.00 on
    1 May 2026"). One history row per budget changed; proposed budgets are not touched.

    Run as a background job (``allocation.jobs``). Each batch commits on its own, and
    ``progress(done, total)`` is told after each, so the job's page moves while it runs.
    Running it again (after a worker was stopped part-way) finds the batches already done
    up to date, and leaves them: nothing is done twice."""
    require_perm(actor, "allocation.manage_ras", version)
    if version.authority_id != authority.pk:
        raise ValidationError({"version": "This version belongs to another council"})
    if batch_size <= 0:
        raise ValueError("batch_size must be positive")
    scorer = _Scorer.for_version(version)
    bands = [band.as_dict() for band in RasBand.objects.filter(version=version)]
    result = RecalculationResult()
    now = timezone.now()
    history_reason = f"Recalculated: {reason}"
    # Only budgets worked out under a version of the same scope: a council's other
    # questionnaires (for other client groups or ages) are not touched.
    indicative = IndicativeBudget.objects.filter(person__authority_id=authority.pk,
                                                 ras_version__scope=version.scope,
                                                 state=IndicativeBudget.State.INDICATIVE)
    indicative_keys = _keys(indicative)
    agreed_keys = _keys(_agreed(authority, version.scope))
    to_do = len(indicative_keys) + len(agreed_keys)
    done = 0
    if progress is not None:
        progress(0, to_do)
    for chunk in _slices(indicative_keys, batch_size):
        with transaction.atomic():  # each batch commits before its progress is told
            batch = _locked(indicative, chunk)
            assessment_ids = [b.assessment_id for b in batch]
            chosen: dict[int, dict[str, str]] = defaultdict(dict)
            for assessment_id, question, answer in (
                    RasResponse.objects.filter(assessment_id__in=assessment_ids)
                    .values_list("assessment_id", "question__code", "answer__code")):
                chosen[assessment_id][question] = answer
            adjustments: dict[int, list[BudgetAdjustment]] = defaultdict(list)
            for adjustment in (BudgetAdjustment.objects.filter(budget_id__in=[b.pk for b in batch])
                               .order_by("budget_id", "pk")):
                adjustments[adjustment.budget_id].append(adjustment)
            changed: list[IndicativeBudget] = []
            for budget in batch:
                points, breakdown, missing = scorer.score(chosen[budget.assessment_id])
                if missing:
                    result.skipped.append((budget.pk, "No answer to: " + ", ".join(missing)))
                    continue
                band = band_for(points, bands) or {}
                base = base_amount(points, version.price_per_point, band)
                total = budget_total(base, adjustments[budget.pk])
                if total < 0:
                    result.skipped.append((budget.pk, f"Its adjustments would take it below "
                                                      f"£0.00 ({format_pounds(total)})"))
                    continue
                if (budget.ras_version_id, budget.points, budget.domain_points, budget.band,
                        budget.price_per_point, budget.base_amount, budget.total) == (
                        version.pk, points, breakdown, band, version.price_per_point, base, total):
                    result.unchanged += 1
                    continue
                budget.ras_version = version
                budget.points, budget.domain_points, budget.band = points, breakdown, band
                budget.price_per_point, budget.base_amount, budget.total = (
                    version.price_per_point, base, total)
                budget.calculated_at = now
                changed.append(budget)
            if changed:
                _write(changed, RECALCULATED_FIELDS, actor=actor, reason=history_reason, when=now)
                result.recalculated += len(changed)
        done += len(chunk)
        if progress is not None:
            progress(done, to_do)

    def flagged_so_far(count: int) -> None:
        if progress is not None:
            progress(len(indicative_keys) + count, to_do)

    result.flagged = flag_agreed(actor=actor, authority=authority, reason=reason, when=now,
                                 batch_size=batch_size, scope=version.scope,
                                 keys=agreed_keys, progress=flagged_so_far)
    return result


def _agreed(authority: Any, scope: str | None) -> Any:
    agreed = IndicativeBudget.objects.filter(person__authority_id=authority.pk,
                                             state=IndicativeBudget.State.AGREED)
    return agreed if scope is None else agreed.filter(ras_version__scope=scope)


def flag_agreed(*, actor: Any, authority: Any, reason: str, when: Any,
                batch_size: int = BATCH_SIZE, scope: str | None = None,
                keys: list[int] | None = None,
                progress: Callable[[int], None] | None = None) -> int:
    """Flag each agreed budget of the authority for its next review: ``reason`` is added
    to its ``review_flag`` (once, so a second run adds nothing). Returns how many were
    flagged; ``progress(budgets looked at)`` after each batch."""
    flagged = 0
    seen = 0
    agreed = _agreed(authority, scope)
    for chunk in _slices(_keys(agreed) if keys is None else keys, batch_size):
        with transaction.atomic():
            batch = _locked(agreed, chunk)
            changed = []
            for budget in batch:
                if reason in budget.review_flag.splitlines():
                    continue
                budget.review_flag = f"{budget.review_flag}\n{reason}" if budget.review_flag else reason
                budget.review_flagged_at = when
                changed.append(budget)
            if changed:
                _write(changed, FLAG_FIELDS, actor=actor, reason=f"Flagged for review: {reason}",
                       when=when)
                flagged += len(changed)
        seen += len(chunk)
        if progress is not None:
            progress(seen)
    return flagged
