"""Bands in the resource allocation system: a band table (a set amount for everyone whose
points fall in a band) or a cap per band, explained in plain English, kept through a
price change, and refused when they overlap."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.allocation import services as allocation
from selfdirect.allocation.arithmetic import band_for, base_amount
from selfdirect.allocation.models import IndicativeBudget, RasBand
from selfdirect.allocation.selectors import budget_explanation
from selfdirect.core import clock
from tests.allocation.test_ras import POINTS, START, calculated
from tests.jobs_helpers import run_jobs

BANDS = [{"label": "Band A", "lower": 0, "upper": 19, "amount": None, "cap": 50000},
         {"label": "Band B", "lower": 20, "upper": 39, "amount": 120000, "cap": None},
         {"label": "Band C", "lower": 40, "upper": None, "amount": None, "cap": 300000}]


def test_the_band_rules():
    assert band_for(19, BANDS)["label"] == "Band A"
    assert band_for(20, BANDS)["label"] == "Band B"
    assert band_for(500, BANDS)["label"] == "Band C"
    assert band_for(5, []) is None
    assert base_amount(10, 4500, band_for(10, BANDS)) == 45000  # under the £500.00 cap
    assert base_amount(15, 4500, band_for(15, BANDS)) == 50000  # £675.00 capped at £500.00
    assert base_amount(33, 4500, band_for(33, BANDS)) == 120000  # the set amount
    assert base_amount(33, 4500) == 148500


@given(points=st.integers(min_value=0, max_value=500),
       price=st.integers(min_value=1, max_value=100000))
def test_a_capped_band_never_gives_more_than_its_cap_or_the_plain_sum(points, price):
    band = band_for(points, BANDS)
    base = base_amount(points, price, band)
    if band["cap"] is not None:
        assert base == min(points * price, band["cap"])
    else:
        assert base == band["amount"]


def _banded_version(world, bands):
    admin = world.user("scot_administrator")
    draft = allocation.ras_version_create_default(actor=admin, authority=world.scot,
                                                  effective_from=START)
    allocation.ras_bands_set(actor=admin, version=draft, bands=bands)
    return allocation.ras_version_publish(actor=admin, version=draft)


@pytest.mark.django_db
def test_a_band_table_gives_the_set_amount_and_says_so(world):
    _banded_version(world, [
        {"label": "Band A", "lower": 0, "upper": 19, "cap": "500.00"},
        {"label": "Band B", "lower": 20, "upper": 39, "amount": "1,200.00"}])
    budget = calculated(world)
    assert budget.points == POINTS == 33
    assert budget.base_amount == budget.total == 120000
    assert budget.band["label"] == "Band B"
    explanation = budget_explanation(budget)
    base = next(line for line in explanation.lines if line.kind == "base")
    assert base.text == ("33 points fall in Band B (20 to 39 points), which has a set amount "
                         "of £1,200.00")
    assert sum(line.amount for line in explanation.money_lines) == budget.total


@pytest.mark.django_db
def test_a_cap_is_explained_and_kept_through_a_price_change(world):
    version = _banded_version(world, [
        {"label": "Band C", "lower": 30, "upper": None, "cap": "1,400.00"}])
    budget = calculated(world)
    assert budget.base_amount == 140000  # 33 × £45.00 = £1,485.00, capped at £1,400.00
    base = next(line for line in budget_explanation(budget).lines if line.kind == "base")
    assert base.text == ("33 points × £45.00 a point = £1,485.00, capped at £1,400.00 for "
                         "Band C (30 and more points)")
    new = allocation.ras_price_change(actor=world.user("scot_administrator"), version=version,
                                      price_per_point="40.00", effective_from=START)
    run_jobs()  # the recalculation the price change queued
    assert list(RasBand.objects.filter(version=new).values_list("label", flat=True)) == ["Band C"]
    budget = IndicativeBudget.objects.get(pk=budget.pk)
    assert budget.base_amount == 132000  # 33 × £40.00, under the cap
    base = next(line for line in budget_explanation(budget).lines if line.kind == "base")
    assert base.text.endswith("within the cap of £1,400.00 for Band C (30 and more points)")


@pytest.mark.django_db
def test_bands_are_refused_naming_what_is_wrong(world):
    admin = world.user("scot_administrator")
    draft = allocation.ras_version_create_default(actor=admin, authority=world.scot,
                                                  effective_from=clock.today())
    with pytest.raises(ValidationError) as caught:
        allocation.ras_bands_set(actor=admin, version=draft, bands=[
            {"label": "A", "lower": 0, "upper": 20, "cap": "500.00"},
            {"label": "B", "lower": 20, "upper": None, "cap": "900.00"}])
    assert caught.value.message_dict["bands"] == ["A and B overlap"]
    with pytest.raises(ValidationError) as caught:
        allocation.ras_bands_set(actor=admin, version=draft, bands=[
            {"label": "A", "lower": 0, "upper": 9, "cap": "500.00", "amount": "400.00"},
            {"label": "", "lower": 10, "upper": 19, "cap": "1.00"},
            {"label": "C", "lower": 30, "upper": 20, "cap": "1.00"}])
    errors = caught.value.message_dict
    assert "either a fixed amount or a cap" in errors["band_1"][0]
    assert "Give band 2 a name" in errors["band_2"][0]
    assert "upper limit not below the lower" in errors["band_3"][0]
    assert not RasBand.objects.exists()
    live = allocation.ras_version_publish(actor=admin, version=draft)
    with pytest.raises(ValidationError, match="Only a draft"):
        allocation.ras_bands_set(actor=admin, version=live, bands=[])


@pytest.mark.django_db
def test_the_bands_page_saves_bands_and_shows_errors_by_row(client, world):
    from django.urls import reverse

    admin = world.user("scot_administrator")
    draft = allocation.ras_version_create_default(actor=admin, authority=world.scot,
                                                  effective_from=clock.today())
    client.force_login(admin)
    url = reverse("ras-bands", args=[draft.pk])
    page = client.post(url, {"band_1": "Band A", "band_1_lower": "0", "band_1_upper": "19",
                             "band_1_kind": "cap", "band_1_pounds": "lots",
                             "band_2": "<b>B</b>", "band_2_lower": "x"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Band A: give the amount in pounds and pence" in html
    assert "Band 2: enter whole points" in html
    assert "<b>B</b>" not in html
    page = client.post(url, {"band_1": "Band A", "band_1_lower": "0", "band_1_upper": "19",
                             "band_1_kind": "cap", "band_1_pounds": "500.00",
                             "band_2": "Band B", "band_2_lower": "20",
                             "band_2_kind": "amount", "band_2_pounds": "1,200.00"})
    assert page.status_code == 302
    assert [b.as_dict() for b in RasBand.objects.filter(version=draft)] == [
        {"label": "Band A", "lower": 0, "upper": 19, "amount": None, "cap": 50000},
        {"label": "Band B", "lower": 20, "upper": None, "amount": 120000, "cap": None}]
    shown = client.get(reverse("ras-version", args=[draft.pk])).content.decode()
    assert "A set amount of £1,200.00 a year" in shown
    assert client.get(url).content.decode().count('value="Band A"') == 1
