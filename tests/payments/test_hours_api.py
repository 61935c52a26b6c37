"""Delivered hours through the API: the people who work for a provider list the lines
referred to it and accepted, and record a week's hours with a bearer token; anyone else is
refused or told the line does not exist; bad figures come back naming the field.

The router (``selfdirect.payments.hours_api.router``) is mounted here on an API built like
``selfdirect.api.api`` (bearer tokens and the same error handlers), so these tests hold
whether or not it is mounted at /api/ yet."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ninja import NinjaAPI
from ninja.testing import TestClient

from selfdirect.accounts.services import api_token_create
from selfdirect.api.auth import BearerToken
from selfdirect.api.errors import install as install_errors
from selfdirect.audit.models import AccessLog
from selfdirect.payments.hours_api import router
from selfdirect.payments.models import DeliveredHours, ShortfallAlert
from tests.payments.matrix_hours import WEEK, hours_setting, this_monday

pytestmark = pytest.mark.django_db

api = NinjaAPI(auth=[BearerToken()], urls_namespace="hours-api-test")
install_errors(api)
api.add_router("", router)
client = TestClient(api)


def call(user, method, path, body=None):
    _, raw = api_token_create(user=user, name="test", scope="read_write")
    response = client.request(method, path, json=body,
                              headers={"Authorization": f"Bearer {raw}"})
    return response.status_code, response.json() if response.content else None


@pytest.fixture
def setting(cast):
    users, person = cast
    line, provider = hours_setting(users, person)
    return users, person, line, provider


def test_a_provider_lists_its_lines_and_records_hours(setting):
    users, person, line, provider = setting
    member = users["scot_provider_user"]
    status, lines = call(member, "GET", f"/providers/{provider.pk}/support-lines")
    assert status == 200
    assert [(x["id"], x["reference"], Decimal(x["hours_per_week"])) for x in lines] == [
        (line.pk, f"L{line.pk}", Decimal(35))]
    url = f"/support-lines/{line.pk}/delivered-hours"
    for back in (2, 1):
        status, row = call(member, "POST", url, {"week_start": str(this_monday() - back * WEEK),
                                                 "hours": "20", "note": "Staff off sick"})
        assert status == 200 and Decimal(row["hours"]) == 20 and row["source"] == "api"
    assert ShortfallAlert.objects.get().unspent == 66000
    assert AccessLog.objects.filter(user=member, person_id=person.pk, channel="api").exists()
    status, recorded = call(member, "GET", f"/providers/{provider.pk}/delivered-hours")
    assert status == 200 and [r["week_start"] for r in recorded] == [
        str(this_monday() - WEEK), str(this_monday() - 2 * WEEK)]


def test_bad_figures_are_named(setting):
    users, person, line, provider = setting
    url = f"/support-lines/{line.pk}/delivered-hours"
    status, body = call(users["scot_provider_user"], "POST", url,
                        {"week_start": str(this_monday() + WEEK), "hours": "200"})
    assert status == 422
    fields = {field: " ".join(messages) for field, messages in body["errors"].items()}
    assert "from 0 to 168" in fields["hours"] and "week that has begun" in fields["week_start"]
    assert not DeliveredHours.objects.exists()


def test_who_may_not(setting):
    users, person, line, provider = setting
    url = f"/support-lines/{line.pk}/delivered-hours"
    body = {"week_start": str(this_monday() - WEEK), "hours": "20"}
    # Roles that never record hours are refused; a finance officer of another council is
    # told the line does not exist.
    assert call(users["scot_social_worker"], "POST", url, body)[0] == 403
    assert call(users["the_person"], "GET", f"/providers/{provider.pk}/support-lines")[0] == 403
    assert call(users["eng_finance_officer"], "POST", url, body)[0] == 404
    assert call(users["eng_finance_officer"], "GET",
                f"/providers/{provider.pk}/support-lines")[0] == 404
    # The council's finance officer may, from a timesheet.
    assert call(users["scot_finance_officer"], "POST", url, body)[0] == 200
    assert client.get(f"/providers/{provider.pk}/support-lines").status_code == 401
