"""Account jobs: forget the failed sign-ins nobody waits on any more."""

from __future__ import annotations

import logging

from hotline.auth.service import purge_throttles
from hotline.core.clock import utcnow

log = logging.getLogger(__name__)


def purge_login_throttles() -> int:
    """Delete failed-sign-in rows older than a day whose wait is over (hourly)."""
    removed = purge_throttles(now=utcnow())
    log.info("purged %d login throttle rows", removed)
    return removed
