"""Routing throughput: tickets/s through `route_pending` with one and two `flask worker`
processes, against RQ's own no-op job rate on the same Redis (SimpleWorker)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rq import Queue, SimpleWorker, Worker
from rq.job import Job

from bench import tickets
from bench.stack import ROOT, Stack

log = logging.getLogger("bench.routing")

WAIT_LIMIT_SECONDS = 300


def _new_tickets(stack: Stack, n: int) -> None:
    from hotline.core.clock import utcnow
    from hotline.core.extensions import db

    with stack.app.app_context():
        tickets.generate(db.session, n=n, now=utcnow(), status="new")
        # `new` tickets have no unit, window or check yet: routing sets them.
        db.session.execute(
            sa.text(
                "UPDATE tickets SET unit_id = NULL, dispatched_at = NULL, accept_due_at = NULL, "
                "resolve_due_at = NULL, window_started_at = NULL, sla_check_at = NULL, "
                "closed_at = NULL, replied_at = NULL, accepted_at = NULL WHERE status = 'new'"
            )
        )
        db.session.commit()


def _count_new(stack: Stack) -> int:
    from hotline.core.extensions import db

    with stack.app.app_context():
        n = db.session.scalar(sa.text("SELECT count(*) FROM tickets WHERE status = 'new'"))
        db.session.rollback()
        return n


def _start_workers(stack: Stack, count: int) -> list[subprocess.Popen]:
    flask = str(Path(sys.executable).parent / "flask")
    procs = [
        subprocess.Popen(
            [flask, "worker"],
            cwd=ROOT,
            env=stack.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(count)
    ]
    from hotline.core.queue import get_queue, redis_conn

    with stack.app.app_context():
        queue = get_queue("routing")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if len(Worker.all(connection=redis_conn(), queue=queue)) >= count:
                return procs
            if any(p.poll() is not None for p in procs):
                break
            time.sleep(0.2)
    _stop(procs)
    raise RuntimeError("flask worker did not start")


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)


def route_with_workers(stack: Stack, *, workers: int, n: int) -> dict[str, Any]:
    """Seconds for `workers` running `flask worker` processes to route `n` new tickets."""
    from hotline.core.queue import get_queue

    procs = _start_workers(stack, workers)
    try:
        # The intake section's tickets (~25,000, more the faster intake gets) are routed here
        # first, unmeasured: allow for a slow spell of this machine at a tenth of the usual rate.
        timeout = 120 + _count_new(stack) / 20
        with stack.app.app_context():
            queue = get_queue("routing")
            # warm-up: each worker imports the job modules and loads its caches, unmeasured
            for _ in range(workers):
                queue.enqueue("hotline.tickets.jobs.route_pending", job_timeout=600, result_ttl=0)
            _wait_idle(stack, queue, timeout)
        _quiet(stack, procs)
        _new_tickets(stack, n)
        with stack.app.app_context():
            started = time.perf_counter()
            # One drain job per worker: each claims its own batches with SKIP LOCKED.
            for _ in range(workers):
                queue.enqueue("hotline.tickets.jobs.route_pending", job_timeout=600, result_ttl=60)
        left = n
        while left and time.perf_counter() - started < WAIT_LIMIT_SECONDS:
            time.sleep(0.1)
            left = _count_new(stack)
        seconds = time.perf_counter() - started
    finally:
        _stop(procs)
    routed = n - left
    return {
        "workers": workers,
        "tickets": n,
        "routed": routed,
        "seconds": round(seconds, 3),
        "tickets_per_s": round(routed / seconds, 1),
    }


def _wait_idle(stack: Stack, queue: Queue, timeout: float) -> None:
    from rq.registry import StartedJobRegistry

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if queue.count == 0 and StartedJobRegistry(queue=queue).count == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("warm-up jobs did not finish")


def _quiet(stack: Stack, procs: list[subprocess.Popen]) -> None:
    """Drop the other work earlier sections left behind, then wait until every worker is idle.

    Routing the intake section's ~25,000 tickets in the warm-up queues an acknowledgement SMS
    for most of them; one worker would send those before it reached the timed routing job, and
    the figure would measure the outbox instead (the console backend sends nothing anyway).
    """
    from hotline.core.extensions import db
    from hotline.core.queue import get_queue, redis_conn

    with stack.app.app_context():
        for purpose in ("notify", "sla", "default"):
            get_queue(purpose).empty()
        db.session.execute(sa.text("DELETE FROM outbox WHERE status IN ('pending', 'retry')"))
        db.session.commit()
        conn = redis_conn()
        pids = {p.pid for p in procs}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            ours = [w for w in Worker.all(connection=conn) if w.pid in pids]
            if len(ours) == len(procs) and all(w.get_state() == "idle" for w in ours):
                return
            time.sleep(0.1)
    raise RuntimeError("workers did not go idle after the warm-up")


def noop() -> None:
    """RQ's floor: a job that does nothing."""


def rq_noop_rate(stack: Stack, *, jobs: int) -> dict[str, Any]:
    """Jobs/s one SimpleWorker (in this process) gets through on the bench's Redis."""
    from hotline.core.queue import redis_conn

    with stack.app.app_context():
        conn = redis_conn()
    queue = Queue(f"{stack.prefix}-noop", connection=conn)
    queue.enqueue_many([Queue.prepare_data(noop, result_ttl=0) for _ in range(jobs)])
    worker = SimpleWorker([queue], connection=conn, job_class=Job)
    started = time.perf_counter()
    worker.work(burst=True, logging_level="WARNING", max_jobs=jobs)
    seconds = time.perf_counter() - started
    left = queue.count
    queue.empty()
    done = jobs - left
    return {"jobs": jobs, "seconds": round(seconds, 3), "jobs_per_s": round(done / seconds, 1)}


def run(stack: Stack, *, tickets: int, noop_jobs: int) -> dict[str, Any]:
    noop_result = rq_noop_rate(stack, jobs=noop_jobs)
    one = route_with_workers(stack, workers=1, n=tickets)
    two = route_with_workers(stack, workers=2, n=tickets)
    return {"rq_noop": noop_result, "one_worker": one, "two_workers": two}
