"""Permission-matrix rows for signing in (see tests/test_permission_matrix.py).

- Resetting a forgotten password is open to anyone, signed in or not: the pages say the
  same whoever asks. The link's page here is one with a link that does not work.
- Sign-in lockouts: administrators, each of the accounts of the authorities they
  administer. The lockout asked about is Edinburgh's social worker's: Manchester's
  administrator does not find it (404), other roles are refused (403).
- The second factor (run here with ``STAFF_SECOND_FACTOR`` off, as the whole suite is):
  everyone signed in has "Your authenticator app" and may set one up; the pages that ask
  for a code are asked of accounts that have an app (here, every account). New recovery
  codes and replacing your app are for an account with an app (here, none: each is sent
  to "Your authenticator app"; tests/accounts/test_second_factor_self_service.py has the
  rest). Resetting a
  lost app: administrators, as for lockouts; the app asked about is Edinburgh's social
  worker's.
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.matrix import NOT_FOUND, OK, REFUSED, SIGN_IN, row

MATRIX: dict[str, dict[str, int]] = {
    "password-reset": row(OK),
    "password-reset-done": row(OK),
    "password-reset-confirm": row(OK),
    "password-reset-complete": row(OK),
    "sign-in-lockouts": row(REFUSED, anonymous=SIGN_IN, scot_administrator=OK,
                            eng_administrator=OK),
    "sign-in-lockout-unlock": row(REFUSED, anonymous=SIGN_IN, scot_administrator=OK,
                                  eng_administrator=NOT_FOUND),
    "second-factor": row(OK, anonymous=SIGN_IN),
    "second-factor-enrol": row(OK, anonymous=SIGN_IN),
    "second-factor-verify": row(OK, anonymous=SIGN_IN),
    "second-factor-recovery": row(OK, anonymous=SIGN_IN),
    # Your own recovery codes and app: for an account with an app, in a session verified
    # with it; anyone else is sent to "Your authenticator app" (here, nobody has one).
    "second-factor-new-codes": row(302, anonymous=SIGN_IN),
    "second-factor-replace": row(302, anonymous=SIGN_IN),
    "second-factor-replace-new": row(302, anonymous=SIGN_IN),
    "second-factor-resets": row(REFUSED, anonymous=SIGN_IN, scot_administrator=OK,
                                eng_administrator=OK),
    # The social worker, whose app it is, is asked for their own code first (302).
    "second-factor-reset": row(REFUSED, anonymous=SIGN_IN, scot_administrator=OK,
                               eng_administrator=NOT_FOUND, scot_social_worker=302),
}


def lock_out(username: str, ip_address: str = "203.0.113.7") -> AccessAttempt:
    """``username`` locked out at ``ip_address``, as django-axes records it."""
    return AccessAttempt.objects.create(
        username=username, ip_address=ip_address, user_agent="Test browser", http_accept="*/*",
        path_info="/sign-in/", get_data="", post_data="",
        failures_since_start=settings.AXES_FAILURE_LIMIT)


def url_for(page: str, users: dict[str, Any], person: Any) -> str:
    if page == "password-reset-confirm":
        return reverse(page, args=["MQ", "not-a-token"])
    if page == "sign-in-lockout-unlock":
        return reverse(page, args=[lock_out("scot_social_worker").pk])
    if page in ("second-factor-verify", "second-factor-recovery"):
        for user in users.values():
            TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
            StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    if page == "second-factor-reset":
        worker = users["scot_social_worker"]
        TOTPDevice.objects.create(user=worker, name="Authenticator app", confirmed=True)
        return reverse(page, args=[worker.pk])
    return reverse(page)
