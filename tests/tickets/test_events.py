"""The one event writer: an event added to the session and one batched for a bulk INSERT
carry the same columns."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.tickets.events import record_event
from hotline.tickets.models import TicketEvent
from tests.factories import new_ticket

NOW = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)


def test_a_batched_event_has_the_columns_of_a_recorded_one(session) -> None:
    ticket = new_ticket(now=NOW)
    actor = Actor.system("sla-sweep")
    batch: list[dict] = []
    kwargs = {"now": NOW, "from_status": "new", "to_status": "new", "data": {"level": "warning"}}
    record_event(ticket, "escalated", actor, batch=batch, **kwargs)
    record_event(ticket, "escalated", actor, **kwargs)
    db.session.flush()
    stored = db.session.scalars(
        select(TicketEvent).where(
            TicketEvent.ticket_id == ticket.id, TicketEvent.type == "escalated"
        )
    ).one()
    assert batch == [{c: getattr(stored, c) for c in batch[0]}]
    assert batch[0]["actor_label"] == "sla-sweep"
    assert batch[0]["unit_id"] == ticket.unit_id


def test_intake_writes_the_created_event_with_the_same_columns(session) -> None:
    ticket = new_ticket(now=NOW)
    created = db.session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.type == "created")
    ).one()
    assert (created.at, created.to_status, created.data) == (NOW, "new", {"channel": "api"})
