"""Hot spots over the generated tickets (target: < 500 ms at 1 M tickets, issue 18).

The generated tickets get a district (one of the seed's five, by id) and a planted spike: 60
tickets of one district × category filed this week. Then timed, REPEATS times each:
- `compute`: the district × category × week grid of the default view (8 full weeks and the
  current one, each against its 8 weeks before: 17 weeks read), all districts and categories;
- `page_work`: what /dashboard/hotspots does, compute plus the top streets and addresses of the
  10 most anomalous series;
- `one_district`: the grid filtered to one district;
- `cell`: one cell's drill-down (its tickets and places).
The grid's EXPLAIN ANALYZE is kept (an index-only scan on ix_tickets_created_district_category).
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from bench import tickets
from bench.stack import Stack

REPEATS = 7
SPIKE = 60


def _timed(call: Any) -> dict[str, float]:
    from hotline.core.extensions import db

    call()  # warm
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
        db.session.rollback()
    times.sort()
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000, 1),
        "max_ms": round(times[-1] * 1000, 1),
    }


def prepare(stack: Stack, *, tickets_n: int) -> None:
    """Grow the tickets to `tickets_n`, give them districts, plant a spike, VACUUM ANALYZE."""
    from hotline.core.clock import utcnow
    from hotline.core.extensions import db
    from hotline.seed.data import DISTRICTS

    now = utcnow()
    with stack.app.app_context():
        have = db.session.scalar(sa.text("SELECT count(*) FROM tickets"))
        if have < tickets_n:
            tickets.generate(db.session, n=tickets_n - have, now=now)
        names = ", ".join(f"'{d}'" for d in DISTRICTS)
        db.session.execute(
            sa.text(
                f"UPDATE tickets SET district = (ARRAY[{names}])[1 + id % {len(DISTRICTS)}] "
                "WHERE district IS NULL"
            )
        )
        first = tickets.generate(db.session, n=SPIKE, now=now)
        db.session.execute(
            sa.text(
                "UPDATE tickets SET district = :d, address = '幸福路' || (id % 3) || '号工地', "
                "created_at = :at, category_id = (SELECT min(id) FROM categories) "
                "WHERE id >= :first"
            ),
            {"d": DISTRICTS[0], "at": now - timedelta(hours=1), "first": first},
        )
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE tickets"))


def run(stack: Stack, *, tickets_n: int) -> dict[str, Any]:
    from hotline.core.extensions import db
    from hotline.metrics import hotspots
    from hotline.seed.data import DISTRICTS

    prepare(stack, tickets_n=tickets_n)
    out: dict[str, Any] = {}
    with stack.app.app_context():
        first, last = hotspots.default_weeks()
        result = hotspots.compute(first=first, last=last)
        top = result.series[0]
        out["tickets"] = db.session.scalar(sa.text("SELECT count(*) FROM tickets"))
        out["weeks_read"] = len(result.weeks) + hotspots.BASELINE_WEEKS
        out["tickets_in_window"] = db.session.scalar(
            sa.text("SELECT count(*) FROM tickets WHERE created_at >= :a"),
            {"a": hotspots._instant(first - timedelta(weeks=hotspots.BASELINE_WEEKS))},
        )
        out["series"] = len(result.series)
        out["spikes"] = sum(s.spiking for s in result.series)
        out["top"] = {"district": top.district, "counts": top.counts, "spiking": top.spiking}

        def page_work() -> None:
            shown = hotspots.compute(first=first, last=last)
            spiking = [s for s in shown.series if s.spiking][:10]
            # as the page: one query for the places of the spiking series' (current) week
            hotspots.places_of_cells(
                [(s.district, s.category_id) for s in spiking], monday=shown.weeks[-1]
            )

        out["compute"] = _timed(lambda: hotspots.compute(first=first, last=last))
        out["page_work"] = _timed(page_work)
        out["one_district"] = _timed(
            lambda: hotspots.compute(first=first, last=last, district=DISTRICTS[1])
        )
        out["cell"] = _timed(
            lambda: (
                hotspots.cell_tickets(
                    district=top.district, category_id=top.category_id, monday=last
                ),
                hotspots.top_places(
                    district=top.district, category_id=top.category_id, monday=last
                ),
            )
        )
        out["plan"] = _plan(first, last)
    return out


def _plan(first: Any, last: Any) -> list[str]:
    """How PostgreSQL ran the grid query (EXPLAIN ANALYZE of the statement as sent): the scan,
    the aggregate, JIT and the execution time."""
    from hotline.core.extensions import db
    from hotline.metrics import hotspots

    if db.session.get_bind().dialect.name != "postgresql":
        return []
    captured: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if "GROUP BY" in statement and not captured:
            captured.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        hotspots.compute(first=first, last=last)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    statement, parameters = captured[0]
    rows = db.session.connection().exec_driver_sql("EXPLAIN (ANALYZE) " + statement, parameters)
    lines = [r[0].strip() for r in rows]
    db.session.rollback()
    keep = ("Scan", "Aggregate", "Sort", "Timing:", "Execution Time")
    return [line for line in lines if any(k in line for k in keep)]
