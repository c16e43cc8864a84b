"""How workers get the app: the CLI builds it once, and every job runs in a fresh app context."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from flask import Flask, current_app, has_app_context
from rq import SimpleWorker, Worker
from rq.job import Job

from hotline.catalogue.routing import invalidate_catalogue
from hotline.core.queue import all_queues, redis_conn
from hotline.core.uow import unit_of_work
from hotline.sla.service import invalidate_calendar

log = logging.getLogger(__name__)


class AppJob(Job):
    """An RQ job that runs inside its own app context, so each job gets a fresh DB session,
    as one unit of work: it commits once at the end (batches call `uow.checkpoint`) or rolls
    back when the job raises, and RQ records the failure.

    The worker's app is bound on a subclass (`job_class_for`), never created at import time:
    a job module imported by the worker connects to nothing by itself (pallets-eco/flask-rq).
    """

    app: ClassVar[Flask | None] = None

    def perform(self) -> Any:
        app = type(self).app
        if app is None and has_app_context():
            app = current_app._get_current_object()  # type: ignore[attr-defined]
        if app is None:
            raise RuntimeError("no Flask app bound: run jobs through `flask worker`")
        # A nested context: its teardown removes the job's session, so nothing leaks between jobs.
        with app.app_context():
            # Each job starts from the catalogue, calendar and SLA policies as they are now: an
            # admin's edit in a web process cannot invalidate this process's caches.
            invalidate_catalogue()
            invalidate_calendar()
            with unit_of_work():
                return super().perform()


def job_class_for(app: Flask) -> type[AppJob]:
    """An AppJob subclass bound to `app` (a class, because RQ instantiates jobs itself)."""
    return type("HotlineJob", (AppJob,), {"app": app})


def make_worker(app: Flask, *, fork: bool = False, name: str | None = None) -> Worker:
    """An RQ worker on all of the app's queues in order of urgency.

    SimpleWorker by default: DESIGN §10 measured the forking Worker ~3× slower per job, and our
    jobs drain batches, so the isolation a fork buys is not worth it; `fork=True` restores it.
    The worker process itself never touches the database, so each forked work horse starts
    with an empty connection pool and opens its own connections.
    """
    worker_class = Worker if fork else SimpleWorker
    with app.app_context():
        return worker_class(
            all_queues(),
            connection=redis_conn(app),
            job_class=job_class_for(app),
            name=name,
        )


def run_worker(app: Flask, *, burst: bool = False, fork: bool = False) -> bool:
    """Work the app's queues (until they are empty with `burst`); True if any job ran."""
    worker = make_worker(app, fork=fork)
    log.info(
        "worker %s (%s) on %s",
        worker.name,
        type(worker).__name__,
        ", ".join(q.name for q in worker.queues),
    )
    with app.app_context():
        return worker.work(burst=burst, logging_level="INFO")
