"""The resource allocation panel: which budgets it decides, its meetings, agenda and
decisions, and the authority's envelope against committed and forecast spend.

Writes (one transaction each, permission checked first, history written):

- ``envelope_set``: the authority's envelope for a financial year (from 1 April).
- ``panel_meeting_create``: a meeting, its chair and members.
- ``panel_decide``: approve, amend or decline a budget that needs the panel.

Reads: ``panel_agenda`` (what the panel still has to decide, one query) and
``envelope_figures`` (the envelope against committed and forecast spend).

Money is whole pence throughout; pounds only at the edges (``pence_from_pounds``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum

from selfdirect.allocation.arithmetic import HUNDRED, adjustment_effect, budget_total
from selfdirect.allocation.models import (
    AllocationEnvelope,
    BudgetAdjustment,
    BudgetException,
    IndicativeBudget,
    PanelDecision,
    PanelMeeting,
    ReasonCode,
)
from selfdirect.authorities import limits
from selfdirect.authorities.limits import over_limit
from selfdirect.authorities.models import Authority, Role, StaffRole
from selfdirect.authorities.policy import policy_value
from selfdirect.core import clock
from selfdirect.core.money import amount_message, apply_rate, format_pounds, pence_from_pounds
from selfdirect.core.services import require_perm, save_with_history

PANEL_ROLES = (Role.PANEL_MEMBER, Role.TEAM_MANAGER)
REASONS_MAX = 2000
# The access log's channel for a person's name and budget seen through the panel's pages.
ACCESS_CHANNEL = "panel"


def needs_panel_reasons(budget: IndicativeBudget, *, on: datetime.date) -> list[str]:
    """Why the panel, not the team manager, decides this budget, in plain English; an
    empty list when it does not. The thresholds are the authority's policy figures in
    force on ``on``:

    - the council's share (the budget's total) is above ``panel.budget_threshold_annual``;
    - the adjustments together move the calculated sum by more than
      ``panel.adjustment_threshold_percent`` of it (each adjustment counted whole, so
      an addition and a cut do not cancel out);
    - an exception is recorded (a family member as a personal assistant, say)."""
    authority = budget.person.authority
    reasons = []
    threshold = policy_value(authority=authority, key="panel.budget_threshold_annual", on=on)
    if budget.total > threshold:
        reasons.append(f"The budget of {format_pounds(budget.total)} a year is above the "
                       f"panel's threshold of {format_pounds(threshold)}.")
    percent: Decimal = policy_value(authority=authority, key="panel.adjustment_threshold_percent",
                                    on=on)
    moved = sum(abs(adjustment_effect(budget.base_amount, a.kind, a.amount, a.percent))
                for a in BudgetAdjustment.objects.filter(budget=budget))
    limit = apply_rate(budget.base_amount, percent / HUNDRED)
    if moved > limit:
        reasons.append(f"Adjustments change the calculated {format_pounds(budget.base_amount)} "
                       f"by {format_pounds(moved)}, more than {format(percent.normalize(), 'f')}% "
                       f"({format_pounds(limit)}).")
    for exception in BudgetException.objects.filter(budget=budget):
        reasons.append(f"{exception.get_kind_display()}: {exception.reason}")
    return reasons


# --- Dates --------------------------------------------------------------------------------


def financial_year_start(on: datetime.date) -> datetime.date:
    """1 April of the financial year that ``on`` falls in (1 April to 31 March)."""
    return datetime.date(on.year if on.month >= 4 else on.year - 1, 4, 1)


def financial_year_label(year_start: datetime.date) -> str:
    """"2026/27" for the year from 1 April 2026."""
    return f"{year_start.year}/{(year_start.year + 1) % 100:02d}"


# --- The envelope -------------------------------------------------------------------------


@transaction.atomic
def envelope_set(*, actor: Any, authority: Authority, year_start: datetime.date,
                 amount: Decimal | str) -> AllocationEnvelope:
    """Set (or change) the authority's envelope for the financial year starting on
    ``year_start`` (which must be 1 April). ``amount`` is pounds, as ``Decimal`` or text,
    converted to whole pence exactly. A change keeps the earlier figure in the history."""
    require_perm(actor, "allocation.manage_envelope", authority)
    errors: dict[str, str] = {}
    if not isinstance(year_start, datetime.date) or (year_start.month, year_start.day) != (4, 1):
        errors["year_start"] = ("The financial year starts on 1 April: enter 1 April of "
                                "the year, like 1 4 2026")
    pence = 0
    try:
        pence = pence_from_pounds(amount)
    except (TypeError, ValueError) as exc:
        errors["amount"] = amount_message(
            exc, "The envelope", "Enter the envelope in pounds and pence, like 12,500,000.00")
    else:
        if pence <= 0:
            errors["amount"] = "Enter an envelope of more than £0.00"
        elif too_much := over_limit(authority=authority, key=limits.ENVELOPE, pence=pence,
                                    what="The envelope"):
            errors["amount"] = too_much
    if errors:
        raise ValidationError(errors)
    envelope = (AllocationEnvelope.objects.select_for_update()
                .filter(authority=authority, year_start=year_start).first())
    if envelope is None:
        envelope = AllocationEnvelope(authority=authority, year_start=year_start, amount=pence,
                                      set_by=actor)
        reason = f"Envelope for {financial_year_label(year_start)} set at {format_pounds(pence)}"
    else:
        reason = (f"Envelope for {financial_year_label(year_start)} changed from "
                  f"{format_pounds(envelope.amount)} to {format_pounds(pence)}")
        envelope.amount, envelope.set_by = pence, actor
    save_with_history(envelope, actor=actor, reason=reason)
    return envelope


# --- Meetings -----------------------------------------------------------------------------


def panel_eligible_staff(authority: Authority) -> QuerySet[Any]:
    """The users who may sit on the authority's panel: its panel members and team
    managers (active roles), by name."""
    from django.contrib.auth import get_user_model

    users = StaffRole.objects.filter(authority=authority, role__in=PANEL_ROLES, active=True)
    return (get_user_model().objects.filter(pk__in=users.values("user_id"))
            .order_by("last_name", "first_name", "username"))


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.username)


@transaction.atomic
def panel_meeting_create(*, actor: Any, authority: Authority, date: datetime.date,
                         chair: Any, members: Iterable[Any]) -> PanelMeeting:
    """A panel meeting on ``date``. The chair and every member must be a panel member or
    team manager of the authority (the refusal names who is not); the chair is counted
    among the members."""
    require_perm(actor, "allocation.sit_on_panel", authority)
    members = list(members)
    errors: dict[str, str] = {}
    if not isinstance(date, datetime.date):
        errors["date"] = "Enter the date of the meeting"
    eligible = set(panel_eligible_staff(authority).values_list("pk", flat=True))
    if chair is None:
        errors["chair"] = "Select who chairs the meeting"
    elif chair.pk not in eligible:
        errors["chair"] = (f"{_name(chair)} is not a panel member or team manager in "
                           f"{authority.name}: choose someone who is")
    if not members:
        errors["members"] = "Select who sits on the panel"
    else:
        not_eligible = [_name(m) for m in members if m.pk not in eligible]
        if not_eligible:
            errors["members"] = (f"{', '.join(not_eligible)} "
                                 f"{'is' if len(not_eligible) == 1 else 'are'} not a panel "
                                 f"member or team manager in {authority.name}")
    if errors:
        raise ValidationError(errors)
    meeting = PanelMeeting(authority=authority, date=date, chair=chair, created_by=actor)
    save_with_history(meeting, actor=actor, reason="Panel meeting set up")
    meeting.members.set({m.pk for m in [chair, *members]})
    return meeting


# --- Decisions ----------------------------------------------------------------------------


def _decided_since_proposed() -> Exists:
    """A decision on the budget recorded since it was last proposed (a decline sends it
    back to indicative; proposed again, it is a new question for the panel)."""
    return Exists(PanelDecision.objects.filter(budget=OuterRef("pk"),
                                               decided_at__gte=OuterRef("proposed_at")))


def _amended_pence(amended_total: Decimal | str | None) -> int:
    if amended_total is None or (isinstance(amended_total, str) and not amended_total.strip()):
        raise ValidationError({"amended_total": "Enter the yearly amount the panel agrees, "
                                                "in pounds and pence"})
    try:
        pence = pence_from_pounds(amended_total)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"amended_total": amount_message(
            exc, "The yearly amount",
            "Enter the yearly amount in pounds and pence, like 18,250.00")}) from exc
    if pence <= 0:
        raise ValidationError({"amended_total": "Enter an amount of more than £0.00, or "
                                                "decline the budget"})
    return pence


@transaction.atomic
def panel_decide(*, actor: Any, meeting: PanelMeeting, budget: IndicativeBudget, outcome: str,
                 reasons: str, amended_total: Decimal | str | None = None) -> PanelDecision:
    """Record the panel's decision on a proposed budget that needs it, with reasons the
    person can read. ``actor`` must sit on the panel and be one of the meeting's members.

    - approve: the budget is agreed as proposed;
    - amend: the budget is agreed at ``amended_total`` (pounds): the difference is recorded
      as an adjustment with the panel's reasons, so the explanation still adds up to the
      total to the penny;
    - decline: the budget goes back to indicative with the reasons, for the worker to
      revise and propose again.

    Agreeing supersedes the person's earlier agreed budget (``services._agree``)."""
    from selfdirect.allocation.services import _agree

    require_perm(actor, "allocation.sit_on_panel", meeting)
    if not meeting.members.filter(pk=actor.pk).exists():
        raise PermissionDenied("Only the members of this meeting can record its decisions.")
    budget = (IndicativeBudget.objects.select_for_update(of=("self",))
              .select_related("person").get(pk=budget.pk))
    errors: dict[str, str] = {}
    if outcome not in PanelDecision.Outcome.values:
        errors["outcome"] = "Select whether the panel approves, amends or declines the budget"
    reasons = (reasons or "").strip()
    if not reasons:
        errors["reasons"] = "Enter the panel's reasons: the person reads them"
    elif len(reasons) > REASONS_MAX:
        errors["reasons"] = f"Reasons must be {REASONS_MAX:,} characters or fewer"
    if budget.person.authority_id != meeting.authority_id:
        errors["budget"] = "This budget is not for this authority's panel"
    elif budget.state != IndicativeBudget.State.PROPOSED or not budget.needs_panel:
        errors["budget"] = (f"This budget is {budget.get_state_display().lower()} and not "
                            "waiting for the panel")
    elif PanelDecision.objects.filter(budget=budget,
                                      decided_at__gte=budget.proposed_at).exists():
        errors["budget"] = "The panel has already decided this budget"
    if meeting.date > clock.today():
        errors["meeting"] = (f"This meeting is on {meeting.date:%-d %B %Y}: record its "
                             "decisions on or after that day")
    pence: int | None = None
    if outcome == PanelDecision.Outcome.AMEND and "budget" not in errors:
        try:
            pence = _amended_pence(amended_total)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
        else:
            if pence == budget.total:
                errors["amended_total"] = (f"{format_pounds(pence)} is the amount proposed: "
                                           "approve the budget instead")
    elif outcome in PanelDecision.Outcome.values and amended_total not in (None, ""):
        errors["amended_total"] = "Give an amount only when the panel amends the budget"
    if errors:
        raise ValidationError(errors)

    decision = PanelDecision(meeting=meeting, budget=budget, outcome=outcome,
                             amended_total=pence, reasons=reasons, decided_by=actor)
    save_with_history(decision, actor=actor, reason=decision.get_outcome_display())
    if outcome == PanelDecision.Outcome.APPROVE:
        _agree(actor=actor, budget=budget, reason=reasons)
    elif outcome == PanelDecision.Outcome.AMEND:
        assert pence is not None
        difference = pence - budget.total
        adjustment = BudgetAdjustment(
            budget=budget, amount=abs(difference), reason_code=ReasonCode.PANEL, reason=reasons,
            kind=(BudgetAdjustment.Kind.ADD_AMOUNT if difference > 0
                  else BudgetAdjustment.Kind.SUBTRACT_AMOUNT), created_by=actor)
        save_with_history(adjustment, actor=actor, reason="The panel amended the budget")
        budget.total = budget_total(budget.base_amount,
                                    BudgetAdjustment.objects.filter(budget=budget).order_by("pk"))
        if budget.total != pence:  # the arithmetic is the one rule: it must agree
            raise ValueError(f"Budget {budget.pk}: adjusted to {budget.total}, wanted {pence}")
        _agree(actor=actor, budget=budget, reason=reasons)
    else:
        budget.state = IndicativeBudget.State.INDICATIVE
        budget.needs_panel = False
        budget.panel_reasons = []
        budget.decision_reason = reasons
        save_with_history(budget, actor=actor, reason="Declined by the panel")
    return decision


# --- Reads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaItem:
    """One budget waiting for the panel. Amounts are whole pence a year."""

    budget: IndicativeBudget
    current_agreed: int | None  # the person's agreed total it would replace, if any

    @property
    def person(self) -> Any:
        return self.budget.person

    @property
    def reasons(self) -> list[str]:
        return list(self.budget.panel_reasons)

    @property
    def proposed(self) -> int:
        return self.budget.total

    @property
    def change(self) -> int:
        """What agreeing it would add to the committed spend (negative: take off)."""
        return self.budget.total - (self.current_agreed or 0)

    @property
    def proposed_display(self) -> str:
        return format_pounds(self.proposed)

    @property
    def current_display(self) -> str:
        return "No agreed budget" if self.current_agreed is None else format_pounds(self.current_agreed)

    @property
    def change_display(self) -> str:
        sign = "+" if self.change > 0 else ""
        return f"{sign}{format_pounds(self.change)}"


def _agreed_total_of_person() -> Subquery:
    return Subquery(IndicativeBudget.objects.filter(
        person_id=OuterRef("person_id"), state=IndicativeBudget.State.AGREED)
        .order_by("-agreed_on", "-pk").values("total")[:1])


def panel_agenda_queryset(authority: Authority | int) -> QuerySet[IndicativeBudget]:
    """The query behind ``panel_agenda``: proposed budgets of the authority's people that
    need the panel and have no decision since they were proposed, oldest first, each
    with its person and ``current_agreed`` (the person's agreed total, or None)."""
    authority_id = authority if isinstance(authority, int) else authority.pk
    return (IndicativeBudget.objects
            .filter(person__authority_id=authority_id, state=IndicativeBudget.State.PROPOSED,
                    needs_panel=True)
            .filter(~_decided_since_proposed())
            .select_related("person", "proposed_by")
            .annotate(current_agreed=_agreed_total_of_person())
            .order_by("proposed_at", "pk"))


def panel_agenda(authority: Authority | int) -> list[AgendaItem]:
    """What the panel still has to decide, oldest proposal first (one query)."""
    return [AgendaItem(budget=b, current_agreed=b.current_agreed)  # type: ignore[attr-defined]
            for b in panel_agenda_queryset(authority)]


@dataclass(frozen=True)
class EnvelopeFigures:
    """The authority's envelope for a financial year against its spend, in whole pence a
    year. ``committed`` is the sum of its agreed budgets; ``forecast`` adds what agreeing
    everything on the panel's agenda would change (each proposal less the agreed budget
    it would replace)."""

    year_start: datetime.date
    envelope: int | None
    committed: int
    forecast: int
    agenda_count: int

    @property
    def year_label(self) -> str:
        return financial_year_label(self.year_start)

    @property
    def headroom(self) -> int | None:
        """What is left of the envelope after the committed spend (negative: over)."""
        return None if self.envelope is None else self.envelope - self.committed

    @property
    def forecast_headroom(self) -> int | None:
        return None if self.envelope is None else self.envelope - self.forecast

    @property
    def over_by(self) -> int:
        return max(0, -(self.headroom or 0))

    @property
    def forecast_over_by(self) -> int:
        return max(0, -(self.forecast_headroom or 0))

    @property
    def sentence(self) -> str:
        """In plain English, for the top of the panel's page."""
        year = self.year_label
        committed = format_pounds(self.committed)
        if self.envelope is None:
            return (f"No envelope is set for {year}. Agreed budgets come to {committed} a "
                    f"year; agreeing everything on the agenda would make it "
                    f"{format_pounds(self.forecast)}.")
        envelope = format_pounds(self.envelope)
        assert self.headroom is not None and self.forecast_headroom is not None
        now = (f"{format_pounds(self.headroom)} is left" if self.headroom >= 0
               else f"that is {format_pounds(self.over_by)} over")
        later = (f"leaving {format_pounds(self.forecast_headroom)}"
                 if self.forecast_headroom >= 0
                 else f"{format_pounds(self.forecast_over_by)} over the envelope")
        return (f"Agreed budgets come to {committed} a year of the {envelope} envelope for "
                f"{year}: {now}. If the panel agrees everything on its agenda as proposed, "
                f"they will come to {format_pounds(self.forecast)}, {later}.")


def envelope_figures(authority: Authority | int, year_start: datetime.date,
                     agenda: list[AgendaItem] | None = None) -> EnvelopeFigures:
    """The envelope for the year from ``year_start`` (or None when none is set), the
    committed spend (the sum of the yearly totals of the authority's agreed budgets) and
    the forecast (committed plus, for each budget on the agenda, its total less the
    person's agreed total it would supersede). Pass ``agenda`` when already loaded."""
    authority_id = authority if isinstance(authority, int) else authority.pk
    envelope = (AllocationEnvelope.objects.filter(authority_id=authority_id,
                                                  year_start=year_start)
                .values_list("amount", flat=True).first())
    committed = (IndicativeBudget.objects
                 .filter(person__authority_id=authority_id, state=IndicativeBudget.State.AGREED)
                 .aggregate(sum=Sum("total"))["sum"]) or 0
    if agenda is None:
        agenda = panel_agenda(authority_id)
    forecast = committed + sum(item.change for item in agenda)
    return EnvelopeFigures(year_start=year_start, envelope=envelope, committed=int(committed),
                           forecast=int(forecast), agenda_count=len(agenda))


def meeting_decisions(meeting: PanelMeeting) -> QuerySet[PanelDecision]:
    """The decisions made at ``meeting``, in the order recorded, with each budget's person
    and who recorded it."""
    return (PanelDecision.objects.filter(meeting=meeting)
            .select_related("budget__person", "decided_by").order_by("pk"))


def panel_meetings(authority: Authority | int) -> tuple[list[PanelMeeting], list[PanelMeeting]]:
    """The authority's meetings: upcoming (today and later, soonest first) and past
    (latest first), with the chair and how many decisions each made (one query)."""
    authority_id = authority if isinstance(authority, int) else authority.pk
    today = clock.today()
    meetings: list[PanelMeeting] = list(PanelMeeting.objects.filter(authority_id=authority_id)
                    .select_related("chair").annotate(decision_count=Count("decisions"))
                    .order_by("date", "pk"))
    upcoming = [m for m in meetings if m.date >= today]
    past = [m for m in reversed(meetings) if m.date < today]
    return upcoming, past


def budget_for_panel(*, meeting: PanelMeeting, budget_id: int) -> IndicativeBudget | None:
    """The budget as the panel may see it at ``meeting``: on the authority's agenda now,
    or decided at this meeting. None otherwise (the panel sees no other budget)."""
    on_agenda = Q(pk__in=panel_agenda_queryset(meeting.authority_id).values("pk"))
    decided_here = Q(panel_decisions__meeting=meeting)
    return (IndicativeBudget.objects.filter(on_agenda | decided_here, pk=budget_id)
            .select_related("person", "person__authority", "proposed_by", "agreed_by")
            .annotate(current_agreed=_agreed_total_of_person()).distinct().first())
