"""Classify an untagged ticket's text: the catalogue's keywords first, then the text model."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from hotline.catalogue import service as catalogue
from hotline.classify import store, textmodel

log = logging.getLogger(__name__)

RULES_TTL_SECONDS = 30.0
TOP_SUGGESTIONS = 3


@dataclass(frozen=True)
class Verdict:
    """What the classifier says of a text: the category to take (None: a person decides, from
    the suggestions), how sure it is, and which part said so."""

    category: str | None
    confidence: float
    source: str  # "rules" | "model"
    suggestions: list[tuple[str, float]] = field(default_factory=list)

    def event_data(self) -> dict[str, Any]:
        """The `auto_classified` event's data (DESIGN §11, the classifier contract)."""
        return {
            "category": self.category,
            "confidence": self.confidence,
            "source": self.source,
            "suggestions": [[code, p] for code, p in self.suggestions],
        }


@dataclass(frozen=True)
class _Keywords:
    by_code: dict[str, tuple[str, ...]]
    codes: frozenset[str]


def _keywords() -> _Keywords:
    """The keywords of the categories a ticket may take (active leaves of the tree), cached
    per process like the routing catalogue."""
    cache = store.process_cache()
    if "keywords" in cache and time.monotonic() - cache["keywords_at"] < RULES_TTL_SECONDS:
        return cache["keywords"]
    rows = [(c.code, c.keywords) for c in catalogue.leaf_categories()]
    loaded = _Keywords(
        {
            code: tuple(k.strip() for k in (keywords or "").split(",") if k.strip())
            for code, keywords in rows
        },
        frozenset(code for code, _ in rows),
    )
    cache.update(keywords=loaded, keywords_at=time.monotonic())
    return loaded


def by_rules(text: str, keywords: dict[str, tuple[str, ...]]) -> list[tuple[str, int]]:
    """Categories whose keywords occur in `text`, most keywords found first."""
    hits = [(code, sum(1 for k in words if k in text)) for code, words in keywords.items()]
    return sorted(((c, n) for c, n in hits if n), key=lambda h: (-h[1], h[0]))


def classify(text: str | None) -> Verdict | None:
    """The verdict for an untagged ticket's text, or None when neither the rules nor a model
    have anything to say (no keyword, no usable model, no readable word)."""
    return classify_many([text])[0]


def classify_many(texts: Sequence[str | None]) -> list[Verdict | None]:
    """`classify` for many texts, the model asked once for all that the rules did not settle."""
    keywords = _keywords()
    clipped = [(text or "")[: textmodel.MAX_TEXT_CHARS] for text in texts]
    hits = [by_rules(text, keywords.by_code) for text in clipped]
    verdicts: list[Verdict | None] = [None] * len(texts)
    unsettled = []
    for i, found in enumerate(hits):
        if found and (len(found) == 1 or found[0][1] > found[1][1]):
            verdicts[i] = Verdict(found[0][0], 1.0, "rules", [(found[0][0], 1.0)])
        else:
            unsettled.append(i)
    guesses = _by_model([clipped[i] for i in unsettled], keywords.codes)
    threshold = current_app.config["CLASSIFY_MIN_CONFIDENCE"]
    for i, guessed in zip(unsettled, guesses, strict=True):
        if guessed:
            code, p = guessed[0]
            verdicts[i] = Verdict(code if p >= threshold else None, p, "model", guessed)
        elif hits[i]:  # equally many keywords of several categories, and no model to settle it
            total = sum(n for _, n in hits[i])
            tied = [(c, round(n / total, 4)) for c, n in hits[i][:TOP_SUGGESTIONS]]
            verdicts[i] = Verdict(None, tied[0][1], "rules", tied)
    return verdicts


def _by_model(texts: list[str], codes: frozenset[str]) -> list[list[tuple[str, float]]]:
    if not texts:
        return []
    model = store.active_model(codes)
    if model is None:
        return [[] for _ in texts]
    try:
        return textmodel.predict_many(model.pipeline, texts, top=TOP_SUGGESTIONS)
    except Exception:
        # A model that loads but cannot predict is as good as none: say so once, stop using it.
        log.exception("classifier model %s failed to predict: not used any more", model.id)
        store.process_cache().update(model=None, broken=model.id)
        return [[] for _ in texts]
