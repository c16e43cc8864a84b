"""Idempotent webhook handling: a Twilio retry gets the answer we already gave, nothing new."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hotline.clock import utcnow
from hotline.extensions import db
from hotline.intake.models import WebhookDelivery


def find(key: str) -> WebhookDelivery | None:
    """The stored delivery for this key, if it was handled before."""
    return db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.key == key))


def once(key: str, handle: Callable[[], tuple[str, int | None]]) -> str:
    """Run `handle` (returning the answer and its ticket id) once per key and commit; a repeat,
    even one racing this request, returns the first answer."""
    existing = find(key)
    if existing is not None:
        return existing.response or ""
    answer, ticket_id = handle()
    delivery = WebhookDelivery(key=key, ticket_id=ticket_id, response=answer, created_at=utcnow())
    db.session.add(delivery)
    try:
        db.session.commit()
    except IntegrityError:
        # A concurrent retry committed first: drop our work and answer as it did.
        db.session.rollback()
        existing = find(key)
        if existing is None:
            raise
        return existing.response or ""
    return answer
