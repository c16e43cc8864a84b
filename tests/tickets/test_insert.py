"""A ticket fresh from intake's one-statement INSERT behaves like one loaded from the database:
its changes, its assisting units and its timeline are written on the next flush."""

from __future__ import annotations

from sqlalchemy import select

from hotline.extensions import db
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import UnitFactory, new_ticket


def test_a_new_ticket_is_persistent_and_nothing_of_it_is_pending(session):
    ticket = new_ticket()
    assert ticket in session
    assert ticket not in session.new
    assert ticket not in session.dirty
    assert ticket.id is not None
    assert ticket.status == "new"
    assert ticket.version == 1
    assert ticket.assisting_units == []


def test_changes_to_a_new_ticket_in_the_same_session_are_written(session):
    ticket = new_ticket()
    helper = UnitFactory(code="U-HELP")
    ticket.description = "改过的描述"
    ticket.assisting_units.append(helper)
    ticket_id = ticket.id
    session.commit()
    session.expunge_all()
    stored = db.session.get(Ticket, ticket_id)
    assert stored.description == "改过的描述"
    assert [u.code for u in stored.assisting_units] == ["U-HELP"]
    events = db.session.scalars(select(TicketEvent.type).where(TicketEvent.ticket_id == ticket_id))
    assert list(events) == ["created"]
