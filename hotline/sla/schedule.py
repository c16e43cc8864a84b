"""When the escalation sweep must next look at a ticket (the indexed sla_check_at column)."""

from __future__ import annotations

from datetime import datetime

from hotline.tickets.models import Status, Ticket

WARNING_FRACTION = 0.8


def warning_at(ticket: Ticket) -> datetime | None:
    """The instant 80 % of the resolve window has elapsed."""
    if ticket.window_started_at is None or ticket.resolve_due_at is None:
        return None
    span = ticket.resolve_due_at - ticket.window_started_at
    return ticket.window_started_at + span * WARNING_FRACTION


def next_check_at(ticket: Ticket) -> datetime | None:
    """The earliest ladder instant still ahead for an open ticket with a unit, else None."""
    if ticket.status not in (Status.dispatched, Status.accepted):
        return None
    instants = [warning_at(ticket), ticket.resolve_due_at]
    if ticket.status == Status.dispatched:
        instants.append(ticket.accept_due_at)
    present = [i for i in instants if i is not None]
    return min(present) if present else None
