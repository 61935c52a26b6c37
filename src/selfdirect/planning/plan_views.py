"""The support plan pages: the plan itself (for the person and for staff alike), starting
one, adding, changing and removing support lines, saying why an outcome needs no paid
support, a team manager's decision when it costs more than the budget, the person's
agreement and the signatures.

Each view declares its permission once; the person or plan is loaded through
``person_get`` / ``person_record_get`` with that permission, which answers 404 (never
403) for a record the user may not see and writes the access log. The services in
``plans.py`` check the permission again and refuse a change to a plan that changed since
the page was opened (``PlanChanged``): the page then lists what changed, keeps what the
user typed and carries the plan's version now, so saving again works.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from selfdirect.allocation.models import FundingStream
from selfdirect.charging.catalogue import ServiceType
from selfdirect.core import clock
from selfdirect.core.money import format_pounds
from selfdirect.core.permissions import permission_required, person_page
from selfdirect.core.views import add_service_errors
from selfdirect.outcomes.models import PersonalOutcome
from selfdirect.people.models import Access, Person
from selfdirect.people.rules import is_the_person, relationship_access
from selfdirect.people.selectors import person_get, person_record_get
from selfdirect.planning import pdf, plans
from selfdirect.planning.models import (
    AgreedHow,
    FamilyPaException,
    SupportLine,
    SupportPlan,
    WhoKind,
)
from selfdirect.planning.plan_forms import (
    OPTION_CHOICES,
    ConfirmForm,
    FamilyPaDecideForm,
    FamilyPaRequestForm,
    OutcomeReasonForm,
    OverBudgetForm,
    RecordAgreementForm,
    SupportLineForm,
    line_initial,
)

VIEW = "planning.view_options"
WRITE = "planning.write_plan"
AGREE = "planning.agree_own_plan"
MANAGE = "planning.manage_plan"
SIT = "allocation.sit_on_panel"

CHANGED_MESSAGE = ("Someone else changed this plan after you opened it, so your change was "
                   "not saved. Check what changed, then save again if your change is still "
                   "needed.")
OPTION_LABELS = dict(OPTION_CHOICES)


# --- Helpers ------------------------------------------------------------------------------


def _speaks_to_the_person(request: HttpRequest, person: Person) -> bool:
    """The reader is the person, or someone who sees or acts for them: "your plan"."""
    return (is_the_person(request.user, person)
            or relationship_access(request.user, person) != Access.NONE)


def _plan(request: HttpRequest, plan_id: int,
          permission: str | tuple[str, ...]) -> SupportPlan:
    return person_record_get(SupportPlan.objects.select_related("budget"), plan_id,
                             user=request.user, permission=permission, path=request.path,
                             not_found="No such plan.")


def _finished(request: HttpRequest, plan: SupportPlan) -> HttpResponse | None:
    """Opening a page that changes a plan no longer being written leads back to the plan
    (a form posted meanwhile is refused by the service, saying why)."""
    if request.method == "POST" or plan.status == SupportPlan.Status.DRAFT:
        return None
    messages.info(request, "That plan is no longer being written: it cannot be changed.")
    return redirect(_back(plan.person))


def _back(person: Person) -> str:
    return reverse("person-plan", args=[person.pk])


def _draft(person: Person) -> SupportPlan | None:
    plan = (SupportPlan.objects.select_related("budget")
            .filter(person=person, status=SupportPlan.Status.DRAFT).first())
    if plan is not None:
        plan.person = person
    return plan


def _agreed_outcomes(person: Person) -> list[PersonalOutcome]:
    return list(PersonalOutcome.objects.filter(person=person, state=PersonalOutcome.State.AGREED)
                .order_by("priority", "pk"))


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _problems(plan: SupportPlan) -> list[str]:
    return [item for items in plans.plan_problems(plan).values() for item in items]


def _posted(request: HttpRequest) -> QueryDict | None:
    """What was typed, as a copy the page may change (the version, after a refusal)."""
    return request.POST.copy() if request.method == "POST" else None


def _refused_as_changed(form: forms.Form, data: QueryDict | None, plan: SupportPlan,
                        exc: plans.PlanChanged) -> list[str]:
    """The plan changed meanwhile: say so, keep what was typed and carry the version now,
    so that saving again (after looking at what changed) works."""
    form.add_error(None, CHANGED_MESSAGE)
    if data is not None:
        data["version"] = str(SupportPlan.objects.values_list("version", flat=True)
                              .get(pk=plan.pk))
    return list(exc.changes)


def _form_page(request: HttpRequest, plan: SupportPlan, form: forms.Form, *, title: str,
               submit: str, changes: list[str], **extra: Any) -> HttpResponse:
    person = plan.person
    return render(request, "planning/plan_form.html", {
        "person": person, "plan": plan, "form": form, "title": title, "submit": submit,
        "changes": changes, "back": _back(person),
        "for_person": _speaks_to_the_person(request, person)} | extra)


def _save(request: HttpRequest, plan: SupportPlan, form: Any, data: QueryDict | None,
          save: Any, success: str) -> tuple[HttpResponse | None, list[str]]:
    """Run ``save`` for a valid POST: a redirect to the plan on success, else the changes
    to list (when the plan changed meanwhile) with the refusal on the form."""
    if request.method != "POST" or not form.is_valid():
        return None, []
    try:
        save()
    except plans.PlanChanged as exc:
        return None, _refused_as_changed(form, data, plan, exc)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None, []
    messages.success(request, success)
    return redirect(_back(plan.person)), []


# --- The plan ------------------------------------------------------------------------------


def _line_row(line: SupportLine, can_write: bool, can_refer: bool = False,
              can_switch: bool = False) -> dict[str, Any]:
    who = WhoKind(line.who_kind).label if line.who_kind in WhoKind.values else line.who_kind
    referrals = list(line.referrals.all())
    waiting = any(r.status in ("sent", "accepted") for r in referrals)
    return {
        "referrals": referrals,
        "refer": (reverse("plan-line-refer", args=[line.pk])
                  if can_refer and line.option in ("2", "3") and not waiting else ""),
        "line": line, "who": who, "cost": format_pounds(line.weekly_cost),
        "hours": "" if line.hours_per_week is None else f"{line.hours_per_week.normalize():f}",
        "option": OPTION_LABELS.get(line.option, line.option),
        "funding": (FundingStream(line.funding_stream).label
                    if line.funding_stream in FundingStream.values else line.funding_stream),
        "service": (ServiceType(line.service_type).label
                    if line.service_type in ServiceType.values else line.service_type),
        "needs_contingency": line.option in ("1", "2") and not line.contingency.strip(),
        "edit": reverse("plan-line-edit", args=[line.plan_id, line.pk]) if can_write else "",
        "remove": reverse("plan-line-remove", args=[line.plan_id, line.pk]) if can_write else "",
        # A gap in care: the council arranges this direct-payment support for a while.
        "switch": (reverse("switch-start", args=[line.plan.person_id]) + f"?line={line.pk}"
                   if can_switch and line.option == "1" and line.weekly_cost > 0 else ""),
    }


def _plan_context(request: HttpRequest, plan: SupportPlan) -> dict[str, Any]:
    person = plan.person
    user = request.user
    draft = plan.status == SupportPlan.Status.DRAFT
    can_write = draft and user.has_perm(WRITE, person)
    lines = list(plan.lines.select_related("outcome").prefetch_related("referrals__provider"))
    can_refer = plan.status != SupportPlan.Status.REPLACED and user.has_perm(WRITE, person)
    can_switch = (plan.status == SupportPlan.Status.AGREED
                  and user.has_perm("payments.switch_cover", person))
    reasons = {r.outcome_id: r for r in plan.reasons.select_related("recorded_by")}
    outcomes = _agreed_outcomes(person) if draft else []
    known = {o.pk for o in outcomes}
    for line in lines:  # outcomes a line serves that are no longer (or not yet) agreed
        if line.outcome is not None and line.outcome.pk not in known:
            outcomes.append(line.outcome)
            known.add(line.outcome.pk)
    for reason in reasons.values():
        if reason.outcome_id not in known:
            outcomes.append(reason.outcome)
            known.add(reason.outcome_id)
    groups = [{
        "outcome": o,
        "lines": [_line_row(line, can_write, can_refer, can_switch) for line in lines
                  if line.outcome_id == o.pk],
        "reason": reasons.get(o.pk),
        "reason_url": reverse("plan-outcome-reason", args=[plan.pk, o.pk]) if can_write else "",
    } for o in outcomes]
    totals = plans.plan_totals(plan)
    over = totals.over_budget_by
    return {
        "plan": plan, "draft": draft, "groups": groups,
        "matters": pdf.how_support_is_given(person),
        "family_pas": [_family_pa_row(request, e, person)
                       for e in plan.family_pas.select_related("line", "decided_by")],
        "running": [_line_row(line, can_write, can_refer, can_switch) for line in lines
                    if line.outcome_id is None],
        "totals": {
            "weekly": format_pounds(totals.weekly), "yearly": format_pounds(totals.yearly),
            "budget": None if totals.budget_yearly is None else format_pounds(totals.budget_yearly),
            "over_by": format_pounds(over) if over else "",
            "left": (format_pounds(totals.budget_yearly - totals.yearly)
                     if totals.budget_yearly is not None and not over else ""),
        },
        "problems": _problems(plan) if draft else [],
        "agreed_how": (AgreedHow(plan.person_agreed_how).label
                       if plan.person_agreed_how in AgreedHow.values else ""),
        "worker": _name(plan.worker_signed_by), "manager": _name(plan.manager_signed_by),
        "decided_by": _name(plan.over_budget_decided_by),
        "can": {
            "write": can_write,
            "agree": draft and not plan.person_agreed_on and user.has_perm(AGREE, person),
            "decide": draft and bool(over) and user.has_perm(MANAGE, person),
            "sign": can_write,
            "family_pa": can_write,
        },
    }


def _may_decide(user: Any, exception: FamilyPaException, person: Person) -> bool:
    return (exception.status == FamilyPaException.Status.REQUESTED
            and exception.requested_by_id != user.pk
            and (user.has_perm(MANAGE, person) or user.has_perm(SIT, person)))


def _family_pa_row(request: HttpRequest, exception: FamilyPaException,
                   person: Person) -> dict[str, Any]:
    return {
        "exception": exception, "rows": pdf.family_pa_rows(exception),
        "decide": (reverse("plan-family-pa-decide", args=[exception.pk])
                   if _may_decide(request.user, exception, person) else ""),
    }


def _plans_of(request: HttpRequest, person: Person) -> tuple[list[SupportPlan],
                                                              SupportPlan | None]:
    """The person's plans, and the one to show: ``?plan=<id>``, else the plan being
    written, else the one agreed, else the latest."""
    every = list(SupportPlan.objects.filter(person=person)
                 .select_related("budget", "worker_signed_by", "manager_signed_by",
                                 "over_budget_decided_by")
                 .order_by("-created_at", "-pk"))
    for plan in every:
        plan.person = person
    chosen = request.GET.get("plan", "")
    if chosen:
        current = next((p for p in every if str(p.pk) == chosen), None)
        if current is None:
            raise Http404("No such plan.")
    else:
        current = (next((p for p in every if p.status == SupportPlan.Status.DRAFT), None)
                   or next((p for p in every if p.status == SupportPlan.Status.AGREED), None)
                   or next(iter(every), None))
    return every, current


@permission_required(VIEW)
@person_page
def person_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan being written, else the one agreed; ``?plan=<id>`` shows an earlier one."""
    person = person_get(user=request.user, person_id=pk, path=request.path, permission=VIEW)
    every, current = _plans_of(request, person)
    has_draft = any(p.status == SupportPlan.Status.DRAFT for p in every)
    context: dict[str, Any] = {
        "person": person, "for_person": _speaks_to_the_person(request, person),
        "others": [p for p in every if p is not current],
        "can_start": not has_draft and request.user.has_perm(WRITE, person),
    }
    if current is not None:
        context.update(_plan_context(request, current))
    return render(request, "planning/plan_person.html", context)


@permission_required(WRITE)
@person_page
def plan_start(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=pk, path=request.path, permission=WRITE)
    if _draft(person) is not None:
        messages.info(request, "A plan is already being written: carry on with it.")
        return redirect(_back(person))
    errors: list[str] = []
    if request.method == "POST":
        try:
            plans.plan_start(actor=request.user, person=person)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "The plan has been started. Add a support line for "
                                      "each agreed outcome.")
            return redirect(_back(person))
    return render(request, "planning/plan_start.html", {
        "person": person, "errors": errors, "back": _back(person),
        "outcomes": _agreed_outcomes(person),
        "for_person": _speaks_to_the_person(request, person)})


# --- Support lines ---------------------------------------------------------------------------


def _line_page(request: HttpRequest, plan: SupportPlan, line: SupportLine | None) -> HttpResponse:
    outcomes = _agreed_outcomes(plan.person)
    if line is not None and line.outcome is not None and line.outcome not in outcomes:
        outcomes.append(line.outcome)
    data = _posted(request)
    initial = {"version": plan.version, **(line_initial(line) if line else {})}
    form = SupportLineForm(data, initial=initial, outcomes=outcomes)

    def save() -> None:
        fields = form.line_fields()
        if line is None:
            plans.line_add(actor=request.user, plan=plan, expected_version=form.expected_version,
                           **fields)
            return
        changed = {name: value for name, value in fields.items()
                   if getattr(line, name) != value}
        plans.line_change(actor=request.user, line=line, expected_version=form.expected_version,
                          **changed)

    done, changes = _save(request, plan, form, data, save,
                          "The support line has been added." if line is None
                          else "The support line has been changed.")
    if done:
        return done
    return _form_page(request, plan, form, changes=changes,
                      title="Add a support line" if line is None
                      else f"Change the support line: {line.what}",
                      submit="Add the support line" if line is None else "Save the changes",
                      intro="One piece of support: what it is, who gives it, when, what it "
                            "costs a week and the option that pays for it.")


def _line(plan: SupportPlan, line_id: int) -> SupportLine:
    line = plan.lines.select_related("outcome").filter(pk=line_id).first()
    if line is None:
        raise Http404("No such support line.")
    line.plan = plan
    return line


@permission_required(WRITE)
@person_page
def plan_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=pk, path=request.path, permission=WRITE)
    plan = _draft(person)
    if plan is None:
        messages.info(request, "Start a plan first, then add its support lines.")
        return redirect(_back(person))
    return _line_page(request, plan, None)


@permission_required(WRITE)
def plan_line_edit(request: HttpRequest, plan_id: int, line_id: int) -> HttpResponse:
    plan = _plan(request, plan_id, WRITE)
    if finished := _finished(request, plan):
        return finished
    return _line_page(request, plan, _line(plan, line_id))


@permission_required(WRITE)
def plan_line_remove(request: HttpRequest, plan_id: int, line_id: int) -> HttpResponse:
    plan = _plan(request, plan_id, WRITE)
    if finished := _finished(request, plan):
        return finished
    line = _line(plan, line_id)
    data = _posted(request)
    form = ConfirmForm(data, initial={"version": plan.version})
    done, changes = _save(
        request, plan, form, data,
        lambda: plans.line_remove(actor=request.user, line=line,
                                  expected_version=form.expected_version),
        f"The support line “{line.what}” has been removed.")
    return done or _form_page(
        request, plan, form, changes=changes, title=f"Remove the support line: {line.what}",
        submit="Remove the support line", warning=True,
        intro=f"{format_pounds(line.weekly_cost)} a week, "
              f"{OPTION_LABELS.get(line.option, line.option).lower()}. "
              "The plan keeps a record of it in its history.")


# --- Outcomes with no paid support, and the budget ------------------------------------------------


@permission_required(WRITE)
def plan_outcome_reason(request: HttpRequest, plan_id: int, outcome_id: int) -> HttpResponse:
    plan = _plan(request, plan_id, WRITE)
    if finished := _finished(request, plan):
        return finished
    outcome = PersonalOutcome.objects.filter(pk=outcome_id, person=plan.person).first()
    if outcome is None:
        raise Http404("No such outcome.")
    existing = plan.reasons.filter(outcome=outcome).first()
    data = _posted(request)
    form = OutcomeReasonForm(data, initial={"version": plan.version,
                                            "reason": existing.reason if existing else ""})
    done, changes = _save(
        request, plan, form, data,
        lambda: plans.outcome_without_support_record(
            actor=request.user, plan=plan, outcome=outcome,
            reason=form.cleaned_data["reason"], expected_version=form.expected_version),
        "The reason has been recorded.")
    return done or _form_page(
        request, plan, form, changes=changes, title="Why this outcome needs no paid support",
        submit="Save the reason", quote=outcome.in_own_words,
        intro="Every agreed outcome has a support line or a reason why it needs none, like "
              "help from family or a community group, so no outcome is left out.")


@permission_required(MANAGE)
def plan_over_budget(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id, MANAGE)
    if finished := _finished(request, plan):
        return finished
    totals = plans.plan_totals(plan)
    data = _posted(request)
    form = OverBudgetForm(data, initial={"version": plan.version,
                                         "over_budget_reason": plan.over_budget_reason})
    done, changes = _save(
        request, plan, form, data,
        lambda: plans.over_budget_decide(actor=request.user, plan=plan,
                                         reason=form.cleaned_data["over_budget_reason"],
                                         expected_version=form.expected_version),
        "Your decision has been recorded.")
    budget = ("no agreed budget" if totals.budget_yearly is None
              else f"a budget of {format_pounds(totals.budget_yearly)} a year")
    over = (f", {format_pounds(totals.over_budget_by)} more than the budget"
            if totals.over_budget_by else "")
    return done or _form_page(
        request, plan, form, changes=changes,
        title="Decide whether the plan may cost more than the budget", submit="Record the decision",
        intro=f"The plan costs {format_pounds(totals.yearly)} a year against {budget}{over}. "
              "Record your decision and its reasons.")


# --- Agreement and signatures ----------------------------------------------------------------


@permission_required(AGREE)
def plan_agree(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The person agrees online with one button; their worker records how the person
    agreed in a meeting, by phone or another way."""
    plan = _plan(request, plan_id, AGREE)
    if finished := _finished(request, plan):
        return finished
    person = plan.person
    today = clock.today()
    records = request.user.has_perm(WRITE, person)
    data = _posted(request)
    form: ConfirmForm | RecordAgreementForm
    if records:
        form = RecordAgreementForm(data, initial={"version": plan.version}, today=today)
    else:
        form = ConfirmForm(data, initial={"version": plan.version})

    def save() -> None:
        if isinstance(form, RecordAgreementForm):
            values = form.cleaned_data
            plans.plan_agree_by_person(
                actor=request.user, plan=plan, how=values["person_agreed_how"],
                on=values["person_agreed_on"], note=values.get("person_agreed_note", ""),
                expected_version=form.expected_version)
        else:
            plans.plan_agree_by_person(actor=request.user, plan=plan, how=AgreedHow.ONLINE,
                                       on=today, expected_version=form.expected_version)

    done, changes = _save(request, plan, form, data, save,
                          "The person's agreement has been recorded." if records
                          else "Thank you: you have agreed your plan.")
    if done:
        return done
    for_person = _speaks_to_the_person(request, person) and not records
    return _form_page(
        request, plan, form, changes=changes, problems=_problems(plan),
        title="Agree your plan" if for_person else "Record that the person agreed the plan",
        submit="I agree to this plan" if for_person else "Record the agreement",
        agreed=plan.person_agreed_on,
        intro=("Read your plan first. When you agree, your worker signs it and a team manager "
               "signs it off." if for_person else
               "Record how the person agreed, from a meeting, a call or the way they prefer: "
               "nothing here needs them to write."))


@permission_required(WRITE)
def plan_sign(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The worker signs; a team manager then signs it off (the service decides which)."""
    plan = _plan(request, plan_id, WRITE)
    if finished := _finished(request, plan):
        return finished
    person = plan.person
    as_manager = (request.user.has_perm(MANAGE, person) and plan.worker_signed_by_id is not None)
    data = _posted(request)
    form = ConfirmForm(data, initial={"version": plan.version})
    done, changes = _save(
        request, plan, form, data,
        lambda: plans.plan_sign(actor=request.user, plan=plan,
                                expected_version=form.expected_version),
        "You have signed the plan off." if as_manager else "You have signed the plan.")
    if done:
        return done
    if as_manager:
        intro = "You are signing the plan off as team manager."
        if plan.person_agreed_on:
            intro += " The person has agreed it, so it will be the agreed plan."
        else:
            intro += " It becomes the agreed plan once the person has agreed it."
    else:
        intro = ("You are signing the plan as the person's worker. A team manager then signs "
                 "it off.")
    return _form_page(request, plan, form, changes=changes, problems=_problems(plan),
                      title="Sign off the plan" if as_manager else "Sign the plan",
                      submit="Sign off the plan" if as_manager else "Sign the plan",
                      intro=intro)


# --- A family member as a personal assistant ------------------------------------------------


@permission_required(WRITE)
def plan_family_pa_request(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Ask for a family member to be paid as a personal assistant, with the conditions
    and circumstances of the 2014 Regulations."""
    plan = _plan(request, plan_id, WRITE)
    if finished := _finished(request, plan):
        return finished
    lines = list(plan.lines.filter(who_kind=WhoKind.PERSONAL_ASSISTANT))
    data = _posted(request)
    form = FamilyPaRequestForm(data, initial={"version": plan.version}, lines=lines)
    done, changes = _save(
        request, plan, form, data,
        lambda: plans.family_pa_request(actor=request.user, plan=plan,
                                        expected_version=form.expected_version,
                                        **form.request_fields()),
        "The request has been recorded. A team manager or the panel decides it.")
    if done:
        return done
    person = plan.person
    return render(request, "planning/plan_family_pa.html", {
        "person": person, "plan": plan, "form": form, "changes": changes,
        "back": _back(person), "for_person": _speaks_to_the_person(request, person),
        "title": "Ask for a family member to be paid as a personal assistant",
        "submit": "Send the request",
        "intro": "The Self-directed Support (Direct Payments) (Scotland) Regulations 2014 "
                 "allow a family member to be paid as a personal assistant when the person "
                 "and the family member both agree, the family member can meet the needs, "
                 "and at least one of the circumstances below applies. A team manager or "
                 "the panel decides."})


@permission_required(SIT)
def plan_family_pa_decide(request: HttpRequest, exception_id: int) -> HttpResponse:
    """A team manager (a named approver) or a panel member decides a request. Team
    managers sit on the panel too, so the page declares the panel permission; the record
    is opened only for a team manager or panel member of the person's council, and the
    service checks the one they decide as."""
    plan_id = (FamilyPaException.objects.filter(pk=exception_id)
               .values_list("plan_id", flat=True).first())
    if plan_id is None:
        raise Http404("No such request.")
    plan = _plan(request, plan_id, (MANAGE, SIT))
    person = plan.person
    exception = plan.family_pas.select_related("line", "decided_by").get(pk=exception_id)
    by_panel = not request.user.has_perm(MANAGE, person)
    # A panel member who does not otherwise see the person goes back to the panel.
    sees_plan = request.user.has_perm(VIEW, person)
    back = _back(person) if sees_plan else reverse("panel-home")
    if exception.status != FamilyPaException.Status.REQUESTED and request.method != "POST":
        messages.info(request, "That request has already been decided.")
        return redirect(back)
    form = FamilyPaDecideForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            plans.family_pa_decide(actor=request.user, exception=exception,
                                   approve=form.cleaned_data["decision"] == "approve",
                                   reason=form.cleaned_data["decision_reason"],
                                   by_panel=by_panel)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your decision has been recorded.")
            return redirect(back)
    who = "as a member of the panel" if by_panel else "as a team manager"
    return _form_page(
        request, plan, form, changes=[], details=pdf.family_pa_rows(exception), back=back,
        back_text="Back to the support plan" if sees_plan else "Back to the panel",
        title=f"Decide: {exception.family_member} as a personal assistant",
        submit="Record the decision",
        intro=f"You are deciding {who}. Your name and your reasons are kept with the plan, "
              "and the person will read them.")


# --- The plan to print, and as a PDF ------------------------------------------------------------


def _document(request: HttpRequest, pk: int) -> tuple[Person, SupportPlan]:
    person = person_get(user=request.user, person_id=pk, path=request.path, permission=VIEW)
    _, plan = _plans_of(request, person)
    if plan is None:
        raise Http404("There is no support plan yet.")
    return person, plan


@permission_required(VIEW)
@person_page
def person_plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan in plain English on one page with no navigation, for printing."""
    person, plan = _document(request, pk)
    return render(request, "planning/plan_print.html", {
        "person": person, "plan": plan, "document": pdf.plan_document(plan, person)})


@permission_required(VIEW)
@person_page
def person_plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as a PDF, to send to a provider or keep."""
    person, plan = _document(request, pk)
    content = pdf.plan_pdf(pdf.plan_document(plan, person),
                           compress=getattr(settings, "SELFDIRECT_PDF_COMPRESS", True))
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"support-plan-{person.pk}-{clock.today():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns: list[URLPattern] = [
    path("people/<id:pk>/plan/", person_plan, name="person-plan"),
    path("people/<id:pk>/plan/start/", plan_start, name="plan-start"),
    path("people/<id:pk>/plan/lines/new/", plan_line_add, name="plan-line-add"),
    path("plans/<id:plan_id>/lines/<id:line_id>/edit/", plan_line_edit, name="plan-line-edit"),
    path("plans/<id:plan_id>/lines/<id:line_id>/remove/", plan_line_remove,
         name="plan-line-remove"),
    path("plans/<id:plan_id>/outcomes/<id:outcome_id>/reason/", plan_outcome_reason,
         name="plan-outcome-reason"),
    path("plans/<id:plan_id>/over-budget/", plan_over_budget, name="plan-over-budget"),
    path("plans/<id:plan_id>/agree/", plan_agree, name="plan-agree"),
    path("plans/<id:plan_id>/sign/", plan_sign, name="plan-sign"),
    path("plans/<id:plan_id>/family-pa/new/", plan_family_pa_request,
         name="plan-family-pa-request"),
    path("plans/family-pa/<id:exception_id>/decide/", plan_family_pa_decide,
         name="plan-family-pa-decide"),
    path("people/<id:pk>/plan/print/", person_plan_print, name="person-plan-print"),
    path("people/<id:pk>/plan/pdf/", person_plan_pdf, name="person-plan-pdf"),
]
