"""Background jobs: a price change returns at once and the worker recalculates; a worker
stopped part-way is recovered and finishes without doing anything twice; a job that fails
says so; each person sees their own jobs and their authority's if they administer it."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from selfdirect.allocation import services as allocation
from selfdirect.allocation.models import IndicativeBudget
from selfdirect.allocation.recalculation import recalculate_indicative
from selfdirect.jobs.models import Job
from selfdirect.jobs.services import job_run, job_start, jobs_recover, jobs_run_queued
from tests.allocation.test_ras import calculated, live_version
from tests.factories import TEST_PASSWORD
from tests.jobs_helpers import finished

pytestmark = pytest.mark.django_db

MAY_DAY = datetime.date(2026, 5, 1)


def _budgets(world, how_many):
    version = live_version(world)
    return version, [calculated(world) for _ in range(how_many)]


def _histories(budgets):
    return [budget.history.count() for budget in budgets]


class WorkerStopped(BaseException):
    """What a worker's second Ctrl+C or SIGTERM does in the middle of a task
    (django-tasks-db's worker calls ``sys.exit``): not an Exception, so nothing records
    the job as finished or failed."""


def test_a_worker_stopped_part_way_is_recovered_and_does_nothing_twice(world):
    version, budgets = _budgets(world, 3)
    admin = world.user("scot_administrator")
    before = _histories(budgets)
    new, job = allocation.ras_price_change_with_job(
        actor=admin, version=version, price_per_point="47.00", effective_from=MAY_DAY)
    # The worker claims the task and starts the job, as db_worker does ...
    task = DBTaskResult.objects.get(pk=job.task_id)
    task.claim("worker-1")
    job.state, job.attempts = Job.State.RUNNING, 1
    job.started_at = job.heartbeat_at = timezone.now()
    job.save()

    # ... and is stopped after the first batch of one budget has been committed.
    def stop_after_the_first_batch(done, total):
        if done == 1:
            raise WorkerStopped

    with pytest.raises(WorkerStopped):
        recalculate_indicative(actor=admin, authority=world.scot, version=new,
                               reason=job.params["reason"], batch_size=1,
                               progress=stop_after_the_first_batch)
    prices = [IndicativeBudget.objects.get(pk=b.pk).price_per_point for b in budgets]
    assert prices == [4700, 4500, 4500]  # the first batch stays done; the rest waits

    # Still "running" to anyone looking, but no progress for longer than allowed.
    Job.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=11))
    assert jobs_recover(stale_after=datetime.timedelta(minutes=10)) == [job]
    assert jobs_recover(stale_after=datetime.timedelta(minutes=10)) == []  # queued once
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.task_id != str(task.pk)

    job = finished(job)
    assert job.attempts == 2
    assert job.figures == {"recalculated": 2, "unchanged": 1, "skipped": 0, "flagged": 0}
    assert "1 already up to date" in job.summary
    # Each budget was worked out again once: one history row each, not two.
    assert _histories(budgets) == [count + 1 for count in before]
    assert {IndicativeBudget.objects.get(pk=b.pk).price_per_point for b in budgets} == {4700}


def test_a_finished_job_is_never_run_again(world):
    version, budgets = _budgets(world, 2)
    _, job = allocation.ras_price_change_with_job(
        actor=world.user("scot_administrator"), version=version, price_per_point="47.00",
        effective_from=MAY_DAY)
    job = finished(job)
    histories = _histories(budgets)
    job_run(job.pk)  # a second delivery of the same task
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.DONE, 1)
    assert _histories(budgets) == histories


def test_a_job_that_fails_says_so_and_the_task_is_recorded_failed(world, client):
    admin = world.user("scot_administrator")
    job = job_start(actor=admin, authority=world.scot, kind="allocation.recalculate",
                    title="Work out budgets again", params={"version_id": 0, "reason": "x"})
    assert jobs_run_queued() == 1
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.finished_at is not None
    assert "starting it again is safe" in job.summary
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.FAILED
    client.login(username="scot_administrator", password=TEST_PASSWORD)
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "The job stopped with a problem" in page and 'role="alert"' in page


def test_the_progress_panel_asks_again_only_while_the_job_has_not_finished(world, client):
    version, _ = _budgets(world, 2)
    _, job = allocation.ras_price_change_with_job(
        actor=world.user("scot_administrator"), version=version, price_per_point="47.00",
        effective_from=MAY_DAY)
    client.login(username="scot_administrator", password=TEST_PASSWORD)
    url = reverse("job-progress", args=[job.pk])
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, done=1, total=2)
    running = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in running and 'aria-live="polite"' in running
    assert "1 of 2 done (50%)" in running and '<progress' in running
    Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED, done=0, total=None)
    finished(job)
    done = client.get(url).content.decode()
    assert "hx-trigger" not in done and "Finished" in done
    assert "2 indicative budgets recalculated" in done


def test_each_sees_their_own_jobs_and_their_authoritys_if_they_administer_it(world, client):
    mine = job_start(actor=world.user("scot_administrator"), authority=world.scot,
                     kind="allocation.recalculate", title="Edinburgh's recalculation",
                     params={"version_id": 0, "reason": "x"})
    theirs = job_start(actor=world.user("eng_administrator"), authority=world.eng,
                       kind="allocation.recalculate", title="Manchester's recalculation",
                       params={"version_id": 0, "reason": "x"})
    client.login(username="scot_administrator", password=TEST_PASSWORD)
    listing = client.get(reverse("job-list")).content.decode()
    assert "Edinburgh&#x27;s recalculation" in listing
    assert "Manchester" not in listing
    assert client.get(reverse("job-detail", args=[theirs.pk])).status_code == 404
    client.login(username="scot_social_worker", password=TEST_PASSWORD)
    assert "There are no jobs to show" in client.get(reverse("job-list")).content.decode()
    assert client.get(reverse("job-detail", args=[mine.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_runs_a_price_changes_recalculation(reference_data, world):
    """``manage.py db_worker --batch``, as ``make worker`` runs it (without --batch)."""
    version, budgets = _budgets(world, 2)
    _, job = allocation.ras_price_change_with_job(
        actor=world.user("scot_administrator"), version=version, price_per_point="47.00",
        effective_from=MAY_DAY)
    call_command("db_worker", batch=True, startup_delay=False, interval=0, reload=False,
                 verbosity=0)
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.summary
    assert (job.done, job.total, job.figures["recalculated"]) == (2, 2, 2)
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.SUCCESSFUL
    assert {IndicativeBudget.objects.get(pk=b.pk).price_per_point for b in budgets} == {4700}


def test_who_sees_a_job_is_decided_by_its_authority_whatever_its_number(world):
    """Each job's own authority decides, never a number that happens to match an
    authority's: on SQLite the first jobs' ids are the authorities' ids, on PostgreSQL
    they run on from earlier tests; either way only the job's authority counts."""
    eng_admin = world.user("eng_administrator")
    jobs = [job_start(actor=eng_admin, authority=world.eng, kind="allocation.recalculate",
                      title=f"Job {n}", params={"version_id": 0, "reason": "x"})
            for n in range(4)]
    for job in jobs:
        assert eng_admin.has_perm("jobs.view_job", job)
        assert not world.user("scot_administrator").has_perm("jobs.view_job", job)
        assert not world.user("eng_social_worker").has_perm("jobs.view_job", job)
