"""One registry of what the platform holds about a person, that every app contributes to.

Each app says what it holds in its own ``subject_access.py`` module, discovered when the
apps are ready (``autodiscover``, as the Django admin finds ``admin.py``): a ``Section``
with a plain-English heading, made of ``Part``s, one per model. A part is found from the
person (``person="person"``, or a path such as ``"assessment__person"``) or, nested
under another part, from its parent (``parent="plan"``): a support-plan line is shown
under its plan, where the person looks for it.

The same declaration drives three things, so they cannot drift apart:

- the subject-access export (``export.py``): every section, every record, its history;
- the retention clock (``selectors.last_activity``): the last change to anything held;
- anonymisation (``anonymise.py``): what is cleared, kept or shortened in each record.

``tests/dataprotection/test_registry.py`` walks every model of the project and fails,
naming the model, when one with a key to ``people.Person`` is covered by no part (see
docs/dataprotection.md, "The registry").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.module_loading import autodiscover_modules

MODULE = "subject_access"


@dataclass(frozen=True)
class Part:
    """The records of one model about a person.

    ``person`` is the lookup from the model to the person (``"person"``, ``"pk"`` for the
    person record itself, ``"assessment__person"``); a nested part gives ``parent``
    instead, the field that points at the enclosing part's model.

    Export: ``fields`` limits the fields shown (records that are mostly someone else's);
    ``exclude`` leaves internal ones out (a token's digest); ``describe`` adds values read
    through ``select_related`` (the question a RAS answer answers); ``json_money`` names
    the keys of a JSON field that hold whole pence, shown as pounds like every amount.

    Anonymisation (when ``anonymise``): every free-text field is cleared (short ones and
    email addresses to "", longer ones to ``REMOVED`` so a rule that wants text still
    holds), except those in ``keep``; ``clear`` also clears choice, JSON and nullable
    key fields; ``year_only`` shortens dates to 1 January of their year; ``replace``
    gives an expression for a field (a name, a username). Historical rows get the same.
    ``anonymise=False`` leaves the rows as they are: the ledger, the access log, and
    another person's records that mention this one.

    ``history`` exports the model's history (django-simple-history) when it has one;
    ``no_history_reason`` says why not, when it is False.

    Retention: the last activity about a person is the latest change to any of their
    records (the history's dates) and the latest date in ``activity`` (a field of a part
    without history, like the date of a ledger entry, or an end date still to come). A
    record matching ``open_when`` (a payment schedule with no end date) keeps the case
    open: the person is never past retention while it does.
    """

    model: type[models.Model]
    title: str
    person: str = ""
    parent: str = ""
    children: tuple[Part, ...] = ()
    note: str = ""
    fields: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    describe: Callable[[Any], Mapping[str, Any]] | None = None
    json_money: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    history: bool = True
    no_history_reason: str = ""
    anonymise: bool = True
    keep: tuple[str, ...] = ()
    clear: tuple[str, ...] = ()
    year_only: tuple[str, ...] = ()
    replace: Mapping[str, Callable[[], Any]] = field(default_factory=dict)
    activity: str = ""
    open_when: Q | None = None

    def __post_init__(self) -> None:
        if bool(self.person) == bool(self.parent):
            raise ValueError(f"{self.model.__name__}: give person or parent, not both or neither")

    @property
    def label(self) -> str:
        return self.model._meta.label

    def walk(self) -> Iterator[Part]:
        """This part and every part nested in it."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Section:
    """A heading of the export, in plain English, and the parts under it. ``order`` puts
    the sections in the order a person reads them (their details first)."""

    key: str
    heading: str
    parts: tuple[Part, ...]
    order: int = 50
    intro: str = ""

    def walk(self) -> Iterator[Part]:
        for part in self.parts:
            yield from part.walk()


_sections: dict[str, Section] = {}


def register(section: Section) -> Section:
    """Add ``section`` to the registry (once per key: a second registration replaces it,
    so a module imported twice does no harm)."""
    _sections[section.key] = section
    return section


def sections() -> list[Section]:
    """Every registered section, in reading order."""
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def all_parts() -> Iterator[Part]:
    for section in sections():
        yield from section.walk()


def autodiscover() -> None:
    """Import every installed app's ``subject_access`` module."""
    autodiscover_modules(MODULE)


def direct_person_field(part: Part) -> str:
    """The field of ``part.model`` that is the person, when the part is found through a
    key straight to the person (``"person"``, ``"carer"``), else ""."""
    if not part.person or "__" in part.person or part.person == "pk":
        return ""
    try:
        found = part.model._meta.get_field(part.person)
    except FieldDoesNotExist:
        return ""
    forward_key = getattr(found, "concrete", False) and (
        getattr(found, "many_to_one", False) or getattr(found, "one_to_one", False))
    return part.person if forward_key else ""


def covered() -> dict[tuple[str, str], Part]:
    """(model label, field name) -> the part that covers that key to the person."""
    result: dict[tuple[str, str], Part] = {}
    for part in all_parts():
        name = direct_person_field(part)
        if name:
            result[(part.label, name)] = part
    return result
