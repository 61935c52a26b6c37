"""Who may unlock a sign-in, or reset a lost authenticator app: an administrator of an
authority the account belongs to (``accounts.lockouts.may_unlock``; docs/security.md,
"Signing in" and "Second factor for staff")."""

from __future__ import annotations

from typing import Any

import rules

from selfdirect.accounts.lockouts import may_unlock


@rules.predicate
def administers_account(user: Any, account: Any = None) -> bool:
    return may_unlock(user, account)


rules.add_perm("accounts.unlock_sign_in", administers_account)
# Resetting a lost authenticator app (accounts.second_factor): the same administrators,
# for the same accounts, as unlocking.
rules.add_perm("accounts.reset_second_factor", administers_account)
