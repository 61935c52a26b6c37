"""Referral pages: a worker sends an Option 2 or 3 line to a provider chosen from the
search (with the reasons each one fits); the provider's staff see the referrals sent to
their provider, what they need to know, and accept or decline with a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from selfdirect.audit.models import AccessLog
from selfdirect.audit.services import access_log_record
from selfdirect.core.forms import GovukMessagesForm, radios, set_max_length, set_missing_message
from selfdirect.core.permissions import permission_required
from selfdirect.core.views import add_service_errors
from selfdirect.people.models import Preferences
from selfdirect.people.selectors import person_get
from selfdirect.planning import referrals
from selfdirect.planning.models import Referral, SupportLine
from selfdirect.providers.models import Provider, ProviderAuthority, ServiceArea
from selfdirect.providers.selectors import needs_from_person, provider_search

WRITE = "planning.write_plan"
RESPOND = "planning.respond_to_referral"
SHOWN = 20  # the best matches offered; every provider is one link away


class ReferForm(GovukMessagesForm):
    provider = radios([], "Which provider?", "Select the provider to send this to")
    message = forms.CharField(label="What the provider needs to know", required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="Anything beyond the plan line and the person's needs "
                                        "and wishes, which are sent with it")
    chosen_despite = forms.CharField(
        label="If the provider is off the framework list or outside the area: why it is chosen",
        required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        self.choices = choices
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        field = self.fields["provider"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = self.choices
        set_max_length(self.fields["message"], 2000)
        set_max_length(self.fields["chosen_despite"], 2000)


class RespondForm(GovukMessagesForm):
    answer = radios([("accept", "Accept: we can give this support"),
                     ("decline", "Decline: we cannot")], "Your answer",
                    "Select whether you accept or decline")
    decline_reason = forms.CharField(label="If you decline, why", required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))

    def prepare(self) -> None:
        set_max_length(self.fields["decline_reason"], 2000)
        set_missing_message(self.fields["answer"], "Select whether you accept or decline")


def _line(request: HttpRequest, line_id: int) -> SupportLine:
    person_id = (SupportLine.objects.filter(pk=line_id)
                 .values_list("plan__person_id", flat=True).first())
    if person_id is None:
        raise Http404("No such support line.")
    person = person_get(user=request.user, person_id=person_id, path=request.path,
                        permission=WRITE)
    line = SupportLine.objects.select_related("plan", "outcome").get(pk=line_id)
    line.plan.person = person
    return line


@permission_required(WRITE)
def plan_line_refer(request: HttpRequest, line_id: int) -> HttpResponse:
    line = _line(request, line_id)
    person = line.plan.person
    if request.GET.get("all"):
        choices = _every_provider(person)
    else:
        matches = provider_search(needs=needs_from_person(person, service_type=line.service_type))
        choices = [(str(m.provider.pk), _label(m.provider.name, m.reasons, m.gaps))
                   for m in matches[:SHOWN]]
    form = ReferForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        provider = Provider.objects.get(pk=int(form.cleaned_data["provider"]))
        try:
            referrals.referral_send(actor=request.user, line=line, provider=provider,
                                    message=form.cleaned_data["message"],
                                    chosen_despite=form.cleaned_data["chosen_despite"])
        except ValidationError as exc:
            add_service_errors(form, ValidationError(
                {"provider" if k in ("line", "__all__") else k: v
                 for k, v in exc.message_dict.items()}))
        else:
            messages.success(request, f"Sent to {provider.name}. They will accept or decline it.")
            return redirect("person-plan", pk=person.pk)
    return render(request, "planning/referral_form.html", {
        "person": person, "line": line, "form": form, "every": bool(request.GET.get("all")),
        "back": reverse("person-plan", args=[person.pk])})


def _label(name: str, reasons: list[str], gaps: list[str]) -> str:
    label = name + (f". Fits: {', '.join(reasons)}" if reasons else "")
    return label + (f". To check: {'; '.join(gaps)}" if gaps else "")


def _every_provider(person: Any) -> list[tuple[str, str]]:
    """Every active provider in the directory, so one the search leaves out (outside the
    area, off the framework list) can still be chosen; each says what needs a decision."""
    providers = list(Provider.objects.filter(active=True).order_by("name")[:200])
    on_list = set(ProviderAuthority.objects.filter(
        authority_id=person.authority_id, on_framework=True).values_list("provider_id", flat=True))
    works_here = set(ServiceArea.objects.filter(
        authority_id=person.authority_id).values_list("provider_id", flat=True))
    choices = []
    for provider in providers:
        gaps = []
        if provider.pk not in on_list:
            gaps.append("not on the council's framework list")
        if provider.pk not in works_here:
            gaps.append("does not say it works in this council's area")
        choices.append((str(provider.pk), _label(provider.name, [], gaps)))
    return choices


@permission_required(RESPOND)
def provider_referrals(request: HttpRequest) -> HttpResponse:
    return render(request, "planning/referral_list.html",
                  {"referrals": list(referrals.referrals_for_member(request.user))})


@permission_required(RESPOND)
def provider_referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = (Referral.objects.select_related("provider", "line__outcome", "line__plan__person")
                .filter(pk=referral_id).first())
    if referral is None or not request.user.has_perm(RESPOND, referral):
        raise Http404("No such referral.")
    person = referral.line.plan.person
    # A provider reads only what it needs to give the support; the opening is logged.
    access_log_record(user=request.user, person_id=person.pk, path=request.path,
                      outcome=AccessLog.Outcome.VIEWED)
    preferences = Preferences.objects.filter(person=person).first()
    form = RespondForm(request.POST or None) if referral.status == Referral.Status.SENT else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            referrals.referral_respond(actor=request.user, referral=referral,
                                       accept=form.cleaned_data["answer"] == "accept",
                                       reason=form.cleaned_data["decline_reason"])
        except ValidationError as exc:
            add_service_errors(form, ValidationError(
                {"answer" if k == "accept" else k: v for k, v in exc.message_dict.items()}))
        else:
            messages.success(request, "Your answer has been sent to the person's worker.")
            return redirect("provider-referrals")
    return render(request, "planning/referral_detail.html", {
        "referral": referral, "person": person, "preferences": preferences,
        "needs": list(person.communication_needs.all()), "form": form})


urlpatterns: list[URLPattern] = [
    path("plans/lines/<id:line_id>/refer/", plan_line_refer, name="plan-line-refer"),
    path("referrals/", provider_referrals, name="provider-referrals"),
    path("referrals/<id:referral_id>/", provider_referral, name="provider-referral"),
]
