"""Special supervisors' filings (监督员反映) counted apart per unit and period, while the rates
count their tickets as any other."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import text

from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.metrics.rollup import roll_up
from hotline.metrics.service import figures
from hotline.tickets import filed
from hotline.tickets import service as tickets
from hotline.tickets import transitions as tx
from tests.factories import OPERATOR, UnitFactory, UserFactory, ticket_in, unit_actor
from tests.support.api import caller
from tests.support.supervisors import appointed

OCTOBER = {"start": date(2026, 10, 1), "end": date(2026, 10, 31)}
NOVEMBER = {"start": date(2026, 11, 1), "end": date(2026, 11, 30)}


def _roll(now: str) -> None:
    while roll_up(now=datetime.fromisoformat(now)):
        pass


def _supervised(user, unit, *, reply: bool = False):
    actor = Actor.of(user)
    ticket = tickets.create(
        actor=actor,
        channel="supervisor",
        filer=filed.filer_for(actor, now=utcnow()),
        description="窗口推诿",
        phone=None,
    )
    tx.dispatch(ticket, actor=OPERATOR, unit=unit.code)
    if reply:
        tx.accept(ticket, actor=unit_actor(unit))
        tx.reply(ticket, actor=unit_actor(unit), text="已整改")
    return ticket


def test_filings_are_counted_per_unit_and_month_apart_from_the_rates(session, clock):
    unit, other = UnitFactory(), UnitFactory()
    user = appointed()
    clock.set("2026-10-20T10:00:00+08:00")
    _supervised(user, unit, reply=True)
    _supervised(user, unit)
    _supervised(user, other)
    ticket_in("accepted", unit=unit)  # from the phone line
    clock.set("2026-11-02T10:00:00+08:00")
    _supervised(user, unit)
    _roll("2026-11-03T00:00:00+00:00")

    [october] = figures(**OCTOBER, unit_id=unit.id)
    assert october["supervisor_reports"] == {"filed": 2, "answered": 1}
    # The rates count every ticket the unit was given, the supervisors' too: 3 dispatched.
    assert october["counts"]["dispatched"] == 3
    assert figures(**OCTOBER, unit_id=other.id)[0]["supervisor_reports"]["filed"] == 1
    [november] = figures(**NOVEMBER, unit_id=unit.id)
    assert november["supervisor_reports"] == {"filed": 1, "answered": 0}
    by_month = figures(start=date(2026, 10, 1), end=date(2026, 11, 30), period="month")
    mine = {
        r["period"]: r["supervisor_reports"]["filed"] for r in by_month if r["unit_id"] == unit.id
    }
    assert mine == {"2026-10": 2, "2026-11": 1}


def test_the_rates_are_what_they_would_be_had_the_tickets_come_by_phone(session, clock):
    unit, twin = UnitFactory(), UnitFactory()
    user = appointed()
    clock.set("2026-10-20T10:00:00+08:00")
    _supervised(user, unit, reply=True)
    ticket_in("replied", unit=twin)
    _roll("2026-10-21T00:00:00+00:00")

    [supervised] = figures(**OCTOBER, unit_id=unit.id)
    [phoned] = figures(**OCTOBER, unit_id=twin.id)
    assert supervised["counts"] == phoned["counts"]
    assert supervised["rates"] == phoned["rates"]


def test_a_filing_not_yet_dispatched_counts_nowhere(session, clock):
    user = appointed()
    clock.set("2026-10-20T10:00:00+08:00")
    actor = Actor.of(user)
    tickets.create(
        actor=actor,
        channel="supervisor",
        filer=filed.filer_for(actor, now=utcnow()),
        description="窗口推诿",
        phone=None,
    )
    assert figures(**OCTOBER) == []


def test_the_metrics_api_carries_the_count(client, session, clock):
    unit = UnitFactory()
    clock.set("2026-10-20T10:00:00+08:00")
    _supervised(appointed(), unit)
    inspector = caller(client, UserFactory(role="inspector"))

    body = inspector.get(f"/api/v1/metrics?from=2026-10-01&to=2026-10-31&unit={unit.code}")

    assert body.status_code == 200
    assert body.get_json()["items"][0]["supervisor_reports"] == {"filed": 1, "answered": 0}


def test_the_count_reads_the_partial_index(session):
    """EXPLAIN on PostgreSQL: the period's supervisors' tickets come from their own index."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        row[0]
        for row in db.session.execute(
            text(
                "EXPLAIN SELECT unit_id, created_at, status FROM tickets "
                "WHERE channel = 'supervisor' AND created_at >= now() - interval '31 days' "
                "AND created_at < now() AND unit_id IS NOT NULL"
            )
        )
    )
    assert "ix_tickets_supervisor_created" in plan
