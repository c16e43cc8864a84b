"""Through a real Redis: `flask calendar import` queues the recompute, a worker runs it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select

from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord
from hotline.notify.models import OutboxMessage
from hotline.sla.models import CalendarDay
from hotline.tickets.models import Escalation, Ticket, TicketEvent
from hotline.units.models import Unit
from tests.factories import UnitFactory, ticket_in
from workers.app import run_worker


@pytest.mark.slow
@pytest.mark.committed
def test_calendar_import_recomputes_open_deadlines_in_a_worker(app, runner, clock, redis, tmp_path):
    clock.set("2026-09-30T10:00:00+08:00")
    with app.app_context():
        unit = UnitFactory()
        ticket = ticket_in("accepted", unit=unit)
        ticket_id, unit_id = ticket.id, unit.id
        db.session.commit()
    try:
        path = tmp_path / "override.csv"
        path.write_text("date,type,name\n2026-10-12,holiday,台风停工\n", encoding="utf-8")
        result = runner.invoke(args=["calendar", "import", str(path)])
        assert result.exit_code == 0, result.output
        assert run_worker(app, burst=True)
        with app.app_context():
            ticket = db.session.get(Ticket, ticket_id)
            assert ticket.resolve_due_at == datetime(2026, 10, 14, 16, tzinfo=UTC)
            types = db.session.scalars(
                select(TicketEvent.type).where(TicketEvent.ticket_id == ticket_id)
            ).all()
            assert types.count("deadline_recomputed") == 1
    finally:
        with app.app_context():
            db.session.execute(delete(CalendarDay).where(CalendarDay.day == date(2026, 10, 12)))
            db.session.execute(delete(CreditRecord).where(CreditRecord.unit_id == unit_id))
            db.session.execute(delete(Escalation).where(Escalation.ticket_id == ticket_id))
            db.session.execute(delete(OutboxMessage).where(OutboxMessage.ticket_id == ticket_id))
            db.session.execute(delete(TicketEvent).where(TicketEvent.ticket_id == ticket_id))
            db.session.execute(delete(Ticket).where(Ticket.id == ticket_id))
            db.session.execute(delete(Unit).where(Unit.id == unit_id))
            db.session.commit()
            app.extensions.pop("hotline_calendar", None)
