"""generate_people, demo_load and the bulk loader, against the database."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.http import HttpRequest

from selfdirect.accounts.models import User
from selfdirect.authorities.models import Authority, Role, StaffRole, Team
from selfdirect.charging.catalogue import FREE_BY_LAW, ServiceType
from selfdirect.charging.models import Contribution, FinancialAssessment, PlannedService
from selfdirect.demo.accounts import DEMO_PASSWORD, PORTAL_LOGINS, demo_logins, demo_staff
from selfdirect.demo.loading import CASELOAD_RANGE, bulk_load_people
from selfdirect.demo.synthetic import generate_people
from selfdirect.people.models import (
    CommunicationNeed,
    Consent,
    Person,
    Relationship,
)
from selfdirect.planning.models import OptionChoice, SupportPlan
from tests.factories import PersonFactory

# The demo is loaded into a database as migrations leave it, without the tests' shared world.
pytestmark = [pytest.mark.django_db, pytest.mark.fresh_database]

DEMO_PEOPLE = "40"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def council():
    authority = Authority.objects.create(name="Test City Council", code="S12000049",
                                         country="scotland")
    teams = [Team.objects.create(authority=authority, name=n) for n in ("East", "West")]
    for i in range(3):
        user = User.objects.create(username=f"worker{i}")
        StaffRole.objects.create(user=user, authority=authority, role=Role.SOCIAL_WORKER,
                                 team=teams[i % 2])
    return authority


# --- generate_people --------------------------------------------------------------------------


def test_generate_people_creates_exactly_n_with_history_and_needs(council):
    output = run("generate_people", "--authority", council.code, "--count", "400",
                 "--seed", "7", "--batch-size", "150")
    people = Person.objects.filter(authority=council)
    assert people.count() == 400
    assert "Created 400 people in " in output and "people/s)" in output
    history = Person.history.filter(authority_id=council.pk)
    assert history.count() == 400
    assert set(history.values_list("history_type", flat=True)) == {"+"}
    assert set(history.values_list("id", flat=True)) == set(people.values_list("id", flat=True))
    needs = CommunicationNeed.objects.filter(person__authority=council)
    assert 20 <= needs.values("person").distinct().count() <= 80  # about 12% of 400
    assert CommunicationNeed.history.filter(
        person_id__in=people.values("id")).count() == needs.count()
    # Allocation: about 10% unallocated, no worker over the caseload range.
    unallocated = people.filter(team__isnull=True).count()
    assert 15 <= unallocated <= 70
    for user_id in people.exclude(allocated_worker=None).values_list(
            "allocated_worker", flat=True).distinct():
        assert people.filter(allocated_worker_id=user_id).count() <= CASELOAD_RANGE[1]
    # A worker's people are in the worker's team (so the team's caseload view agrees).
    for person in people.exclude(allocated_worker=None).select_related("allocated_worker"):
        role = StaffRole.objects.get(user=person.allocated_worker, authority=council)
        assert person.team_id == role.team_id


def test_generate_people_twice_tops_up_without_clashing_identifiers(council):
    run("generate_people", "--authority", council.code, "--count", "200", "--seed", "1")
    run("generate_people", "--authority", council.code, "--count", "200", "--seed", "1")
    people = Person.objects.filter(authority=council)
    assert people.count() == 400
    assert people.values("chi_number").distinct().count() == 400
    # Caseloads count the people already held.
    for user_id in people.exclude(allocated_worker=None).values_list(
            "allocated_worker", flat=True).distinct():
        assert people.filter(allocated_worker_id=user_id).count() <= CASELOAD_RANGE[1]


def test_unknown_authority_is_a_command_error_naming_the_code(council):
    with pytest.raises(CommandError, match="S99999999"):
        run("generate_people", "--authority", "S99999999", "--count", "5")


@pytest.mark.parametrize("count", ["0", "-3"])
def test_a_non_positive_count_is_a_command_error(council, count):
    with pytest.raises(CommandError, match="--count must be a positive"):
        run("generate_people", "--authority", council.code, "--count", count)


def test_dry_run_saves_nothing(council):
    output = run("generate_people", "--authority", council.code, "--count", "300",
                 "--dry-run", "--seed", "2")
    assert Person.objects.count() == 0
    assert "Generated 300 people" in output and "dry run" in output


def test_no_history_writes_no_history(council):
    run("generate_people", "--authority", council.code, "--count", "50", "--no-history")
    assert Person.objects.count() == 50
    assert Person.history.count() == 0


def test_fast_history_rows_equal_simple_historys_own(council):
    """HistoryWriter writes what bulk_create_with_history writes, field for field."""
    other = Authority.objects.create(name="Other Council", code="S12000050",
                                     country="scotland")
    rows = generate_people(seed=9, authority=council, count=120)
    bulk_load_people(authority=council, rows=rows, batch_size=50, fast_history=True)
    bulk_load_people(authority=other, rows=rows, batch_size=50, fast_history=False)
    skip = {"history_id", "id", "authority", "team", "allocated_worker", "history_date",
            "created_at", "updated_at"}

    def history(model, **where):
        fields = [f.attname for f in model.history.model._meta.concrete_fields
                  if f.name not in skip and f.attname.removesuffix("_id") not in skip]
        fields = [f for f in fields if f != "person_id"]
        return sorted(model.history.filter(**where).values_list(*fields))

    assert history(Person, authority_id=council.pk) == history(Person, authority_id=other.pk)
    fast = history(CommunicationNeed, person_id__in=Person.objects.filter(
        authority=council).values("id"))
    slow = history(CommunicationNeed, person_id__in=Person.objects.filter(
        authority=other).values("id"))
    assert fast == slow and fast
    record = Person.history.filter(authority_id=council.pk).first()
    person = Person.objects.get(pk=record.id)
    assert record.history_date is not None
    assert (record.created_at, record.updated_at) == (person.created_at, person.updated_at)
    assert record.history_change_reason == "Synthetic person generated"


# --- demo_load -------------------------------------------------------------------------------


def counts() -> dict[str, int]:
    return {
        "authorities": Authority.objects.count(),
        "teams": Team.objects.count(),
        "users": User.objects.count(),
        "staff_roles": StaffRole.objects.count(),
        "people": Person.objects.count(),
        "needs": CommunicationNeed.objects.count(),
        "relationships": Relationship.objects.count(),
        "consents": Consent.objects.count(),
        "person_history": Person.history.count(),
        "planned_services": PlannedService.objects.count(),
        "financial_assessments": FinancialAssessment.objects.count(),
        "contributions": Contribution.objects.count(),
    }


def test_demo_load_twice_gives_the_same_counts():
    output = run("demo_load", "--people", DEMO_PEOPLE)
    first = counts()
    run("demo_load", "--people", DEMO_PEOPLE)
    assert counts() == first
    assert first["authorities"] == 2
    assert first["teams"] == 4
    assert first["people"] == int(DEMO_PEOPLE)
    assert first["relationships"] == 3
    # Carer given; advocate given, then withdrawn; a family contribution to an assessment.
    assert first["consents"] == 4
    # Charging in both authorities: people assessed, people with only free services (never
    # asked), people waiting for an assessment.
    for code, country in (("S12000036", "scotland"), ("E08000003", "england")):
        assert Contribution.objects.filter(authority__code=code, basis="assessed").exists()
        free_only = (Person.objects.filter(authority__code=code, planned_services__isnull=False)
                     .exclude(planned_services__service_type__in=set(ServiceType.values)
                              - FREE_BY_LAW[country]))
        assert free_only.exists()
        assert not FinancialAssessment.objects.filter(person__in=free_only).exists()
    # The person's own choice of options (Option 4) and a plan being written.
    own = OptionChoice.objects.get(person__user__username="edinburgh.person")
    assert own.label == "Option 4 (options 1 and 3)"
    assert SupportPlan.objects.filter(person=own.person, status="draft").exists()
    assert Authority.objects.get(code="S12000036").name == "City of Edinburgh Council"
    assert Authority.objects.get(code="E08000003").country == "england"
    for username, _ in demo_logins():
        assert username in output


DEMO_CODES = ("S12000036", "E08000003")


def demo_snapshot() -> dict[str, object]:
    """What a newcomer sees of the demo's people, without database ids: who they are, their
    numbers, who holds them, their needs, services, contributions and direct payments."""
    from selfdirect.payments.models import Schedule

    people = (Person.objects.filter(authority__code__in=DEMO_CODES)
              .select_related("authority", "team", "allocated_worker", "user"))
    rows = sorted(
        (p.authority.code, p.given_name, p.family_name, p.date_of_birth.isoformat(),
         p.chi_number, p.nhs_number, p.postcode, p.phone, p.client_group,
         p.team.name if p.team else "", p.allocated_worker.username if p.allocated_worker else "",
         p.user.username if p.user else "",
         tuple(sorted(p.communication_needs.values_list("kind", "detail"))),
         tuple(sorted(p.planned_services.values_list("service_type", "weekly_cost"))),
         tuple(sorted(p.contributions.values_list("basis", "weekly_amount"))),
         tuple(sorted(Schedule.objects.filter(person=p).values_list("funding_stream", "starts_on"))))
        for p in people)
    relationships = sorted(Relationship.objects.filter(person__authority__code__in=DEMO_CODES)
                           .values_list("user__username", "person__given_name",
                                        "person__family_name", "name", "phone"))
    return {"people": rows, "relationships": relationships}


def test_demo_is_the_same_whatever_the_database_already_holds():
    """The seed comes from each authority's code and the day from --today, never from a
    database id: a load on a database that already holds another council, its people and
    (on PostgreSQL) sequences moved on by a rolled-back load, gives the same people."""
    day = "2026-12-07"
    with transaction.atomic():
        run("demo_load", "--people", DEMO_PEOPLE, "--today", day)
        on_empty = demo_snapshot()
        transaction.set_rollback(True)
    assert not Person.objects.exists()

    other = Authority.objects.create(name="Fife Council", code="S12000047", country="scotland")
    for _ in range(25):
        PersonFactory(authority=other)
    run("demo_load", "--people", DEMO_PEOPLE, "--today", day)
    assert demo_snapshot() == on_empty
    assert Person.objects.filter(authority=other).count() == 25
    # The cases the demo promises are built, not hoped for: in each council, people with
    # only free services who are never asked about money.
    for code, country in (("S12000036", "scotland"), ("E08000003", "england")):
        free_only = (Person.objects.filter(authority__code=code, planned_services__isnull=False)
                     .exclude(planned_services__service_type__in=set(ServiceType.values)
                              - FREE_BY_LAW[country]).distinct())
        assert free_only.count() == 2, code
        assert not FinancialAssessment.objects.filter(person__in=free_only).exists()


def test_demo_today_and_seed_change_what_is_drawn():
    day = "2028-02-29"
    with transaction.atomic():
        run("demo_load", "--people", DEMO_PEOPLE, "--today", day)
        first = demo_snapshot()
        transaction.set_rollback(True)
    run("demo_load", "--people", DEMO_PEOPLE, "--today", day, "--seed", "7")
    assert demo_snapshot()["people"] != first["people"]
    # Ages are worked out on the day given: nobody is born after it.
    assert not Person.objects.filter(date_of_birth__gt="2028-02-29").exists()


@pytest.mark.parametrize("bad", ["29/02/2028", "2027-02-29", "tomorrow"])
def test_demo_today_must_be_a_real_date(bad):
    with pytest.raises(CommandError, match="--today must be a date like"):
        run("demo_load", "--people", DEMO_PEOPLE, "--today", bad)


def test_demo_load_reset_reloads_the_same_numbers():
    run("demo_load", "--people", DEMO_PEOPLE)
    first = counts()
    run("demo_load", "--people", DEMO_PEOPLE, "--reset")
    after = counts()
    assert {k: v for k, v in after.items() if k != "person_history"} == {
        k: v for k, v in first.items() if k != "person_history"}


def test_demo_load_needs_enough_people():
    with pytest.raises(CommandError, match="--people"):
        run("demo_load", "--people", "3")


def signs_in(username: str) -> bool:
    """As the sign-in page does, with the request django-axes needs."""
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    return authenticate(request, username=username, password=DEMO_PASSWORD) is not None


def test_every_demo_login_authenticates_with_the_demo_password():
    run("demo_load", "--people", DEMO_PEOPLE)
    for username, _ in demo_logins():
        assert signs_in(username), username
    assert not User.objects.filter(is_superuser=True).exists()


def test_superuser_only_when_asked():
    run("demo_load", "--people", DEMO_PEOPLE, "--with-superuser")
    admin = User.objects.get(is_superuser=True)
    assert signs_in(admin.username)


def test_staff_hold_the_roles_the_table_promises():
    run("demo_load", "--people", DEMO_PEOPLE)
    for member in demo_staff():
        role = StaffRole.objects.get(user__username=member.username,
                                     authority__code=member.authority_code, role=member.role)
        assert member.role in Role.values
        if member.role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER):
            assert role.team is not None and role.team.authority_id == role.authority_id
    both = StaffRole.objects.filter(user__username="both.team_manager")
    assert both.values("authority").distinct().count() == 2
    for user in User.objects.filter(staff_roles__isnull=False).distinct():
        assert user.first_name and user.last_name


def fresh(username: str) -> User:
    return User.objects.get(username=username)  # no cached roles or portal flags


def test_portal_logins_see_what_the_rules_allow():
    run("demo_load", "--people", DEMO_PEOPLE)
    own = Person.objects.get(user__username="edinburgh.person")
    assert fresh("edinburgh.person").has_perm("people.view_person", own)

    carer = Relationship.objects.get(user__username="edinburgh.carer")
    assert carer.kind == "unpaid_carer" and carer.access == "view" and carer.consent_given
    assert fresh("edinburgh.carer").has_perm("people.view_person", carer.person)
    assert not fresh("edinburgh.carer").has_perm("people.act_for_person", carer.person)

    attorney = Relationship.objects.get(user__username="edinburgh.attorney")
    assert attorney.kind == "welfare_attorney" and attorney.access == "act"
    assert attorney.powers_held and attorney.document_reference
    assert fresh("edinburgh.attorney").has_perm("people.act_for_person", attorney.person)

    advocate = Relationship.objects.get(user__username="edinburgh.advocate")
    assert advocate.kind == "advocate" and advocate.access == "view"
    assert not advocate.consent_given
    decisions = list(advocate.consents.order_by("id").values_list("decision", flat=True))
    assert decisions == ["given", "withdrawn"]
    user = fresh("edinburgh.advocate")
    assert not user.has_perm("people.view_person", advocate.person)
    assert not any(user.has_perm("people.view_person", p) for p in Person.objects.all())

    # Four different people, all in Edinburgh.
    people = {own.pk, carer.person_id, attorney.person_id, advocate.person_id}
    assert len(people) == len(PORTAL_LOGINS)
    assert set(Person.objects.filter(pk__in=people).values_list(
        "authority__code", flat=True)) == {"S12000036"}


def test_demo_people_with_communication_needs():
    run("demo_load", "--people", DEMO_PEOPLE)
    deaf = Person.objects.get(communication_needs__kind="bsl_interpreter",
                              communication_needs__detail__startswith="Deaf, uses BSL")
    assert set(deaf.communication_needs.values_list("kind", flat=True)) == {
        "bsl_interpreter", "face_to_face_only"}
    assert deaf.contact_preference != "phone"
    pen = Person.objects.get(communication_needs__kind="cannot_write",
                             communication_needs__detail__startswith="Cannot hold a pen:")
    assert pen.authority.code == "S12000036"
    # Set through the service, so the change has history with the manager as its author.
    record = deaf.communication_needs.get(kind="bsl_interpreter").history.first()
    assert record.history_user.username == "edinburgh.team_manager"


def test_every_demo_login_reaches_its_dashboard_and_its_main_page(client):
    """What a newcomer does after make demo: sign in as each role and look around."""
    from django.urls import reverse

    from selfdirect.people.models import Person

    run("demo_load", "--people", DEMO_PEOPLE)
    for username, _ in demo_logins():
        client.logout()
        response = client.post(reverse("sign-in"),
                               {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        dashboard = client.get(response.url)
        assert dashboard.status_code == 200, username
        html = dashboard.content.decode()
        if username.endswith(("social_worker", "social_worker2")):
            assert "People allocated to you" in html, username
        if username in ("edinburgh.person", "edinburgh.carer", "edinburgh.attorney"):
            person = Person.objects.filter(
                relationships__user__username=username).first() or Person.objects.get(
                user__username=username)
            assert client.get(reverse("person-detail", args=[person.pk])).status_code == 200
        if username == "edinburgh.advocate":
            assert "not linked to any records" in html


def test_the_demo_shows_the_assessment_stage():
    from selfdirect.assessments.models import Assessment, SelfReferral
    from selfdirect.assessments.selectors import waiting_list

    run("demo_load", "--people", DEMO_PEOPLE)
    run("demo_load", "--people", DEMO_PEOPLE)  # idempotent
    # Five from the assessment stage; each other demo budget has an assessment of its own.
    from selfdirect.allocation.models import IndicativeBudget

    others = IndicativeBudget.objects.exclude(person__user__username="edinburgh.person")
    assert Assessment.objects.count() == 5 + others.count()
    assert SelfReferral.objects.count() == 2
    worker = User.objects.get(username="edinburgh.social_worker")
    rows = waiting_list(user=worker)
    assert any(r.past_target for r in rows)
    own = Assessment.objects.get(person__user__username="edinburgh.person")
    assert own.from_self_assessment and own.outcomes.count() == 1


def test_the_demo_shows_the_budget_stage():
    from selfdirect.allocation.models import (
        AllocationEnvelope,
        EmployerCosting,
        FundingLine,
        IndicativeBudget,
        PanelMeeting,
    )
    from selfdirect.allocation.panel import panel_agenda
    from selfdirect.allocation.selectors import budget_explanation

    run("demo_load", "--people", DEMO_PEOPLE)
    run("demo_load", "--people", DEMO_PEOPLE)  # idempotent
    edinburgh = Authority.objects.get(code="S12000036")
    agreed = IndicativeBudget.objects.filter(state="agreed")
    assert agreed.count() >= 3
    assert all(b.adjustments.count() == 1 for b in agreed)
    assert all(not b.needs_panel for b in agreed)
    waiting = panel_agenda(edinburgh)
    assert len(waiting) >= 2  # the exception and the large adjustment, at least
    assert PanelMeeting.objects.filter(authority=edinburgh).count() == 1
    envelope = AllocationEnvelope.objects.get(authority=edinburgh)
    assert envelope.amount > sum(b.total for b in agreed)
    own = IndicativeBudget.objects.get(person__user__username="edinburgh.person")
    assert own.state == "indicative"
    assert EmployerCosting.objects.filter(budget=own).count() == 2
    assert FundingLine.objects.filter(budget=own, stream="health").count() == 1
    assert own.total >= sum(c.yearly_total for c in own.employer_costings.all())
    for budget in IndicativeBudget.objects.all():
        explanation = budget_explanation(budget)
        assert sum(line.amount for line in explanation.money_lines) == budget.total
