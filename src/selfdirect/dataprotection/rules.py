"""Who may export what is held about a person, and decide what happens to records past
their retention period: the data protection officer, for their own council only.

- ``dataprotection.export_person``: a data protection officer of the person's council
  (object: a person). Without an object: holds the role in some council.
- ``dataprotection.view_retention`` and ``dataprotection.approve_retention``: a data
  protection officer of the council (object: an authority).

No other role holds them, administrators and superusers included. The administrator
sees no person's record (docs/permissions.md); a subject-access export is the whole
record, so it is the data protection officer's job alone, and each one is logged
(docs/dataprotection.md, "Who may do it"). A superuser's permissions are decided by the
rules alone (``accounts.models.User.has_perm``).
"""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.authorities.models import Authority, Role
from selfdirect.authorities.selectors import user_roles
from selfdirect.people.models import Person


@rules.predicate
def is_data_protection_officer_for_person(user: Any, person: Person | None = None) -> bool:
    roles = user_roles(user)
    if person is None:
        return bool(roles.authorities_with(Role.DATA_PROTECTION))
    return roles.has(person.authority_id, Role.DATA_PROTECTION)


@rules.predicate
def is_data_protection_officer(user: Any, authority: Authority | None = None) -> bool:
    roles = user_roles(user)
    if authority is None:
        return bool(roles.authorities_with(Role.DATA_PROTECTION))
    return roles.has(authority.pk, Role.DATA_PROTECTION)


rules.add_perm("dataprotection.export_person", is_data_protection_officer_for_person)
rules.add_perm("dataprotection.view_retention", is_data_protection_officer)
rules.add_perm("dataprotection.approve_retention", is_data_protection_officer)
