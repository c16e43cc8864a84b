"""Marks a transaction that changed an SLA policy or the calendar (`changed_clock_rules`).

What follows such a commit (open tickets' deadlines recomputed) is the tickets' business:
`hotline.tickets.watch` reads the mark after the commit.
"""

from __future__ import annotations

from itertools import chain

from sqlalchemy import event
from sqlalchemy.orm import Session

from hotline.core.extensions import db
from hotline.sla.models import CalendarDay, SlaPolicy

FLAG = "hotline_clock_rules_changed"


def request_recompute() -> None:
    """Mark the current transaction as one that changed the clock's rules (bulk writes)."""
    db.session.info[FLAG] = True


def changed_clock_rules(session: Session) -> bool:
    """Whether `session`'s last transaction changed the clock's rules; clears the mark."""
    return bool(session.info.pop(FLAG, None))


@event.listens_for(Session, "before_flush")
def _watch_rules(session: Session, _context: object, _instances: object) -> None:
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, SlaPolicy | CalendarDay):
            session.info[FLAG] = True
            return


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(FLAG, None)
