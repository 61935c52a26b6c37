"""How many password reset emails anyone may ask for: ``PASSWORD_RESET_LIMIT_PER_EMAIL``
for one email address and ``PASSWORD_RESET_LIMIT_PER_IP`` from one client address, within
``PASSWORD_RESET_LIMIT_WINDOW_MINUTES`` (``core.rate_limits``, in Django's cache).

Over either limit nothing is sent, and the page answers exactly as it always does, so it
still tells nobody whether an account has the address. Each request held back is logged
(``selfdirect.accounts``: which limit, the client address, never the email address), and
the first held back in a window, for each email address or client address, is recorded
in ``SignInEvent`` (``reset_limit_email``, ``reset_limit_ip``) with the address typed and
the count: a record that cannot be flooded, as a lockout is recorded as it begins.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest

from selfdirect.accounts.models import SignInEvent, User
from selfdirect.core import rate_limits

logger = logging.getLogger("selfdirect.accounts")


def _limits() -> tuple[rate_limits.Limit, rate_limits.Limit]:
    """Read from the settings each time, so a change (or a test's) applies at once."""
    window = int(settings.PASSWORD_RESET_LIMIT_WINDOW_MINUTES) * 60
    return (rate_limits.Limit("password-reset:email",
                              int(settings.PASSWORD_RESET_LIMIT_PER_EMAIL), window),
            rate_limits.Limit("password-reset:ip", int(settings.PASSWORD_RESET_LIMIT_PER_IP),
                              window))


def password_reset_allowed(request: HttpRequest, *, email: str) -> bool:
    """Whether an email may be sent for this request; counts it if so. If not, logs it
    and records the first such request in the window."""
    by_email, by_ip = _limits()
    ip_address = rate_limits.client_address(request)
    checks = [(by_email, rate_limits.contact_digest(email)), (by_ip, ip_address)]
    reached = rate_limits.limits_reached(checks)
    if not reached:
        rate_limits.record_all(checks)
        return True
    for limit, value in reached:
        kind = (SignInEvent.Kind.RESET_LIMIT_EMAIL if limit is by_email
                else SignInEvent.Kind.RESET_LIMIT_IP)
        which = "this email address" if limit is by_email else "this client address"
        logger.warning("Password reset email not sent: %s reset emails asked for %s within "
                       "%s minutes (the limit), from %s", limit.used(value), which,
                       limit.window_seconds // 60, ip_address)
        if limit.first_refusal(value):
            SignInEvent.objects.create(
                kind=kind, username=email[:255],
                ip_address=rate_limits.client_ip(request),
                account=User.objects.filter(email__iexact=email).order_by("pk").first(),
                failures=limit.used(value))
    return False
