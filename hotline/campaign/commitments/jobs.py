"""Commitment jobs: each year's kept/broken verdicts, written once the year is over."""

from __future__ import annotations

import logging
from datetime import datetime

from hotline.campaign.commitments import fulfilment
from hotline.core.clock import utcnow

log = logging.getLogger(__name__)


def close_last_year(now: datetime | None = None) -> int:
    """Write last year's verdict of every commitment that has none yet (hourly; a no-op once
    done, so the first run after New Year's midnight does it)."""
    now = now or utcnow()
    written = fulfilment.close_last_year(now=now)
    if written:
        log.info("commitments: %d verdicts of last year written", written)
    return written
