from __future__ import annotations

from typing import Any

from django import forms

from selfdirect.authorities.models import Authority
from selfdirect.authorities.policy import FigureDefinition
from selfdirect.core import clock
from selfdirect.core.forms import (
    GovukDateField,
    GovukForm,
    apply_govuk_messages,
    model_choice_field,
)


class PolicyFigureForm(GovukForm):
    value = forms.CharField(label="New value", max_length=50)
    effective_from = GovukDateField(label="Applies from",
                                    help_text="For example, 1 4 2026. Earlier decisions keep the figure they used.")
    reason = forms.CharField(label="Reason for the change", max_length=300,
                             help_text="For example, the committee decision and its date",
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, definition: FigureDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if definition.choices:
            self.fields["value"] = forms.ChoiceField(
                label="New value", choices=[(c, c.capitalize()) for c in definition.choices],
                widget=forms.RadioSelect)
        elif definition.kind == "money":
            self.fields["value"].help_text = "In pounds and pence, for example 254.60"
            self.fields["value"].widget.attrs.update({"inputmode": "decimal",
                                                      "class": "govuk-input--width-10"})
        elif definition.kind == "percent":
            self.fields["value"].help_text = "A percentage, for example 12.07"
            self.fields["value"].widget.attrs.update({"inputmode": "decimal",
                                                      "class": "govuk-input--width-5"})
        else:
            self.fields["value"].widget.attrs.update({"inputmode": "numeric",
                                                      "class": "govuk-input--width-5"})
        self.fields["effective_from"].initial = clock.today()
        apply_govuk_messages(self)


class AuthoritySwitchForm(GovukForm):
    authority: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Which authority are you working in?", queryset=Authority.objects.none(),
        widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args: Any, authorities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "authority").queryset = authorities
        apply_govuk_messages(self)
