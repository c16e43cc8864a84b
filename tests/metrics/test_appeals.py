"""An upheld rating appeal takes the rating out of the figures, recomputably; appeal counts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hotline.core.actor import Actor
from hotline.metrics.rollup import EventFact, counted_where, rebuild, roll_up
from hotline.metrics.service import figures
from hotline.tickets import transitions as tx
from tests.factories import UnitFactory, ticket_in, unit_actor

INSPECTOR = Actor(user_id=None, role="inspector", label="test-inspector")
OCTOBER = {"start": date(2026, 10, 1), "end": date(2026, 10, 31)}
NOVEMBER = {"start": date(2026, 11, 1), "end": date(2026, 11, 30)}


def _roll(now: str) -> None:
    while roll_up(now=datetime.fromisoformat(now)):
        pass


def _row(unit, **period) -> dict:
    [row] = figures(**period, unit_id=unit.id)
    return row


@pytest.fixture
def october(session, clock) -> dict:
    """Unit A in October: ratings 1 (appealed), 2 and 5, all rolled up on 10 October."""
    unit = UnitFactory()
    clock.set("2026-10-08T09:00:00+08:00")
    tickets = [ticket_in("replied", unit=unit) for _ in range(3)]
    clock.set("2026-10-10T09:00:00+08:00")
    for ticket, rating in zip(tickets, (1, 2, 5), strict=True):
        tx.rate(ticket, actor=Actor.complainant(), rating=rating)
    _roll("2026-10-11T00:00:00+00:00")
    return {"unit": unit, "appealed": tickets[0], "other": tickets[1]}


def _appeal(unit, ticket, clock, *, upheld: bool) -> None:
    clock.set("2026-11-03T09:00:00+08:00")  # filed and decided in November
    tx.request_appeal(ticket, actor=unit_actor(unit), reason="不公", evidence="录音")
    clock.set("2026-11-04T09:00:00+08:00")
    decide = tx.approve_appeal if upheld else tx.deny_appeal
    decide(ticket, actor=INSPECTOR, reason="审核")


def test_an_upheld_appeal_takes_the_rating_out_of_the_month_it_was_counted(october, clock):
    unit = october["unit"]
    before = _row(unit, **OCTOBER)
    assert (before["counts"]["rated"], before["counts"]["rating_1"]) == (3, 1)
    assert before["rates"]["satisfaction"] == 0.3333
    _appeal(unit, october["appealed"], clock, upheld=True)
    _roll("2026-11-05T00:00:00+00:00")
    after = _row(unit, **OCTOBER)
    assert (after["counts"]["rated"], after["counts"]["rating_1"]) == (2, 0)
    assert after["counts"]["rating_2"] == 1  # the other bad rating still counts
    assert after["rates"]["satisfaction"] == 0.5
    assert after["counts"]["reopens"] == before["counts"]["reopens"]  # the rework happened
    # November, when the appeal was decided, gains no negative rating.
    assert _row(unit, **NOVEMBER)["counts"]["rated"] == 0
    assert _row(unit, **NOVEMBER)["appeals"] == {"pending": 0, "upheld": 1, "denied": 0}


def test_recomputed_from_the_events_the_figures_are_the_live_ones(october, clock):
    unit = october["unit"]
    _appeal(unit, october["appealed"], clock, upheld=True)
    _roll("2026-11-05T00:00:00+00:00")
    live = [figures(**period) for period in (OCTOBER, NOVEMBER)]
    rebuild(now=datetime(2026, 11, 5, tzinfo=UTC))
    _roll("2026-11-05T00:01:00+00:00")
    assert [figures(**period) for period in (OCTOBER, NOVEMBER)] == live
    assert live[0][0]["counts"]["rated"] == 2


def test_a_denied_or_pending_appeal_changes_no_figure(october, clock):
    unit = october["unit"]
    before = _row(unit, **OCTOBER)
    _appeal(unit, october["appealed"], clock, upheld=False)
    clock.set("2026-11-04T10:00:00+08:00")
    tx.request_appeal(october["other"], actor=unit_actor(unit), reason="不公", evidence="录音")
    _roll("2026-11-05T00:00:00+00:00")
    assert _row(unit, **OCTOBER)["counts"] == before["counts"]
    assert _row(unit, **NOVEMBER)["appeals"] == {"pending": 1, "upheld": 0, "denied": 1}


def test_appeals_are_counted_in_the_period_they_were_filed_even_without_other_activity(
    october, clock
):
    unit = october["unit"]
    clock.set("2026-12-01T09:00:00+08:00")
    tx.request_appeal(october["appealed"], actor=unit_actor(unit), reason="不公", evidence="录音")
    rows = figures(start=date(2026, 10, 1), end=date(2026, 12, 31), period="month")
    december = [r for r in rows if r["period"] == "2026-12"]
    assert [(r["unit_id"], r["appeals"]["pending"], r["rank"]) for r in december] == [
        (unit.id, 1, None)
    ]
    assert all(r["appeals"]["pending"] == 0 for r in rows if r["period"] != "2026-12")


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"rating": 1},
        {"rating": 1, "rated_unit": 7, "rated_at": "not a time"},
        {"rating": 1, "rated_unit": None, "rated_at": "2026-10-10T01:00:00+00:00"},
    ],
)
def test_a_malformed_upheld_appeal_counts_nowhere(data):
    fact = EventFact(1, "appeal_upheld", datetime(2026, 11, 4, tzinfo=UTC), 3, data)
    assert counted_where(fact)[0] is None
