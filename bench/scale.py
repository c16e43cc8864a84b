"""The sweep at scale: nothing-due sweeps at 10 k and 1 M tickets, the plans of every query the
sweep runs, 10,000 due tickets escalated (events, notices and SMS included; once as the digests
fall, once with every level notified alone), and the peer comparison at 100,000 tickets."""

from __future__ import annotations

import json
import logging
import statistics
import time
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from bench import tickets
from bench.stack import Stack

log = logging.getLogger("bench.scale")

REPEATS = 5
# Tables a sweep must never scan whole.
BIG_TABLES = {"tickets", "ticket_events", "escalations", "outbox", "interview_cases"}
SEQ_SCAN_ROWS = 10_000


def _grow(stack: Stack, *, to: int, now: datetime, chunk: int = 250_000) -> float:
    """Add generated tickets until there are `to`; returns seconds spent."""
    from hotline.core.extensions import db

    started = time.perf_counter()
    with stack.app.app_context():
        have = db.session.scalar(sa.text("SELECT count(*) FROM tickets"))
        while have < to:
            n = min(chunk, to - have)
            tickets.generate(db.session, n=n, now=now)
            db.session.commit()
            have += n
    return time.perf_counter() - started


def _settle(stack: Stack) -> None:
    """VACUUM ANALYZE after generating: fresh statistics, and no autovacuum waking for the new
    rows (on 1 M, seconds of I/O and CPU) in the middle of the timed sweeps that follow."""
    from hotline.core.extensions import db

    with (
        stack.app.app_context(),
        db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn,
    ):
        conn.execute(sa.text("VACUUM ANALYZE"))


def _sweep_once(stack: Stack, now: datetime) -> tuple[float, Any]:
    from hotline.core.extensions import db
    from hotline.escalations.sweep import sweep

    with stack.app.app_context():
        started = time.perf_counter()
        summary = sweep(now=now, commit=db.session.commit)
        db.session.commit()
        return time.perf_counter() - started, summary


def nothing_due(stack: Stack, now: datetime) -> dict[str, Any]:
    """Median of REPEATS sweeps with nothing due (after one warm-up)."""
    _sweep_once(stack, now)
    times = []
    for _ in range(REPEATS):
        seconds, summary = _sweep_once(stack, now)
        if summary.checked:
            raise RuntimeError(f"a nothing-due sweep checked {summary.checked} tickets")
        times.append(seconds)
    return {
        "median_ms": round(statistics.median(times) * 1000, 2),
        "min_ms": round(min(times) * 1000, 2),
        "runs": len(times),
    }


def _capture(stack: Stack, now: datetime) -> list[tuple[str, Any]]:
    """Every statement (with parameters) one sweep sends to the database."""
    from hotline.core.extensions import db
    from hotline.escalations.sweep import sweep

    seen: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not executemany:
            seen.append((statement, parameters))

    with stack.app.app_context():
        # a few due tickets so the escalation path's statements are seen too (rolled back)
        tickets.make_due(db.session, count=20, now=now)
        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            sweep(now=now)
        finally:
            event.remove(engine, "before_cursor_execute", record)
            db.session.rollback()
    return seen


def _scans(plan: dict) -> list[dict[str, str]]:
    out = []
    node_type = plan.get("Node Type", "")
    if "Scan" in node_type and plan.get("Relation Name"):
        out.append(
            {"node": node_type, "table": plan["Relation Name"], "index": plan.get("Index Name", "")}
        )
    for child in plan.get("Plans", []):
        out += _scans(child)
    return out


def explain(stack: Stack, now: datetime) -> dict[str, Any]:
    """EXPLAIN every SELECT/UPDATE a sweep sends; fails any sequential scan of a big table."""
    from hotline.core.extensions import db

    statements = _capture(stack, now)
    checked = []
    seen: set[str] = set()
    with stack.app.app_context():
        conn = db.session.connection()
        rows = conn.execute(
            sa.text("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(:names)"),
            {"names": sorted(BIG_TABLES)},
        )
        sizes = {name: int(tuples) for name, tuples in rows}
        raw = conn.connection.driver_connection
        for statement, params in statements:
            verb = statement.lstrip().split(None, 1)[0].upper()
            shape = " ".join(statement.split())[:160]
            if verb not in {"SELECT", "UPDATE", "DELETE"} or shape in seen:
                continue
            seen.add(shape)
            with raw.cursor() as cur:
                cur.execute("EXPLAIN (FORMAT JSON) " + statement, params)
                plan = cur.fetchone()[0]
            plan = plan if isinstance(plan, list) else json.loads(plan)
            scans = _scans(plan[0]["Plan"])
            # a small table may be scanned whole (the planner is right to); a big one never
            bad = [
                s
                for s in scans
                if s["node"] == "Seq Scan" and sizes.get(s["table"], 0) > SEQ_SCAN_ROWS
            ]
            checked.append(
                {
                    "sql": " ".join(statement.split())[:160],
                    "scans": scans,
                    "ok": not bad,
                }
            )
        db.session.rollback()
    return {
        "table_rows": sizes,
        "statements": checked,
        "ok": all(c["ok"] for c in checked) and bool(checked),
    }


def escalate_due(
    stack: Stack, *, count: int, now: datetime, digest_min: int | None = None
) -> dict[str, Any]:
    """Make `count` open tickets due, then time one sweep that escalates them. `digest_min`
    overrides NOTICE_DIGEST_MIN for that sweep (a huge one: every level notified alone)."""
    from hotline.core.extensions import db

    with stack.app.app_context():
        made = tickets.make_due(db.session, count=count, now=now)
        db.session.commit()
        before = tickets.counts(db.session)
        db.session.rollback()
    default = stack.app.config["NOTICE_DIGEST_MIN"]
    stack.app.config["NOTICE_DIGEST_MIN"] = digest_min or default
    try:
        seconds, summary = _sweep_once(stack, now)
    finally:
        stack.app.config["NOTICE_DIGEST_MIN"] = default
    with stack.app.app_context():
        after = tickets.counts(db.session)
        db.session.rollback()
    return {
        "due": made,
        "checked": summary.checked,
        "levels": dict(summary.levels),
        "digests": summary.digests,
        "seconds": round(seconds, 3),
        "rows_written": {k: after[k] - before[k] for k in after},
    }


def run(
    stack: Stack, *, big: int, small: int, due: int, peer_size: int, peer_due: int
) -> dict[str, Any]:
    from hotline.core.clock import utcnow

    now = utcnow()
    out: dict[str, Any] = {"sizes": {"big": big, "small": small, "due": due}}
    out["generate_small_s"] = round(_grow(stack, to=small, now=now), 2)
    _settle(stack)
    out["nothing_due_small"] = nothing_due(stack, now)
    out["generate_peer_s"] = round(_grow(stack, to=peer_size, now=now), 2)
    _settle(stack)
    out["peer_hotline"] = escalate_due(stack, count=peer_due, now=now)
    out["peer_hotline"]["tickets"] = peer_size
    started = time.perf_counter()
    out["generate_big_s"] = round(_grow(stack, to=big, now=now), 2)
    out["tickets_per_s_generated"] = round((big - peer_size) / (time.perf_counter() - started))
    _settle(stack)
    out["nothing_due_big"] = nothing_due(stack, now)
    out["explain"] = explain(stack, now)
    out["escalate_big"] = escalate_due(stack, count=due, now=now)
    # The same without digests: the per-ticket notice path, the most the notices can cost.
    out["escalate_big_singles"] = escalate_due(stack, count=due, now=now, digest_min=10**9)
    out["nothing_due_ratio"] = round(
        out["nothing_due_big"]["median_ms"] / out["nothing_due_small"]["median_ms"], 2
    )
    return out


def peer(stack: Stack, *, tickets_n: int, due: int, hotline: dict[str, Any] | None) -> dict:
    """django-helpdesk's escalate_tickets over the same number of tickets and due ones."""
    from bench import peer as peer_mod

    open_n = int(tickets_n * tickets.OPEN_SHARE)
    result = peer_mod.run(admin_url=stack.admin_url, n=tickets_n, open_n=open_n, due=due)
    result["tickets"] = tickets_n
    result["due"] = due
    if hotline and result.get("ok") and "seconds" in hotline:
        result["hotline_seconds"] = hotline["seconds"]
        result["ratio_peer_to_hotline"] = round(result["seconds"] / hotline["seconds"], 1)
    return result
