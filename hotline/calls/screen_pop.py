"""The screen-pop (来电弹屏): whom an operator's softphone leg is connected to, what the caller
filed before and what is still open, and binding the call to the ticket it becomes or is added
to (催办 urge / 补充材料 supplement), whose unit is told."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from hotline.calls.models import CallRecord
from hotline.core.actor import Actor
from hotline.core.errors import Conflict, ValidationFailed
from hotline.core.extensions import db
from hotline.tickets import notices
from hotline.tickets import service as tickets
from hotline.tickets.events import record_event
from hotline.tickets.models import FINAL_STATUSES, Ticket

_CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")
# What an answered call adds to an open ticket, and the event it is on the ticket's timeline.
APPEND_EVENTS = {"urge": "urged", "supplement": "supplemented"}
MAX_TEXT = 2000
SHOWN = 10  # tickets of each list the screen-pop shows


def check_call_sid(value: str | None, *, field: str = "call") -> str:
    """A Twilio CallSid (`CA` + 32 hex digits); ValidationFailed names the field otherwise."""
    value = (value or "").strip()
    if not _CALL_SID.match(value):
        raise ValidationFailed(
            f"{field} is not a Twilio CallSid", fields={field: ["CA followed by 32 hex digits"]}
        )
    return value


def caller_of(operator_call_sid: str) -> CallRecord | None:
    """The inbound call an operator's softphone leg took (its DequeuingCallSid), if the voice
    webhook has recorded it yet."""
    return db.session.scalar(
        select(CallRecord)
        .where(CallRecord.operator_call_sid == operator_call_sid)
        .order_by(CallRecord.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Caller:
    """What the console shows when a call connects."""

    record: CallRecord
    open_tickets: list[Ticket]  # still being handled: a call may be added to one of them
    history: list[Ticket]  # finished earlier tickets, newest first

    @property
    def ticket_ids(self) -> list[int]:
        return [t.id for t in (*self.open_tickets, *self.history)]


def pop(*, operator_call_sid: str) -> Caller | None:
    """The caller on this softphone leg with their open and earlier tickets (None until the
    voice webhook has recorded the call)."""
    record = caller_of(operator_call_sid)
    if record is None:
        return None
    if not record.from_phone:  # caller ID withheld: nothing to look up
        return Caller(record, [], [])
    mine = select(Ticket).where(Ticket.complainant_phone == record.from_phone)
    newest = (Ticket.created_at.desc(), Ticket.id.desc())
    open_tickets = db.session.scalars(
        mine.where(Ticket.status.not_in(list(FINAL_STATUSES))).order_by(*newest).limit(SHOWN)
    )
    history = db.session.scalars(
        mine.where(Ticket.status.in_(list(FINAL_STATUSES))).order_by(*newest).limit(SHOWN)
    )
    return Caller(record, list(open_tickets), list(history))


def bind(*, call_sid: str, ticket: Ticket) -> CallRecord:
    """The caller's call (`call_sid`, the inbound leg) led to `ticket`: the first ticket a call
    is logged as or added to stays its ticket (the figures count each call once)."""
    call_sid = check_call_sid(call_sid, field="call_sid")
    record = db.session.scalar(select(CallRecord).where(CallRecord.call_sid == call_sid))
    if record is None:
        raise ValidationFailed(f"no call {call_sid}", fields={"call_sid": ["unknown call"]})
    if record.ticket_id is None:
        record.ticket_id = ticket.id
    return record


def append_call(
    *,
    actor: Actor,
    number: str,
    kind: str,
    text: str | None,
    call_sid: str | None,
    now: datetime,
) -> Ticket:
    """Add an answered call to an open ticket instead of opening a new one: 催办 (`urge`, the
    caller presses for it) or 补充材料 (`supplement`, the caller adds facts). The event is on
    the ticket's timeline and the unit holding the ticket is told in its inbox."""
    event = APPEND_EVENTS.get(kind or "")
    if event is None:
        raise ValidationFailed(
            "kind must be urge or supplement", fields={"kind": ["urge or supplement"]}
        )
    text = (text or "").strip()
    if kind == "supplement" and not text:
        raise ValidationFailed("text is required to add material", fields={"text": ["required"]})
    if len(text) > MAX_TEXT:
        raise ValidationFailed(
            f"text is longer than {MAX_TEXT} characters",
            fields={"text": [f"at most {MAX_TEXT} characters"]},
        )
    ticket = tickets.get_by_number(number, actor=actor)
    if ticket.status in FINAL_STATUSES:
        raise Conflict(f"ticket {ticket.number} is finished: log the call as a new ticket")
    data = None
    if call_sid:
        bind(call_sid=call_sid, ticket=ticket)
        data = {"call_sid": call_sid.strip()}
    record_event(ticket, event, actor, now=now, reason=text or None, data=data)
    # The text stays on the timeline: the notice only points the unit to it.
    notices.tell_unit(ticket, event, now=now)
    db.session.flush()
    return ticket
