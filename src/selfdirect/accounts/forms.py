from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm

from selfdirect.core.forms import SafeInputMixin, apply_govuk_messages


class SignInForm(SafeInputMixin, AuthenticationForm):
    use_required_attribute = False
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username"
        self.fields["password"].label = "Password"
        apply_govuk_messages(self)
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs["spellcheck"] = "false"
