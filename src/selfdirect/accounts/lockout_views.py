"""The lockout page a refused sign-in gets, and the administrators' lockouts page."""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from selfdirect.accounts.lockouts import (
    UNLOCK_PERMISSION,
    cool_off,
    current_lockouts,
    failure_limit,
    lockout_ends_at,
    lockout_get,
    recent_events,
    sign_in_unlock,
)
from selfdirect.accounts.signed_in import signed_in_user
from selfdirect.core import clock
from selfdirect.core.permissions import permission_required


def clock_time(moment: datetime.datetime) -> str:
    """A time the GOV.UK way, in the deployment's time zone: "9:05am", "2:30pm", with
    the day when it is not today: "9:05am on Tuesday 3 March"."""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    text = f"{hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
    if local.date() != clock.today():
        text += f" on {local:%A} {local.day} {local:%B}"
    return text


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
               credentials: dict[str, Any] | None = None) -> HttpResponse:
    """django-axes calls this (``AXES_LOCKOUT_CALLABLE``) in place of the sign-in page's
    answer, ours or the Django admin's, when a sign-in is refused for too many failures:
    a plain page (429 Too Many Requests) that says what happened and when to try again."""
    username = (credentials or {}).get("username")
    ip_address = getattr(request, "axes_ip_address", None)
    now = timezone.now()
    ends_at = lockout_ends_at(username=username, ip_address=ip_address) or now + cool_off()
    minutes = max(1, math.ceil((ends_at - now).total_seconds() / 60))
    response = render(request, "accounts/locked_out.html", {
        "try_again_at": clock_time(ends_at), "minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


@permission_required(UNLOCK_PERMISSION)
def lockout_list(request: HttpRequest) -> HttpResponse:
    lockouts = [(lockout, clock_time(lockout.last_failure_at), clock_time(lockout.ends_at))
                for lockout in current_lockouts(actor=signed_in_user(request))]
    return render(request, "accounts/lockouts.html", {
        "lockouts": lockouts, "events": recent_events(actor=signed_in_user(request)),
        "cool_off_minutes": int(cool_off().total_seconds() // 60)})


@permission_required(UNLOCK_PERMISSION)
def lockout_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then unlock (POST). A lockout that has ended, or that the administrator
    may not unlock, is not found (the refusal is recorded)."""
    lockout = lockout_get(actor=signed_in_user(request), attempt_id=pk)
    if lockout is None:
        raise Http404("No such lockout")
    if request.method == "POST":
        try:
            sign_in_unlock(actor=signed_in_user(request), lockout=lockout)
        except PermissionDenied as exc:
            raise Http404("No such lockout") from exc
        messages.success(request, f"{lockout.username} can sign in again.")
        return redirect("sign-in-lockouts")
    return render(request, "accounts/lockout_unlock.html", {
        "lockout": lockout, "ends_at": clock_time(lockout.ends_at), "limit": failure_limit()})
