"""The panel, the questionnaire versions and calibration in the API: figures as the selectors
give them (pence as integers, pounds and every other fraction as decimal strings, never a
JSON float), 404 for an authority the caller may not act for, 403 for a role that never
may, and 422 naming the field."""

from __future__ import annotations

import json

import pytest

from selfdirect.accounts.services import api_token_create
from selfdirect.allocation import panel
from selfdirect.allocation.calibration import calibration_report
from selfdirect.allocation.models import AllocationEnvelope, IndicativeBudget, RasVersion
from selfdirect.audit.models import AccessLog
from selfdirect.core import clock
from tests.allocation.test_calibration import agreed_budgets
from tests.allocation.test_panel import agreed, calculated, for_panel, meeting
from tests.allocation.test_ras import live_version
from tests.jobs_helpers import run_jobs

pytestmark = pytest.mark.django_db

YEAR = panel.financial_year_start(clock.today())


def call(client, user, method, url, body=None):
    _, raw = api_token_create(user=user, name="test", scope="read_write")
    data = body if isinstance(body, str) else (json.dumps(body) if body is not None else "")
    response = client.generic(method, url, data, content_type="application/json",
                              HTTP_AUTHORIZATION=f"Bearer {raw}")
    # Parsed with floats refused: a JSON number with a fraction would fail here.
    return response.status_code, json.loads(response.content, parse_float=_no_float)


def _no_float(text):
    raise AssertionError(f"A float in the JSON: {text}")


def error_fields(body) -> set[str]:
    return set(body.get("errors", {}))


# --- The agenda ---------------------------------------------------------------------------


def test_the_agenda_lists_what_waits_for_the_panel_and_logs_the_viewing(client, world):
    live_version(world)
    earlier = agreed(world, calculated(world))
    waiting = for_panel(world)
    expected = panel.panel_agenda(world.scot)
    status, body = call(client, world.user("scot_panel_member"), "GET",
                        f"/api/authorities/{world.scot.pk}/panel/agenda")
    assert status == 200
    assert [row["budget_id"] for row in body] == [item.budget.pk for item in expected]
    row = body[0]
    assert row["budget_id"] == waiting.pk and row["person_id"] == waiting.person_id
    assert row["person_name"] == waiting.person.display_name
    assert row["reasons"] == list(waiting.panel_reasons) and row["reasons"]
    assert row["proposed_pence"] == waiting.total == 208500 and row["proposed"] == "2085.00"
    assert row["current_agreed_pence"] is None and row["current_agreed"] is None
    assert earlier.state == IndicativeBudget.State.AGREED
    assert AccessLog.objects.filter(person_id=waiting.person_id, channel=panel.ACCESS_CHANNEL,
                                    user=world.user("scot_panel_member")).exists()


def test_the_agenda_of_another_authority_is_not_found(client, world):
    live_version(world)
    for_panel(world)
    status, _ = call(client, world.user("eng_team_manager"), "GET",
                     f"/api/authorities/{world.scot.pk}/panel/agenda")
    assert status == 404
    status, _ = call(client, world.user("scot_social_worker"), "GET",
                     f"/api/authorities/{world.scot.pk}/panel/agenda")
    assert status == 403


# --- The envelope -------------------------------------------------------------------------


def test_the_envelope_figures_match_the_selector(client, world):
    live_version(world)
    agreed(world, calculated(world))
    for_panel(world)
    AllocationEnvelope.objects.create(authority=world.scot, year_start=YEAR, amount=300000,
                                      set_by=world.user("scot_administrator"))
    figures = panel.envelope_figures(world.scot, YEAR)
    for who in ("scot_panel_member", "scot_finance_officer"):
        status, body = call(client, world.user(who), "GET",
                            f"/api/authorities/{world.scot.pk}/panel/envelope")
        assert status == 200
        assert body["year_start"] == YEAR.isoformat()
        assert body["envelope_pence"] == figures.envelope == 300000
        assert body["envelope"] == "3000.00"
        assert body["committed_pence"] == figures.committed == 148500
        assert body["committed"] == "1485.00"
        assert body["forecast_pence"] == figures.forecast == 148500 + 208500
        assert body["forecast"] == "3570.00"
        assert body["headroom_pence"] == figures.headroom == 151500
        assert body["forecast_headroom_pence"] == -57000 and body["forecast_headroom"] == "-570.00"


def test_no_envelope_gives_nulls_and_a_wrong_year_start_names_the_field(client, world):
    user = world.user("scot_panel_member")
    url = f"/api/authorities/{world.scot.pk}/panel/envelope"
    status, body = call(client, user, "GET", f"{url}?year_start=2020-04-01")
    assert status == 200
    assert body["envelope_pence"] is None and body["envelope"] is None
    assert body["headroom_pence"] is None and body["headroom"] is None
    status, body = call(client, user, "GET", f"{url}?year_start=2020-05-01")
    assert status == 422 and error_fields(body) == {"year_start"}


def test_the_envelope_is_set_by_finance_as_text(client, world):
    url = f"/api/authorities/{world.scot.pk}/panel/envelope"
    status, body = call(client, world.user("scot_finance_officer"), "PUT", url,
                        {"year_start": YEAR.isoformat(), "amount": "12500000.50"})
    assert status == 200, body
    assert AllocationEnvelope.objects.get(authority=world.scot, year_start=YEAR).amount == 1250000050
    assert body["envelope_pence"] == 1250000050 and body["envelope"] == "12500000.50"


@pytest.mark.parametrize("body, field", [
    ({"year_start": YEAR.isoformat(), "amount": "lots"}, "amount"),
    ({"year_start": YEAR.isoformat(), "amount": 12.5}, "amount"),
    ({"year_start": YEAR.replace(month=5).isoformat(), "amount": "100.00"}, "year_start"),
])
def test_a_bad_envelope_names_the_field(client, world, body, field):
    status, got = call(client, world.user("scot_administrator"), "PUT",
                       f"/api/authorities/{world.scot.pk}/panel/envelope", body)
    assert status == 422 and field in error_fields(got), got
    assert not AllocationEnvelope.objects.exists()


def test_the_envelope_is_refused_to_the_panel_and_other_authorities(client, world):
    url = f"/api/authorities/{world.scot.pk}/panel/envelope"
    body = {"year_start": YEAR.isoformat(), "amount": "100.00"}
    assert call(client, world.user("scot_panel_member"), "PUT", url, body)[0] == 403
    assert call(client, world.user("eng_finance_officer"), "PUT", url, body)[0] == 404
    assert call(client, world.user("scot_social_worker"), "GET", url)[0] == 403
    assert not AllocationEnvelope.objects.exists()


# --- Decisions ----------------------------------------------------------------------------


def test_the_panel_amends_a_budget(client, world):
    live_version(world)
    budget = for_panel(world)
    mtg = meeting(world)
    status, body = call(client, world.user("scot_panel_member"), "POST",
                        f"/api/panel/meetings/{mtg.pk}/decisions",
                        {"budget_id": budget.pk, "outcome": "amend",
                         "reasons": "Less is needed at night", "amended_total": "1800.00"})
    assert status == 201, body
    assert body["outcome"] == "amend" and body["meeting_id"] == mtg.pk
    assert body["amended_total_pence"] == 180000 and body["amended_total"] == "1800.00"
    assert body["budget_state"] == "agreed"
    assert body["budget_total_pence"] == 180000 and body["budget_total"] == "1800.00"
    budget.refresh_from_db()
    assert budget.state == IndicativeBudget.State.AGREED and budget.total == 180000
    assert panel.panel_agenda(world.scot) == []


@pytest.mark.parametrize("body, field", [
    ({"outcome": "amend", "reasons": "Less", "amended_total": "lots"}, "amended_total"),
    ({"outcome": "amend", "reasons": "Less", "amended_total": 1800.5}, "amended_total"),
    ({"outcome": "approve", "reasons": ""}, "reasons"),
    ({"outcome": "maybe", "reasons": "Unsure"}, "outcome"),
])
def test_a_bad_decision_names_the_field(client, world, body, field):
    live_version(world)
    budget = for_panel(world)
    mtg = meeting(world)
    status, got = call(client, world.user("scot_panel_member"), "POST",
                       f"/api/panel/meetings/{mtg.pk}/decisions",
                       {"budget_id": budget.pk, **body})
    assert status == 422 and field in error_fields(got), got
    budget.refresh_from_db()
    assert budget.state == IndicativeBudget.State.PROPOSED


def test_a_budget_not_on_the_agenda_names_the_budget(client, world):
    live_version(world)
    budget = calculated(world)
    mtg = meeting(world)
    status, got = call(client, world.user("scot_panel_member"), "POST",
                       f"/api/panel/meetings/{mtg.pk}/decisions",
                       {"budget_id": budget.pk, "outcome": "approve", "reasons": "Fine"})
    assert status == 422 and error_fields(got) == {"budget_id"}


def test_only_members_of_the_meeting_decide(client, world):
    live_version(world)
    budget = for_panel(world)
    mtg = meeting(world, members=("scot_panel_member",))
    body = {"budget_id": budget.pk, "outcome": "approve", "reasons": "Needed"}
    url = f"/api/panel/meetings/{mtg.pk}/decisions"
    assert call(client, world.user("scot_team_manager"), "POST", url, body)[0] == 403
    assert call(client, world.user("eng_team_manager"), "POST", url, body)[0] == 404
    assert call(client, world.user("scot_finance_officer"), "POST", url, body)[0] == 403
    budget.refresh_from_db()
    assert budget.state == IndicativeBudget.State.PROPOSED


# --- Questionnaire versions ---------------------------------------------------------------


def test_the_versions_with_their_price_and_bands(client, world):
    version = live_version(world)
    status, body = call(client, world.user("scot_administrator"), "GET",
                        f"/api/authorities/{world.scot.pk}/resource-allocation/versions")
    assert status == 200
    assert [v["id"] for v in body] == [version.pk]
    row = body[0]
    assert row["state"] == "live" and row["scope"] == version.scope
    assert row["rules"] == version.rules_text and row["name"] == version.name
    assert row["price_per_point_pence"] == 4500 and row["price_per_point"] == "45.00"
    assert len(row["bands"]) == version.bands.count()
    assert call(client, world.user("eng_administrator"), "GET",
                f"/api/authorities/{world.scot.pk}/resource-allocation/versions")[0] == 404
    assert call(client, world.user("scot_team_manager"), "GET",
                f"/api/authorities/{world.scot.pk}/resource-allocation/versions")[0] == 403


def test_a_new_price_recalculates_and_flags(client, world):
    version = live_version(world)
    indicative = calculated(world)
    agreed(world, calculated(world))
    today = clock.today()
    status, body = call(client, world.user("scot_administrator"), "POST",
                        f"/api/resource-allocation/versions/{version.pk}/price",
                        {"price_per_point": "47.00", "effective_from": today.isoformat()})
    assert status == 201, body
    new = RasVersion.objects.get(pk=body["version"]["id"])
    assert new.price_per_point == 4700 and new.state == RasVersion.State.LIVE
    assert body["version"]["price_per_point_pence"] == 4700
    assert body["version"]["price_per_point"] == "47.00"
    assert body["version"]["effective_from"] == today.isoformat()
    # The recalculation is a background job, which the caller follows at /api/jobs/{id}.
    job = body["recalculation"]
    assert (job["kind"], job["state"], job["done"]) == ("allocation.recalculate", "queued", 0)
    indicative.refresh_from_db()
    assert indicative.total != 33 * 4700
    run_jobs()
    status, job = call(client, world.user("scot_administrator"), "GET", f"/api/jobs/{job['id']}")
    assert status == 200 and job["state"] == "done", job
    assert (job["figures"]["recalculated"], job["figures"]["flagged"]) == (1, 1)
    assert (job["done"], job["total"]) == (2, 2)
    indicative.refresh_from_db()
    assert indicative.total == 33 * 4700
    # Nobody else's job: another authority's administrator is told there is none.
    status, _ = call(client, world.user("eng_administrator"), "GET", f"/api/jobs/{job['id']}")
    assert status == 404


@pytest.mark.parametrize("body, field", [
    ({"price_per_point": "lots"}, "price_per_point"),
    ({"price_per_point": 47.5}, "price_per_point"),
    ({"price_per_point": "47.00", "effective_from": "2999-01-01"}, "effective_from"),
])
def test_a_bad_price_names_the_field(client, world, body, field):
    version = live_version(world)
    body = {"effective_from": clock.today().isoformat(), **body}
    status, got = call(client, world.user("scot_administrator"), "POST",
                       f"/api/resource-allocation/versions/{version.pk}/price", body)
    assert status == 422 and field in error_fields(got), got
    assert RasVersion.objects.count() == 1


def test_a_price_change_is_refused_outside_the_authority(client, world):
    version = live_version(world)
    body = {"price_per_point": "47.00", "effective_from": clock.today().isoformat()}
    url = f"/api/resource-allocation/versions/{version.pk}/price"
    assert call(client, world.user("eng_administrator"), "POST", url, body)[0] == 404
    assert call(client, world.user("scot_finance_officer"), "POST", url, body)[0] == 403
    assert RasVersion.objects.count() == 1


# --- Calibration --------------------------------------------------------------------------


def test_calibration_figures_match_the_report_with_no_float(client, world):
    agreed_budgets(world, 30)
    admin = world.user("scot_administrator")
    report = calibration_report(actor=admin, authority=world.scot)
    assert report.fit is not None
    status, body = call(client, world.user("scot_commissioner"), "GET",
                        f"/api/authorities/{world.scot.pk}/resource-allocation/calibration")
    assert status == 200
    assert body["n"] == report.n == 30 and body["enough"] is True
    assert body["price_found_pence"] == report.fit.price_per_point
    assert body["price_found"] == f"{report.fit.price_per_point // 100}.{report.fit.price_per_point % 100:02d}"
    assert body["r_squared"] == format(report.fit.r_squared, "f")
    assert body["residual_sd_pence"] == report.fit.residual_sd
    assert body["p10_pence"] == report.fit.p10 and body["p90_pence"] == report.fit.p90
    disability = next(d for d in body["dimensions"] if d["key"] == "disability")
    small = next(g for g in disability["groups"] if g["key"] == "yes")
    assert small["suppressed"] is True and small["count"] == 3
    assert small["mean_allocation_pence"] is None and small["residual_percent"] is None
    ethnic = next(d for d in body["dimensions"] if d["key"] == "ethnic_group")
    expected = next(d for d in report.dimensions if d.key == "ethnic_group")
    asian = next(g for g in ethnic["groups"] if g["key"] == "asian")
    want = next(g for g in expected.groups if g.key == "asian")
    assert asian["suppressed"] is False and asian["count"] == want.count == 6
    assert asian["mean_residual_pence"] == want.mean_residual < 0
    assert asian["residual_percent"] == format(want.residual_percent, "f")


def test_calibration_by_domain_gives_a_price_for_each_domain(client, world):
    agreed_budgets(world, 40)
    report = calibration_report(actor=world.user("scot_administrator"), authority=world.scot,
                                by_domain=True)
    status, body = call(client, world.user("scot_administrator"), "GET",
                        f"/api/authorities/{world.scot.pk}/resource-allocation/calibration"
                        "?by_domain=true")
    assert status == 200 and body["by_domain"] is True
    assert report.domain_fit is not None and body["domain_problem"] == ""
    assert [(p["code"], p["price_pence"]) for p in body["domain_prices"]] == [
        (p.code, p.pence) for p in report.domain_fit.prices]
    assert body["domain_r_squared"] == format(report.domain_fit.r_squared, "f")


def test_calibration_is_refused_to_other_authorities_and_roles(client, world):
    url = f"/api/authorities/{world.scot.pk}/resource-allocation/calibration"
    assert call(client, world.user("eng_administrator"), "GET", url)[0] == 404
    assert call(client, world.user("scot_panel_member"), "GET", url)[0] == 403
    status, body = call(client, world.user("scot_administrator"), "GET", url)
    assert status == 200 and body["n"] == 0 and body["price_found"] is None


def test_an_unknown_authority_is_not_found(client, world):
    status, _ = call(client, world.user("scot_administrator"), "GET",
                     "/api/authorities/999999/resource-allocation/versions")
    assert status == 404
