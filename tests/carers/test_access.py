"""The carer's plan is the CARER's record: the carer and staff who may see the carer see
it; the person cared for, and anyone who sees only the cared-for person's record, do not.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from selfdirect.audit.models import AccessLog
from selfdirect.people.models import Access, Consent, ConsentMethod, ConsentScope
from selfdirect.people.services import consent_record, relationship_add
from tests.carers.conftest import accepted_plan
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(cast):
    """``cast``'s person is cared for by a carer with her own sign-in; the cast's
    ``carer_viewing`` sees the cared-for person's record only."""
    users, cared_for = cast
    manager = users["scot_team_manager"]
    from tests.factories import PersonFactory

    carer = PersonFactory(authority=cared_for.authority, team=cared_for.team,
                          allocated_worker=cared_for.allocated_worker, client_group="carer")
    carer.user = UserFactory(username="the_carer")
    carer.save()
    plan = accepted_plan(manager, cared_for, carer)
    return users, cared_for, carer, plan


def _get(client, username, url):
    client.logout()
    assert client.login(username=username, password=TEST_PASSWORD)
    return client.get(url)


def test_the_person_cared_for_and_their_relationship_holders_cannot_open_the_carers_plan(
        client, family):
    users, cared_for, carer, plan = family
    for name in ("the_person", "carer_viewing", "attorney_acting"):
        user = users[name]
        # The rule itself, then the pages.
        assert user.has_perm("people.view_person", cared_for)
        assert not user.has_perm("carers.view_carer_plan", plan)
        assert not user.has_perm("carers.view_carer_plan", plan.offer)
        for url in (reverse("carer-plan", args=[plan.pk]),
                    reverse("carer-offer", args=[plan.offer.pk])):
            response = _get(client, name, url)
            assert response.status_code == 404, (name, url)
            assert carer.full_name not in response.content.decode()
    # Each refusal is in the access log, against the carer.
    refused = AccessLog.objects.filter(person_id=carer.pk, outcome="denied")
    assert refused.filter(user=users["the_person"]).exists()
    assert refused.filter(user=users["carer_viewing"]).exists()


def test_the_carer_sees_their_own_plan_but_cannot_change_it(client, family):
    users, cared_for, carer, plan = family
    response = _get(client, "the_carer", reverse("carer-plan", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Adult carer support plan" in html and "Carers are not charged for support" in html
    assert reverse("carer-plan-agree", args=[plan.pk]) not in html  # no change links
    assert _get(client, "the_carer",
                reverse("carer-plan-section", args=[plan.pk, "circumstances"])).status_code == 403
    assert AccessLog.objects.filter(person_id=carer.pk, user=carer.user,
                                    outcome="viewed").exists()
    # And she cannot open the record of the person she cares for.
    assert not carer.user.has_perm("people.view_person", cared_for)


def test_someone_the_carer_gives_access_to_her_record_sees_her_plan(client, family):
    users, cared_for, carer, plan = family
    manager = users["scot_team_manager"]
    helper = UserFactory(username="carers_advocate")
    rel = relationship_add(actor=manager, person=carer, kind="advocate", name="Advocate",
                           user=helper, access=Access.VIEW)
    assert not helper.has_perm("carers.view_carer_plan", plan)
    consent_record(actor=manager, person=carer, relationship=rel,
                   decision=Consent.Decision.GIVEN, scope=ConsentScope.SHARE_WITH_RELATIONSHIP,
                   method=ConsentMethod.VERBAL)
    helper = type(helper).objects.get(pk=helper.pk)
    assert helper.has_perm("carers.view_carer_plan", plan)
    assert _get(client, "carers_advocate",
                reverse("carer-plan", args=[plan.pk])).status_code == 200
    # Seeing the carer's plan gives nothing on the person cared for.
    assert not helper.has_perm("people.view_person", cared_for)
