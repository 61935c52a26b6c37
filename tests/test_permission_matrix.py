"""Every role against every page: who gets the page, who is refused, who is sent to sign in.

The matrix is the specification. A new page must be added here, or
``test_every_page_is_in_the_matrix`` fails; a page without a permission marker is refused
by the middleware, or ``test_every_page_declares_a_permission`` fails.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from selfdirect.core.permissions import is_delegated, view_permission
from tests.factories import TEST_PASSWORD
from tests.matrix import ACTORS, NOT_FOUND, OK, REFUSED, SIGN_IN, row  # noqa: F401

SIGNED_IN_BY = "django.contrib.auth.backends.ModelBackend"

# What a staff member with no view of the person gets: 403 when their role can never see
# people, 404 when it can but not this person (its existence is not disclosed).
_VIEW = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK, scot_other_social_worker=NOT_FOUND,
            scot_team_manager=OK, scot_finance_officer=OK, eng_social_worker=NOT_FOUND,
            eng_team_manager=NOT_FOUND, eng_finance_officer=NOT_FOUND, the_person=OK,
            carer_viewing=OK, attorney_acting=OK)
_EDIT_OR_ACT = {**_VIEW, "scot_finance_officer": NOT_FOUND, "carer_viewing": NOT_FOUND}
_STAFF_EDIT = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
                  scot_other_social_worker=NOT_FOUND, scot_team_manager=OK,
                  eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND)
_SEARCH = row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK, scot_other_social_worker=OK,
              scot_team_manager=OK, scot_finance_officer=OK, eng_social_worker=OK,
              eng_team_manager=OK, eng_finance_officer=OK)

MATRIX: dict[str, dict[str, int]] = {
    "home": row(302),
    "healthz": row(OK),
    "accessibility": row(OK),
    "privacy": row(OK),
    "sign-in": row(302, anonymous=OK),
    "dashboard": row(OK, anonymous=SIGN_IN),
    # Only for staff with roles in two or more authorities (tested with one below).
    "authority-switch": row(NOT_FOUND, anonymous=SIGN_IN),
    "people-search": _SEARCH,
    "person-create": row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
                         scot_other_social_worker=OK, scot_team_manager=OK,
                         eng_social_worker=OK, eng_team_manager=OK),
    "person-detail": _VIEW,
    "person-edit": _EDIT_OR_ACT,
    "person-history": _STAFF_EDIT,
    "person-needs": _EDIT_OR_ACT,
    "person-preferences": _EDIT_OR_ACT,
    "person-equality": _EDIT_OR_ACT,
    "person-allocate": row(REFUSED, anonymous=SIGN_IN, scot_team_manager=OK,
                           eng_team_manager=NOT_FOUND),
    "relationship-add": _STAFF_EDIT,
    "consent-add": _STAFF_EDIT,
    "policy-list": row(REFUSED, anonymous=SIGN_IN, **{a: OK for a in ACTORS if a.startswith(("scot_", "eng_"))}),
    "policy-detail": row(REFUSED, anonymous=SIGN_IN, **{a: OK for a in ACTORS if a.startswith(("scot_", "eng_"))}),
    "waiting-list": row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
                        scot_other_social_worker=OK, scot_team_manager=OK,
                        eng_social_worker=OK, eng_team_manager=OK),
    "self-referrals": row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
                          scot_other_social_worker=OK, scot_team_manager=OK,
                          eng_social_worker=OK, eng_team_manager=OK),
    # A referral sent to Edinburgh: Manchester's staff may triage referrals, not this one.
    "self-referral-detail": row(REFUSED, anonymous=SIGN_IN, scot_social_worker=OK,
                                scot_other_social_worker=OK, scot_team_manager=OK,
                                eng_social_worker=NOT_FOUND, eng_team_manager=NOT_FOUND),
    "portal-home": row(REFUSED, anonymous=SIGN_IN, the_person=OK, carer_viewing=OK,
                       attorney_acting=OK),
    # Everyone signed in has their own API tokens; a token of the social worker's is not
    # found for anyone else, whatever their role.
    "token-list": row(OK, anonymous=SIGN_IN),
    "token-create": row(OK, anonymous=SIGN_IN),
    "token-detail": row(NOT_FOUND, anonymous=SIGN_IN, scot_social_worker=OK),
    "token-revoke": row(NOT_FOUND, anonymous=SIGN_IN, scot_social_worker=OK),
}
# Pages that act rather than show (sign-out takes a POST), tested elsewhere.
NOT_GET_PAGES = {"sign-out"}
PERSON_PAGES = {name for name in MATRIX if name.startswith(("person-", "relationship-", "consent-"))
                and name != "person-create"}


def _named_patterns(resolver=None, namespaces=()):
    """Every URL pattern with the namespaces it sits in."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _named_patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            yield entry, namespaces


def test_every_page_declares_a_permission():
    missing = [p.name or str(p.pattern) for p, ns in _named_patterns()
               if not is_delegated(p.callback, ns) and view_permission(p.callback) is None]
    assert missing == []


# Each domain keeps its own rows beside its tests: a module with MATRIX (page name ->
# expected status per actor) and url_for(page, users, person) -> the URL to ask for.
from tests.accounts import matrix as accounts_matrix  # noqa: E402
from tests.allocation import matrix as allocation_matrix  # noqa: E402
from tests.assessments import matrix as assessment_matrix  # noqa: E402
from tests.carers import matrix as carers_matrix  # noqa: E402
from tests.charging import matrix as charging_matrix  # noqa: E402
from tests.dataprotection import matrix as dataprotection_matrix  # noqa: E402
from tests.jobs import matrix as jobs_matrix  # noqa: E402
from tests.payments import matrix_hours as payments_hours_matrix  # noqa: E402
from tests.payments import matrix_monitoring as payments_monitoring_matrix  # noqa: E402
from tests.payments import matrix_person as payments_person_matrix  # noqa: E402
from tests.payments import matrix_reports as payments_reports_matrix  # noqa: E402
from tests.payments import matrix_runs as payments_runs_matrix  # noqa: E402
from tests.planning import matrix as planning_matrix  # noqa: E402
from tests.planning import matrix_plans as plans_matrix  # noqa: E402
from tests.portal import matrix as portal_matrix  # noqa: E402
from tests.providers import matrix as providers_matrix  # noqa: E402
from tests.spending import matrix as spending_matrix  # noqa: E402

DOMAIN_MATRICES = (accounts_matrix, assessment_matrix, portal_matrix, carers_matrix,
                   allocation_matrix,
                   charging_matrix, planning_matrix, plans_matrix, providers_matrix,
                   spending_matrix, payments_reports_matrix, payments_person_matrix,
                   payments_hours_matrix, payments_monitoring_matrix, payments_runs_matrix,
                   dataprotection_matrix, jobs_matrix)
ALL_PAGES = {**MATRIX}
for _module in DOMAIN_MATRICES:
    assert not set(_module.MATRIX) & set(ALL_PAGES), "a page is in two matrices"
    ALL_PAGES.update(_module.MATRIX)


def test_every_page_is_in_the_matrix():
    ours = {p.name for p, ns in _named_patterns() if not is_delegated(p.callback, ns)}
    assert ours == set(ALL_PAGES) | NOT_GET_PAGES


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(ALL_PAGES))
def test_permission_matrix(client, cast, page):
    users, person = cast
    module = next((m for m in DOMAIN_MATRICES if page in m.MATRIX), None)
    if module is not None:
        url = module.url_for(page, users, person)
    elif page in PERSON_PAGES:
        url = reverse(page, args=[person.pk])
    elif page in ("token-detail", "token-revoke"):
        from selfdirect.accounts.services import api_token_create

        token, _ = api_token_create(user=users["scot_social_worker"], name="Returns")
        url = reverse(page, args=[token.pk])
    elif page == "policy-detail":
        url = reverse(page, args=["review.interval_months"])
    elif page == "self-referral-detail":
        from selfdirect.assessments.services import self_referral_submit

        sr = self_referral_submit(authority=person.authority, for_whom="me", name="Ann Example",
                                  contact="0131 496 0001", what_help="Help at home")
        url = reverse(page, args=[sr.pk])
    else:
        url = reverse(page)
    got = {}
    for actor in ACTORS:
        client.logout()
        if actor != "anonymous":
            # The matrix is about who may see what once signed in; signing in itself (the
            # password, lockouts, the second factor) is tested in tests/accounts/.
            client.force_login(users[actor], backend=SIGNED_IN_BY)
        got[actor] = client.get(url).status_code
    assert got == ALL_PAGES[page]


@pytest.mark.django_db
def test_posting_to_a_page_is_held_to_the_same_rule(client, cast):
    users, person = cast
    client.login(username="scot_other_social_worker", password=TEST_PASSWORD)
    response = client.post(reverse("person-edit", args=[person.pk]), {"given_name": "Hacked"})
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.given_name != "Hacked"


@pytest.mark.django_db
def test_sign_out_needs_a_post(client, world):
    client.login(username="scot_social_worker", password=TEST_PASSWORD)
    assert client.get(reverse("sign-out")).status_code == 405
    assert client.post(reverse("sign-out")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.django_db
def test_staff_in_two_authorities_choose_where_they_work(client, world):
    from selfdirect.authorities.models import Role
    from tests.factories import StaffRoleFactory

    user = world.user("scot_team_manager")
    StaffRoleFactory(user=user, authority=world.eng, role=Role.SOCIAL_WORKER, team=world.eng_team)
    client.login(username=user.username, password=TEST_PASSWORD)
    assert client.get(reverse("authority-switch")).status_code == 200
    response = client.post(reverse("authority-switch"), {"authority": world.eng.pk})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).context["current_authority"] == world.eng
    # Choosing an authority where the user holds no role is refused with a message.
    from tests.factories import AuthorityFactory

    elsewhere = AuthorityFactory()
    bad = client.post(reverse("authority-switch"), {"authority": elsewhere.pk})
    assert bad.status_code == 200
    assert "Select" in bad.content.decode()
