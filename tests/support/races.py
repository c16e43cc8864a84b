"""Real concurrent transactions on PostgreSQL for the race tests (marked `committed`).

`committed_rows` deletes what a test committed; `hold_row` locks a row in a connection of its
own; `Pause` holds a real request's or job's transaction open right after it updated a row;
`wait_blocked` waits until another request runs into that lock; `threads` runs a request in a
thread with its own app context and session.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest
from flask import Flask
from sqlalchemy import Connection, Integer, delete, event, func, select, text
from sqlalchemy.orm import Session

from hotline.core.extensions import db
from hotline.tickets.numbering import SEQUENCE_PREFIX

T = TypeVar("T")


def require_postgresql(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("row locks and concurrent transactions need PostgreSQL")


def _sequences() -> set[str]:
    pattern = SEQUENCE_PREFIX.replace("_", r"\_") + "%"
    query = text("SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE :p")
    return set(db.session.scalars(query.bindparams(p=pattern)))


def _key(table: Any) -> Any:
    """The table's one integer key column (`id`, or e.g. a cursor's `user_id`)."""
    return table.primary_key.columns[0]


@contextmanager
def committed_rows(app: Flask) -> Iterator[None]:
    """Delete every row committed inside the block (rows with a higher id than before, in
    reverse dependency order) and the ticket-number sequences it created."""
    tables = [
        t
        for t in db.metadata.sorted_tables
        if len(t.primary_key.columns) == 1 and isinstance(t.primary_key.columns[0].type, Integer)
    ]
    with app.app_context():
        before = {t.name: db.session.scalar(select(func.max(_key(t)))) or 0 for t in tables}
        sequences = _sequences()
        db.session.rollback()
    try:
        yield
    finally:
        with app.app_context():
            for table in reversed(db.metadata.sorted_tables):
                if table.name in before:
                    db.session.execute(delete(table).where(_key(table) > before[table.name]))
                    continue
                for fk in table.foreign_keys:  # link rows of the rows deleted
                    parent = fk.column.table.name
                    if parent in before:
                        db.session.execute(delete(table).where(fk.parent > before[parent]))
            for name in _sequences() - sequences:
                db.session.execute(text(f'DROP SEQUENCE IF EXISTS "{name}"'))
            db.session.commit()


@contextmanager
def hold_row(app: Flask, table: str, row_id: int) -> Iterator[Connection]:
    """Lock a row (FOR NO KEY UPDATE, as an UPDATE does) in another transaction; what the
    caller does on the connection commits when the block ends."""
    with app.app_context():
        engine = db.engine
    with engine.connect() as conn:
        conn.execute(
            text(f"SELECT id FROM {table} WHERE id = :id FOR NO KEY UPDATE"), {"id": row_id}
        )
        yield conn
        conn.commit()


class Pause:
    """Hold the transaction of work run through `run` open after its first flush that updates
    a row of `model` (its row lock taken), until `release()`; then it commits as it would."""

    def __init__(self, model: type) -> None:
        self.model = model
        self.flushed = threading.Event()
        self._go = threading.Event()
        self._local = threading.local()

    def run(self, fn: Callable[[], T]) -> Callable[[], T]:
        def paused() -> T:
            self._local.active = True
            return fn()

        return paused

    def _after_flush(self, session: Session, context: Any) -> None:
        if not getattr(self._local, "active", False) or self.flushed.is_set():
            return
        if any(isinstance(row, self.model) for row in session.dirty):
            self.flushed.set()
            self._go.wait(timeout=30)

    def wait(self, timeout: float = 15.0) -> None:
        assert self.flushed.wait(timeout), f"the paused work never updated a {self.model}"

    def release(self) -> None:
        self._go.set()

    def __enter__(self) -> Pause:
        event.listen(Session, "after_flush", self._after_flush)
        return self

    def __exit__(self, *exc: object) -> None:
        self._go.set()
        event.remove(Session, "after_flush", self._after_flush)


def wait_blocked(app: Flask, count: int = 1, timeout: float = 15.0) -> None:
    """Wait until `count` sessions of this database wait for a lock another one holds."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + timeout
    with app.app_context():
        engine = db.engine
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            if conn.execute(query).scalar_one() >= count:
                return
            conn.rollback()
            time.sleep(0.02)
    raise AssertionError(f"expected {count} session(s) waiting for a lock")


@contextmanager
def threads(app: Flask) -> Iterator[Callable[[Callable[[], T]], Future[T]]]:
    """`start(fn)` runs fn in a thread with its own app context (so its own session)."""
    pool = ThreadPoolExecutor(max_workers=4)

    def start(fn: Callable[[], T]) -> Future[T]:
        def run() -> Any:
            with app.app_context():
                try:
                    return fn()
                finally:
                    db.session.remove()

        return pool.submit(run)

    try:
        yield start
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
