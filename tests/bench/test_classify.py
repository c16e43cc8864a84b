"""The classify bench section at tiny size: the corpus's splits, routing the same texts with and
without their category through the real job, and the report's section and target."""

from __future__ import annotations

from types import SimpleNamespace

from bench import classify, corpus, report
from hotline.classify import textmodel
from hotline.core.clock import utcnow
from hotline.seed.demo import load_reference


def test_the_unseen_wording_split_keeps_each_categorys_last_phrasings_for_testing() -> None:
    samples = corpus.generate(20)
    train, test = classify._unseen_split(samples)
    assert len(train) + len(test) == len(samples)
    assert {code for _, code in test} == set(corpus.PHRASES)
    for text, code in train:
        assert not any(p in text for p in corpus.PHRASES[code][-classify.HELD_OUT_PHRASES :])


def test_routing_rounds_route_every_ticket_with_and_without_classification(
    app, session, clock, queues, monkeypatch
) -> None:
    clock.set("2026-12-02T10:00:00+08:00")
    load_reference(now=utcnow())
    session.flush()
    monkeypatch.setattr(classify, "ROUNDS", 1)
    model = textmodel.train(corpus.generate(8), holdout=0)

    out = classify.routing(
        SimpleNamespace(app=app), n=20, model=model, labelled=corpus.generate(2, seed=7)
    )

    assert out["without_per_s"][0] > 0
    assert out["with_per_s"][0] > 0
    assert sum(out["outcomes"].values()) == 20  # every untagged ticket got a verdict
    assert out["ratio"] > 0


def _results(ratio: float) -> dict:
    return {
        "sections": {
            "classify": {
                "samples": 1080,
                "categories": 18,
                "train_seconds": 4.2,
                "predict_ms": 3.1,
                "random_holdout_accuracy": 1.0,
                "unseen_wording": {
                    "train": 786,
                    "test": 294,
                    "accuracy": 0.653,
                    "per_category": {"noise": {"precision": 0.8, "recall": 0.7, "n": 16}},
                },
                "routing": {
                    "tickets_per_round": 300,
                    "rounds": 5,
                    "without_per_s": [50.0],
                    "with_per_s": [50.0 * ratio],
                    "without_median": 50.0,
                    "with_median": 50.0 * ratio,
                    "ratio": ratio,
                    "outcomes": {"model:set": 150, "rules:set": 150},
                },
            }
        }
    }


def test_the_report_states_the_generated_corpus_and_the_routing_target() -> None:
    held = report.markdown(_results(0.85))
    assert "## Automatic classification" in held
    assert "generated, not real tickets" in held
    assert "| noise | 0.800 | 0.700 | 16 |" in held
    target = next(line for line in held.splitlines() if "routing with classification" in line)
    assert "0.85×" in target
    assert "holds" in target
    missed = report.markdown(_results(0.7))
    target = next(line for line in missed.splitlines() if "routing with classification" in line)
    assert "0.70×" in target
    assert "misses" in target
