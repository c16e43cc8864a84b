"""Twilio delivery callbacks for the SMS we send: statuses only ever move forward."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from hotline.clock import utcnow
from hotline.extensions import db
from hotline.notify.models import OutboxMessage

# queued → sending → sent → delivered / undelivered / failed; the final three are terminal,
# so a late "sent" (callbacks arrive out of order) never undoes a "delivered".
RANK: dict[str, int] = {
    "pending": 0,
    "retry": 0,
    "accepted": 0,
    "scheduled": 0,
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "canceled": 3,
    "read": 4,
}
# Twilio statuses we store on the outbox row (the others are below what the sender recorded).
STORED = frozenset({"sending", "sent", "delivered", "undelivered", "failed", "read"})


def record(
    *,
    provider_sid: str,
    status: str,
    error_code: str | None = None,
    now: datetime | None = None,
) -> OutboxMessage | None:
    """Apply a delivery callback to the outbox message Twilio knows as `provider_sid`; None
    when we sent no such message."""
    now = now or utcnow()
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.provider_sid == provider_sid)
    )
    if message is None:
        return None
    status = (status or "").lower()
    if status not in STORED or RANK[status] <= RANK.get(message.status, 0):
        return message
    message.status = status
    if status in ("sent", "delivered") and message.sent_at is None:
        message.sent_at = now
    if status in ("delivered", "read") and message.delivered_at is None:
        message.delivered_at = now
    if status in ("undelivered", "failed"):
        message.last_error = f"twilio {status}" + (f" (error {error_code})" if error_code else "")
    db.session.flush()
    return message
