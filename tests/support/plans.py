"""The plan a query would run with, for the tests that pin a query to its index.

On PostgreSQL sequential scans are switched off for the transaction so a usable index always
wins on an empty test table; on SQLite every datetime parameter is bound as the same fixed
instant, since only the plan's shape is asserted, never its rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.sql import Executable

from hotline.core.extensions import db


def query_plan(query: Executable) -> str:
    """The EXPLAIN output of `query` on the session's database, one plan line per line."""
    bind = db.session.get_bind()
    compiled = query.compile(dialect=bind.dialect)
    conn = db.session.connection()
    if bind.dialect.name == "sqlite":
        params = tuple(
            "2026-10-01 00:00:00.000000"
            if isinstance(compiled.params[k], datetime)
            else compiled.params[k]
            for k in compiled.positiontup
        )
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params).all()
        return "\n".join(str(r[-1]) for r in rows)
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    rows = conn.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params).all()
    return "\n".join(r[0] for r in rows)
