"""What an individual budget is made of beyond the questionnaire's sum: money from other
funding streams, the cost of employing personal assistants line by line, exceptions for
the panel, and the annual uplift of employer costs.

The council's social care share of an individual budget is the budget's own ``total``
(the questionnaire's sum and its adjustments). Other funding streams (health, the
Independent Living Fund, housing support, Access to Work, education) are ``FundingLine``
rows beside it: the individual budget is the council's share plus those lines, a year at
a time. An ``EmployerCosting`` says what employing one personal assistant costs; it does
not add to the budget by itself. When the costings come to more than the council's share,
``budget_cover_employer_costs`` adds the difference as an adjustment with its reason, so
the explanation still adds up to the penny.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from selfdirect.allocation.arithmetic import HUNDRED, side_by_side, yearly_from
from selfdirect.allocation.employer_costs import MINIMUM_WAGE_KEY, employer_costs, employer_rates
from selfdirect.allocation.models import (
    BudgetAdjustment,
    BudgetException,
    EmployerCosting,
    FundingLine,
    FundingStream,
    IndicativeBudget,
    Period,
    ReasonCode,
)
from selfdirect.authorities import limits
from selfdirect.authorities.limits import over_limit
from selfdirect.authorities.models import Authority
from selfdirect.core import clock
from selfdirect.core.money import (
    amount_message,
    apply_rate,
    format_pounds,
    pence_from_pounds,
    pounds,
)
from selfdirect.core.services import delete_with_history, require_perm, save_with_history

OTHER_STREAMS = [choice for choice in FundingStream.choices if choice[0] != FundingStream.COUNCIL]


def _editable(budget: IndicativeBudget, what: str) -> IndicativeBudget:
    budget = IndicativeBudget.objects.select_for_update().get(pk=budget.pk)
    if budget.state != IndicativeBudget.State.INDICATIVE:
        raise ValidationError(f"This budget is {budget.get_state_display().lower()}: {what} "
                              "can only change while it is indicative.")
    return budget


def _pence(value: Any, field: str, what: str) -> int:
    try:
        pence = pence_from_pounds(value if value is not None else "")
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: amount_message(
            exc, what[:1].upper() + what[1:], f"Enter {what} in pounds and pence, like 12.60",
        )}) from exc
    if pence <= 0:
        raise ValidationError({field: f"Enter {what} more than £0.00"})
    return pence


# --- Funding streams ---------------------------------------------------------------------


@transaction.atomic
def funding_line_add(*, actor: Any, budget: IndicativeBudget, stream: str, description: str,
                     amount: Decimal | str, period: str) -> FundingLine:
    """Money from another funding stream, for a period (weekly, four-weekly or yearly)."""
    require_perm(actor, "allocation.calculate_budget", budget)
    budget = _editable(budget, "its funding")
    errors: dict[str, str] = {}
    if stream not in dict(OTHER_STREAMS):
        errors["stream"] = ("Choose where the money comes from: "
                            + ", ".join(label for _, label in OTHER_STREAMS))
    if period not in Period.values:
        errors["period"] = "Choose whether the amount is for a week, four weeks or a year"
    if not (description or "").strip():
        errors["description"] = "Say what the money is for"
    elif len(description.strip()) > 200:
        errors["description"] = "Say what the money is for in 200 characters or fewer"
    try:
        pence = _pence(amount, "amount", "the amount")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    else:
        if period in Period.values and (too_much := over_limit(
                authority=budget.person.authority, key=limits.FUNDING_LINE_YEARLY,
                pence=yearly_from(pence, period), what="The amount for a year")):
            errors["amount"] = too_much
    if errors:
        raise ValidationError(errors)
    line = FundingLine(budget=budget, stream=stream, description=description.strip(),
                       amount=pence, period=period, yearly_amount=yearly_from(pence, period),
                       created_by=actor)
    save_with_history(line, actor=actor, reason=f"Funding added: {line.get_stream_display()}")
    return line


@transaction.atomic
def funding_line_remove(*, actor: Any, line: FundingLine) -> None:
    require_perm(actor, "allocation.calculate_budget", line.budget)
    _editable(line.budget, "its funding")
    delete_with_history(line, actor=actor, reason="Funding removed")


# --- Employer costs ----------------------------------------------------------------------


def _hours(value: Any) -> Decimal:
    if isinstance(value, float):
        raise ValidationError({"hours_per_week": "Enter the hours a week as a number, like 22.5"})
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(
            {"hours_per_week": "Enter the hours a week as a number, like 22.5"}) from exc
    if not hours.is_finite() or hours <= 0 or hours > 168:
        raise ValidationError({"hours_per_week": "Enter hours a week between 0 and 168"})
    if hours != hours.quantize(Decimal("0.01")):
        raise ValidationError({"hours_per_week": "Enter the hours a week to two decimal places "
                                                 "at most, like 22.25"})
    return hours


def _snapshot(costing: EmployerCosting, authority: Authority, on: datetime.date) -> None:
    """Fill the costing's lines and totals from the figures in force on ``on``."""
    try:
        breakdown = employer_costs(
            authority=authority, hourly_wage_pence=costing.hourly_wage,
            hours_per_week=Decimal(costing.hours_per_week), on=on,
            employment_allowance=costing.employment_allowance,
            pension_enrolled=costing.pension_enrolled)
    except ValueError as exc:
        raise ValidationError({"hourly_wage": str(exc)}) from exc
    costing.rates_on = on
    costing.lines = [{"key": line.key, "label": line.label, "amount": line.amount,
                      "rule": line.rule} for line in breakdown.lines]
    costing.yearly_total = breakdown.yearly_total
    costing.start_up = breakdown.start_up.amount


@transaction.atomic
def employer_costing_add(*, actor: Any, budget: IndicativeBudget, label: str,
                         hourly_wage: Decimal | str, hours_per_week: Decimal | str,
                         employment_allowance: bool, pension_enrolled: bool = True
                         ) -> EmployerCosting:
    """Cost one personal assistant with the authority's figures in force today: pay,
    holiday pay, employer National Insurance, pension, insurance, payroll, the PVG or DBS
    check, training, management costs for larger packages, and the one-off start-up sum."""
    require_perm(actor, "allocation.calculate_budget", budget)
    budget = _editable(budget, "its employer costs")
    errors: dict[str, str] = {}
    label = (label or "").strip()
    if not label:
        errors["label"] = 'Give the personal assistant a name or label, like "Personal assistant 1"'
    elif len(label) > 100:
        errors["label"] = "Give a label of 100 characters or fewer"
    for field, check in (("hourly_wage", lambda: _pence(hourly_wage, "hourly_wage",
                                                        "the hourly wage")),
                         ("hours_per_week", lambda: _hours(hours_per_week))):
        try:
            check()
        except ValidationError as exc:
            errors[field] = exc.message_dict[field][0]
    if errors:
        raise ValidationError(errors)
    costing = EmployerCosting(budget=budget, label=label,
                              hourly_wage=_pence(hourly_wage, "hourly_wage", "the hourly wage"),
                              hours_per_week=_hours(hours_per_week),
                              employment_allowance=bool(employment_allowance),
                              pension_enrolled=bool(pension_enrolled), created_by=actor)
    _snapshot(costing, budget.person.authority, clock.today())
    save_with_history(costing, actor=actor, reason=f"Employer costs added: {label}")
    return costing


@transaction.atomic
def employer_costing_remove(*, actor: Any, costing: EmployerCosting) -> None:
    require_perm(actor, "allocation.calculate_budget", costing.budget)
    _editable(costing.budget, "its employer costs")
    delete_with_history(costing, actor=actor, reason="Employer costs removed")


def costed_yearly(budget: IndicativeBudget) -> int:
    return sum(c.yearly_total for c in EmployerCosting.objects.filter(budget=budget))


@transaction.atomic
def budget_cover_employer_costs(*, actor: Any, budget: IndicativeBudget) -> BudgetAdjustment:
    """When employing the personal assistants costs more a year than the council's share,
    add the difference as an adjustment (reason: employer costs), naming each assistant and
    the sum, so the budget covers what it takes to employ them lawfully."""
    from selfdirect.allocation.services import budget_adjust

    require_perm(actor, "allocation.calculate_budget", budget)
    budget = _editable(budget, "its employer costs")
    costings = list(EmployerCosting.objects.filter(budget=budget))
    costed = sum(c.yearly_total for c in costings)
    shortfall = costed - budget.total
    if not costings:
        raise ValidationError("Add the cost of employing a personal assistant first.")
    if shortfall <= 0:
        raise ValidationError(f"The budget of {format_pounds(budget.total)} a year already "
                              f"covers the employer costs of {format_pounds(costed)}.")
    names = ", ".join(c.label for c in costings)
    return budget_adjust(
        actor=actor, budget=budget, kind=BudgetAdjustment.Kind.ADD_AMOUNT,
        reason_code=ReasonCode.EMPLOYER_COSTS, amount=pounds(shortfall),
        reason=(f"Employing {names} costs {format_pounds(costed)} a year, "
                f"{format_pounds(shortfall)} more than the budget of "
                f"{format_pounds(budget.total)}."))


# --- Exceptions ----------------------------------------------------------------------------


@transaction.atomic
def budget_exception_record(*, actor: Any, budget: IndicativeBudget, kind: str,
                            reason: str) -> BudgetException:
    """Something the panel must decide whatever the budget's size, with its reason (a
    family member as a personal assistant: say why, for example a remote island with no
    agency)."""
    require_perm(actor, "allocation.calculate_budget", budget)
    budget = _editable(budget, "its exceptions")
    errors: dict[str, str] = {}
    if kind not in BudgetException.Kind.values:
        errors["kind"] = "Choose what kind of exception this is"
    if not (reason or "").strip():
        errors["reason"] = "Say why the exception is needed"
    if errors:
        raise ValidationError(errors)
    exception = BudgetException(budget=budget, kind=kind, reason=reason.strip(), created_by=actor)
    save_with_history(exception, actor=actor, reason=f"Exception: {exception.get_kind_display()}")
    return exception


# --- The annual uplift -------------------------------------------------------------------


@dataclass(frozen=True)
class UpliftResult:
    recosted: int
    wages_raised: int
    flagged: int


@transaction.atomic
def employer_costs_uplift(*, actor: Any, authority: Authority, on: datetime.date,
                          wage_uplift_percent: Decimal | str = "0") -> UpliftResult:
    """Apply a new tax year's employer figures from ``on``: every personal-assistant costing
    on the authority's indicative and proposed budgets is recosted with the figures in
    force on ``on``, its hourly wage raised by ``wage_uplift_percent`` (rounded half-up to
    the penny) and never left below the minimum wage then in force. Agreed budgets are not
    changed: they are flagged for their next review, saying why. History keeps every
    earlier figure."""
    require_perm(actor, "allocation.manage_ras", authority)
    try:
        if isinstance(wage_uplift_percent, float):
            raise TypeError
        percent = Decimal(str(wage_uplift_percent).strip().removesuffix("%") or "0")
        if not percent.is_finite() or not Decimal(0) <= percent <= Decimal(100):
            raise ValueError
    except (TypeError, ValueError, InvalidOperation) as exc:
        raise ValidationError({"wage_uplift_percent": "Enter a percentage from 0 to 100, "
                                                      "like 3.5"}) from exc
    minimum = employer_rates(authority=authority, on=on).minimum_wage
    costings = list(EmployerCosting.objects.select_for_update(of=("self",))
                    .filter(budget__person__authority=authority,
                            budget__state__in=[IndicativeBudget.State.INDICATIVE,
                                               IndicativeBudget.State.PROPOSED]))
    raised = 0
    for costing in costings:
        wage = costing.hourly_wage + apply_rate(costing.hourly_wage, percent / HUNDRED)
        if wage < minimum:
            wage, raised = minimum, raised + 1
        costing.hourly_wage = wage
        _snapshot(costing, authority, on)
    bulk_update_with_history(
        costings, EmployerCosting, ["hourly_wage", "rates_on", "lines", "yearly_total", "start_up"],
        default_user=actor,
        default_change_reason=f"Uplift: employer figures from {on:%-d %B %Y}")
    why = (f"Employer figures for personal assistants changed from {on:%-d %B %Y}"
           + (f" (wages up {format(percent.normalize(), 'f')}%)" if percent else "")
           + f"; the minimum hourly wage is then {format_pounds(minimum)} "
             f"({MINIMUM_WAGE_KEY}). Recost the employer costs at the next review.")
    # FOR UPDATE cannot take DISTINCT (PostgreSQL): the costed budgets as a subquery.
    costed = EmployerCosting.objects.values("budget_id")
    agreed = list(IndicativeBudget.objects.select_for_update(of=("self",))
                  .filter(person__authority=authority, state=IndicativeBudget.State.AGREED,
                          pk__in=costed))
    now = timezone.now()
    for budget in agreed:
        budget.review_flag, budget.review_flagged_at = why, now
    bulk_update_with_history(agreed, IndicativeBudget, ["review_flag", "review_flagged_at"],
                             default_user=actor, default_change_reason="Flagged for review: uplift")
    return UpliftResult(recosted=len(costings), wages_raised=raised, flagged=len(agreed))


# --- Reading it back -------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetRow:
    """One row of the individual budget: where the money comes from, what for, and the
    weekly, four-weekly and yearly sums side by side (whole pence)."""

    stream: str
    description: str
    weekly: int
    four_weekly: int
    yearly: int
    line: FundingLine | None = None

    @property
    def display(self) -> dict[str, str]:
        return {"weekly": format_pounds(self.weekly), "four_weekly": format_pounds(self.four_weekly),
                "yearly": format_pounds(self.yearly)}


def _row(stream: str, description: str, sums: dict[str, int],
         line: FundingLine | None = None) -> BudgetRow:
    return BudgetRow(stream=stream, description=description, weekly=sums["weekly"],
                     four_weekly=sums["four_weekly"], yearly=sums["yearly"], line=line)


def costs_context(budget: IndicativeBudget) -> dict[str, Any]:
    """Template context for ``allocation/includes/budget_costs.html`` (three queries):
    the individual budget's rows by funding stream with their total, and each personal
    assistant's employer costs line by line with the start-up sums."""
    lines = list(FundingLine.objects.filter(budget=budget).order_by("pk"))
    exceptions = list(BudgetException.objects.filter(budget=budget).order_by("pk"))
    costings = list(EmployerCosting.objects.filter(budget=budget).order_by("pk"))
    council = side_by_side(budget.total, Period.YEARLY)
    rows = [_row(FundingStream.COUNCIL.label, "From the questionnaire, with its adjustments",
                 council)]
    rows += [_row(line.get_stream_display(), line.description,
                  side_by_side(line.amount, line.period), line) for line in lines]
    # The yearly column adds up exactly; the weekly and four-weekly totals are the yearly
    # total shared out, so they are stated as "about" when a row had to be rounded.
    yearly_total = sum(row.yearly for row in rows)
    total = _row("Individual budget", "", side_by_side(yearly_total, Period.YEARLY))
    costed = sum(c.yearly_total for c in costings)
    start_up = sum(c.start_up for c in costings)
    return {
        "budget_rows": rows, "budget_total_row": total, "funding_lines": lines,
        "budget_exceptions": exceptions,
        "employer_costings": [{"costing": c,
                               "lines": [{**item, "amount_display": format_pounds(item["amount"])}
                                         for item in c.lines],
                               "yearly_display": format_pounds(c.yearly_total),
                               "wage_display": format_pounds(c.hourly_wage),
                               "hours_display": format(Decimal(c.hours_per_week).normalize(), "f"),
                               "start_up_display": format_pounds(c.start_up)}
                              for c in costings],
        "costed_yearly": format_pounds(costed) if costings else "",
        "start_up_total": format_pounds(start_up) if costings else "",
        "costing_shortfall": format_pounds(costed - budget.total) if costed > budget.total else "",
    }
