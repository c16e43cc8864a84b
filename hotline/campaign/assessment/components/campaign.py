"""The campaign items as components, each built from its package's stats function.

The negative lists (hotline/campaign/lists), commitments (hotline/campaign/commitments) and
inspections (hotline/campaign/inspections) each expose one `…_stats(unit_id, year)`; registering
the item is one line in registry.COMPONENTS, e.g. `campaign.negative_list(milestone_stats)`
(docs/CAMPAIGN.md, "Annual target assessment"). Every one scores the share done on time.
"""

from __future__ import annotations

from collections.abc import Callable

from hotline.campaign.assessment.parts import Component, share_scorer

Stats2 = Callable[[int, int], tuple[int, int]]
Stats3 = Callable[[int, int], tuple[int, int, int]]


def negative_list(milestone_stats: Stats2) -> Component:
    """Negative-list milestones: `milestone_stats` → (due in the year, done on time)."""
    return Component(
        key="negative_list",
        label="负面清单里程碑按期完成",
        label_en="Negative-list milestones done on time",
        default_weight=10,
        score=share_scorer(
            milestone_stats,
            counted_zh="到期里程碑",
            done_zh="按期完成",
            counted_en="milestones due",
            done_en="done on time",
        ),
    )


def commitments(commitment_stats: Stats3) -> Component:
    """Public commitments: `commitment_stats` → (commitments, kept, broken); a commitment still
    running is neither kept nor broken yet, so the share is kept ÷ (kept + broken)."""

    def judged(unit_id: int, year: int) -> tuple[int, int]:
        _made, kept, broken = commitment_stats(unit_id, year)
        return kept + broken, kept

    return Component(
        key="commitments",
        label="公开承诺兑现",
        label_en="Public commitments kept",
        default_weight=10,
        score=share_scorer(
            judged,
            counted_zh="已见分晓的承诺",
            done_zh="兑现",
            counted_en="commitments judged",
            done_en="kept",
        ),
    )


def inspections(finding_stats: Stats3) -> Component:
    """Spot-check findings: `finding_stats` → (findings, rectified on time, overdue); a finding
    still within its deadline is not judged yet, so the share is on time ÷ (on time + overdue)."""

    def judged(unit_id: int, year: int) -> tuple[int, int]:
        _found, on_time, overdue = finding_stats(unit_id, year)
        return on_time + overdue, on_time

    return Component(
        key="inspections",
        label="明察暗访问题按期整改",
        label_en="Spot-check findings rectified on time",
        default_weight=10,
        score=share_scorer(
            judged,
            counted_zh="到期问题",
            done_zh="按期整改",
            counted_en="findings due",
            done_en="rectified on time",
        ),
    )
