"""The form for a new API token."""

from __future__ import annotations

from django import forms

from selfdirect.accounts.models import TOKEN_LIFETIMES_DAYS, ApiToken
from selfdirect.core.forms import GovukMessagesForm, radios, set_missing_message


class ApiTokenForm(GovukMessagesForm):
    name = forms.CharField(label="What the token is for", max_length=100,
                           help_text="For example, \"Monthly returns spreadsheet\". Only "
                                     "you and your administrator see this.")
    scope = radios([(ApiToken.Scope.READ, "Read only: it can look, not change anything"),
                    (ApiToken.Scope.READ_WRITE, "Read and write: it can change records "
                                                "you can change")],
                   label="What it may do", missing="Select what the token may do")
    days = radios([(str(days), f"{days} days") for days in TOKEN_LIFETIMES_DAYS],
                  label="How long it lasts", missing="Select how long the token lasts",
                  help_text="After this it stops working and you make a new one.")

    def prepare(self) -> None:
        set_missing_message(self.fields["name"], "Enter what the token is for")
        self.fields["name"].widget.attrs["spellcheck"] = "false"

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter what the token is for")
        return name
