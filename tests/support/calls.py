"""Call records and operator presence as the voice webhooks would have written them."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from hotline.calls.models import CallRecord, OperatorPresence
from hotline.core.extensions import db

_sids = itertools.count(1)


def call_record(
    *,
    offered_at: datetime,
    outcome: str = "waiting",
    wait: int | None = None,
    talk: int | None = None,
    phone: str | None = "+8613812345678",
    operator_id: int | None = None,
    **fields: object,
) -> CallRecord:
    """One inbound call offered at `offered_at`; answered ones get their answer `wait` seconds
    after queueing and end `talk` seconds later."""
    n = next(_sids)
    record = CallRecord(
        call_sid=f"CA{n:032d}",
        from_phone=phone,
        offered_at=offered_at,
        outcome=outcome,
        queued_at=None if outcome == "closed" else offered_at,
        wait_seconds=wait,
        operator_id=operator_id,
        **fields,
    )
    if outcome == "answered":
        record.answered_at = offered_at + timedelta(seconds=wait or 0)
        record.operator_call_sid = record.operator_call_sid or f"CA{n:031d}9"
        if talk is not None:
            record.ended_at = record.answered_at + timedelta(seconds=talk)
    db.session.add(record)
    db.session.flush()
    return record


def presence(user_id: int, state: str, at: datetime, call_sid: str | None = None) -> None:
    db.session.add(OperatorPresence(user_id=user_id, state=state, changed_at=at, call_sid=call_sid))
    db.session.flush()
