"""Forgotten password: Django's own password reset views, with GOV.UK pages.

1. "Forgotten your password?" on the sign-in page asks for an email address and always
   answers with the same page, whether or not an account has it: nobody can learn from
   it who has an account. An account with that address (active, with a password) is
   sent a link, unless too many have been asked for that address or from that client
   address lately (``reset_limits``): then nothing is sent, and the page is the same.
2. The link, good for ``PASSWORD_RESET_TIMEOUT`` and once only (Django's token changes
   with the password), asks for a new password, checked by ``AUTH_PASSWORD_VALIDATORS``.
   Setting one ends the account's sign-in lockouts (``lockouts``) and signs it out
   everywhere else (the session hash changes with the password).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy

from selfdirect.accounts.lockouts import sign_in_unlock_after_password_reset
from selfdirect.accounts.password_forms import GovukPasswordResetForm, GovukSetPasswordForm
from selfdirect.accounts.reset_limits import password_reset_allowed
from selfdirect.core.permissions import public


def link_lifetime() -> str:
    """How long a reset link works, in words: "2 hours", "90 minutes"."""
    minutes = max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class _LifetimeMixin:
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["link_lifetime"] = link_lifetime()
        return context


class ResetRequestView(_LifetimeMixin, auth_views.PasswordResetView):
    form_class = GovukPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-done")

    def form_valid(self, form: Any) -> HttpResponse:
        if not password_reset_allowed(self.request, email=form.cleaned_data["email"]):
            # The answer every request gets; nothing is sent (and nothing says so).
            return HttpResponseRedirect(self.get_success_url())
        self.extra_email_context = {"link_lifetime": link_lifetime()}
        return super().form_valid(form)


class ResetSentView(_LifetimeMixin, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class ResetConfirmView(_LifetimeMixin, auth_views.PasswordResetConfirmView):
    form_class = GovukSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        sign_in_unlock_after_password_reset(user=form.user)
        return response


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


password_reset: Any = public(ResetRequestView.as_view())  # type: ignore[arg-type]
password_reset_done: Any = public(ResetSentView.as_view())  # type: ignore[arg-type]
password_reset_confirm: Any = public(ResetConfirmView.as_view())  # type: ignore[arg-type]
password_reset_complete: Any = public(ResetCompleteView.as_view())  # type: ignore[arg-type]
