"""The active text model, loaded once per process and reloaded when a newer one is activated.

A model that cannot be loaded (a corrupt blob, another scikit-learn's pickle) or that names
categories the catalogue does not have is logged once per process at ERROR and not used: the
rules and triage carry on, no ticket is lost.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from hotline.classify import textmodel
from hotline.classify.models import ClassifierModel
from hotline.core.clock import utcnow
from hotline.core.extensions import db

log = logging.getLogger(__name__)

# How often a worker asks whether a newer model was activated (one indexed query).
CHECK_SECONDS = 30.0
CACHE_KEY = "hotline_classifier"


@dataclass(frozen=True)
class Loaded:
    id: int
    pipeline: Any
    labels: tuple[str, ...]


def process_cache() -> dict[str, Any]:
    return current_app.extensions.setdefault(CACHE_KEY, {})


def active_model(known_codes: frozenset[str]) -> Loaded | None:
    """The newest active model, or None (no model yet, or it is broken: logged once)."""
    cache = process_cache()
    if "checked" in cache and time.monotonic() - cache["checked"] < CHECK_SECONDS:
        return cache.get("model")
    model_id = db.session.scalar(
        select(ClassifierModel.id)
        .where(ClassifierModel.active.is_(True))
        .order_by(ClassifierModel.id.desc())
        .limit(1)
    )
    cache["checked"] = time.monotonic()
    current = cache.get("model")
    if model_id is None:
        cache["model"] = None
    elif (current is None or current.id != model_id) and cache.get("broken") != model_id:
        cache["model"] = _load(model_id, known_codes)
        if cache["model"] is None:
            cache["broken"] = model_id
    return cache.get("model")


def _load(model_id: int, known_codes: frozenset[str]) -> Loaded | None:
    row = db.session.get(ClassifierModel, model_id)
    try:
        pipeline = textmodel.loads(row.blob)
        labels = tuple(str(c) for c in pipeline.classes_)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means "no model"
        log.error(
            "classifier model %s cannot be loaded (%s: %s): untagged tickets go by the rules "
            "and to triage until `flask classify train` stores a working one",
            model_id,
            type(exc).__name__,
            exc,
        )
        return None
    unknown = sorted(set(labels) - known_codes)
    if unknown:
        log.error(
            "classifier model %s names categories the catalogue does not have (%s): not used; "
            "untagged tickets go by the rules and to triage until the model is retrained",
            model_id,
            ", ".join(unknown),
        )
        return None
    log.info("classifier model %s loaded (%d categories)", model_id, len(labels))
    return Loaded(model_id, pipeline, labels)


def store(trained: textmodel.Trained, *, activate: bool) -> ClassifierModel:
    """Keep a trained model; when activated, it replaces the active one for every worker."""
    if activate:
        db.session.execute(
            update(ClassifierModel).where(ClassifierModel.active.is_(True)).values(active=False)
        )
    row = ClassifierModel(
        trained_at=utcnow(),
        n_samples=trained.n_samples,
        holdout_accuracy=trained.holdout_accuracy,
        labels=trained.labels,
        report=trained.report,
        blob=textmodel.dumps(trained.pipeline),
        active=activate,
    )
    db.session.add(row)
    db.session.flush()
    return row


def latest() -> ClassifierModel | None:
    """The newest stored model, active or not."""
    return db.session.scalar(select(ClassifierModel).order_by(ClassifierModel.id.desc()).limit(1))


def forget() -> None:
    """Drop this process's cached model (tests, and after a training in this process)."""
    process_cache().clear()
