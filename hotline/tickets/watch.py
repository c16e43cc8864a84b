"""After a commit that changed an SLA policy or the calendar: recompute open tickets' deadlines."""

from __future__ import annotations

import logging

from hotline.core import uow
from hotline.core.queue import enqueue
from hotline.sla.watch import after_rules_change
from hotline.tickets.jobs import recompute_deadlines

log = logging.getLogger(__name__)


@after_rules_change
def _recompute_open_deadlines() -> None:
    if uow.woken("recompute_deadlines"):
        return
    try:
        enqueue("sla", recompute_deadlines)
    except Exception as exc:  # noqa: BLE001 - Redis down: an admin reruns `flask sla recompute`
        log.warning("could not enqueue the deadline recompute: %s", exc)
