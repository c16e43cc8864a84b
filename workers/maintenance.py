"""Housekeeping jobs: forget stored idempotent answers once no client would retry; drop the
ticket-number sequences of past days."""

from __future__ import annotations

import logging
from datetime import timedelta

from hotline.api import idempotency
from hotline.clock import to_local, utcnow
from hotline.extensions import db
from hotline.tickets import numbering

log = logging.getLogger(__name__)


def purge_idempotency_keys() -> int:
    """Delete Idempotency-Key answers older than a day; returns how many went."""
    removed = idempotency.purge()
    db.session.commit()
    log.info("purged %d idempotency keys", removed)
    return removed


def drop_number_sequences() -> list[str]:
    """Drop the per-day number sequences older than yesterday (local time). A ticket received
    just before midnight may still draw yesterday's number a moment later; nothing older does."""
    keep_from = to_local(utcnow()).date() - timedelta(days=1)
    dropped = numbering.drop_sequences_before(keep_from)
    db.session.commit()
    if dropped:
        log.info("dropped %d ticket-number sequences: %s", len(dropped), ", ".join(dropped))
    return dropped
