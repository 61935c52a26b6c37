"""The view rule and its query form agree, for every role and every kind of person."""

from __future__ import annotations

import itertools

import pytest

from selfdirect.people.models import Access, Consent, ConsentMethod, ConsentScope, Person
from selfdirect.people.selectors import person_visible_queryset, portal_people_queryset
from selfdirect.people.services import consent_record, relationship_add, relationship_end
from tests.factories import PersonFactory, UserFactory


@pytest.fixture
def population(world):
    """People in every position relative to the social workers: allocated, team, other team,
    unallocated, other authority."""
    sw = world.user("scot_social_worker")
    people = [
        PersonFactory(authority=world.scot, team=world.scot_team, allocated_worker=sw),
        PersonFactory(authority=world.scot, team=world.scot_team),
        PersonFactory(authority=world.scot, team=world.scot_other_team),
        PersonFactory(authority=world.scot, allocated_worker=sw),
        PersonFactory(authority=world.scot),
        PersonFactory(authority=world.eng, team=world.eng_team),
        PersonFactory(authority=world.eng),
    ]
    return people


@pytest.mark.django_db
def test_predicate_and_queryset_agree_for_every_staff_role(world, population):
    for user in world.users.values():
        visible = set(person_visible_queryset(user=user).values_list("pk", flat=True))
        for person in Person.objects.all():
            assert user.has_perm("people.view_person", person) == (person.pk in visible), (
                user.username, person.pk)


@pytest.mark.django_db
def test_a_social_worker_sees_their_allocations_and_their_teams_people_only(world, population):
    visible = set(person_visible_queryset(user=world.user("scot_social_worker")))
    assert visible == {population[0], population[1], population[3]}


@pytest.mark.django_db
def test_staff_never_see_another_authoritys_people(world, population):
    for name, user in world.users.items():
        visible = person_visible_queryset(user=user)
        other = world.eng if name.startswith("scot") else world.scot
        assert not visible.filter(authority=other).exists(), name


@pytest.mark.django_db
def test_a_representative_sees_only_while_consent_stands(world):
    manager = world.user("scot_team_manager")
    person = PersonFactory(authority=world.scot)
    rep_user = UserFactory()
    rel = relationship_add(actor=manager, person=person, kind="representative", name="Rep",
                           user=rep_user, access=Access.VIEW)

    def sees():
        fresh = type(rep_user).objects.get(pk=rep_user.pk)  # no per-request caches
        by_rule = fresh.has_perm("people.view_person", Person.objects.get(pk=person.pk))
        by_query = portal_people_queryset(user=fresh).filter(pk=person.pk).exists()
        assert by_rule == by_query
        return by_rule

    assert not sees()  # recorded, but no consent yet
    for decision, expected in [(Consent.Decision.GIVEN, True),
                               (Consent.Decision.WITHDRAWN, False),
                               (Consent.Decision.GIVEN, True)]:
        consent_record(actor=manager, person=person, relationship=rel, decision=decision,
                       scope=ConsentScope.SHARE_WITH_RELATIONSHIP, method=ConsentMethod.VERBAL)
        assert sees() is expected
    relationship_end(actor=manager, relationship=rel)
    assert not sees()
    # Every decision is its own row; the relationship's history records each change.
    assert person.consents.count() == 3
    rel.refresh_from_db()
    reasons = list(rel.history.order_by("history_date").values_list("history_change_reason",
                                                                     flat=True))
    assert reasons == ["Relationship recorded", "Consent given for access",
                       "Consent withdrawn for access", "Consent given for access",
                       "Relationship ended"]


@pytest.mark.django_db
def test_an_attorney_acts_under_their_powers_without_consent(world):
    manager = world.user("scot_team_manager")
    person = PersonFactory(authority=world.scot)
    attorney = UserFactory()
    relationship_add(actor=manager, person=person, kind="welfare_attorney", name="Attorney",
                     user=attorney, access=Access.ACT, powers_held="Welfare",
                     document_reference="OPG/1")
    assert attorney.has_perm("people.view_person", person)
    assert attorney.has_perm("people.act_for_person", person)
    assert not attorney.has_perm("people.change_person", person)


@pytest.mark.django_db
def test_an_attorney_needs_powers_and_a_document_reference(world):
    from django.core.exceptions import ValidationError

    person = PersonFactory(authority=world.scot)
    with pytest.raises(ValidationError) as caught:
        relationship_add(actor=world.user("scot_team_manager"), person=person,
                         kind="guardian", name="G", access=Access.ACT)
    assert set(caught.value.message_dict) == {"powers_held", "document_reference"}
    assert person.relationships.count() == 0


@pytest.mark.django_db
def test_a_user_with_roles_in_two_authorities_sees_each_by_its_own_rule(world):
    from tests.factories import StaffRoleFactory

    user = UserFactory()
    StaffRoleFactory(user=user, authority=world.scot, role="team_manager")
    StaffRoleFactory(user=user, authority=world.eng, role="social_worker", team=world.eng_team)
    scot_any = PersonFactory(authority=world.scot)
    eng_team = PersonFactory(authority=world.eng, team=world.eng_team)
    eng_other = PersonFactory(authority=world.eng)
    visible = set(person_visible_queryset(user=user))
    assert visible == {scot_any, eng_team}
    assert not user.has_perm("people.view_person", eng_other)
    assert user.has_perm("people.allocate_person", scot_any)
    assert not user.has_perm("people.allocate_person", eng_team)


def test_roles_cover_every_combination_of_access_levels():
    # Guards the rule in Relationship.access_in_force for each kind and access level.
    from selfdirect.people.models import Relationship, RelationshipKind

    for kind, access, consent in itertools.product(RelationshipKind, Access, (True, False)):
        rel = Relationship(kind=kind, access=access, consent_given=consent)
        expected = access if access != Access.NONE and (rel.is_legal_power or consent) else "none"
        assert rel.access_in_force == expected
