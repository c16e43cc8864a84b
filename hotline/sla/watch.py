"""A committed change of an SLA policy or the calendar queues a recompute of open deadlines."""

from __future__ import annotations

import logging
from itertools import chain

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from hotline.sla.models import CalendarDay, SlaPolicy

log = logging.getLogger(__name__)
FLAG = "hotline_recompute_deadlines"
JOB = "workers.sla.recompute_deadlines"


def request_recompute() -> None:
    """Recompute open tickets' deadlines once the current transaction commits."""
    from hotline.extensions import db

    db.session.info[FLAG] = True


@event.listens_for(Session, "before_flush")
def _watch_rules(session: Session, _context: object, _instances: object) -> None:
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, SlaPolicy | CalendarDay):
            session.info[FLAG] = True
            return


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not session.info.pop(FLAG, None) or not has_app_context():
        return
    from hotline.queue import enqueue
    from hotline.sla.service import invalidate_calendar

    invalidate_calendar()
    if not current_app.config.get("JOBS_ENABLED", True):
        current_app.extensions.setdefault("hotline_woken", []).append("recompute_deadlines")
        return
    try:
        enqueue("sla", JOB)
    except Exception as exc:  # noqa: BLE001 - Redis down: an admin reruns `flask sla recompute`
        log.warning("could not enqueue the deadline recompute: %s", exc)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(FLAG, None)
