"""The incremental roll-up equals a from-scratch recomputation, however the log arrives."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select

from hotline.core.clock import local_tz
from hotline.core.extensions import db
from hotline.escalations.models import InterviewCase
from hotline.metrics.models import UnitDayFigures
from hotline.metrics.rollup import COUNTERS, EventFact, figures_from_events, roll_up
from hotline.tickets.models import TicketEvent
from tests.factories import UnitFactory, new_ticket

NOW = datetime(2026, 11, 1, tzinfo=UTC)

TYPES = (
    "created",
    "dispatched",
    "redispatched",
    "accepted",
    "replied",
    "escalated",
    "callback",
    "rated",
    "closed",
    "return_requested",
    "reopened",
    "extension_requested",
    "appeal_upheld",
)

data_for = {
    "accepted": st.fixed_dictionaries({"in_time": st.booleans()}),
    "replied": st.fixed_dictionaries(
        {"on_time": st.booleans(), "was_overdue": st.booleans(), "media": st.just([])}
    ),
    "escalated": st.fixed_dictionaries(
        {"level": st.sampled_from(["warning", "overdue", "supervision", "interview"])}
    ),
    "callback": st.fixed_dictionaries(
        {"reached": st.booleans(), "resolved": st.none() | st.booleans()}
    ),
    "rated": st.fixed_dictionaries({"rating": st.integers(1, 5)}),
    "closed": st.fixed_dictionaries({"rated": st.booleans()}) | st.just({"rating": 4}),
    # An upheld appeal takes a rating out where it was counted: another day, maybe another
    # unit (`rated_unit` is an index into the test's units until the rows are built).
    "appeal_upheld": st.fixed_dictionaries(
        {
            "rating": st.integers(1, 5),
            "rated_unit": st.sampled_from([0, 1, 2]),
            "rated_at": st.integers(0, 20_000).map(
                lambda m: (datetime(2026, 9, 28, tzinfo=UTC) + timedelta(minutes=m)).isoformat()
            ),
        }
    ),
}


@st.composite
def events(draw: st.DrawFn) -> tuple:
    type_ = draw(st.sampled_from(TYPES))
    data = draw(data_for.get(type_, st.none()))
    # Minutes over two weeks, so local midnights (16:00 UTC) split many days.
    at = datetime(2026, 9, 28, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 20_000)))
    return type_, at, draw(st.sampled_from([0, 1, 2, None])), data


history = st.lists(events(), max_size=60)
openings = st.lists(st.tuples(st.sampled_from([0, 1, 2]), st.integers(0, 20_000)), max_size=5)


def _with_unit_ids(data: dict | None, units: list) -> dict | None:
    if data and "rated_unit" in data:
        return {**data, "rated_unit": units[data["rated_unit"]].id}
    return data


def rolled_up() -> dict:
    table = {}
    for row in db.session.scalars(select(UnitDayFigures)):
        counts = Counter({c: getattr(row, c) for c in COUNTERS if getattr(row, c)})
        if counts:
            table[(row.unit_id, row.day)] = counts
    return table


def from_scratch() -> dict:
    facts = [
        EventFact(*row)
        for row in db.session.execute(
            select(
                TicketEvent.id,
                TicketEvent.type,
                TicketEvent.at,
                TicketEvent.unit_id,
                TicketEvent.data,
            )
        )
    ]
    cases = db.session.execute(select(InterviewCase.unit_id, InterviewCase.opened_at)).all()
    return figures_from_events(facts, local_tz(), [(u, at) for u, at in cases])


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    log=history,
    cases=openings,
    order=st.randoms(use_true_random=False),
    batch=st.integers(1, 7),
    rounds=st.integers(1, 4),
)
def test_roll_up_in_increments_equals_a_from_scratch_recomputation(
    session, log, cases, order, batch, rounds
):
    savepoint = db.session.begin_nested()
    try:
        units = [UnitFactory() for _ in range(3)]
        ticket = new_ticket()
        base = (db.session.scalar(select(func.max(TicketEvent.id))) or 0) + 100
        rows = [
            {
                "id": base + i,
                "ticket_id": ticket.id,
                "type": type_,
                "at": at,
                "unit_id": units[u].id if u is not None else None,
                "data": _with_unit_ids(data, units),
            }
            for i, (type_, at, u, data) in enumerate(log)
        ]
        # Commits land out of id order: a later round may bring ids below the cursor.
        order.shuffle(rows)
        chunks = [rows[i::rounds] for i in range(rounds)]
        case_chunks = [cases[i::rounds] for i in range(rounds)]
        for chunk, opened in zip(chunks, case_chunks, strict=True):
            if chunk:
                db.session.execute(insert(TicketEvent), chunk)
            for u, minutes in opened:
                db.session.add(
                    InterviewCase(
                        unit_id=units[u].id,
                        trigger="ranking_last",
                        opened_at=datetime(2026, 9, 28, tzinfo=UTC) + timedelta(minutes=minutes),
                    )
                )
            db.session.flush()
            while roll_up(now=NOW, limit=batch):
                pass
        assert rolled_up() == from_scratch()
    finally:
        savepoint.rollback()


def test_an_event_is_counted_on_its_local_day(session):
    unit = UnitFactory()
    ticket = new_ticket()
    # 15:59 UTC is 23:59 on 8 Oct in Shanghai; 16:00 UTC is already 9 Oct.
    for at in (datetime(2026, 10, 8, 15, 59, tzinfo=UTC), datetime(2026, 10, 8, 16, tzinfo=UTC)):
        db.session.add(
            TicketEvent(ticket_id=ticket.id, type="dispatched", at=at, unit_id=unit.id, data={})
        )
    db.session.flush()
    roll_up(now=NOW)
    days = {
        row.day.isoformat(): row.dispatched
        for row in db.session.scalars(
            select(UnitDayFigures).where(UnitDayFigures.unit_id == unit.id)
        )
    }
    assert days == {"2026-10-08": 1, "2026-10-09": 1}


def test_running_the_roll_up_again_counts_nothing_twice(session):
    unit = UnitFactory()
    ticket = new_ticket()
    db.session.add(
        TicketEvent(
            ticket_id=ticket.id,
            type="rated",
            at=datetime(2026, 10, 8, 2, tzinfo=UTC),
            unit_id=unit.id,
            data={"rating": 4},
        )
    )
    db.session.flush()
    roll_up(now=NOW)
    roll_up(now=NOW)
    row = db.session.scalar(select(UnitDayFigures).where(UnitDayFigures.unit_id == unit.id))
    assert (row.rated, row.rating_4) == (1, 1)
