"""Every role against every API operation, by bearer token: the same rules as the pages."""

from __future__ import annotations

import pytest

from selfdirect.accounts.services import api_token_create
from selfdirect.api.api import api
from tests.test_permission_matrix import ACTORS, NOT_FOUND, OK, REFUSED, row
from tests.test_permission_matrix import MATRIX as PAGES

UNAUTHENTICATED = 401
CREATED = 201

# The target person is the Edinburgh person of the page matrix (see tests/conftest.py).
# As the person page: 403 for a role that can never see people, 404 for one that could
# but not this person, 401 without credentials.
_VIEW = {**PAGES["person-detail"], "anonymous": UNAUTHENTICATED}
_STAFF_SEARCH = row(REFUSED, anonymous=UNAUTHENTICATED, scot_social_worker=OK,
                    scot_other_social_worker=OK, scot_team_manager=OK, scot_finance_officer=OK,
                    eng_social_worker=OK, eng_team_manager=OK, eng_finance_officer=OK)

# (method, path, JSON body) -> expected status for each actor.
MATRIX = {
    ("GET", "/api/me", None): row(OK, anonymous=UNAUTHENTICATED),
    ("GET", "/api/authorities", None): row(OK, anonymous=UNAUTHENTICATED),
    ("GET", "/api/people", None): _STAFF_SEARCH,
    ("GET", "/api/people/{id}", None): _VIEW,
    ("PATCH", "/api/people/{id}", '{"phone": "0131 496 0000"}'): {
        # Those who may see but not change the record know it exists: 403, not 404.
        **_VIEW, "scot_finance_officer": REFUSED, "carer_viewing": REFUSED},
    ("GET", "/api/people/{id}/assessments", None): _VIEW,
    ("POST", "/api/people/{id}/referrals",
     '{"source": "gp_health", "reason": "Falls at night", "urgency": "urgent"}'): row(
        REFUSED, anonymous=UNAUTHENTICATED, scot_social_worker=CREATED,
        scot_team_manager=CREATED, scot_other_social_worker=NOT_FOUND,
        eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND),
    ("GET", "/api/assessments/{assessment}", None): _VIEW,
    ("GET", "/api/waiting-list", None): row(
        REFUSED, anonymous=UNAUTHENTICATED, scot_social_worker=OK, scot_other_social_worker=OK,
        scot_team_manager=OK, eng_social_worker=OK, eng_team_manager=OK),
    ("POST", "/api/people",
     '{"given_name": "New", "family_name": "Person", "date_of_birth": "1950-01-01"}'): row(
        REFUSED, anonymous=UNAUTHENTICATED, scot_social_worker=CREATED,
        scot_other_social_worker=CREATED, scot_team_manager=CREATED,
        eng_social_worker=CREATED, eng_team_manager=CREATED),
}


def test_every_api_operation_is_in_the_matrix():
    routes = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    full = "/api" + (prefix + path).rstrip("/")
                    routes.add((method, full.replace("{int:person_id}", "{id}")
                                .replace("{person_id}", "{id}")
                                .replace("{int:assessment_id}", "{assessment}")))
    assert routes == {(method, path) for method, path, _ in MATRIX}


@pytest.mark.django_db
@pytest.mark.parametrize("call", list(MATRIX), ids=lambda c: f"{c[0]} {c[1]}")
def test_api_permission_matrix(client, cast, call):
    users, person = cast
    method, path, body = call
    url = path.replace("{id}", str(person.pk))
    if "{assessment}" in url:
        from selfdirect.assessments.services import assessment_start

        assessment = assessment_start(actor=users["scot_social_worker"], person=person)
        url = url.replace("{assessment}", str(assessment.pk))
    got = {}
    for actor in ACTORS:
        headers = {}
        if actor != "anonymous":
            _, raw = api_token_create(user=users[actor], name="matrix")
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        response = client.generic(method, url, body or "", content_type="application/json",
                                  **headers)
        got[actor] = response.status_code
    assert got == MATRIX[call]
