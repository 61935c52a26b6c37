"""selfdirect.demo.synthetic: shapes close to the published figures, valid and synthetic
identifiers and contact details, and the same rows for the same seed. No database."""

from __future__ import annotations

import csv
import os
import random
import re
from collections import Counter
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.validators import validate_email

from selfdirect.demo import synthetic
from selfdirect.demo.synthetic import (
    AGE_BANDS,
    CLIENT_GROUPS_BY_BAND,
    FEMALE_SHARE_BY_BAND,
    NEED_SHARE,
    OTHER_SPLIT_BY_BAND,
    PeopleGenerator,
    age_band,
    generate_people,
)
from selfdirect.people.models import (
    ClientGroup,
    ContactPreference,
    NeedKind,
    Person,
)
from selfdirect.people.services import PERSON_FIELDS
from selfdirect.people.validators import (
    validate_chi_number,
    validate_nhs_number,
    validate_postcode,
)

TODAY = date(2026, 3, 1)
N = 5000
EDINBURGH = SimpleNamespace(code="S12000036", country="scotland")
MANCHESTER = SimpleNamespace(code="E08000003", country="england")
ELSEWHERE = SimpleNamespace(code="S12000999", country="scotland")
PUBLISHED = Path(os.environ.get("PUBLISHED_DATA_DIR", Path(__file__).resolve().parents[3]
                                / "shared" / "data" / "published"))

# Ofcom drama ranges: 07700 900xxx; 0113-0118, 0121, 0131, 0141, 0151, 0161 496 0xxx;
# 0191 498 0xxx; 020 7946 0xxx; 01632 960xxx.
DRAMA_PHONE = re.compile(
    r"07700 900\d{3}|(?:011[3-8]|01[2-6]1) 496 0\d{3}|0191 498 0\d{3}|020 7946 0\d{3}"
    r"|01632 960\d{3}")


def age_on(born: date, day: date = TODAY) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@pytest.fixture(scope="module")
def scottish_rows():
    return generate_people(seed=11, authority=EDINBURGH, count=N, today=TODAY)


@pytest.fixture(scope="module")
def english_rows():
    return generate_people(seed=12, authority=MANCHESTER, count=N, today=TODAY)


def shares(counter: Counter, total: int) -> dict[str, float]:
    return {key: value / total for key, value in counter.items()}


# --- the published shape ---------------------------------------------------------------------


def test_age_bands_follow_published_sds_counts(scottish_rows):
    total_weight = sum(band[3] for band in AGE_BANDS)
    observed = shares(Counter(age_band(age_on(r["date_of_birth"])) for r in scottish_rows), N)
    for label, _, _, people in AGE_BANDS:
        assert observed.get(label, 0) == pytest.approx(people / total_weight, abs=0.02), label
    assert observed["85+"] > 0.25  # the largest group
    assert sum(v for k, v in observed.items() if k in ("65-74", "75-84", "85+")) > 0.65
    assert 0.005 < observed["0-17"] < 0.035


def test_client_groups_follow_published_sds_profile(scottish_rows):
    total_weight = sum(band[3] for band in AGE_BANDS)
    expected: Counter = Counter()
    for label, _, _, people in AGE_BANDS:
        counts = CLIENT_GROUPS_BY_BAND[label]
        for group, count in zip(synthetic._PUBLISHED_GROUPS, counts, strict=True):
            expected[group] += people / total_weight * count / sum(counts)
    other = set(ClientGroup.values) - set(synthetic._PUBLISHED_GROUPS)
    observed = Counter("other" if r["client_group"] in other else r["client_group"]
                       for r in scottish_rows)
    for group, share in expected.items():
        assert observed[group] / N == pytest.approx(share, abs=0.02), group
    # Learning disability is mostly a working-age group; elderly/frail mostly the oldest.
    ld_ages = [age_on(r["date_of_birth"]) for r in scottish_rows
               if r["client_group"] == "learning_disability"]
    assert sum(18 <= a <= 64 for a in ld_ages) / len(ld_ages) > 0.75


def test_women_are_the_majority_among_the_oldest(scottish_rows):
    by_band: dict[str, Counter] = {}
    for row in scottish_rows:
        by_band.setdefault(age_band(age_on(row["date_of_birth"])), Counter())[row["sex"]] += 1
    oldest = by_band["85+"]
    female_85 = oldest["female"] / sum(oldest.values())
    assert female_85 == pytest.approx(FEMALE_SHARE_BY_BAND["85+"], abs=0.04)
    working = by_band["18-64"]
    assert female_85 > working["female"] / sum(working.values())


def test_about_one_in_eight_has_communication_needs(scottish_rows):
    with_needs = [r for r in scottish_rows if r["communication_needs"]]
    assert len(with_needs) / N == pytest.approx(NEED_SHARE, abs=0.015)
    kinds = Counter(kind for r in with_needs for kind, _ in r["communication_needs"])
    for kind in ("bsl_interpreter", "interpreter", "easy_read", "large_print", "cannot_write",
                 "someone_present"):
        assert kinds[kind] > 0, kind
    assert any(len(r["communication_needs"]) > 1 for r in with_needs)
    for row in with_needs:
        needs = row["communication_needs"]
        assert len({kind for kind, _ in needs}) == len(needs)  # one of each kind at most
        for kind, detail in needs:
            assert kind in NeedKind.values
            if kind == "interpreter":
                assert detail  # the language
        if any(kind == "bsl_interpreter" for kind, _ in needs):
            assert row["contact_preference"] != "phone"


def test_published_tables_match_the_csv_files():
    """The figures typed into synthetic.py are the published ones (when the files are here)."""
    ages = PUBLISHED / "sds_options_by_age_scotland.csv"
    profile = PUBLISHED / "sds_profile_scotland.csv"
    if not (ages.exists() and profile.exists()):
        pytest.skip(f"published data not found in {PUBLISHED}")
    with ages.open(newline="") as handle:
        any_sds = {row["age_group"].removesuffix(" years"): int(row["people"])
                   for row in csv.DictReader(handle)
                   if row["financial_year"] == "2020/21" and row["sds_option"] == "Any SDS"
                   and row["geography"] == "Scotland (All Areas Submitted)"}
    for label, _, _, people in AGE_BANDS:
        assert any_sds[label] == people, label
    names = dict(zip(("Dementia", "Elderly / Frail", "Learning Disability", "Mental Health",
                      "Physical and Sensory Disability", "Other"),
                     synthetic._PUBLISHED_GROUPS, strict=True))
    found: dict[str, dict[str, int]] = {}
    with profile.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["financial_year"] == "2020/21" and row["dimension"] == "client_group":
                band = row["age_group"].removesuffix(" years")
                found.setdefault(band, {})[names[row["category"]]] = int(row["people"])
    for label, counts in CLIENT_GROUPS_BY_BAND.items():
        assert tuple(found[label][g] for g in synthetic._PUBLISHED_GROUPS) == counts, label


def test_tables_use_the_models_choice_values():
    groups = set(ClientGroup.values)
    assert set(synthetic._PUBLISHED_GROUPS) - {"other"} <= groups
    for split in OTHER_SPLIT_BY_BAND.values():
        assert set(split) <= groups
    assert set(synthetic.COMMUNICATION_NEEDS) <= set(NeedKind.values)
    contacts = set(ContactPreference.values)
    for weights in (*synthetic.CONTACT_BY_BAND.values(), synthetic.BSL_CONTACT):
        assert set(weights) <= contacts


# --- valid, synthetic, unique ----------------------------------------------------------------


def test_every_chi_number_is_valid_unique_and_matches_sex(scottish_rows):
    numbers = [r["chi_number"] for r in scottish_rows]
    assert len(set(numbers)) == N
    for row in scottish_rows:
        validate_chi_number(row["chi_number"], date_of_birth=row["date_of_birth"])
        assert int(row["chi_number"][8]) % 2 == (1 if row["sex"] == "male" else 0)
        assert row["nhs_number"] == ""


def test_every_nhs_number_is_valid_unique_and_in_the_test_range(english_rows):
    numbers = [r["nhs_number"] for r in english_rows]
    assert len(set(numbers)) == N
    for row in english_rows:
        validate_nhs_number(row["nhs_number"])
        assert row["nhs_number"].startswith("999")  # never issued to a patient
        assert row["chi_number"] == ""


def test_taken_identifiers_are_never_generated():
    first = generate_people(seed=3, authority=EDINBURGH, count=300, today=TODAY)
    taken = {r["chi_number"] for r in first}
    again = generate_people(seed=3, authority=EDINBURGH, count=300, today=TODAY,
                            taken_identifiers=taken)
    assert not taken & {r["chi_number"] for r in again}
    eng = generate_people(seed=3, authority=MANCHESTER, count=300, today=TODAY)
    taken = {r["nhs_number"] for r in eng}
    again = generate_people(seed=3, authority=MANCHESTER, count=300, today=TODAY,
                            taken_identifiers=taken)
    assert not taken & {r["nhs_number"] for r in again}


@pytest.mark.parametrize(("authority", "area", "outward"), [
    (EDINBURGH, "EH", range(1, 18)),
    (MANCHESTER, "M", (1, 2, 3, 4, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 40)),
])
def test_every_postcode_is_valid_and_in_the_authoritys_area(authority, area, outward):
    allowed = {f"{area}{n}" for n in outward}
    rows = generate_people(seed=5, authority=authority, count=2000, today=TODAY)
    for row in rows:
        validate_postcode(row["postcode"])
        assert row["postcode"].split(" ")[0] in allowed, row["postcode"]
    assert len({r["postcode"].split(" ")[0] for r in rows}) > len(allowed) // 2


def test_an_authority_without_an_area_gets_valid_postcodes():
    for row in generate_people(seed=5, authority=ELSEWHERE, count=500, today=TODAY):
        validate_postcode(row["postcode"])
        assert row["town"]


def test_no_phone_outside_the_drama_ranges_and_emails_only_at_example(scottish_rows,
                                                                       english_rows):
    for row in (*scottish_rows, *english_rows):
        if row["phone"]:
            assert DRAMA_PHONE.fullmatch(row["phone"]), row["phone"]
        if row["email"]:
            validate_email(row["email"])
            assert row["email"].rsplit("@", 1)[1] in ("example.com", "example.org")
    assert sum(bool(r["phone"]) for r in scottish_rows) / N > 0.8
    landlines = {r["phone"][:10] for r in scottish_rows if r["phone"].startswith("01")}
    assert landlines == {"0131 496 0"}  # Edinburgh's drama range


def test_every_row_passes_the_person_models_own_checks(scottish_rows, english_rows):
    """Field lengths, choices, email, CHI against date of birth, postcode: no database."""
    for row in (*scottish_rows[:1000], *english_rows[:1000]):
        person = Person(authority_id=1, **{name: row[name] for name in PERSON_FIELDS})
        person.clean_fields(exclude=["authority", "team", "allocated_worker", "user"])
        person.clean()
        assert row["contact_preference"] in ContactPreference.values
        assert row["client_group"] in ClientGroup.values
        assert set(row) == set(PERSON_FIELDS) | set(synthetic.ROW_EXTRA_KEYS)


# --- deterministic ----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_rows():
    a = generate_people(seed=42, authority=EDINBURGH, count=500, today=TODAY)
    b = generate_people(seed=42, authority=EDINBURGH, count=500, today=TODAY)
    c = generate_people(seed=43, authority=EDINBURGH, count=500, today=TODAY)
    assert a == b
    assert a != c
    from_rng = PeopleGenerator(seed=random.Random(42), authority=EDINBURGH, today=TODAY)
    assert list(from_rng.rows(10)) == list(
        PeopleGenerator(seed=random.Random(42), authority=EDINBURGH, today=TODAY).rows(10))


def test_names_are_varied(scottish_rows):
    names = Counter((r["given_name"], r["family_name"]) for r in scottish_rows)
    assert len(names) > N * 0.9
    assert any(r["family_name"].startswith("Mac") or r["family_name"].startswith("Mc")
               for r in scottish_rows)
