"""Twilio delivery callbacks for the SMS we send: statuses only ever move forward; a message
that did not arrive is told to the subscribers (`on_undelivered`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.core.models import WebhookDelivery
from hotline.notify.models import OutboxMessage

log = logging.getLogger(__name__)

EARLY_PREFIX = "sms-status:"
UNDELIVERED = frozenset({"undelivered", "failed"})

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

# What a message that did not arrive means (an escalation SMS: tell inspectors, send it to the
# duty phone) is decided above notify: hotline.escalations.undelivered subscribes, as
# hotline.tickets.watch subscribes to the clock's rule changes.
Undelivered = Callable[[OutboxMessage, "str | None", datetime], None]
_subscribers: list[Undelivered] = []


def on_undelivered(fn: Undelivered) -> Undelivered:
    """Call `fn(message, error_code, now)` once for each message that did not arrive (a
    decorator), in the transaction that records it."""
    if fn not in _subscribers:
        _subscribers.append(fn)
    return fn


def undelivered(message: OutboxMessage, *, error_code: str | None, now: datetime) -> None:
    """Tell the subscribers that `message` will not arrive. Each runs in a savepoint: one that
    fails is logged and undone, and never loses the status being recorded."""
    for fn in _subscribers:
        try:
            with db.session.begin_nested():
                fn(message, error_code, now)
        except Exception:
            log.exception("outbox %s: a subscriber to undelivered messages failed", message.id)


def record(
    *,
    provider_sid: str,
    status: str,
    error_code: str | None = None,
    now: datetime | None = None,
) -> OutboxMessage | None:
    """Apply a delivery callback to the outbox message Twilio knows as `provider_sid`; None
    when no message has that sid yet (the callback is kept and applied once the sender has
    stored the sid: Twilio may call back before the sender's commit)."""
    now = now or utcnow()
    # Locked: a callback repeated while this one runs waits, then finds the status recorded.
    message = db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.provider_sid == provider_sid)
        .with_for_update(key_share=True)
    )
    status = (status or "").lower()
    if message is None:
        _keep_early(provider_sid, status, error_code, now)
        return None
    return _apply(message, status, error_code, now)


def _keep_early(provider_sid: str, status: str, error_code: str | None, now: datetime) -> None:
    key = f"{EARLY_PREFIX}{provider_sid}:{status}"[:120]
    if db.session.scalar(select(WebhookDelivery.id).where(WebhookDelivery.key == key)):
        return
    db.session.add(
        WebhookDelivery(key=key, response=json.dumps([status, error_code]), created_at=now)
    )
    db.session.flush()


def apply_early_callbacks(message: OutboxMessage, *, now: datetime | None = None) -> None:
    """Apply delivery callbacks that arrived before `message.provider_sid` was stored."""
    if not message.provider_sid:
        return
    now = now or utcnow()
    prefix = f"{EARLY_PREFIX}{message.provider_sid}:"
    early = db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.key.startswith(prefix, autoescape=True))
    ).all()
    for row in early:
        status, error_code = json.loads(row.response or '["", null]')
        _apply(message, status, error_code, now)


def apply_kept(provider_sid: str, *, now: datetime | None = None) -> OutboxMessage | None:
    """After a kept callback is committed: if the sender has stored the sid meanwhile, apply
    what was kept. The sender looks for kept callbacks after its own commit too, so whichever
    commits second sees the other's row: no callback is lost in between."""
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.provider_sid == provider_sid)
    )
    if message is not None:
        apply_early_callbacks(message, now=now)
    return message


def _apply(
    message: OutboxMessage, status: str, error_code: str | None, now: datetime
) -> OutboxMessage:
    if status not in STORED or RANK[status] <= RANK.get(message.status, 0):
        return message
    message.status = status
    if status in ("sent", "delivered") and message.sent_at is None:
        message.sent_at = now
    if status in ("delivered", "read") and message.delivered_at is None:
        message.delivered_at = now
    if status in UNDELIVERED:
        message.last_error = f"twilio {status}" + (f" (error {error_code})" if error_code else "")
    db.session.flush()
    if status in UNDELIVERED:  # once: a repeat of this status is not a move forward
        undelivered(message, error_code=error_code, now=now)
    return message
