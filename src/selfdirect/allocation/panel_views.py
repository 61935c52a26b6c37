"""The resource allocation panel's pages, for the user's current authority.

- ``panel-home``: the envelope against committed and forecast spend, the agenda and the
  meetings.
- ``panel-meeting-create``: set up a meeting (date, chair, members).
- ``panel-meeting``: one meeting: what it still has to decide, with each budget's
  explanation, and the decisions it made.
- ``panel-decide``: approve, amend or decline one budget, with reasons the person reads.
- ``panel-envelope``: the authority's envelope for each financial year (finance and the
  administrator).

The middleware checks the page's permission for *some* authority; each view checks it
again for the authority or meeting it shows (403 for the current authority, 404 for a
meeting elsewhere, so its existence is not disclosed). A person's name and budget appear
only for budgets on the agenda or decided by the panel, and every such viewing is written
to the access log with the channel "panel".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from selfdirect.accounts.models import User
from selfdirect.allocation import panel
from selfdirect.allocation.costing import costs_context
from selfdirect.allocation.models import (
    AllocationEnvelope,
    IndicativeBudget,
    PanelDecision,
    PanelMeeting,
)
from selfdirect.allocation.selectors import budget_explanation
from selfdirect.audit.models import AccessLog
from selfdirect.audit.services import access_log_record
from selfdirect.authorities.models import Authority
from selfdirect.authorities.web import current_authority_for
from selfdirect.core import clock
from selfdirect.core.forms import (
    GovukDateField,
    GovukForm,
    apply_govuk_messages,
    model_choice_field,
)
from selfdirect.core.money import format_pounds
from selfdirect.core.permissions import permission_required
from selfdirect.core.views import add_service_errors

SIT = "allocation.sit_on_panel"
ENVELOPE = "allocation.manage_envelope"


# --- Forms --------------------------------------------------------------------------------


class _StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class _StaffChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class MeetingForm(GovukForm):
    date = GovukDateField(label="Date of the meeting", help_text="For example, 9 4 2026")
    chair = _StaffChoice(label="Who chairs the meeting?", queryset=User.objects.none(),
                         widget=forms.RadioSelect, empty_label=None)
    members = _StaffChoices(label="Who sits on the panel?", queryset=User.objects.none(),
                            widget=forms.CheckboxSelectMultiple,
                            help_text=("Select everyone who sits on the panel. The chair is "
                                       "counted as a member whether or not you select them."))

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        eligible = panel.panel_eligible_staff(authority)
        model_choice_field(self, "chair").queryset = eligible
        model_choice_field(self, "members").queryset = eligible
        apply_govuk_messages(self)
        self.fields["chair"].error_messages["required"] = "Select who chairs the meeting"
        self.fields["members"].error_messages["required"] = "Select who sits on the panel"


class DecisionForm(GovukForm):
    no_optional_marks = True  # the amount is asked for only when the panel amends

    outcome = forms.ChoiceField(label="What does the panel decide?", widget=forms.RadioSelect,
                                choices=[("approve", "Approve the budget as proposed"),
                                         ("amend", "Agree a different amount"),
                                         ("decline", "Decline: send it back to the worker")])
    amended_total = forms.CharField(
        label="The yearly amount the panel agrees", required=False, max_length=20,
        help_text="In pounds and pence, for example 18,250.00",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}))
    reasons = forms.CharField(
        label="The panel's reasons", max_length=panel.REASONS_MAX,
        help_text="The person reads these. Write them in plain English.",
        widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)
        self.fields["outcome"].error_messages["required"] = (
            "Select whether the panel approves, amends or declines the budget")
        self.fields["reasons"].error_messages["required"] = (
            "Enter the panel's reasons: the person reads them")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == "amend" and not (data.get("amended_total") or "").strip():
            self.add_error("amended_total", "Enter the yearly amount the panel agrees, in "
                                            "pounds and pence")
        return data


class EnvelopeForm(GovukForm):
    year_start = GovukDateField(label="The financial year starts on",
                                help_text="Always 1 April, for example 1 4 2026")
    amount = forms.CharField(
        label="Envelope for the year", max_length=20,
        help_text="In pounds and pence, for example 12,500,000.00",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)
        self.fields["year_start"].initial = panel.financial_year_start(clock.today())


# --- Loading ------------------------------------------------------------------------------


def _meeting(request: HttpRequest, meeting_id: int) -> PanelMeeting:
    """The meeting, 404 unless the user sits on its authority's panel."""
    meeting = (PanelMeeting.objects.select_related("authority", "chair")
               .prefetch_related("members").filter(pk=meeting_id).first())
    if meeting is None or not request.user.has_perm(SIT, meeting):
        raise Http404("No meeting found.")
    return meeting


def _log_viewed(request: HttpRequest, person_ids: Iterable[int],
                outcome: str = AccessLog.Outcome.VIEWED) -> None:
    """Record that the panel's page showed these people's names and budgets."""
    for person_id in dict.fromkeys(person_ids):
        access_log_record(user=request.user, person_id=person_id, outcome=outcome,
                          path=request.path, channel=panel.ACCESS_CHANNEL)


def _decided_amount(decision: PanelDecision) -> str:
    """What the decision agreed a year: the amended sum, the budget as proposed, or none."""
    if decision.outcome == PanelDecision.Outcome.AMEND and decision.amended_total is not None:
        return format_pounds(decision.amended_total)
    if decision.outcome == PanelDecision.Outcome.APPROVE:
        return format_pounds(decision.budget.total)
    return "Not agreed"


def _signed(pence: int) -> str:
    return f"+{format_pounds(pence)}" if pence > 0 else format_pounds(pence)


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.username) if user else ""


# --- Pages --------------------------------------------------------------------------------


@permission_required(SIT)
def panel_home(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, SIT)
    agenda = panel.panel_agenda(authority)
    year_start = panel.financial_year_start(clock.today())
    figures = panel.envelope_figures(authority, year_start, agenda=agenda)
    upcoming, past = panel.panel_meetings(authority)
    _log_viewed(request, (item.person.pk for item in agenda))
    return render(request, "allocation/panel_home.html", {
        "authority": authority, "agenda": agenda, "figures": figures,
        "upcoming": upcoming, "past": past, "next_meeting": upcoming[0] if upcoming else None,
        "can_manage_envelope": request.user.has_perm(ENVELOPE, authority),
        "money": _figures_display(figures)})


def _figures_display(figures: panel.EnvelopeFigures) -> dict[str, str]:
    def show(pence: int | None) -> str:
        return "Not set" if pence is None else format_pounds(pence)

    return {"envelope": show(figures.envelope), "committed": show(figures.committed),
            "forecast": show(figures.forecast), "headroom": show(figures.headroom),
            "forecast_headroom": show(figures.forecast_headroom),
            "over_by": format_pounds(figures.over_by),
            "forecast_over_by": format_pounds(figures.forecast_over_by)}


@permission_required(SIT)
def panel_meeting_create(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, SIT)
    form = MeetingForm(request.POST or None, authority=authority)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = panel.panel_meeting_create(
                actor=request.user, authority=authority, date=form.cleaned_data["date"],
                chair=form.cleaned_data["chair"], members=form.cleaned_data["members"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Panel meeting set up for {meeting.date:%-d %B %Y}")
            return redirect("panel-meeting", meeting_id=meeting.pk)
    return render(request, "allocation/panel_meeting_form.html",
                  {"authority": authority, "form": form})


@permission_required(SIT)
def panel_meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    decisions = list(panel.meeting_decisions(meeting))
    agenda = panel.panel_agenda(meeting.authority_id)
    items = [(item, budget_explanation(item.budget)) for item in agenda]
    _log_viewed(request, [*(d.budget.person_id for d in decisions),
                          *(item.person.pk for item in agenda)])
    members = list(meeting.members.all())
    rows = [{"decision": d, "amount": _decided_amount(d)} for d in decisions]
    return render(request, "allocation/panel_meeting.html", {
        "meeting": meeting, "decisions": rows, "items": items,
        "members": members, "is_member": any(m.pk == request.user.pk for m in members),
        "can_decide_today": meeting.date <= clock.today()})


@permission_required(SIT)
def panel_decide(request: HttpRequest, meeting_id: int, budget_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    budget = panel.budget_for_panel(meeting=meeting, budget_id=budget_id)
    if budget is None:
        person_id = (IndicativeBudget.objects.filter(pk=budget_id)
                     .values_list("person_id", flat=True).first())
        if person_id is not None:
            _log_viewed(request, [person_id], AccessLog.Outcome.DENIED)
        raise Http404("No budget found on this panel's agenda.")
    _log_viewed(request, [budget.person_id])
    decision = (PanelDecision.objects.filter(meeting=meeting, budget=budget)
                .select_related("decided_by").order_by("-pk").first())
    pending = budget.state == IndicativeBudget.State.PROPOSED and budget.needs_panel
    is_member = any(m.pk == request.user.pk for m in meeting.members.all())
    can_decide = pending and is_member and meeting.date <= clock.today()
    form = DecisionForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            outcome = form.cleaned_data["outcome"]
            try:
                panel.panel_decide(
                    actor=request.user, meeting=meeting, budget=budget, outcome=outcome,
                    reasons=form.cleaned_data["reasons"],
                    amended_total=(form.cleaned_data["amended_total"]
                                   if outcome == PanelDecision.Outcome.AMEND else None))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                label = PanelDecision.Outcome(outcome).label.lower()
                messages.success(request, f"Decision recorded: {budget.person.display_name}'s "
                                          f"budget {label}")
                return redirect("panel-meeting", meeting_id=meeting.pk)
    current = getattr(budget, "current_agreed", None) if pending else None
    return render(request, "allocation/panel_decide.html", {
        "meeting": meeting, "budget": budget, "person": budget.person,
        "explanation": budget_explanation(budget), **costs_context(budget),
        "decision": decision, "form": form,
        "pending": pending, "is_member": is_member,
        "proposed": format_pounds(budget.total),
        "current": None if current is None else format_pounds(current),
        "change": None if not pending else _signed(budget.total - (current or 0)),
        "decided_by": _name(decision.decided_by) if decision else ""})


@permission_required(ENVELOPE)
def panel_envelope(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, ENVELOPE)
    form = EnvelopeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            envelope = panel.envelope_set(actor=request.user, authority=authority,
                                          year_start=form.cleaned_data["year_start"],
                                          amount=form.cleaned_data["amount"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Envelope for {panel.financial_year_label(envelope.year_start)}"
                                      f" set at {format_pounds(envelope.amount)}")
            return redirect("panel-envelope")
    envelopes = [{"year": panel.financial_year_label(e.year_start),
                  "amount": format_pounds(e.amount), "set_by": _name(e.set_by), "set_at": e.set_at}
                 for e in AllocationEnvelope.objects.filter(authority=authority)
                 .select_related("set_by").order_by("-year_start")]
    return render(request, "allocation/panel_envelope.html", {
        "authority": authority, "form": form, "envelopes": envelopes})


urlpatterns = [
    path("panel/", panel_home, name="panel-home"),
    path("panel/meetings/new/", panel_meeting_create, name="panel-meeting-create"),
    path("panel/meetings/<id:meeting_id>/", panel_meeting, name="panel-meeting"),
    path("panel/meetings/<id:meeting_id>/budgets/<id:budget_id>/", panel_decide,
         name="panel-decide"),
    path("panel/envelope/", panel_envelope, name="panel-envelope"),
]
