"""Forms for the data protection pages: they only parse what was typed."""

from __future__ import annotations

from typing import Any

from django import forms

from selfdirect.core.forms import GovukForm, apply_govuk_messages, set_missing_message


class FindPersonForm(GovukForm):
    """Find a person of the council by name, or by CHI or NHS number."""

    no_optional_marks = True  # either box will do; saying so on each is noise
    name = forms.CharField(label="Name", required=False, max_length=100,
                           help_text="Any part of their first name, surname or preferred name")
    identifier = forms.CharField(label="CHI or NHS number", required=False, max_length=12,
                                 help_text="10 digits; spaces do not matter")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["identifier"].widget.attrs.update({"inputmode": "numeric",
                                                       "class": "govuk-input--width-10"})
        apply_govuk_messages(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (data.get("name", "").strip()
                                    or data.get("identifier", "").strip()):
            self.add_error("name", "Enter a name, or a CHI or NHS number")
        return data


class ApproveForm(GovukForm):
    """The data protection officer's approval of the list past retention."""

    confirm = forms.BooleanField(
        label="I have checked this list, and approve anonymising these records and deleting "
              "these sign-in events and API token uses")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_missing_message(self.fields["confirm"],
                            "Confirm that you have checked the list and approve it")
        apply_govuk_messages(self)
