"""The second factor's pages: your authenticator app, setting one up, giving a code (or a
recovery code) after the password, making new recovery codes, replacing your app, and the
administrators' reset of a lost app (docs/security.md, "Second factor for staff").

Every page that asks for a code does it one way (``_code_form``): the GOV.UK form for a
code from the app or for a recovery code, the code checked by a service, and a wrong
code's message naming the field. Pages that set up an app share ``_app_setup_context``
(the QR code and the key written out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from selfdirect.accounts.middleware import second_factor_page
from selfdirect.accounts.second_factor import (
    RECOVERY_CODE_COUNT,
    RESET_PERMISSION,
    SESSION_KEY,
    CodeCheck,
    CodeKind,
    account_for_reset,
    accounts_with_second_factor,
    app_device,
    app_replacement_confirm,
    app_replacement_device,
    app_replacement_start,
    code_verify,
    enrolment_confirm,
    enrolment_device,
    has_second_factor,
    is_verified,
    qr_code_data_uri,
    recent_resets,
    recovery_codes_left,
    recovery_codes_renew,
    second_factor_pending,
    second_factor_required,
    second_factor_reset,
    secret_text,
)
from selfdirect.accounts.second_factor_forms import (
    CODE,
    RECOVERY,
    CodeForm,
    RecoveryCodeForm,
    wrong_code_message,
)
from selfdirect.accounts.signed_in import signed_in_user
from selfdirect.core.forms import GovukMessagesForm
from selfdirect.core.permissions import authenticated, permission_required

# On a page that takes either kind of code: ``?using=recovery-code`` asks for a recovery
# code instead of one from the app.
USING = "using"
USING_RECOVERY = "recovery-code"


# --- Shared parts ---------------------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    value = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: never another host, never a bare word (which redirect()
    # would take for a view name), never a NUL.
    if (value.startswith("/") and "\x00" not in value
            and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())):
        return value
    return reverse("dashboard")


def _with_query(name: str, **query: str) -> str:
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def _with_next(name: str, next_url: str) -> str:
    return _with_query(name, next=next_url)


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    if second_factor_pending(request):
        # No menu until the code is given: every link in it would come back here.
        context["nav_items"] = []
    return render(request, template, context)


def _posted(request: HttpRequest) -> Any:
    """What was sent, or None to show an empty form (an empty POST is still sent)."""
    return request.POST if request.method == "POST" else None


FORMS: dict[CodeKind, tuple[type[GovukMessagesForm], str]] = {
    CodeKind.APP: (CodeForm, CODE),
    CodeKind.RECOVERY: (RecoveryCodeForm, RECOVERY),
}


def _code_form(request: HttpRequest, kind: CodeKind,
               check: Callable[[str], CodeCheck]) -> tuple[GovukMessagesForm, CodeCheck | None]:
    """The form asking for a code of ``kind``. On a POST with a well-formed code, the
    code goes to ``check`` (a service): returns the check if the code was right;
    otherwise the form carries the message, naming the field (throttled: how long to
    wait)."""
    form_class, label = FORMS[kind]
    form = form_class(_posted(request))
    if form.is_bound and form.is_valid():
        result = check(form.cleaned_data["code"])
        if result.ok:
            return form, result
        form.add_error("code", wrong_code_message(label, result.wait_seconds))
    return form, None


def _kind_asked(request: HttpRequest) -> CodeKind:
    return CodeKind.RECOVERY if request.GET.get(USING) == USING_RECOVERY else CodeKind.APP


def _app_setup_context(device: TOTPDevice) -> dict[str, Any]:
    """The QR code to scan and the key written out, for a page that sets up an app."""
    return {"qr_code": qr_code_data_uri(device), "secret": secret_text(device)}


def _recovery_codes_page(request: HttpRequest, codes: tuple[str, ...], next_url: str, *,
                         title: str) -> HttpResponse:
    """New recovery codes, shown on this response only (the page is ``never_cache``)."""
    return render(request, "accounts/second_factor_recovery_codes.html", {
        "codes": codes, "next": next_url, "title": title})


# --- Your authenticator app -----------------------------------------------------------------


@authenticated
def second_factor_status(request: HttpRequest) -> HttpResponse:
    """Your authenticator app: whether you have one, and setting one up; new recovery
    codes, and replacing the app, for an account that has one."""
    user = request.user
    device = app_device(user)
    return render(request, "accounts/second_factor_status.html", {
        "device": device, "codes_left": recovery_codes_left(user) if device else 0,
        "required": second_factor_required(user)})


@authenticated
@second_factor_page
@never_cache
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: the QR code and the key written out, then the first
    code to confirm it; then the recovery codes, shown once."""
    next_url = _next_url(request)
    user = request.user
    if has_second_factor(user):
        # Someone with only the password must not be able to add their own app: an app is
        # replaced only from a session verified with the old one (or a recovery code),
        # or after an administrator's reset.
        if is_verified(request):
            return redirect("second-factor")
        return redirect(_with_next("second-factor-verify", next_url))
    device = enrolment_device(signed_in_user(request))
    form, check = _code_form(request, CodeKind.APP,
                             lambda code: enrolment_confirm(request, code=code))
    if check:
        return _recovery_codes_page(request, check.codes, next_url,
                                    title="Your authenticator app is set up")
    return _render(request, "accounts/second_factor_enrol.html", {
        "form": form, "next": next_url, "required": second_factor_required(user),
        **_app_setup_context(device)})


# --- Giving a code after the password --------------------------------------------------------


def _nothing_to_verify(request: HttpRequest, next_url: str) -> HttpResponse | None:
    if is_verified(request):
        return redirect(next_url)
    if has_second_factor(request.user):
        return None
    if second_factor_required(request.user):
        return redirect(_with_next("second-factor-enrol", next_url))
    request.session.pop(SESSION_KEY, None)
    return redirect(next_url)


def _sign_in_code_page(request: HttpRequest, kind: CodeKind, template: str,
                       context: Callable[[str], dict[str, Any]]) -> HttpResponse:
    next_url = _next_url(request)
    done = _nothing_to_verify(request, next_url)
    if done is not None:
        return done
    form, check = _code_form(request, kind,
                             lambda code: code_verify(request, kind=kind, code=code))
    if check:
        if kind is CodeKind.RECOVERY:
            left = recovery_codes_left(request.user)
            messages.info(request, f"You signed in with a recovery code. You have {left} "
                                   f"recovery code{'' if left == 1 else 's'} left.")
        return redirect(next_url)
    return _render(request, template, {"form": form, "next": next_url, **context(next_url)})


@authenticated
@second_factor_page
@never_cache
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app."""
    return _sign_in_code_page(request, CodeKind.APP, "accounts/second_factor_verify.html",
                              lambda next_url: {"recovery_url": _with_next(
                                  "second-factor-recovery", next_url)})


@authenticated
@second_factor_page
@never_cache
def second_factor_recovery(request: HttpRequest) -> HttpResponse:
    """After the password, without the app: one of the recovery codes, used up."""
    return _sign_in_code_page(request, CodeKind.RECOVERY, "accounts/second_factor_recovery.html",
                              lambda next_url: {
                                  "codes_left": recovery_codes_left(request.user),
                                  "app_url": _with_next("second-factor-verify", next_url)})


# --- New recovery codes, a new app: the account's owner ---------------------------------------


def _needs_own_app(request: HttpRequest) -> HttpResponse | None:
    """These pages are for an account with an app, in a session verified with it."""
    if not has_second_factor(request.user):
        return redirect("second-factor")
    if not is_verified(request):
        return redirect(_with_next("second-factor-verify", request.get_full_path()))
    return None


def _confirm_page(request: HttpRequest, *, page: str, check: Callable[[CodeKind, str], CodeCheck],
                  context: dict[str, Any]) -> tuple[HttpResponse | None, CodeCheck | None]:
    """A page of ours that asks for a current code (from the app, or a recovery code with
    ``?using=recovery-code``) before it acts. Returns the page to show, or the check of
    a right code."""
    kind = _kind_asked(request)
    form, result = _code_form(request, kind, lambda code: check(kind, code))
    if result:
        return None, result
    other = {} if kind is CodeKind.RECOVERY else {USING: USING_RECOVERY}
    return render(request, "accounts/second_factor_confirm.html", {
        **context, "form": form, "kind": kind.value,
        "codes_left": recovery_codes_left(request.user),
        "switch_url": _with_query(page, **other)}), None


@authenticated
@never_cache
def second_factor_new_codes(request: HttpRequest) -> HttpResponse:
    """Make 10 new recovery codes, after giving a current code: the old ones stop
    working, the new ones are shown once."""
    refused = _needs_own_app(request)
    if refused:
        return refused
    page, check = _confirm_page(
        request, page="second-factor-new-codes",
        check=lambda kind, code: recovery_codes_renew(request, kind=kind, code=code),
        context={"title": "Make new recovery codes", "button": "Make new recovery codes",
                 "new_codes": True})
    if page is not None:
        return page
    assert check is not None
    return _recovery_codes_page(request, check.codes, reverse("second-factor"),
                                title="You have new recovery codes")


@authenticated
@never_cache
def second_factor_replace(request: HttpRequest) -> HttpResponse:
    """Replace your app, step 1: a code from the app you have now (or a recovery code)."""
    refused = _needs_own_app(request)
    if refused:
        return refused
    page, _check = _confirm_page(
        request, page="second-factor-replace",
        check=lambda kind, code: app_replacement_start(request, kind=kind, code=code),
        context={"title": "Replace your authenticator app", "button": "Continue",
                 "new_codes": False})
    return page or redirect("second-factor-replace-new")


@authenticated
@never_cache
def second_factor_replace_new(request: HttpRequest) -> HttpResponse:
    """Replace your app, step 2: set up the new one. The old one is deleted only when the
    new one's first code is right."""
    refused = _needs_own_app(request)
    if refused:
        return refused
    device = app_replacement_device(request)
    if device is None:  # no code given for it in this session lately
        return redirect("second-factor-replace")
    form, check = _code_form(request, CodeKind.APP,
                             lambda code: app_replacement_confirm(request, code=code))
    if check:
        messages.success(request, "Your new authenticator app is set up. The codes from "
                                  "your old app no longer work.")
        return redirect("second-factor")
    return render(request, "accounts/second_factor_replace_new.html", {
        "form": form, **_app_setup_context(device)})


# --- Administrators -----------------------------------------------------------------------


@permission_required(RESET_PERMISSION)
def second_factor_resets(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    return render(request, "accounts/second_factor_resets.html", {
        "accounts": accounts_with_second_factor(actor=actor),
        "events": recent_resets(actor=actor), "code_count": RECOVERY_CODE_COUNT})


@permission_required(RESET_PERMISSION)
def second_factor_reset_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then reset (POST). An account without an app, or one the administrator
    may not reset, is not found (the refusal is recorded)."""
    actor: Any = request.user
    account = account_for_reset(actor=actor, account_id=pk)
    if account is None:
        raise Http404("No such authenticator app")
    if request.method == "POST":
        try:
            second_factor_reset(actor=actor, account=account)
        except PermissionDenied as exc:
            raise Http404("No such authenticator app") from exc
        messages.success(request, f"{account.get_full_name()} will set up a new authenticator "
                                  "app the next time they sign in.")
        return redirect("second-factor-resets")
    return render(request, "accounts/second_factor_reset.html", {"account": account})
