"""Automatic classification: the text model's accuracy on a generated labelled corpus, and the
routing rate with classification against without it, in the same run."""

from __future__ import annotations

import logging
import statistics
import time
from typing import Any

import sqlalchemy as sa

from bench import corpus, tickets
from bench.stack import Stack

log = logging.getLogger("bench.classify")

# Phrasings of each category kept out of training for the "unseen wording" figure.
HELD_OUT_PHRASES = 2
# Rounds alternate (without, with, without, …) and each pair gives a ratio: on a shared machine
# whose speed drifts within seconds, the median of the pairs' ratios is the steadier figure.
ROUNDS = 5


def _unseen_split(
    samples: list[tuple[str, str]],
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Train on the texts built from each category's first phrasings, test on the rest."""
    train, test = [], []
    for text, code in samples:
        held = corpus.PHRASES[code][-HELD_OUT_PHRASES:]
        (test if any(p in text for p in held) else train).append((text, code))
    return train, test


def accuracy(per_category: int) -> dict[str, Any]:
    """Held-out accuracy two ways: a random stratified 20 % split (the CLI's figure) and texts
    whose wording the model never saw; per-category precision/recall for the second."""
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    from hotline.classify import textmodel

    samples = corpus.generate(per_category)
    started = time.perf_counter()
    random_split = textmodel.train(samples, holdout=0.2)
    train_seconds = time.perf_counter() - started
    train, test = _unseen_split(samples)
    unseen = textmodel.train(train, holdout=0)
    truth = [code for _, code in test]
    predicted = [textmodel.predict(unseen.pipeline, text, top=1)[0][0] for text, _ in test]
    codes = sorted(corpus.PHRASES)
    precision, recall, _, support = precision_recall_fscore_support(
        truth, predicted, labels=codes, zero_division=0
    )
    texts = [text for text, _ in samples[:500]]
    started = time.perf_counter()
    for text in texts:
        textmodel.predict(random_split.pipeline, text)
    predict_ms = (time.perf_counter() - started) * 1000 / len(texts)
    return {
        "samples": len(samples),
        "categories": len(codes),
        "train_seconds": round(train_seconds, 2),
        "predict_ms": round(predict_ms, 2),
        "random_holdout_accuracy": random_split.holdout_accuracy,
        "unseen_wording": {
            "train": len(train),
            "test": len(test),
            "accuracy": round(float(accuracy_score(truth, predicted)), 4),
            "per_category": {
                code: {"precision": round(float(p), 3), "recall": round(float(r), 3), "n": int(n)}
                for code, p, r, n in zip(codes, precision, recall, support, strict=True)
            },
        },
        "_model": random_split,
    }


def _new_tickets(stack: Stack, n: int, labelled: list[tuple[str, str]], *, tagged: bool) -> None:
    """`n` fresh `new` SMS tickets carrying the corpus's texts: with their true category
    (`tagged`: today's routing of the same tickets) or without one (classified as routed), so
    both rounds dispatch the same mix and differ only by the classification."""
    from hotline.core.clock import utcnow
    from hotline.core.extensions import db

    with stack.app.app_context():
        ids = dict(db.session.execute(sa.text("SELECT code, id FROM categories")).all())
        first = tickets.generate(db.session, n=n, now=utcnow(), status="new")
        db.session.execute(
            sa.text(
                "UPDATE tickets SET unit_id = NULL, dispatched_at = NULL, accept_due_at = NULL, "
                "resolve_due_at = NULL, window_started_at = NULL, sla_check_at = NULL, "
                "closed_at = NULL, replied_at = NULL, accepted_at = NULL WHERE status = 'new'"
            )
        )
        rows = []
        for i in range(n):
            text, code = labelled[i % len(labelled)]
            rows.append({"id": first + i, "d": text, "c": ids[code] if tagged else None})
        db.session.execute(
            sa.text(
                "UPDATE tickets SET category_id = :c, channel = 'sms', description = :d "
                "WHERE id = :id"
            ),
            rows,
        )
        db.session.commit()


def _route(stack: Stack) -> tuple[int, float]:
    from hotline.core.uow import unit_of_work
    from hotline.tickets.jobs import route_pending

    with stack.app.app_context():
        started = time.perf_counter()
        with unit_of_work():
            routed = route_pending(sleep=lambda _: None)
        return routed, time.perf_counter() - started


def _outcomes(stack: Stack) -> dict[str, int]:
    """How the classified tickets went: `<source>:set` or `<source>:triage`, counted."""
    from hotline.core.extensions import db
    from hotline.tickets.models import TicketEvent

    source = TicketEvent.data["source"].as_string()
    settled = TicketEvent.data["category"].as_string().is_not(None)
    with stack.app.app_context():
        rows = db.session.execute(
            sa.select(source, settled, sa.func.count())
            .where(TicketEvent.type == "auto_classified")
            .group_by(source, settled)
        ).all()
        db.session.rollback()
    return {f"{src}:{'set' if ok else 'triage'}": int(n) for src, ok, n in rows}


def routing(stack: Stack, *, n: int, model: Any, labelled: list[tuple[str, str]]) -> dict[str, Any]:
    """Tickets/s of `route_pending` in this process, in alternating rounds: the same texts
    categorised (today's routing) and untagged, classified on the way (the model active and
    loaded)."""
    from hotline.classify import store
    from hotline.classify.service import classify
    from hotline.core.extensions import db

    with stack.app.app_context():
        store.store(model, activate=True)
        db.session.commit()
        store.forget()
        classify(labelled[0][0])  # the model loaded (and scikit-learn imported) before any timing
        db.session.rollback()
    rates: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(ROUNDS):
        for key in ("without", "with"):
            _new_tickets(stack, n, labelled, tagged=key == "without")
            routed, seconds = _route(stack)
            rates[key].append(round(routed / seconds, 1))
            log.info("routing %s classification: %d tickets in %.2f s", key, routed, seconds)
    without = statistics.median(rates["without"])
    with_ = statistics.median(rates["with"])
    return {
        "tickets_per_round": n,
        "rounds": ROUNDS,
        "without_per_s": rates["without"],
        "with_per_s": rates["with"],
        "without_median": without,
        "with_median": with_,
        "ratio": round(
            statistics.median(w / o for w, o in zip(rates["with"], rates["without"], strict=True)),
            3,
        ),
        "outcomes": _outcomes(stack),
    }


def run(stack: Stack, *, tickets_n: int, per_category: int) -> dict[str, Any]:
    measured = accuracy(per_category)
    model = measured.pop("_model")
    # Texts the routed tickets carry: the corpus again, in another order than training saw.
    labelled = corpus.generate(50, seed=7)
    measured["routing"] = routing(stack, n=tickets_n, model=model, labelled=labelled)
    return measured
