"""Idempotent webhook handling: a Twilio retry gets the answer we already gave, nothing new."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from hotline.clock import utcnow
from hotline.extensions import db
from hotline.intake.models import WebhookDelivery


def find(key: str) -> WebhookDelivery | None:
    """The stored delivery for this key, if it was handled before."""
    return db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.key == key))


# The SMS webhook is an intake hot path: plain Core statements, compiled once.
_ANSWER = select(WebhookDelivery.response).where(WebhookDelivery.key == bindparam("key"))
_INSERT = WebhookDelivery.__table__.insert()


def _answer(key: str) -> str | None:
    row = db.session.connection().execute(_ANSWER, {"key": key}).first()
    return None if row is None else row.response or ""


def once(key: str, handle: Callable[[], tuple[str, int | None]]) -> str:
    """Run `handle` (returning the answer and its ticket id) once per key and commit; a repeat,
    even one racing this request, returns the first answer."""
    existing = _answer(key)
    if existing is not None:
        return existing
    answer, ticket_id = handle()
    row = {"key": key, "ticket_id": ticket_id, "response": answer, "created_at": utcnow()}
    try:
        db.session.flush()  # the handler's own rows first (the delivery may point at them)
        db.session.connection().execute(_INSERT, row)
        db.session.commit()
    except IntegrityError:
        # A concurrent retry committed first: drop our work and answer as it did.
        db.session.rollback()
        existing = _answer(key)
        if existing is None:
            raise
        return existing
    return answer
