"""The transition form posts under a real race: two unit agents accept one ticket at once."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from hotline.core.extensions import db
from hotline.tickets.models import Status, Ticket, TicketEvent
from tests.factories import PASSWORD, UnitFactory, UserFactory, ticket_in
from tests.support.races import committed_rows, hold_row, require_postgresql, threads, wait_blocked


def _flashes(client: FlaskClient) -> list[str]:
    with client.session_transaction() as sess:
        return [category for category, _ in sess.get("_flashes", [])]


@pytest.mark.committed
def test_two_agents_accepting_at_once_get_one_success_and_one_clear_refusal_never_500(app, clock):
    require_postgresql(app)
    clock.set("2031-02-03T10:00:00+08:00")
    with committed_rows(app):
        with app.app_context():
            unit = UnitFactory()
            agents = [UserFactory(role="unit_agent", unit=unit) for _ in range(2)]
            ticket = ticket_in("dispatched", unit=unit)
            ticket_id, number = ticket.id, ticket.number
            names = [agent.username for agent in agents]
            db.session.commit()
        clients = [app.test_client() for _ in names]
        for client, name in zip(clients, names, strict=True):
            response = client.post("/login", data={"username": name, "password": PASSWORD})
            assert response.status_code == 302

        with threads(app) as start:
            # Both read version 1, then queue behind a lock on the row: the first UPDATE wins
            # and the second finds version 2 once the first commits.
            with hold_row(app, "tickets", ticket_id):
                posts = [start(lambda c=c: c.post(f"/tickets/{number}/accept")) for c in clients]
                wait_blocked(app, 2)
            answers = [post.result(timeout=30) for post in posts]

        assert sorted(a.status_code for a in answers) == [302, 302], [a.data[:300] for a in answers]
        assert sorted(kind for client in clients for kind in _flashes(client)) == ["error", "ok"]
        with app.app_context():
            row = db.session.get(Ticket, ticket_id)
            assert row.status == Status.accepted
            accepted = select(TicketEvent).where(
                TicketEvent.ticket_id == ticket_id, TicketEvent.type == "accepted"
            )
            assert len(db.session.scalars(accepted).all()) == 1
