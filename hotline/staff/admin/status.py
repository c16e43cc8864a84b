"""What the admin status page shows: queue depths, failed jobs, the last sweep, outbox backlog,
and the latest SMS that did not arrive with what was done about them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rq.job import Job
from rq.registry import FailedJobRegistry, StartedJobRegistry
from sqlalchemy import func, literal_column, select

from hotline.core.errors import NotFound
from hotline.core.extensions import db
from hotline.core.queue import QUEUES, get_queue
from hotline.escalations import undelivered
from hotline.escalations.jobs import last_sweep
from hotline.notify.models import OutboxMessage
from hotline.tickets.models import Status, Ticket

FAILED_SHOWN = 50
UNDELIVERED_SHOWN = 50


@dataclass
class QueueStatus:
    purpose: str
    name: str
    queued: int
    started: int
    failed: int


@dataclass
class FailedJob:
    purpose: str
    id: str
    func: str
    ended_at: datetime | None
    error: str


@dataclass
class Undelivered:
    """An SMS that did not arrive, and what was done about it (None: nothing automatic)."""

    id: int
    created_at: datetime
    to: str | None
    template: str
    status: str
    error: str | None
    ticket: str | None
    outcome: undelivered.Outcome | None


@dataclass
class Overview:
    queues: list[QueueStatus] = field(default_factory=list)
    failed: list[FailedJob] = field(default_factory=list)
    redis_error: str | None = None
    last_sweep_at: datetime | None = None
    outbox_pending: int = 0
    outbox_oldest: datetime | None = None
    outbox_failed: int = 0
    tickets_new: int = 0
    undelivered: list[Undelivered] = field(default_factory=list)


def _last_error_line(job: Job) -> str:
    result = job.latest_result()
    text = (result.exc_string if result else None) or ""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def collect() -> Overview:
    """Everything the status page shows, gathered in one pass."""
    status = Overview()
    try:
        for purpose in QUEUES:
            queue = get_queue(purpose)
            failed = FailedJobRegistry(queue=queue)
            status.queues.append(
                QueueStatus(
                    purpose,
                    queue.name,
                    queue.count,
                    StartedJobRegistry(queue=queue).count,
                    failed.count,
                )
            )
            job_ids = failed.get_job_ids(0, FAILED_SHOWN - len(status.failed) - 1)
            for job in Job.fetch_many(job_ids, connection=queue.connection):
                if job is not None:
                    status.failed.append(
                        FailedJob(
                            purpose, job.id, job.func_name, job.ended_at, _last_error_line(job)
                        )
                    )
        status.last_sweep_at = last_sweep()
    except Exception as exc:  # noqa: BLE001 - the page must render even when Redis is down
        status.redis_error = type(exc).__name__
    pending = OutboxMessage.status.in_(("pending", "retry"))
    status.outbox_pending, status.outbox_oldest = db.session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(pending)
    ).one()
    status.outbox_failed = db.session.scalar(
        select(func.count()).where(OutboxMessage.status == "failed")
    )
    status.tickets_new = db.session.scalar(
        select(func.count()).select_from(Ticket).where(Ticket.status == Status.new)
    )
    status.undelivered = recent_undelivered()
    return status


def recent_undelivered(limit: int = UNDELIVERED_SHOWN) -> list[Undelivered]:
    """The latest SMS reported failed or undelivered, newest first, with what was done: three
    queries whatever the number (ix_outbox_undelivered, then the unique dedupe keys)."""
    # Literals, not bound parameters: the planner matches them to the partial index.
    gone = OutboxMessage.status.in_([literal_column("'failed'"), literal_column("'undelivered'")])
    rows = db.session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.created_at,
            OutboxMessage.to,
            OutboxMessage.template,
            OutboxMessage.status,
            OutboxMessage.last_error,
            Ticket.number,
        )
        .outerjoin(Ticket, Ticket.id == OutboxMessage.ticket_id)
        .where(gone)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    ).all()
    done = undelivered.outcomes([r.id for r in rows])
    return [Undelivered(*row, outcome=done.get(row.id)) for row in rows]


def retry_failed(*, purpose: str, job_id: str) -> None:
    """Put a failed job back on its queue."""
    if purpose not in QUEUES:
        raise NotFound(f"no queue {purpose}")
    registry = FailedJobRegistry(queue=get_queue(purpose))
    if job_id not in registry.get_job_ids():
        raise NotFound(f"no failed job {job_id} on {purpose}")
    registry.requeue(job_id)
