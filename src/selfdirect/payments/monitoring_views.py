"""Monitoring pages: what was flagged in the authority, a person's monitoring page, the
statement import (a CSV file upload) and the simple return.

Each view declares one permission; a person's record is loaded through ``person_get``
with it (404 for a record the user may not see, and the access log). The services in
``payments.monitoring`` check again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from selfdirect.authorities.web import user_current_authority
from selfdirect.core.forms import GovukDateField, GovukMessagesForm, money_input, set_max_length
from selfdirect.core.money import format_pounds
from selfdirect.core.permissions import permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.payments import monitoring
from selfdirect.payments.models import Statement
from selfdirect.people.models import Person
from selfdirect.people.rules import is_the_person
from selfdirect.people.selectors import person_get, person_record_get

MONITOR = monitoring.MONITOR
SEND_RETURN = monitoring.SEND_RETURN


class StatementForm(GovukMessagesForm):
    file = forms.FileField(
        label="Upload the statement",
        help_text="A CSV file saved from the bank or prepaid-card website, with a row of "
                  "headings: Date, Description and Amount (money out with a minus sign), "
                  "or Date, Description, Paid in and Paid out. A Balance column is used if "
                  "there is one.")

    def prepare(self) -> None:
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"
        self.fields["file"].error_messages["required"] = "Select the CSV file of the statement"
        self.fields["file"].error_messages["empty"] = "The selected file is empty"


class ReturnForm(GovukMessagesForm):
    money_fields = ("spent", "balance")
    period_start = GovukDateField(label="First day the return covers",
                                  help_text="For example, 1 10 2026")
    period_end = GovukDateField(label="Last day the return covers",
                                help_text="For example, 28 10 2026")
    spent = forms.CharField(label="Amount spent in that time",
                            help_text="Add up your receipts. Keep them: you do not send them.")
    balance = forms.CharField(label="Money left in the account on the last day")
    note = forms.CharField(label="Anything else you want us to know", required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="For example, money set aside for something planned")

    def prepare(self) -> None:
        money_input(self.fields["spent"])
        money_input(self.fields["balance"])
        set_max_length(self.fields["note"], 2000)


def _person(request: HttpRequest, pk: int, permission: str) -> Person:
    return person_get(user=request.user, person_id=pk, path=request.path, permission=permission)


def _flag_rows(flagged: list[monitoring.Flagged]) -> list[dict[str, Any]]:
    return [{"f": f, "balance": f.balance_text,
             "url": (reverse("payments-statement-detail", args=[f.statement.pk]) if f.statement
                     else reverse("person-payments-monitoring", args=[f.person.pk]))}
            for f in flagged]


@permission_required(MONITOR)
def monitoring_flagged(request: HttpRequest) -> HttpResponse:
    """What needs a look in the authority the user works in: finance officers and team
    managers see everyone's, a worker the people they may monitor."""
    authority = user_current_authority(request)
    if authority is None:
        raise Http404("No authority.")
    everyone = request.user.has_perm(MONITOR, authority)
    flagged = monitoring.flagged_for_authority(authority=authority,
                                               user=None if everyone else request.user)
    return render(request, "payments/monitoring_flagged.html", {
        "authority": authority, "rows": _flag_rows(flagged)})


@permission_required(MONITOR)
@person_page
def person_monitoring(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, MONITOR)
    history = monitoring.monitoring_history(person=person)
    return render(request, "payments/monitoring_person.html", {
        "person": person, "history": history,
        "threshold": format_pounds(history.threshold.amount),
        "weekly": format_pounds(history.threshold.weekly),
        "statements": [{"s": s, "balance": format_pounds(s.closing_balance)}
                       for s in history.statements],
        "returns": [{"r": r, "flags": flags, "spent": format_pounds(r.spent),
                     "balance": format_pounds(r.balance)} for r, flags in history.returns],
        "can_propose": request.user.has_perm("payments.propose_recovery", person)})


@permission_required(MONITOR)
@person_page
def statement_import(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, MONITOR)
    form = StatementForm(request.POST if request.method == "POST" else None,
                         request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > monitoring.MOST_BYTES:
                raise ValueError
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", "The selected file must be a CSV file saved as text (UTF-8)")
        except ValueError:
            form.add_error("file", "The selected file must be smaller than 2 MB")
        else:
            try:
                statement = monitoring.statement_import(actor=request.user, person=person,
                                                        file_text=text, file_name=upload.name)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                count = len(statement.flags)
                messages.success(request, "The statement has been imported. " + (
                    f"{count} thing{'s' if count != 1 else ''} to look at." if count
                    else "Nothing needs a look."))
                return redirect("payments-statement-detail", statement.pk)
    return render(request, "payments/monitoring_import.html", {
        "person": person, "form": form,
        "back": reverse("person-payments-monitoring", args=[person.pk])})


@permission_required(MONITOR)
def statement_detail(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = person_record_get(Statement.objects.select_related("imported_by"), statement_id,
                                  user=request.user, permission=MONITOR, path=request.path,
                                  not_found="No such statement.")
    person = statement.person
    return render(request, "payments/monitoring_statement.html", {
        "person": person, "statement": statement,
        "closing": format_pounds(statement.closing_balance),
        "rows": monitoring.statement_lines(statement),
        "back": reverse("person-payments-monitoring", args=[person.pk])})


@permission_required(SEND_RETURN)
@person_page
def return_send(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, SEND_RETURN)
    for_person = is_the_person(request.user, person)
    form = ReturnForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = monitoring.receipts_return_send(
                actor=request.user, person=person, period_start=data["period_start"],
                period_end=data["period_end"], spent=data["spent"], balance=data["balance"],
                note=data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            flagged = monitoring.return_flags(item)
            messages.success(request, "The return has been sent. Thank you." + (
                " The money left is more than the council expects an account to hold: "
                "someone will talk to you about it. Nothing is taken back without a "
                "decision you are told about first." if flagged else ""))
            return redirect("payments-return-send", person.pk)
    return render(request, "payments/monitoring_return.html", {
        "person": person, "form": form, "for_person": for_person})


urlpatterns: list[URLPattern] = [
    path("payments/monitoring/", monitoring_flagged, name="payments-monitoring-flagged"),
    path("people/<id:pk>/payments/monitoring/", person_monitoring,
         name="person-payments-monitoring"),
    path("people/<id:pk>/payments/monitoring/import/", statement_import,
         name="payments-statement-import"),
    path("payments/statements/<id:statement_id>/", statement_detail,
         name="payments-statement-detail"),
    path("people/<id:pk>/payments/return/", return_send, name="payments-return-send"),
]
