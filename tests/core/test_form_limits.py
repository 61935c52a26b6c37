"""Every page form, in every app, caps free text with no limit of its own at the API's
figure (``bounds.TEXT_MAX``) and refuses NUL, each with a message naming the field: one
guard on the form base (``core.forms.SafeInputMixin``), not a field changed per form."""

from __future__ import annotations

import inspect

import pytest
from django import forms
from django.urls import get_resolver, reverse

from selfdirect.core import bounds
from selfdirect.core.forms import GovukForm, SafeInputMixin

LONG = "x" * (bounds.TEXT_MAX + 1)


def test_the_cap_is_the_apis_figure():
    assert bounds.TEXT_MAX == 10_000
    assert bounds.too_long_message("Reason", bounds.TEXT_MAX) == (
        "Reason must be 10,000 characters or fewer")


def test_a_providers_form_refuses_overlong_text_naming_the_field():
    from selfdirect.providers.forms import ProviderForm

    form = ProviderForm({"name": "Care Co", "website": "https://example.org/" + LONG})
    assert ProviderForm().fields["website"].max_length is None  # no limit of its own
    assert not form.is_valid()
    assert form.errors["website"] == ["Website must be 10,000 characters or fewer"]
    assert ProviderForm({"name": "Care Co", "website": "https://example.org/a"}).is_valid()


def test_a_payments_form_refuses_overlong_text_naming_the_field():
    from selfdirect.payments.person_views import OneOffForm

    assert OneOffForm().fields["amount"].max_length is None
    form = OneOffForm({"description": "Start-up costs", "amount": "1" * (bounds.TEXT_MAX + 1),
                       "due_on_day": "1", "due_on_month": "12", "due_on_year": "2026"})
    assert not form.is_valid()
    assert form.errors["amount"] == ["Amount must be 10,000 characters or fewer"]
    # Text a little shorter reaches the field: here, the amount's own bound.
    shorter = OneOffForm({"description": "Start-up costs", "amount": "1" * 50,
                          "due_on_day": "1", "due_on_month": "12", "due_on_year": "2026"})
    assert shorter.errors["amount"] == ["Amount must be £1,000,000,000.00 or less"]


def test_the_sign_in_and_password_forms_are_capped_too():
    from selfdirect.accounts.forms import SignInForm
    from selfdirect.accounts.password_forms import GovukSetPasswordForm

    sign_in = SignInForm(data={"username": "ann", "password": LONG})
    assert not sign_in.is_valid()
    assert sign_in.errors["password"] == ["Password must be 10,000 characters or fewer"]
    new_password = GovukSetPasswordForm(None, {"new_password1": LONG, "new_password2": LONG})
    assert not new_password.is_valid()
    assert new_password.errors["new_password1"] == [
        "New password must be 10,000 characters or fewer"]


def test_a_field_with_its_own_limit_keeps_it():
    class Limited(GovukForm):
        short = forms.CharField(label="Short", max_length=20)
        long = forms.CharField(label="Long", max_length=bounds.TEXT_MAX * 2)

    form = Limited({"short": "x" * 21, "long": "x" * (bounds.TEXT_MAX + 5)})
    assert not form.is_valid()
    assert "short" in form.errors
    assert "long" not in form.errors


@pytest.mark.django_db
def test_a_page_refuses_overlong_text_with_a_govuk_error_summary(client, world):
    """Through a real page (signing in): the summary links to the box and names it, and
    the password is never checked (no failure is counted)."""
    from axes.models import AccessAttempt

    response = client.post(reverse("sign-in"), {"username": "scot_social_worker",
                                                "password": LONG}, REMOTE_ADDR="192.0.2.8")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_password">Password must be 10,000 characters or fewer</a>' in html
    assert not AccessAttempt.objects.exists()


def test_nul_is_still_refused_naming_the_field_and_no_field_is_changed():
    class Choosing(GovukForm):
        when = forms.DateField(label="When")
        note = forms.CharField(label="Note", widget=forms.Textarea)

    form = Choosing({"when": "2026-01-01", "note": "a\x00b"})
    form.fields["kind"] = forms.ChoiceField(label="Kind", choices=[("a", "A")])
    form.data = {**form.data, "kind": "a\x00"}
    assert not form.is_valid()
    assert form.errors["note"] == [bounds.nul_message("Note")]
    assert form.errors["kind"] == [bounds.nul_message("Kind")]
    # The guard is on the form base: no field's clean is replaced.
    assert all("clean" not in vars(field) for field in form.fields.values())
    # A field's own clean_<name> still runs, after the guard.
    seen = []

    class Hooked(GovukForm):
        note = forms.CharField(label="Note")

        def clean_note(self):
            seen.append(self.cleaned_data["note"])
            return self.cleaned_data["note"].upper()

    hooked = Hooked({"note": "ok"})
    assert hooked.is_valid() and hooked.cleaned_data["note"] == "OK" and seen == ["ok"]
    assert not Hooked({"note": "\x00"}).is_valid() and seen == ["ok"]


def test_a_disabled_field_keeps_its_value_unchecked():
    class WithDisabled(GovukForm):
        fixed = forms.CharField(label="Fixed", disabled=True)

    form = WithDisabled({"fixed": "a\x00" + LONG}, initial={"fixed": "as it was"})
    assert form.is_valid()
    assert form.cleaned_data["fixed"] == "as it was"


def _our_form_classes() -> list[type[forms.BaseForm]]:
    assert get_resolver().url_patterns  # imports every page, and so every form
    found, stack = [], list(forms.BaseForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("selfdirect.") and cls not in found:
            found.append(cls)
    return found


def test_every_form_of_ours_has_the_guard():
    classes = _our_form_classes()
    assert len(classes) > 50
    missing = [f"{c.__module__}.{c.__qualname__}" for c in classes
               if not issubclass(c, SafeInputMixin) and not inspect.isabstract(c)]
    assert missing == []
