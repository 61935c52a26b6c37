"""Pages for a gap in care under Option 1: switch a line of the person's agreed plan to
council-arranged cover, and switch it back (``payments.switches``).

Both are for the person's worker or a team manager (``payments.switch_cover``); the
person is loaded through ``person_get`` with that permission (404 for a record the user
may not see, and the access log). Start from the person's payments page, or from the
plan with ``?line=<id>`` to choose the line already.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from selfdirect.core import clock
from selfdirect.core.forms import (
    GovukDateField,
    GovukMessagesForm,
    choice_field,
    radios,
    set_max_length,
    set_missing_message,
)
from selfdirect.core.money import format_pounds
from selfdirect.core.permissions import permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.payments import switches
from selfdirect.payments.models import TemporarySwitch
from selfdirect.people.models import Person
from selfdirect.people.selectors import person_get
from selfdirect.planning.models import SupportLine, SupportPlan

SWITCH = "payments.switch_cover"


def _person(request: HttpRequest, person_id: int) -> Person:
    return person_get(user=request.user, person_id=person_id, path=request.path,
                      permission=SWITCH)


def _back(person: Person) -> str:
    return reverse("person-payments", args=[person.pk])


def _line_label(line: SupportLine) -> str:
    who = f", {line.who_name}" if line.who_name else ""
    return (f"{line.what}{who}: {format_pounds(line.weekly_cost)} a week "
            f"({line.get_funding_stream_display()})")


class SwitchStartForm(GovukMessagesForm):
    line = radios([], "Which support will the council arrange?",
                  "Select the support the council will arrange")
    starts_on = GovukDateField(label="First day of council cover",
                               help_text="Usually the day after the personal assistant's last "
                                         "day. For example, 14 12 2026")
    reason = forms.CharField(label="Why is the council arranging it?",
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="For example, “Jamie's personal assistant has left and "
                                       "he has not been able to recruit yet”")
    cover = forms.CharField(label="What will the council arrange?",
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="Who provides the cover, and when. The person will "
                                      "read this.")

    def __init__(self, *args: Any, lines: list[SupportLine], **kwargs: Any) -> None:
        self.lines = {str(line.pk): line for line in lines}
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        choice_field(self, "line").choices = [(pk, _line_label(line))
                                              for pk, line in self.lines.items()]
        for name in ("reason", "cover"):
            set_max_length(self.fields[name], switches.TEXT_LIMIT)
        set_missing_message(self.fields["reason"], "Say why the council is arranging the support")
        set_missing_message(self.fields["cover"], "Say what the council will arrange")


class SwitchEndForm(GovukMessagesForm):
    ends_on = GovukDateField(label="Last day of council cover",
                             help_text="The full direct payment starts again the day after. "
                                       "For example, 31 1 2027")
    note = forms.CharField(label="How did the gap in care end?",
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="For example, “A new personal assistant starts on 1 "
                                     "February”")

    def prepare(self) -> None:
        set_max_length(self.fields["note"], switches.TEXT_LIMIT)
        set_missing_message(self.fields["note"], "Say how the gap in care ended")


def _option_1_lines(person: Person) -> list[SupportLine]:
    return list(SupportLine.objects.filter(
        plan__person=person, plan__status=SupportPlan.Status.AGREED, option="1",
        weekly_cost__gt=0).order_by("pk"))


@permission_required(SWITCH)
@person_page
def switch_start(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    lines = _option_1_lines(person)
    chosen = request.GET.get("line", "")
    initial = {"line": chosen} if any(str(line.pk) == chosen for line in lines) else {}
    if len(lines) == 1:
        initial = {"line": str(lines[0].pk)}
    form = SwitchStartForm(request.POST if request.method == "POST" else None,
                           initial=initial, lines=lines)
    if request.method == "POST" and lines and form.is_valid():
        data = form.cleaned_data
        try:
            made = switches.switch_start(actor=request.user, line=form.lines[data["line"]],
                                         starts_on=data["starts_on"], reason=data["reason"],
                                         cover=data["cover"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"From {made.starts_on:%-d %B %Y} the council arranges "
                                      f"“{made.line.what}”, and the direct payment is "
                                      f"{format_pounds(made.weekly_amount)} a week less until "
                                      "the switch back.")
            return redirect(_back(person))
    return render(request, "payments/switch_start.html", {
        "person": person, "form": form, "lines": lines, "back": _back(person),
        "today": clock.today()})


@permission_required(SWITCH)
@person_page
def switch_end(request: HttpRequest, pk: int, switch_id: int) -> HttpResponse:
    person = _person(request, pk)
    switch = (TemporarySwitch.objects.select_related("line", "schedule")
              .filter(pk=switch_id, schedule__person=person).first())
    if switch is None:
        raise Http404("No such switch.")
    form = SwitchEndForm(request.POST if request.method == "POST" else None,
                         initial={"ends_on": switch.ends_on} if switch.ends_on else {})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ended = switches.switch_end(actor=request.user, switch=switch,
                                        ends_on=data["ends_on"], note=data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Council cover ends on {ended.ends_on:%-d %B %Y}; the "
                                      "full direct payment starts again the day after.")
            return redirect(_back(person))
    return render(request, "payments/switch_end.html", {
        "person": person, "form": form, "switch": switch, "back": _back(person),
        "weekly": format_pounds(switch.weekly_amount)})


urlpatterns: list[URLPattern] = [
    path("people/<id:pk>/payments/switch/", switch_start, name="switch-start"),
    path("people/<id:pk>/payments/switches/<id:switch_id>/end/", switch_end,
         name="switch-end"),
]
