"""The embedded default's SQLite tuned for several processes writing at once.

`make run` serves web, worker and scheduler from one SQLite file. In the default rollback
journal a writer waits for every reader and a reader that wants to write can deadlock with it:
the router lost about one batch in two to "database is locked" under load. WAL lets readers and
the writer proceed together, and the busy timeout makes a second writer wait its turn instead of
failing. pysqlite's own transaction handling is kept: it begins a transaction at the first write,
so a transaction never holds a read snapshot that a concurrent commit could make stale (the one
case a busy timeout cannot wait out).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

BUSY_TIMEOUT_MS = 10_000


def tune(engine: Engine) -> None:
    """WAL and a busy timeout on every connection of `engine`."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # persistent in the file; "memory" for :memory:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable across crashes in WAL mode
        cursor.close()
