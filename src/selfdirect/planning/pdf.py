"""The support plan as a document: what the printable plan and its PDF both carry.

``plan_document`` gathers, in plain English, everything a person, their family or a
provider sent the plan needs: each support line by outcome (who, when, the option, where
the money comes from, what happens if it breaks down), the totals against the budget, a
family member paid as a personal assistant, what matters about how support is given (the
person's food, routines, faith, preferred carers and communication needs), and the
agreement and signatures. ``plan_pdf`` writes that document as a text-only PDF with
fpdf2, in DejaVu Sans when the font is installed (any character), else in a core font
with characters beyond Latin-1 replaced.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from selfdirect.allocation.models import FundingStream
from selfdirect.charging.catalogue import ServiceType
from selfdirect.core.money import format_pounds
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.models import CarerGender, Person, Preferences
from selfdirect.planning import plans
from selfdirect.planning.models import (
    AgreedHow,
    FamilyPaException,
    SupportLine,
    SupportPlan,
    WhoKind,
)

OPTION_WORDS = {
    "1": "Option 1: a direct payment",
    "2": "Option 2: the person chooses, the council or a provider holds the money",
    "3": "Option 3: the council chooses and arranges",
}
MATTERS = "What matters about how support is given"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


@dataclass
class Block:
    """A heading (level 3 or 4) with a list of label and value rows and some text."""

    heading: str = ""
    level: int = 3
    rows: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)
    intro: str = ""


@dataclass
class PlanDocument:
    title: str
    person_name: str
    sections: list[Section]


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _date(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def how_support_is_given(person: Person) -> list[tuple[str, str]]:
    """The person's cultural and personal preferences and communication needs, as rows
    (only those recorded)."""
    rows: list[tuple[str, str]] = []
    preferences = Preferences.objects.filter(person=person).first()
    if preferences is not None:
        for label, value in (
                ("Food and cooking", preferences.food),
                ("Routines and times", preferences.routines),
                ("Faith and observance", preferences.faith),
                ("Preferred gender of carers",
                 _label(CarerGender, preferences.carer_gender) if preferences.carer_gender
                 else ""),
                ("Preferred language of carers", preferences.carer_language),
                ("Anything else", preferences.other)):
            if value.strip():
                rows.append((label, value.strip()))
    rows.extend(("Communication and access", str(need))
                for need in person.communication_needs.all())
    return rows


def family_pa_rows(exception: FamilyPaException) -> list[tuple[str, str]]:
    """A family member paid as a personal assistant: the request and its decision."""
    circumstances = exception.circumstance_labels
    if exception.other_reason:
        circumstances = [c for c in circumstances if c != "Another reason"]
        circumstances.append(f"Another reason: {exception.other_reason}")
    conditions = []
    if exception.both_agree:
        conditions.append("The person and the family member both agree")
    if exception.can_meet_needs:
        conditions.append("The family member can meet the person's needs")
    if exception.decided_at is None:
        decided = "Not decided yet"
    else:
        who = "The panel" if exception.decided_by_panel else "A team manager"
        decided = f"{who}: {_name(exception.decided_by)}, on {_date(exception.decided_at)}"
    if exception.pvg_needed:
        pvg = ("Needed: a personal assistant who does not live with the person must be a "
               "member of the PVG scheme")
    else:
        pvg = "Not needed: the family member lives with the person"
    line = exception.line
    rows = [
        ("Family member", exception.family_member),
        ("Relationship", exception.relationship),
        ("Lives with the person", "Yes" if exception.lives_with_person else "No"),
        ("Conditions", "; ".join(conditions) or "Not met"),
        ("Circumstances", "; ".join(circumstances)),
        ("Why, in the person's situation", exception.reason),
        ("Support line", line.what if line is not None else "Not linked to a support line"),
        ("Status", exception.get_status_display()),
        ("Decided by", decided),
    ]
    if exception.decision_reason:
        rows.append(("Reasons for the decision", exception.decision_reason))
    rows.append(("PVG scheme membership", pvg))
    return rows


def line_rows(line: SupportLine) -> list[tuple[str, str]]:
    who = _label(WhoKind, line.who_kind)
    if line.who_name:
        who = f"{who}: {line.who_name}"
    hours = ("Not counted in hours" if line.hours_per_week is None
             else f"{line.hours_per_week.normalize():f}")
    if line.contingency.strip():
        contingency = line.contingency.strip()
    elif line.option in ("1", "2"):
        contingency = "Needed, not yet recorded"
    else:
        contingency = "Not recorded"
    return [
        ("Who", who), ("When", line.when or "Not said"), ("Hours a week", hours),
        ("Cost a week", format_pounds(line.weekly_cost)),
        ("Option", OPTION_WORDS.get(line.option, line.option)),
        ("Paid from", _label(FundingStream, line.funding_stream)),
        ("Type of service", _label(ServiceType, line.service_type)),
        ("If this support breaks down", contingency),
    ]


def _outcome_section(plan: SupportPlan, lines: list[SupportLine]) -> Section:
    reasons = {r.outcome_id: r.reason for r in plan.reasons.all()}
    outcomes: list[PersonalOutcome] = []
    if plan.status == SupportPlan.Status.DRAFT:
        outcomes = list(PersonalOutcome.objects.filter(
            person_id=plan.person_id, state=PersonalOutcome.State.AGREED)
            .order_by("priority", "pk"))
    known = {o.pk for o in outcomes}
    for line in lines:
        if line.outcome is not None and line.outcome.pk not in known:
            outcomes.append(line.outcome)
            known.add(line.outcome.pk)
    for reason in plan.reasons.select_related("outcome"):
        if reason.outcome_id not in known:
            outcomes.append(reason.outcome)
            known.add(reason.outcome_id)
    section = Section("Outcomes and the support for them")
    for outcome in outcomes:
        served = [line for line in lines if line.outcome_id == outcome.pk]
        if served:
            text = ""
        elif outcome.pk in reasons:
            text = f"No paid support is needed for this: {reasons[outcome.pk]}"
        else:
            text = "No support line yet, and no reason recorded why none is needed."
        section.blocks.append(Block(f"“{outcome.in_own_words}”", 3, text=text))
        section.blocks.extend(Block(line.what, 4, line_rows(line)) for line in served)
    running = [line for line in lines if line.outcome_id is None]
    if running:
        section.blocks.append(Block("Running the support", 3))
        section.blocks.extend(Block(line.what, 4, line_rows(line)) for line in running)
    if not section.blocks:
        section.intro = "No outcomes or support lines yet."
    return section


def _cost_section(plan: SupportPlan, lines: list[SupportLine]) -> Section:
    totals = plans.plan_totals(plan)
    rows = [("Cost a week", format_pounds(totals.weekly)),
            ("Cost a year", format_pounds(totals.yearly)),
            ("Individual budget a year", "No budget yet" if totals.budget_yearly is None
             else format_pounds(totals.budget_yearly))]
    if totals.over_budget_by:
        rows.append(("More than the budget by", f"{format_pounds(totals.over_budget_by)} a year"))
    elif totals.budget_yearly is not None:
        rows.append(("Left in the budget",
                     f"{format_pounds(totals.budget_yearly - totals.yearly)} a year"))
    if plan.over_budget_reason:
        rows.append(("Team manager's decision",
                     f"The plan may cost more than the budget: {plan.over_budget_reason} "
                     f"({_name(plan.over_budget_decided_by)}, "
                     f"{_date(plan.over_budget_decided_at)})"))
    by_option: dict[str, int] = {}
    by_stream: dict[str, int] = {}
    for line in lines:
        by_option[line.option] = by_option.get(line.option, 0) + line.weekly_cost
        by_stream[line.funding_stream] = by_stream.get(line.funding_stream, 0) + line.weekly_cost
    options = [(OPTION_WORDS.get(o, o), f"{format_pounds(p)} a week")
               for o, p in sorted(by_option.items())]
    streams = [(_label(FundingStream, s), f"{format_pounds(p)} a week")
               for s, p in sorted(by_stream.items())]
    blocks = [Block("Totals", 3, rows)]
    if options:
        blocks.append(Block("By option", 3, options))
    if streams:
        blocks.append(Block("By where the money comes from", 3, streams))
    return Section("Cost against the budget", blocks)


def _agreement_section(plan: SupportPlan) -> Section:
    if plan.person_agreed_on:
        how = _label(AgreedHow, plan.person_agreed_how).lower()
        agreed = f"Agreed on {_date(plan.person_agreed_on)}: {how}"
        if plan.person_agreed_note:
            agreed += f" ({plan.person_agreed_note})"
    else:
        agreed = "Not agreed yet"
    worker = (f"Signed by {_name(plan.worker_signed_by)} on {_date(plan.worker_signed_at)}"
              if plan.worker_signed_at else "Not signed yet")
    manager = (f"Signed off by {_name(plan.manager_signed_by)} on "
               f"{_date(plan.manager_signed_at)}" if plan.manager_signed_at
               else "Not signed off yet")
    return Section("Agreement and signatures", [Block(rows=[
        ("The person", agreed), ("Worker", worker), ("Team manager", manager)])])


def plan_document(plan: SupportPlan, person: Person) -> PlanDocument:
    """Everything the plan says, in the order a reader needs it."""
    lines = list(plan.lines.select_related("outcome"))
    choice = person.option_choices.order_by("-decided_on", "-pk").first()
    about = [("Name", person.display_name), ("Status", plan.get_status_display()),
             ("Started on", _date(plan.created_at))]
    if choice is not None:
        about.append(("Options chosen", f"{choice.label}, on {_date(choice.decided_on)}"))
    matters = how_support_is_given(person)
    sections = [
        Section("About this plan", [Block(rows=about)]),
        Section(MATTERS, [Block(rows=matters)] if matters else [],
                intro=("Everyone who gives support should read this." if matters
                       else "Nothing has been recorded yet.")),
        _outcome_section(plan, lines),
    ]
    exceptions = list(plan.family_pas.select_related("line", "decided_by"))
    if exceptions:
        sections.append(Section("A family member as a personal assistant", [
            Block(f"{e.family_member} ({e.relationship})", 3, family_pa_rows(e))
            for e in exceptions]))
    sections += [_cost_section(plan, lines), _agreement_section(plan)]
    return PlanDocument(title=f"Support plan for {person.display_name}",
                        person_name=person.display_name, sections=sections)


# --- The PDF --------------------------------------------------------------------------------

_LATIN1_SWAPS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-",
                               "…": "...", "\u00a0": " "})


class _Writer:
    def __init__(self, pdf: FPDF, family: str, unicode: bool) -> None:
        self.pdf, self.family, self.unicode = pdf, family, unicode

    def text(self, value: str) -> str:
        if self.unicode:
            return value
        return value.translate(_LATIN1_SWAPS).encode("latin-1", "replace").decode("latin-1")

    def para(self, value: str, *, size: float = 11, bold: bool = False, gap: float = 1) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.multi_cell(0, size * 0.5, self.text(value), align="L",
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(gap)

    def row(self, label: str, value: str) -> None:
        """The label in a narrow column, its value beside it."""
        pdf = self.pdf
        start_y, start_page = pdf.get_y(), pdf.page
        pdf.set_font(self.family, "B", 10)
        pdf.multi_cell(55, 5, self.text(label), align="L", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        label_end = pdf.get_y()
        if pdf.page != start_page:  # the label started a new page: the value goes with it
            start_y = pdf.t_margin
            label_end = start_y + 5
        pdf.set_xy(pdf.l_margin + 57, start_y)
        pdf.set_font(self.family, "", 10)
        value_page = pdf.page
        pdf.multi_cell(0, 5, self.text(value or "-"), align="L", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        if pdf.page == value_page:
            pdf.set_y(max(label_end, pdf.get_y()))
        pdf.ln(1)


def _font(pdf: FPDF) -> tuple[str, bool]:
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        pdf.add_font("DejaVuSans", "", str(regular))
        pdf.add_font("DejaVuSans", "B", str(bold))
        return "DejaVuSans", True
    return "Helvetica", False


def plan_pdf(document: PlanDocument, *, compress: bool = True) -> bytes:
    """The document as an A4 PDF of text."""
    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(document.title)
    pdf.set_creator("selfdirect")
    pdf.set_auto_page_break(auto=True, margin=15)
    family, unicode = _font(pdf)
    writer = _Writer(pdf, family, unicode)
    pdf.add_page()
    writer.para(document.title, size=18, bold=True, gap=4)
    for section in document.sections:
        writer.para(section.heading, size=14, bold=True, gap=2)
        if section.intro:
            writer.para(section.intro, size=10)
        for block in section.blocks:
            if block.heading:
                writer.para(block.heading, size=12 if block.level == 3 else 11, bold=True)
            if block.text:
                writer.para(block.text, size=10)
            for label, value in block.rows:
                writer.row(label, value)
        pdf.ln(3)
    return bytes(pdf.output())
