"""Paying a run is safe to stop and start again: ``manage.py payment_run post``.

THE FIRST TEST REALLY KILLS A PROCESS (SIGKILL) PART-WAY THROUGH PAYING A RUN, in a
database of its own. The test database pytest made is not visible to another process (on
SQLite it is in memory), so the test makes a throwaway copy of its migrated schema (a
full ``migrate`` takes over half a minute):

- on SQLite, a temporary file written with SQLite's backup API;
- on PostgreSQL (``connection.vendor``), a database created next to the test database
  with it as the template (``CREATE DATABASE ... TEMPLATE``, a file copy), dropped
  afterwards.

``manage.py migrate --check`` with ``DATABASE_URL`` set to the copy then proves nothing
is left to apply.

A small seeding script (run in a subprocess with ``django.setup()``) loads 300 people with
a schedule, a rate and an account, and prepares and approves a run. The command pays in
batches of 10 with a pause after each (``--pause-ms``, for drills and tests), so the test
can see some but not all payments posted, kill it, and check the partial state; then it
runs ``post`` again to the end and checks, in another subprocess: every schedule paid
exactly once for the period, one ledger entry per payment of more than nothing, a
balanced ledger, and a bank file the validator accepts.

The other tests run the command in this process: twice pays once, and the steps say why
they are refused.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from selfdirect.payments.management.commands.payment_run import progress_bar
from selfdirect.payments.models import Entry, PaymentRun
from tests.payments.matrix_runs import prepared_run, second_finance

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 300
BATCH = 10

SEED = """
import datetime
import django

django.setup()
from selfdirect.core import clock

from selfdirect.accounts.models import User
from selfdirect.authorities.models import Authority, Role, StaffRole
from selfdirect.demo.loading import bulk_load_people
from selfdirect.demo.synthetic import generate_people
from selfdirect.payments import runs
from selfdirect.payments.models import Originator, PayeeAccount, Schedule, ScheduleRate
from selfdirect.people.models import Person

today = clock.today()
authority = Authority.objects.create(name="Killed run council", code="S12000099",
                                     country="scotland")
one = User.objects.create(username="killed.one")
two = User.objects.create(username="killed.two")
for user in (one, two):
    StaffRole.objects.create(user=user, authority=authority, role=Role.FINANCE_OFFICER)
Originator.objects.create(authority=authority, service_user_number="123456",
                          name="KILLED RUN COUNCIL", sort_code="800001",
                          account_number="10203040", account_name="KILLED RUN COUNCIL")
bulk_load_people(authority=authority, with_history=False, seed=7,
                 rows=generate_people(seed=7, authority=authority, count=%(people)d))
ids = list(Person.objects.filter(authority=authority).values_list("pk", flat=True))
schedules = Schedule.objects.bulk_create([
    Schedule(person_id=pk, authority=authority, starts_on=today, created_by=one)
    for pk in ids])
ScheduleRate.objects.bulk_create([
    ScheduleRate(schedule=s, effective_from=today, weekly_gross=10000 + 100 * i,
                 reason="Seeded", recorded_by=one) for i, s in enumerate(schedules)])
PayeeAccount.objects.bulk_create([
    PayeeAccount(person_id=pk, account_name=f"DP ACCOUNT {pk}", sort_code="123456",
                 account_number=f"{pk:08d}", effective_from=today, recorded_by=one)
    for pk in ids])
run = runs.run_prepare(actor=one, authority=authority, period_start=today,
                       period_end=today, pay_on=today)
runs.run_approve(actor=two, run=run)
print(run.pk)
"""

CHECK = """
import json
import sys

import django

django.setup()
from django.db.models import Count

from selfdirect.payments import bacs, ledger
from selfdirect.payments.models import BankFile, Entry, Payment, PaymentRun, Schedule

run = PaymentRun.objects.get(pk=int(sys.argv[1]))
times = (Payment.objects.filter(run=run).values("schedule_id", "period_start")
         .annotate(n=Count("pk")).values_list("n", flat=True))
std18 = BankFile.objects.get(run=run, format=BankFile.Format.STANDARD_18)
print(json.dumps({
    "status": run.status,
    "schedules": Schedule.objects.filter(authority_id=run.authority_id).count(),
    "payments": Payment.objects.filter(run=run).count(),
    "paid_times": sorted(set(times)),
    "unposted": Payment.objects.filter(run=run, posted_at__isnull=True).count(),
    "to_pay": Payment.objects.filter(run=run, amount__gt=0).count(),
    "entries": Entry.objects.filter(payment__run=run).count(),
    "entries_for_nothing": Entry.objects.filter(payment__run=run, payment__amount=0).count(),
    "lines": sorted(set(Entry.objects.filter(payment__run=run).annotate(n=Count("lines"))
                        .values_list("n", flat=True))),
    "ledger_problems": ledger.ledger_problems(),
    "bank_file_problems": bacs.validate_standard18(std18.content),
    "bank_file_payments": std18.payments,
}))
"""


class Throwaway:
    """A database another process can see: a temporary SQLite file (a copy of the test
    database's schema) or a fresh PostgreSQL database; dropped afterwards."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.vendor = connection.vendor
        self.pg_name = ""
        self.admin_url = ""

    def __enter__(self) -> Throwaway:
        if self.vendor == "sqlite":
            self.path = self.tmp_path / "killed.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.path}"
        elif self.vendor == "postgresql":
            import psycopg

            db = settings.DATABASES["default"]
            self.admin_url = (f"postgresql://{db['USER']}:{db.get('PASSWORD') or ''}@"
                              f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/postgres")
            template = connection.settings_dict["NAME"]
            self.pg_name = f"{template}_killed_{os.getpid()}"
            # A template must have no other session: this worker's own connection is
            # closed (the test holds no transaction) and opens again when next used.
            connection.close()
            with psycopg.connect(self.admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}"')
                admin.execute(f'CREATE DATABASE "{self.pg_name}" TEMPLATE "{template}"')
            self.url = urlunsplit(urlsplit(self.admin_url)._replace(path=f"/{self.pg_name}"))
        else:  # pragma: no cover
            pytest.skip(f"No throwaway database for {self.vendor}")
        self.env = {**os.environ, "DATABASE_URL": self.url, "DEBUG": "false",
                    "DJANGO_SETTINGS_MODULE": "selfdirect.config.settings",
                    "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pg_name:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def manage(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def script(self, text: str, *args: str) -> str:
        done = subprocess.run([sys.executable, "-c", text, *args], env=self.env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def posted(self, run_id: int) -> tuple[int, int]:
        """(posted, all) payments of the run, read straight from the database."""
        sql = "SELECT COUNT(posted_at), COUNT(*) FROM payments_payment WHERE run_id = "
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path, timeout=10) as conn:
                return conn.execute(sql + "?", [run_id]).fetchone()
        import psycopg

        with psycopg.connect(self.url) as conn:
            row = conn.execute(sql + "%s", [run_id]).fetchone()
        assert row is not None
        return int(row[0]), int(row[1])


@pytest.mark.django_db(transaction=True)  # no open transaction: SQLite's backup would wait on it
def test_KILLED_part_way_then_started_again_pays_everyone_exactly_once(tmp_path):
    with Throwaway(tmp_path) as db:
        migrated = db.manage("migrate", "--check", "--no-input", "-v", "0")
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr  # nothing to apply
        run_id = int(db.script(SEED % {"people": PEOPLE}).split()[-1])
        assert db.posted(run_id) == (0, PEOPLE)

        posting = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, str(ROOT / "manage.py"), "payment_run", "post", str(run_id),
             "--user", "killed.one", "--batch", str(BATCH), "--pause-ms", "150"],
            env=db.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        posted = 0
        while time.monotonic() < deadline and posting.poll() is None:
            posted, _all = db.posted(run_id)
            if posted >= 3 * BATCH:
                break
            time.sleep(0.05)
        assert posting.poll() is None, "the run finished before it could be stopped"
        posting.send_signal(signal.SIGKILL)
        posting.communicate(timeout=30)
        assert posting.returncode == -signal.SIGKILL

        posted, total = db.posted(run_id)
        assert 3 * BATCH <= posted < total == PEOPLE
        assert posted % BATCH == 0  # whole batches only: each is committed or not at all

        again = db.manage("payment_run", "post", str(run_id), "--user", "killed.one",
                          "--batch", "50")
        assert again.returncode == 0, again.stderr
        assert f"Carrying on: {posted:,} payments were paid before it stopped" in again.stderr
        assert progress_bar(PEOPLE, PEOPLE) in again.stderr
        assert "Status: Paid" in again.stdout

        state = json.loads(db.script(CHECK, str(run_id)))
        assert state["status"] == "posted"
        assert state["payments"] == state["schedules"] == PEOPLE
        assert state["paid_times"] == [1]  # every schedule paid once for the period
        assert state["unposted"] == 0
        assert state["entries"] == state["to_pay"] == PEOPLE
        assert state["entries_for_nothing"] == 0
        assert state["lines"] == [4]
        assert state["ledger_problems"] == []
        assert state["bank_file_problems"] == []
        assert state["bank_file_payments"] == PEOPLE

        # And once more: nothing left to pay, nobody paid twice.
        third = db.manage("payment_run", "post", str(run_id), "--user", "killed.one")
        assert third.returncode == 0, third.stderr
        assert json.loads(db.script(CHECK, str(run_id)))["entries"] == PEOPLE


def _command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("payment_run", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_the_command_twice_pays_once(cast):
    users, person = cast
    from tests.payments.factories import DAY, originator, payee, quick_schedule

    originator(person.authority)
    payee(users, person)
    quick_schedule(person, users["scot_finance_officer"], weekly=30000)
    second_finance(users, person)
    out, _err = _command("prepare", "--authority", person.authority.code, "--start", str(DAY),
                         "--end", str(DAY), "--pay-on", str(DAY), "--user",
                         "scot_finance_officer")
    run = PaymentRun.objects.get()
    assert f"RUN_ID={run.pk}" in out and "Payments: 1 (0 paid)" in out
    with pytest.raises(CommandError, match="second finance officer"):
        _command("approve", str(run.pk), "--user", "scot_finance_officer")
    _command("approve", str(run.pk), "--user", "second_finance")
    out, err = _command("post", str(run.pk), "--user", "scot_finance_officer", "--batch", "1")
    assert "Status: Paid" in out
    assert "[" + "#" * 30 + "] 1 of 1 payments" in err
    out, err = _command("post", str(run.pk), "--user", "scot_finance_officer")
    assert "Status: Paid" in out
    assert "Nothing left to pay: all 1 payments were paid before" in err
    assert Entry.objects.filter(payment__run=run).count() == 1
    assert run.payments.get().amount == 120000
    out, _err = _command("status", str(run.pk))
    assert "£1,200.00" in out and "Payments: 1 (1 paid)" in out


@pytest.mark.django_db
def test_the_command_says_why_it_is_refused(cast):
    users, person = cast
    run = prepared_run(users, person)
    with pytest.raises(CommandError, match="No active user"):
        _command("post", str(run.pk), "--user", "nobody_by_that_name")
    with pytest.raises(CommandError, match="Only an approved run"):
        _command("post", str(run.pk), "--user", "scot_finance_officer")
    with pytest.raises(CommandError, match="may not do this"):
        _command("approve", str(run.pk), "--user", "scot_social_worker")
    with pytest.raises(CommandError, match="No payment run"):
        _command("status", "999999")
    with pytest.raises(CommandError, match="No authority"):
        _command("prepare", "--authority", "X0", "--start", "2026-12-01", "--end",
                 "2026-12-01", "--pay-on", "2026-12-01", "--user", "scot_finance_officer")
    with pytest.raises(CommandError, match="pay_on: The pay date has passed"):
        _command("prepare", "--authority", person.authority.code, "--start", "2020-01-01",
                 "--end", "2020-01-01", "--pay-on", "2020-01-01", "--user",
                 "scot_finance_officer")
    assert run.status == PaymentRun.Status.PREPARED


def test_the_progress_bar_is_plain_text():
    assert progress_bar(5000, 10000, width=10) == "[#####     ] 5,000 of 10,000 payments"
    assert progress_bar(0, 0, width=4) == "[####] 0 of 0 payments"
