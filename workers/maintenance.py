"""Housekeeping jobs: forget stored idempotent answers once no client would retry."""

from __future__ import annotations

import logging

from hotline.api import idempotency
from hotline.extensions import db

log = logging.getLogger(__name__)


def purge_idempotency_keys() -> int:
    """Delete Idempotency-Key answers older than a day; returns how many went."""
    removed = idempotency.purge()
    db.session.commit()
    log.info("purged %d idempotency keys", removed)
    return removed
