"""Scenario 9. A family member as PA.

Iona, who lives on a remote island, asks to employ her daughter as her PA because no
agency covers the island. The exception is recorded with the reason (remote area, no
suitable provider) and a named approver.

Iona's plan has a direct-payment line for a personal assistant. Her worker records the
request with the conditions the 2014 Regulations set (Iona and her daughter both agree;
her daughter can meet her needs) and the circumstance that applies (a limited choice of
providers). Until a team manager approves it, the plan cannot be agreed. The manager's
name and reasons are kept; Iona's daughter does not live with her, so PVG membership is
needed.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from selfdirect.allocation import services as allocation
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.planning import plans
from selfdirect.planning.models import FamilyCircumstance, FamilyPaException
from selfdirect.planning.services import option_choice_record
from tests.allocation.matrix_budget import make_budget

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 25)
WHY = "Iona lives on Colonsay: no care agency covers the island, and none will travel."


def test_iona_employs_her_daughter_with_a_named_approver(cast):
    users, iona = cast
    worker, manager = users["scot_social_worker"], users["scot_team_manager"]
    budget = make_budget(users, iona)
    allocation.budget_propose(actor=worker, budget=budget)
    allocation.budget_agree(actor=manager, budget=budget, reason="Meets her assessed needs")
    outcome = PersonalOutcome.objects.create(
        person=iona, in_own_words="I want to stay in my own croft and get up when I choose",
        state=PersonalOutcome.State.AGREED, agreed_on=DAY, created_by=worker)
    option_choice_record(actor=worker, person=iona, options=["1"], decided_on=DAY,
                         present="Iona, her daughter Catriona, and her worker")
    plan = plans.plan_start(actor=worker, person=iona)
    line = plans.line_add(
        actor=worker, plan=plan, expected_version=plan.version, outcome=outcome,
        what="A personal assistant each morning", who_kind="pa", who_name="Catriona (daughter)",
        weekly_cost=budget.total // 52, option="1", service_type="personal_care",
        contingency="If Catriona is ill, the neighbour Ruaridh covers and the worker arranges "
                    "the GP practice's nurse")
    plan.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        plans.family_pa_request(
            actor=worker, plan=plan, expected_version=plan.version, family_member="Catriona",
            relationship="daughter", reason=WHY, circumstances=[], both_agree=False,
            can_meet_needs=True, line=line)
    assert {"both_agree", "circumstances"} <= set(refused.value.message_dict)

    exception = plans.family_pa_request(
        actor=worker, plan=plan, expected_version=plan.version, family_member="Catriona",
        relationship="daughter", reason=WHY, circumstances=[FamilyCircumstance.LIMITED_CHOICE],
        both_agree=True, can_meet_needs=True, lives_with_person=False, line=line)
    assert exception.pvg_needed is True
    assert exception.circumstance_labels == [FamilyCircumstance.LIMITED_CHOICE.label]
    assert "family_pa" in plans.plan_problems(plan)

    with pytest.raises(PermissionDenied):  # a named approver decides, not the worker
        plans.family_pa_decide(actor=worker, exception=exception, approve=True, reason="x")
    decided = plans.family_pa_decide(actor=manager, exception=exception, approve=True,
                                     reason="No provider covers Colonsay; Catriona knows her "
                                            "routines and Iona wants her.")
    assert decided.status == FamilyPaException.Status.APPROVED
    assert decided.decided_by == manager and decided.decision_reason
    assert plans.plan_problems(plan) == {}
    assert decided.history.count() == 2
