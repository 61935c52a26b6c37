"""Your API tokens: make one (shown once), see each one's use, revoke one.

Every signed-in account may hold tokens; a token acts as its owner and can do no more
than the owner can on the pages (``selfdirect.api.auth``). Each page shows only the
signed-in account's own tokens: another account's token is not found."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from selfdirect.accounts.models import ApiToken
from selfdirect.accounts.services import api_token_create, api_token_revoke
from selfdirect.accounts.signed_in import signed_in_user
from selfdirect.accounts.token_forms import ApiTokenForm
from selfdirect.core.permissions import authenticated
from selfdirect.core.views import add_service_errors

RECENT_USES = 20


def _owner_id(request: HttpRequest) -> int:
    return int(request.user.pk or 0)  # the pages are for signed-in users only


def _own_token(request: HttpRequest, pk: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=pk, user_id=_owner_id(request)).first()
    if token is None:
        raise Http404("No such token")
    return token


@authenticated
def token_list(request: HttpRequest) -> HttpResponse:
    tokens = list(ApiToken.objects.filter(user_id=_owner_id(request)))
    return render(request, "accounts/token_list.html", {"tokens": tokens})


@authenticated
@never_cache
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None,
                        initial={"scope": ApiToken.Scope.READ, "days": "90"})
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = api_token_create(user=signed_in_user(request),
                                          name=form.cleaned_data["name"],
                                          scope=form.cleaned_data["scope"],
                                          days=int(form.cleaned_data["days"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Shown once, on this response only: it is not stored and never shown again.
            return render(request, "accounts/token_made.html", {"token": token, "raw": raw})
    return render(request, "accounts/token_form.html", {"form": form})


@authenticated
def token_detail(request: HttpRequest, pk: int) -> HttpResponse:
    token = _own_token(request, pk)
    uses = list(token.uses.all()[:RECENT_USES])
    return render(request, "accounts/token_detail.html",
                  {"token": token, "uses": uses, "count": token.uses.count()})


@authenticated
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = _own_token(request, pk)
    back = reverse("token-detail", args=[token.pk])
    if request.method == "POST":
        api_token_revoke(actor=signed_in_user(request), token=token)
        messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
        return redirect("token-list")
    return render(request, "providers/confirm.html", {
        "title": f"Revoke the token “{token.name}”?",
        "lines": ["Any program using it will be refused from now on. This cannot be undone: "
                  "you can make a new token instead."],
        "submit": "Revoke the token", "back": back, "errors": []})
