"""Two schedulers and two sweeps at once (separate processes): each periodic job is enqueued
once per slot, and no escalation, notification or interview happens twice."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import func, select

from hotline.core.extensions import db
from hotline.core.queue import get_queue
from hotline.escalations.models import InterviewCase, interview_tickets
from hotline.seed.demo import load_reference
from hotline.tickets.models import Escalation, TicketEvent
from hotline.units.models import Unit
from tests.conftest import ROOT
from tests.factories import ticket_in
from tests.faults.conftest import Stack
from tests.support.notices import SMS_LEVELS, ladder_notice_counts, ladder_sms, told
from workers.schedule import PERIODIC

pytestmark = pytest.mark.committed

TICKETS = 12
DISPATCHED = datetime.fromisoformat("2026-09-01T10:00:00+08:00")
# more than 5 working days past every 5-working-day deadline: all four ladder levels are due
SWEEP_AT = "2026-10-30T10:00:00+08:00"


def _run_twice(stack: Stack, *args: str) -> list[subprocess.CompletedProcess]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", *args],
            cwd=ROOT,
            env=stack.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def test_two_schedulers_enqueue_each_periodic_job_once(stack: Stack) -> None:
    results = _run_twice(stack, "scheduler", "--once")
    assert all(r.returncode == 0 for r in results), [r.stderr[-500:] for r in results]
    with stack.app.app_context():
        for queue in ("sla", "routing", "notify"):
            # Each periodic job of the queue once, not once per scheduler.
            expected = sum(1 for job in PERIODIC if job.queue == queue)
            assert get_queue(queue).count == expected, queue


def test_two_sweeps_at_once_escalate_notify_and_open_interviews_once(stack: Stack) -> None:
    with stack.app.app_context():
        load_reference(now=DISPATCHED)
        units = list(
            db.session.scalars(
                select(Unit).where(Unit.head_phone.is_not(None)).order_by(Unit.id).limit(2)
            )
        )
        assert len(units) == 2
        for i in range(TICKETS):
            ticket_in("accepted", unit=units[i % 2], now=DISPATCHED)
        db.session.commit()
        unit_ids = [u.id for u in units]

    results = _run_twice(stack, "sla", "sweep", "--now", SWEEP_AT)
    assert all(r.returncode == 0 for r in results), [r.stderr[-800:] for r in results]

    with stack.app.app_context():
        levels = Counter(db.session.scalars(select(Escalation.level)).all())
        per_key = db.session.execute(
            select(Escalation.ticket_id, Escalation.deadline, Escalation.level, func.count())
            .group_by(Escalation.ticket_id, Escalation.deadline, Escalation.level)
            .having(func.count() > 1)
        ).all()
        events = Counter(
            (e.ticket_id, (e.data or {}).get("level"))
            for e in db.session.scalars(select(TicketEvent).where(TicketEvent.type == "escalated"))
        )
        notified = told(unit_ids)
        inapp = ladder_notice_counts(unit_ids)
        sms = ladder_sms(unit_ids)
        cases = Counter(
            db.session.scalars(
                select(InterviewCase.unit_id).where(InterviewCase.trigger == "ticket_overdue")
            ).all()
        )
        linked = Counter(db.session.scalars(select(interview_tickets.c.ticket_id)).all())
        db.session.rollback()
    assert per_key == []
    assert levels == {
        "warning": TICKETS,
        "overdue": TICKETS,
        "supervision": TICKETS,
        "interview": TICKETS,
    }
    assert len(events) == 4 * TICKETS
    assert set(events.values()) == {1}, "one event per level"
    # Each level of each ticket told once, alone or in its unit's digest (how the two sweeps
    # split the tickets decides which), and one SMS beside each notice of a level that has one.
    assert len(notified) == 4 * TICKETS
    assert set(notified.values()) == {1}, "one notice per level"
    assert sms == {k: n for k, n in inapp.items() if k[1] in SMS_LEVELS}, "one SMS per notice"
    assert cases == {unit_ids[0]: 1, unit_ids[1]: 1}, "one interview case per unit"
    assert len(linked) == TICKETS
    assert set(linked.values()) == {1}, "each ticket on its unit's case once"
