"""The sweep driven by `flask sla sweep --now …`: each level once, never after a reply."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord, InterviewCase, interview_tickets
from hotline.escalations.sweep import due_tickets_query, unrated_query
from hotline.notify.models import Notice, OutboxMessage
from hotline.tickets import transitions as tx
from hotline.tickets.models import Escalation, Ticket, TicketEvent
from tests.factories import OPERATOR, SUPERVISOR, UnitFactory, ticket_in, unit_actor
from tests.support.plans import query_plan

LEVELS = ("warning", "overdue", "supervision", "interview")


def sweep(runner, now: str):
    result = runner.invoke(args=["sla", "sweep", "--now", now])
    assert result.exit_code == 0, result.output
    return result


def counts(result) -> dict[str, int]:
    out = {}
    for line in result.stdout.splitlines():
        name, _, value = line.rpartition(": ")
        if name and value.isdigit():
            out[name] = int(value)
    return out


def levels_of(ticket: Ticket) -> list[str]:
    return list(
        db.session.scalars(
            select(Escalation.level)
            .where(Escalation.ticket_id == ticket.id)
            .order_by(Escalation.id)
        )
    )


def escalated_events(ticket: Ticket) -> list[str]:
    return [
        e.data["level"]
        for e in db.session.scalars(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.type == "escalated")
            .order_by(TicketEvent.id)
        )
    ]


def sms_to(phone: str, template: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.to == phone,
                OutboxMessage.template == template,
                OutboxMessage.channel == "sms",
            )
        )
    )


@pytest.fixture
def accepted(session, clock):
    """The DESIGN example: dispatched 30 Sep 10:00, due 14 Oct 00:00, accepted at once."""
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    return unit, ticket_in("accepted", unit=unit)


def test_dispatch_sets_sla_check_at_to_the_warning_instant(accepted):
    _, ticket = accepted
    # 80 % of 30 Sep 10:00 → 14 Oct 00:00 is 11 Oct 06:48 local.
    assert ticket.sla_check_at == datetime(2026, 10, 10, 22, 48, tzinfo=UTC)


def test_ladder_timeline_each_level_exactly_once_even_when_the_sweep_runs_twice(runner, accepted):
    unit, ticket = accepted
    assert counts(sweep(runner, "2026-10-11T06:47:00+08:00"))["warning"] == 0
    steps = [
        ("2026-10-11T06:48:00+08:00", "warning"),
        ("2026-10-14T00:00:00+08:00", "overdue"),
        ("2026-10-16T00:00:00+08:00", "supervision"),
        ("2026-10-21T00:00:00+08:00", "interview"),
    ]
    for now, level in steps:
        first = counts(sweep(runner, now))
        assert {lv: first[lv] for lv in LEVELS} == {lv: int(lv == level) for lv in LEVELS}, now
        again = counts(sweep(runner, now))
        assert all(again[lv] == 0 for lv in LEVELS), again
        db.session.refresh(ticket)
        assert ticket.escalation_level == level
    assert levels_of(ticket) == ["warning", "overdue", "supervision", "interview"]
    assert escalated_events(ticket) == ["warning", "overdue", "supervision", "interview"]
    assert ticket.overdue is True
    assert ticket.sla_check_at is None  # nothing left to climb
    # Notifications: 催办 SMS to the duty phone, 督办 and 约谈 SMS to the head, once each.
    assert len(sms_to(unit.duty_phone, "overdue")) == 1
    assert len(sms_to(unit.head_phone, "supervision")) == 1
    assert len(sms_to(unit.head_phone, "interview")) == 1
    assert "超期2个工作日" in sms_to(unit.head_phone, "supervision")[0].body
    # In-app: 预警 and 催办 to the unit's agents, 督办 and 约谈 to its head; the case to schedule
    # to inspectors.
    inapp = db.session.execute(
        select(Notice.audience, Notice.template)
        .where(Notice.ticket_id == ticket.id)
        .order_by(Notice.id)
    ).all()
    agents, head = f"unit:{unit.id}:unit_agent", f"unit:{unit.id}:unit_head"
    assert inapp == [
        (agents, "warning"),
        (agents, "overdue"),
        (head, "supervision"),
        (head, "interview"),
    ]
    # The interview opened a proposed case holding the ticket.
    case = db.session.scalar(select(InterviewCase).where(InterviewCase.unit_id == unit.id))
    assert (case.status, case.trigger) == ("proposed", "ticket_overdue")
    linked = db.session.scalars(
        select(interview_tickets.c.ticket_id).where(interview_tickets.c.interview_id == case.id)
    ).all()
    assert linked == [ticket.id]
    record_types = db.session.scalars(
        select(CreditRecord.type).where(CreditRecord.unit_id == unit.id).order_by(CreditRecord.id)
    ).all()
    assert record_types.count("escalation") == 4
    assert "interview_opened" in record_types


def test_a_late_sweep_records_every_skipped_level_at_once(runner, accepted):
    _, ticket = accepted
    result = counts(sweep(runner, "2026-10-30T00:00:00+08:00"))
    assert [result[lv] for lv in LEVELS] == [1] * 4
    assert levels_of(ticket) == ["warning", "overdue", "supervision", "interview"]


def test_second_overdue_ticket_of_a_unit_joins_the_proposed_interview_case(runner, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    first, second = ticket_in("accepted", unit=unit), ticket_in("accepted", unit=unit)
    sweep(runner, "2026-10-30T00:00:00+08:00")
    cases = db.session.scalars(select(InterviewCase).where(InterviewCase.unit_id == unit.id)).all()
    assert len(cases) == 1
    linked = set(
        db.session.scalars(
            select(interview_tickets.c.ticket_id).where(
                interview_tickets.c.interview_id == cases[0].id
            )
        )
    )
    assert linked == {first.id, second.id}
    assert len(sms_to(unit.head_phone, "interview")) == 2  # one notice per ticket


@pytest.mark.parametrize("status", ["replied", "closed"])
def test_replied_and_closed_tickets_are_never_escalated(runner, clock, status):
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in(status, unit=UnitFactory())
    assert ticket.sla_check_at is None
    # Even a stale check instant left on the row only clears itself.
    ticket.sla_check_at = datetime(2026, 10, 1, tzinfo=UTC)
    db.session.flush()
    sweep(runner, "2026-10-30T00:00:00+08:00")
    assert levels_of(ticket) == []
    db.session.refresh(ticket)
    assert ticket.sla_check_at is None
    assert ticket.escalation_level is None


@pytest.mark.parametrize("how", ["reject", "merge"])
def test_rejected_and_merged_tickets_are_never_escalated(runner, clock, how):
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    if how == "merge":
        ticket = ticket_in("dispatched", unit=unit)
        tx.merge(ticket, actor=OPERATOR, into=ticket_in("dispatched", unit=unit).number)
    else:
        ticket = ticket_in("triage", unit=unit)
        tx.reject(ticket, actor=SUPERVISOR, reason="超出受理范围")
    ticket.sla_check_at = datetime(2026, 10, 1, tzinfo=UTC)  # stale on purpose
    db.session.flush()
    sweep(runner, "2026-10-30T00:00:00+08:00")
    assert levels_of(ticket) == []


def test_reply_after_the_warning_stops_the_ladder(runner, accepted):
    unit, ticket = accepted
    sweep(runner, "2026-10-12T00:00:00+08:00")
    tx.reply(ticket, actor=unit_actor(unit), text="已处理", now=datetime(2026, 10, 12, tzinfo=UTC))
    sweep(runner, "2026-10-30T00:00:00+08:00")
    assert levels_of(ticket) == ["warning"]


def test_accept_deadline_passed_unaccepted_is_an_overdue_on_the_accept_clock(runner, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    ticket = ticket_in("dispatched", unit=unit)
    assert counts(sweep(runner, "2026-10-01T09:59:00+08:00"))["overdue"] == 0
    assert counts(sweep(runner, "2026-10-01T10:00:00+08:00"))["overdue"] == 1
    esc = db.session.scalar(select(Escalation).where(Escalation.ticket_id == ticket.id))
    assert (esc.level, esc.clock) == ("overdue", "accept")
    db.session.refresh(ticket)
    assert ticket.overdue is True


def test_reopened_ticket_climbs_a_fresh_ladder_for_its_new_deadline(runner, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    ticket = ticket_in("replied", unit=unit)
    clock.set("2026-10-08T09:00:00+08:00")
    tx.reopen(ticket, actor=OPERATOR, reason="群众反映未解决")
    assert ticket.sla_check_at is not None  # the old reply must not stop the new clock
    sweep(runner, "2026-11-30T00:00:00+08:00")
    assert levels_of(ticket) == ["warning", "overdue", "supervision", "interview"]


def test_sweep_closes_replied_tickets_whose_rating_window_passed(runner, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("replied", unit=UnitFactory())
    before = ticket.rating_due_at
    assert counts(sweep(runner, before.isoformat()))["closed unrated"] == 1
    db.session.refresh(ticket)
    assert ticket.status == "closed"
    closed = db.session.scalar(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.type == "closed")
    )
    assert closed.data == {"rated": False}
    assert counts(sweep(runner, before.isoformat()))["closed unrated"] == 0


def test_rating_window_not_yet_passed_leaves_the_ticket_replied(runner, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("replied", unit=UnitFactory())
    sweep(runner, "2026-10-01T00:00:00+08:00")
    db.session.refresh(ticket)
    assert ticket.status == "replied"


def test_sweep_warns_on_stderr_when_a_deadline_touches_an_unloaded_year(runner, clock):
    clock.set("2026-12-28T10:00:00+08:00")
    ticket_in("accepted", unit=UnitFactory())
    result = sweep(runner, "2027-01-05T00:00:00+08:00")
    assert "calendar for 2027 not loaded" in result.stderr
    assert "calendar for 2027" not in result.stdout


def test_sweep_query_reads_due_tickets_through_the_sla_check_at_index(session):
    plan = query_plan(due_tickets_query(datetime(2026, 10, 1, tzinfo=UTC), 500))
    assert "ix_tickets_sla_check_at" in plan, plan
    if session.get_bind().dialect.name == "sqlite":
        assert "USING INDEX ix_tickets_sla_check_at" in plan
    else:
        assert "Index Scan" in plan or "Bitmap Index Scan" in plan, plan
        assert "LockRows" in plan  # FOR UPDATE SKIP LOCKED


def test_unrated_query_never_scans_the_whole_tickets_table(session):
    """Replied tickets past their rating window are found through an index, never a scan.

    PostgreSQL takes the partial index on replied tickets; SQLite, without statistics, may
    prefer the (status, created_at) index — also bounded to replied tickets.
    """
    plan = query_plan(unrated_query(datetime(2026, 10, 1, tzinfo=UTC), 500))
    if session.get_bind().dialect.name == "sqlite":
        assert "SCAN tickets" not in plan, plan
        assert "ix_tickets_rating_due_replied" in plan or "ix_tickets_status_created" in plan
    else:
        assert "ix_tickets_rating_due_replied" in plan, plan
        assert "Seq Scan on tickets" not in plan, plan


def test_escalating_does_not_bump_the_version_so_a_units_pending_edit_still_applies(
    runner, accepted
):
    unit, ticket = accepted
    db.session.flush()
    version = ticket.version
    sweep(runner, "2026-10-16T00:00:00+08:00")
    db.session.refresh(ticket)
    assert ticket.escalation_level == "supervision"
    assert ticket.version == version
    tx.reply(ticket, actor=unit_actor(unit), text="已处理", expected_version=version)
    assert ticket.status == "replied"
