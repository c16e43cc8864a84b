"""The campaign items as components, each built from its package's by-unit stats function.

The negative lists (hotline/campaign/lists), commitments (hotline/campaign/commitments) and
inspections (hotline/campaign/inspections) each answer their figures for many units at once;
registering the item is one line in registry.COMPONENTS, e.g.
`campaign.negative_list(milestone_stats_by_unit)` (docs/CAMPAIGN.md, "Annual target
assessment"). A factory takes `(unit_ids, year) -> {unit_id: figures}` and calls it once per
year's computation, so the assessment reads each item in one query whatever the number of
units; a unit the function leaves out had nothing to count. Every one scores the share done on
time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from hotline.campaign.assessment.parts import Component, ShareStats, share_scorer

# (unit ids, year) -> {unit id: (commitments, kept, broken)} or (findings, on time, overdue).
Stats3ByUnit = Callable[[Sequence[int], int], Mapping[int, tuple[int, int, int]]]


def negative_list(milestone_stats_by_unit: ShareStats) -> Component:
    """Negative-list milestones: `milestone_stats_by_unit` → {unit: (due in the year, done on
    time)}."""
    return Component(
        key="negative_list",
        label="负面清单里程碑按期完成",
        label_en="Negative-list milestones done on time",
        default_weight=10,
        score=share_scorer(
            milestone_stats_by_unit,
            counted_zh="到期里程碑",
            done_zh="按期完成",
            counted_en="milestones due",
            done_en="done on time",
        ),
    )


def commitments(commitment_stats_by_unit: Stats3ByUnit) -> Component:
    """Public commitments: `commitment_stats_by_unit` → {unit: (commitments in force in the
    year, kept, broken)}; the share is kept ÷ (kept + broken), a year under way counting a
    commitment not broken so far as kept."""

    def judged(unit_ids: Sequence[int], year: int) -> dict[int, tuple[int, int]]:
        return {
            unit_id: (kept + broken, kept)
            for unit_id, (_made, kept, broken) in commitment_stats_by_unit(unit_ids, year).items()
        }

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


def inspections(finding_stats_by_unit: Stats3ByUnit) -> Component:
    """Spot-check findings: `finding_stats_by_unit` → {unit: (findings, rectified on time,
    overdue)}; a finding still within its deadline is not judged yet, so the share is on time ÷
    (on time + overdue)."""

    def judged(unit_ids: Sequence[int], year: int) -> dict[int, tuple[int, int]]:
        return {
            unit_id: (on_time + overdue, on_time)
            for unit_id, (_found, on_time, overdue) in finding_stats_by_unit(unit_ids, year).items()
        }

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
