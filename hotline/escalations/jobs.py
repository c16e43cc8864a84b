"""Escalation jobs: the ladder sweep and missing 督办 answers every minute, and when the sweep
last finished (status page)."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app

from hotline.core import uow
from hotline.core.clock import utcnow
from hotline.core.queue import redis_conn
from hotline.escalations import answers
from hotline.escalations.sweep import sweep as run_sweep

log = logging.getLogger(__name__)


def sweep(now: datetime | None = None) -> dict:
    """One escalation sweep as of now (every 60 s); commits after each batch."""
    now = now or utcnow()
    summary = run_sweep(now=now, commit=uow.checkpoint)
    record_sweep(at=now)  # shown on the admin status page; never fails the job
    log.info("sla sweep at %s: %s", now.isoformat(), "; ".join(summary.lines()))
    return {
        "checked": summary.checked,
        "levels": dict(summary.levels),
        "notified": summary.notified,
        "digests": summary.digests,
        "closed_unrated": summary.closed_unrated,
        "rectification_overdue": summary.rectification_overdue,
    }


def record_missing_answers(now: datetime | None = None, max_batches: int = 1_000) -> int:
    """Record each 督办 answer past its due and still missing, once (every 60 s); commits after
    each batch."""
    now = now or utcnow()
    total = 0
    for _ in range(max_batches):  # a bug must not spin forever
        count = answers.record_missing(now=now)
        if not count:
            break
        total += count
        uow.checkpoint()
    log.info("supervision answers at %s: %s recorded missing", now.isoformat(), total)
    return total


def _sweep_key() -> str:
    return f"{current_app.config['QUEUE_PREFIX']}:ops:last_sweep"


def record_sweep(*, at: datetime) -> None:
    """Remember when the escalation sweep last finished (shown on the status page)."""
    try:
        redis_conn().set(_sweep_key(), at.isoformat())
    except Exception:
        current_app.logger.warning("could not record the sweep time", exc_info=True)


def last_sweep() -> datetime | None:
    """When the sweep last finished, or None if never (or Redis cannot say)."""
    raw = redis_conn().get(_sweep_key())
    return datetime.fromisoformat(raw.decode() if isinstance(raw, bytes) else raw) if raw else None
