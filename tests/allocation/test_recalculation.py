"""Recalculation in bulk when the price per point or the questionnaire changes, and the
administrator's questionnaire pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from selfdirect.allocation import services as allocation
from selfdirect.allocation.models import (
    IndicativeBudget,
    RasAnswer,
    RasQuestion,
    RasVersion,
)
from selfdirect.allocation.recalculation import recalculate_indicative
from selfdirect.assessments import services as assessing
from selfdirect.core import clock
from selfdirect.jobs.models import Job
from tests.allocation.test_ras import ANSWERS, POINTS, START, calculated, live_version
from tests.factories import TEST_PASSWORD, PersonFactory
from tests.jobs_helpers import finished, run_jobs

pytestmark = pytest.mark.django_db

MAY_DAY = datetime.date(2026, 5, 1)
PRICE_SENTENCE = "The price per point changed from £45.00 to £47.00 on 1 May 2026"


def _agreed(world):
    worker, manager = world.user("scot_social_worker"), world.user("scot_team_manager")
    proposed = allocation.budget_propose(actor=worker, budget=calculated(world))
    return allocation.budget_agree(actor=manager, budget=proposed, reason="Meets the outcomes")


def _english_budget(world):
    admin, worker = world.user("eng_administrator"), world.user("eng_social_worker")
    allocation.ras_version_publish(actor=admin, version=allocation.ras_version_create_default(
        actor=admin, authority=world.eng, effective_from=START))
    person = PersonFactory(authority=world.eng, team=world.eng_team, allocated_worker=worker)
    assessment = assessing.assessment_start(actor=worker, person=person)
    allocation.ras_responses_record(actor=worker, assessment=assessment, answers=ANSWERS)
    return allocation.indicative_budget_calculate(actor=worker, assessment=assessment)


def _state(budget):
    budget.refresh_from_db()
    return (budget.ras_version_id, budget.points, budget.price_per_point, budget.base_amount,
            budget.total, budget.review_flag, budget.history.count())


@pytest.fixture
def mixed(world):
    """Edinburgh: an adjusted indicative budget, a plain one, a proposed one and an agreed
    one; Manchester: an indicative one."""
    version = live_version(world)
    worker = world.user("scot_social_worker")
    adjusted = calculated(world)
    allocation.budget_adjust(actor=worker, budget=adjusted, kind="add_amount",
                             amount=Decimal("520.00"), reason_code="living_alone",
                             reason="Lives alone")
    allocation.budget_adjust(actor=worker, budget=adjusted, kind="add_percent",
                             percent=Decimal("10"), reason_code="culture_language",
                             reason="Support in Gaelic")
    plain = calculated(world)
    proposed = allocation.budget_propose(actor=worker, budget=calculated(world))
    agreed = _agreed(world)
    english = _english_budget(world)
    return version, adjusted, plain, proposed, agreed, english


def test_a_price_change_recalculates_indicative_budgets_and_flags_agreed_ones(world, mixed):
    version, adjusted, plain, proposed, agreed, english = mixed
    before = {b.pk: _state(b) for b in (adjusted, plain, proposed, agreed, english)}
    admin = world.user("scot_administrator")
    new, job = allocation.ras_price_change_with_job(
        actor=admin, version=version, price_per_point="47.00", effective_from=MAY_DAY)
    # Queued in the same transaction as the new version; nothing is recalculated yet.
    assert job.state == "queued" and job.started_by == admin and job.authority == world.scot
    adjusted.refresh_from_db()
    assert adjusted.ras_version == version
    job = finished(job)
    assert job.figures == {"recalculated": 2, "unchanged": 0, "skipped": 0, "flagged": 1}
    assert (job.done, job.total, job.problems) == (3, 3, [])

    # By hand: 33 points × £47.00 = £1,551.00; + £520.00; + 10% of £1,551.00 = £155.10.
    adjusted.refresh_from_db()
    assert adjusted.base_amount == 155100 == POINTS * 4700
    assert adjusted.total == 155100 + 52000 + 15510 == 222610
    assert (adjusted.ras_version, adjusted.price_per_point, adjusted.points) == (new, 4700, POINTS)
    plain.refresh_from_db()
    assert plain.total == plain.base_amount == POINTS * 4700
    for budget in (adjusted, plain):
        assert budget.history.count() == before[budget.pk][-1] + 1
        latest = budget.history.first()
        assert latest.history_type == "~" and latest.history_user == admin
        assert latest.history_change_reason == f"Recalculated: {PRICE_SENTENCE}"

    # Proposed: not touched at all. Agreed: same money, flagged for its next review.
    assert _state(proposed) == before[proposed.pk]
    agreed.refresh_from_db()
    assert _state(agreed)[:5] == before[agreed.pk][:5]
    assert agreed.review_flag == PRICE_SENTENCE
    assert agreed.review_flagged_at is not None
    assert agreed.history.count() == before[agreed.pk][-1] + 1
    assert agreed.history.first().history_change_reason == f"Flagged for review: {PRICE_SENTENCE}"
    # Another council's budgets are not touched.
    assert _state(english) == before[english.pk]


def test_recalculating_again_changes_nothing(world, mixed):
    version, adjusted, *_ = mixed
    admin = world.user("scot_administrator")
    new = allocation.ras_price_change(actor=admin, version=version, price_per_point="47.00",
                                      effective_from=MAY_DAY)
    run_jobs()
    count = adjusted.history.count()
    again = recalculate_indicative(actor=admin, authority=world.scot, version=new,
                                   reason=PRICE_SENTENCE)
    assert (again.recalculated, again.unchanged, again.flagged) == (0, 2, 0)
    assert adjusted.history.count() == count
    agreed = IndicativeBudget.objects.get(state="agreed")
    assert agreed.review_flag == PRICE_SENTENCE  # flagged once, not twice


def test_a_questionnaire_change_recalculates_with_the_new_points(world, mixed):
    version, adjusted, plain, proposed, agreed, english = mixed
    admin = world.user("scot_administrator")
    draft = allocation.ras_version_draft_from(actor=admin, version=version, effective_from=MAY_DAY)
    daily = RasAnswer.objects.get(question__domain__version=draft,
                                  question__code="washing_dressing", code="daily")
    assert daily.points == 10
    # Nothing changes for anyone while it is a draft.
    assert allocation.ras_answer_points_set(actor=admin, version=draft,
                                            points_by_answer_id={daily.pk: "12"}) == 1
    plain.refresh_from_db()
    assert plain.points == POINTS and plain.ras_version == version
    published, job = allocation.ras_version_publish_with_job(actor=admin, version=draft)
    assert published.state == RasVersion.State.LIVE
    job = finished(job)
    assert (job.figures["recalculated"], job.figures["flagged"]) == (2, 1)
    plain.refresh_from_db()
    assert plain.ras_version == draft and plain.points == POINTS + 2
    assert plain.total == (POINTS + 2) * 4500
    personal_care = next(d for d in plain.domain_points if d["code"] == "personal_care")
    assert personal_care["points"] == 10 + 3 + 2
    adjusted.refresh_from_db()
    assert adjusted.total == (POINTS + 2) * 4500 + 52000 + (POINTS + 2) * 450
    agreed.refresh_from_db()
    assert agreed.points == POINTS and agreed.review_flag.startswith("The questionnaire changed")
    assert "1 May 2026" in agreed.review_flag
    english.refresh_from_db()
    assert english.points == POINTS


def test_a_future_version_recalculates_nothing_when_published(world, mixed):
    version, adjusted, plain, *_ = mixed
    admin = world.user("scot_administrator")
    future = clock.today() + datetime.timedelta(days=30)
    draft = allocation.ras_version_draft_from(actor=admin, version=version, effective_from=future)
    _, job = allocation.ras_version_publish_with_job(actor=admin, version=draft)
    assert job is None
    run_jobs()
    plain.refresh_from_db()
    assert plain.ras_version == version


def test_a_budget_without_an_answer_to_a_new_question_is_left_and_reported(world, mixed):
    version, adjusted, plain, *_ = mixed
    admin = world.user("scot_administrator")
    draft = allocation.ras_version_draft_from(actor=admin, version=version, effective_from=MAY_DAY)
    domain = draft.domains.get(code="home")
    question = RasQuestion.objects.create(domain=domain, code="garden", text="Keeping a garden?",
                                          position=9)
    RasAnswer.objects.create(question=question, code="none", text="No help", points=0)
    RasAnswer.objects.create(question=question, code="some", text="Some help", points=2)
    before = _state(plain)
    _, job = allocation.ras_version_publish_with_job(actor=admin, version=draft)
    job = finished(job)
    assert (job.figures["recalculated"], job.figures["skipped"]) == (0, 2)
    assert sorted(job.problems) == sorted(
        f"Budget {pk} was left as it was: No answer to: garden" for pk in (adjusted.pk, plain.pk))
    assert _state(plain) == before


def test_the_query_count_does_not_grow_with_the_budgets(world, django_assert_max_num_queries):
    version = live_version(world)
    admin = world.user("scot_administrator")
    counts = []
    for size, price in ((2, 4600), (8, 4700)):
        while IndicativeBudget.objects.filter(state="indicative").count() < size:
            calculated(world)
        _agreed(world)
        RasVersion.objects.filter(pk=version.pk).update(price_per_point=price)
        version.refresh_from_db()
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(18):
            result = recalculate_indicative(actor=admin, authority=world.scot, version=version,
                                            reason=f"Price {price}")
        assert result.recalculated == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_only_the_administrator_recalculates(world, mixed):
    from django.core.exceptions import PermissionDenied

    version = mixed[0]
    for actor in ("scot_team_manager", "eng_administrator", "scot_social_worker"):
        with pytest.raises(PermissionDenied):
            recalculate_indicative(actor=world.user(actor), authority=world.scot,
                                   version=version, reason="No")


# --- Pages -------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, world):
    assert client.login(username="scot_administrator", password=TEST_PASSWORD)
    return client


def test_the_versions_page_loads_the_default_and_lists_versions(admin_client, world):
    page = admin_client.get(reverse("ras-versions"))
    assert page.status_code == 200
    assert "Load the default questionnaire" in page.content.decode()
    response = admin_client.post(reverse("ras-versions"))
    draft = RasVersion.objects.get(authority=world.scot)
    assert draft.state == RasVersion.State.DRAFT
    assert response.url == reverse("ras-version", args=[draft.pk])
    page = admin_client.get(response.url).content.decode()
    assert "Personal care" in page and "Change the points" in page
    listing = admin_client.get(reverse("ras-versions")).content.decode()
    assert "£45.00" in listing and "Draft" in listing
    # Only when there is none: a second default is not loaded.
    admin_client.post(reverse("ras-versions"))
    assert RasVersion.objects.filter(authority=world.scot).count() == 1


def test_the_price_change_page_confirms_then_recalculates(admin_client, world, mixed):
    version, adjusted, plain, proposed, agreed, english = mixed
    url = reverse("ras-price-change", args=[version.pk])
    assert admin_client.get(url).status_code == 200
    bad = admin_client.post(url, {"price_per_point": "lots", "effective_from_day": "1",
                                  "effective_from_month": "5", "effective_from_year": ""})
    text = bad.content.decode()
    assert bad.status_code == 200
    assert "New price per point must be in pounds and pence" in text
    assert "Applies from must include a year" in text
    data = {"price_per_point": "47.00", "effective_from_day": "1", "effective_from_month": "5",
            "effective_from_year": "2026"}
    confirm = admin_client.post(url, data).content.decode()
    assert "2 indicative budgets will be recalculated" in confirm
    assert "1 agreed budget will not change but will be flagged" in confirm
    plain.refresh_from_db()
    assert plain.price_per_point == 4500  # nothing yet
    done = admin_client.post(url, {**data, "confirm": "yes"})
    new = RasVersion.objects.get(authority=world.scot, effective_from=MAY_DAY)
    job = Job.objects.get()
    # The request returns at once, to the job's page: the work waits for the worker.
    assert done.status_code == 302 and done.url == reverse("job-detail", args=[job.pk])
    waiting = admin_client.get(done.url).content.decode()
    assert "The price per point is now £47.00" in waiting and "Waiting to start" in waiting
    assert reverse("job-progress", args=[job.pk]) in waiting  # it asks for its progress
    plain.refresh_from_db()
    assert plain.price_per_point == 4500
    run_jobs()
    panel = admin_client.get(reverse("job-progress", args=[job.pk])).content.decode()
    assert "2 indicative budgets recalculated" in panel
    assert "1 agreed budget flagged for review" in panel
    assert "hx-trigger" not in panel  # finished: it stops asking
    plain.refresh_from_db()
    assert plain.price_per_point == 4700
    assert new.pk == plain.ras_version_id
    # A date before the version's own is refused by the service, naming the field.
    late = admin_client.post(reverse("ras-price-change", args=[new.pk]), {
        "price_per_point": "48.00", "effective_from_day": "1", "effective_from_month": "4",
        "effective_from_year": "2026", "confirm": "yes"}).content.decode()
    assert "The new price must apply from 1 May 2026 or later" in late
    assert 'href="#id_effective_from_0"' in late


def test_the_draft_points_and_publish_pages(admin_client, world, mixed):
    version, adjusted, plain, *_ = mixed
    response = admin_client.post(reverse("ras-draft", args=[version.pk]), {
        "effective_from_day": "1", "effective_from_month": "5", "effective_from_year": "2026"})
    draft = RasVersion.objects.get(authority=world.scot, state=RasVersion.State.DRAFT)
    assert response.url == reverse("ras-points", args=[draft.pk])
    page = admin_client.get(response.url).content.decode()
    assert page.count("<fieldset") == RasQuestion.objects.filter(domain__version=draft).count()
    answers = RasAnswer.objects.filter(question__domain__version=draft)
    data = {f"answer_{a.pk}": str(a.points) for a in answers}
    daily = answers.get(question__code="washing_dressing", code="daily")
    bad = admin_client.post(response.url, {**data, f"answer_{daily.pk}": "lots"}).content.decode()
    assert f"Points for \u201c{daily.text}\u201d must be a whole number" in bad
    assert f'href="#id_answer_{daily.pk}"' in bad
    saved = admin_client.post(response.url, {**data, f"answer_{daily.pk}": "12"})
    assert saved.url == reverse("ras-version", args=[draft.pk])
    publish = reverse("ras-publish", args=[draft.pk])
    confirm = admin_client.get(publish).content.decode()
    assert "2 indicative budgets will be recalculated" in confirm
    done = admin_client.post(publish)
    job = Job.objects.get()
    assert done.url == reverse("job-detail", args=[job.pk])
    run_jobs()
    assert "2 indicative budgets recalculated" in admin_client.get(done.url).content.decode()
    plain.refresh_from_db()
    assert plain.points == POINTS + 2
    # A live version's points cannot be edited: make a draft first.
    assert admin_client.get(reverse("ras-points", args=[draft.pk])).status_code == 404


def test_a_draft_before_the_live_version_is_refused_naming_the_date(admin_client, mixed):
    version = mixed[0]
    bad = admin_client.post(reverse("ras-draft", args=[version.pk]), {
        "effective_from_day": "1", "effective_from_month": "1", "effective_from_year": "2026"})
    assert "The new version must apply from after 1 April 2026" in bad.content.decode()
