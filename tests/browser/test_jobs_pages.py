"""A background job's page in Chromium, as the administrator who changed the price per
point sees it: axe finds no serious problem while it waits and once it has finished, the
page reflows at 320px, and the progress panel updates itself (htmx) when the worker
finishes the job, in a polite live region, without the page being reloaded."""

from __future__ import annotations

import datetime

from selfdirect.allocation import services as allocation
from tests.allocation.test_ras import calculated, live_version
from tests.browser.conftest import axe_check, sign_in_quickly, visit
from tests.browser.test_charging_journey import _assert_reflows_at_320
from tests.jobs_helpers import run_jobs


def test_the_job_page_shows_the_work_finishing_without_a_reload(page, live_server, world):
    version = live_version(world)
    for _ in range(2):
        calculated(world)
    admin = world.user("scot_administrator")
    _, job = allocation.ras_price_change_with_job(
        actor=admin, version=version, price_per_point="47.00",
        effective_from=datetime.date(2026, 5, 1))
    sign_in_quickly(page, live_server, admin)
    visit(page, f"{live_server.url}/jobs/{job.pk}/")
    assert "Waiting to start" in page.inner_text("#job-progress")
    _assert_reflows_at_320(page)
    page.evaluate("window.__not_reloaded = true")

    run_jobs()  # the worker finishes the job while the page is open

    page.wait_for_selector("#job-progress .govuk-panel--confirmation")
    panel = page.inner_text("#job-progress")
    assert "2 indicative budgets recalculated" in panel
    assert page.evaluate("window.__not_reloaded === true")  # updated in place
    assert page.get_attribute("#job-progress [role=status]", "aria-live") == "polite"
    assert page.get_attribute("#job-progress", "hx-trigger") is None  # it stops asking
    axe_check(page)
    _assert_reflows_at_320(page)
