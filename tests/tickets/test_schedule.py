"""tickets.sla_check_at always holds the next instant the ladder must look at the ticket."""

from __future__ import annotations

from datetime import UTC, datetime

from hotline.core.extensions import db
from hotline.escalations.sweep import sweep
from hotline.tickets import transitions as tx
from tests.factories import OPERATOR, SUPERVISOR, UnitFactory, ticket_in, unit_actor

WARNING = datetime(2026, 10, 10, 22, 48, tzinfo=UTC)  # 11 Oct 06:48 local, 80 % of the window
ACCEPT_DUE = datetime(2026, 10, 1, 2, tzinfo=UTC)  # 24 h after dispatch


def test_unaccepted_ticket_is_next_checked_at_its_accept_deadline(session, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("dispatched", unit=UnitFactory())
    assert ticket.sla_check_at == ACCEPT_DUE


def test_acceptance_moves_the_check_to_the_warning(session, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("accepted", unit=UnitFactory())
    assert ticket.sla_check_at == WARNING


def test_after_each_level_the_check_moves_to_the_next_one(session, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("accepted", unit=UnitFactory())
    expected = [
        (WARNING, datetime(2026, 10, 13, 16, tzinfo=UTC)),  # overdue at 14 Oct 00:00
        (datetime(2026, 10, 13, 16, tzinfo=UTC), datetime(2026, 10, 15, 16, tzinfo=UTC)),
        (datetime(2026, 10, 15, 16, tzinfo=UTC), datetime(2026, 10, 20, 16, tzinfo=UTC)),
        (datetime(2026, 10, 20, 16, tzinfo=UTC), None),
    ]
    for now, following in expected:
        sweep(now=now)
        db.session.refresh(ticket)
        assert ticket.sla_check_at == following


def test_reply_clears_the_check_and_an_extension_moves_it(session, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    ticket = ticket_in("accepted", unit=unit)
    tx.request_extension(ticket, actor=unit_actor(unit), days=2, reason="需现场复核")
    tx.approve_extension(ticket, actor=SUPERVISOR)
    # New window 30 Sep 10:00 → 16 Oct 00:00: the warning moves later.
    assert ticket.sla_check_at > WARNING
    tx.reply(ticket, actor=unit_actor(unit), text="已处理")
    assert ticket.sla_check_at is None


def test_redispatch_gives_the_new_unit_a_fresh_ladder(session, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("dispatched", unit=UnitFactory())
    clock.set("2026-10-02T10:00:00+08:00")
    tx.dispatch(ticket, actor=OPERATOR, unit=UnitFactory().code)
    assert ticket.sla_check_at == datetime(2026, 10, 3, 2, tzinfo=UTC)
