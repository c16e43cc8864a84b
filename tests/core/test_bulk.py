"""Bulk writes (hotline.core.bulk): every value arrives whole and rows keep their order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hotline.core import bulk
from hotline.tickets.models import TicketEvent
from tests.factories import UnitFactory, ticket_in

NOW = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
# Texts an array's text format would have to quote or escape, and a NULL among them.
TRICKY = ["NULL", "", "a,b", "{x}", 'say "hi"', "back\\slash", "工单\n第二行", None]


def _rows(ticket_id: int, unit_id: int) -> list[dict]:
    return [
        {
            "ticket_id": ticket_id,
            "type": "bulk-test",
            "at": NOW + timedelta(seconds=i),
            "actor_label": "test",
            "unit_id": unit_id if i % 2 else None,
            "from_status": None,  # a column that is NULL in every row
            "reason": text,
            "data": {"i": i, "text": text},
        }
        for i, text in enumerate(TRICKY)
    ]


def test_insert_rows_writes_every_value_and_keeps_the_list_order(session):
    unit = UnitFactory()
    ticket = ticket_in("dispatched", unit=unit)
    rows = _rows(ticket.id, unit.id)
    bulk.insert_rows(TicketEvent.__table__, rows)
    got = session.execute(
        select(
            TicketEvent.reason,
            TicketEvent.at,
            TicketEvent.unit_id,
            TicketEvent.from_status,
            TicketEvent.data,
        )
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.type == "bulk-test")
        .order_by(TicketEvent.id)
    ).all()
    assert [tuple(g) for g in got] == [
        (r["reason"], r["at"], r["unit_id"], None, r["data"]) for r in rows
    ]


def test_insert_rows_with_no_rows_writes_nothing(session):
    before = session.scalar(select(func.count()).select_from(TicketEvent))
    bulk.insert_rows(TicketEvent.__table__, [])
    assert session.scalar(select(func.count()).select_from(TicketEvent)) == before


def test_unnested_arrays_give_the_rows_back_in_order(session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("arrays are PostgreSQL's; SQLite takes an executemany")
    rows = _rows(1, 2)
    table = TicketEvent.__table__
    source = bulk.unnested(rows, {name: table.c[name].type for name in rows[0]})
    got = session.execute(source).mappings().all()
    assert [(g["reason"], g["at"], g["unit_id"], g["data"]) for g in got] == [
        (r["reason"], r["at"], r["unit_id"], r["data"]) for r in rows
    ]


def test_among_finds_exactly_the_rows_of_thousands_of_ids_and_of_none(session):
    unit = UnitFactory()
    ticket = ticket_in("dispatched", unit=unit)
    bulk.insert_rows(TicketEvent.__table__, _rows(ticket.id, unit.id))
    ids = list(
        session.scalars(
            select(TicketEvent.id)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.type == "bulk-test")
            .order_by(TicketEvent.id)
        )
    )
    wanted = ids[::2] + list(range(10**9, 10**9 + 5000))  # most of them name no row
    found = session.scalars(select(TicketEvent.id).where(bulk.among(TicketEvent.id, wanted)))
    assert sorted(found) == ids[::2]
    assert list(session.scalars(select(TicketEvent.id).where(bulk.among(TicketEvent.id, [])))) == []
