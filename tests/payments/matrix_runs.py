"""Permission-matrix rows for the payment-run pages (see tests/test_permission_matrix.py).

- Only finance officers run payments, in the authority they work in: every other role,
  and the person and those acting for them, are refused (403). A finance officer of
  another authority gets the pages of their own authority (the list, preparing a run,
  the bank details) but not a run of Edinburgh's (404).
- Approving and paying act on a POST; a GET goes back to the run's page (302).
- The run asked for here was prepared by scot_finance_officer (who therefore cannot
  approve it: the page says so, and the POST is refused; tested in test_run_pages.py).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix import NOT_FOUND, OK, REFUSED, SIGN_IN, row

_AUTHORITY = row(REFUSED, anonymous=SIGN_IN, scot_finance_officer=OK, eng_finance_officer=OK)
_RUN = row(REFUSED, anonymous=SIGN_IN, scot_finance_officer=OK, eng_finance_officer=NOT_FOUND)
_RUN_ACTION = {**_RUN, "scot_finance_officer": 302}

MATRIX: dict[str, dict[str, int]] = {
    "payment-runs": _AUTHORITY,
    "payment-run-new": _AUTHORITY,
    "payment-run": _RUN,
    "payment-run-approve": _RUN_ACTION,
    "payment-run-pay": _RUN_ACTION,
    "payment-run-cancel": _RUN,
    "payment-run-file": _RUN,
    "payment-originator": _AUTHORITY,
    "payment-originator-edit": _AUTHORITY,
}


def prepared_run(users: dict[str, Any], person: Any, *, weekly: int = 30000) -> Any:
    """A run prepared today by scot_finance_officer paying ``person`` (a schedule, an
    account and the council's bank details, made directly)."""
    from selfdirect.payments import runs
    from tests.payments.factories import DAY, originator, payee, quick_schedule

    finance = users["scot_finance_officer"]
    originator(person.authority)
    payee(users, person)
    quick_schedule(person, finance, weekly=weekly)
    return runs.run_prepare(actor=finance, authority=person.authority, period_start=DAY,
                            period_end=DAY, pay_on=DAY)


def second_finance(users: dict[str, Any], person: Any) -> Any:
    from selfdirect.authorities.models import Role
    from tests.factories import staff

    if "second_finance" not in users:
        users["second_finance"] = staff(person.authority, Role.FINANCE_OFFICER, None,
                                        username="second_finance")
    return users["second_finance"]


def paid_run(users: dict[str, Any], person: Any) -> Any:
    from selfdirect.payments import runs

    run = runs.run_approve(actor=second_finance(users, person), run=prepared_run(users, person))
    return runs.run_post(actor=users["scot_finance_officer"], run=run)


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    if page not in MATRIX:
        raise KeyError(page)
    if page == "payment-run-file":
        return reverse(page, args=[paid_run(users, person).pk, "std18"])
    if page in ("payment-run", "payment-run-approve", "payment-run-pay", "payment-run-cancel"):
        return reverse(page, args=[prepared_run(users, person).pk])
    return reverse(page)
