"""The escalation ladder: warning → overdue → supervision → interview, once each, in order."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.sla.calendar import WorkCalendar
from hotline.sla.ladder import (
    LADDER,
    Level,
    Thresholds,
    TicketClock,
    level_times,
    levels_due,
    next_level_at,
)

TZ = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()
US = timedelta(microseconds=1)


def at(*args: int) -> datetime:
    """A Shanghai local time."""
    return datetime(*args, tzinfo=TZ)


# The DESIGN example: dispatched 30 Sep 10:00, accepted within the hour, due 14 Oct 00:00.
ACCEPTED = TicketClock(
    status="accepted",
    dispatched_at=at(2026, 9, 30, 10),
    accept_due_at=at(2026, 10, 1, 10),
    resolve_due_at=at(2026, 10, 14),
    accepted_at=at(2026, 9, 30, 11),
)
UNACCEPTED = replace(ACCEPTED, status="dispatched", accepted_at=None)


def due(clock: TicketClock, now: datetime, **thresholds: float) -> list[Level]:
    return levels_due(clock, now, CAL, TZ, Thresholds(**thresholds))


def test_levels_are_named_as_in_the_design():
    assert [str(level) for level in LADDER] == ["warning", "overdue", "supervision", "interview"]


def test_each_level_is_reached_once_and_in_order_on_a_timeline():
    clock, reached = ACCEPTED, []
    now = clock.dispatched_at
    while now < at(2026, 11, 1):
        for level in due(clock, now):
            reached.append((level, now))
            clock = replace(clock, reached=clock.reached | {level})
        now += timedelta(minutes=12)
    assert reached == [
        (Level.WARNING, at(2026, 10, 11, 6, 48)),  # 80 % of 13 d 14 h
        (Level.OVERDUE, at(2026, 10, 14)),
        (Level.SUPERVISION, at(2026, 10, 16)),  # 14 and 15 Oct fully passed
        (Level.INTERVIEW, at(2026, 10, 21)),  # 14, 15, 16, 19, 20 Oct
    ]


def test_no_level_is_due_a_microsecond_before_its_time():
    assert due(ACCEPTED, at(2026, 10, 11, 6, 48) - US) == []
    overdue = replace(ACCEPTED, reached=frozenset({"warning"}))
    assert due(overdue, at(2026, 10, 14) - US) == []
    supervision = replace(ACCEPTED, reached=frozenset({"warning", "overdue"}))
    assert due(supervision, at(2026, 10, 16) - US) == []
    assert due(supervision, at(2026, 10, 16)) == [Level.SUPERVISION]


def test_a_late_sweep_catches_up_every_skipped_level_in_order():
    assert due(ACCEPTED, at(2026, 10, 22)) == list(LADDER)


def test_reached_levels_are_not_repeated():
    clock = replace(ACCEPTED, reached=frozenset({"warning", "overdue"}))
    assert due(clock, at(2026, 10, 16, 9)) == [Level.SUPERVISION]
    clock = replace(ACCEPTED, reached=frozenset(LADDER))
    assert due(clock, at(2027, 3, 1)) == []


@pytest.mark.parametrize("status", ["replied", "closed", "rejected", "merged", "new", "triage"])
def test_no_level_for_tickets_whose_clock_has_stopped(status):
    clock = replace(ACCEPTED, status=status)
    assert due(clock, at(2026, 12, 1)) == []
    assert next_level_at(clock, CAL, TZ) is None


def test_no_level_once_a_reply_is_recorded():
    clock = replace(ACCEPTED, replied_at=at(2026, 10, 13))
    assert due(clock, at(2026, 12, 1)) == []


def test_accept_deadline_passed_unaccepted_is_overdue_before_the_warning():
    assert due(UNACCEPTED, at(2026, 10, 1, 10) - US) == []
    assert due(UNACCEPTED, at(2026, 10, 1, 10)) == [Level.OVERDUE]


def test_accept_overdue_escalates_counting_working_days_from_the_accept_deadline():
    clock = replace(UNACCEPTED, reached=frozenset({"overdue"}))
    # The remaining 1 Oct and the holidays do not count: 8 and 9 Oct do.
    assert due(clock, at(2026, 10, 10) - US) == []
    assert due(clock, at(2026, 10, 10)) == [Level.SUPERVISION]
    assert due(clock, at(2026, 10, 14)) == [Level.SUPERVISION, Level.INTERVIEW]


def test_no_warning_after_an_accept_overdue_was_recorded():
    clock = replace(UNACCEPTED, reached=frozenset({"overdue"}))
    # Past the 80 % mark too, yet only the next rung up is due.
    assert due(clock, at(2026, 10, 11, 12)) == [Level.SUPERVISION]


def test_accepted_ticket_ignores_its_passed_accept_deadline():
    assert due(ACCEPTED, at(2026, 10, 5)) == []


def test_thresholds_are_configurable():
    # Half of 13 d 14 h after 30 Sep 10:00 is 7 Oct 05:00.
    assert due(ACCEPTED, at(2026, 10, 7, 5) - US, warning_fraction=0.5) == []
    assert due(ACCEPTED, at(2026, 10, 7, 5), warning_fraction=0.5) == [Level.WARNING]
    clock = replace(ACCEPTED, reached=frozenset({"warning", "overdue"}))
    assert due(clock, at(2026, 10, 15), supervision_after_wd=1) == [Level.SUPERVISION]


@pytest.mark.parametrize(
    "kwargs",
    [{"warning_fraction": 0}, {"warning_fraction": 1.5}, {"supervision_after_wd": 6}],
)
def test_inconsistent_thresholds_are_rejected(kwargs):
    with pytest.raises(ValueError, match=r"warning_fraction|supervision_after_wd"):
        Thresholds(**kwargs)


def test_an_hours_limit_warns_at_80_percent_of_its_hours():
    urgent = replace(ACCEPTED, resolve_due_at=at(2026, 10, 1, 10))
    assert level_times(urgent, CAL, TZ)[Level.WARNING] == at(2026, 10, 1, 5, 12)


def test_next_level_at_is_the_next_instant_a_level_falls_due():
    assert next_level_at(ACCEPTED, CAL, TZ) == at(2026, 10, 11, 6, 48)
    clock = replace(ACCEPTED, reached=frozenset({"warning", "overdue"}))
    assert next_level_at(clock, CAL, TZ) == at(2026, 10, 16)
    assert next_level_at(replace(clock, reached=frozenset(LADDER)), CAL, TZ) is None


TIMES = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 6, 30)).map(
    lambda d: d.replace(tzinfo=TZ)
)


def _offset(start: datetime, delta: timedelta | None) -> datetime | None:
    return None if delta is None else start + delta


CLOCKS = st.builds(
    TicketClock,
    status=st.sampled_from(["dispatched", "accepted", "replied", "closed", "triage"]),
    dispatched_at=TIMES,
    accept_due_at=st.none() | st.timedeltas(timedelta(0), timedelta(days=3)),
    resolve_due_at=st.none() | st.timedeltas(timedelta(hours=1), timedelta(days=30)),
    accepted_at=st.none() | TIMES,
    reached=st.frozensets(st.sampled_from(list(LADDER))),
).map(
    # Deadlines are drawn as offsets from the dispatch so they never precede it.
    lambda c: replace(
        c,
        accept_due_at=_offset(c.dispatched_at, c.accept_due_at),
        resolve_due_at=_offset(c.dispatched_at, c.resolve_due_at),
    )
)


@given(clock=CLOCKS)
def test_property_next_level_at_agrees_with_levels_due(clock):
    first = next_level_at(clock, CAL, TZ)
    if first is None:
        assert due(clock, datetime(2029, 12, 31, tzinfo=TZ)) == []
    else:
        assert due(clock, first - US) == []
        assert due(clock, first) != []


@given(clock=CLOCKS, now=TIMES)
def test_property_levels_come_in_ladder_order_above_every_reached_level(clock, now):
    levels = due(clock, now)
    ranks = [LADDER.index(level) for level in levels]
    assert ranks == sorted(set(ranks))
    assert all(rank > LADDER.index(r) for rank in ranks for r in clock.reached)
