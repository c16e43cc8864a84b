"""What an assessment component is: a key, its labels, a default weight and a scoring function
that gives every unit a `Part` (raw figures, a 0–100 sub-score and the line explaining it)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hotline.core.clock import local_tz


@dataclass(frozen=True)
class Part:
    """One unit's result on one component for one year.

    `score` is 0–100, or None when there is nothing to judge (the component then does not
    count and its weight goes to the others). `apart` says the figures are too thin to rank
    the unit on (the hotline under RANKING_MIN_TICKETS): the part does not count and the unit
    is listed apart from the ranking. The explanation says how the figures became the score,
    in Chinese first and in English.
    """

    score: float | None
    explanation: str
    explanation_en: str
    figures: dict[str, Any] = field(default_factory=dict)
    apart: bool = False

    @property
    def counted(self) -> bool:
        """Whether this part takes part in the unit's total."""
        return self.score is not None and not self.apart


# (unit ids, year) -> {unit id: Part}; every unit asked for gets a Part.
Scorer = Callable[[Sequence[int], int], dict[int, Part]]


@dataclass(frozen=True)
class Component:
    """One line of the assessment: registered once in registry.COMPONENTS."""

    key: str
    label: str
    label_en: str
    default_weight: float
    score: Scorer


def clamp(value: float) -> float:
    """A sub-score kept inside 0–100, rounded to 2 decimals."""
    return round(min(100.0, max(0.0, value)), 2)


# (unit ids, year) -> {unit id: (due, done)}, read for all the units at once; a unit left out
# had nothing due.
ShareStats = Callable[[Sequence[int], int], Mapping[int, tuple[int, int]]]


def share_scorer(
    stats: ShareStats,
    *,
    counted_zh: str,
    done_zh: str,
    counted_en: str,
    done_en: str,
) -> Scorer:
    """A scorer for "how many of those due were done": 100 × done / due, None when none was
    due. `stats(unit_ids, year)` answers for every unit in one call (one query, however many
    units the year has), {unit_id: (due, done)}; a unit it leaves out had none due."""

    def score(unit_ids: Sequence[int], year: int) -> dict[int, Part]:
        ids = list(unit_ids)
        found = stats(ids, year) if ids else {}
        parts: dict[int, Part] = {}
        for unit_id in ids:
            due, done = found.get(unit_id, (0, 0))
            if not due:
                parts[unit_id] = Part(
                    None,
                    f"年内无{counted_zh}，不计分",
                    f"no {counted_en} in the year: not scored",
                    {"due": 0, "done": 0},
                )
                continue
            value = clamp(100 * done / due)
            parts[unit_id] = Part(
                value,
                f"{counted_zh}{due}项，{done_zh}{done}项：{done}÷{due}×100 = {value:.2f}",
                f"{due} {counted_en}, {done} {done_en}: {done} ÷ {due} × 100 = {value:.2f}",
                {"due": due, "done": done},
            )
        return parts

    return score


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The local year as [start, end) instants in UTC, for filtering timestamps."""
    tz = local_tz()
    start = datetime(year, 1, 1, tzinfo=tz).astimezone(UTC)
    return start, datetime(year + 1, 1, 1, tzinfo=tz).astimezone(UTC)
