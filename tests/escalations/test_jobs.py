"""The scheduled sweep and roll-up jobs, called directly as the scheduler would."""

from __future__ import annotations

from datetime import UTC, datetime

from hotline.escalations import jobs
from hotline.escalations.jobs import last_sweep
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


def test_rollup_job_folds_new_events_once(session, clock):
    clock.set("2026-10-08T09:00:00+08:00")
    ticket_in("accepted", unit=UnitFactory())
    assert oversight_jobs.rollup_figures() > 0
    assert oversight_jobs.rollup_figures() == 0
