"""Surplus-recovery pages: a person's recoveries, propose one, send the notice, the
person's answer (no writing needed: they may ask to be phoned), the decision, posting it
to the ledger, and withdrawing it.

Each view declares one permission; the recovery is loaded through ``person_record_get``
with it (404 when the user may not see the person, and the access log). The services in
``payments.recovery`` check again and guard every step.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from selfdirect.core import clock
from selfdirect.core.forms import (
    GovukDateField,
    GovukMessagesForm,
    money_input,
    radios,
    set_max_length,
    set_missing_message,
)
from selfdirect.core.money import format_pounds
from selfdirect.core.permissions import permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.payments import recovery as services
from selfdirect.payments.models import Entry, Recovery
from selfdirect.people.rules import is_the_person
from selfdirect.people.selectors import person_get, person_record_get

VIEW = "payments.view_payments"
PROPOSE = services.PROPOSE
DECIDE = services.DECIDE
RESPOND = services.RESPOND
POST = services.POST


# --- Forms ------------------------------------------------------------------------------------


class ProposeForm(GovukMessagesForm):
    money_fields = ("amount",)
    amount = forms.CharField(label="Amount to take back",
                             help_text="No more than the ledger shows in the direct-payment account")
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 5}),
                             help_text="The person will read this in the notice. Say what the "
                                       "money was for and why it is not needed.")

    def prepare(self) -> None:
        money_input(self.fields["amount"])
        set_max_length(self.fields["reason"], 2000)
        set_missing_message(self.fields["amount"], "Enter the amount in pounds and pence, like 500.00")
        set_missing_message(self.fields["reason"], "Say why the money should be taken back")


class NoticeForm(GovukMessagesForm):
    sent_on = GovukDateField(label="Date the notice was sent", help_text="For example, 26 11 2026")
    how = forms.CharField(label="How it was sent",
                          help_text="In the way the person prefers, like “by post and email” "
                                    "or “read to them on a visit”")

    def prepare(self) -> None:
        set_max_length(self.fields["how"], 200)


ANSWER_OWN = "own"
ANSWER_PHONE = "phone"


class RespondForm(GovukMessagesForm):
    answer = radios([(ANSWER_OWN, "Give an answer now"),
                     (ANSWER_PHONE, "Ask to be phoned: someone will call to talk it through")],
                    "How do you want to answer?", "Select give an answer now, or ask to be phoned")
    response = forms.CharField(label="The answer", required=False,
                               widget=forms.Textarea(attrs={"rows": 5}),
                               help_text="For example, “the money is set aside for a "
                                         "wheelchair-accessible holiday in June”")

    def prepare(self) -> None:
        set_max_length(self.fields["response"], 4000)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("answer") == ANSWER_OWN and not (data.get("response") or "").strip():
            self.add_error("response", "Enter the answer, or choose to be phoned")
        return data

    def text(self) -> str:
        data = self.cleaned_data
        if data["answer"] == ANSWER_PHONE:
            note = (data.get("response") or "").strip()
            return services.ASKED_TO_BE_PHONED + (f". {note}" if note else "")
        return str(data["response"])


class DecideForm(GovukMessagesForm):
    money_fields = ("amount",)
    decision = radios([(d.value, d.label) for d in Recovery.Decision], "Your decision",
                      "Select recover the amount, recover part of it, or do not recover")
    amount = forms.CharField(label="The part to recover", required=False,
                             help_text="Only if you recover part of it")
    reason = forms.CharField(label="Reasons for the decision",
                             widget=forms.Textarea(attrs={"rows": 6}),
                             help_text="The person will read these. Say what you took into "
                                       "account, including their answer.")

    def prepare(self) -> None:
        money_input(self.fields["amount"])
        set_max_length(self.fields["reason"], 4000)
        set_missing_message(self.fields["reason"],
                            "Give the reasons for the decision: the person will read them")


class WithdrawForm(GovukMessagesForm):
    reason = forms.CharField(label="Why it is withdrawn", widget=forms.Textarea(attrs={"rows": 3}))

    def prepare(self) -> None:
        set_max_length(self.fields["reason"], 2000)


# --- Helpers -----------------------------------------------------------------------------------


def _get(request: HttpRequest, recovery_id: int, permission: str) -> Recovery:
    return person_record_get(
        Recovery.objects.select_related("proposed_by", "decided_by", "schedule"), recovery_id,
        user=request.user, permission=permission, path=request.path,
        not_found="No such recovery.")


def _url(request: HttpRequest, item: Recovery) -> str:
    return request.build_absolute_uri(services.challenge_path(item))


def _context(request: HttpRequest, item: Recovery) -> dict[str, Any]:
    user = request.user
    person = item.person
    return {
        "person": person, "item": item, "for_person": is_the_person(user, person),
        "proposed": format_pounds(item.proposed_amount),
        "decided": format_pounds(item.decided_amount),
        "notice": services.notice_text(item, challenge_url=_url(request, item)),
        "letter": services.decision_letter(item, challenge_url=_url(request, item)),
        "challenge": services.challenge_path(item),
        "back": reverse("payments-recovery-detail", args=[item.pk]),
        "posted": Entry.objects.filter(recovery=item).first(),
    }


def _form_page(request: HttpRequest, item: Recovery, form: GovukMessagesForm, *, title: str,
               button: str, intro: str = "", show_notice: bool = False,
               blocked: str = "") -> HttpResponse:
    return render(request, "payments/recovery_form.html", {
        **_context(request, item), "form": form, "title": title, "button": button,
        "intro": intro, "show_notice": show_notice, "blocked": blocked})


# --- Pages -------------------------------------------------------------------------------------


@permission_required(VIEW)
@person_page
def recovery_list(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=pk, path=request.path, permission=VIEW)
    rows = [{"r": r, "proposed": format_pounds(r.proposed_amount),
             "decided": format_pounds(r.decided_amount)}
            for r in services.person_recoveries(person=person)]
    return render(request, "payments/recovery_list.html", {
        "person": person, "rows": rows, "for_person": is_the_person(request.user, person),
        "can_propose": request.user.has_perm(PROPOSE, person),
        "balance": format_pounds(services.dp_balance(person))})


@permission_required(PROPOSE)
@person_page
def recovery_propose(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=pk, path=request.path, permission=PROPOSE)
    form = ProposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.recovery_propose(actor=request.user, person=person,
                                             amount=form.cleaned_data["amount"],
                                             reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The recovery is proposed. Nothing is taken: send the "
                                      "notice next.")
            return redirect("payments-recovery-detail", item.pk)
    return render(request, "payments/recovery_propose.html", {
        "person": person, "form": form, "balance": format_pounds(services.dp_balance(person)),
        "back": reverse("payments-recovery-list", args=[person.pk])})


@permission_required(VIEW)
def recovery_detail(request: HttpRequest, recovery_id: int) -> HttpResponse:
    item = _get(request, recovery_id, VIEW)
    user, person = request.user, item.person
    return render(request, "payments/recovery_detail.html", {
        **_context(request, item), "history": services.recovery_history(item),
        "why_not_decide": services.may_decide(item),
        "can_notice": item.status == Recovery.Status.PROPOSED and user.has_perm(PROPOSE, person),
        "can_respond": item.status in (Recovery.Status.NOTICE_SENT, Recovery.Status.RESPONDED)
        and user.has_perm(RESPOND, person),
        "can_decide": user.has_perm(DECIDE, person) and item.proposed_by_id != user.pk,
        "can_post": (item.status == Recovery.Status.DECIDED and item.decided_amount > 0
                     and not hasattr(item, "entry") and user.has_perm(POST, person)),
        "can_withdraw": item.status in services.OPEN and user.has_perm(PROPOSE, person),
        "list_url": reverse("payments-recovery-list", args=[person.pk])})


@permission_required(PROPOSE)
def recovery_notice(request: HttpRequest, recovery_id: int) -> HttpResponse:
    item = _get(request, recovery_id, PROPOSE)
    form = NoticeForm(request.POST if request.method == "POST" else None,
                      initial={"sent_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.recovery_notice_send(actor=request.user, recovery=item,
                                          sent_on=form.cleaned_data["sent_on"],
                                          how=form.cleaned_data["how"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The notice is recorded as sent.")
            return redirect("payments-recovery-detail", item.pk)
    return _form_page(request, item, form, title="Send the notice", button="Record the notice as sent",
                      intro="Send the person this notice in the way they prefer, then record it "
                            "here. The response date is worked out from the date it was sent.",
                      show_notice=True)


@permission_required(RESPOND)
def recovery_respond(request: HttpRequest, recovery_id: int) -> HttpResponse:
    item = _get(request, recovery_id, RESPOND)
    form = RespondForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recovery_respond(actor=request.user, recovery=item, response=form.text())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Thank you: the answer is recorded. Nothing is taken "
                                      "back without a decision with reasons.")
            return redirect("payments-recovery-detail", item.pk)
    who = "you" if is_the_person(request.user, item.person) else "the person"
    return _form_page(request, item, form, title="Answer the notice", button="Send the answer",
                      intro=f"Tell us anything we should know, for example that the money is "
                            f"set aside for something planned. If {who} would rather talk, "
                            "choose to be phoned: nothing needs to be written.",
                      show_notice=True)


@permission_required(DECIDE)
def recovery_decide(request: HttpRequest, recovery_id: int) -> HttpResponse:
    item = _get(request, recovery_id, DECIDE)
    form = DecideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.recovery_decide(actor=request.user, recovery=item, decision=data["decision"],
                                     amount=data["amount"], reason=data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The decision is recorded. The person is told the "
                                      "reasons and how to challenge it.")
            return redirect("payments-recovery-detail", item.pk)
    why_not = ("Someone other than the person who proposed the recovery must decide it"
               if item.proposed_by_id == request.user.pk else services.may_decide(item))
    return _form_page(request, item, form, title="Decide the recovery", button="Record the decision",
                      intro="Read the person's answer first. The decision and its reasons go "
                            "to the person with how to challenge it.",
                      blocked="" if form.errors else why_not)


class _ConfirmForm(GovukMessagesForm):
    pass


@permission_required(POST)
def recovery_post(request: HttpRequest, recovery_id: int) -> HttpResponse:
    item = _get(request, recovery_id, POST)
    form = _ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recovery_post(actor=request.user, recovery=item)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{format_pounds(item.decided_amount)} is posted back to "
                                      "the council's account.")
            return redirect("payments-recovery-detail", item.pk)
    blocked = ""
    if item.status != Recovery.Status.DECIDED or item.decided_amount <= 0:
        blocked = ("Nothing can be taken back without a decision to recover: this recovery "
                   f"is {item.get_status_display().lower()}.")
    elif Entry.objects.filter(recovery=item).exists():
        blocked = "This recovery has already been posted."
    return _form_page(request, item, form, title="Post the recovery to the ledger",
                      button="Post the recovery",
                      intro=f"This moves {format_pounds(item.decided_amount)} from the person's "
                            "direct-payment account back to the council, as decided.",
                      blocked="" if form.errors else blocked)


@permission_required(PROPOSE)
def recovery_withdraw(request: HttpRequest, recovery_id: int) -> HttpResponse:
    item = _get(request, recovery_id, PROPOSE)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recovery_withdraw(actor=request.user, recovery=item,
                                       reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The recovery is withdrawn. Nothing is taken.")
            return redirect("payments-recovery-detail", item.pk)
    return _form_page(request, item, form, title="Withdraw the recovery",
                      button="Withdraw the recovery",
                      intro="The person is told nothing will be taken.")


urlpatterns: list[URLPattern] = [
    path("people/<id:pk>/payments/recoveries/", recovery_list, name="payments-recovery-list"),
    path("people/<id:pk>/payments/recoveries/new/", recovery_propose,
         name="payments-recovery-propose"),
    path("payments/recoveries/<id:recovery_id>/", recovery_detail,
         name="payments-recovery-detail"),
    path("payments/recoveries/<id:recovery_id>/notice/", recovery_notice,
         name="payments-recovery-notice"),
    path("payments/recoveries/<id:recovery_id>/respond/", recovery_respond,
         name="payments-recovery-respond"),
    path("payments/recoveries/<id:recovery_id>/decide/", recovery_decide,
         name="payments-recovery-decide"),
    path("payments/recoveries/<id:recovery_id>/post/", recovery_post,
         name="payments-recovery-post"),
    path("payments/recoveries/<id:recovery_id>/withdraw/", recovery_withdraw,
         name="payments-recovery-withdraw"),
]
