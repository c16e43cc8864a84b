"""Ticket numbers: per local day, continuing across the upgrade to sequences, every unused number
logged, and (on PostgreSQL) no intake waiting for another one's COMMIT."""

from __future__ import annotations

import logging
import threading
from datetime import date

import pytest
import sqlalchemy as sa

from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.tickets import numbering
from hotline.tickets.models import TicketSequence
from tests.factories import new_ticket


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def test_a_rolled_back_intake_leaves_a_logged_gap_or_none(session, clock, caplog):
    clock.set("2026-10-20T10:00:00+08:00")
    assert new_ticket().number == "20261020-000001"
    session.commit()
    lost = new_ticket().number
    assert lost == "20261020-000002"
    with caplog.at_level(logging.WARNING, logger="hotline.tickets.numbering"):
        session.rollback()
    following = new_ticket().number
    if _dialect() == "postgresql":
        # a sequence never hands a number out twice: the gap is there, and so is its reason
        assert following == "20261020-000003"
        assert f"ticket number {lost} was not used" in caplog.text
    else:
        # SQLite's counter row rolls back with the ticket: no gap at all
        assert following == lost
        assert "was not used" not in caplog.text


def test_invalid_input_draws_no_number(session, clock):
    clock.set("2026-10-21T10:00:00+08:00")
    with pytest.raises(ValidationFailed):
        new_ticket(phone="not a phone")
    assert new_ticket().number == "20261021-000001"


def test_numbers_continue_after_the_counter_row_of_the_upgrade_day(session, clock):
    """On the day 0004 is deployed the counter row already handed out numbers: no repeats."""
    clock.set("2026-10-22T10:00:00+08:00")
    session.add(TicketSequence(day=date(2026, 10, 22), last=41))
    session.flush()
    assert new_ticket().number == "20261022-000042"


def test_a_day_restarts_after_its_highest_existing_number(session, clock):
    """A fresh sequence for a day that already has tickets (say, after the old days' sequences
    were dropped and a late ticket arrives) starts after the highest number."""
    clock.set("2026-10-23T10:00:00+08:00")
    first = new_ticket()
    first.number = "20261023-000500"
    session.flush()
    numbering.drop_sequences_before(date(2026, 10, 24))
    if _dialect() == "postgresql":
        assert new_ticket().number == "20261023-000501"
    else:
        assert new_ticket().number == "20261023-000002"  # SQLite: the counter row decides


def test_drop_sequences_keeps_today_and_later(session, clock):
    if _dialect() != "postgresql":
        assert numbering.drop_sequences_before(date(2026, 10, 26)) == []
        return
    for day in ("2026-10-24", "2026-10-25", "2026-10-26"):
        clock.set(f"{day}T10:00:00+08:00")
        new_ticket()
    dropped = numbering.drop_sequences_before(date(2026, 10, 26))
    assert "ticket_numbers_20261024" in dropped
    assert "ticket_numbers_20261025" in dropped
    assert "ticket_numbers_20261026" not in dropped
    assert new_ticket().number == "20261026-000002"


@pytest.mark.committed
def test_an_open_intake_does_not_hold_up_the_next_one(app):
    """PostgreSQL: while one transaction holds a freshly drawn number uncommitted, another draws
    the next number at once; the day's first two intakes racing to create the sequence both get
    a number, one after the other."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite serialises writers; the counter row is gapless by design")
        engine = db.engine
        day = date(2031, 1, 2)
        draw = sa.select(sa.func.hotline_ticket_number(day))
        try:
            with engine.connect() as first, engine.connect() as second:
                # the day's first intake creates the sequence and stays open ...
                assert first.execute(draw).scalar_one() == "20310102-000001"
                got: list[str] = []

                def racing_intake() -> None:
                    with engine.connect() as conn:
                        got.append(conn.execute(draw).scalar_one())
                        conn.commit()

                racer = threading.Thread(target=racing_intake)
                racer.start()
                racer.join(0.5)
                assert racer.is_alive()  # ... so a racer waits for the sequence to exist
                first.commit()
                racer.join(10)
                assert got == ["20310102-000002"]

                # steady state: an open transaction holding a number blocks nobody
                assert first.execute(draw).scalar_one() == "20310102-000003"
                second.execute(sa.text("SET lock_timeout = '1s'"))
                assert second.execute(draw).scalar_one() == "20310102-000004"
                second.commit()
                first.rollback()
        finally:
            with engine.begin() as conn:
                conn.execute(sa.text("DROP SEQUENCE IF EXISTS ticket_numbers_20310102"))
