"""Forms for the carers' pages. Each field's messages name it (``apply_govuk_messages``);
rules that need the database are the services' (their errors come back field by field)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from selfdirect.core import clock
from selfdirect.core.forms import GovukDateField, GovukForm, apply_govuk_messages
from selfdirect.outcomes.models import OutcomeTerm, PersonalOutcome
from selfdirect.people.models import Person, Relationship

from .models import (
    DEFAULT_CHALLENGE_ROUTE,
    AdultCarerSupportPlan,
    CarerArea,
    CarerSupportPlanOffer,
    Level,
    OfferMethod,
    ShortBreak,
    plan_field_label,
)

EARLIEST = datetime.date(2018, 4, 1)  # the Carers (Scotland) Act 2016 came into force
NEW = "new"
NOT_RECORDED = "none"
YES_NO = [("yes", "Yes"), ("no", "No")]


def _textarea(label: str, *, required: bool = False, help_text: str = "", rows: int = 4,
              max_length: int = 5000, initial: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, help_text=help_text,
                           max_length=max_length, initial=initial,
                           widget=forms.Textarea(attrs={"rows": rows}))


def _person_label(person: Person) -> str:
    parts = [person.full_name, f"born {person.date_of_birth:%-d %B %Y}"]
    if person.postcode:
        parts.append(person.postcode)
    return ", ".join(parts)


class CarerIdentifyForm(GovukForm):
    """Who the carer is (their own record, found or new), and when and how the authority
    identified them. The new record's names and date of birth are needed only when adding
    a new record, so the page marks the optional fields itself."""

    no_optional_marks = True
    OPTIONAL = ("phone", "relationship", "relationship_to_cared_for")

    carer = forms.ChoiceField(label="The carer's record", widget=forms.RadioSelect,
                              help_text="Search for the carer above to choose their record, "
                                        "or add a new one")
    given_name = forms.CharField(label="Given name", required=False, max_length=100)
    family_name = forms.CharField(label="Family name", required=False, max_length=100)
    date_of_birth = GovukDateField(label="Date of birth", required=False, birth_date=True,
                                   help_text="For example, 27 3 1968")
    phone = forms.CharField(label="Phone", required=False, max_length=30)
    relationship = forms.ChoiceField(label="Unpaid carer on their record",
                                     widget=forms.RadioSelect, required=False)
    relationship_to_cared_for = forms.CharField(
        label="How they are related", required=False, max_length=100,
        help_text="For example: daughter, husband, neighbour")
    identified_on = GovukDateField(label="Date the carer was identified", earliest=EARLIEST,
                                   help_text="For example, 2 4 2026")
    terminal_illness = forms.ChoiceField(label="Is the person cared for terminally ill?",
                                         choices=YES_NO, widget=forms.RadioSelect)

    def __init__(self, *args: Any, cared_for: Person, candidates: list[Person],
                 relationships: list[Relationship], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(p.pk): p for p in candidates}
        self.relationships = {str(r.pk): r for r in relationships}
        carer = self.fields["carer"]
        assert isinstance(carer, forms.ChoiceField)
        carer.choices = [(pk, _person_label(p)) for pk, p in self.candidates.items()] + [
            (NEW, "None of these: add a new record for the carer")]
        if not self.candidates:
            carer.initial = NEW
        if self.relationships:
            rel = self.fields["relationship"]
            assert isinstance(rel, forms.ChoiceField)
            rel.choices = [(pk, r.name) for pk, r in self.relationships.items()] + [
                (NOT_RECORDED, f"Not recorded on {cared_for.display_name}'s record")]
            rel.help_text = f"The carers already recorded on {cared_for.display_name}'s record"
        else:
            del self.fields["relationship"]
        self.fields["terminal_illness"].label = f"Is {cared_for.display_name} terminally ill?"
        self.fields["terminal_illness"].help_text = (
            "If yes, the carer must be offered a support plan within 2 working days, and "
            "the first conversation held within 5 working days of their accepting it")
        for name in ("given_name", "family_name"):
            self.fields[name].widget.attrs["spellcheck"] = "false"
        self.fields["phone"].widget.attrs["autocomplete"] = "off"
        apply_govuk_messages(self)
        self.fields["terminal_illness"].error_messages["required"] = (
            f"Select yes if {cared_for.display_name} is terminally ill")
        self.fields["carer"].error_messages["required"] = (
            "Select the carer's record, or add a new one")
        for name in self.OPTIONAL:
            if name in self.fields:
                self.fields[name].label = f"{self.fields[name].label} (optional)"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("carer") == NEW:
            for name, label in (("given_name", "given name"), ("family_name", "family name")):
                if not (data.get(name) or "").strip():
                    self.add_error(name, f"Enter the carer's {label}")
            if not data.get("date_of_birth") and "date_of_birth" not in self.errors:
                self.add_error("date_of_birth", "Enter the carer's date of birth")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "identified_on": data["identified_on"],
            "terminal_illness": data["terminal_illness"] == "yes",
            "relationship_to_cared_for": data.get("relationship_to_cared_for", ""),
            "relationship": self.relationships.get(data.get("relationship") or ""),
        }
        if data["carer"] == NEW:
            new = {name: data[name] for name in ("given_name", "family_name", "date_of_birth")}
            if data.get("phone"):
                new["phone"] = data["phone"]
            kwargs["new_carer"] = new
        else:
            kwargs["carer"] = self.candidates[data["carer"]]
        return kwargs


class OfferMadeForm(GovukForm):
    offered_on = GovukDateField(label="Date the plan was offered", earliest=EARLIEST,
                                help_text="For example, 3 4 2026")
    offered_how = forms.ChoiceField(label="How the plan was offered",
                                    choices=OfferMethod.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)


class OfferAnswerForm(GovukForm):
    answer = forms.ChoiceField(
        label="The carer's answer", widget=forms.RadioSelect, choices=[
            (CarerSupportPlanOffer.State.ACCEPTED, "Accepted: they want a support plan"),
            (CarerSupportPlanOffer.State.DECLINED, "Declined: they do not want one now")])
    answered_on = GovukDateField(label="Date of the carer's answer", earliest=EARLIEST,
                                 help_text="For example, 3 4 2026")
    note = _textarea("What the carer said", rows=3, max_length=2000,
                     help_text="In their words, if they gave a reason")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_govuk_messages(self)


# The plan, section by section: (title, fields). The page shows each with a Change link.
SECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "conversation": ("The first conversation", ("first_conversation_on",)),
    "circumstances": ("The carer's circumstances",
                      ("circumstances", "nature_and_extent", "impact")),
    "caring": ("Caring, emergencies and the future",
               ("willingness_and_ability", "emergency_arrangements", "future_arrangements")),
    "needs": ("Needs and support",
              ("identified_needs", "local_support", "support_where_carer_lives",
               "support_to_be_provided")),
    "short-breaks": ("A break from caring", ("short_break", "short_break_details")),
    "review": ("Review", ("review_arrangements",)),
}

HINTS = {
    "first_conversation_on": "The adult carer support plan conversation. For example, 9 4 2026",
    "circumstances": "Their life now: work, health, family, where they live",
    "nature_and_extent": "What care they give, how often, for how long",
    "impact": "On their health, work, sleep, money, relationships and time for themself",
    "willingness_and_ability": "Including anything they are not willing or able to do",
    "emergency_arrangements": "Who would step in if the carer could not care suddenly. "
                              "If there are none, say so",
    "future_arrangements": "Including anticipatory care plans. If there are none, say so",
    "identified_needs": "The needs for support to meet their outcomes. If no needs were "
                        "identified, say so",
    "local_support": "Carers' centres, groups and services the carer and the person cared for "
                     "can use",
    "support_where_carer_lives": "Only if the carer lives in another council's area",
    "support_to_be_provided": "For needs that meet the eligibility criteria, and any other "
                              "needs the council will meet",
    "short_break": "Whether support is to be provided in the form of a break from caring",
    "short_break_details": "What break, how often, who provides it",
    "review_arrangements": "When, and in what circumstances, the plan will be looked at again",
}


class PlanSectionForm(GovukForm):
    """One section of the plan. Everything may be left blank while the plan is prepared;
    what the Act requires is checked when the plan is agreed."""

    def __init__(self, *args: Any, section: str, plan: AdultCarerSupportPlan,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title, names = SECTIONS[section]
        for name in names:
            label = plan_field_label(name)
            current = getattr(plan, name)
            field: forms.Field
            if name == "first_conversation_on":
                field = GovukDateField(label="Date of the first conversation", required=False,
                                       earliest=EARLIEST, initial=current)
            elif name == "short_break":
                field = forms.ChoiceField(
                    label="Is support to be provided as a break from caring?",
                    choices=[(v, lab) for v, lab in ShortBreak.choices if v] + [
                        ("", "Not decided yet")],
                    widget=forms.RadioSelect, required=False, initial=current)
            else:
                field = _textarea(label, rows=5, initial=current)
            field.help_text = HINTS.get(name, "")
            self.fields[name] = field
        apply_govuk_messages(self)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if "short_break" in data:
            data["short_break"] = data["short_break"] or ""
        return data


class CarerOutcomeForm(GovukForm):
    in_own_words = _textarea("The outcome, in the carer's own words", required=True,
                             max_length=1000, rows=3,
                             help_text='What matters to them, as they said it. For example: '
                                       '"I want to keep my Tuesday choir practice"')
    category: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Which carers' outcome it belongs to", queryset=OutcomeTerm.objects.none(),
        widget=forms.RadioSelect, empty_label=None)
    better_looks_like = _textarea('What "better" looks like', max_length=1000, rows=3)
    measure = _textarea("How you will both know", max_length=1000, rows=3,
                        help_text="An indicator or measure both of you can check, for "
                                  'example "goes to choir every week"')
    priority = forms.TypedChoiceField(label="Priority", choices=PersonalOutcome.Priority.choices,
                                      coerce=int, widget=forms.RadioSelect,
                                      initial=PersonalOutcome.Priority.MEDIUM)

    def __init__(self, *args: Any, categories: list[OutcomeTerm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = OutcomeTerm.objects.filter(pk__in=[t.pk for t in categories]) \
            .order_by("position")
        apply_govuk_messages(self)


class CarerEligibilityForm(GovukForm):
    """A level of impact for every area, with its reason; the decision's reasons, the
    support suggested below the threshold, and how to challenge it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        levels = [(v, lab) for v, lab in Level.choices]
        for area in CarerArea:
            self.fields[f"level_{area.value}"] = forms.ChoiceField(
                label=f"{area.label}: level of impact", choices=levels,
                widget=forms.RadioSelect(attrs={"small": True}))
            self.fields[f"reason_{area.value}"] = _textarea(
                f"{area.label}: reason", rows=2, max_length=2000,
                help_text="Needed unless there is no impact")
        self.fields["reasons"] = _textarea(
            "Reasons for the decision", required=True,
            help_text="In plain words the carer can read")
        self.fields["signposting"] = _textarea(
            "Other support suggested",
            help_text="Needed when the impact is below the authority's threshold: carers' "
                      "centres, groups, information and advice")
        self.fields["challenge_route"] = _textarea(
            "How to challenge this decision", required=True, initial=DEFAULT_CHALLENGE_ROUTE)
        self.fields["decided_on"] = GovukDateField(label="Date of the decision",
                                                   earliest=EARLIEST,
                                                   initial=clock.today())
        apply_govuk_messages(self)
        for area in CarerArea:
            self.fields[f"level_{area.value}"].error_messages["required"] = (
                f"Select the level of impact on {area.label.lower()}")

    def areas(self) -> list[tuple[str, str, str]]:
        return [(a.value, self.cleaned_data[f"level_{a.value}"],
                 self.cleaned_data.get(f"reason_{a.value}", "")) for a in CarerArea]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"areas": self.areas(), "reasons": data["reasons"],
                "signposting": data.get("signposting", ""),
                "challenge_route": data["challenge_route"], "decided_on": data["decided_on"]}


class AgreeForm(GovukForm):
    """No fields: carries the reasons the plan cannot be agreed yet, if any."""
