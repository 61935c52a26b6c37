"""Who may see and do what in financial assessment and charging.

- ``charging.view_charging``: the person's worker and team manager, the authority's
  finance officers, the person, and whoever acts for them (``act`` access, a welfare
  attorney or guardian) see the contribution, its workings (which show income and
  capital) and the financial assessment (object: a person, or anything with ``person``).
  Someone the person let *see* their record (a carer with ``view`` access) does not see
  their money: that is a separate, narrower permission than seeing the person.
- ``charging.record_services``: whoever may change the person's record (worker, team
  manager) records the services a contribution applies to.
- ``charging.assess_finances``: the authority's finance officers, and the person's worker
  or team manager, carry out the financial assessment.
- ``charging.request_waiver``: the person (or someone acting for them), their worker or a
  finance officer asks for a hardship waiver.
- ``charging.decide_waiver``: the authority's finance officers and team managers decide
  one, never their own request (``services.waiver_decide``).
- ``charging.view_worklist``: finance officers and team managers see the authority's
  assessments to do and waivers to decide (object: an authority).
- ``charging.recalculate``: the authority's administrator or finance officers recalculate
  every contribution from a date (the yearly uprating).
"""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.authorities.models import Role
from selfdirect.authorities.selectors import user_roles
from selfdirect.people.rules import can_act_for_person, can_edit_person


def _person(obj: Any) -> Any:
    return getattr(obj, "person", obj)


def _authority_id(obj: Any) -> int:
    person = _person(obj)
    if hasattr(person, "authority_id"):
        return int(person.authority_id)
    return int(obj.pk)


def _has_role(user: Any, obj: Any, *wanted: str) -> bool:
    roles = user_roles(user)
    if obj is None:
        return bool(roles.authorities_with(*wanted))
    return roles.has(_authority_id(obj), *wanted)


@rules.predicate
def can_record_services(user: Any, obj: Any = None) -> bool:
    return bool(can_edit_person(user, None if obj is None else _person(obj)))


@rules.predicate
def is_finance_officer(user: Any, obj: Any = None) -> bool:
    return _has_role(user, obj, Role.FINANCE_OFFICER)


@rules.predicate
def can_act_for(user: Any, obj: Any = None) -> bool:
    return bool(can_act_for_person(user, None if obj is None else _person(obj)))


@rules.predicate
def can_decide_waiver(user: Any, obj: Any = None) -> bool:
    return _has_role(user, obj, Role.FINANCE_OFFICER, Role.TEAM_MANAGER)


@rules.predicate
def can_recalculate(user: Any, obj: Any = None) -> bool:
    return _has_role(user, obj, Role.FINANCE_OFFICER, Role.ADMINISTRATOR)


rules.add_perm("charging.view_charging", can_record_services | is_finance_officer | can_act_for)
rules.add_perm("charging.record_services", can_record_services)
rules.add_perm("charging.assess_finances", is_finance_officer | can_record_services)
rules.add_perm("charging.request_waiver", can_act_for | can_record_services | is_finance_officer)
rules.add_perm("charging.decide_waiver", can_decide_waiver)
rules.add_perm("charging.view_worklist", can_decide_waiver)
rules.add_perm("charging.recalculate", can_recalculate)
