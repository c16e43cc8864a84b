"""The one registry of periodic jobs: stable ids, intervals, queues; the scheduler enqueues them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    """A job the scheduler enqueues every `every_seconds`, never overlapping itself."""

    id: str
    func: str  # dotted path of a job function that runs inside the app context
    every_seconds: int
    queue: str  # purpose: routing, notify, sla, default
    timeout: int = 300


PERIODIC: tuple[Periodic, ...] = (
    # Tickets left in `new` (Redis was down at intake) get routed.
    Periodic("route-stragglers", "hotline.tickets.jobs.requeue_stragglers", 60, "routing"),
    # New tickets' search words (hotline/tickets/search.py): found by words within ~15 s.
    Periodic("search-words", "hotline.tickets.jobs.write_search_words", 15, "default"),
    # Outbox rows unsent or due for a retry get sent.
    Periodic("outbox-retry", "hotline.notify.jobs.retry_due", 30, "notify"),
    # The escalation ladder (DESIGN §4), one sweep as of now.
    Periodic("sla-sweep", "hotline.escalations.jobs.sweep", 60, "sla"),
    # 督办 answers past their due and still missing are recorded (DESIGN §11).
    Periodic("supervision-answers", "hotline.escalations.jobs.record_missing_answers", 60, "sla"),
    # Overdue inspection findings climb: notice, then interview (docs/CAMPAIGN.md).
    Periodic(
        "findings-climb", "hotline.campaign.inspections.jobs.climb_overdue_findings", 300, "sla"
    ),
    # Incremental roll-up of the figures from the event log.
    Periodic("figures-rollup", "hotline.oversight.jobs.rollup_figures", 300, "default"),
    # Stored Idempotency-Key answers are kept a day.
    Periodic(
        "idempotency-purge", "hotline.core.idempotency.purge_idempotency_keys", 3600, "default"
    ),
    # Failed sign-ins nobody waits on any more (auth/service.py's back-off).
    Periodic("login-throttle-purge", "hotline.auth.jobs.purge_login_throttles", 3600, "default"),
    # Commitments (承诺): last year's kept/broken verdicts into the credit record, once.
    Periodic(
        "commitment-years", "hotline.campaign.commitments.jobs.close_last_year", 3600, "default"
    ),
    # A new classifier model once the active one is CLASSIFY_RETRAIN_HOURS old (checked hourly),
    # so operators' corrections reach the model by the next day.
    Periodic(
        "classifier-retrain",
        "hotline.tickets.classification.retrain_if_due",
        3600,
        "default",
        timeout=1800,
    ),
    # PostgreSQL's per-day ticket-number sequences of past days.
    Periodic("number-sequences", "hotline.tickets.jobs.drop_number_sequences", 3600, "default"),
)
