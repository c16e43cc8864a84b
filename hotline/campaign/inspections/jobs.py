"""The inspections' periodic job: overdue findings climb (climb.py), batch by batch."""

from __future__ import annotations

import logging
from datetime import datetime

from hotline.campaign.inspections import climb
from hotline.core import uow
from hotline.core.clock import utcnow

log = logging.getLogger(__name__)


def climb_overdue_findings(now: datetime | None = None, max_batches: int = 1_000) -> dict:
    """Mark open findings past their due overdue, then bring those far overdue to an interview
    (every 300 s); commits after each batch, so a failing one loses only itself."""
    now = now or utcnow()
    counts = {"overdue": 0, "interview": 0}
    for name, run in (("overdue", climb.mark_overdue_batch), ("interview", climb.escalate_batch)):
        for _ in range(max_batches):  # a bug must not spin forever
            done = run(now=now)
            uow.checkpoint()
            counts[name] += done
            if done < climb.BATCH:
                break
    log.info(
        "findings at %s: %s marked overdue, %s brought to an interview",
        now.isoformat(),
        counts["overdue"],
        counts["interview"],
    )
    return counts
