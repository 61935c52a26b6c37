"""The subject-access export: a ZIP of person.json and person.pdf with every registered
section, money as text in pounds, the opening logged; for the data protection officer of
the person's council only."""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from selfdirect.audit.models import AccessLog
from selfdirect.core.exceptions import NotFound
from selfdirect.dataprotection import export, registry, services
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.models import CommunicationNeed
from tests.dataprotection.conftest import FAMILY, GIVEN
from tests.factories import TEST_PASSWORD
from tests.planning.test_plan_extras import pdf_text

MONEY = re.compile(r"-?[0-9]+\.[0-9]{2}")


def _zip(full: Any) -> zipfile.ZipFile:
    made = services.subject_access_export(actor=full.users["scot_data_protection"],
                                          person_id=full.person.pk, path="/test/")
    return zipfile.ZipFile(io.BytesIO(made.content))


def _json(full: Any) -> dict[str, Any]:
    return json.loads(_zip(full).read("person.json"))


def _records(part: dict[str, Any]) -> list[dict[str, Any]]:
    """Every record of a part, nested ones too."""
    found = []
    for record in part["records"]:
        found.append(record)
        for child in record.get("parts", []):
            found.extend(_records(child))
    return found


def _floats(value: Any) -> list[Any]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _floats(v)]
    if isinstance(value, list):
        return [f for v in value for f in _floats(v)]
    return []


def test_the_zip_holds_the_json_and_the_pdf(full):
    archive = _zip(full)
    assert sorted(archive.namelist()) == ["person.json", "person.pdf"]
    assert archive.testzip() is None


def test_every_section_is_there_with_what_is_held(full):
    data = _json(full)
    assert data["person"]["name"] == f"{GIVEN} {FAMILY}"
    by_key = {s["key"]: s for s in data["sections"]}
    assert [s.key for s in registry.sections()] == [s["key"] for s in data["sections"]]
    for section in registry.sections():
        found = by_key[section.key]
        assert found["heading"] == section.heading
        records = [r for part in found["parts"] for r in _records(part)]
        assert records, f"nothing in “{section.heading}”"


def test_parts_nest_under_their_parent(full):
    data = _json(full)
    planning = next(s for s in data["sections"] if s["key"] == "planning")
    plans = next(p for p in planning["parts"] if p["model"] == "planning.SupportPlan")
    (plan,) = [r for r in plans["records"] if r["id"] == full.plan.pk]
    lines = next(p for p in plan["parts"] if p["model"] == "planning.SupportLine")
    assert {r["fields"]["weekly_cost"] for r in lines["records"]} == {"300.00", "200.00"}
    sent = [p for r in lines["records"] for p in r.get("parts", [])
            if p["model"] == "planning.Referral"]
    assert sent and sent[0]["records"][0]["fields"]["message"] == "Mornings, please"


def test_money_is_text_in_pounds_never_a_float(full):
    data = _json(full)
    assert _floats(data) == []
    sections = {s["key"]: s for s in data["sections"]}
    ledger = next(p for p in sections["payments"]["parts"] if p["model"] == "payments.Account")
    amounts = [r["fields"]["amount"] for r in _records(ledger) if "amount" in r["fields"]]
    assert amounts and all(isinstance(a, str) and MONEY.fullmatch(a) for a in amounts)
    charging = next(p for p in sections["charging"]["parts"]
                    if p["model"] == "charging.Contribution")
    contribution = charging["records"][0]["fields"]
    assert contribution["weekly_amount"] == "25.50"
    assert contribution["lines"][0]["amount"] == "203.45"  # whole pence in the workings too
    assert contribution["services"][0]["council_pays"] == "174.50"
    spending = sections["spending"]["parts"][0]["records"][0]["fields"]
    assert spending["amount"] == "450.50"


def test_dates_are_iso(full):
    data = _json(full)
    people = data["sections"][0]["parts"][0]["records"][0]["fields"]
    assert people["date_of_birth"] == full.person.date_of_birth.isoformat()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*", people["created_at"])


def test_history_is_in_the_json(full):
    data = _json(full)
    person = data["sections"][0]["parts"][0]
    changes = person["history"]
    assert changes[0]["change"] == "created"
    assert changes[-1]["fields"]["given_name"] == GIVEN


def test_the_pdf_is_a_pdf_with_the_persons_name_and_every_heading(full, settings):
    settings.SELFDIRECT_PDF_COMPRESS = False
    content = _zip(full).read("person.pdf")
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert f"Information held about {GIVEN} {FAMILY}" in text
    for section in registry.sections():
        assert section.heading in text, section.heading
    assert "£300.00" in text  # money in words
    assert "Changes to your record" in text


def test_the_export_is_logged_with_its_purpose(full):
    before = AccessLog.objects.count()
    _zip(full)
    row = AccessLog.objects.order_by("-pk").first()
    assert AccessLog.objects.count() == before + 1
    assert (row.user, row.person_id, row.outcome, row.purpose) == (
        full.users["scot_data_protection"], full.person.pk, "viewed", "subject access export")


@pytest.mark.parametrize("who", ["scot_social_worker", "scot_team_manager",
                                 "scot_administrator", "eng_data_protection", "the_person"])
def test_only_the_councils_data_protection_officer_may_export(full, who):
    with pytest.raises(NotFound):
        services.subject_access_export(actor=full.users[who], person_id=full.person.pk)
    row = AccessLog.objects.order_by("-pk").first()
    assert (row.user, row.person_id, row.outcome) == (full.users[who], full.person.pk, "denied")


def test_a_superuser_is_no_data_protection_officer(full):
    boss = full.users["nobody"]
    boss.is_superuser = True
    boss.save()
    assert not boss.has_perm("dataprotection.export_person", full.person)
    with pytest.raises(PermissionDenied):
        services.retention_approve(actor=boss, authority=full.person.authority, confirmed=True)


def _queries(full: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        export.json_bytes(export.gather(full.person))
    return len(captured)


def test_the_export_takes_the_same_number_of_queries_whatever_is_held(full):
    first = _queries(full)
    person, worker = full.person, full.users["scot_social_worker"]
    for words in ("I want to garden", "I want to see my friends", "I want to cook"):
        PersonalOutcome.objects.create(person=person, in_own_words=words, created_by=worker)
    CommunicationNeed.objects.create(person=person, kind="large_print")
    assert _queries(full) == first


def test_the_export_is_quick_enough_to_make_while_the_page_waits(full):
    """Printed, not asserted (a loaded machine is slow by moments): docs/dataprotection.md
    records the figure that decided the export is made while the page waits."""
    start = time.perf_counter()
    export.zip_bytes(export.gather(full.person))
    print(f"\nexport of a full record: {time.perf_counter() - start:.3f} s")


# --- The pages ------------------------------------------------------------------------------


def _client(client, username):
    client.login(username=username, password=TEST_PASSWORD)
    return client


def test_the_officer_finds_the_person_by_name_or_chi_and_downloads(client, full):
    officer = _client(client, "scot_data_protection")
    found = officer.get(reverse("subject-access-find"), {"name": f"{GIVEN[:4]} {FAMILY}"})
    assert found.status_code == 200
    assert [p.pk for p in found.context["people"]] == [full.person.pk]
    by_chi = officer.get(reverse("subject-access-find"),
                         {"identifier": full.person.chi_number[:6] + " " +
                          full.person.chi_number[6:]})
    assert [p.pk for p in by_chi.context["people"]] == [full.person.pk]
    url = reverse("subject-access-export", args=[full.person.pk])
    page = officer.get(url)
    assert page.status_code == 200
    assert "Check this is the person who asked" in page.content.decode()
    confirming = AccessLog.objects.order_by("-pk").first()
    assert confirming.purpose.startswith("subject access export")
    download = officer.post(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert re.fullmatch(r'attachment; filename="subject-access-\d+-\d{4}-\d\d-\d\d\.zip"',
                        download["Content-Disposition"])
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert json.loads(archive.read("person.json"))["person"]["id"] == full.person.pk
    assert AccessLog.objects.order_by("-pk").first().purpose == "subject access export"


def test_another_councils_people_are_not_found(client, full):
    officer = _client(client, "eng_data_protection")
    found = officer.get(reverse("subject-access-find"), {"name": FAMILY})
    assert found.status_code == 200
    assert found.context["people"] == []
    url = reverse("subject-access-export", args=[full.person.pk])
    assert officer.get(url).status_code == 404
    assert officer.post(url).status_code == 404
    row = AccessLog.objects.order_by("-pk").first()
    assert (row.outcome, row.person_id, row.status) == ("denied", full.person.pk, None)


def test_other_roles_are_refused_and_the_refusal_logged(client, full):
    worker = _client(client, "scot_social_worker")
    url = reverse("subject-access-export", args=[full.person.pk])
    assert worker.post(url).status_code == 403
    row = AccessLog.objects.order_by("-pk").first()
    assert (row.user.username, row.outcome, row.person_id) == (
        "scot_social_worker", "denied", full.person.pk)
    assert worker.get(reverse("subject-access-find")).status_code == 403
    assert AccessLog.objects.order_by("-pk").first().status == 403


@pytest.mark.parametrize("query", [{"name": "x" * 500}, {"identifier": "\x00"},
                                   {"name": "\x00"}, {}, {"name": "  "},
                                   {"identifier": "not a number"}])
def test_strange_searches_never_fail(client, full, query):
    officer = _client(client, "scot_data_protection")
    response = officer.get(reverse("subject-access-find"), query)
    assert response.status_code == 200


def test_nobody_there_is_not_found(client, full):
    officer = _client(client, "scot_data_protection")
    assert officer.get("/data-protection/subject-access/999999999/").status_code == 404
    assert officer.get("/data-protection/subject-access/99999999999999999999999/").status_code == 404


def test_the_team_manager_sees_why_the_record_was_opened(client, full):
    _zip(full)
    manager = _client(client, "scot_team_manager")
    page = manager.get(reverse("person-detail", args=[full.person.pk]))
    assert "subject access export" in page.content.decode()
