"""What the payments app holds about a person: money paid for their support and how it
was spent (``selfdirect.dataprotection.registry``).

The ledger is kept whole when a record is anonymised: its rows are never changed, so the
council's accounts still add up (docs/dataprotection.md)."""

from typing import Any

from django.db.models import Q

from selfdirect.core.money import pounds
from selfdirect.dataprotection.registry import Part, Section, register
from selfdirect.payments.models import (
    Account,
    DeliveredHours,
    InvoiceLine,
    Line,
    OneOffPayment,
    PayeeAccount,
    Payment,
    ReceiptsReturn,
    Recovery,
    Schedule,
    ScheduleRate,
    ShortfallAlert,
    Statement,
    StatementLine,
    TemporarySwitch,
)

LEDGER = ("The council's ledger is never changed: these rows stay as they are when a record "
          "is anonymised, so the accounts still add up.")


def _entry(line: Any) -> dict[str, Any]:
    entry = line.entry
    return {"date": entry.effective_on, "description": entry.description,
            "kind": entry.get_kind_display()}


def _invoice(line: Any) -> dict[str, Any]:
    invoice = line.invoice
    return {"invoice": f"{invoice.reference} from {invoice.provider.name}",
            "invoice_period": f"{invoice.period_start.isoformat()} to "
                              f"{invoice.period_end.isoformat()}",
            "support": line.line.what, "amount_in_pounds": str(pounds(line.amount))}


register(Section(
    key="payments", order=75, heading="Money paid for your support",
    intro="Direct payments: where they are paid, how much and when, and the returns and "
          "statements you sent. The hours providers delivered and invoiced. Every movement "
          "of money in the council's ledger for you.",
    parts=(
        Part(PayeeAccount, "Where your direct payment is paid", person="person"),
        Part(Schedule, "Direct-payment schedules", person="person", activity="ends_on",
             open_when=Q(ends_on__isnull=True), children=(
                 Part(ScheduleRate, "Amounts a week", parent="schedule"),
                 Part(OneOffPayment, "One-off payments", parent="schedule"),
                 Part(Payment, "Payments made", parent="schedule", activity="posted_at"),
                 Part(TemporarySwitch, "Times the council arranged the support instead",
                      parent="schedule"),
             )),
        Part(Statement, "Statements of your direct-payment account", person="person",
             activity="imported_at", clear=("flags",), children=(
                 Part(StatementLine, "Each payment in or out", parent="statement"),
             )),
        Part(ReceiptsReturn, "Returns you sent", person="person", activity="recorded_at"),
        Part(Recovery, "Unspent money the council asked back", person="person"),
        Part(DeliveredHours, "Hours providers delivered", person="line__plan__person"),
        Part(ShortfallAlert, "Weeks when fewer hours were delivered than planned",
             person="line__plan__person"),
        Part(InvoiceLine, "Hours providers invoiced", person="line__plan__person",
             select_related=("invoice__provider", "line"), describe=_invoice,
             anonymise=False, note=LEDGER),
        Part(Account, "Your accounts in the council's ledger", person="person",
             anonymise=False, note=LEDGER, children=(
                 Part(Line, "Movements of money", parent="account", select_related=("entry",),
                      describe=_entry, activity="entry__effective_on", anonymise=False),
             )),
    )))
