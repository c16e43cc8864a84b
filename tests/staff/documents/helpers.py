"""Taking a ticket up the escalation ladder in a test, and finding its 督办."""

from __future__ import annotations

from sqlalchemy import select

from hotline.core.extensions import db
from hotline.tickets.models import Escalation, Ticket


def sweep(runner, now: str) -> None:
    result = runner.invoke(args=["sla", "sweep", "--now", now])
    assert result.exit_code == 0, result.output


def supervision_of(ticket: Ticket) -> Escalation:
    return db.session.scalar(
        select(Escalation).where(
            Escalation.ticket_id == ticket.id, Escalation.level == "supervision"
        )
    )
