"""The four options explained for one person, side by side and with equal weight, and the
page where their worker records the choice made with them.

Each view declares its permission once; the person is loaded through ``person_get`` with
that permission, which answers 404 (never 403) for a record the user may not see and
writes the access log. The service checks the permission again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from selfdirect.allocation.selectors import person_current_budget
from selfdirect.core import clock
from selfdirect.core.permissions import permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.people.models import Access, Person
from selfdirect.people.rules import is_the_person, relationship_access
from selfdirect.people.selectors import person_get
from selfdirect.planning import selectors, services
from selfdirect.planning.forms import OptionChoiceForm

VIEW = "planning.view_options"
RECORD = "planning.record_choice"


def _speaks_to_the_person(request: HttpRequest, person: Person) -> bool:
    """The reader is the person, or someone who sees or acts for them: "your options"."""
    return (is_the_person(request.user, person)
            or relationship_access(request.user, person) != Access.NONE)


@permission_required(VIEW)
@person_page
def person_options(request: HttpRequest, pk: int) -> HttpResponse:
    """The four options for this person, with their amounts; ``?print=1`` gives a copy to
    print or keep."""
    person = person_get(user=request.user, person_id=pk, path=request.path, permission=VIEW)
    explained = selectors.options_explained(person=person, user=request.user)
    history = list(person.option_choices.select_related("recorded_by")
                   .order_by("-decided_on", "-pk"))
    current = explained.current_choice
    printing = request.GET.get("print") == "1"
    for_person = _speaks_to_the_person(request, person)
    context: dict[str, Any] = {
        "person": person, "explained": explained, "current": current,
        "earlier": [c for c in history if current is None or c.pk != current.pk],
        "for_person": for_person,
        "who": "you" if for_person else person.display_name,
        "can_record": request.user.has_perm(RECORD, person),
        "printing": printing, "printed_on": clock.today(),
    }
    return render(request, "planning/options_print.html" if printing
                  else "planning/person_options.html", context)


@permission_required(RECORD)
@person_page
def option_choice_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The worker records the choice made with the person, however it was made: nothing
    here needs the person to write."""
    person = person_get(user=request.user, person_id=pk, path=request.path, permission=RECORD)
    form = OptionChoiceForm(request.POST or None, today=clock.today())
    back = reverse("person-options", args=[person.pk])
    if request.method == "POST" and form.is_valid():
        try:
            choice = services.option_choice_record(
                actor=request.user, person=person,
                budget=person_current_budget(person=person), **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The choice has been recorded: {choice.label}.")
            return redirect(back)
    return render(request, "planning/choice_form.html", {
        "person": person, "form": form, "back": back})


urlpatterns: list[URLPattern] = [
    path("people/<id:pk>/options/", person_options, name="person-options"),
    path("people/<id:pk>/options/choice/", option_choice_record, name="option-choice-record"),
]
