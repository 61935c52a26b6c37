"""Django's password reset forms with GOV.UK labels, hints and messages that name the field.

The checks are Django's own: ``AUTH_PASSWORD_VALIDATORS`` decide what a good password
is; this module only words their messages the GOV.UK way and puts them on the "New
password" box (Django puts them on the confirmation)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError

from selfdirect.core.forms import SafeInputMixin, apply_govuk_messages

NEW = "New password"
NEW_FIELD = "new_password1"
CONFIRM = "Confirm new password"


def minimum_password_length() -> int:
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, MinimumLengthValidator):
            return validator.min_length
    return 0


class GovukPasswordResetForm(SafeInputMixin, PasswordResetForm):
    use_required_attribute = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = "Email address"
        field.help_text = "The email address your council or organisation has for you."
        apply_govuk_messages(self)
        field.error_messages["required"] = "Enter your email address"
        field.error_messages["invalid"] = ("Enter an email address in the correct format, like "
                                           "name@example.com")
        field.widget.attrs["spellcheck"] = "false"


class GovukSetPasswordForm(SafeInputMixin, SetPasswordForm):
    use_required_attribute = False
    error_messages = {
        "password_mismatch": "The passwords do not match. Enter the same new password in "
                             "both boxes",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        new, confirm = self.fields["new_password1"], self.fields["new_password2"]
        new.label, confirm.label = NEW, CONFIRM
        length = minimum_password_length()
        at_least = f"Use at least {length} characters. " if length else ""
        new.help_text = (f"{at_least}A few words you will remember, put together, make a good "
                         "password. Do not use your username or a common password.")
        confirm.help_text = ""
        apply_govuk_messages(self)
        new.error_messages["required"] = "Enter a new password"
        confirm.error_messages["required"] = "Enter your new password again to confirm it"

    def validate_password_for_user(self, user: Any, password_field_name: str = NEW_FIELD) -> None:
        """Django's validators, their messages naming the "New password" box."""
        password = self.cleaned_data.get(NEW_FIELD)
        if not password:
            return
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            self.add_error(NEW_FIELD, [_worded(e) for e in error.error_list])


def _worded(error: ValidationError) -> ValidationError:
    params = error.params or {}
    messages = {
        "password_too_short": f"{NEW} must be {params.get('min_length', '')} characters or more",
        "password_too_common": f"{NEW} is a common password, so it is easy to guess. Choose "
                               "another",
        "password_entirely_numeric": f"{NEW} must not be only numbers",
        "password_too_similar": f"{NEW} is too like your username, name or email address",
    }
    worded = messages.get(error.code or "")
    if worded is None:
        return error
    return ValidationError(worded, code=error.code)
