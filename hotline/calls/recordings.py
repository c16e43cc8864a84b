"""Recordings Twilio made of calls: one row each, linked to the call's ticket or, until a ticket
exists, to its missed-call task. The Twilio URL stays in the row; pages and the API name a
recording by its sid and play it through the staff proxy (hotline/calls/audio.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from hotline.calls.models import CallRecording
from hotline.core.actor import HOTLINE_ROLES, Actor, Role
from hotline.core.errors import NotFound
from hotline.core.extensions import db
from hotline.tickets.events import record_event
from hotline.tickets.models import Ticket

ATTACHED = "recording_attached"  # the ticket event; its data: recording_sid, duration_seconds
MAX_SID = 64


def may_hear(actor: Actor, ticket: Ticket) -> bool:
    """Who may listen to the recordings of a ticket they can see: hotline roles and inspectors;
    its unit's staff unless the ticket is confidential (保密: a voice gives the person away)."""
    if actor.role in HOTLINE_ROLES or actor.role == Role.inspector:
        return True
    return actor.is_unit and not ticket.confidential


def keep(
    *,
    call_sid: str,
    recording_sid: str,
    url: str,
    duration_seconds: int | None,
    now: datetime,
    callback_task_id: int | None = None,
) -> CallRecording:
    """The recording's row (one per RecordingSid: a repeat returns the first)."""
    row = db.session.scalar(
        select(CallRecording).where(CallRecording.recording_sid == recording_sid)
    )
    if row is None:
        row = CallRecording(
            recording_sid=recording_sid,
            call_sid=call_sid,
            url=url,
            duration_seconds=duration_seconds,
            callback_task_id=callback_task_id,
            created_at=now,
        )
        db.session.add(row)
        db.session.flush()
    elif row.callback_task_id is None and callback_task_id is not None:
        row.callback_task_id = callback_task_id
    return row


def attach(recording: CallRecording, *, ticket_id: int, now: datetime) -> None:
    """Link the recording to its ticket and put it on the ticket's timeline (sid and length
    only), whatever the ticket's status or version: the router or a unit may be changing the
    ticket right now, and this writes no ticket column."""
    if recording.ticket_id == ticket_id:
        return
    ticket = db.session.execute(
        select(Ticket.id, Ticket.unit_id).where(Ticket.id == ticket_id)
    ).first()
    if ticket is None:
        return
    recording.ticket_id = ticket_id
    record_event(
        ticket,
        ATTACHED,
        Actor.system("twilio-voice"),
        now=now,
        data={
            "recording_sid": recording.recording_sid,
            "duration_seconds": recording.duration_seconds,
        },
    )


def unattached(call_sid: str) -> list[CallRecording]:
    """The call's recordings that arrived before its ticket existed, oldest first."""
    return list(
        db.session.scalars(
            select(CallRecording)
            .where(CallRecording.call_sid == call_sid, CallRecording.ticket_id.is_(None))
            .order_by(CallRecording.id)
        )
    )


def of_ticket(ticket_id: int) -> list[CallRecording]:
    """The ticket's recordings, oldest first."""
    return list(
        db.session.scalars(
            select(CallRecording)
            .where(CallRecording.ticket_id == ticket_id)
            .order_by(CallRecording.created_at, CallRecording.id)
        )
    )


def of_tasks(task_ids: Iterable[int]) -> dict[int, list[CallRecording]]:
    """The recordings of each missed-call task, in one query."""
    ids = list(dict.fromkeys(task_ids))
    found: dict[int, list[CallRecording]] = {}
    if not ids:
        return found
    rows = db.session.scalars(
        select(CallRecording)
        .where(CallRecording.callback_task_id.in_(ids))
        .order_by(CallRecording.created_at, CallRecording.id)
    )
    for row in rows:
        found.setdefault(row.callback_task_id, []).append(row)
    return found


def get(
    *, recording_sid: str, ticket_id: int | None = None, task_id: int | None = None
) -> CallRecording:
    """The recording with this sid of this ticket (or missed-call task); NotFound for a sid of
    another ticket, so a page can only play what it shows."""
    if len(recording_sid) > MAX_SID:
        raise NotFound("no such recording")
    stmt = select(CallRecording).where(CallRecording.recording_sid == recording_sid)
    if ticket_id is not None:
        stmt = stmt.where(CallRecording.ticket_id == ticket_id)
    elif task_id is not None:
        stmt = stmt.where(CallRecording.callback_task_id == task_id)
    else:
        raise NotFound("no such recording")
    row = db.session.scalar(stmt)
    if row is None:
        raise NotFound("no such recording")
    return row
