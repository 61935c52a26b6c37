"""The resource allocation system: the default questionnaire, answers, calculation,
price changes and who may do what."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from selfdirect.allocation import services as allocation
from selfdirect.allocation.models import (
    IndicativeBudget,
    RasDomain,
    RasQuestion,
    RasResponse,
    RasVersion,
)
from selfdirect.assessments import services as assessing
from selfdirect.assessments.models import NeedArea
from selfdirect.core import clock
from tests.factories import PersonFactory
from tests.jobs_helpers import run_jobs

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 4, 1)

# One answer per question of the default questionnaire, and the points it gives.
ANSWERS = {"washing_dressing": "daily", "getting_about": "some", "meals": "most",
           "running_home": "some", "staying_safe": "daily", "medication": "reminders",
           "seeing_people": "some", "doing_things": "none", "feeling_well": "some",
           "caring_role": "none"}
POINTS = 10 + 3 + 6 + 2 + 4 + 2 + 3 + 0 + 3 + 0  # 33


def live_version(world, *, effective_from: datetime.date = START) -> RasVersion:
    admin = world.user("scot_administrator")
    version = allocation.ras_version_create_default(actor=admin, authority=world.scot,
                                                    effective_from=effective_from)
    return allocation.ras_version_publish(actor=admin, version=version)


def new_assessment(world, **person):
    worker = world.user("scot_social_worker")
    someone = PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=worker,
                            **person)
    return assessing.assessment_start(actor=worker, person=someone)


def calculated(world, answers=ANSWERS, **person):
    worker = world.user("scot_social_worker")
    assessment = new_assessment(world, **person)
    allocation.ras_responses_record(actor=worker, assessment=assessment, answers=answers)
    return allocation.indicative_budget_calculate(actor=worker, assessment=assessment)


def test_the_default_questionnaire_loads_as_a_draft(world):
    admin = world.user("scot_administrator")
    version = allocation.ras_version_create_default(actor=admin, authority=world.scot,
                                                    effective_from=START)
    assert version.state == RasVersion.State.DRAFT
    assert version.price_per_point == 4500
    domains = list(RasDomain.objects.filter(version=version))
    assert [d.code for d in domains] == [
        "personal_care", "nutrition", "home", "health", "relationships", "activities",
        "mental_wellbeing", "caring"]
    # The domains follow the assessment's areas of need, and are named the same way.
    assert {d.code: d.name for d in domains} == {
        a.value: a.label for a in NeedArea if a != NeedArea.OTHER}
    questions = RasQuestion.objects.filter(domain__version=version)
    assert set(questions.values_list("code", flat=True)) == set(ANSWERS)
    for question in questions:
        answers = list(question.answers.all())
        assert 3 <= len(answers) <= 4
        assert min(a.points for a in answers) == 0
    assert version.history.count() == 1


def test_publish_makes_it_live_and_only_one_live_per_date(world):
    version = live_version(world)
    assert version.state == RasVersion.State.LIVE
    assert allocation.live_version_on(world.scot, clock.today()) == version
    assert allocation.live_version_on(world.scot, START - datetime.timedelta(days=1)) is None
    admin = world.user("scot_administrator")
    second = allocation.ras_version_create_default(actor=admin, authority=world.scot,
                                                   effective_from=START)
    with pytest.raises(ValidationError) as refused:
        allocation.ras_version_publish(actor=admin, version=second)
    assert "effective_from" in refused.value.message_dict
    with pytest.raises(ValidationError):
        allocation.ras_version_publish(actor=admin, version=version)
    # The database says so too.
    second.state = RasVersion.State.LIVE
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_responses_validate_codes_naming_the_question(world):
    live_version(world)
    worker = world.user("scot_social_worker")
    assessment = new_assessment(world)
    with pytest.raises(ValidationError) as refused:
        allocation.ras_responses_record(actor=worker, assessment=assessment, answers={
            "washing_dressing": "sometimes", "flying": "none", "meals": "most"})
    errors = refused.value.message_dict
    assert set(errors) == {"washing_dressing", "flying"}
    assert "none, some, daily, all" in errors["washing_dressing"][0]
    assert not RasResponse.objects.exists()  # nothing half-saved
    allocation.ras_responses_record(actor=worker, assessment=assessment,
                                    answers={"meals": "most"})
    allocation.ras_responses_record(actor=worker, assessment=assessment,
                                    answers={"meals": "all"})
    response = RasResponse.objects.get(assessment=assessment)
    assert response.answer.code == "all"
    assert response.history.count() == 2


def test_calculation_needs_every_question_answered(world):
    live_version(world)
    worker = world.user("scot_social_worker")
    assessment = new_assessment(world)
    allocation.ras_responses_record(actor=worker, assessment=assessment, answers={"meals": "most"})
    with pytest.raises(ValidationError) as refused:
        allocation.indicative_budget_calculate(actor=worker, assessment=assessment)
    assert "washing_dressing" in refused.value.message_dict
    assert "meals" not in refused.value.message_dict


def test_no_live_version_is_a_clear_message(world):
    worker = world.user("scot_social_worker")
    assessment = new_assessment(world)
    with pytest.raises(ValidationError, match="administrator to publish"):
        allocation.ras_responses_record(actor=worker, assessment=assessment, answers={})


def test_recalculating_replaces_the_indicative_budget(world):
    live_version(world)
    budget = calculated(world)
    worker = world.user("scot_social_worker")
    allocation.ras_responses_record(actor=worker, assessment=budget.assessment,
                                    answers={"doing_things": "most"})
    again = allocation.indicative_budget_calculate(actor=worker, assessment=budget.assessment)
    assert again.pk == budget.pk
    assert again.points == POINTS + 7
    assert again.base_amount == (POINTS + 7) * 4500
    assert IndicativeBudget.objects.filter(assessment=budget.assessment).count() == 1
    assert again.history.count() == 2


def test_price_change_recalculates_indicative_budgets_only(world):
    old = live_version(world)
    indicative = calculated(world)
    agreed = calculated(world)
    IndicativeBudget.objects.filter(pk=agreed.pk).update(state=IndicativeBudget.State.AGREED)
    proposed = calculated(world)
    IndicativeBudget.objects.filter(pk=proposed.pk).update(state=IndicativeBudget.State.PROPOSED)
    admin = world.user("scot_administrator")
    today = clock.today()
    new = allocation.ras_price_change(actor=admin, version=old, price_per_point="£50.00",
                                      effective_from=today)
    run_jobs()  # the recalculation the price change queued
    assert new.state == RasVersion.State.LIVE and new.price_per_point == 5000
    assert RasQuestion.objects.filter(domain__version=new).count() == len(ANSWERS)
    old.refresh_from_db()
    assert old.state == RasVersion.State.LIVE  # still governs the dates before
    assert allocation.live_version_on(world.scot, today) == new
    for budget in (indicative, agreed, proposed):
        budget.refresh_from_db()
    assert indicative.ras_version == new
    assert indicative.base_amount == indicative.total == POINTS * 5000
    assert indicative.history.first().history_change_reason.startswith("Recalculated")
    assert indicative.history.first().history_user == admin
    for untouched in (agreed, proposed):
        assert untouched.ras_version == old
        assert untouched.total == POINTS * 4500
    # Answers recorded against the old version carry over to the new one.
    worker = world.user("scot_social_worker")
    again = allocation.indicative_budget_calculate(actor=worker, assessment=indicative.assessment)
    assert again.base_amount == POINTS * 5000


def test_price_change_guards(world):
    old = live_version(world)
    admin = world.user("scot_administrator")
    today = clock.today()
    for price in ("0", "-5", "12.345", "lots"):
        with pytest.raises(ValidationError) as refused:
            allocation.ras_price_change(actor=admin, version=old, price_per_point=price,
                                        effective_from=today)
        assert "price_per_point" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        allocation.ras_price_change(actor=admin, version=old, price_per_point="50",
                                    effective_from=today + datetime.timedelta(days=1))
    assert "effective_from" in refused.value.message_dict
    # The same date replaces the version.
    new = allocation.ras_price_change(actor=admin, version=old, price_per_point="50",
                                      effective_from=START)
    run_jobs()  # the recalculation the price change queued
    old.refresh_from_db()
    assert old.state == RasVersion.State.RETIRED
    assert allocation.live_version_on(world.scot, today) == new


# --- Permissions ---------------------------------------------------------------------------


def test_a_social_worker_outside_the_caseload_cannot_calculate(world):
    live_version(world)
    worker = world.user("scot_social_worker")
    assessment = new_assessment(world)
    allocation.ras_responses_record(actor=worker, assessment=assessment, answers=ANSWERS)
    for outsider in ("scot_other_social_worker", "eng_social_worker", "scot_finance_officer",
                     "scot_administrator", "nobody"):
        with pytest.raises(PermissionDenied):
            allocation.indicative_budget_calculate(actor=world.user(outsider),
                                                   assessment=assessment)
        with pytest.raises(PermissionDenied):
            allocation.ras_responses_record(actor=world.user(outsider), assessment=assessment,
                                            answers=ANSWERS)
    budget = allocation.indicative_budget_calculate(actor=world.user("scot_team_manager"),
                                                    assessment=assessment)
    with pytest.raises(PermissionDenied):
        allocation.budget_adjust(actor=world.user("scot_other_social_worker"), budget=budget,
                                 kind="add_amount", amount="10", reason_code="other",
                                 reason="Because")


@pytest.mark.parametrize("actor", ["scot_social_worker", "scot_team_manager", "scot_panel_member",
                                   "scot_finance_officer", "eng_administrator", "nobody"])
def test_only_the_authoritys_administrator_manages_the_ras(world, actor):
    user = world.user(actor)
    with pytest.raises(PermissionDenied):
        allocation.ras_version_create_default(actor=user, authority=world.scot,
                                              effective_from=START)
    admin = world.user("scot_administrator")
    draft = allocation.ras_version_create_default(actor=admin, authority=world.scot,
                                                  effective_from=START)
    with pytest.raises(PermissionDenied):
        allocation.ras_version_publish(actor=user, version=draft)
    live = allocation.ras_version_publish(actor=admin, version=draft)
    with pytest.raises(PermissionDenied):
        allocation.ras_price_change(actor=user, version=live, price_per_point="50",
                                    effective_from=START)
    live.refresh_from_db()
    assert live.price_per_point == 4500 and live.state == RasVersion.State.LIVE
