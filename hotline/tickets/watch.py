"""After a commit that changed an SLA policy or the calendar: recompute open tickets' deadlines."""

from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from hotline.core.queue import enqueue
from hotline.sla.service import invalidate_calendar
from hotline.sla.watch import changed_clock_rules
from hotline.tickets.jobs import recompute_deadlines

log = logging.getLogger(__name__)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not changed_clock_rules(session) or not has_app_context():
        return
    invalidate_calendar()
    if not current_app.config["JOBS_ENABLED"]:
        current_app.extensions.setdefault("hotline_woken", []).append("recompute_deadlines")
        return
    try:
        enqueue("sla", recompute_deadlines)
    except Exception as exc:  # noqa: BLE001 - Redis down: an admin reruns `flask sla recompute`
        log.warning("could not enqueue the deadline recompute: %s", exc)
