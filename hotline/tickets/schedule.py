"""When the escalation sweep must next look at a ticket (the indexed sla_check_at column)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import select

from hotline.core.clock import local_tz
from hotline.core.extensions import db
from hotline.sla.ladder import DEFAULT_THRESHOLDS, Thresholds, TicketClock, next_level_at
from hotline.sla.service import get_calendar
from hotline.tickets.models import Escalation, Ticket


def thresholds() -> Thresholds:
    """The ladder thresholds from app config (SLA_WARNING_FRACTION, SLA_SUPERVISION_WD, …)."""
    if not has_app_context():
        return DEFAULT_THRESHOLDS
    cfg = current_app.config
    return Thresholds(
        warning_fraction=float(cfg["SLA_WARNING_FRACTION"]),
        supervision_after_wd=int(cfg["SLA_SUPERVISION_WD"]),
        interview_after_wd=int(cfg["SLA_INTERVIEW_WD"]),
    )


def clock_of(
    *,
    status: str,
    window_started_at: datetime | None,
    accept_due_at: datetime | None,
    resolve_due_at: datetime | None,
    accepted_at: datetime | None,
    replied_at: datetime | None,
    reached: Iterable[str] = (),
) -> TicketClock:
    """The ladder's snapshot of a ticket's current window.

    Acceptances and replies older than the window (a reopen keeps the old replied_at) belong to
    an earlier cycle and must not stop the new clock.
    """

    def current(at: datetime | None) -> datetime | None:
        if at is None or window_started_at is None or at < window_started_at:
            return None
        return at

    return TicketClock(
        status=str(status),
        dispatched_at=window_started_at,
        accept_due_at=accept_due_at,
        resolve_due_at=resolve_due_at,
        accepted_at=current(accepted_at),
        replied_at=current(replied_at),
        reached=frozenset(reached),
    )


def reached_levels(ticket_id: int | None, deadline: datetime | None) -> frozenset[str]:
    """Levels already recorded for this ticket against this resolve deadline."""
    if ticket_id is None or deadline is None:
        return frozenset()
    with db.session.no_autoflush:
        rows = db.session.scalars(
            select(Escalation.level).where(
                Escalation.ticket_id == ticket_id, Escalation.deadline == deadline
            )
        )
        return frozenset(rows)


def clock_for(ticket: Any, reached: Iterable[str] = ()) -> TicketClock:
    """clock_of a Ticket, or of a row that selected the same columns (the sweep's)."""
    return clock_of(
        status=ticket.status,
        window_started_at=ticket.window_started_at,
        accept_due_at=ticket.accept_due_at,
        resolve_due_at=ticket.resolve_due_at,
        accepted_at=ticket.accepted_at,
        replied_at=ticket.replied_at,
        reached=reached,
    )


def next_check_at(ticket: Ticket) -> datetime | None:
    """The next instant the ladder must look at this ticket (maybe past), or None if never."""
    clock = clock_for(ticket, reached_levels(ticket.id, ticket.resolve_due_at))
    return next_level_at(clock, get_calendar(), local_tz(), thresholds())
