"""Finance officers' pages for direct-payment runs, in the user's current authority
(``authorities.web.current_authority_for``): the runs, preparing one, a run's page
(counts, totals, problems, its payments, approve, cancel, pay), the bank files to
download, and the authority's bank details (``Originator``), needed before paying.

A run of another authority is not found (404). Paying from the page checks the run and
queues a background job that pays it (``payments.jobs``); the finance officer watches its
progress on the job's page. ``manage.py payment_run post`` pays a run from a terminal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse

from selfdirect.authorities.models import Authority
from selfdirect.authorities.web import current_authority_for
from selfdirect.core import clock
from selfdirect.core.forms import GovukDateField, GovukForm, GovukMessagesForm, set_max_length
from selfdirect.core.money import format_pounds
from selfdirect.core.permissions import permission_required
from selfdirect.core.views import add_service_errors
from selfdirect.payments import jobs as payment_jobs
from selfdirect.payments import originators, runs
from selfdirect.payments.models import BankFile, Originator, Payment, PaymentRun
from selfdirect.people.models import Person

RUN = "payments.run_payments"
BANK_DETAILS = "payments.manage_direct_payments"
RUNS_PAGE_SIZE = 25
PAYMENTS_PAGE_SIZE = 50


# --- Forms --------------------------------------------------------------------------------


class PrepareForm(GovukForm):
    period_start = GovukDateField(label="Periods starting from",
                                  help_text="The first day a payment period may start. "
                                            "For example, 7 12 2026")
    period_end = GovukDateField(label="Periods starting up to",
                                help_text=f"The last day a payment period may start: at most "
                                          f"{runs.LONGEST_WINDOW_DAYS} days after the first")
    pay_on = GovukDateField(label="Date the bank pays",
                            help_text="Today or later, and on or before the first day: direct "
                                      "payments are paid in advance")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "Periods starting up to must be the same as or after "
                                         "periods starting from")
        return data


class CancelForm(GovukMessagesForm):
    cancel_reason = forms.CharField(label="Why is the run being cancelled?",
                                    widget=forms.Textarea(attrs={"rows": 3}))

    def prepare(self) -> None:
        set_max_length(self.fields["cancel_reason"], 300)


class OriginatorForm(GovukMessagesForm):
    service_user_number = forms.CharField(
        label="BACS service user number", help_text="6 digits, from the bank",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric",
                                      "spellcheck": "false"}))
    name = forms.CharField(
        label="Name the bank knows the council by",
        help_text="Up to 18 letters, numbers, spaces and . & / -")
    sort_code = forms.CharField(
        label="Sort code", help_text="6 digits, like 80-00-01",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric",
                                      "spellcheck": "false"}))
    account_number = forms.CharField(
        label="Account number", help_text="8 digits",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric",
                                      "spellcheck": "false"}))
    account_name = forms.CharField(
        label="Name on the account", help_text="Up to 18 letters, numbers, spaces and . & / -")

    def prepare(self) -> None:
        set_max_length(self.fields["service_user_number"], 10)
        set_max_length(self.fields["name"], 40)
        set_max_length(self.fields["sort_code"], 10)
        set_max_length(self.fields["account_number"], 12)
        set_max_length(self.fields["account_name"], 40)


def _problem_form(exc: ValidationError) -> GovukForm:
    """A form with no fields that carries a service's refusal for the error summary."""
    form = GovukForm(data={})
    form.is_valid()
    form.add_error(None, exc.messages)
    return form


# --- Helpers ------------------------------------------------------------------------------


def _run(request: HttpRequest, run_id: int) -> tuple[Authority, PaymentRun]:
    authority = current_authority_for(request, RUN)
    run = (PaymentRun.objects.select_related("authority", "prepared_by", "approved_by",
                                             "cancelled_by")
           .filter(pk=run_id, authority=authority).first())
    if run is None:
        raise Http404("No such payment run.")
    return authority, run


def _who(user: Any) -> str:
    return user.get_full_name() if user is not None else ""


def _money(summary: dict[str, int]) -> dict[str, str]:
    return {key: format_pounds(value) for key, value in summary.items()
            if key not in ("payments", "posted")}


def _payment_rows(payments: list[Payment]) -> list[dict[str, Any]]:
    return [{"person": p.schedule.person, "stream": p.schedule.get_funding_stream_display(),
             "period": p, "gross": format_pounds(p.gross),
             "contribution": format_pounds(p.contribution), "paused": format_pounds(p.paused),
             "adjustment": format_pounds(p.adjustment), "one_offs": format_pounds(p.one_offs),
             "amount": format_pounds(p.amount), "posted": p.posted_at is not None}
            for p in payments]


def _detail(request: HttpRequest, authority: Authority, run: PaymentRun,
            form: GovukForm | None = None, status: int = 200) -> HttpResponse:
    summary = runs.run_summary(run)
    paginator = Paginator(run.payments.select_related("schedule__person").order_by("pk"),
                          per_page=PAYMENTS_PAGE_SIZE, allow_empty_first_page=True)
    page = paginator.get_page(request.GET.get("page"))
    problem_people = {p["person"] for p in run.problems}
    people = Person.objects.in_bulk(list(problem_people)) if problem_people else {}
    problems = [{"person": people.get(p["person"]), "problem": p["problem"]}
                for p in run.problems]
    files = {f.format: f for f in run.bank_files.all()}
    is_preparer = run.prepared_by_id == request.user.pk
    return render(request, "payments/run_detail.html", {
        "authority": authority, "run": run, "summary": summary, "money": _money(summary),
        "page": page, "rows": _payment_rows(list(page.object_list)), "problems": problems,
        "files": files, "form": form, "is_preparer": is_preparer,
        "prepared_by": _who(run.prepared_by), "approved_by": _who(run.approved_by),
        "cancelled_by": _who(run.cancelled_by),
        "can_approve": run.status == PaymentRun.Status.PREPARED and not is_preparer,
        "can_cancel": run.status in (PaymentRun.Status.PREPARED, PaymentRun.Status.APPROVED),
        "can_pay": run.status in (PaymentRun.Status.APPROVED, PaymentRun.Status.POSTING),
        "pay_job": payment_jobs.run_pay_job(run) if run.status == PaymentRun.Status.POSTING
        else None,
        "has_originator": Originator.objects.filter(authority=authority).exists(),
        "Status": PaymentRun.Status,
    }, status=status)


# --- Pages --------------------------------------------------------------------------------


@permission_required(RUN)
def run_list(request: HttpRequest) -> HttpResponse:
    """The authority's runs, newest first, with their status, counts and totals."""
    authority = current_authority_for(request, RUN)
    queryset = (PaymentRun.objects.filter(authority=authority)
                .annotate(payment_count=Count("payments"), posted_count=Count("payments__posted_at"),
                          total=Sum("payments__amount"))
                .order_by("-prepared_at", "-pk"))
    page = Paginator(queryset, per_page=RUNS_PAGE_SIZE, allow_empty_first_page=True).get_page(
        request.GET.get("page"))
    rows = [{"run": r, "payments": r.payment_count, "posted": r.posted_count,
             "total": format_pounds(int(r.total or 0)), "problems": len(r.problems)}
            for r in page.object_list]
    return render(request, "payments/run_list.html", {
        "authority": authority, "page": page, "rows": rows,
        "has_originator": Originator.objects.filter(authority=authority).exists()})


@permission_required(RUN)
def run_new(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, RUN)
    if request.method == "POST":
        form = PrepareForm(request.POST)
        if form.is_valid():
            try:
                run = runs.run_prepare(actor=request.user, authority=authority,
                                       period_start=form.cleaned_data["period_start"],
                                       period_end=form.cleaned_data["period_end"],
                                       pay_on=form.cleaned_data["pay_on"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Run prepared: {run.payments.count():,} payments. "
                                          "Another finance officer must approve it.")
                return redirect("payment-run", run_id=run.pk)
    else:
        form = PrepareForm(initial={"pay_on": clock.today()})
    return render(request, "payments/run_new.html", {"authority": authority, "form": form})


@permission_required(RUN)
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    authority, run = _run(request, run_id)
    return _detail(request, authority, run)


@permission_required(RUN)
def run_approve(request: HttpRequest, run_id: int) -> HttpResponse:
    """POST: approve (a second finance officer). A GET goes back to the run's page."""
    authority, run = _run(request, run_id)
    if request.method != "POST":
        return redirect("payment-run", run_id=run.pk)
    try:
        runs.run_approve(actor=request.user, run=run)
    except ValidationError as exc:
        return _detail(request, authority, run, _problem_form(exc), status=400)
    messages.success(request, "Run approved: it can now be paid.")
    return redirect("payment-run", run_id=run.pk)


@permission_required(RUN)
def run_pay(request: HttpRequest, run_id: int) -> HttpResponse:
    """POST: check the run can be paid and queue the job that pays it
    (``payments.jobs.run_pay_with_job``), then show the job's progress. A GET goes back to
    the run."""
    authority, run = _run(request, run_id)
    if request.method != "POST":
        return redirect("payment-run", run_id=run.pk)
    try:
        _, job = payment_jobs.run_pay_with_job(
            actor=request.user, run=run, back_url=reverse("payment-run", args=[run.pk]))
    except ValidationError as exc:
        return _detail(request, authority, run, _problem_form(exc), status=400)
    messages.success(request, "The run is being paid: this page shows how far it has got. "
                              "The bank files are on the run's page when it has finished.")
    return redirect("job-detail", job_id=job.pk)


@permission_required(RUN)
def run_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    authority, run = _run(request, run_id)
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                runs.run_cancel(actor=request.user, run=run,
                                reason=form.cleaned_data["cancel_reason"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Run cancelled: its periods can go into another run.")
                return redirect("payment-run", run_id=run.pk)
    else:
        form = CancelForm()
    return render(request, "payments/run_cancel.html",
                  {"authority": authority, "run": run, "form": form})


@permission_required(RUN)
def run_file(request: HttpRequest, run_id: int, fmt: str) -> HttpResponse:
    """The run's Standard 18 file or CSV, as an attachment."""
    _authority, run = _run(request, run_id)
    if fmt not in BankFile.Format.values:
        raise Http404("No such file format.")
    bank_file = run.bank_files.filter(format=fmt).first()
    if bank_file is None:
        raise Http404("The bank files are written when the run is paid.")
    extension, content_type = (("csv", "text/csv; charset=utf-8") if fmt == BankFile.Format.CSV
                               else ("txt", "text/plain; charset=us-ascii"))
    response = HttpResponse(bank_file.content, content_type=content_type)
    response["Content-Disposition"] = (f'attachment; filename="payment-run-{run.pk}-'
                                       f'{run.pay_on:%Y-%m-%d}-{fmt}.{extension}"')
    return response


@permission_required(BANK_DETAILS)
def originator_detail(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, BANK_DETAILS)
    return render(request, "payments/originator_detail.html",
                  {"authority": authority, "origin": originators.originator_for(authority)})


@permission_required(BANK_DETAILS)
def originator_edit(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, BANK_DETAILS)
    origin = originators.originator_for(authority)
    if request.method == "POST":
        form = OriginatorForm(request.POST)
        if form.is_valid():
            try:
                originators.originator_set(actor=request.user, authority=authority,
                                           **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Bank details saved.")
                return redirect("payment-originator")
    else:
        initial = {} if origin is None else {
            field: getattr(origin, field) for field in OriginatorForm.base_fields}
        form = OriginatorForm(initial=initial)
    return render(request, "payments/originator_form.html",
                  {"authority": authority, "origin": origin, "form": form,
                   "back": reverse("payment-originator")})


urlpatterns = [
    path("payments/runs/", run_list, name="payment-runs"),
    path("payments/runs/new/", run_new, name="payment-run-new"),
    path("payments/runs/<id:run_id>/", run_detail, name="payment-run"),
    path("payments/runs/<id:run_id>/approve/", run_approve, name="payment-run-approve"),
    path("payments/runs/<id:run_id>/pay/", run_pay, name="payment-run-pay"),
    path("payments/runs/<id:run_id>/cancel/", run_cancel, name="payment-run-cancel"),
    path("payments/runs/<id:run_id>/files/<text:fmt>/", run_file, name="payment-run-file"),
    path("payments/bank-details/", originator_detail, name="payment-originator"),
    path("payments/bank-details/change/", originator_edit, name="payment-originator-edit"),
]
