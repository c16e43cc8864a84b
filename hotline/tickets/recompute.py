"""Recomputing open tickets' deadlines after the calendar or an SLA policy changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select

from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.sla import service as sla
from hotline.tickets.events import record_event
from hotline.tickets.models import Status, Ticket, TicketRequest
from hotline.tickets.schedule import next_check_at

BATCH_SIZE = 500
FIELDS = ("accept_due_at", "resolve_due_at", "return_due_at")


def _extension_days(ids: list[int]) -> dict[int, int]:
    """Working days granted by approved extensions in each ticket's current window."""
    rows = db.session.execute(
        select(TicketRequest.ticket_id, func.sum(TicketRequest.days))
        .join(Ticket, Ticket.id == TicketRequest.ticket_id)
        .where(
            TicketRequest.ticket_id.in_(ids),
            TicketRequest.type == "extension",
            TicketRequest.status == "approved",
            TicketRequest.decided_at >= Ticket.window_started_at,
        )
        .group_by(TicketRequest.ticket_id)
    )
    return {tid: int(days or 0) for tid, days in rows}


def expected_deadlines(ticket: Ticket, extension_days: int) -> dict[str, datetime | None]:
    """The deadlines the current rules give the ticket's current window."""
    limits = sla.limits_for(
        kind=ticket.kind, priority=ticket.priority, category_id=ticket.category_id
    )
    window = sla.window(limits, ticket.window_started_at)
    resolve = window.resolve_due_at
    if extension_days:
        resolve = sla.extended(resolve, extension_days)
    # A reopen window (发回重办) has no accept deadline and keeps its return deadline.
    fresh_dispatch = ticket.accept_due_at is not None
    return {
        "accept_due_at": window.accept_due_at if fresh_dispatch else None,
        "resolve_due_at": resolve,
        "return_due_at": window.return_due_at if fresh_dispatch else ticket.return_due_at,
    }


def extended_resolve_due(ticket: Ticket) -> datetime | None:
    """The resolve deadline of the ticket's window with every approved extension in it: what the
    recompute job would set, so an extension's approval and a later recompute agree."""
    if ticket.window_started_at is None:
        return ticket.resolve_due_at
    days = _extension_days([ticket.id]).get(ticket.id, 0)
    return expected_deadlines(ticket, days)["resolve_due_at"]


def recompute_batch(*, after_id: int, now: datetime, limit: int = BATCH_SIZE) -> tuple[int, int]:
    """Recompute open tickets with id > after_id; returns (last id seen, how many changed)."""
    tickets = list(
        db.session.scalars(
            select(Ticket)
            .where(
                Ticket.id > after_id,
                Ticket.status.in_([Status.dispatched, Status.accepted]),
                Ticket.window_started_at.is_not(None),
            )
            .order_by(Ticket.id)
            .limit(limit)
        )
    )
    if not tickets:
        return after_id, 0
    extensions = _extension_days([t.id for t in tickets])
    actor = Actor.system("sla-recompute")
    changed = 0
    for ticket in tickets:
        changed += recompute_ticket(ticket, extensions.get(ticket.id, 0), actor=actor, now=now)
    db.session.flush()
    return tickets[-1].id, changed


def recompute_ticket(
    ticket: Ticket, extension_days: int | None = None, *, actor: Actor, now: datetime
) -> bool:
    """One ticket's current window under the current rules (its kind and category), with a
    `deadline_recomputed` event when a deadline moves; the window's start stays."""
    if extension_days is None:
        extension_days = _extension_days([ticket.id]).get(ticket.id, 0)
    after = expected_deadlines(ticket, extension_days)
    before = {f: getattr(ticket, f) for f in FIELDS}
    if after == before:
        return False
    for name, value in after.items():
        setattr(ticket, name, value)
    ticket.sla_check_at = next_check_at(ticket)
    ticket.updated_at = now
    record_event(
        ticket,
        "deadline_recomputed",
        actor,
        now=now,
        data={
            "before": {k: v.isoformat() if v else None for k, v in before.items()},
            "after": {k: v.isoformat() if v else None for k, v in after.items()},
        },
    )
    return True


def recompute_open_deadlines(
    *, now: datetime, commit: Callable[[], None] | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Every open ticket's deadlines under the current calendar and policies; events per change."""
    sla.invalidate_calendar()
    last, total = 0, 0
    while True:
        new_last, changed = recompute_batch(after_id=last, now=now, limit=batch_size)
        total += changed
        if commit:
            commit()
        if new_last == last:
            return total
        last = new_last
