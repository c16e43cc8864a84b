"""The outbox sender: claim due SMS rows, send each at most once, retry failures with back-off.

At-most-once is the rule: a row is taken (`pending`/`retry` → `sending`, a conditional UPDATE)
and COMMITTED just before the provider is called, then `sent` (with the provider's sid) in its
own commit. A worker killed between the two leaves that one row in `sending`; it is never resent
automatically (Twilio may already have it) but moved to `review` after SENDING_TIMEOUT for a
person to check. Rows are taken one at a time, so a crash strands at most the row in flight;
senders running at once never take the same row (the UPDATE's condition decides).
`next_attempt_at` of a `sending` row is the instant the attempt started.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update

from hotline.core import uow
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.core.queue import clear_wake_flag, drain, wake
from hotline.notify import delivery_status
from hotline.notify.backends import SmsBackend, SmsSendError, get_backend
from hotline.notify.models import OutboxMessage, SmsOptOut

log = logging.getLogger(__name__)

BATCH_SIZE = 50
MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(minutes=1)  # 1, 2, 4, 8 minutes between attempts
SENDING_TIMEOUT = timedelta(minutes=10)
DUE_STATUSES = ("pending", "retry")
OPTED_OUT = "recipient opted out (TD/STOP)"
OPTED_OUT_CODE = "opted_out"  # not Twilio's: our own refusal (hotline/notify/notice_texts.py)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: exponential from BACKOFF_BASE."""
    return BACKOFF_BASE * (2 ** max(attempts - 1, 0))


def _due_ids(now: datetime, after_id: int, limit: int) -> list[int]:
    """The next due SMS rows past `after_id`: candidates only, each is taken by _take."""
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.channel == "sms",
                OutboxMessage.status.in_(DUE_STATUSES),
                OutboxMessage.next_attempt_at <= now,
                OutboxMessage.id > after_id,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def _take(message_id: int, now: datetime, **values: object) -> OutboxMessage | None:
    """Move one row out of the due statuses (to `sending` unless `values` say otherwise) and
    commit; None when another sender took it first."""
    taken = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status.in_(DUE_STATUSES),
            OutboxMessage.next_attempt_at <= now,
        )
        .values(
            **(
                values
                or {
                    "status": "sending",
                    "attempts": OutboxMessage.attempts + 1,
                    "next_attempt_at": now,
                }
            )
        )
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    uow.checkpoint()
    return None if taken is None else db.session.get(OutboxMessage, message_id)


def _opted_out(phones: set[str]) -> set[str]:
    if not phones:
        return set()
    return set(db.session.scalars(select(SmsOptOut.phone).where(SmsOptOut.phone.in_(phones))))


def _send_one(backend: SmsBackend, message: OutboxMessage) -> bool:
    """Send a row already committed as `sending`; record the outcome. True if sent."""
    try:
        result = backend.send(to=message.to or "", body=message.body)
    except Exception as exc:  # noqa: BLE001 - one failing SMS never stops the rest
        permanent = isinstance(exc, SmsSendError) and exc.permanent
        message.last_error = str(exc)[:1000]
        if permanent or message.attempts >= MAX_ATTEMPTS:
            message.status = "failed"
            log.warning(
                "outbox %s (ticket %s): failed for good after %d attempts: %s",
                message.id,
                message.ticket_id,
                message.attempts,
                exc,
            )
            code = exc.code if isinstance(exc, SmsSendError) else None
            delivery_status.undelivered(message, error_code=code, now=utcnow())
        else:
            message.status = "retry"
            message.next_attempt_at = utcnow() + backoff(message.attempts)
            log.warning(
                "outbox %s (ticket %s): attempt %d failed, retry at %s: %s",
                message.id,
                message.ticket_id,
                message.attempts,
                message.next_attempt_at.isoformat(),
                exc,
            )
        return False
    message.status = "sent"
    message.provider_sid = result.sid or None
    message.sent_at = utcnow()
    message.last_error = None
    delivery_status.apply_early_callbacks(message)
    log.info("outbox %s (ticket %s): sent as %s", message.id, message.ticket_id, result.sid)
    return True


def send_outbox(
    *,
    batch_size: int = BATCH_SIZE,
    backend: SmsBackend | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Send every due SMS in the outbox; returns how many were sent. Woken by wake("outbox");
    ends as `queue.drain` says."""
    backend = backend or get_backend()
    sent = 0

    def one_pass() -> int:
        nonlocal sent
        claimed = 0
        after_id = 0
        while True:
            try:
                clear_wake_flag("outbox")
            except Exception as exc:  # noqa: BLE001 - the drain still works; retry_due re-wakes
                log.warning("could not clear the outbox wake flag: %s", exc)
            now = utcnow()
            ids = _due_ids(now, after_id, batch_size)
            if not ids:
                uow.checkpoint()  # the look's snapshot must not outlive the linger
                return claimed
            claimed += len(ids)
            after_id = ids[-1]
            sent += _send_batch(backend, ids, now)

    drain("outbox", one_pass, sleep=sleep)
    return sent


def _send_batch(backend: SmsBackend, ids: list[int], now: datetime) -> int:
    """Take and send the rows `ids` that are still due; returns how many were sent."""
    sent = 0
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.to).where(OutboxMessage.id.in_(ids))
    ).all()
    blocked = _opted_out({to for _, to in rows if to})
    for message_id, to in sorted(rows):
        if to in blocked:
            if blocked_message := _take(message_id, now, status="failed", last_error=OPTED_OUT):
                log.info("outbox %s: recipient opted out", message_id)
                delivery_status.undelivered(blocked_message, error_code=OPTED_OUT_CODE, now=now)
                uow.checkpoint()
            continue
        # Taken and committed before the provider call: a crash now can never send twice.
        message = _take(message_id, now)
        if message is None:
            continue  # another sender has it
        if _send_one(backend, message):
            sent += 1
            uow.checkpoint()
            # A delivery callback kept while we committed the sid (delivery_status.apply_kept)
            delivery_status.apply_early_callbacks(message)
        uow.checkpoint()  # the outcome is stored before the next provider call
    return sent


def flag_stuck(*, now: datetime | None = None) -> int:
    """Move rows stuck in `sending` past SENDING_TIMEOUT to `review` (maybe sent: never resent)."""
    now = now or utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == "sending",
            OutboxMessage.next_attempt_at <= now - SENDING_TIMEOUT,
        )
        .values(
            status="review",
            last_error="interrupted while sending: check the provider before resending",
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def retry_due(*, now: datetime | None = None) -> dict[str, int | bool]:
    """Periodic: flag stuck rows for review and wake the sender if any row is due now."""
    now = now or utcnow()
    flagged = flag_stuck(now=now)
    due = db.session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.channel == "sms",
            OutboxMessage.status.in_(DUE_STATUSES),
            OutboxMessage.next_attempt_at <= now,
        )
        .limit(1)
    )
    uow.checkpoint()  # the flags stand before the sender is woken: its job must see them
    if flagged:
        log.warning("outbox: %d rows interrupted while sending, flagged for review", flagged)
    woken = wake("outbox") if due is not None else False
    return {"flagged": flagged, "woken": woken}
