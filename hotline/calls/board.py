"""The live queue as recorded: callers waiting now, the longest wait, and who is on the line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from hotline.auth.models import User
from hotline.calls.models import CallRecord, OperatorPresence
from hotline.core.actor import HOTLINE_ROLES
from hotline.core.extensions import db

# A record still "waiting" this long after Twilio's longest hold is one whose end we never
# heard of (a lost status callback): it is not shown as a caller on hold.
STALE_MARGIN = timedelta(minutes=10)


@dataclass(frozen=True)
class Waiting:
    call_sid: str
    phone: str | None
    queued_at: datetime
    seconds: int


@dataclass(frozen=True)
class OnLine:
    user_id: int
    name: str
    state: str
    since: datetime
    on_call: bool


def waiting(*, now: datetime) -> list[Waiting]:
    """Callers in the operators' queue now, longest waiting first."""
    horizon = now - timedelta(seconds=int(current_app.config["VOICE_MAX_WAIT_SECONDS"]))
    rows = db.session.execute(
        select(CallRecord.call_sid, CallRecord.from_phone, CallRecord.queued_at)
        .where(
            # offered_at first: the index on it bounds the rows read to the last minutes.
            CallRecord.offered_at >= horizon - STALE_MARGIN,
            CallRecord.outcome == "waiting",
            CallRecord.queued_at.is_not(None),
            CallRecord.ended_at.is_(None),
        )
        .order_by(CallRecord.queued_at, CallRecord.id)
    )
    return [
        Waiting(sid, phone, at, max(0, int((now - at).total_seconds()))) for sid, phone, at in rows
    ]


def operators() -> list[OnLine]:
    """Every active operator and supervisor who has used the softphone, with their state:
    ready first, then busy, then away; by name within each."""
    rows = db.session.execute(
        select(User.id, User.display_name, User.username, OperatorPresence)
        .join(OperatorPresence, OperatorPresence.user_id == User.id)
        .where(User.active.is_(True), User.role.in_([str(r) for r in HOTLINE_ROLES]))
    )
    order = {"ready": 0, "busy": 1, "away": 2}
    found = [
        OnLine(uid, display or username, p.state, p.changed_at, p.call_sid is not None)
        for uid, display, username, p in rows
    ]
    return sorted(found, key=lambda o: (order.get(o.state, 3), o.name))
