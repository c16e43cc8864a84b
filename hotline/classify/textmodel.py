"""The text model: jieba's words → TF-IDF over the words and over their characters and
character pairs → logistic regression.

The characters carry what the words miss in wording the model never saw (吵 in 太吵 and 吵闹):
on the bench corpus's unseen phrasings they lift accuracy from 0.59 (words alone) to 0.65, and
words alone beat word pairs (0.48) there (docs/PERFORMANCE.md).

scikit-learn (with numpy and scipy, about 100 MB) is imported inside these functions only, so a
web process that never classifies never loads it (tests/classify/test_lazy.py).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hotline.core.fulltext import words

# A ticket's first characters say what it is about; a 10,000-character paste costs no more.
MAX_TEXT_CHARS = 1000
SEED = 18


def tokens(text: str | None) -> str:
    """The model's input for a text: its searchable words (the knowledge search's jieba cut)
    joined by spaces, so the pickled vectorizer needs no Python callable of ours."""
    return " ".join(words((text or "")[:MAX_TEXT_CHARS]))


@dataclass(frozen=True)
class Trained:
    """A fitted pipeline and what the held-out split said of it."""

    pipeline: Any
    labels: list[str]
    n_samples: int
    holdout_accuracy: float | None
    report: dict[str, dict[str, float]] | None


def _pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    return make_pipeline(
        make_union(
            TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 2), sublinear_tf=True),
        ),
        LogisticRegression(C=10.0, max_iter=2000),
    )


def _split(
    texts: list[str], labels: list[str], holdout: float
) -> tuple[list[str], list[str], list[str], list[str]]:
    """Train/held-out split, stratified when every category has at least two samples."""
    from sklearn.model_selection import train_test_split

    counts = Counter(labels)
    n_test = max(1, round(len(labels) * holdout))
    stratify = labels if min(counts.values()) >= 2 and n_test >= len(counts) else None
    x_train, x_test, y_train, y_test = train_test_split(
        texts, labels, test_size=n_test, random_state=SEED, stratify=stratify
    )
    return x_train, x_test, y_train, y_test


def train(samples: Sequence[tuple[str, str]], *, holdout: float = 0.2) -> Trained:
    """Fit on (text, category code) samples; with `holdout` > 0, score on a held-out split first,
    then refit on every sample so the stored model has learnt from all of them."""
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    texts = [tokens(text) for text, _ in samples]
    labels = [code for _, code in samples]
    if len(set(labels)) < 2:
        raise ValueError("a model needs samples of at least two categories")
    accuracy: float | None = None
    report: dict[str, dict[str, float]] | None = None
    if holdout > 0 and len(labels) >= 10:
        x_train, x_test, y_train, y_test = _split(texts, labels, holdout)
        if len(set(y_train)) >= 2:
            scored = _pipeline().fit(x_train, y_train)
            predicted = scored.predict(x_test)
            accuracy = float(accuracy_score(y_test, predicted))
            codes = sorted(set(labels))
            precision, recall, _, support = precision_recall_fscore_support(
                y_test, predicted, labels=codes, zero_division=0
            )
            report = {
                code: {"precision": float(p), "recall": float(r), "support": int(s)}
                for code, p, r, s in zip(codes, precision, recall, support, strict=True)
            }
    pipeline = _pipeline().fit(texts, labels)
    return Trained(pipeline, [str(c) for c in pipeline.classes_], len(labels), accuracy, report)


def dumps(pipeline: Any) -> bytes:
    import joblib

    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    return buffer.getvalue()


def loads(blob: bytes) -> Any:
    """The pipeline from its stored bytes; raises whatever unpickling raises on a broken blob."""
    import joblib

    pipeline = joblib.load(io.BytesIO(blob))
    if not hasattr(pipeline, "predict_proba") or not hasattr(pipeline, "classes_"):
        raise TypeError(f"not a probabilistic classifier: {type(pipeline).__name__}")
    return pipeline


def predict(pipeline: Any, text: str | None, *, top: int = 3) -> list[tuple[str, float]]:
    """The `top` most probable category codes for `text`, best first; [] when the text has no
    word the model could read (empty, emoji only)."""
    return predict_many(pipeline, [text], top=top)[0]


def predict_many(
    pipeline: Any, texts: Sequence[str | None], *, top: int = 3
) -> list[list[tuple[str, float]]]:
    """`predict` for many texts in one call: scikit-learn's checks cost more than the
    arithmetic for one short text, so the routing job asks once per batch."""
    prepared = [tokens(text) for text in texts]
    readable = [i for i, t in enumerate(prepared) if t]
    found: list[list[tuple[str, float]]] = [[] for _ in texts]
    if not readable:
        return found
    probabilities = pipeline.predict_proba([prepared[i] for i in readable])
    classes = [str(c) for c in pipeline.classes_]
    for i, row in zip(readable, probabilities, strict=True):
        ranked = sorted(zip(classes, row, strict=True), key=lambda p: p[1], reverse=True)
        found[i] = [(code, round(float(p), 4)) for code, p in ranked[:top]]
    return found
