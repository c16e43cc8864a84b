"""Ticket jobs: drain `new` tickets to routing in batches (and re-wake missed ones), recompute
open deadlines, drop past days' number sequences."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Set
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from hotline.classify.service import Verdict
from hotline.core import uow
from hotline.core.clock import to_local, utcnow
from hotline.core.extensions import db
from hotline.core.queue import clear_wake_flag, drain, wake
from hotline.core.sqlite import is_locked_error, take_write_lock
from hotline.notify.models import OutboxMessage
from hotline.tickets import classification, duplicates, numbering, search, transitions
from hotline.tickets.models import Status, Ticket
from hotline.tickets.recompute import recompute_open_deadlines

log = logging.getLogger(__name__)

BATCH_SIZE = 100
# A ticket still `new` this long after intake missed its wake-up (Redis was down at commit).
STRAGGLER_AGE = timedelta(seconds=30)


def _clear_flag(kind: str) -> None:
    try:
        clear_wake_flag(kind)
    except Exception as exc:  # noqa: BLE001 - the drain still works; stragglers re-wake later
        log.warning("could not clear the %s wake flag: %s", kind, exc)


def _claim(after_id: int, limit: int, passed_over: Set[int] = frozenset()) -> list[Ticket]:
    """Lock up to `limit` `new` tickets past `after_id`, except those passed over; rows another
    worker holds are skipped.

    Only ids are locked (FOR UPDATE OF tickets, no joins); SQLite has no row locks, so the
    clause compiles to nothing there and its single writer serializes the workers instead.
    """
    query = select(Ticket.id).where(Ticket.status == Status.new, Ticket.id > after_id)
    if passed_over:
        query = query.where(Ticket.id.not_in(passed_over))
    ids = list(
        db.session.scalars(query.order_by(Ticket.id).limit(limit).with_for_update(skip_locked=True))
    )
    if not ids:
        return []
    return list(db.session.scalars(select(Ticket).where(Ticket.id.in_(ids)).order_by(Ticket.id)))


def route_pending(
    *, batch_size: int = BATCH_SIZE, sleep: Callable[[float], None] = time.sleep
) -> int:
    """Route every ticket waiting in `new`, a batch per transaction; returns how many moved.

    Woken by `wake("route")` after intake commits; ends as `queue.drain` says. Safe to run twice
    or concurrently: each batch is claimed with SKIP LOCKED and `transitions.route` ignores
    tickets no longer `new`. A ticket whose routing fails is passed over for the rest of the job
    (not retried in a tight loop); the straggler sweep wakes a later job for it.
    """
    routed = 0
    passed_over: set[int] = set()

    def one_pass() -> int:
        nonlocal routed
        claimed = 0
        after_id = 0
        while True:
            # Cleared before each claim, so a ticket committed after this claim wakes a new job.
            _clear_flag("route")
            batch = _claim(after_id, batch_size, passed_over)
            if not batch:
                uow.checkpoint()  # the claim's snapshot must not outlive the linger
                return claimed
            claimed += len(batch)
            verdicts = classification.verdicts_for(batch)
            for ticket in batch:
                after_id = ticket.id
                if _route_one(ticket, verdicts):
                    routed += 1
                else:
                    passed_over.add(ticket.id)
            uow.checkpoint()  # the batch's row locks go with its commit

    drain("route", one_pass, sleep=sleep)
    return routed


def _route_one(ticket: Ticket, verdicts: Mapping[int, Verdict | None]) -> bool:
    """Route one claimed ticket in a savepoint; False (logged) if it stays in `new`.

    On PostgreSQL the batch's claim holds the rows and commits once. On SQLite each ticket is
    routed in its own transaction under the write lock taken up front (core/sqlite.py), so its
    reads cannot go stale before its writes; a lock still lost is retried once at once and then
    logged in one line. Any other failure keeps its traceback: that is a bug.
    """
    serialised = db.session.get_bind().dialect.name == "sqlite"
    for attempt in (1, 2):
        try:
            if serialised:
                uow.checkpoint()  # no read snapshot may be open when the lock is taken
                take_write_lock(db.session)
                db.session.refresh(ticket)
            duplicates.stamp(ticket)  # written with routing's own UPDATE
            with db.session.begin_nested():
                transitions.route(ticket, classified=verdicts)
            _check_duplicates(ticket)
            if serialised:
                uow.checkpoint()
        except OperationalError as exc:
            if not (serialised and is_locked_error(exc)):
                log.exception("ticket %s: routing failed, left in new", ticket.number)
                return False
            uow.rollback()
            if attempt == 2:
                log.warning(
                    "ticket %s: database busy, left in new for the next pass", ticket.number
                )
                return False
            continue
        except Exception:
            log.exception("ticket %s: routing failed, left in new", ticket.number)
            return False
        log.info("ticket %s: routed to %s", ticket.number, ticket.status)
        return True
    return False


def _check_duplicates(ticket: Ticket) -> None:
    """Flag a possible duplicate (疑似重复) in a savepoint of its own: a failing check is logged
    and the ticket stays routed, unflagged (a lost flag costs less than a lost routing)."""
    try:
        with db.session.begin_nested():
            duplicates.check(ticket)
    except Exception:
        log.exception("ticket %s: duplicate check failed, left unflagged", ticket.number)


def requeue_stragglers(*, now: datetime | None = None) -> dict[str, bool]:
    """Wake the routing and outbox drains when rows wait past their wake-up (Redis was down)."""
    now = now or utcnow()
    cutoff = now - STRAGGLER_AGE
    ticket_id = db.session.scalar(
        select(Ticket.id)
        .where(Ticket.status == Status.new, Ticket.created_at <= cutoff)
        .order_by(Ticket.id)
        .limit(1)
    )
    outbox_id = db.session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.channel == "sms",
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= cutoff,
        )
        .limit(1)
    )
    woken = {"route": False, "outbox": False}
    if ticket_id is not None:
        log.info("tickets waiting in new since before %s: waking the router", cutoff.isoformat())
        woken["route"] = wake("route")
    if outbox_id is not None:
        log.info("outbox rows pending since before %s: waking the sender", cutoff.isoformat())
        woken["outbox"] = wake("outbox")
    return woken


def write_search_words(batches: int = 5) -> int:
    """Write the search words of up to `batches` × 1,000 tickets that have none: the tickets
    received since the last run (neither intake nor routing segments text: about half a
    millisecond of jieba per ticket, measured at 0.75× the routing rate when routing did it),
    and any older than the search (`flask tickets reindex` does those all at once)."""
    written = search.reindex(commit=uow.checkpoint, limit=batches * search.REINDEX_BATCH)
    if written:
        log.info("search words written for %d tickets", written)
    return written


def recompute_deadlines(now: datetime | None = None) -> int:
    """Recompute open tickets' deadlines after a calendar or policy change."""
    now = now or utcnow()
    changed = recompute_open_deadlines(now=now, commit=uow.checkpoint)
    log.info("deadline recompute: %s tickets changed", changed)
    return changed


def drop_number_sequences() -> list[str]:
    """Drop the per-day number sequences older than yesterday (local time). A ticket received
    just before midnight may still draw yesterday's number a moment later; nothing older does."""
    keep_from = to_local(utcnow()).date() - timedelta(days=1)
    dropped = numbering.drop_sequences_before(keep_from)
    if dropped:
        log.info("dropped %d ticket-number sequences: %s", len(dropped), ", ".join(dropped))
    return dropped
