from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views

from selfdirect.accounts.forms import SignInForm
from selfdirect.core.permissions import public

sign_in: Any = public(auth_views.LoginView.as_view(  # type: ignore[arg-type]
    template_name="accounts/sign_in.html", authentication_form=SignInForm,
    redirect_authenticated_user=True))
sign_out: Any = public(auth_views.LogoutView.as_view())  # type: ignore[arg-type]


