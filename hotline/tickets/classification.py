"""Tickets and the classifier: classify an untagged ticket as it is routed, and gather the
centre's classified tickets to train the next text model on."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, select

from hotline.catalogue.models import Category
from hotline.catalogue.routing import load_catalogue
from hotline.classify import store
from hotline.classify.service import Verdict, classify, classify_many
from hotline.classify.textmodel import train as fit
from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.tickets.events import record_event
from hotline.tickets.models import Status, Ticket, TicketEvent

log = logging.getLogger(__name__)

# The newest labelled tickets a training reads: enough for any centre's vocabulary, bounded in
# memory and time on a database of millions.
MAX_SAMPLES = 100_000
CLASSIFIER = Actor.system("classifier")


def verdicts_for(tickets: Sequence[Ticket]) -> dict[int, Verdict | None]:
    """The classifier's verdict for each untagged ticket of a routing batch, by ticket id, the
    model asked once for the batch. Any failure here is logged and leaves the verdicts to be
    taken one by one as each ticket is routed."""
    untagged = [t for t in tickets if t.category_id is None]
    if not untagged:
        return {}
    try:
        verdicts = classify_many([t.description for t in untagged])
    except Exception:
        log.exception("classifying a batch of %d tickets failed: one by one", len(untagged))
        return {}
    return {t.id: v for t, v in zip(untagged, verdicts, strict=True)}


def classify_untagged(
    ticket: Ticket, *, now: datetime, known: Mapping[int, Verdict | None] | None = None
) -> Verdict | None:
    """Classify a ticket that came in without a category (SMS, web 不确定, voicemail, Open311
    without service code…), with its verdict from `known` (the batch's) when there: a confident
    verdict sets its category; every verdict is recorded as an `auto_classified` event, whose
    suggestions the triage page offers when it is not."""
    if ticket.category_id is not None:
        return None
    if known is not None and ticket.id in known:
        verdict = known[ticket.id]
    else:
        verdict = classify(ticket.description)
    if verdict is None:
        return None
    if verdict.category is not None:
        # The cached catalogue's id, and the row from the session's identity map when a ticket
        # of the batch already took it: no query, and no autoflush, per ticket.
        ref = load_catalogue().categories_by_code.get(verdict.category)
        category_id = (
            ref.id
            if ref is not None  # else a category newer than the cached catalogue
            else db.session.scalar(select(Category.id).where(Category.code == verdict.category))
        )
        # Both: routing decides on category_id before anything is flushed.
        ticket.category_id = category_id
        ticket.category = db.session.get(Category, category_id)
    record_event(ticket, "auto_classified", CLASSIFIER, now=now, data=verdict.event_data())
    log.info(
        "ticket %s: %s says %s (%.2f)",
        ticket.number,
        verdict.source,
        verdict.category or "triage",
        verdict.confidence,
    )
    return verdict


def labelled_samples(*, limit: int = MAX_SAMPLES) -> list[tuple[str, str]]:
    """(description, category code) of the newest classified tickets: a person's category or
    correction is truth; merged and rejected tickets are left out, and so are tickets only the
    model ever classified (it must not learn from its own guesses)."""
    model_guess = and_(
        TicketEvent.ticket_id == Ticket.id,
        TicketEvent.type == "auto_classified",
        TicketEvent.data["source"].as_string() == "model",
    )
    corrected = and_(TicketEvent.ticket_id == Ticket.id, TicketEvent.type == "classified")
    rows = db.session.execute(
        select(Ticket.description, Category.code)
        .join(Category, Category.id == Ticket.category_id)
        .where(
            Ticket.status.not_in([Status.merged, Status.rejected]),
            ~exists().where(model_guess) | exists().where(corrected),
        )
        .order_by(Ticket.id.desc())
        .limit(limit)
    ).all()
    return [(description, code) for description, code in rows if description]


@dataclass(frozen=True)
class Training:
    model_id: int
    n_samples: int
    holdout_accuracy: float | None
    report: dict | None
    activated: bool


def train(*, holdout: float = 0.2, min_samples: int | None = None) -> Training:
    """Train a model on the labelled tickets and store it; it becomes the active one only with
    at least `min_samples` samples (CLASSIFY_MIN_SAMPLES). Raises ValueError when there is
    nothing to learn (fewer than two categories)."""
    if min_samples is None:
        min_samples = current_app.config["CLASSIFY_MIN_SAMPLES"]
    samples = labelled_samples()
    trained = fit(samples, holdout=holdout)
    activated = trained.n_samples >= min_samples
    row = store.store(trained, activate=activated)
    store.forget()
    return Training(row.id, row.n_samples, row.holdout_accuracy, row.report, activated)


def retrain_if_due(now: datetime | None = None) -> Training | None:
    """The scheduled retrain: a new model once the newest is CLASSIFY_RETRAIN_HOURS old, so
    operators' corrections reach the model by the next day."""
    hours = current_app.config["CLASSIFY_RETRAIN_HOURS"]
    if hours <= 0:
        return None
    now = now or utcnow()
    newest = store.latest()
    if newest is not None and now - newest.trained_at < timedelta(hours=hours):
        return None
    try:
        result = train()
    except ValueError as exc:
        log.warning("classifier retrain skipped: %s", exc)
        return None
    log.info(
        "classifier model %s trained on %d tickets, held-out accuracy %s, %s",
        result.model_id,
        result.n_samples,
        "n/a" if result.holdout_accuracy is None else f"{result.holdout_accuracy:.3f}",
        "activated" if result.activated else "not activated (too few samples)",
    )
    return result
