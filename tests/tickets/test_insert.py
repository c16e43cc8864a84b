"""A ticket fresh from intake's one-statement INSERT behaves like one loaded from the database:
its changes, its assisting units and its timeline are written on the next flush."""

from __future__ import annotations

from sqlalchemy import select

from hotline.core.extensions import db
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


def test_every_value_a_channel_fills_reads_back_from_the_database_as_given(session):
    # The insert hands the driver its own processed parameters: JSON, floats, booleans,
    # Chinese text and the receipt time must come back exactly as an ORM write would store them.
    from datetime import UTC, datetime

    now = datetime(2026, 10, 14, 1, 2, 3, 456789, tzinfo=UTC)
    ticket = new_ticket(
        now=now,
        channel="sms",
        name="李女士",
        disclose_identity=True,
        confidential=True,
        address="人民路 1 号",
        district="鼓楼区",
        lat=26.08,
        long=119.3,
        media=["https://media.example/1.jpg"],
        extra={"sms": {"message_sid": "SM1", "to": "+8612345"}, "note": None},
        locale="en",
    )
    ticket_id = ticket.id
    session.commit()
    session.expunge_all()
    stored = db.session.get(Ticket, ticket_id)
    assert (stored.channel, stored.complainant_name, stored.complainant_phone) == (
        "sms",
        "李女士",
        "+8613812345678",
    )
    assert (stored.disclose_identity, stored.confidential) == (True, True)
    assert (stored.address, stored.district, stored.lat, stored.long) == (
        "人民路 1 号",
        "鼓楼区",
        26.08,
        119.3,
    )
    assert stored.media == ["https://media.example/1.jpg"]
    assert stored.extra == {"sms": {"message_sid": "SM1", "to": "+8612345"}, "note": None}
    assert stored.locale == "en"
    assert stored.created_at == now
    event = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)).one()
    assert (event.type, event.at, event.to_status) == ("created", now, "new")
    assert event.data == {"channel": "sms"}
