"""The embedded default's SQLite: WAL and a busy timeout, so processes wait instead of failing."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from hotline.core import sqlite


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'hotline.db'}")
    sqlite.tune(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
    yield engine
    engine.dispose()


def test_connections_use_wal_and_wait_for_a_busy_writer(engine):
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == sqlite.BUSY_TIMEOUT_MS


def test_a_second_writer_waits_for_the_first_instead_of_failing(engine, tmp_path):
    # A plain sqlite3 connection (another process, as it were) holds the write lock briefly.
    other = sqlite3.connect(
        tmp_path / "hotline.db", isolation_level=None, timeout=0, check_same_thread=False
    )
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t (v) VALUES ('first')")
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    started = time.monotonic()
    with engine.begin() as conn:  # pysqlite: the transaction begins at the INSERT
        conn.execute(text("INSERT INTO t (v) VALUES ('second')"))
    assert time.monotonic() - started >= 0.25  # it waited ...
    with engine.connect() as conn:  # ... and nothing was lost
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2
    other.close()


def test_readers_are_not_blocked_by_a_writer_in_wal(engine, tmp_path):
    writer = sqlite3.connect(tmp_path / "hotline.db", isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t (v) VALUES ('pending')")
    started = time.monotonic()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 0  # the committed state
    assert time.monotonic() - started < 1
    writer.execute("ROLLBACK")
    writer.close()


def test_a_writer_that_reads_first_takes_the_lock_up_front_and_never_goes_stale(engine, tmp_path):
    """The router's shape: read, then write, while another process commits in between."""
    from sqlalchemy.orm import Session

    other = sqlite3.connect(
        tmp_path / "hotline.db", isolation_level=None, timeout=5, check_same_thread=False
    )
    with Session(engine) as session:
        assert sqlite.take_write_lock(session) is True
        session.execute(text("SELECT count(*) FROM t")).scalar()  # the read
        started = time.monotonic()
        committed = threading.Event()

        def another_writer() -> None:
            other.execute("INSERT INTO t (v) VALUES ('web')")  # waits for our lock
            committed.set()

        thread = threading.Thread(target=another_writer)
        thread.start()
        time.sleep(0.2)
        assert not committed.is_set()  # the other writer waits for us ...
        session.execute(text("INSERT INTO t (v) VALUES ('router')"))  # ... so this cannot fail
        session.commit()
        thread.join(5)
        assert committed.is_set()
        assert time.monotonic() - started < 5
    other.close()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2


def test_without_the_lock_a_stale_read_snapshot_fails_at_once(engine, tmp_path):
    """Why the lock is taken: SQLite refuses a write on a snapshot another commit made stale."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    other = sqlite3.connect(tmp_path / "hotline.db", isolation_level=None, timeout=5)
    with Session(engine) as session:
        session.execute(text("SAVEPOINT s"))  # opens a deferred transaction, as begin_nested does
        session.execute(text("SELECT count(*) FROM t")).scalar()
        other.execute("INSERT INTO t (v) VALUES ('web')")
        with pytest.raises(OperationalError) as refused:
            session.execute(text("INSERT INTO t (v) VALUES ('router')"))
        assert sqlite.is_locked_error(refused.value)
    other.close()
