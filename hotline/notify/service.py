"""Writing notifications to the outbox inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.core.queue import wake_after_commit
from hotline.notify.models import OutboxMessage
from hotline.notify.texts import render


def sms_row(
    *,
    to: str,
    template: str,
    locale: str = "zh_CN",
    ticket_id: int | None = None,
    unit_id: int | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
    **params: object,
) -> dict[str, Any]:
    """The outbox row of a pending SMS, as plain column values.

    A batch of them (the sweep's notice step) goes out in one INSERT; the waking of the outbox
    job after commit is the caller's.
    """
    at = now or utcnow()
    return {
        "channel": "sms",
        "to": to,
        "unit_id": unit_id,
        "user_id": None,
        "ticket_id": ticket_id,
        "template": template,
        "body": render(template, locale, **params),
        "dedupe_key": dedupe_key,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": at,
        "created_at": at,
        "sent_at": None,
    }


def queue_sms(
    *,
    to: str | None,
    template: str,
    locale: str = "zh_CN",
    ticket_id: int | None = None,
    unit_id: int | None = None,
    dedupe_key: str | None = None,
    new_key: bool = False,
    now: datetime | None = None,
    **params: object,
) -> OutboxMessage | None:
    """Add an SMS to the outbox (sent by a worker after commit); None when there is no number
    or the same dedupe_key was already queued. `new_key`: the key names a row created in this
    transaction (e.g. an escalation), so no earlier message can have it and the lookup is
    skipped."""
    if not to:
        return None
    if (
        dedupe_key
        and not new_key
        and db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        )
    ):
        return None
    message = OutboxMessage(
        **sms_row(
            to=to,
            template=template,
            locale=locale,
            ticket_id=ticket_id,
            unit_id=unit_id,
            dedupe_key=dedupe_key,
            now=now,
            **params,
        )
    )
    db.session.add(message)
    wake_after_commit("outbox")
    return message


def resend_sms(
    message: OutboxMessage, *, to: str, dedupe_key: str, now: datetime | None = None
) -> OutboxMessage | None:
    """Queue the text of `message` again, to another number; None when `dedupe_key` was
    queued before (a repeated cause re-sends nothing)."""
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    at = now or utcnow()
    copy = OutboxMessage(
        channel="sms",
        to=to,
        unit_id=message.unit_id,
        ticket_id=message.ticket_id,
        template=message.template,
        body=message.body,
        dedupe_key=dedupe_key,
        status="pending",
        attempts=0,
        next_attempt_at=at,
        created_at=at,
    )
    db.session.add(copy)
    wake_after_commit("outbox")
    return copy
