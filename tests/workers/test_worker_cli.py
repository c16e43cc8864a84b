"""`flask worker --burst`: the CLI worker runs queued jobs in the app context."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.core.extensions import db
from hotline.tickets.models import Ticket
from tests.factories import CategoryFactory, new_ticket


@pytest.mark.slow
def test_worker_burst_routes_a_committed_ticket(app, session, runner, queues):
    number = new_ticket(category=CategoryFactory()).number
    session.commit()

    result = runner.invoke(args=["worker", "--burst"])

    assert result.exit_code == 0, result.output
    status = db.session.scalar(select(Ticket.status).where(Ticket.number == number))
    assert status == "dispatched"
    assert queues("routing") == 0
