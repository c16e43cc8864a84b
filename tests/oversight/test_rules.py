"""Unit rules that open an interview: repeated 督办, last place, low on-time rate; once each."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hotline.core.extensions import db
from hotline.escalations import triggers
from hotline.escalations.models import CreditRecord, InterviewCase, InterviewReason
from hotline.escalations.sweep import sweep
from hotline.oversight.jobs import rollup_figures
from hotline.oversight.rules import run_unit_rules
from hotline.tickets import transitions as tx
from tests.factories import UnitFactory, ticket_in, unit_actor


def cases_of(unit) -> list[InterviewCase]:
    return list(
        db.session.scalars(
            select(InterviewCase).where(InterviewCase.unit_id == unit.id).order_by(InterviewCase.id)
        )
    )


def test_three_supervisions_in_30_days_open_one_case_per_month(session, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    for _ in range(3):
        ticket_in("accepted", unit=unit)
    # 16 Oct: 2 working days overdue → three 督办, no ticket interview yet.
    sweep(now=datetime(2026, 10, 15, 16, tzinfo=UTC))
    opened = run_unit_rules(now=datetime(2026, 10, 16, 1, tzinfo=UTC))
    assert [(c.trigger, c.trigger_key) for c in opened] == [
        ("supervision_count", f"supervision_count:{unit.id}:2026-10")
    ]
    assert "30日内被督办3次" in opened[0].reason
    assert run_unit_rules(now=datetime(2026, 10, 17, 1, tzinfo=UTC)) == []  # same trigger
    records = db.session.scalars(
        select(CreditRecord.type).where(CreditRecord.unit_id == unit.id)
    ).all()
    assert records.count("interview_opened") == 1


def test_two_supervisions_are_not_enough(session, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    for _ in range(2):
        ticket_in("accepted", unit=unit)
    sweep(now=datetime(2026, 10, 15, 16, tzinfo=UTC))
    assert run_unit_rules(now=datetime(2026, 10, 16, 1, tzinfo=UTC)) == []


def test_supervision_count_is_configurable(session, clock, app, monkeypatch):
    monkeypatch.setitem(app.config, "INTERVIEW_SUPERVISION_COUNT", 1)
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    ticket_in("accepted", unit=unit)
    sweep(now=datetime(2026, 10, 15, 16, tzinfo=UTC))
    assert len(run_unit_rules(now=datetime(2026, 10, 16, 1, tzinfo=UTC))) == 1


def _september(units: list, late: set[int], tickets: int = 5) -> None:
    """`tickets` per unit in September; units in `late` accept and reply all of them late."""
    for i, unit in enumerate(units):
        slow = i in late
        for _ in range(tickets):
            t = ticket_in("dispatched", unit=unit, now=datetime(2026, 9, 1, 2, tzinfo=UTC))
            accepted = datetime(2026, 9, 3 if slow else 1, 3, tzinfo=UTC)
            tx.accept(t, actor=unit_actor(unit), now=accepted)
            replied = datetime(2026, 9, 20 if slow else 2, tzinfo=UTC)
            tx.reply(t, actor=unit_actor(unit), text="已处理", now=replied)


@pytest.fixture
def five_is_enough(app, monkeypatch) -> None:
    """_september's 5 tickets per unit take part in the ranking (default minimum: 10)."""
    monkeypatch.setitem(app.config, "RANKING_MIN_TICKETS", 5)


def test_last_place_and_low_on_time_rate_of_last_month_open_one_case_with_both_reasons(
    session, clock, five_is_enough
):
    units = [UnitFactory() for _ in range(3)]
    _september(units, late={2})
    clock.set("2026-10-01T09:00:00+08:00")
    rollup_figures()
    worst = units[2]
    # One open case per unit: the second rule joins the first one's case with its reason.
    [case] = cases_of(worst)
    reasons = triggers.reasons_by_case([case.id])[case.id]
    assert sorted(r["trigger"] for r in reasons) == ["on_time_rate", "ranking_last"]
    keys = db.session.scalars(
        select(InterviewReason.trigger_key).where(InterviewReason.interview_id == case.id)
    ).all()
    assert sorted(keys) == [f"on_time_rate:{worst.id}:2026-09", f"ranking_last:{worst.id}:2026-09"]
    records = db.session.scalars(
        select(CreditRecord.type).where(CreditRecord.unit_id == worst.id)
    ).all()
    assert sorted(records) == ["interview_opened", "interview_reason_added"]
    assert cases_of(units[0]) == []
    rollup_figures()  # the scheduler runs it every 5 minutes: each trigger fires once
    assert len(cases_of(worst)) == 1
    assert len(triggers.reasons_by_case([case.id])[case.id]) == 2


@pytest.mark.parametrize(
    ("count", "late"),
    [(2, {1}), (3, set())],
    ids=["too-few-units-to-rank", "everybody-tied"],
)
def test_no_last_place_without_enough_units_or_with_a_tie(
    session, clock, five_is_enough, count, late
):
    units = [UnitFactory() for _ in range(count)]
    _september(units, late=late)
    clock.set("2026-10-01T09:00:00+08:00")
    rollup_figures()
    assert all(c.trigger != "ranking_last" for u in units for c in cases_of(u))


def test_a_unit_with_two_tickets_is_not_last_whatever_its_figures(session, clock):
    """RANKING_MIN_TICKETS (10): the worst unit of the month handled only 2 tickets, so it
    is listed apart, and the last place goes to the worst unit that took part."""
    ranked = [UnitFactory() for _ in range(3)]
    _september(ranked, late={2}, tickets=10)
    tiny = UnitFactory()
    _september([tiny], late={0}, tickets=2)
    clock.set("2026-10-01T09:00:00+08:00")
    rollup_figures()
    assert cases_of(tiny) == []  # nor the on-time rule: 2 due is under its minimum of 5
    [case] = cases_of(ranked[2])  # one open case per unit: the second rule joins it
    reasons = triggers.reasons_by_case([case.id])[case.id]
    assert sorted(r["trigger"] for r in reasons) == ["on_time_rate", "ranking_last"]
    assert cases_of(ranked[0]) == cases_of(ranked[1]) == []
