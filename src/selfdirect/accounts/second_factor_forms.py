"""The forms for a code from an authenticator app and for a recovery code."""

from __future__ import annotations

import re

from django import forms

from selfdirect.core.forms import GovukMessagesForm, set_missing_message

CODE = "6-digit code"
RECOVERY = "Recovery code"


class CodeForm(GovukMessagesForm):
    code = forms.CharField(label=CODE, max_length=20,
                           help_text="The code your authenticator app shows now. It changes "
                                     "every 30 seconds.")

    def prepare(self) -> None:
        set_missing_message(self.fields["code"], f"Enter the {CODE}")
        attrs = self.fields["code"].widget.attrs
        attrs.update({"autocomplete": "one-time-code", "inputmode": "numeric",
                      "spellcheck": "false",
                      "class": "govuk-input--width-5 govuk-input--extra-letter-spacing"})

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(f"Enter the {CODE}")
        if not code.isdigit():
            raise forms.ValidationError(f"The {CODE} must be numbers only")
        if len(code) != 6:
            raise forms.ValidationError(f"The {CODE} must be 6 numbers")
        return code


class RecoveryCodeForm(GovukMessagesForm):
    code = forms.CharField(label=RECOVERY, max_length=30,
                           help_text="One of the 10 codes you saved when you set up your "
                                     "authenticator app, like abcd2345. Each code works once.")

    def prepare(self) -> None:
        set_missing_message(self.fields["code"], "Enter a recovery code")
        self.fields["code"].widget.attrs.update({
            "autocomplete": "off", "spellcheck": "false", "autocapitalize": "none",
            "class": "govuk-input--width-10 govuk-input--extra-letter-spacing"})

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if not code:
            raise forms.ValidationError("Enter a recovery code")
        if len(code) != 8 or not code.isalnum():
            raise forms.ValidationError(f"{RECOVERY} must be 8 letters and numbers")
        return code


def wrong_code_message(field_label: str, wait_seconds: int) -> str:
    if wait_seconds:
        unit = "second" if wait_seconds == 1 else "seconds"
        return (f"You entered a wrong {field_label.lower()} too many times. Wait "
                f"{wait_seconds} {unit}, then try again")
    if field_label == CODE:
        return f"The {CODE} is not correct. Enter the code your app shows now"
    return f"{RECOVERY} is not correct or has been used. Check it, or enter another"
