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

    Every row builder here returns the same keys, so a batch of them (the sweep's) goes out in
    one executemany; the waking of the outbox job after commit is the caller's.
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


def inapp_row(
    *,
    unit_id: int | None,
    template: str,
    ticket_id: int | None = None,
    user_id: int | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
    **params: object,
) -> dict[str, Any]:
    """The outbox row of an in-app notice (shown at once, so already `sent`)."""
    at = now or utcnow()
    return {
        "channel": "inapp",
        "to": None,
        "unit_id": unit_id,
        "user_id": user_id,
        "ticket_id": ticket_id,
        "template": template,
        "body": render(template, "zh_CN", **params),
        "dedupe_key": dedupe_key,
        "status": "sent",
        "attempts": 0,
        "next_attempt_at": None,
        "created_at": at,
        "sent_at": at,
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
        **inapp_row(
            unit_id=unit_id,
            template=template,
            ticket_id=ticket_id,
            user_id=user_id,
            dedupe_key=dedupe_key,
            now=now,
            **params,
        )
    )
    db.session.add(message)
    return message
