"""The scheduler: enqueue each periodic job of workers/schedule.PERIODIC once per time slot.

Two guards, both in Redis so several schedulers may run: a `SET NX` lock per job and slot (the
slot is claimed by exactly one scheduler), and a deterministic job id per periodic job, skipped
while the previous run is still queued or running (no overlap).
"""

from __future__ import annotations

import logging
import signal
import time
from importlib import import_module
from types import FrameType

from flask import Flask, current_app
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from hotline.core.clock import utcnow
from hotline.core.queue import get_queue, redis_conn
from workers.schedule import PERIODIC, Periodic

log = logging.getLogger(__name__)

BUSY = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED}


def job_id(periodic: Periodic) -> str:
    return f"{current_app.config['QUEUE_PREFIX']}-periodic-{periodic.id}"


def _resolvable(func: str) -> bool:
    module, _, attr = func.rpartition(".")
    try:
        return callable(getattr(import_module(module), attr))
    except (ImportError, AttributeError):
        return False


def _running(periodic: Periodic) -> bool:
    try:
        job = Job.fetch(job_id(periodic), connection=redis_conn())
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) in BUSY


class Scheduler:
    """Ticks over the registry; keeps which jobs were reported missing so the log stays quiet."""

    def __init__(self, periodic: tuple[Periodic, ...] = PERIODIC) -> None:
        self.periodic = periodic
        self.missing: set[str] = set()
        self.stop = False

    def tick(self) -> list[str]:
        """Enqueue every job whose current slot nobody has claimed; returns the ids enqueued."""
        now = utcnow().timestamp()
        conn = redis_conn()
        prefix = current_app.config["QUEUE_PREFIX"]
        enqueued = []
        for periodic in self.periodic:
            if not _resolvable(periodic.func):
                # e.g. a job module another change has not landed yet: report once, keep going.
                if periodic.id not in self.missing:
                    log.error("periodic %s: %s does not exist, skipped", periodic.id, periodic.func)
                    self.missing.add(periodic.id)
                continue
            self.missing.discard(periodic.id)
            slot = int(now // periodic.every_seconds)
            lock = f"{prefix}:scheduler:{periodic.id}:{slot}"
            if not conn.set(lock, "1", nx=True, ex=periodic.every_seconds * 2):
                continue  # this slot is already taken (by us earlier, or another scheduler)
            if _running(periodic):
                log.info(
                    "periodic %s: previous run still queued or running, slot skipped", periodic.id
                )
                continue
            get_queue(periodic.queue).enqueue(
                periodic.func,
                job_id=job_id(periodic),
                job_timeout=periodic.timeout,
                ttl=periodic.every_seconds,
                result_ttl=periodic.every_seconds,
                failure_ttl=24 * 3600,
            )
            enqueued.append(periodic.id)
            log.info("periodic %s: enqueued (slot %d)", periodic.id, slot)
        return enqueued

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop = True

    def run(self, *, interval: float = 1.0) -> None:
        """Tick until SIGINT/SIGTERM; a Redis outage is logged and retried, not fatal."""
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)
        while not self.stop:
            try:
                self.tick()
            except Exception:
                log.exception("scheduler tick failed")
            time.sleep(interval)


def run_scheduler(app: Flask, *, once: bool = False) -> list[str]:
    """Run the scheduler in the app context; with `once`, one tick and return what it enqueued."""
    scheduler = Scheduler()
    with app.app_context():
        if once:
            return scheduler.tick()
        log.info("scheduler: %d periodic jobs", len(scheduler.periodic))
        scheduler.run()
    return []
