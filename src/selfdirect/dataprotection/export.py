"""The subject-access export: everything the registry says is held about a person, as a
ZIP of ``person.json`` (for a computer) and ``person.pdf`` (to read).

``gather`` reads each registered part with two queries (its records, its history) and
nests child parts under their parent records, so the number of queries is fixed by the
registry, not by how much is held. ``document_json`` and ``document_pdf`` write the same
gathered records: dates in ISO 8601, money as text in pounds ("123.45", never a float),
choices as their codes in the JSON and their words in the PDF. The PDF is written by
``planning.pdf.plan_pdf``, the project's one fpdf2 writer (DejaVu Sans when installed).
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from selfdirect.core import clock
from selfdirect.core.money import MoneyField, format_pounds, pounds
from selfdirect.dataprotection.registry import Part, Section, sections
from selfdirect.people.models import Person

FORMAT = "selfdirect subject access export, version 1"
HISTORY_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type",
                  "history_user", "history_relation")
CHANGE_WORDS = {"+": "Created", "~": "Changed", "-": "Removed"}
CHANGE_CODES = {"+": "created", "~": "changed", "-": "deleted"}


def history_model(model: type[models.Model]) -> type[models.Model] | None:
    try:
        return get_history_model_for_model(model)
    except NotHistoricalModelError:
        return None


@cache
def _labelled_models() -> tuple[type[models.Model], ...]:
    from django.contrib.auth import get_user_model

    from selfdirect.authorities.models import Authority, Team
    from selfdirect.outcomes.models import OutcomeTerm
    from selfdirect.providers.models import Provider

    return (get_user_model(), Person, Authority, Team, Provider, OutcomeTerm)


def _label(obj: Any) -> str:
    """A related record named in words, read without a query."""
    if obj is None:
        return ""
    if isinstance(obj, Person):
        return obj.display_name
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or obj.get_username()
    return str(getattr(obj, "name", "") or obj)


def _keys(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    """The model's forward keys to records named in words (a user, a team)."""
    labelled = _labelled_models()
    return [f for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model in labelled]


def data_fields(part: Part) -> list[models.Field[Any, Any]]:
    """The fields of ``part.model`` the export shows, in model order."""
    result = []
    for f in part.model._meta.concrete_fields:
        if part.fields and f.name not in part.fields:
            continue
        if f.name in part.exclude:
            continue
        result.append(f)
    return result


# --- Reading ---------------------------------------------------------------------------------


@dataclass
class Gathered:
    """One part's records and history, and its child parts' (for every record of it)."""

    part: Part
    rows: list[Any]
    history: list[Any]
    children: list[Gathered] = field(default_factory=list)

    def ids(self) -> set[int]:
        """Every record of the part, current or only in the history (a removed one)."""
        return {r.pk for r in self.rows} | {h.id for h in self.history}

    def count(self) -> int:
        return len(self.rows) + sum(c.count() for c in self.children)


def _history_lookup(part: Part) -> str:
    return "id" if part.person == "pk" else part.person


def gather_part(part: Part, *, person_id: int, parent_ids: Iterable[int] = ()) -> Gathered:
    """``part``'s records about the person (or under ``parent_ids``) and their history:
    two queries, then two for each child part."""
    parents = sorted(set(parent_ids))
    query = (part.model._default_manager.filter(**{part.person: person_id}) if part.person
             else part.model._default_manager.filter(**{f"{part.parent}__in": parents}))
    related = [f.name for f in _keys(part.model)] + list(part.select_related)
    rows = list(query.select_related(*related).prefetch_related(*part.prefetch_related)
                .order_by("pk"))
    history: list[Any] = []
    historical = history_model(part.model) if part.history else None
    if historical is not None:
        lookup = (({_history_lookup(part): person_id}) if part.person
                  else {f"{part.parent}__in": parents})
        history = list(historical._default_manager.filter(**lookup)
                       .select_related(*{f.name for f in _keys(historical)})
                       .order_by("history_date", "history_id"))
    gathered = Gathered(part=part, rows=rows, history=history)
    ids = gathered.ids()
    gathered.children = [gather_part(child, person_id=person_id, parent_ids=ids)
                         for child in part.children]
    return gathered


@dataclass
class GatheredSection:
    section: Section
    parts: list[Gathered]

    def count(self) -> int:
        return sum(p.count() for p in self.parts)


@dataclass
class Document:
    person: Person
    made_at: datetime.datetime
    made_on: datetime.date
    sections: list[GatheredSection]


def gather(person: Person) -> Document:
    """Everything registered about ``person``: a fixed number of queries (two a part)."""
    return Document(
        person=person, made_at=timezone.localtime(), made_on=clock.today(),
        sections=[GatheredSection(section, [gather_part(part, person_id=person.pk)
                                            for part in section.parts])
                  for section in sections()])


# --- Values ----------------------------------------------------------------------------------


def _money_json(value: Any, keys: tuple[str, ...]) -> Any:
    """A JSON value with the amounts under ``keys`` (whole pence) as text in pounds."""
    if isinstance(value, list):
        return [_money_json(v, keys) for v in value]
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if key in keys and isinstance(item, int) and not isinstance(item, bool):
                result["amount" if key == "pence" else key] = str(pounds(item))
            else:
                result[key] = _money_json(item, keys)
        return result
    return value


def json_value(part: Part, f: models.Field[Any, Any], obj: Any) -> Any:
    """The value of field ``f`` of ``obj`` for ``person.json``."""
    if isinstance(f, models.ForeignKey):
        if f.related_model in _labelled_models():
            return _label(getattr(obj, f.name, None)) or None
        return getattr(obj, f.attname)
    value = getattr(obj, f.attname)
    if value is None:
        return None
    if isinstance(f, MoneyField):
        return str(pounds(int(value)))
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(f, models.JSONField):
        return _money_json(value, part.json_money.get(f.name, ()))
    return value


def _words_date(value: datetime.date | datetime.datetime) -> str:
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{local.day} {local:%B %Y}, {local:%H:%M}"
    return f"{value.day} {value:%B %Y}"


def display_value(part: Part, f: models.Field[Any, Any], obj: Any) -> str:
    """The value of field ``f`` of ``obj`` in words, for the PDF ("" when empty)."""
    if isinstance(f, models.ForeignKey):
        if f.related_model in _labelled_models():
            return _label(getattr(obj, f.name, None))
        pk = getattr(obj, f.attname)
        target: Any = f.related_model
        return "" if pk is None else f"{capfirst(target._meta.verbose_name)} {pk}"
    value = getattr(obj, f.attname)
    if value is None or value == "":
        return ""
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, MoneyField):
        return format_pounds(int(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return _words_date(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(f, models.JSONField):
        if value in ([], {}):
            return ""
        return json.dumps(_money_json(value, part.json_money.get(f.name, ())),
                          ensure_ascii=False)
    return str(value)


def _field_label(f: models.Field[Any, Any]) -> str:
    return capfirst(str(f.verbose_name))


def _described(part: Part, obj: Any) -> dict[str, Any]:
    return dict(part.describe(obj)) if part.describe is not None else {}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _by_parent(gathered: Gathered) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    key: Any = gathered.part.model._meta.get_field(gathered.part.parent)
    attname = key.attname
    for row in gathered.rows:
        grouped[getattr(row, attname)].append(row)
    return grouped


def _change_by(row: Any) -> str:
    return _label(row.history_user) if row.history_user_id else ""


# --- person.json -------------------------------------------------------------------------------


def _record_json(gathered: Gathered, row: Any) -> dict[str, Any]:
    part = gathered.part
    fields = {f.name: json_value(part, f, row) for f in data_fields(part)}
    fields.update({k: _plain(v) for k, v in _described(part, row).items()})
    record: dict[str, Any] = {"id": row.pk, "fields": fields}
    nested = []
    for child in gathered.children:
        mine = _by_parent(child).get(row.pk, [])
        if mine:
            nested.append({"title": child.part.title, "model": child.part.label,
                           "records": [_record_json(child, r) for r in mine]})
    if nested:
        record["parts"] = nested
    return record


def _history_rows(gathered: Gathered) -> list[tuple[Part, Any]]:
    """The history of a part and of every part nested in it, oldest first."""
    rows = [(gathered.part, h) for h in gathered.history]
    for child in gathered.children:
        rows.extend(_history_rows(child))
    return sorted(rows, key=lambda item: (item[1].history_date, item[1].history_id))


def _history_json(part: Part, row: Any) -> dict[str, Any]:
    return {
        "model": part.label, "record_id": row.id,
        "at": _plain(row.history_date), "change": CHANGE_CODES.get(row.history_type, ""),
        "by": _change_by(row) or None, "reason": row.history_change_reason or "",
        "fields": {f.name: json_value(part, f, row) for f in data_fields(part)
                   if f.name not in HISTORY_FIELDS},
    }


def _part_json(gathered: Gathered) -> dict[str, Any]:
    part = gathered.part
    result: dict[str, Any] = {"title": part.title, "model": part.label,
                              "records": [_record_json(gathered, r) for r in gathered.rows]}
    if part.note:
        result["note"] = part.note
    history = _history_rows(gathered)
    if history:
        result["history"] = [_history_json(p, h) for p, h in history]
    return result


def document_json(document: Document) -> dict[str, Any]:
    person = document.person
    return {
        "format": FORMAT,
        "made_at": document.made_at.isoformat(),
        "made_on": document.made_on.isoformat(),
        "council": {"name": person.authority.name, "code": person.authority.code},
        "person": {"id": person.pk, "name": person.full_name,
                   "date_of_birth": person.date_of_birth.isoformat(),
                   "identifier": person.identifier},
        "notes": [
            "Dates are ISO 8601 (year-month-day); times are UK local time with their offset.",
            "Amounts of money are text in pounds, like \"123.45\"; a minus sign is money "
            "the other way.",
            "Choices are given as their codes; person.pdf has them in words.",
            "Each part's history lists every earlier version of its records: when, who "
            "changed it and why.",
        ],
        "sections": [
            {"key": s.section.key, "heading": s.section.heading,
             **({"intro": s.section.intro} if s.section.intro else {}),
             "parts": [_part_json(g) for g in s.parts]}
            for s in document.sections
        ],
    }


def json_bytes(document: Document) -> bytes:
    return json.dumps(document_json(document), ensure_ascii=False, indent=2).encode("utf-8")


# --- person.pdf ----------------------------------------------------------------------------------


def _record_rows(gathered: Gathered, row: Any) -> list[tuple[str, str]]:
    part = gathered.part
    rows = [(_field_label(f), display_value(part, f, row)) for f in data_fields(part)
            if f.name != "id"]
    rows += [(capfirst(k.replace("_", " ")), _words(v))
             for k, v in _described(part, row).items()]
    return [(label, value) for label, value in rows if value]


def _words(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return _words_date(value)
    if isinstance(value, list | tuple):
        return "; ".join(_words(v) for v in value)
    return str(value)


def _record_name(part: Part, row: Any) -> str:
    return f"{capfirst(part.model._meta.verbose_name)} {row.pk}"


def _pdf_blocks(gathered: Gathered, row: Any, depth: int = 0) -> list[Any]:
    from selfdirect.planning.pdf import Block

    prefix = "    " * depth
    blocks = [Block(prefix + _record_name(gathered.part, row), 4, _record_rows(gathered, row))]
    for child in gathered.children:
        for child_row in _by_parent(child).get(row.pk, []):
            blocks.extend(_pdf_blocks(child, child_row, depth + 1))
    return blocks


def document_pdf_sections(document: Document) -> list[Any]:
    from selfdirect.planning.pdf import Block
    from selfdirect.planning.pdf import Section as PdfSection

    person = document.person
    about = PdfSection("About this copy", [Block(rows=[
        ("Made on", _words_date(document.made_at)),
        ("Council", person.authority.name),
        ("Name", person.full_name),
        ("Date of birth", _words_date(person.date_of_birth)),
        (person.authority.person_identifier_label, person.identifier or "None recorded"),
        ("Record number", str(person.pk)),
    ])], intro=("This is a copy of everything the council's self-directed support system "
                "holds about you, under the headings below. The file person.json, beside "
                "this one, holds the same information in a form a computer can read, with "
                "every earlier version of each record. If anything is wrong, tell the "
                "council: you can ask for it to be put right."))
    result = [about]
    changes = PdfSection("Changes to your record", intro=(
        "When each record was made or changed, who did it and why. The earlier versions "
        "themselves are in person.json."))
    for gathered_section in document.sections:
        section = PdfSection(gathered_section.section.heading,
                             intro=gathered_section.section.intro)
        for gathered in gathered_section.parts:
            part = gathered.part
            text = part.note
            if not gathered.rows:
                text = (text + " " if text else "") + "None recorded."
            section.blocks.append(Block(part.title, 3, text=text))
            for row in gathered.rows:
                section.blocks.extend(_pdf_blocks(gathered, row))
            history = _history_rows(gathered)
            if history:
                changes.blocks.append(Block(part.title, 3, [
                    (_words_date(h.history_date),
                     " ".join(x for x in (
                         f"{CHANGE_WORDS.get(h.history_type, 'Changed')}: "
                         f"{capfirst(p.model._meta.verbose_name)} {h.id}",
                         f"by {_change_by(h)}" if h.history_user_id else "",
                         f"({h.history_change_reason})" if h.history_change_reason else "")
                         if x))
                    for p, h in history]))
        result.append(section)
    if not changes.blocks:
        changes.intro = "No changes recorded."
    result.append(changes)
    return result


def pdf_bytes(document: Document) -> bytes:
    from selfdirect.planning.pdf import PlanDocument, plan_pdf

    person = document.person
    title = f"Information held about {person.full_name}"
    return plan_pdf(PlanDocument(title=title, person_name=person.full_name,
                                 sections=document_pdf_sections(document)),
                    compress=getattr(settings, "SELFDIRECT_PDF_COMPRESS", True))


def zip_bytes(document: Document) -> bytes:
    """``person.json`` and ``person.pdf`` in one ZIP."""
    buffer = io.BytesIO()
    stamp = document.made_at.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in (("person.json", json_bytes(document)),
                              ("person.pdf", pdf_bytes(document))):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def filename(document: Document) -> str:
    return f"subject-access-{document.person.pk}-{document.made_on:%Y-%m-%d}.zip"
