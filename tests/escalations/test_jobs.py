"""The scheduled sweep, missing-answers and roll-up jobs, called directly as the scheduler would."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from hotline.core.extensions import db
from hotline.escalations import jobs
from hotline.escalations.jobs import last_sweep
from hotline.escalations.models import CreditRecord
from hotline.oversight import jobs as oversight_jobs
from tests.factories import UnitFactory, ticket_in


def test_sweep_job_escalates_due_tickets_and_records_when_it_ran(session, clock, redis):
    clock.set("2026-09-30T10:00:00+08:00")
    ticket_in("accepted", unit=UnitFactory())
    now = datetime(2026, 10, 30, tzinfo=UTC)
    result = jobs.sweep(now=now)
    assert result["levels"] == {"warning": 1, "overdue": 1, "supervision": 1, "interview": 1}
    assert jobs.sweep(now=now)["levels"] == {}
    assert last_sweep() == now


def test_answers_job_records_each_missing_supervision_answer_once(session, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    for _ in range(3):
        ticket_in("accepted", unit=unit)
    jobs.sweep(now=datetime.fromisoformat("2026-10-16T09:00:00+08:00"))  # three 督办
    # Answers are due on 21 Oct 00:00 local: not missing a second before.
    assert jobs.record_missing_answers(now=datetime(2026, 10, 20, 15, 59, 59, tzinfo=UTC)) == 0
    assert jobs.record_missing_answers(now=datetime(2026, 10, 20, 16, tzinfo=UTC)) == 3
    assert jobs.record_missing_answers(now=datetime(2026, 10, 22, tzinfo=UTC)) == 0
    entries = db.session.scalars(
        select(CreditRecord.summary).where(
            CreditRecord.unit_id == unit.id, CreditRecord.type == "supervision_unanswered"
        )
    ).all()
    assert len(entries) == 3
    assert all(e.startswith("督办未按时答复") for e in entries)


def test_the_answers_job_is_in_the_periodic_registry():
    from workers.schedule import PERIODIC

    [entry] = [p for p in PERIODIC if p.id == "supervision-answers"]
    assert (entry.func, entry.queue) == ("hotline.escalations.jobs.record_missing_answers", "sla")


def test_rollup_job_folds_new_events_once(session, clock):
    clock.set("2026-10-08T09:00:00+08:00")
    ticket_in("accepted", unit=UnitFactory())
    assert oversight_jobs.rollup_figures() > 0
    assert oversight_jobs.rollup_figures() == 0
