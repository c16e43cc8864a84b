"""What the sweep writes for a level — row for row — and how: one statement per table a batch."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select

from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord, PendingLadderNotice
from hotline.escalations.sweep import sweep
from hotline.notify.models import Notice, OutboxMessage
from hotline.notify.notice_texts import render_notice
from hotline.tickets.models import Escalation, TicketEvent
from tests.factories import UnitFactory, ticket_in

DUE = datetime(2026, 10, 13, 16, tzinfo=UTC)  # 14 Oct 00:00 local: the DESIGN example
AT_DUE = datetime.fromisoformat("2026-10-14T00:00:00+08:00")


@pytest.fixture
def accepted(session, clock):
    """Dispatched 30 Sep 10:00 local, due 14 Oct 00:00, accepted at once."""
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    ticket = ticket_in("accepted", unit=unit)
    assert ticket.resolve_due_at == DUE
    return unit, ticket


def _escalation_ids(ticket) -> dict[str, int]:
    return dict(
        db.session.execute(
            select(Escalation.level, Escalation.id).where(Escalation.ticket_id == ticket.id)
        ).all()
    )


def test_warning_and_overdue_write_these_events_notices_and_credit_entries(accepted):
    unit, ticket = accepted
    sweep(now=AT_DUE)
    esc = _escalation_ids(ticket)
    assert set(esc) == {"warning", "overdue"}
    events = db.session.scalars(
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.type == "escalated")
        .order_by(TicketEvent.id)
    ).all()
    assert [
        (e.at, e.actor_id, e.actor_label, e.unit_id, e.from_status, e.to_status, e.reason, e.data)
        for e in events
    ] == [
        (
            AT_DUE,
            None,
            "sla-sweep",
            unit.id,
            "accepted",
            "accepted",
            None,
            {
                "level": level,
                "clock": "resolve",
                "deadline": "2026-10-13T16:00:00+00:00",
                "escalation": esc[level],
                "overdue_working_days": 0,
            },
        )
        for level in ("warning", "overdue")
    ]
    outbox = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.ticket_id == ticket.id, OutboxMessage.dedupe_key.like("escalation:%"))
        .order_by(OutboxMessage.id)
    ).all()
    n = ticket.number
    assert [
        (
            m.channel,
            m.to,
            m.unit_id,
            m.user_id,
            m.template,
            m.body,
            m.dedupe_key,
            m.status,
            m.attempts,
            m.next_attempt_at,
            m.created_at,
            m.sent_at,
        )
        for m in outbox
    ] == [
        (
            "sms",
            unit.duty_phone,
            unit.id,
            None,
            "overdue",
            f"【12345热线催办】工单{n}已超期（期限2026-10-14 00:00），请立即办理。",
            f"escalation:{esc['overdue']}:sms",
            "pending",
            0,
            AT_DUE,
            AT_DUE,
            None,
        ),
    ]
    # In-app: one notice per level to the unit's agents (one row, however many agents).
    notices = db.session.scalars(
        select(Notice).where(Notice.ticket_id == ticket.id).order_by(Notice.id)
    ).all()
    assert [
        (
            m.audience,
            m.template,
            m.params,
            m.escalation_id,
            m.interview_id,
            m.dedupe_key,
            m.created_at,
        )
        for m in notices
    ] == [
        (
            f"unit:{unit.id}:unit_agent",
            level,
            {"number": n, "due": "2026-10-14 00:00"},
            esc[level],
            None,
            f"escalation:{esc[level]}:inapp",
            AT_DUE,
        )
        for level in ("warning", "overdue")
    ]
    assert render_notice("overdue", notices[1].params) == (
        f"工单{n}已超期（期限2026-10-14 00:00），请立即办理。"
    )
    # Nothing is left waiting once the sweep is done.
    assert db.session.scalar(select(func.count()).select_from(PendingLadderNotice)) == 0
    credits = db.session.scalars(
        select(CreditRecord).where(CreditRecord.ticket_id == ticket.id).order_by(CreditRecord.id)
    ).all()
    assert [
        (c.unit_id, c.at, c.type, c.summary, c.interview_id, c.escalation_id, c.actor_id, c.data)
        for c in credits
    ] == [
        (
            unit.id,
            AT_DUE,
            "escalation",
            f"工单{n}{name}（期限2026-10-14 00:00）",
            None,
            esc[level],
            None,
            {"level": level, "clock": "resolve"},
        )
        for level, name in (("warning", "预警"), ("overdue", "催办"))
    ]


def test_an_interview_cases_credit_entry_comes_before_the_levels_own(accepted):
    unit, _ = accepted
    sweep(now=datetime.fromisoformat("2026-10-30T00:00:00+08:00"))
    entries = db.session.execute(
        select(CreditRecord.type, CreditRecord.data)
        .where(CreditRecord.unit_id == unit.id)
        .order_by(CreditRecord.id)
    ).all()
    assert [(t, (d or {}).get("level")) for t, d in entries] == [
        ("escalation", "warning"),
        ("escalation", "overdue"),
        ("escalation", "supervision"),
        ("interview_opened", None),
        ("escalation", "interview"),
    ]


def test_only_a_level_with_an_sms_wakes_the_outbox_job_after_commit(accepted, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_ENABLED", False)
    db.session.commit()  # the dispatch SMS's own wake-up
    app.extensions.pop("hotline_woken", None)
    sweep(now=datetime.fromisoformat("2026-10-12T00:00:00+08:00"), commit=db.session.commit)
    assert "outbox" not in app.extensions.get("hotline_woken", [])  # a warning is in-app only
    sweep(now=AT_DUE, commit=db.session.commit)
    assert "outbox" in app.extensions.get("hotline_woken", [])


def test_a_batch_writes_each_table_in_one_statement_whatever_its_size(session, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    for _ in range(4):
        ticket_in("accepted", unit=unit)
    db.session.flush()  # the tickets' own events and dispatch SMS go out before we count
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        summary = sweep(now=AT_DUE)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert summary.levels == {"warning": 4, "overdue": 4}
    # A batch: 8 events, 8 pending notices, 8 credit entries, 8 escalations, one statement each;
    # then the notice step: the unit's 4 tickets at each level make one digest per level, all
    # SMS in one statement and all notices in another.
    seen = Counter(
        prefix
        for sql in statements
        for prefix in (
            "INSERT INTO ticket_events ",
            "INSERT INTO ladder_notices_pending ",
            "INSERT INTO credit_records ",
            "INSERT INTO escalations ",
            "UPDATE tickets SET escalation_level",
            "INSERT INTO outbox ",
            "INSERT INTO notices ",
            "DELETE FROM ladder_notices_pending ",
        )
        if sql.startswith(prefix)
    )
    assert seen == dict.fromkeys(seen, 1), seen
    assert len(seen) == 8, seen
    assert summary.digests == 2
