"""The reconciliation report for finance officers and commissioners: one authority, one
period, by funding stream, checked against the ledger."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from selfdirect.authorities.web import current_authority_for
from selfdirect.core import clock
from selfdirect.core.forms import GovukDateField, GovukMessagesForm
from selfdirect.core.permissions import permission_required
from selfdirect.payments.reconciliation import reconciliation

PERMISSION = "payments.view_reconciliation"
LONGEST_DAYS = 366


class PeriodForm(GovukMessagesForm):
    start = GovukDateField(label="From", help_text="For example, 1 4 2026")
    end = GovukDateField(label="To")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date):
            if end < start:
                self.add_error("end", "The end of the period must be on or after its start")
            elif (end - start).days >= LONGEST_DAYS:
                self.add_error("end", "A report covers at most a year")
        return data


def _period_data(start: datetime.date, end: datetime.date) -> dict[str, str]:
    return {f"{name}_{part}": str(getattr(day, part))
            for name, day in (("start", start), ("end", end))
            for part in ("day", "month", "year")}


@permission_required(PERMISSION)
def reconciliation_page(request: HttpRequest) -> HttpResponse:
    authority = current_authority_for(request, PERMISSION)
    today = clock.today()
    data = request.GET or _period_data(today.replace(day=1), today)
    form = PeriodForm(data)
    report = None
    if form.is_valid():
        report = reconciliation(authority=authority, start=form.cleaned_data["start"],
                                end=form.cleaned_data["end"])
    return render(request, "payments/reconciliation.html",
                  {"authority": authority, "form": form, "report": report})


urlpatterns: list[URLPattern] = [
    path("payments/reconciliation/", reconciliation_page, name="payments-reconciliation"),
]
