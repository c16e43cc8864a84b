"""The performance report's automatic-classification section and its target."""

from __future__ import annotations

from typing import Any

from bench.report_format import dig, num

TARGET = "routing with classification ≥ 0.8 × routing without, same run"


def classify_targets(s: dict) -> list[tuple[str, str, str, bool | None]]:
    r = dig(s, "classify", "routing")
    if not r:
        return []
    ratio = r.get("ratio")
    return [
        (
            TARGET,
            f"{num(r.get('with_median'))} vs {num(r.get('without_median'))} tickets/s "
            "(medians; the ratio is the median of the alternating pairs' ratios)",
            f"{ratio:.2f}×" if isinstance(ratio, float) else "—",
            None if ratio is None else ratio >= 0.8,
        )
    ]


def section_classify(s: dict) -> list[str]:
    c: dict[str, Any] | None = s.get("classify")
    if not c or c.get("error"):
        return []
    unseen = c.get("unseen_wording") or {}
    r = c.get("routing") or {}
    out = [
        "",
        "## Automatic classification",
        "",
        "**The corpus is generated, not real tickets**: `bench/corpus.py` builds short Chinese "
        "complaints from templates (an opening, a place, one of 7 phrasings per category, a "
        f"request) for the demo's {num(c.get('categories'))} categories, "
        f"{num(c.get('samples'))} texts in all. A random held-out split shares the phrasings "
        "with training, so its accuracy says little; the *unseen wording* figure trains on 5 "
        "phrasings of each category and tests on the other 2, which the model never saw. Real "
        "accuracy depends on the centre's own tickets: `flask classify train` prints it.",
        "",
        "| what | value |",
        "|---|---|",
        f"| training on {num(c.get('samples'))} texts (jieba + TF-IDF + logistic regression) | "
        f"{num(c.get('train_seconds'), 2)} s |",
        f"| one prediction (cut, vectorise, top 3) | {num(c.get('predict_ms'), 2)} ms |",
        f"| accuracy, random 20 % held out | {num(c.get('random_holdout_accuracy'), 3)} |",
        f"| accuracy, unseen wording ({num(unseen.get('train'))} train / "
        f"{num(unseen.get('test'))} test) | {num(unseen.get('accuracy'), 3)} |",
        "",
        "| category (unseen wording) | precision | recall | n |",
        "|---|---|---|---|",
    ]
    for code, f in sorted((unseen.get("per_category") or {}).items()):
        out.append(f"| {code} | {num(f['precision'], 3)} | {num(f['recall'], 3)} | {num(f['n'])} |")
    out += [
        "",
        f"Routing in one process (`route_pending`), {num(r.get('rounds'))} alternating rounds of "
        f"{num(r.get('tickets_per_round'))} fresh `new` SMS tickets carrying corpus texts: with "
        "their true category (today's path) and untagged (catalogue keywords first, then the "
        "model), so both dispatch the same mix. "
        "Tickets/s per round: without "
        + ", ".join(num(x) for x in r.get("without_per_s") or [])
        + "; with "
        + ", ".join(num(x) for x in r.get("with_per_s") or [])
        + ". Decisions (source:outcome): "
        + ", ".join(f"{k} {num(v)}" for k, v in sorted((r.get("outcomes") or {}).items()))
        + ".",
    ]
    return out
