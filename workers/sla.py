"""SLA jobs: the escalation sweep, the figures roll-up, the deadline recompute."""

from __future__ import annotations

import logging
from datetime import datetime

from hotline.clock import utcnow
from hotline.extensions import db

log = logging.getLogger(__name__)


def sweep(now: datetime | None = None) -> dict:
    """One escalation sweep as of now (every 60 s); commits after each batch."""
    from hotline.escalations.sweep import sweep as run

    now = now or utcnow()
    try:
        summary = run(now=now, commit=db.session.commit)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    from hotline.ops.status import record_sweep

    record_sweep(at=now)  # shown on the admin status page; never fails the job
    log.info("sla sweep at %s: %s", now.isoformat(), "; ".join(summary.lines()))
    return {
        "checked": summary.checked,
        "levels": dict(summary.levels),
        "closed_unrated": summary.closed_unrated,
        "rectification_overdue": summary.rectification_overdue,
    }


def rollup_figures(now: datetime | None = None, max_batches: int = 200) -> int:
    """Fold new events into the day figures, then run the unit interview rules (every 300 s)."""
    from hotline.escalations.rules import run_unit_rules
    from hotline.metrics.rollup import roll_up

    now = now or utcnow()
    total = 0
    try:
        for _ in range(max_batches):
            count = roll_up(now=now)
            db.session.commit()
            total += count
            if not count:
                break
        opened = run_unit_rules(now=now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("figures roll-up: %s rows folded, %s interview cases opened", total, len(opened))
    return total


def recompute_deadlines(now: datetime | None = None) -> int:
    """Recompute open tickets' deadlines after a calendar or policy change."""
    from hotline.sla.recompute import recompute_open_deadlines

    now = now or utcnow()
    try:
        changed = recompute_open_deadlines(now=now, commit=db.session.commit)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("deadline recompute: %s tickets changed", changed)
    return changed
