"""A second factor for staff: an authenticator app (TOTP), with single-use recovery codes.

django-otp does the cryptography, the devices and the throttling of wrong codes
(docs/security.md, "Second factor for staff"): a ``TOTPDevice`` is the authenticator
app, a ``StaticDevice`` holds the recovery codes, and ``django_otp.login`` marks a session
verified (``OTPMiddleware`` reads it back as ``request.user.otp_device``). This module
says who must use one, sets one up, checks a code, lets the account's owner make new
recovery codes or replace their app, and lets an administrator reset a lost one;
``accounts.middleware.SecondFactorMiddleware`` enforces it.

Who must: every account with an active staff role (``authorities.StaffRole``), and anyone
who may use the Django admin, while ``STAFF_SECOND_FACTOR`` is on. Anyone else (the
person, their carers and representatives) may set one up, and is then asked for a code at
every sign-in too, whatever the setting.
"""

from __future__ import annotations

import base64
import datetime
import enum
from dataclasses import dataclass
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from selfdirect.accounts.lockouts import accounts_of_authorities, administered_authority_ids
from selfdirect.accounts.models import SignInEvent, User
from selfdirect.accounts.signed_in import signed_in_user
from selfdirect.authorities.selectors import user_roles
from selfdirect.core.rate_limits import client_ip

RESET_PERMISSION = "accounts.reset_second_factor"
RECOVERY_CODE_COUNT = 10
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# Set at sign-in when the account has a second factor: such a session must give a code
# before anything else, whatever STAFF_SECOND_FACTOR says (read from the session, so the
# check costs no query on every page).
SESSION_KEY = "selfdirect_second_factor"


def staff_second_factor_on() -> bool:
    return bool(getattr(settings, "STAFF_SECOND_FACTOR", True))


def must_use_second_factor(user: Any) -> bool:
    """Staff (an active role in any authority) and anyone who may use the Django admin."""
    return bool(user.is_staff or user.is_superuser or user_roles(user).is_staff_anywhere)


def app_device(user: Any, *, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("pk").first()


def recovery_device(user: Any) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(request: HttpRequest) -> bool:
    return getattr(request.user, "otp_device", None) is not None


def second_factor_pending(request: HttpRequest) -> bool:
    """A signed-in session that must give a code (or set up an app) before going on."""
    user = request.user
    if not user.is_authenticated or is_verified(request):
        return False
    if second_factor_required(user):
        return True
    if request.session.get(SESSION_KEY):
        if has_second_factor(user):
            return True
        request.session.pop(SESSION_KEY)  # reset by an administrator since sign-in
    return False


def second_factor_required(user: Any) -> bool:
    """Must this account use a second factor whether or not it has set one up?"""
    return staff_second_factor_on() and must_use_second_factor(user)


@receiver(user_logged_in, dispatch_uid="selfdirect.accounts.second_factor_at_sign_in")
def note_second_factor(sender: Any, request: HttpRequest | None = None, user: Any = None,
                       **kwargs: Any) -> None:
    """At sign-in, note in the session whether the account has an authenticator app."""
    if request is None or not hasattr(request, "session") or user is None:
        return
    if has_second_factor(user):
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)


# --- Setting up an app --------------------------------------------------------------------


def enrolment_device(user: User) -> TOTPDevice:
    """The app being set up: an unconfirmed device, made once and kept until confirmed,
    so the QR code stays the same if the page is opened again."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as an app asks for it when typed: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The setup address (``otpauth://``) as a QR code, an SVG ``data:`` URI (the CSP
    allows ``img-src data:``): drawn in Python by segno, no native library."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4)


@dataclass(frozen=True)
class CodeCheck:
    """Whether a code was right; if throttled, how long to wait; any new recovery codes
    made with it, to be shown once."""

    ok: bool
    wait_seconds: int = 0
    codes: tuple[str, ...] = ()


class CodeKind(enum.Enum):
    """Which code was given: from the authenticator app, or a recovery code."""

    APP = "app"
    RECOVERY = "recovery"


def _throttled(device: Any) -> CodeCheck | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    if data and data.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        locked_until: datetime.datetime = data["locked_until"]
        wait = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))
        return CodeCheck(ok=False, wait_seconds=wait)
    return CodeCheck(ok=False)


def _log_in(request: HttpRequest, device: Any) -> None:
    # A new session key for the verified session, as at sign-in.
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session[SESSION_KEY] = True


def _app_confirm(request: HttpRequest, *, code: str, event: SignInEvent.Kind) -> CodeCheck:
    """Check the first code from the app being set up (the account's unconfirmed
    device). If it is right, it becomes the account's app, any other is deleted (only
    now), the session is verified with it, and ``event`` is recorded. Call inside a
    transaction."""
    user = signed_in_user(request)
    device = TOTPDevice.objects.select_for_update().filter(
        user=user, confirmed=False).order_by("pk").first()
    if device is None:
        return CodeCheck(ok=False)
    throttled = _throttled(device)
    if throttled:
        return throttled
    if not device.verify_token(code):
        return CodeCheck(ok=False)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    SignInEvent.objects.create(kind=event, username=user.username, account=user, actor=user,
                               ip_address=client_ip(request))
    _log_in(request, device)
    return CodeCheck(ok=True)


@transaction.atomic
def enrolment_confirm(request: HttpRequest, *, code: str) -> CodeCheck:
    """Check the first code from the app being set up. If it is right, the app becomes
    the account's second factor, the session is verified with it, and ten new recovery
    codes are made (replacing any), returned in the check to be shown once."""
    check = _app_confirm(request, code=code, event=SignInEvent.Kind.SECOND_FACTOR_ADDED)
    if not check.ok:
        return check
    user = signed_in_user(request)
    return CodeCheck(ok=True, codes=tuple(recovery_codes_replace(user)))


def recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in codes)
    return codes


def recovery_codes_left(user: Any) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device else 0


# --- Giving a code ---------------------------------------------------------------------


def _device(user: Any, kind: CodeKind) -> TOTPDevice | StaticDevice | None:
    return app_device(user) if kind is CodeKind.APP else recovery_device(user)


def _normalised(code: str, kind: CodeKind) -> str:
    return code if kind is CodeKind.APP else code.replace(" ", "").replace("-", "").lower()


def code_check(user: Any, *, kind: CodeKind, code: str) -> CodeCheck:
    """Check a code from the account's app, or one of its recovery codes (used up if
    right), without changing the session. django-otp's throttling applies: after a wrong
    code, the next is not checked for 1, 2, 4, 8… seconds (``OTP_TOTP_THROTTLE_FACTOR``,
    ``OTP_STATIC_THROTTLE_FACTOR``); an app's code is accepted only once."""
    device = _device(user, kind)
    if device is None:
        return CodeCheck(ok=False)
    throttled = _throttled(device)
    if throttled:
        return throttled
    verified = django_otp.verify_token(user, device.persistent_id, _normalised(code, kind))
    return CodeCheck(ok=verified is not None)


def code_verify(request: HttpRequest, *, kind: CodeKind, code: str) -> CodeCheck:
    """After the password: check the code (``code_check``); if right, verify the session
    with the device it came from."""
    check = code_check(request.user, kind=kind, code=code)
    if check.ok:
        device = _device(request.user, kind)
        assert device is not None
        _log_in(request, device)
    return check


def app_code_verify(request: HttpRequest, *, code: str) -> CodeCheck:
    """A code from the account's authenticator app, after the password."""
    return code_verify(request, kind=CodeKind.APP, code=code)


def recovery_code_verify(request: HttpRequest, *, code: str) -> CodeCheck:
    """A recovery code, after the password: if right, it is used up."""
    return code_verify(request, kind=CodeKind.RECOVERY, code=code)


# --- The account's owner: new recovery codes, a new app ------------------------------------

# How long after giving a code from the old app (or a recovery code) the new app may be
# set up in that session.
REPLACE_WINDOW = datetime.timedelta(minutes=10)
REPLACE_SESSION_KEY = "selfdirect_second_factor_replace"


@transaction.atomic
def recovery_codes_renew(request: HttpRequest, *, kind: CodeKind, code: str) -> CodeCheck:
    """A signed-in account with an app makes 10 new recovery codes, after giving a code
    from its app or a recovery code. The old codes stop working at once; the new ones
    are returned in the check, to be shown once. Recorded (``recovery_codes_renewed``)."""
    user = signed_in_user(request)
    if not has_second_factor(user):
        return CodeCheck(ok=False)
    check = code_check(user, kind=kind, code=code)
    if not check.ok:
        return check
    codes = recovery_codes_replace(user)
    SignInEvent.objects.create(kind=SignInEvent.Kind.RECOVERY_CODES_RENEWED,
                               username=user.username, account=user, actor=user,
                               ip_address=client_ip(request))
    return CodeCheck(ok=True, codes=tuple(codes))


@transaction.atomic
def app_replacement_start(request: HttpRequest, *, kind: CodeKind, code: str) -> CodeCheck:
    """The first step of replacing the account's app: a code from the old app (or a
    recovery code) proves it is the account's owner. If right, any new app half set up
    before is thrown away and a new one begun (an unconfirmed device, with a new key),
    and this session may finish setting it up for ``REPLACE_WINDOW``. The old app keeps
    working until the new one is confirmed."""
    user = signed_in_user(request)
    old = app_device(user)
    if old is None:
        return CodeCheck(ok=False)
    check = code_check(user, kind=kind, code=code)
    if check.ok:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
        request.session[REPLACE_SESSION_KEY] = {
            "device": old.pk, "until": (timezone.now() + REPLACE_WINDOW).isoformat()}
    return check


def app_replacement_allowed(request: HttpRequest) -> bool:
    """Whether this session gave a code for replacing its app, in the last
    ``REPLACE_WINDOW``, and still has that app and a new one being set up."""
    started = request.session.get(REPLACE_SESSION_KEY)
    if not isinstance(started, dict):
        return False
    try:
        until = datetime.datetime.fromisoformat(str(started.get("until")))
    except ValueError:
        return False
    old = app_device(request.user)
    if until < timezone.now() or old is None or old.pk != started.get("device"):
        request.session.pop(REPLACE_SESSION_KEY, None)
        return False
    return app_device(request.user, confirmed=False) is not None


def app_replacement_device(request: HttpRequest) -> TOTPDevice | None:
    """The new app being set up, if this session may set it up."""
    if not app_replacement_allowed(request):
        return None
    return app_device(request.user, confirmed=False)


@transaction.atomic
def app_replacement_confirm(request: HttpRequest, *, code: str) -> CodeCheck:
    """The second step: the first code from the new app. If right, the new app replaces
    the old one (deleted only now), this session is verified with the new one, and any
    other session verified with the old one must give a code again. The recovery codes
    stay as they are. Recorded (``second_factor_replaced``)."""
    if not app_replacement_allowed(request):
        return CodeCheck(ok=False)
    check = _app_confirm(request, code=code, event=SignInEvent.Kind.SECOND_FACTOR_REPLACED)
    if check.ok:
        request.session.pop(REPLACE_SESSION_KEY, None)
    return check


# --- An administrator resets a lost app ---------------------------------------------------


def accounts_with_second_factor(*, actor: User) -> QuerySet[User]:
    """The accounts of the authorities ``actor`` administers that have an app set up."""
    accounts = accounts_of_authorities(administered_authority_ids(actor))
    return (User.objects.filter(pk__in=accounts.values("pk"),
                                totpdevice__confirmed=True)
            .distinct().order_by("last_name", "first_name", "username"))


def account_for_reset(*, actor: User, account_id: int) -> User | None:
    """The account ``account_id`` names, if it has an app and ``actor`` may reset it;
    None otherwise (another authority's account is not disclosed; the refusal is
    recorded)."""
    account = User.objects.filter(pk=account_id).first()
    if account is None or not has_second_factor(account):
        return None
    if not actor.has_perm(RESET_PERMISSION, account):
        SignInEvent.objects.create(kind=SignInEvent.Kind.SECOND_FACTOR_RESET_REFUSED,
                                   username=account.username, account=account, actor=actor)
        return None
    return account


def recent_resets(*, actor: User, limit: int = 20) -> QuerySet[SignInEvent]:
    accounts = accounts_of_authorities(administered_authority_ids(actor))
    return (SignInEvent.objects.filter(account__in=accounts.values("pk"),
                                       kind=SignInEvent.Kind.SECOND_FACTOR_RESET)
            .select_related("account", "actor")[:limit])


@transaction.atomic
def second_factor_reset(*, actor: User, account: User) -> SignInEvent:
    """Delete ``account``'s app and recovery codes: they set up a new app at their next
    sign-in. Records who reset whom and when. Refused unless ``actor`` administers it."""
    if not actor.has_perm(RESET_PERMISSION, account):
        SignInEvent.objects.create(kind=SignInEvent.Kind.SECOND_FACTOR_RESET_REFUSED,
                                   username=account.username, account=account, actor=actor)
        raise PermissionDenied(f"Not allowed: {RESET_PERMISSION}")
    TOTPDevice.objects.filter(user=account).delete()
    StaticDevice.objects.filter(user=account).delete()
    return SignInEvent.objects.create(kind=SignInEvent.Kind.SECOND_FACTOR_RESET,
                                      username=account.username, account=account, actor=actor)
