"""Two sweeps at once on committed data, each with its own connection: nothing twice."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import delete, func, select

from hotline.core.extensions import db
from hotline.escalations.models import (
    CreditRecord,
    EscalationAnswer,
    InterviewCase,
    InterviewReason,
    PendingLadderNotice,
    interview_tickets,
)
from hotline.escalations.sweep import sweep
from hotline.notify.models import Notice, OutboxMessage
from hotline.tickets.models import Escalation, Ticket, TicketEvent, TicketRequest
from hotline.units.models import Unit
from tests.factories import UnitFactory, ticket_in
from tests.support.notices import SMS_LEVELS, ladder_notice_counts, ladder_sms, told

TICKETS = 30


def _cleanup(unit_ids: list[int]) -> None:
    ticket_ids = select(Ticket.id).where(Ticket.unit_id.in_(unit_ids))
    db.session.execute(delete(CreditRecord).where(CreditRecord.unit_id.in_(unit_ids)))
    # SQLite does not enforce ON DELETE CASCADE here: delete the link rows by hand.
    db.session.execute(
        delete(interview_tickets).where(interview_tickets.c.ticket_id.in_(ticket_ids))
    )
    db.session.execute(delete(EscalationAnswer).where(EscalationAnswer.unit_id.in_(unit_ids)))
    case_ids = select(InterviewCase.id).where(InterviewCase.unit_id.in_(unit_ids))
    db.session.execute(delete(InterviewReason).where(InterviewReason.interview_id.in_(case_ids)))
    audiences = [f"unit:{u}:{role}" for u in unit_ids for role in ("unit_agent", "unit_head")]
    db.session.execute(
        delete(Notice).where(
            Notice.audience.in_(audiences)
            | Notice.interview_id.in_(case_ids)
            | Notice.ticket_id.in_(ticket_ids)
        )
    )
    db.session.execute(delete(PendingLadderNotice).where(PendingLadderNotice.unit_id.in_(unit_ids)))
    db.session.execute(delete(InterviewCase).where(InterviewCase.unit_id.in_(unit_ids)))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.ticket_id.in_(ticket_ids)))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.unit_id.in_(unit_ids)))
    db.session.execute(delete(Escalation).where(Escalation.unit_id.in_(unit_ids)))
    db.session.execute(delete(TicketEvent).where(TicketEvent.ticket_id.in_(ticket_ids)))
    db.session.execute(delete(TicketRequest).where(TicketRequest.unit_id.in_(unit_ids)))
    db.session.execute(delete(Ticket).where(Ticket.unit_id.in_(unit_ids)))
    db.session.execute(delete(Unit).where(Unit.id.in_(unit_ids)))
    db.session.commit()


@pytest.mark.slow
@pytest.mark.committed
def test_two_concurrent_sweeps_record_each_level_once(app, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    with app.app_context():
        units = [UnitFactory(), UnitFactory()]
        unit_ids = [u.id for u in units]
        ticket_ids = [ticket_in("accepted", unit=units[i % 2]).id for i in range(TICKETS)]
        db.session.commit()
    try:
        now = datetime.fromisoformat("2026-10-30T00:00:00+08:00")
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []
        summaries = []

        def run() -> None:
            try:
                with app.app_context():
                    barrier.wait(timeout=10)
                    # Small batches so the two sweeps interleave over the rows.
                    summaries.append(sweep(now=now, batch_size=3, commit=db.session.commit))
                    db.session.commit()
                    db.session.remove()
            except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
                errors.append(exc)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, errors
        with app.app_context():
            per_level = dict(
                db.session.execute(
                    select(Escalation.level, func.count())
                    .where(Escalation.ticket_id.in_(ticket_ids))
                    .group_by(Escalation.level)
                ).all()
            )
            assert per_level == dict.fromkeys(
                ("warning", "overdue", "supervision", "interview"), TICKETS
            )
            events = db.session.scalar(
                select(func.count()).where(
                    TicketEvent.ticket_id.in_(ticket_ids), TicketEvent.type == "escalated"
                )
            )
            assert events == 4 * TICKETS
            # Each level of each ticket told once, in a notice of its own or in a digest
            # (how the two sweeps split the tickets decides which), with one SMS beside each
            # notice of a level that has one.
            notified = told(unit_ids)
            assert len(notified) == 4 * TICKETS
            assert set(notified.values()) == {1}
            inapp = ladder_notice_counts(unit_ids)
            assert ladder_sms(unit_ids) == {k: n for k, n in inapp.items() if k[1] in SMS_LEVELS}
            assert sum(s.notified for s in summaries) == 4 * TICKETS
            # One proposed interview case per unit, however the tickets were split.
            cases = db.session.scalar(
                select(func.count()).where(InterviewCase.unit_id.in_(unit_ids))
            )
            assert cases == 2
            # What each sweep reports adds up to exactly one of each.
            assert sum(s.levels["interview"] for s in summaries) == TICKETS
    finally:
        with app.app_context():
            _cleanup(unit_ids)
