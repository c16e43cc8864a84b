"""The sweep before/after a revision (bench/sweep_compare.py): its target row and its table."""

from __future__ import annotations

from bench.report_format import dig, num, rev_label

LIMIT = 1.2  # the sweep may cost at most this much more than at the revision


def sweep_compare_target(s: dict) -> list[tuple[str, str, str, bool | None]]:
    """The due-ticket sweep now within LIMIT× of REV's, as medians of runs in turns; both the
    figure as the digests fall and the one with every level notified alone must hold."""
    c = dig(s, "sweep", "compare")
    if not isinstance(c, dict):
        return []
    if c.get("error"):
        return [("sweep before/after a revision", "not measured", str(c["error"]), None)]
    ratio, alone = c.get("ratio"), c.get("ratio_singles")
    worst = max(r for r in (ratio, alone) if r is not None) if ratio is not None else None
    return [
        (
            f"{num(c.get('due'))} due tickets escalated at 1 M within {LIMIT}× of "
            f"{rev_label(c)} (in turns)",
            f"{num(c.get('now_median'), 2)} s vs {num(c.get('before_median'), 2)} s; every "
            f"level notified alone: {num(c.get('singles_median'), 2)} s",
            f"now / before: {num(ratio, 2)}×; alone: {num(alone, 2)}×",
            None if worst is None else worst <= LIMIT,
        )
    ]


def section_sweep_compare(s: dict) -> list[str]:
    c = dig(s, "sweep", "compare")
    if not isinstance(c, dict) or c.get("error") or not c.get("pairs"):
        return []
    out = [
        "",
        "## Sweep before/after a revision",
        "",
        f"`--compare {c.get('rev')}`: {rev_label(c, '`{}`')} exported with `git archive` into a "
        "temporary directory outside the repository; each tree's sweep section run as a child "
        "`python -m bench.run --only sweep`, on a database of its own, in turns (every other "
        "pair in reverse order). The figure: one sweep escalating the due tickets at 1 M; now "
        "also once more with every level notified alone (no digests), the most the notices cost.",
        "",
        "| pair | order | now s | every level alone s | before s | now / before |",
        "|---|---|---|---|---|---|",
    ]
    for i, pair in enumerate(c["pairs"], 1):
        now, before = pair["now"], pair["before"]
        out.append(
            f"| {i} | {' then '.join(pair['order'])} | {num(now['seconds'], 2)} | "
            f"{num(now.get('singles_seconds'), 2)} | {num(before['seconds'], 2)} | "
            f"{num(now['seconds'] / before['seconds'], 2)} |"
        )
    return out
