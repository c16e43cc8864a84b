"""The operator's desk at scale: a year of inbound calls (call_records, written set-based with a
realistic mix of answered, abandoned, timed-out and out-of-hours calls over 20 operators) and
phone tickets; the hotline service figures (GET /api/v1/metrics/hotline's query) timed for a day,
a month and a year, and the queue board's live part."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from bench.stack import Stack

REPEATS = 5
OPERATORS = 20

# One INSERT … SELECT: offered over the last 365 days, 70 % answered by one of the operators
# after 0–60 s, 18 % abandoned, 8 % timed out, 4 % out of hours.
CALLS_SQL = """
INSERT INTO call_records (call_sid, from_phone, offered_at, outcome, queued_at, answered_at,
                          ended_at, wait_seconds, duration_seconds, operator_id, operator_call_sid)
SELECT 'CA' || lpad(to_hex(g), 32, '0'),
       '+86138' || lpad((g % 100000000)::text, 8, '0'),
       t.offered,
       t.outcome,
       t.offered,
       CASE WHEN t.outcome = 'answered' THEN t.offered + make_interval(secs => t.wait) END,
       t.offered + make_interval(secs => t.wait + 180),
       t.wait,
       CASE WHEN t.outcome = 'answered' THEN 180 END,
       CASE WHEN t.outcome = 'answered' THEN (:ops)[1 + g % cardinality(:ops)] END,
       CASE WHEN t.outcome = 'answered' THEN 'CA' || lpad(to_hex(g + 1000000000), 32, '0') END
FROM generate_series(1::bigint, :n) AS g,
LATERAL (SELECT :now - make_interval(secs => (g * 31536000.0 / :n)) AS offered,
                (g * 7919) % 61 AS wait,
                CASE WHEN (g * 37) % 100 < 70 THEN 'answered'
                     WHEN (g * 37) % 100 < 88 THEN 'abandoned'
                     WHEN (g * 37) % 100 < 96 THEN 'timeout'
                     ELSE 'closed' END AS outcome) AS t
"""


def _operators(stack: Stack) -> list[int]:
    from hotline.auth.users import create_user
    from hotline.core.extensions import db

    ids = []
    for i in range(OPERATORS):
        user = create_user(username=f"bench-desk-{i}", password="bench-password-1", role="operator")
        ids.append(user.id)
    db.session.commit()
    return ids


def _timed(fn: Any) -> dict[str, float]:
    fn()  # warm
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def run(stack: Stack, *, calls: int) -> dict[str, Any]:
    from hotline.calls import board
    from hotline.core.clock import to_local, utcnow
    from hotline.core.extensions import db
    from hotline.metrics.phone import figures

    now = utcnow()
    out: dict[str, Any] = {"calls": calls}
    with stack.app.app_context():
        ops = _operators(stack)
        started = time.perf_counter()
        db.session.execute(sa.text(CALLS_SQL), {"n": calls, "now": now, "ops": ops})
        db.session.commit()
        db.session.execute(sa.text("ANALYZE call_records"))
        db.session.commit()
        out["write_s"] = round(time.perf_counter() - started, 1)
        today = to_local(now).date()
        month_end = today.replace(day=1) - timedelta(days=1)
        for name, start, end in (
            ("day", today, today),
            ("month", month_end.replace(day=1), month_end),
            ("year", today - timedelta(days=364), today),
        ):
            answer: dict[str, Any] = {}

            def one(start=start, end=end, answer=answer) -> None:
                answer.update(figures(start=start, end=end))
                db.session.rollback()

            out[name] = _timed(one) | {
                "calls_offered": answer["calls_offered"],
                "answer_rate": answer["answer_rate"],
            }

        def board_live() -> None:  # what each 5-second poll of /console/calls/live reads
            board.waiting(now=utcnow())
            board.operators()
            figures(start=today, end=today)
            db.session.rollback()

        out["board_live"] = _timed(board_live)
    return out
