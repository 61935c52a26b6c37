"""Policy figures: national defaults by country, local values from a date, history kept."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from selfdirect.authorities.models import PolicyFigure
from selfdirect.authorities.policy import (
    definitions,
    policy_figures_in_force,
    policy_value,
    to_canonical,
)
from selfdirect.authorities.services import policy_figure_set
from selfdirect.core import clock
from tests.factories import TEST_PASSWORD

D = datetime.date
# Changes apply from today or later, so the tests' dates are relative to today.
NEXT_YEAR = clock.today().year + 1
APRIL = D(NEXT_YEAR, 4, 1)


@pytest.mark.django_db
def test_the_migration_loads_each_countrys_defaults_with_their_dates(world):
    assert policy_value(authority=world.scot, key="fpnc.personal_care_weekly",
                        on=D(2024, 6, 1)) == 24870
    assert policy_value(authority=world.scot, key="fpnc.personal_care_weekly",
                        on=D(2025, 6, 1)) == 25460
    assert policy_value(authority=world.scot, key="eligibility.threshold_band") == "substantial"
    assert policy_value(authority=world.eng, key="charging.capital_upper_limit") == 2325000
    assert policy_value(authority=world.scot,
                        key="employer.holiday_pay_percent") == Decimal("12.07")
    with pytest.raises(KeyError):
        policy_value(authority=world.scot, key="charging.mig_single_25_plus_weekly")
    with pytest.raises(KeyError):
        policy_value(authority=world.scot, key="fpnc.personal_care_weekly", on=D(2020, 1, 1))


def test_every_default_entry_names_a_source_and_parses():
    from selfdirect.authorities.policy import _read

    for country in ("scotland", "england"):
        for item in _read(country)["figures"]:
            assert item["entries"], item["key"]
            for entry in item["entries"]:
                assert entry.get("source"), (country, item["key"])
                to_canonical(definitions(country)[item["key"]], entry["value"])


@pytest.mark.django_db
def test_a_local_value_applies_from_its_date_and_survives_a_later_national_change(world):
    admin = world.user("scot_administrator")
    policy_figure_set(actor=admin, authority=world.scot, key="eligibility.threshold_band",
                      value="moderate", effective_from=APRIL,
                      reason="Social work committee, 3 March")
    key = "eligibility.threshold_band"
    assert policy_value(authority=world.scot, key=key, on=D(NEXT_YEAR, 3, 31)) == "substantial"
    assert policy_value(authority=world.scot, key=key, on=APRIL) == "moderate"
    # A later national default does not silently undo the council's decision.
    PolicyFigure.objects.create(country="scotland", key=key, kind="choice", value="critical",
                                effective_from=D(NEXT_YEAR + 1, 1, 1), source="test")
    assert policy_value(authority=world.scot, key=key, on=D(NEXT_YEAR + 1, 6, 1)) == "moderate"
    # Another authority keeps the national default.
    from tests.factories import AuthorityFactory

    other = AuthorityFactory(country="scotland")
    assert policy_value(authority=other, key=key, on=D(NEXT_YEAR, 6, 1)) == "substantial"
    assert policy_value(authority=other, key=key, on=D(NEXT_YEAR + 1, 6, 1)) == "critical"


@pytest.mark.django_db
def test_a_statutory_figure_cannot_be_changed_locally(world):
    with pytest.raises(ValidationError) as caught:
        policy_figure_set(actor=world.user("scot_administrator"), authority=world.scot,
                          key="fpnc.personal_care_weekly", value="300.00",
                          effective_from=APRIL, reason="no")
    assert "set nationally" in caught.value.message_dict["key"][0]


@pytest.mark.django_db
def test_only_the_authoritys_own_administrator_can_set_a_figure(world):
    for name in ("scot_team_manager", "eng_administrator", "scot_finance_officer"):
        with pytest.raises(PermissionDenied):
            policy_figure_set(actor=world.user(name), authority=world.scot,
                              key="review.interval_months", value="6",
                              effective_from=APRIL, reason="x")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("review.interval_months", "six", "must be a number"),
        ("review.interval_months", "6.5", "must be a whole number"),
        ("review.interval_months", "0", "must be 1 or more"),
        ("charging.tariff_capital_step", "500.001", "pounds and pence"),
        ("eligibility.threshold_band", "severe", "must be one of"),
        ("charging.buffer_working_age_percent", "NaN", "must be a number"),
        ("charging.tariff_capital_step", "1e30", "must be a number"),
    ],
)
@pytest.mark.django_db
def test_bad_values_are_refused_with_a_message_naming_the_figure(world, key, value, message):
    with pytest.raises(ValidationError) as caught:
        policy_figure_set(actor=world.user("scot_administrator"), authority=world.scot,
                          key=key, value=value, effective_from=APRIL, reason="r")
    text = caught.value.message_dict["value"][0]
    assert message in text
    assert definitions("scotland")[key].label in text


@pytest.mark.django_db
def test_money_is_stored_as_whole_pence_without_float():
    definition = definitions("scotland")["charging.tariff_capital_step"]
    assert to_canonical(definition, "£1,234.56") == "123456"
    assert to_canonical(definition, "0.10") == "10"
    percent = definitions("scotland")["charging.buffer_working_age_percent"]
    assert to_canonical(percent, "10") == "10"  # never "1E+1"
    assert to_canonical(percent, "16.50") == "16.5"


@pytest.mark.django_db
def test_a_change_cannot_reach_back_before_today(world):
    with pytest.raises(ValidationError) as caught:
        policy_figure_set(actor=world.user("scot_administrator"), authority=world.scot,
                          key="review.interval_months", value="6",
                          effective_from=clock.today() - datetime.timedelta(days=1),
                          reason="r")
    assert "today or later" in caught.value.message_dict["effective_from"][0]


@pytest.mark.django_db
def test_the_administrator_sets_a_figure_through_the_page(client, world):
    client.login(username="scot_administrator", password=TEST_PASSWORD)
    url = reverse("policy-detail", args=["review.interval_months"])
    bad = client.post(url, {"value": "", "effective_from_day": "1",
                            "effective_from_month": "4", "effective_from_year": str(NEXT_YEAR),
                            "reason": ""})
    assert bad.status_code == 200
    assert "Enter new value" in bad.content.decode()
    ok = client.post(url, {"value": "6", "effective_from_day": "1",
                           "effective_from_month": "4", "effective_from_year": str(NEXT_YEAR),
                           "reason": "Committee decision"})
    assert ok.status_code == 302
    figure = PolicyFigure.objects.get(authority=world.scot, key="review.interval_months")
    assert (figure.value, figure.recorded_by) == ("6", world.user("scot_administrator"))
    assert figure.history.first().history_user == world.user("scot_administrator")


@pytest.mark.django_db
def test_staff_read_the_figures_but_only_the_administrator_may_post(client, world):
    client.login(username="scot_team_manager", password=TEST_PASSWORD)
    listing = client.get(reverse("policy-list")).content.decode()
    assert "Lowest risk band the authority funds" in listing
    assert "£254.60" in listing
    url = reverse("policy-detail", args=["review.interval_months"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"value": "1"}).status_code == 404
    assert not PolicyFigure.objects.filter(authority__isnull=False).exists()


@pytest.mark.django_db
def test_the_figures_page_reads_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        figures = policy_figures_in_force(authority=world.scot)
    assert len(ctx.captured_queries) == 1
    assert len(figures) == len(definitions("scotland"))


@pytest.mark.django_db
def test_migrations_have_loaded_every_default_in_the_data_files():
    """A changed data file needs a migration that tops the figures up (see 0004)."""
    from selfdirect.authorities.policy import load_defaults

    assert load_defaults() == 0


@pytest.mark.django_db
def test_no_model_change_is_missing_its_migration():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
