"""Pooled PostgreSQL connections that survive a server restart without a ping per request.

`pool_pre_ping` pings on every checkout: a round trip that took a quarter of an intake's time
under load (bench, py-spy). A connection in steady use does not need it: when the server goes
away, the first statement on a dead connection fails (503 + Retry-After,
hotline.core.web.outage) and SQLAlchemy invalidates every connection of the pool, so the
requests after it connect afresh.
Only a connection that sat idle can have died unseen; it is pinged before use and replaced if
dead, so the first request after a quiet restart does not fail.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy import exc as sa_exc

IDLE_SINCE = "hotline_idle_since"


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Ping a connection at checkout when it has been idle at least `idle_seconds`."""

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        since = record.info.get(IDLE_SINCE)
        if since is None or time.monotonic() - since < idle_seconds:
            return  # just connected, or in steady use
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and checks out (or opens) another.
            raise sa_exc.DisconnectionError(str(error)) from error
