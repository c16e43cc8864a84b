"""The unit figures over the generated tickets: the event log written set-based, rolled up by
the real roll-up, then the figures for a month and for a year timed."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from bench import tickets
from bench.stack import Stack

REPEATS = 5
ROLLUP_TIME_LIMIT_SECONDS = 600


def run(stack: Stack, *, tickets_n: int) -> dict[str, Any]:
    from hotline.core.clock import to_local, utcnow
    from hotline.core.extensions import db
    from hotline.metrics.rollup import roll_up
    from hotline.metrics.service import figures

    now = utcnow()
    out: dict[str, Any] = {}
    with stack.app.app_context():
        have = db.session.scalar(sa.text("SELECT count(*) FROM tickets"))
        if have < tickets_n:
            tickets.generate(db.session, n=tickets_n - have, now=now)
        first, last = db.session.execute(sa.text("SELECT min(id), max(id) FROM tickets")).one()
        started = time.perf_counter()
        out["events_written"] = tickets.generate_events(db.session, first=first, last=last)
        db.session.commit()
        db.session.execute(sa.text("ANALYZE ticket_events"))
        db.session.commit()
        out["events_write_s"] = round(time.perf_counter() - started, 1)

        started = time.perf_counter()
        folded = 0
        while time.perf_counter() - started < ROLLUP_TIME_LIMIT_SECONDS:
            count = roll_up(now=now)
            db.session.commit()
            folded += count
            if not count:
                break
        seconds = time.perf_counter() - started
        out["rollup"] = {
            "events": folded,
            "seconds": round(seconds, 1),
            "events_per_s": round(folded / seconds) if seconds else None,
            "caught_up": folded >= out["events_written"],
        }
        today = to_local(now).date()
        month_start = today.replace(day=1) - timedelta(days=1)
        month_start = month_start.replace(day=1)  # the last full month
        month_end = today.replace(day=1) - timedelta(days=1)
        year_start = today - timedelta(days=365)
        for name, kwargs in (
            ("month", {"start": month_start, "end": month_end}),
            ("year", {"start": year_start, "end": today}),
            ("year_by_month", {"start": year_start, "end": today, "period": "month"}),
        ):
            figures(**kwargs)  # warm
            times = []
            rows = 0
            for _ in range(REPEATS):
                t = time.perf_counter()
                rows = len(figures(**kwargs))
                times.append(time.perf_counter() - t)
                db.session.rollback()
            out[name] = {
                "median_ms": round(statistics.median(times) * 1000, 2),
                "max_ms": round(max(times) * 1000, 2),
                "rows": rows,
                "from": kwargs["start"].isoformat(),
                "to": kwargs["end"].isoformat(),
            }
        out["tickets"] = db.session.scalar(sa.text("SELECT count(*) FROM tickets"))
        db.session.rollback()
    return out
