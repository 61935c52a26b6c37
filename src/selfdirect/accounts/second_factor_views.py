"""The second factor's pages: your authenticator app, setting one up, giving a code (or a
recovery code) after the password, and the administrators' reset of a lost app
(docs/security.md, "Second factor for staff")."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache

from selfdirect.accounts.middleware import second_factor_page
from selfdirect.accounts.second_factor import (
    RECOVERY_CODE_COUNT,
    RESET_PERMISSION,
    SESSION_KEY,
    account_for_reset,
    accounts_with_second_factor,
    app_code_verify,
    app_device,
    enrolment_confirm,
    enrolment_device,
    has_second_factor,
    is_verified,
    qr_code_data_uri,
    recent_resets,
    recovery_code_verify,
    recovery_codes_left,
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
from selfdirect.accounts.views import signed_in_user
from selfdirect.core.permissions import authenticated, permission_required


def _next_url(request: HttpRequest) -> str:
    value = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: never another host, never a bare word (which redirect()
    # would take for a view name), never a NUL.
    if (value.startswith("/") and "\x00" not in value
            and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())):
        return value
    return reverse("dashboard")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    if second_factor_pending(request):
        # No menu until the code is given: every link in it would come back here.
        context["nav_items"] = []
    return render(request, template, context)


@authenticated
def second_factor_status(request: HttpRequest) -> HttpResponse:
    """Your authenticator app: whether you have one, and setting one up."""
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
        # A new app replaces a lost one only through an administrator's reset: someone
        # with only the password must not be able to add their own.
        if is_verified(request):
            return redirect("second-factor")
        return redirect(_with_next("second-factor-verify", next_url))
    device = enrolment_device(signed_in_user(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check, codes = enrolment_confirm(request, code=form.cleaned_data["code"])
        if check.ok:
            return render(request, "accounts/second_factor_recovery_codes.html", {
                "codes": codes, "next": next_url})
        form.add_error("code", wrong_code_message(CODE, check.wait_seconds))
    return _render(request, "accounts/second_factor_enrol.html", {
        "form": form, "next": next_url, "qr_code": qr_code_data_uri(device),
        "secret": secret_text(device), "required": second_factor_required(user)})


def _nothing_to_verify(request: HttpRequest, next_url: str) -> HttpResponse | None:
    if is_verified(request):
        return redirect(next_url)
    if has_second_factor(request.user):
        return None
    if second_factor_required(request.user):
        return redirect(_with_next("second-factor-enrol", next_url))
    request.session.pop(SESSION_KEY, None)
    return redirect(next_url)


@authenticated
@second_factor_page
@never_cache
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app."""
    next_url = _next_url(request)
    done = _nothing_to_verify(request, next_url)
    if done is not None:
        return done
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = app_code_verify(request, code=form.cleaned_data["code"])
        if check.ok:
            return redirect(next_url)
        form.add_error("code", wrong_code_message(CODE, check.wait_seconds))
    return _render(request, "accounts/second_factor_verify.html", {
        "form": form, "next": next_url,
        "recovery_url": _with_next("second-factor-recovery", next_url)})


@authenticated
@second_factor_page
@never_cache
def second_factor_recovery(request: HttpRequest) -> HttpResponse:
    """After the password, without the app: one of the recovery codes, used up."""
    next_url = _next_url(request)
    done = _nothing_to_verify(request, next_url)
    if done is not None:
        return done
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = recovery_code_verify(request, code=form.cleaned_data["code"])
        if check.ok:
            left = recovery_codes_left(request.user)
            messages.info(request, f"You signed in with a recovery code. You have {left} "
                                   f"recovery code{'' if left == 1 else 's'} left.")
            return redirect(next_url)
        form.add_error("code", wrong_code_message(RECOVERY, check.wait_seconds))
    return _render(request, "accounts/second_factor_recovery.html", {
        "form": form, "next": next_url, "codes_left": recovery_codes_left(request.user),
        "app_url": _with_next("second-factor-verify", next_url)})


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
