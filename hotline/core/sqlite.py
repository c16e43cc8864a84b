"""The embedded default's SQLite tuned for several processes writing at once.

`make run` serves web, worker and scheduler from one SQLite file. In the default rollback
journal a writer waits for every reader and a reader that wants to write can deadlock with it:
the router lost about one batch in two to "database is locked" under load. WAL lets readers and
the writer proceed together, and the busy timeout makes a second writer wait its turn instead of
failing. pysqlite's own transaction handling is kept: a request's transaction begins at its
first write. A transaction that reads first and writes later (the router: it reads the ticket,
the catalogue and the policies, then writes) can find its read snapshot made stale by another
process's commit; SQLite then refuses the write at once ("database is locked", SQLITE_BUSY_SNAPSHOT)
and a busy timeout cannot help. Such a writer takes the write lock up front with
`take_write_lock`, so it waits its turn at BEGIN, where the busy timeout applies.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

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


def take_write_lock(session: Session) -> bool:
    """On SQLite, begin `session`'s transaction with the write lock held (BEGIN IMMEDIATE), so
    it waits for other writers at its start; False when nothing was taken (another database:
    PostgreSQL locks rows; or a transaction already open)."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    connection = session.connection()
    if connection.connection.dbapi_connection.in_transaction:
        return False  # already inside one (a test's outer transaction): nothing to upgrade
    connection.exec_driver_sql("BEGIN IMMEDIATE")
    return True


def is_locked_error(exc: BaseException) -> bool:
    """Whether `exc` is SQLite's "database is locked" (busy, or a stale read snapshot)."""
    return "database is locked" in str(getattr(exc, "orig", exc))
