"""Which assessments a questionnaire applies to: a council can run one for everyone and
another for a client group or an age range. Each person is scored by the best fitting
version in force, and a change to one line of versions recalculates only its budgets."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from selfdirect.allocation import services as allocation
from selfdirect.allocation.models import IndicativeBudget
from selfdirect.core import clock
from tests.allocation.test_ras import POINTS, START, calculated, live_version
from tests.jobs_helpers import run_jobs

pytestmark = pytest.mark.django_db

LD = "learning_disability"


def _scoped_version(world, *, scope, client_groups=(), minimum_age=None, maximum_age=None,
                    price=None):
    admin = world.user("scot_administrator")
    draft = allocation.ras_version_create_default(actor=admin, authority=world.scot,
                                                  effective_from=START)
    allocation.ras_version_rules_set(actor=admin, version=draft, scope=scope,
                                     client_groups=list(client_groups),
                                     minimum_age=minimum_age, maximum_age=maximum_age)
    version = allocation.ras_version_publish(actor=admin, version=draft)
    if price:
        version = allocation.ras_price_change(actor=admin, version=version,
                                              price_per_point=price, effective_from=START)
        run_jobs()  # the recalculation the price change queued
    return version


def test_each_person_is_scored_by_the_version_that_fits_them(world):
    everyone = live_version(world)
    ld = _scoped_version(world, scope="learning-disability", client_groups=[LD],
                         price="60.00")
    assert ld.effective_from == everyone.effective_from  # two lines live from one date
    assert ld.rules_text == "People whose main client group is learning disability"
    someone = calculated(world, client_group="elderly_frail")
    with_ld = calculated(world, client_group=LD)
    assert someone.ras_version == everyone and someone.base_amount == POINTS * 4500
    assert with_ld.ras_version_id == ld.pk and with_ld.base_amount == POINTS * 6000


def test_an_age_range_and_a_person_no_version_fits(world):
    _scoped_version(world, scope="older-people", minimum_age=65)
    today = clock.today()
    older = calculated(world, date_of_birth=today.replace(year=today.year - 80))
    assert older.ras_version.rules_text == "Aged 65 or over"
    with pytest.raises(ValidationError, match="None of the council's resource allocation "
                                              "questionnaires applies to this person"):
        calculated(world, date_of_birth=datetime.date(today.year - 30, 1, 1))


def test_a_price_change_recalculates_only_its_own_line(world):
    everyone = live_version(world)
    _scoped_version(world, scope="learning-disability", client_groups=[LD])
    plain = calculated(world, client_group="elderly_frail")
    with_ld = calculated(world, client_group=LD)
    agreed_ld = calculated(world, client_group=LD)
    allocation.budget_propose(actor=world.user("scot_social_worker"), budget=agreed_ld)
    allocation.budget_agree(actor=world.user("scot_team_manager"), budget=agreed_ld,
                            reason="Meets the outcomes")
    allocation.ras_price_change(actor=world.user("scot_administrator"), version=everyone,
                                price_per_point="50.00", effective_from=START)
    run_jobs()  # the recalculation the price change queued
    assert IndicativeBudget.objects.get(pk=plain.pk).base_amount == POINTS * 5000
    assert IndicativeBudget.objects.get(pk=with_ld.pk).base_amount == POINTS * 4500
    assert IndicativeBudget.objects.get(pk=agreed_ld.pk).review_flag == ""


def test_rules_are_refused_naming_the_field(world):
    admin = world.user("scot_administrator")
    draft = allocation.ras_version_create_default(actor=admin, authority=world.scot,
                                                  effective_from=START)
    with pytest.raises(ValidationError) as caught:
        allocation.ras_version_rules_set(actor=admin, version=draft, scope="",
                                         client_groups=["aliens"], minimum_age=70,
                                         maximum_age=60)
    errors = caught.value.message_dict
    assert "client_groups" in errors
    with pytest.raises(ValidationError) as caught:
        allocation.ras_version_rules_set(actor=admin, version=draft, scope="Not a slug!",
                                         client_groups=[], minimum_age=70, maximum_age=60)
    assert "maximum_age" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        allocation.ras_version_rules_set(actor=admin, version=draft, scope="Not a slug!",
                                         client_groups=[], minimum_age=None, maximum_age=None)
    assert "scope" in caught.value.message_dict


def test_the_rules_page(client, world):
    admin = world.user("scot_administrator")
    draft = allocation.ras_version_create_default(actor=admin, authority=world.scot,
                                                  effective_from=START)
    client.force_login(admin)
    url = reverse("ras-rules", args=[draft.pk])
    html = client.post(url, {"scope": "Learning Disability", "minimum_age": "x"}).content.decode()
    assert "Use only lower-case letters, numbers and hyphens" in html
    assert "Youngest age must be a whole number of years" in html
    response = client.post(url, {"scope": "learning-disability", "client_groups": [LD],
                                 "minimum_age": "18"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.scope, draft.client_groups, draft.minimum_age) == (
        "learning-disability", [LD], 18)
    page = client.get(reverse("ras-version", args=[draft.pk])).content.decode()
    assert "People whose main client group is learning disability, aged 18 or over" in page
