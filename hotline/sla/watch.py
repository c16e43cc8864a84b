"""After a transaction that changed an SLA policy or the calendar commits: the clock's caches
are dropped and the subscribers (`after_rules_change`) run.

What follows for open tickets (their deadlines recomputed) is the tickets' business:
`hotline.tickets.watch` subscribes, so the clock imports nothing of theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from hotline.core import uow
from hotline.sla.models import CalendarDay, SlaPolicy
from hotline.sla.service import invalidate_calendar

HOOK = "clock_rules_changed"
_subscribers: list[Callable[[], None]] = []


def after_rules_change(fn: Callable[[], None]) -> Callable[[], None]:
    """Run `fn` after each commit that changed the clock's rules (a decorator)."""
    if fn not in _subscribers:
        _subscribers.append(fn)
    return fn


def request_recompute(session: Session | None = None) -> None:
    """Mark the current transaction as one that changed the clock's rules (bulk writes)."""
    uow.on_commit(HOOK, _rules_changed, session=session)


def _rules_changed() -> None:
    if not has_app_context():  # a session used outside the app (a migration) has no caches
        return
    invalidate_calendar()
    for fn in _subscribers:
        fn()


@event.listens_for(Session, "before_flush")
def _watch_rules(session: Session, _context: object, _instances: object) -> None:
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, SlaPolicy | CalendarDay):
            request_recompute(session)
            return
