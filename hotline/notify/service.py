"""Writing notifications to the outbox inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from hotline.clock import utcnow
from hotline.extensions import db
from hotline.notify.models import OutboxMessage
from hotline.notify.texts import render
from hotline.queue import wake_after_commit


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
        channel="sms",
        to=to,
        template=template,
        body=render(template, locale, **params),
        ticket_id=ticket_id,
        unit_id=unit_id,
        dedupe_key=dedupe_key,
        status="pending",
        next_attempt_at=now or utcnow(),
        created_at=now or utcnow(),
    )
    db.session.add(message)
    wake_after_commit("outbox")
    return message


def queue_inapp(
    *,
    unit_id: int | None,
    template: str,
    ticket_id: int | None = None,
    user_id: int | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
    **params: object,
) -> OutboxMessage:
    """An in-app notice to a unit's staff (or one user), shown on their workbench."""
    message = OutboxMessage(
        channel="inapp",
        unit_id=unit_id,
        user_id=user_id,
        template=template,
        body=render(template, "zh_CN", **params),
        ticket_id=ticket_id,
        dedupe_key=dedupe_key,
        status="sent",
        created_at=now or utcnow(),
        sent_at=now or utcnow(),
    )
    db.session.add(message)
    return message
