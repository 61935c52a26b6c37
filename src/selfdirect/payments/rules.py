"""Who may see and do what with payments. Objects are a person (or anything with
``person``), an authority, a provider or a support line, as each permission says.

- ``payments.view_payments``: what has been paid, what is due and the balance: the
  person, whoever acts for them, their worker and team manager, and the authority's
  finance officers (object: a person). Someone who may only *see* the person's record
  does not see their money, as with charging.
- ``payments.manage_direct_payments``: the authority's finance officers set up a
  person's schedule, record where the money goes and add one-off sums (object: a person
  or an authority).
- ``payments.run_payments``: finance officers prepare, approve (never a run they
  prepared: ``runs.run_approve``), post and download payment runs (object: an authority).
- ``payments.switch_cover``: the person's worker or a team manager switches an Option 1
  line to council-arranged cover for a while and back (object: a person).
- ``payments.record_hours``: the people who work for a provider record the hours it
  delivered on lines referred to it; finance officers may too, from a timesheet
  (object: a provider, or a person for finance).
- ``payments.manage_invoices``: finance officers check, query and approve invoices
  (object: an authority).
- ``payments.monitor``: finance officers and the person's worker import statements and
  see what was flagged; the person (or whoever acts for them) sends a simple return
  (object: a person).
- ``payments.propose_recovery``: finance officers and the person's worker propose
  recovering unspent money and send the notice (object: a person).
- ``payments.decide_recovery``: a team manager or finance officer decides, never on a
  recovery they proposed (``recovery.recovery_decide``) (object: a person).
- ``payments.send_return``: the person or whoever acts for them sends the simple return
  for people who keep receipts; their worker or finance may record one for them.
- ``payments.respond_recovery``: the person or whoever acts for them answers a notice;
  their worker may record an answer given another way (object: a person).
- ``payments.view_reconciliation``: finance officers and commissioners see the report
  for their authority (object: an authority).
"""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.authorities.models import Role
from selfdirect.authorities.selectors import user_roles
from selfdirect.people.rules import can_act_for_person, can_edit_person


def _person(obj: Any) -> Any:
    """The person an object belongs to: a support line's plan's person, a payment's or
    a recovery's person, or the person themself; None for an authority or a provider."""
    if hasattr(obj, "plan"):
        return obj.plan.person
    if hasattr(obj, "person"):
        return obj.person
    return obj if hasattr(obj, "authority_id") and hasattr(obj, "family_name") else None


def _authority_id(obj: Any) -> int | None:
    from selfdirect.authorities.models import Authority

    if isinstance(obj, Authority):
        return int(obj.pk)
    person = _person(obj)
    return None if person is None else int(person.authority_id)


def _has_role(user: Any, obj: Any, *wanted: str) -> bool:
    roles = user_roles(user)
    if obj is None:
        return bool(roles.authorities_with(*wanted))
    authority_id = _authority_id(obj)
    return authority_id is not None and roles.has(authority_id, *wanted)


@rules.predicate
def is_finance_officer(user: Any, obj: Any = None) -> bool:
    return _has_role(user, obj, Role.FINANCE_OFFICER)


@rules.predicate
def is_team_manager_or_finance(user: Any, obj: Any = None) -> bool:
    return _has_role(user, obj, Role.TEAM_MANAGER, Role.FINANCE_OFFICER)


@rules.predicate
def is_finance_or_commissioner(user: Any, obj: Any = None) -> bool:
    return _has_role(user, obj, Role.FINANCE_OFFICER, Role.COMMISSIONER)


@rules.predicate
def is_worker_or_manager(user: Any, obj: Any = None) -> bool:
    """The person's worker (their caseload) or a team manager of their authority."""
    if obj is None:
        return bool(can_edit_person(user, None))
    person = _person(obj)
    return person is not None and bool(can_edit_person(user, person))


@rules.predicate
def can_act_for(user: Any, obj: Any = None) -> bool:
    if obj is None:
        return bool(can_act_for_person(user, None))
    person = _person(obj)
    return person is not None and bool(can_act_for_person(user, person))


@rules.predicate
def works_for_provider(user: Any, obj: Any = None) -> bool:
    """Works for a provider (no object), for this provider, or for a provider that
    accepted a referral of this support line."""
    from selfdirect.planning.models import Referral, SupportLine
    from selfdirect.providers.models import Provider, ProviderMember

    if not getattr(user, "is_authenticated", False):
        return False
    members = ProviderMember.objects.filter(user=user, active=True)
    if obj is None:
        return members.exists()
    if isinstance(obj, Provider):
        return members.filter(provider=obj).exists()
    if isinstance(obj, SupportLine):
        return Referral.objects.filter(
            line=obj, status=Referral.Status.ACCEPTED,
            provider__in=members.values("provider")).exists()
    return False


rules.add_perm("payments.view_payments", is_worker_or_manager | is_finance_officer | can_act_for)
rules.add_perm("payments.manage_direct_payments", is_finance_officer)
rules.add_perm("payments.run_payments", is_finance_officer)
rules.add_perm("payments.switch_cover", is_worker_or_manager)
rules.add_perm("payments.record_hours", works_for_provider | is_finance_officer)
rules.add_perm("payments.manage_invoices", is_finance_officer)
rules.add_perm("payments.monitor", is_finance_officer | is_worker_or_manager)
rules.add_perm("payments.send_return", can_act_for | is_worker_or_manager | is_finance_officer)
rules.add_perm("payments.propose_recovery", is_finance_officer | is_worker_or_manager)
rules.add_perm("payments.decide_recovery", is_team_manager_or_finance)
rules.add_perm("payments.respond_recovery", can_act_for | is_worker_or_manager)
rules.add_perm("payments.view_reconciliation", is_finance_or_commissioner)
