"""The registry covers everything held about a person: every model with a key to
``people.Person`` is in some registered part, and its history is exported or the part
says why not. A new model that forgets fails here, by name."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from selfdirect.dataprotection import registry
from selfdirect.dataprotection.anonymise import REMOVED, SHORT, field_updates
from selfdirect.people.models import Person


def _person_keys() -> list[tuple[type[models.Model], str]]:
    """(model, field) for every key (ForeignKey or OneToOneField) to a person."""
    found = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.ForeignKey) and f.related_model is Person:
                found.append((model, f.name))
    return found


def _historical_base(model: type[models.Model]) -> type[models.Model] | None:
    """The model a django-simple-history Historical* model keeps the history of."""
    return getattr(model, "instance_type", None)


def test_every_key_to_a_person_is_covered_by_a_registered_part():
    covered = registry.covered()
    missing = []
    for model, name in _person_keys():
        if _historical_base(model) is not None:
            continue
        if (model._meta.label, name) not in covered:
            missing.append(f"{model._meta.label}.{name}")
    assert missing == [], (
        "These models hold something about a person but no subject_access.py registers "
        f"them (add a Part with person=\"<field>\"): {', '.join(missing)}")


def test_every_history_of_a_person_is_exported_or_says_why_not():
    covered = registry.covered()
    problems = []
    for model, name in _person_keys():
        base = _historical_base(model)
        if base is None:
            continue
        part = covered.get((base._meta.label, name))
        if part is None:
            problems.append(f"{model._meta.label}.{name}: {base._meta.label} is not registered")
        elif not part.history and not part.no_history_reason:
            problems.append(f"{model._meta.label}.{name}: history not exported, and no reason")
    assert problems == []


def test_the_check_finds_keys_to_a_person():
    names = {f"{m._meta.label}.{n}" for m, n in _person_keys()}
    assert {"planning.SupportPlan.person", "carers.CarerLink.cared_for",
            "payments.Account.person", "people.HistoricalPreferences.person"} <= names


def test_every_part_names_real_fields():
    for part in registry.all_parts():
        names = {f.name for f in part.model._meta.get_fields()}
        for group in (part.fields, part.exclude, part.keep, part.clear, part.year_only,
                      tuple(part.replace), tuple(part.json_money)):
            assert set(group) <= names, (part.label, set(group) - names)
        if part.parent:
            assert part.parent in names, (part.label, part.parent)


def test_free_text_is_cleared_and_short_text_emptied():
    (person_part,) = [p for p in registry.all_parts() if p.label == "people.Person"]
    updates = field_updates(person_part)
    assert {"notes", "phone", "email", "chi_number", "nhs_number", "postcode", "given_name",
            "family_name", "date_of_birth", "user_id"} <= set(updates)
    assert "client_group" not in updates  # a choice, kept for counting
    assert len(REMOVED) < SHORT


def test_the_ledger_and_the_access_log_are_never_anonymised():
    never = {"payments.Account", "payments.Line", "audit.AccessLog", "payments.InvoiceLine"}
    for part in registry.all_parts():
        if part.label in never:
            assert not part.anonymise, part.label


def test_sections_read_in_order_with_the_persons_details_first():
    keys = [s.key for s in registry.sections()]
    assert keys[0] == "people"
    assert {"assessments", "outcomes", "budgets", "planning", "carers", "charging",
            "payments", "spending", "account", "access", "dataprotection"} <= set(keys)
