"""Oversight jobs: fold new events into the figures, then run the unit rules (interviews)."""

from __future__ import annotations

import logging
from datetime import datetime

from hotline.core import uow
from hotline.core.clock import utcnow
from hotline.metrics.rollup import roll_up
from hotline.oversight.rules import run_unit_rules

log = logging.getLogger(__name__)


def rollup_figures(now: datetime | None = None, max_batches: int = 200) -> int:
    """Fold new events into the day figures, then run the unit interview rules (every 300 s)."""
    now = now or utcnow()
    total = 0
    for _ in range(max_batches):
        count = roll_up(now=now)
        uow.checkpoint()  # each batch's figures stand even if a later one fails
        total += count
        if not count:
            break
    opened = run_unit_rules(now=now)
    log.info("figures roll-up: %s rows folded, %s interview cases opened", total, len(opened))
    return total
