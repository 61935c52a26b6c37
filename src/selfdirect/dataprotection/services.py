"""Changes the data protection work makes: a subject-access export (logged), an approval
of a council's list past retention, and carrying it out.

- ``subject_access_export``: the ZIP of everything held about a person, for their
  council's data protection officer; the opening is in the access log with the purpose
  "subject access export".
- ``retention_approve``: the data protection officer approves what is past retention in
  their council today: each person to anonymise, and the sign-in events and API token
  uses to delete, become a waiting ``RetentionAction``.
- ``retention_carry_out``: the job (``manage.py retention``) does what was approved: each
  person still past retention is anonymised (``anonymise.anonymise_person``), anyone
  with something recorded since is skipped with the reason; the log rows still past
  their period are deleted, with their history. The access log is never touched: it is
  append-only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from selfdirect.authorities.models import Authority
from selfdirect.authorities.policy import policy_value
from selfdirect.core import clock
from selfdirect.core.services import require_perm, save_with_history
from selfdirect.dataprotection import anonymise, export, selectors
from selfdirect.dataprotection.models import RetentionAction, RetentionApproval
from selfdirect.people.models import Person
from selfdirect.people.selectors import person_get

PURPOSE = "subject access export"
EXPORT = "dataprotection.export_person"
APPROVE = "dataprotection.approve_retention"
Kind = RetentionAction.Kind
Status = RetentionAction.Status


# --- Subject access ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    person: Person


def subject_access_export(*, actor: Any, person_id: int, path: str = "",
                          channel: str = "page") -> ExportFile:
    """The ZIP of everything held about the person, for a data protection officer of their
    council: ``person_get`` checks ``dataprotection.export_person``, and writes the access
    log either way (purpose "subject access export"); another council's person, or a
    person who does not exist, is not found."""
    person = person_get(user=actor, person_id=person_id, permission=EXPORT, path=path,
                        channel=channel, purpose=PURPOSE)
    document = selectors.subject_access_document(person=person)
    return ExportFile(export.filename(document), export.zip_bytes(document), person)


# --- Retention: approval -------------------------------------------------------------------------


@transaction.atomic
def retention_approve(*, actor: Any, authority: Authority, confirmed: bool,
                      channel: str = RetentionApproval.Channel.PAGE,
                      on: datetime.date | None = None) -> RetentionApproval:
    """Record the data protection officer's approval of the council's list past retention
    on ``on`` (today): one waiting action for each person, and one each for the council's
    sign-in events and API token uses past their periods. Nothing is changed until the
    retention job carries it out."""
    require_perm(actor, APPROVE, authority)
    Authority.objects.select_for_update().filter(pk=authority.pk).first()
    if not confirmed:
        raise ValidationError({"confirm": "Confirm that you have checked the list and approve "
                                          "it"})
    on = on or clock.today()
    people = selectors.people_past_retention(authority=authority, on=on)
    logs = selectors.log_rows_past_retention(authority=authority, on=on)
    if not people and not logs.sign_in_events and not logs.token_uses:
        raise ValidationError({"confirm": "Nothing is past its retention period: there is "
                                          "nothing to approve"})
    approval = RetentionApproval(authority=authority, listed_on=on, approved_by=actor,
                                 channel=channel, people=len(people),
                                 sign_in_events=logs.sign_in_events, token_uses=logs.token_uses)
    save_with_history(approval, actor=actor, reason="Retention list approved")
    periods = {p.key: p.value for p in selectors.retention_periods(authority=authority, on=on)}
    actions = [RetentionAction(approval=approval, kind=Kind.ANONYMISE, person=row.person,
                               last_activity=row.last_activity, reason=row.reason[:300])
               for row in people]
    if logs.sign_in_events:
        actions.append(RetentionAction(
            approval=approval, kind=Kind.SIGN_IN_EVENTS,
            before=selectors.start_of(on - datetime.timedelta(
                days=periods[selectors.SIGN_IN_DAYS])),
            reason=f"Sign-in events are kept {periods[selectors.SIGN_IN_DAYS]} days"))
    if logs.token_uses:
        actions.append(RetentionAction(
            approval=approval, kind=Kind.TOKEN_USES,
            before=selectors.start_of(on - datetime.timedelta(
                days=periods[selectors.TOKEN_USE_DAYS])),
            reason=f"The uses of API tokens are kept {periods[selectors.TOKEN_USE_DAYS]} days"))
    for action in actions:
        save_with_history(action, actor=actor, reason="Approved under the retention policy",
                          validate=False)
    return approval


@transaction.atomic
def retention_approve_with_job(*, actor: Any, authority: Authority, confirmed: bool,
                               back_url: str = "") -> tuple[RetentionApproval, Any]:
    """``retention_approve``, and the background job that carries it out at once, queued
    in the same transaction (``dataprotection.jobs``)."""
    from selfdirect.dataprotection.jobs import retention_job_start

    approval = retention_approve(actor=actor, authority=authority, confirmed=confirmed)
    return approval, retention_job_start(actor=actor, approval=approval, back_url=back_url)


# --- Retention: carrying it out ----------------------------------------------------------------


def _done(action: RetentionAction, *, actor: Any, rows: int, status: str = Status.DONE,
          note: str = "") -> None:
    action.status = status
    action.rows = rows
    action.note = note[:300]
    action.done_at = timezone.now()
    save_with_history(action, actor=actor, reason=f"Retention action {status}", validate=False)


def _delete_with_history(query: Any) -> int:
    """Delete the rows and every version of them in their history (deleting writes a
    last version; it goes too): a log past its period is gone, not kept as history."""
    ids = list(query.values_list("pk", flat=True))
    if not ids:
        return 0
    model = query.model
    deleted = model._default_manager.filter(pk__in=ids).delete()[0]
    historical = export.history_model(model)
    if historical is not None:
        historical._default_manager.filter(id__in=ids).delete()
    return deleted


def _carry_out_person(action: RetentionAction, *, approval: RetentionApproval, actor: Any,
                      latest: dict[int, datetime.date], still_open: set[int], years: int,
                      on: datetime.date) -> None:
    person = action.person
    assert person is not None
    last = latest.get(person.pk)
    if RetentionAction.objects.filter(person=person, kind=Kind.ANONYMISE,
                                      status=Status.DONE).exists():
        _done(action, actor=actor, rows=0, status=Status.SKIPPED,
              note="Already anonymised under an earlier approval")
        return
    if person.pk in still_open or last is None or selectors.add_years(last, years) >= on:
        since = f" (last activity {last.day} {last:%B %Y})" if last else ""
        _done(action, actor=actor, rows=0, status=Status.SKIPPED,
              note=f"Something was recorded about the person since the approval{since}: "
                   "their record is kept")
        return
    rows = anonymise.anonymise_person(person.pk)
    person.refresh_from_db()
    save_with_history(person, actor=approval.approved_by, validate=False,
                      reason="Anonymised under the retention policy")
    _done(action, actor=actor, rows=rows)


@dataclass
class CarriedOut:
    approval: RetentionApproval
    anonymised: int = 0
    skipped: int = 0
    sign_in_events: int = 0
    token_uses: int = 0

    @property
    def summary(self) -> str:
        return (f"{self.anonymised} people's records anonymised, {self.skipped} kept because "
                f"something was recorded since the approval; {self.sign_in_events} sign-in "
                f"events and {self.token_uses} API token uses deleted.")


def retention_carry_out(*, approval: RetentionApproval, actor: Any,
                        on: datetime.date | None = None,
                        progress: Callable[[int, int], None] | None = None) -> CarriedOut:
    """Carry out an approval, person by person, each in its own transaction (a run
    stopped part-way is started again and does only what is left). ``actor`` is who runs
    it (the job's user, or the approver); each change names the approver."""
    on = on or clock.today()
    authority = approval.authority
    result = CarriedOut(approval)
    years = policy_value(authority=authority, key=selectors.CASE_YEARS, on=on)
    latest, still_open = selectors.last_activity(authority=authority)
    waiting = list(approval.actions.filter(status=Status.WAITING).select_related("person")
                   .order_by("pk"))
    mine = selectors.accounts_of(authority)
    for done_so_far, action in enumerate(waiting):
        if progress is not None:
            progress(done_so_far, len(waiting))
        with transaction.atomic():
            locked = RetentionAction.objects.select_for_update().get(pk=action.pk)
            if locked.status != Status.WAITING:
                continue
            locked.person = action.person
            if locked.kind == Kind.ANONYMISE:
                _carry_out_person(locked, approval=approval, actor=actor, latest=latest,
                                  still_open=still_open, years=years, on=on)
            elif locked.kind == Kind.SIGN_IN_EVENTS:
                rows = _delete_with_history(selectors.sign_in_events_past(on=on, accounts=mine))
                _done(locked, actor=actor, rows=rows)
            else:
                rows = _delete_with_history(selectors.token_uses_past(on=on, accounts=mine))
                _done(locked, actor=actor, rows=rows)
    if progress is not None:
        progress(len(waiting), len(waiting))
    done = approval.actions.all()
    result.anonymised = done.filter(kind=Kind.ANONYMISE, status=Status.DONE).count()
    result.skipped = done.filter(status=Status.SKIPPED).count()
    result.sign_in_events = sum(a.rows for a in done.filter(kind=Kind.SIGN_IN_EVENTS))
    result.token_uses = sum(a.rows for a in done.filter(kind=Kind.TOKEN_USES))
    with transaction.atomic():
        approval = RetentionApproval.objects.select_for_update().get(pk=approval.pk)
        approval.status = RetentionApproval.Status.DONE
        approval.carried_out_at = timezone.now()
        approval.summary = result.summary
        save_with_history(approval, actor=actor, reason="Retention approval carried out",
                          validate=False)
    result.approval = approval
    return result


def retention_carry_out_waiting(*, actor: Any, authority: Authority | None = None,
                                on: datetime.date | None = None) -> list[CarriedOut]:
    """Carry out every approval still waiting (of one council, or all)."""
    return [retention_carry_out(approval=a, actor=actor, on=on)
            for a in selectors.approvals_waiting(authority=authority)]

