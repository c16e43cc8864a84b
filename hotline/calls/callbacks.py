"""Missed calls (漏接回拨): the list operators work through and each try at calling back.

A callback continues the caller's ticket (the task's own, else the caller's latest open one):
every try is an event on it, and no second ticket is opened. After CALLBACK_MAX_ATTEMPTS tries
that reach nobody the caller gets an SMS asking them to call 12345 again and the task closes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from hotline.calls import recordings
from hotline.calls.models import CallbackAttempt, CallbackTask, CallRecording
from hotline.core.actor import HOTLINE_ROLES, Actor
from hotline.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.notify.models import SmsOptOut
from hotline.notify.service import queue_sms
from hotline.tickets.events import record_event
from hotline.tickets.models import FINAL_STATUSES, Ticket

STATUSES = ("open", "done", "closed")
# Why a call was missed (CallbackTask.reason), as the voice webhooks record it.
REASONS = ("closed", "abandoned", "timeout", "no_caller_id", "speech")
NOTE_MAX = 2000
EVENT = "missed_call_callback"  # on the caller's ticket; data: reached, attempt, closed
UNKNOWN_PHONE = "unknown"  # a withheld caller ID (hotline.intake.voice.missed_call)
MAX_ID = 2**31 - 1  # ids are 32-bit integers: a larger one names nothing (not a 500)


@dataclass(frozen=True)
class MissedCall:
    """A task as the list shows it: its ticket's number, its recordings, and why it cannot be
    called back (None when it can)."""

    task: CallbackTask
    ticket_number: str | None
    recordings: list[CallRecording]
    cannot_call: str | None  # opted_out (TD/STOP) | no_number (caller ID withheld)


def _listing(status: str):
    stmt = select(CallbackTask, Ticket.number).outerjoin(
        Ticket, Ticket.id == CallbackTask.ticket_id
    )
    stmt = stmt.where(CallbackTask.status == status)
    if status == "open":
        return stmt.order_by(CallbackTask.created_at, CallbackTask.id)  # the longest waiting
    return stmt.order_by(CallbackTask.done_at.desc(), CallbackTask.id.desc())


def missed_calls(*, status: str, page: int, per_page: int) -> tuple[list[MissedCall], int]:
    """One page of the tasks in `status` and how many there are, in four queries whatever the
    page size (count, rows, recordings, opt-outs)."""
    if status not in STATUSES:
        raise ValidationFailed(
            f"status must be one of {', '.join(STATUSES)}", fields={"status": ["invalid"]}
        )
    stmt = _listing(status)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    tasks = [task for task, _ in rows]
    heard = recordings.of_tasks(task.id for task in tasks)
    refused = not_callable(task.phone for task in tasks)
    items = [
        MissedCall(task, number, heard.get(task.id, []), refused.get(task.phone))
        for task, number in rows
    ]
    return items, total or 0


def view_of(task: CallbackTask) -> MissedCall:
    """One task as the list shows it."""
    number = (
        db.session.scalar(select(Ticket.number).where(Ticket.id == task.ticket_id))
        if task.ticket_id is not None
        else None
    )
    heard = recordings.of_tasks([task.id]).get(task.id, [])
    return MissedCall(task, number, heard, not_callable([task.phone]).get(task.phone))


def audit_subjects(items: Iterable[MissedCall]) -> list[tuple[int | None, dict]]:
    """What a list of missed calls showed of whom: each caller's full number (by the task's
    ticket, when there is one), for hotline.audit."""
    return [
        (item.task.ticket_id, {"callback_task": item.task.id})
        for item in items
        if item.task.phone and item.task.phone != UNKNOWN_PHONE
    ]


def not_callable(phones: Iterable[str]) -> dict[str, str]:
    """Why each of these numbers may not be called back: `no_number` (caller ID withheld) or
    `opted_out` (the caller answered TD/STOP); numbers that may be called are absent."""
    reasons: dict[str, str] = {}
    dialable: set[str] = set()
    for phone in phones:
        if not phone or phone == UNKNOWN_PHONE or not phone.startswith("+"):
            reasons[phone] = "no_number"
        else:
            dialable.add(phone)
    if dialable:
        opted = db.session.scalars(select(SmsOptOut.phone).where(SmsOptOut.phone.in_(dialable)))
        reasons.update(dict.fromkeys(opted, "opted_out"))
    return reasons


def get(task_id: int) -> CallbackTask:
    """The missed-call task with this id (NotFound otherwise)."""
    task = db.session.get(CallbackTask, task_id) if 0 < task_id <= MAX_ID else None
    if task is None:
        raise NotFound(f"no missed call {task_id}")
    return task


def callers_ticket(task: CallbackTask) -> Ticket | None:
    """The ticket a callback continues: the task's own, else the caller's latest open one."""
    if task.ticket_id is not None:
        return db.session.get(Ticket, task.ticket_id)
    if not task.phone or task.phone == UNKNOWN_PHONE:
        return None
    return db.session.scalar(
        select(Ticket)
        .where(Ticket.complainant_phone == task.phone, Ticket.status.not_in(FINAL_STATUSES))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(1)
    )


def _clean_note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise ValidationFailed(
            f"note is longer than {NOTE_MAX} characters", fields={"note": [f"max {NOTE_MAX}"]}
        )
    return text or None


def record_attempt(
    *,
    task_id: int,
    actor: Actor,
    reached: bool,
    note: str | None,
    now: datetime,
    call_sid: str | None = None,
) -> CallbackAttempt:
    """One try at calling the missed caller back, by an operator or supervisor. Reached: the
    task is done. Not reached for the CALLBACK_MAX_ATTEMPTS-th time: the caller is asked by SMS
    to call again and the task is closed. Either way the try is an event on the caller's
    ticket. Conflict on a task already done or closed."""
    if actor.role not in HOTLINE_ROLES:
        raise Forbidden("only operators and supervisors call missed callers back")
    text = _clean_note(note)
    if 0 < task_id <= MAX_ID:
        # Locked: two operators recording at once count two tries, and only one closes it.
        task = db.session.scalar(
            select(CallbackTask).where(CallbackTask.id == task_id).with_for_update()
        )
    else:
        task = None
    if task is None:
        raise NotFound(f"no missed call {task_id}")
    if task.status != "open":
        raise Conflict(f"this missed call is already {task.status}", current_status=task.status)
    attempt = CallbackAttempt(
        task_id=task.id, at=now, by_id=actor.user_id, reached=reached, note=text, call_sid=call_sid
    )
    db.session.add(attempt)
    task.attempts = (task.attempts or 0) + 1
    task.last_attempt_at = now
    limit = int(current_app.config["CALLBACK_MAX_ATTEMPTS"])
    closing = not reached and task.attempts >= limit
    if reached or closing:
        task.status = "done" if reached else "closed"
        task.done_at = now
        task.done_by_id = actor.user_id
    ticket = callers_ticket(task)
    if ticket is not None:
        task.ticket_id = ticket.id
        record_event(
            ticket,
            EVENT,
            actor,
            now=now,
            reason=text,
            data={"reached": reached, "attempt": task.attempts, "closed": closing},
        )
    if closing:
        _ask_to_call_again(task, ticket, now=now)
    db.session.flush()
    return attempt


def _ask_to_call_again(task: CallbackTask, ticket: Ticket | None, *, now: datetime) -> None:
    """The SMS after the last failed try (in the ticket's language), unless the caller has no
    number we may write to."""
    if not_callable([task.phone]):
        return
    params: dict[str, object] = {"attempts": task.attempts}
    template = "missed_call_closed"
    if ticket is not None:
        template, params["number"] = "missed_call_closed_ticket", ticket.number
    queue_sms(
        to=task.phone,
        template=template,
        locale=ticket.locale if ticket is not None else "zh_CN",
        ticket_id=ticket.id if ticket is not None else None,
        dedupe_key=f"missed-call-closed:{task.id}",
        now=now,
        **params,
    )
