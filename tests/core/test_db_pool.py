"""PostgreSQL connection pool: no ping per request, yet a quiet restart costs no request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from hotline.core.extensions import db
from tests.faults.helpers import private_app

pytestmark = pytest.mark.committed


@pytest.fixture
def pooled(app: Flask) -> Iterator:
    """A private app on the test database; yields (make_app, pings) with do_ping counted."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the idle ping is installed for PostgreSQL only")
    made: list[Flask] = []
    pings: list[int] = []

    def make(idle_seconds: float) -> Flask:
        private = private_app(app, DB_IDLE_PING_SECONDS=idle_seconds)
        with private.app_context():
            dialect = db.engine.dialect
            real_ping = dialect.do_ping

            def counted(dbapi_connection):
                pings.append(1)
                return real_ping(dbapi_connection)

            dialect.do_ping = counted
        made.append(private)
        return private

    yield make, pings
    for private in made:
        with private.app_context():
            db.engine.dispose()


def _backend_pid(private: Flask) -> int:
    with private.app_context():
        pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        db.session.remove()
    return pid


def _kill(app: Flask, pid: int) -> None:
    with app.app_context(), db.engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def test_a_connection_in_steady_use_is_not_pinged(pooled) -> None:
    make, pings = pooled
    private = make(idle_seconds=60)
    pids = {_backend_pid(private) for _ in range(5)}
    assert len(pids) == 1  # one pooled connection, reused
    assert pings == []


def test_an_idle_dead_connection_is_replaced_before_use(app: Flask, pooled) -> None:
    make, pings = pooled
    private = make(idle_seconds=0)
    first = _backend_pid(private)
    _kill(app, first)
    second = _backend_pid(private)  # no error: the ping found it dead, a new one was opened
    assert second != first
    assert pings


def test_a_busy_dead_connection_fails_once_then_the_pool_recovers(app: Flask, pooled) -> None:
    make, _ = pooled
    private = make(idle_seconds=60)
    first = _backend_pid(private)
    _kill(app, first)
    with private.app_context():
        with pytest.raises(sa.exc.OperationalError) as caught:
            db.session.execute(sa.text("SELECT 1"))
        assert caught.value.connection_invalidated
        db.session.remove()
    assert _backend_pid(private) != first
