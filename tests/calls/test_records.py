"""Call records: whatever order Twilio's callbacks about one call arrive in, and however often,
the record ends the same."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import permutations

import pytest
from sqlalchemy import func, select

from hotline.calls import records
from hotline.calls.models import CallRecord
from hotline.core.extensions import db
from tests.factories import UserFactory

SID = "CA" + "5" * 32
LEG = "CA" + "6" * 32
T0 = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)


def _steps(operator_id: int) -> dict[str, Callable[[], object]]:
    """An answered call's callbacks, each at the moment Twilio would send it."""
    return {
        "offered": lambda: records.offered(
            call_sid=SID, from_phone="+8613812345678", now=T0, is_open=True
        ),
        "dequeued": lambda: records.dequeued(
            call_sid=SID,
            operator_call_sid=LEG,
            operator_id=operator_id,
            queue_time=20,
            now=T0 + timedelta(seconds=26),
        ),
        "bridged": lambda: records.left_queue(
            call_sid=SID, result="bridged", queue_time=20, now=T0 + timedelta(seconds=300)
        ),
        "ended": lambda: records.ended(
            call_sid=SID,
            status="completed",
            duration=300,
            from_phone="+8613812345678",
            now=T0 + timedelta(seconds=301),
        ),
    }


def _state() -> tuple:
    row = db.session.scalars(select(CallRecord).where(CallRecord.call_sid == SID)).one()
    return (
        row.outcome,
        row.wait_seconds,
        row.duration_seconds,
        row.operator_id,
        row.operator_call_sid,
        row.ended_at,
        row.from_phone,
    )


def test_an_answered_call_ends_answered_in_any_order_of_its_callbacks(session):
    operator = UserFactory(role="operator")
    steps = _steps(operator.id)
    expected = (
        "answered",
        20,
        300,
        operator.id,
        LEG,
        T0 + timedelta(seconds=301),
        "+8613812345678",
    )
    for order in permutations(steps):
        savepoint = session.begin_nested()
        for name in order:
            steps[name]()
        assert _state() == expected, order
        savepoint.rollback()


def test_an_abandoned_call_ends_abandoned_in_any_order_of_its_callbacks(session):
    steps = {
        "offered": lambda: records.offered(call_sid=SID, from_phone=None, now=T0, is_open=True),
        "hangup": lambda: records.left_queue(
            call_sid=SID, result="hangup", queue_time=33, now=T0 + timedelta(seconds=39)
        ),
        "ended": lambda: records.ended(
            call_sid=SID, status="completed", duration=39, from_phone=None, now=T0
        ),
    }
    for order in permutations(steps):
        savepoint = session.begin_nested()
        for name in order:
            steps[name]()
        assert _state()[:3] == ("abandoned", 33, 39), order
        savepoint.rollback()


def test_every_callback_twice_changes_nothing_the_first_set(session):
    operator = UserFactory(role="operator")
    steps = _steps(operator.id)
    for step in steps.values():
        step()
    first = _state()
    for step in steps.values():
        step()
    assert _state() == first
    assert db.session.scalar(select(func.count()).select_from(CallRecord)) == 1


def test_a_call_out_of_hours_is_closed_and_never_queued(session):
    row = records.offered(call_sid=SID, from_phone=None, now=T0, is_open=False)
    assert (row.outcome, row.queued_at) == ("closed", None)
    records.ended(call_sid=SID, status="completed", duration=50, from_phone=None, now=T0)
    assert _state()[:3] == ("closed", None, 50)


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [("0", 0), (" 42 ", 42), ("86400", 86400), ("86401", None), ("-1", None), ("x", None)],
)
def test_twilio_seconds_are_read_strictly(raw, seconds):
    assert records.seconds(raw) == seconds


def test_the_screen_pop_finds_the_caller_by_the_operators_leg(session):
    assert records.caller_of(LEG) is None
    assert records.caller_of("") is None
    operator = UserFactory(role="operator")
    _steps(operator.id)["dequeued"]()
    assert records.caller_of(LEG).call_sid == SID
