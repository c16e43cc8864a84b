"""Idempotent webhook handling: a Twilio retry gets the answer we already gave, nothing new."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from hotline.core import driver_sql, uow
from hotline.core.clock import utcnow
from hotline.core.errors import HotlineError
from hotline.core.extensions import db
from hotline.core.models import WebhookDelivery
from hotline.tickets.insert import DeliveryExists

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recorded:
    """A handler's answer whose delivery row its own statement already wrote (`insert_ticket`
    with `delivery=`): `once` only returns it."""

    answer: str


def find(key: str) -> WebhookDelivery | None:
    """The stored delivery for this key, if it was handled before."""
    return db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.key == key))


# The SMS webhook is an intake hot path: plain Core statements, compiled once.
_ANSWER = select(WebhookDelivery.response).where(WebhookDelivery.key == bindparam("key"))
_INSERT = (
    WebhookDelivery.__table__.insert()
    .inline()  # no id read back: nothing uses it
    .values({c: bindparam(c) for c in ("key", "ticket_id", "response", "created_at")})
)


def _answer(key: str) -> str | None:
    row = db.session.connection().execute(_ANSWER, {"key": key}).first()
    return None if row is None else row.response or ""


def once(
    key: str,
    handle: Callable[[], tuple[str, int | None] | Recorded],
    *,
    look_first: bool = True,
) -> str:
    """Run `handle` (returning the answer and its ticket id, or a Recorded answer) once per key
    and record the answer in the request's unit of work; a repeat, even one racing this
    request, returns the first answer (the delivery's unique key makes the later one wait, then
    fail at its INSERT).

    `look_first=False` skips the lookup before `handle` (a round trip, as much as a quarter of
    an SMS intake): for handlers that only write to this transaction, so a repeat can run them
    and roll back. The delivery's unique key still decides; a repeat costs a ticket number,
    logged as unused.
    """
    if look_first:
        existing = _answer(key)
        if existing is not None:
            return existing
    try:
        result = handle()
    except (HotlineError, DeliveryExists, IntegrityError) as exc:
        # A repeat of a request whose first run changed what the handler checks (a rating
        # given, a ticket closed) may fail where the first succeeded, and one whose handler
        # writes the delivery itself finds its key taken: answer as the first did.
        if look_first:
            raise
        uow.rollback()
        existing = _answer(key)
        if existing is None:
            raise
        if isinstance(exc, IntegrityError):
            log.info("%s: a concurrent repeat committed first; answered as it did", key)
        return existing
    if isinstance(result, Recorded):
        return result.answer
    answer, ticket_id = result
    row = {"key": key, "ticket_id": ticket_id, "response": answer, "created_at": utcnow()}
    try:
        db.session.flush()  # the handler's own rows first (the delivery may point at them)
        conn = db.session.connection()
        driver_sql.compiled(_INSERT, conn.dialect).execute(conn, row)
    except IntegrityError:
        # A repeat, or a concurrent retry that committed first: drop our work, answer as it did.
        uow.rollback()
        existing = _answer(key)
        if existing is None:
            raise
        return existing
    return answer
