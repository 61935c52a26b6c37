"""GOV.UK Design System forms for Django.

``GovukFormRenderer`` (settings.FORM_RENDERER) renders every form field with GOV.UK markup
from ``core/templates/govuk/``: label, hint, error message, the input with its GOV.UK
classes, radios and checkboxes as GOV.UK components, dates as the three-box date input.
Pages write ``{{ form }}`` or ``{{ form.field_name.as_field_group }}``; nothing else.
See docs/decisions/0002-govuk-forms.md.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates

from selfdirect.core import bounds, clock
from selfdirect.core.money import amount_message, pence_from_pounds

_INPUT_CLASS = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "radioselect": "govuk-radios__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "checkbox": "govuk-checkboxes__input",
    "file": "govuk-file-upload",
    "clearablefile": "govuk-file-upload",
}
_ERROR_CLASS = {
    "textarea": "govuk-textarea--error",
    "select": "govuk-select--error",
    "file": "govuk-file-upload--error",
    "clearablefile": "govuk-file-upload--error",
}


class GovukBoundField(BoundField):
    """Adds GOV.UK classes and the hint/error ``aria-describedby`` to each input."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        kind = self.widget_type
        css = _INPUT_CLASS.get(kind, "govuk-input")
        if self.errors:
            css += " " + _ERROR_CLASS.get(kind, "govuk-input--error")
        extra = self.field.widget.attrs.get("class")
        attrs["class"] = f"{css} {extra}" if extra else css
        if not self.use_fieldset:
            described = []
            if self.help_text:
                described.append(f"{self.auto_id}-hint")
            if self.errors:
                described.append(f"{self.auto_id}-error")
            if described:
                attrs["aria-describedby"] = " ".join(described)
            else:
                attrs.pop("aria-describedby", None)
        return attrs

    @property
    def is_date_input(self) -> bool:
        return isinstance(self.field.widget, GovukDateWidget)

    @property
    def is_choice_group(self) -> bool:
        return self.widget_type in ("radioselect", "checkboxselectmultiple")


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"
    bound_field_class = GovukBoundField


def _label(field: forms.Field, name: str) -> str:
    label = str(field.label or "") or name.replace("_", " ")
    return label[:1].upper() + label[1:]


def _refusal(field: forms.Field, label: str, typed: Any) -> forms.ValidationError | None:
    """Why what was typed must not reach the field at all, or None.

    - A NUL character, in any kind of field: PostgreSQL cannot store it, and a field
      that looks a record up by a text key would send it to the database.
    - Text longer than ``bounds.TEXT_MAX`` in a text field with no limit of its own (a
      ``TextField`` of a model, a ``CharField`` without ``max_length``): the limit the API
      holds every text to. Checked on what was typed, before the field strips it.
    """
    if bounds.contains_nul(typed):
        return forms.ValidationError(bounds.nul_message(label), code="null_characters")
    if (isinstance(field, forms.CharField) and field.max_length is None
            and isinstance(typed, str) and len(typed) > bounds.TEXT_MAX):
        return forms.ValidationError(bounds.too_long_message(label, bounds.TEXT_MAX),
                                     code="max_length")
    return None


def _out_of_bounds(field: forms.Field, label: str, value: Any) -> forms.ValidationError | None:
    """A number no column holds, from a number field (``bounds.MAX_ID`` either way)."""
    if not isinstance(field, forms.IntegerField) or value is None or isinstance(value, bool):
        return None
    if value > bounds.MAX_ID:
        return forms.ValidationError(f"{label} must be {bounds.MAX_ID:,} or less",
                                     code="max_value")
    if value < -bounds.MAX_ID:
        return forms.ValidationError(f"{label} must be {-bounds.MAX_ID:,} or more",
                                     code="min_value")
    return None


class SafeInputMixin(forms.BaseForm):
    """Every field of every form, whatever kind of field it is and however it was added
    (after the form was built, too):

    - refuses a NUL character, with a message naming the field, before the field reads
      what was typed (Django's own ``ProhibitNullCharactersValidator`` covers text fields
      only, after ``to_python``, and does not name the field);
    - refuses text longer than ``bounds.TEXT_MAX`` in a text field with no ``max_length``
      ("Reason must be 10,000 characters or fewer"): a 10 MB paste is not saved;
    - holds a whole number to what the database holds (``bounds.MAX_ID`` either way).

    All three are in ``_clean_fields``: Django's own loop over the fields
    (``BaseForm._clean_fields``, Django 5.2: each field's ``clean`` with what was typed,
    or its initial value when disabled, then the form's ``clean_<name>``), with a check
    before each field reads the input and one after. No field is changed.
    """

    def _clean_fields(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            label = _label(field, name)
            try:
                if field.disabled:
                    value = bound.initial
                else:
                    value = bound.data
                    refusal = _refusal(field, label, value)
                    if refusal:
                        raise refusal
                if isinstance(field, forms.FileField):
                    value = field.clean(value, bound.initial)
                else:
                    value = field.clean(value)
                problem = _out_of_bounds(field, label, value)
                if problem:
                    raise problem
                self.cleaned_data[name] = value
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except forms.ValidationError as error:
                self.add_error(name, error)


class GovukForm(SafeInputMixin, forms.Form):
    """Base for every form: server-side validation only, as the GOV.UK pattern asks."""

    use_required_attribute = False


class GovukModelForm(SafeInputMixin, forms.ModelForm):
    use_required_attribute = False


class SearchBoxForm(GovukForm):
    """A search box a page renders itself and reads from the address (``?name=``): checked
    like any field, so a NUL character is a message naming the box, never a query that
    fails in the database. ``text`` is what to search for ("" when refused)."""

    name = forms.CharField(required=False)

    def __init__(self, data: Any, *, label: str) -> None:
        super().__init__(data)
        self.fields["name"].label = label

    @property
    def text(self) -> str:
        return self.cleaned_data["name"] if self.is_bound and self.is_valid() else ""

    @property
    def error(self) -> str:
        """The message for the box, or ""."""
        return " ".join(str(e) for e in self.errors.get("name", [])) if self.is_bound else ""


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes: the GOV.UK date input."""

    template_name = "govuk/widgets/date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        numeric = {"inputmode": "numeric"}
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(attrs=numeric),
            "month": forms.TextInput(attrs=numeric),
            "year": forms.TextInput(attrs=numeric),
        }
        super().__init__(widgets, attrs)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        final = context["widget"]["attrs"]
        context["widget"]["has_error"] = final.get("aria-invalid") == "true"
        prefix = self.attrs.get("data-autocomplete")
        context["widget"]["autocomplete"] = (
            [f"{prefix}-day", f"{prefix}-month", f"{prefix}-year"] if prefix else ["off"] * 3)
        for sub, auto in zip(context["widget"]["subwidgets"], context["widget"]["autocomplete"],
                             strict=True):
            sub["autocomplete"] = auto
        return context

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with the GOV.UK error messages.

    ``past_only`` refuses today and later; ``birth_date`` refuses a date of birth that is
    not plausible (in the past, no more than 130 years ago: ``core.bounds``). Every date
    is between ``bounds.EARLIEST_DATE`` and ``bounds.LATEST_DATE``. Messages name the
    field by its label, for example "Date of birth must be in the past".
    """

    widget = GovukDateWidget

    def __init__(self, *, past_only: bool = False, earliest: datetime.date | None = None,
                 birth_date: bool = False, **kwargs: Any) -> None:
        self.past_only = past_only
        self.earliest = earliest
        self.birth_date = birth_date
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def _name(self) -> str:
        return str(self.label or "Date")

    def clean(self, value: Any) -> datetime.date | None:
        name = self._name()
        parts = [str(v).strip() if v is not None else "" for v in (value or ["", "", ""])]
        if not any(parts):
            if self.required:
                raise forms.ValidationError(f"Enter {name.lower()}", code="required")
            return None
        missing = [label for label, part in zip(("a day", "a month", "a year"), parts, strict=True)
                   if not part]
        if missing:
            raise forms.ValidationError(f"{name} must include {' and '.join(missing)}",
                                        code="incomplete")
        if not all(re.fullmatch(r"[0-9]{1,2}", p) for p in parts[:2]) or not re.fullmatch(
                r"[0-9]+", parts[2]):
            raise forms.ValidationError(f"{name} must be a real date, in numbers", code="invalid")
        if len(parts[2]) != 4:
            raise forms.ValidationError("Year must include 4 numbers", code="invalid_year")
        day, month, year = (int(p) for p in parts)
        try:
            result = datetime.date(year, month, day)
        except (ValueError, OverflowError) as exc:
            raise forms.ValidationError(f"{name} must be a real date", code="invalid") from exc
        if self.past_only and result >= clock.today():
            raise forms.ValidationError(f"{name} must be in the past", code="future")
        if self.earliest and result < self.earliest:
            raise forms.ValidationError(
                f"{name} must be after {self.earliest:%-d %B %Y}", code="too_early")
        if self.birth_date:
            problem = bounds.birth_date_problem(name, result)
            if problem:
                raise forms.ValidationError(problem, code="implausible_birth")
        if not bounds.EARLIEST_DATE <= result <= bounds.LATEST_DATE:
            raise forms.ValidationError(bounds.date_range_message(name), code="out_of_range")
        return result

    def compress(self, data_list: list[Any]) -> Any:  # pragma: no cover - clean() overrides
        return data_list


def money_input(field: forms.Field, *, width: int = 10) -> None:
    """An amount in pounds: a "£" prefix, a decimal keyboard on phones, a fixed width."""
    field.govuk_prefix = "£"  # type: ignore[attr-defined]
    field.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false",
                               "class": f"govuk-input--width-{width}"})


def number_input(field: forms.Field, *, suffix: str = "", width: int = 4) -> None:
    """A number with an optional suffix ("%", "hours"), a decimal keyboard on phones."""
    if suffix:
        field.govuk_suffix = suffix  # type: ignore[attr-defined]
    field.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false",
                               "class": f"govuk-input--width-{width}"})


def set_max_length(field: forms.Field, limit: int) -> None:
    """Change a CharField's length limit after it was built (its validator and its
    ``maxlength`` attribute too): e.g. to let people type spaces in a postcode that is
    normalised before it is saved."""
    assert isinstance(field, forms.CharField)
    field.max_length = limit
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = str(limit)


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def max_length_message(label: str, limit: int) -> str:
    """The GOV.UK wording for a too-long answer."""
    return bounds.too_long_message(label, limit)


def apply_govuk_messages(form: forms.BaseForm) -> None:
    """Give every field GOV.UK-style messages that name it: "Enter family name",
    "Family name must be 100 characters or fewer"."""
    for field in form.fields.values():
        label = str(field.label or "")
        if isinstance(field, GovukDateField):
            continue
        if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.MultipleChoiceField):
            field.error_messages["required"] = f"Select {label.lower()}"
            field.error_messages["invalid_choice"] = f"Select {label.lower()} from the list"  # noqa: S608
        else:
            field.error_messages["required"] = f"Enter {label.lower()}"
        max_length = getattr(field, "max_length", None)
        if max_length:
            for validator in field.validators:
                if isinstance(validator, MaxLengthValidator):
                    validator.message = max_length_message(label, max_length)
        if isinstance(field, forms.EmailField):
            field.error_messages["invalid"] = (
                f"Enter {label.lower()} in the correct format, like name@example.com")
        missing = getattr(field, "missing_message", "")
        if missing:  # the question's own words, like "Select how often it is paid"
            field.error_messages["required"] = missing
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = missing


def set_missing_message(field: forms.Field, message: str) -> None:
    """The message when nothing is given, in the question's own words (used by
    :func:`apply_govuk_messages` instead of "Enter …" or "Select …")."""
    field.missing_message = message  # type: ignore[attr-defined]


def radios(choices: list[tuple[str, str]], label: str, missing: str,
           help_text: str = "", required: bool = True) -> forms.ChoiceField:
    """A GOV.UK radios question with its own message when nothing is chosen."""
    field = forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect,
                              help_text=help_text, required=required)
    set_missing_message(field, missing)
    return field


class GovukMessagesForm(GovukForm):
    """A form whose fields get GOV.UK messages that name them (``apply_govuk_messages``),
    after ``prepare`` has set their limits, prefixes, hints and missing messages.

    ``money_fields`` names text fields holding pounds and pence: ``clean`` turns each into
    whole pence (``None`` when left empty). ``pounds_fields`` are checked the same way but
    kept as the text typed, for services that take pounds. A mistake in either is an error
    on that field naming it, shown with every other mistake at once."""

    money_fields: tuple[str, ...] = ()
    pounds_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prepare()
        apply_govuk_messages(self)

    def prepare(self) -> None:
        """Set limits, prefixes, hints and missing messages before the messages are made."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in (*self.money_fields, *self.pounds_fields):
            value = data.get(name)
            if not value:
                if name in self.money_fields:
                    data[name] = None
                continue
            try:
                pence = pence_from_pounds(value)
                if name in self.money_fields:
                    data[name] = pence
            except (TypeError, ValueError) as exc:
                label = str(self.fields[name].label)
                self.add_error(name, amount_message(
                    exc, label, f"Enter {label.lower()} in pounds and pence, like 12.60"))
        return data
