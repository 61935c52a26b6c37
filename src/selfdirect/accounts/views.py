from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from selfdirect.accounts.forms import SignInForm
from selfdirect.accounts.models import User
from selfdirect.core.permissions import public

sign_in: Any = public(auth_views.LoginView.as_view(  # type: ignore[arg-type]
    template_name="accounts/sign_in.html", authentication_form=SignInForm,
    redirect_authenticated_user=True))
sign_out: Any = public(auth_views.LogoutView.as_view())  # type: ignore[arg-type]


def signed_in_user(request: HttpRequest) -> User:
    """The account signed in on a page marked ``@authenticated`` or
    ``@permission_required`` (the permission middleware has already sent anyone else to
    sign in), typed as the project's ``User``."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
