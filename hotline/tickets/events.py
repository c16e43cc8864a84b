"""The ticket timeline's one writer: every event's columns are built here.

Transitions, the deadline recompute, voice recordings and the SLA sweep call `record_event`;
intake's one-statement INSERT (tickets/insert.py) takes its `created` event from `event_row`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.tickets.models import TicketEvent


class _OfTicket(Protocol):
    """A Ticket, or a row of a query that selected the ticket's id and unit_id."""

    id: Any
    unit_id: Any


def event_row(
    type_: str,
    actor: Actor,
    *,
    now: datetime,
    ticket_id: int | None = None,
    unit_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns of one event (every one, so rows of a bulk INSERT share their keys)."""
    return {
        "ticket_id": ticket_id,
        "type": type_,
        "at": now,
        "actor_id": actor.user_id,
        "actor_label": actor.label,
        "unit_id": unit_id,
        "from_status": from_status,
        "to_status": to_status,
        "reason": reason,
        "data": data,
    }


def record_event(
    ticket: _OfTicket,
    type_: str,
    actor: Actor,
    *,
    now: datetime,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
    batch: list[dict[str, Any]] | None = None,
) -> None:
    """Append an event to the ticket's timeline, at the ticket's current unit.

    With `batch` the row is appended there for the caller's bulk INSERT (the sweep writes tens
    of thousands at once); otherwise it is added to the session.
    """
    row = event_row(
        type_,
        actor,
        now=now,
        ticket_id=ticket.id,
        unit_id=ticket.unit_id,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data,
    )
    if batch is not None:
        batch.append(row)
    else:
        db.session.add(TicketEvent(**row))
