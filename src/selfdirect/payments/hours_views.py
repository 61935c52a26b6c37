"""Delivered hours and provider invoices, on the pages.

- A provider's staff see the support lines referred to their provider and accepted, with
  this week and last, and record the hours delivered for each week, one form at a time or
  in a CSV file (a template to fill in is a download away).
- The person's page shows planned against delivered hours week by week, any shortfall and
  the money not spent in plain words, and a way to ask to use that money another way.
- Workers see the shortfall alerts for their caseload (a team manager, the authority's)
  and mark each seen with what they did.
- Finance officers enter an invoice, see the check against delivered hours and agreed
  rates, query it, approve it and pay it through the ledger.

Each view declares one permission; objects are loaded through a check of that permission
(404 for one the user may not see). The services check again.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from selfdirect.audit.models import AccessLog
from selfdirect.audit.services import access_log_record
from selfdirect.authorities.web import current_authority_for
from selfdirect.core.forms import (
    GovukDateField,
    GovukMessagesForm,
    money_input,
    number_input,
    radios,
    set_max_length,
)
from selfdirect.core.money import amount_message, format_pounds, pence_from_pounds
from selfdirect.core.permissions import permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.payments import hours, invoices
from selfdirect.payments.models import DeliveredHours, Invoice, ShortfallAlert
from selfdirect.people.rules import is_the_person
from selfdirect.people.selectors import person_get
from selfdirect.planning.models import Referral, SupportLine, SupportPlan
from selfdirect.providers.models import Provider

RECORD = "payments.record_hours"
VIEW = "payments.view_payments"
MONITOR = "payments.monitor"
MANAGE = "payments.manage_invoices"
REQUEST = "spending.make_request"

MOST_UPLOAD_BYTES = 2_000_000


# --- Forms -----------------------------------------------------------------------------------


class HoursForm(GovukMessagesForm):
    hours = forms.CharField(label="Hours delivered", max_length=7,
                            help_text="In hours, like 20 or 7.5")
    note = forms.CharField(label="Note (optional)", required=False,
                           help_text="For example, visits the person cancelled")

    def prepare(self) -> None:
        number_input(self.fields["hours"], suffix="hours")
        set_max_length(self.fields["note"], 300)


class UploadForm(GovukMessagesForm):
    provider = radios([], "Which provider are these hours for?", "Select the provider")
    file = forms.FileField(label="CSV file of hours delivered",
                           help_text="Columns: line, week beginning, hours, note")

    def __init__(self, *args: Any, providers: list[Provider], **kwargs: Any) -> None:
        self.providers = providers
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        field = self.fields["provider"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(p.pk), p.name) for p in self.providers]
        if len(self.providers) == 1:
            field.initial = str(self.providers[0].pk)
            field.widget = forms.HiddenInput()


class SeenForm(GovukMessagesForm):
    action = forms.CharField(label="What did you do about it?", widget=forms.Textarea(
        attrs={"rows": 4}), help_text="For example, spoke to the provider about cover, or to "
                                      "the person about using the money another way")

    def prepare(self) -> None:
        set_max_length(self.fields["action"], 2000)


class InvoiceForm(GovukMessagesForm):
    reference = forms.CharField(label="The provider's invoice number", max_length=50)
    period_start = GovukDateField(label="Start of the period invoiced")
    period_end = GovukDateField(label="End of the period invoiced")

    def __init__(self, *args: Any, lines: list[SupportLine], **kwargs: Any) -> None:
        self.lines = lines
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        for line in self.lines:
            who = line.plan.person.display_name
            hours_field = forms.CharField(label=f"Hours charged: {line.what} for {who}",
                                          required=False, help_text="Leave empty if the "
                                                                    "invoice does not charge "
                                                                    "for this support")
            number_input(hours_field, suffix="hours")
            rate = forms.CharField(label=f"Hourly rate charged: {line.what} for {who}",
                                   required=False)
            money_input(rate, width=5)
            self.fields[f"hours_{line.pk}"] = hours_field
            self.fields[f"rate_{line.pk}"] = rate

    def charged(self) -> list[tuple[SupportLine, str, int]]:
        """The lines charged: (line, hours as typed, rate in pence). Errors go on the form."""
        out = []
        for line in self.lines:
            typed = (self.cleaned_data.get(f"hours_{line.pk}") or "").strip()
            rate_text = (self.cleaned_data.get(f"rate_{line.pk}") or "").strip()
            if not typed and not rate_text:
                continue
            if not typed:
                self.add_error(f"hours_{line.pk}", f"Enter the hours charged for {line.what}")
                continue
            try:
                rate = pence_from_pounds(rate_text)
            except (TypeError, ValueError) as exc:
                self.add_error(f"rate_{line.pk}", amount_message(
                    exc, f"The hourly rate for {line.what}",
                    f"Enter the hourly rate for {line.what} in pounds and pence, like 22.50"))
                continue
            out.append((line, typed, rate))
        return out


class QueryForm(GovukMessagesForm):
    query = forms.CharField(label="What do you want to ask the provider?",
                            widget=forms.Textarea(attrs={"rows": 4}))

    def prepare(self) -> None:
        set_max_length(self.fields["query"], 2000)


class ApproveForm(GovukMessagesForm):
    reason = forms.CharField(label="Why pay it as it is (needed when the check found problems)",
                             required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def prepare(self) -> None:
        set_max_length(self.fields["reason"], 1000)


# --- Provider: hours to record -----------------------------------------------------------------


def _member_providers(user: Any) -> list[Provider]:
    return list(Provider.objects.filter(members__user=user, members__active=True)
                .distinct().order_by("name"))


@permission_required(RECORD)
def provider_hours(request: HttpRequest) -> HttpResponse:
    rows = hours.lines_to_record(request.user)
    return render(request, "payments/hours_provider.html", {
        "rows": [{"line": r.line, "person": r.person, "reference": hours.line_reference(r.line),
                  "planned": hours.hours_text(r.line.hours_per_week),
                  "weeks": [{"start": w, "got": hours.hours_text(got.hours) if got else ""}
                            for w, got in r.weeks]} for r in rows],
        "providers": _member_providers(request.user)})


def _line_for(request: HttpRequest, line_id: int) -> SupportLine:
    line = (SupportLine.objects.select_related("plan__person__authority")
            .filter(pk=line_id).first())
    if line is None or not request.user.has_perm(RECORD, line):
        raise Http404("No such support line.")
    # A provider reads only the line it delivers; the opening is logged.
    access_log_record(user=request.user, person_id=line.plan.person_id, path=request.path,
                      outcome=AccessLog.Outcome.VIEWED)
    return line


@permission_required(RECORD)
def provider_hours_record(request: HttpRequest, line_id: int, week: str) -> HttpResponse:
    line = _line_for(request, line_id)
    try:
        week_start = datetime.date.fromisoformat(week)
    except ValueError as exc:
        raise Http404("No such week.") from exc
    existing = DeliveredHours.objects.filter(line=line, week_start=week_start).first()
    initial = ({"hours": hours.hours_text(existing.hours), "note": existing.note}
               if existing else {})
    form = HoursForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            hours.hours_record(actor=request.user, line=line, week_start=week_start,
                               hours=form.cleaned_data["hours"], note=form.cleaned_data["note"],
                               source=DeliveredHours.Source.PAGE)
        except ValidationError as exc:
            add_service_errors(form, ValidationError(
                {"hours" if k in ("line", "week_start", "source") else k: v
                 for k, v in exc.message_dict.items()}))
        else:
            messages.success(request, f"{form.cleaned_data['hours']} hours recorded for "
                                      f"{line.what}, week beginning {week_start:%-d %B %Y}.")
            return redirect("provider-hours")
    return render(request, "payments/hours_record.html", {
        "line": line, "person": line.plan.person, "week_start": week_start,
        "week_end": week_start + datetime.timedelta(days=6), "form": form,
        "existing": existing, "planned": hours.hours_text(line.hours_per_week),
        "reference": hours.line_reference(line)})


@permission_required(RECORD)
def provider_hours_upload(request: HttpRequest) -> HttpResponse:
    providers = _member_providers(request.user)
    form = UploadForm(request.POST if request.method == "POST" else None,
                      request.FILES if request.method == "POST" else None, providers=providers)
    problems: list[hours.RowProblem] = []
    if request.method == "POST" and providers and form.is_valid():
        provider = next(p for p in providers if str(p.pk) == form.cleaned_data["provider"])
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MOST_UPLOAD_BYTES:
                raise ValueError
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", "The file must be a CSV file saved as UTF-8")
        except ValueError:
            form.add_error("file", "The file must be smaller than 2 MB: send the weeks in "
                                   "more than one file")
        else:
            result = hours.hours_import_csv(actor=request.user, provider=provider,
                                            file_text=text)
            if result.ok:
                messages.success(request, f"{len(result.saved)} weeks of hours recorded from "
                                          "the file.")
                return redirect("provider-hours")
            problems = result.problems
            form.add_error("file", f"The file has {len(problems)} "
                                   f"problem{'s' if len(problems) != 1 else ''}: nothing was "
                                   "saved. Put them right and upload it again")
    return render(request, "payments/hours_upload.html", {
        "form": form, "providers": providers, "problems": problems})


@permission_required(RECORD)
def provider_hours_template(request: HttpRequest) -> HttpResponse:
    providers = _member_providers(request.user)
    wanted = request.GET.get("provider", "")
    provider = next((p for p in providers if str(p.pk) == wanted),
                    providers[0] if len(providers) == 1 else None)
    if provider is None:
        raise Http404("No such provider.")
    response = HttpResponse(hours.csv_template(provider), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="hours-delivered.csv"'
    return response


# --- The person's delivered hours --------------------------------------------------------------


@permission_required(VIEW)
@person_page
def person_delivered_hours(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=pk, path=request.path, permission=VIEW)
    alerts = hours.person_shortfalls(person)
    can_request = request.user.has_perm(REQUEST, person)
    return render(request, "payments/hours_person.html", {
        "person": person, "for_person": is_the_person(request.user, person),
        "lines": [{"line": lw.line, "provider": lw.provider,
                   "weeks": [{"w": w, "planned": hours.hours_text(w.planned),
                              "delivered": hours.hours_text(w.delivered),
                              "gap": hours.hours_text(w.gap) if w.gap and w.gap > 0 else ""}
                             for w in lw.weeks]}
                  for lw in hours.person_weeks(person)],
        "alerts": [{"a": a, "words": hours.shortfall_words(a), "unspent": format_pounds(a.unspent),
                    "ask": (reverse("spending-request-new", args=[person.pk])
                            + f"?shortfall={a.pk}") if can_request and a.unspent > 0
                    and a.spending_request_id is None else ""} for a in alerts],
        "unspent": format_pounds(sum(a.unspent for a in alerts)),
        "can_mark": request.user.has_perm(MONITOR, person)})


# --- Workers: shortfall alerts -----------------------------------------------------------------


@permission_required(MONITOR)
def shortfall_alerts(request: HttpRequest) -> HttpResponse:
    alerts = list(hours.alerts_for_worker(request.user)[:200])
    return render(request, "payments/hours_alerts.html", {
        "alerts": [{"a": a, "person": a.line.plan.person, "words": hours.shortfall_words(a),
                    "unspent": format_pounds(a.unspent)} for a in alerts]})


@permission_required(MONITOR)
def shortfall_alert_seen(request: HttpRequest, alert_id: int) -> HttpResponse:
    person_id = (ShortfallAlert.objects.filter(pk=alert_id)
                 .values_list("line__plan__person_id", flat=True).first())
    if person_id is None:
        raise Http404("No such alert.")
    person = person_get(user=request.user, person_id=person_id, path=request.path,
                        permission=MONITOR)
    alert = ShortfallAlert.objects.select_related("line", "seen_by").get(pk=alert_id)
    form = SeenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            hours.alert_mark_seen(actor=request.user, alert=alert,
                                  action=form.cleaned_data["action"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The alert is marked as seen, with what you did.")
            return redirect("shortfall-alerts")
    return render(request, "payments/hours_alert_seen.html", {
        "alert": alert, "person": person, "form": form, "words": hours.shortfall_words(alert)})


# --- Finance: invoices -------------------------------------------------------------------------


@permission_required(MANAGE)
def invoice_list(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, MANAGE)
    rows = list(invoices.invoices_for(authority)[:200])
    return render(request, "payments/invoice_list.html", {
        "authority": authority,
        "rows": [{"i": i, "total": format_pounds(int(getattr(i, "total", 0) or 0))} for i in rows]})


def _invoice_providers(authority: Any) -> list[Provider]:
    return list(Provider.objects.filter(
        referrals__status=Referral.Status.ACCEPTED,
        referrals__line__plan__person__authority=authority).distinct().order_by("name"))


@permission_required(MANAGE)
def invoice_new(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, MANAGE)
    providers = _invoice_providers(authority)
    chosen = request.GET.get("provider", "")
    provider = next((p for p in providers if str(p.pk) == chosen), None)
    if provider is None:
        return render(request, "payments/invoice_provider.html", {
            "authority": authority, "providers": providers, "chosen": chosen})
    lines = list(SupportLine.objects.filter(
        referrals__provider=provider, referrals__status=Referral.Status.ACCEPTED,
        plan__person__authority=authority).exclude(plan__status=SupportPlan.Status.DRAFT)
        .select_related("plan__person").distinct().order_by("plan__person__family_name", "pk"))
    form = InvoiceForm(request.POST if request.method == "POST" else None, lines=lines)
    if request.method == "POST" and form.is_valid():
        charged = form.charged()
        if not form.errors:
            try:
                made = invoices.invoice_receive(
                    actor=request.user, provider=provider, authority=authority,
                    reference=form.cleaned_data["reference"],
                    period=(form.cleaned_data["period_start"], form.cleaned_data["period_end"]),
                    lines=[(line, typed, rate) for line, typed, rate in charged])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Invoice {made.reference} entered and checked.")
                return redirect("invoice-detail", made.pk)
    return render(request, "payments/invoice_form.html", {
        "authority": authority, "provider": provider, "form": form,
        "line_fields": [(line, form[f"hours_{line.pk}"], form[f"rate_{line.pk}"],
                         format_pounds(hours.hourly_rate(line) or 0)
                         if hours.hourly_rate(line) else "") for line in lines]})


@permission_required(MANAGE)
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = Invoice.objects.select_related("provider", "authority", "approved_by").filter(
        pk=invoice_id).first()
    if invoice is None or not request.user.has_perm(MANAGE, invoice.authority):
        raise Http404("No such invoice.")
    action = request.POST.get("action") if request.method == "POST" else None
    query_form = QueryForm(request.POST if action == "query" else None, prefix="query")
    approve_form = ApproveForm(request.POST if action == "approve" else None, prefix="approve")
    errors: list[str] = []
    if action == "query" and query_form.is_valid():
        try:
            invoices.invoice_query(actor=request.user, invoice=invoice,
                                   query=query_form.cleaned_data["query"])
        except ValidationError as exc:
            add_service_errors(query_form, exc)
        else:
            messages.success(request, "The invoice is marked as queried with the provider.")
            return redirect("invoice-detail", invoice.pk)
    if action == "approve" and approve_form.is_valid():
        try:
            invoices.invoice_approve(actor=request.user, invoice=invoice,
                                     reason=approve_form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(approve_form, exc)
        else:
            messages.success(request, "The invoice is approved for payment.")
            return redirect("invoice-detail", invoice.pk)
    if action == "pay":
        try:
            invoices.invoice_pay(actor=request.user, invoice=invoice)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "The invoice is paid: the payment is in the ledger.")
            return redirect("invoice-detail", invoice.pk)
    lines = list(invoice.lines.select_related("line__plan__person").order_by("pk"))
    open_status = invoice.status in (Invoice.Status.RECEIVED, Invoice.Status.QUERIED)
    return render(request, "payments/invoice_detail.html", {
        "invoice": invoice, "errors": errors,
        "any_errors": bool(errors or query_form.errors or approve_form.errors),
        "query_form": query_form if open_status else None,
        "approve_form": approve_form if open_status else None,
        "can_pay": invoice.status == Invoice.Status.APPROVED,
        "total": format_pounds(sum(r.amount for r in lines)),
        "problems": [p for r in lines for p in r.problems],
        "lines": [{"r": r, "hours": hours.hours_text(r.hours),
                   "delivered": hours.hours_text(r.delivered_hours),
                   "rate": format_pounds(r.hourly_rate),
                   "agreed": format_pounds(r.agreed_rate) if r.agreed_rate else "Not set",
                   "amount": format_pounds(r.amount)} for r in lines]})


urlpatterns: list[URLPattern] = [
    path("provider-hours/", provider_hours, name="provider-hours"),
    path("provider-hours/upload/", provider_hours_upload, name="provider-hours-upload"),
    path("provider-hours/template.csv", provider_hours_template, name="provider-hours-template"),
    path("provider-hours/lines/<id:line_id>/weeks/<text:week>/", provider_hours_record,
         name="provider-hours-record"),
    path("people/<id:pk>/delivered-hours/", person_delivered_hours,
         name="person-delivered-hours"),
    path("payments/shortfall-alerts/", shortfall_alerts, name="shortfall-alerts"),
    path("payments/shortfall-alerts/<id:alert_id>/seen/", shortfall_alert_seen,
         name="shortfall-alert-seen"),
    path("payments/invoices/", invoice_list, name="invoices"),
    path("payments/invoices/new/", invoice_new, name="invoice-new"),
    path("payments/invoices/<id:invoice_id>/", invoice_detail, name="invoice-detail"),
]
