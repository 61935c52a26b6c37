"""A person's direct payments, in plain English for the person and for staff: each
schedule (how often, the next payment and what it will be), what has been paid and why
each amount is what it is, one-off sums, what the council's records say is held in the
direct-payment account, how the weekly amount changed, and any time the council arranged
the support instead (temporary switches).

Finance officers also record the account the money goes into, add a one-off sum and line
the first period up with the authority's payment cycle (``setup.schedule_start_set``).
Only they see a whole account number; everyone else sees its last four digits.

Each view declares one permission; the person is loaded through ``person_get`` with it
(404 for a record the user may not see, and the access log). The services check again.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
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
    money_input,
    radios,
    set_max_length,
    set_missing_message,
)
from selfdirect.core.money import format_pounds
from selfdirect.core.permissions import permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.payments import ledger, schedules, setup
from selfdirect.payments.models import (
    AccountKind,
    OneOffPayment,
    PayeeAccount,
    Payment,
    Schedule,
    ScheduleRate,
    TemporarySwitch,
)
from selfdirect.payments.runs import ARREARS_DAYS
from selfdirect.people.models import Person
from selfdirect.people.rules import is_the_person
from selfdirect.people.selectors import person_get

VIEW = "payments.view_payments"
MANAGE = "payments.manage_direct_payments"
SWITCH = "payments.switch_cover"
LOOK_AHEAD_PERIODS = 30


def _person(request: HttpRequest, person_id: int, permission: str) -> Person:
    return person_get(user=request.user, person_id=person_id, path=request.path,
                      permission=permission)


def _back(person: Person) -> str:
    return reverse("person-payments", args=[person.pk])


def _masked(number: str) -> str:
    return f"ending {number[-4:]}"


def _sort_code(code: str) -> str:
    return "-".join(code[i:i + 2] for i in range(0, len(code), 2))


# --- What the page shows -------------------------------------------------------------------


def _adjustment_words(pence: int) -> str:
    if pence > 0:
        return (f"{format_pounds(pence)} added: earlier periods were paid less than was due "
                "(a change that reached back into them, like the end of council cover or a "
                "lower contribution)")
    if pence < 0:
        return (f"{format_pounds(-pence)} taken off: earlier periods were paid more than was "
                "due (a change that reached back into them, like council cover or a higher "
                "contribution)")
    return ""


def _payment_row(payment: Payment) -> dict[str, Any]:
    parts = [f"{format_pounds(payment.gross)} for the period"]
    if payment.paused:
        parts.append(f"less {format_pounds(payment.paused)} while the council arranged "
                     "the support")
    if payment.contribution:
        parts.append(f"less {format_pounds(payment.contribution)} contribution")
    notes = []
    if payment.adjustment:
        notes.append(_adjustment_words(payment.adjustment))
    if payment.one_offs:
        notes.append(f"{format_pounds(payment.one_offs)} of one-off sums paid with it")
    if payment.carried:
        notes.append(f"{format_pounds(payment.carried)} more was owed back than this payment, "
                     "so it comes off later payments")
    if payment.posted_at is not None:
        status = f"Paid on {payment.run.pay_on:%-d %B %Y}"
    else:
        status = f"To be paid on {payment.run.pay_on:%-d %B %Y} (the run is " \
                 f"{payment.run.get_status_display().lower()})"
    return {"p": payment, "amount": format_pounds(payment.amount), "workings": ", ".join(parts),
            "notes": notes, "status": status, "paid": payment.posted_at is not None}


def _next_payment(schedule: Schedule, inputs: schedules.Inputs, paid: list[Payment],
                  one_offs: list[OneOffPayment], today: datetime.date) -> dict[str, Any] | None:
    """The first period not yet in a run (one that has started already is paid in arrears
    by the next run), and what it will pay as things stand (the run works the same out
    when it is prepared)."""
    taken = {p.period_start for p in paid}
    periods = schedules.periods_starting(
        schedule, today - datetime.timedelta(days=ARREARS_DAYS),
        today + datetime.timedelta(days=schedule.period_days * LOOK_AHEAD_PERIODS))
    first_last = next(((f, t) for f, t in periods if f not in taken), None)
    if first_last is None:
        return None
    first, last = first_last
    amounts = inputs.period(first, last)
    adjustment = schedules.adjustment(
        inputs, [(p.period_start, p.period_end, p.amount, p.one_offs) for p in paid
                 if p.period_start < first])
    extra = sum(o.amount for o in one_offs if o.paid_in_id is None and o.due_on <= first)
    total = max(0, amounts.net + adjustment + extra)
    parts = [f"{format_pounds(amounts.gross)} for the period"]
    if amounts.paused:
        parts.append(f"less {format_pounds(amounts.paused)} while the council arranges the "
                     "support")
    if amounts.contribution:
        parts.append(f"less {format_pounds(amounts.contribution)} contribution")
    notes = [words for words in (_adjustment_words(adjustment),) if words]
    if extra:
        notes.append(f"{format_pounds(extra)} of one-off sums paid with it")
    return {"first": first, "last": last, "amount": format_pounds(total),
            "workings": ", ".join(parts), "notes": notes}


def _weekly_now(inputs: schedules.Inputs, today: datetime.date) -> int:
    weekly = 0
    for since, amount in inputs.rates:
        if since > today:
            break
        weekly = amount
    return weekly


def _switch_row(switch: TemporarySwitch, today: datetime.date, may_switch: bool,
                person: Person) -> dict[str, Any]:
    if switch.starts_on > today:
        state = "Planned"
    elif switch.ends_on is None or switch.ends_on >= today:
        state = "Now"
    else:
        state = "Ended"
    can_end = may_switch and (switch.ends_on is None or switch.ends_on >= today)
    return {"s": switch, "state": state, "weekly": format_pounds(switch.weekly_amount),
            "started_by": switch.started_by.get_full_name() or switch.started_by.username,
            "ended_by": (switch.ended_by.get_full_name() or switch.ended_by.username)
            if switch.ended_by else "",
            "end_url": reverse("switch-end", args=[person.pk, switch.pk]) if can_end else ""}


def payments_overview(*, person: Person, today: datetime.date, show_account: bool,
                      may_manage: bool, may_switch: bool) -> dict[str, Any]:
    """Everything the payments page shows, in a fixed number of queries however many
    periods, payments, rates or switches there are."""
    all_schedules = list(person.payment_schedules.order_by("funding_stream", "pk"))
    inputs = schedules.load_inputs(all_schedules) if all_schedules else {}
    payments: dict[int, list[Payment]] = defaultdict(list)
    for payment in (Payment.objects.filter(schedule__person=person).select_related("run")
                    .order_by("period_start", "pk")):
        payments[payment.schedule_id].append(payment)
    one_offs: dict[int, list[OneOffPayment]] = defaultdict(list)
    for item in (OneOffPayment.objects.filter(schedule__person=person)
                 .select_related("paid_in__run").order_by("due_on", "pk")):
        one_offs[item.schedule_id].append(item)
    rates: dict[int, list[ScheduleRate]] = defaultdict(list)
    for rate in ScheduleRate.objects.filter(schedule__person=person).order_by(
            "effective_from", "pk"):
        rates[rate.schedule_id].append(rate)
    switches = list(TemporarySwitch.objects.filter(schedule__person=person)
                    .select_related("line", "schedule", "started_by", "ended_by")
                    .order_by("-starts_on", "-pk"))
    accounts = list(person.payee_accounts.order_by("-effective_from", "-pk"))
    in_force = next((a for a in accounts if a.effective_from <= today), None)
    held = ledger.person_balances(authority_id=person.authority_id, person_ids=[person.pk])

    rows = []
    for schedule in all_schedules:
        data = inputs[schedule.pk]
        ended = schedule.ends_on is not None and schedule.ends_on < today
        rows.append({
            "schedule": schedule,
            "weekly": format_pounds(_weekly_now(data, today)),
            "ended": ended,
            "next": None if ended else _next_payment(schedule, data, payments[schedule.pk],
                                                     one_offs[schedule.pk], today),
            "payments": [_payment_row(p) for p in reversed(payments[schedule.pk])],
            "one_offs": [{"o": o, "amount": format_pounds(o.amount),
                          "status": ("Paid on " + f"{o.paid_in.run.pay_on:%-d %B %Y}"
                                     if o.paid_in and o.paid_in.posted_at else
                                     "In a run, to be paid" if o.paid_in else
                                     f"To be paid with the first payment on or after "
                                     f"{o.due_on:%-d %B %Y}")}
                         for o in one_offs[schedule.pk]],
            "rates": [{"r": r, "weekly": format_pounds(r.weekly_gross)}
                      for r in rates[schedule.pk]],
            "can_move_start": may_manage and not payments[schedule.pk],
        })
    account = None
    if in_force is not None:
        account = {"a": in_force, "sort_code": _sort_code(in_force.sort_code),
                   "number": in_force.account_number if show_account
                   else _masked(in_force.account_number)}
    later_accounts = [{"a": a, "number": a.account_number if show_account
                       else _masked(a.account_number)}
                      for a in accounts if a.effective_from > today]
    return {
        "rows": rows,
        "account": account,
        "later_accounts": later_accounts,
        "held": format_pounds(held.get((person.pk, AccountKind.DIRECT_PAYMENT), 0)),
        "spent": format_pounds(held.get((person.pk, AccountKind.BUDGET), 0)),
        "switches": [_switch_row(s, today, may_switch, person) for s in switches],
    }


@permission_required(VIEW)
@person_page
def person_payments(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, VIEW)
    user = request.user
    today = clock.today()
    may_manage = user.has_perm(MANAGE, person)
    may_switch = user.has_perm(SWITCH, person)
    return render(request, "payments/person_payments.html", {
        "person": person, "today": today, "for_person": bool(is_the_person(user, person)),
        "can": {"manage": may_manage, "switch": may_switch},
        **payments_overview(person=person, today=today, show_account=may_manage,
                            may_manage=may_manage, may_switch=may_switch)})


# --- Finance: setting the direct payment up ----------------------------------------------


class PayeeAccountForm(GovukMessagesForm):
    method = radios(list(PayeeAccount.Method.choices), "Where does the money go?",
                    "Select a bank account or a prepaid card account")
    account_name = forms.CharField(label="Name on the account")
    sort_code = forms.CharField(label="Sort code", help_text="6 digits, like 30-94-57")
    account_number = forms.CharField(label="Account number", help_text="8 digits")
    effective_from = GovukDateField(label="Date the account is used from",
                                    help_text="For example, 1 12 2026")

    def prepare(self) -> None:
        set_max_length(self.fields["account_name"], 100)
        set_max_length(self.fields["sort_code"], 8)
        set_max_length(self.fields["account_number"], 10)
        for name, width in (("sort_code", "5"), ("account_number", "10")):
            self.fields[name].widget.attrs.update({
                "inputmode": "numeric", "spellcheck": "false", "autocomplete": "off",
                "class": f"govuk-input--width-{width}"})
        set_missing_message(self.fields["account_name"], "Enter the name on the account")


class OneOffForm(GovukMessagesForm):
    money_fields = ("amount",)
    description = forms.CharField(label="What is it for?",
                                  help_text="For example, “Start-up costs: payroll set-up and "
                                            "employer's liability insurance”")
    amount = forms.CharField(label="Amount")
    due_on = GovukDateField(label="Pay it on or after",
                            help_text="It is paid with the first payment from this date. "
                                      "For example, 1 12 2026")

    def prepare(self) -> None:
        set_max_length(self.fields["description"], 200)
        money_input(self.fields["amount"])
        set_missing_message(self.fields["description"], "Say what the sum is for")
        set_missing_message(self.fields["amount"], "Enter the amount in pounds and pence, "
                                                   "like 500.00")


class ScheduleStartForm(GovukMessagesForm):
    starts_on = GovukDateField(label="First period starts",
                               help_text="The first day of the council's payment cycle that "
                                         "this direct payment should follow. For example, "
                                         "7 12 2026")
    reason = forms.CharField(label="Why is the start moving?",
                             help_text="For example, “to line up with the council's "
                                       "four-weekly payment cycle”")
    pay_days_before = forms.BooleanField(
        label="Pay the days before the first period as a one-off sum", required=False,
        help_text="If the start moves later, the days between are otherwise not paid.")

    def prepare(self) -> None:
        set_max_length(self.fields["reason"], 300)
        set_missing_message(self.fields["reason"], "Say why the start is moving")


def _form_page(request: HttpRequest, person: Person, form: forms.Form, *, title: str,
               submit: str, save: Callable[[], Any], success: str,
               intro: str = "") -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(_back(person))
    return render(request, "payments/person_form.html", {
        "person": person, "form": form, "title": title, "submit": submit, "intro": intro,
        "back": _back(person)})


def _schedule(person: Person, schedule_id: int) -> Schedule:
    schedule = Schedule.objects.filter(pk=schedule_id, person=person).first()
    if schedule is None:
        raise Http404("No such direct payment.")
    schedule.person = person
    return schedule


@permission_required(MANAGE)
@person_page
def payee_account_record(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, MANAGE)
    form = PayeeAccountForm(request.POST or None,
                            initial={"method": PayeeAccount.Method.BANK})

    def save() -> None:
        data = form.cleaned_data
        schedules.payee_account_set(
            actor=request.user, person=person, account_name=data["account_name"],
            sort_code=data["sort_code"], account_number=data["account_number"],
            effective_from=data["effective_from"], method=data["method"])

    return _form_page(
        request, person, form, title="Record the direct-payment account",
        submit="Record the account",
        intro="The account the direct payment is paid into from the date given. An earlier "
              "account is kept in the record; payments before that date still go to it.",
        save=save, success="The direct-payment account has been recorded.")


@permission_required(MANAGE)
@person_page
def one_off_add(request: HttpRequest, pk: int, schedule_id: int) -> HttpResponse:
    person = _person(request, pk, MANAGE)
    schedule = _schedule(person, schedule_id)
    form = OneOffForm(request.POST or None)

    def save() -> None:
        data = form.cleaned_data
        schedules.one_off_add(actor=request.user, schedule=schedule, amount=data["amount"],
                              due_on=data["due_on"], description=data["description"])

    return _form_page(
        request, person, form, title="Add a one-off sum", submit="Add the sum",
        intro=f"Paid once, with the {schedule.get_funding_stream_display()} direct payment: "
              "for example a start-up sum or equipment.",
        save=save, success="The one-off sum has been added.")


@permission_required(MANAGE)
@person_page
def schedule_start(request: HttpRequest, pk: int, schedule_id: int) -> HttpResponse:
    person = _person(request, pk, MANAGE)
    schedule = _schedule(person, schedule_id)
    form = ScheduleStartForm(request.POST or None, initial={"starts_on": schedule.starts_on})

    def save() -> None:
        data = form.cleaned_data
        setup.schedule_start_set(actor=request.user, schedule=schedule,
                                 starts_on=data["starts_on"], reason=data["reason"],
                                 pay_days_before=bool(data["pay_days_before"]))

    return _form_page(
        request, person, form, title="Line the first period up with the payment cycle",
        submit="Move the start",
        intro=f"The {schedule.get_funding_stream_display()} direct payment's first period "
              f"starts on {schedule.starts_on:%-d %B %Y} and each period is "
              f"{schedule.frequency_weeks} weeks. The start can move only before anything "
              "has been paid, to today or later, and at most one period later. The weekly "
              "amount moves with it.",
        save=save, success="The first period has been moved.")


urlpatterns: list[URLPattern] = [
    path("people/<id:pk>/payments/", person_payments, name="person-payments"),
    path("people/<id:pk>/payments/account/", payee_account_record,
         name="person-payee-account"),
    path("people/<id:pk>/payments/<id:schedule_id>/one-off/", one_off_add,
         name="person-one-off-add"),
    path("people/<id:pk>/payments/<id:schedule_id>/start/", schedule_start,
         name="person-schedule-start"),
]
