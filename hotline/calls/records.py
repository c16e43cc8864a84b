"""Call records from Twilio's callbacks: each inbound call offered, queued, answered by an
operator or abandoned, written so that retries and callbacks out of order give the same row.

Twilio tells a call's story in several requests that may be retried or arrive out of order
(the status callback can come before the queue's action, a retry after both). Each writer here
only moves a record forward: `answered` once reported is never undone, an inferred outcome (a
call that ended while still waiting counts as abandoned) gives way to the queue's own word, and
a timestamp once set stays.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hotline.calls.models import CallRecord
from hotline.core.extensions import db

OUTCOMES = ("waiting", "answered", "abandoned", "timeout", "closed", "failed")
# Twilio's QueueResult (the <Enqueue> action) for a caller who left the queue unanswered.
LEFT_UNANSWERED = {
    "hangup": "abandoned",
    "leave": "timeout",  # our wait URL sent them out after VOICE_MAX_WAIT_SECONDS
    "redirected": "timeout",
    "queue-full": "failed",
    "error": "failed",
    "system-error": "failed",
}
BRIDGED = frozenset({"bridged", "bridging-in-process"})
# The status callback's final CallStatus values; only these end a call.
ENDED = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
# Twilio's call SIDs: "CA" and 32 hex digits.
_CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
# A wait or duration Twilio reports is seconds of one call: anything past a day is junk.
MAX_SECONDS = 24 * 3600


def is_call_sid(value: str | None) -> bool:
    """Whether `value` is shaped like a Twilio call SID (anything else is not Twilio's)."""
    return bool(value) and _CALL_SID.fullmatch(value or "") is not None


def seconds(raw: str | None) -> int | None:
    """A QueueTime / CallDuration parameter as whole seconds, or None when it is not one."""
    try:
        value = int((raw or "").strip())
    except ValueError:
        return None
    return value if 0 <= value <= MAX_SECONDS else None


def _record(call_sid: str, *, now: datetime, from_phone: str | None = None) -> CallRecord:
    """The call's record, created if this is the first callback about it, locked for update.

    INSERT … ON CONFLICT DO NOTHING: two callbacks about one call racing each other both end
    up on the one row instead of one of them failing on the unique key."""
    table = CallRecord.__table__
    dialect = db.session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        make(table)
        .values(call_sid=call_sid, from_phone=from_phone, offered_at=now, outcome="waiting")
        .on_conflict_do_nothing(index_elements=["call_sid"])
    )
    return db.session.scalars(
        select(CallRecord)
        .where(CallRecord.call_sid == call_sid)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def offered(*, call_sid: str, from_phone: str | None, now: datetime, is_open: bool) -> CallRecord:
    """The call arrived at /twilio/voice: waiting in the operators' queue, or closed (out of
    hours). A record a later callback created first keeps what that callback said."""
    record = _record(call_sid, now=now, from_phone=from_phone)
    record.from_phone = record.from_phone or from_phone
    record.offered_at = min(record.offered_at, now)
    if is_open:
        record.queued_at = record.queued_at or now
    elif record.outcome == "waiting" and record.queued_at is None:
        record.outcome = "closed"
    db.session.flush()
    return record


def dequeued(
    *,
    call_sid: str,
    operator_call_sid: str | None,
    operator_id: int | None,
    queue_time: int | None,
    now: datetime,
) -> CallRecord:
    """An operator's softphone took the caller from the queue (the <Queue url> request)."""
    record = _record(call_sid, now=now)
    record.outcome = "answered"
    record.answered_at = record.answered_at or now
    if queue_time is not None:
        record.wait_seconds = queue_time
        if record.queued_at is None:  # the greeting's request never reached us
            record.queued_at = record.answered_at - timedelta(seconds=queue_time)
    record.operator_call_sid = record.operator_call_sid or operator_call_sid
    record.operator_id = record.operator_id or operator_id
    db.session.flush()
    return record


def left_queue(*, call_sid: str, result: str, queue_time: int | None, now: datetime) -> CallRecord:
    """The caller left the queue (the <Enqueue> action): bridged to an operator or not."""
    record = _record(call_sid, now=now)
    if record.queued_at is None:
        record.queued_at = now - timedelta(seconds=queue_time or 0)
    if record.wait_seconds is None and queue_time is not None:
        record.wait_seconds = queue_time
    if result in BRIDGED:
        if record.outcome != "answered":
            record.outcome = "answered"
            # Twilio calls this action only after the bridged call ends: the answer came
            # `queue_time` after queueing.
            record.answered_at = record.queued_at + timedelta(seconds=queue_time or 0)
    elif record.outcome != "answered":
        record.outcome = LEFT_UNANSWERED.get(result, "failed")
    db.session.flush()
    return record


def ended(
    *, call_sid: str, status: str, duration: int | None, from_phone: str | None, now: datetime
) -> CallRecord | None:
    """The caller's call ended (its status callback); one still waiting was abandoned.
    Statuses that do not end a call (ringing, in-progress) change nothing."""
    if status not in ENDED:
        return None
    record = _record(call_sid, now=now, from_phone=from_phone)
    record.ended_at = record.ended_at or now
    if record.duration_seconds is None:
        record.duration_seconds = duration
    if record.outcome == "waiting":
        # An inference only: the queue's own result, if it comes later, replaces it.
        record.outcome = "abandoned" if status in ("completed", "canceled") else "failed"
    db.session.flush()
    return record


def link_ticket(*, call_sid: str, ticket_id: int) -> None:
    """The ticket a call led to (the caller's spoken complaint), if the call has a record."""
    record = db.session.scalar(select(CallRecord).where(CallRecord.call_sid == call_sid))
    if record is not None and record.ticket_id is None:
        record.ticket_id = ticket_id


def caller_of(operator_call_sid: str) -> CallRecord | None:
    """The caller an operator's softphone leg took from the queue (the screen-pop)."""
    if not operator_call_sid:
        return None
    return db.session.scalar(
        select(CallRecord)
        .where(CallRecord.operator_call_sid == operator_call_sid)
        .order_by(CallRecord.id.desc())
        .limit(1)
    )
