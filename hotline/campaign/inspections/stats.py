"""Figures of the findings, for the annual target assessment (年度目标考核) and the pages.

A finding counts in the year of its rectification due (`rectify_due`, a local date), as a
ticket counts in the period it falls due: the year asks "were the problems due this year put
right in time". For each unit and year:
- findings: the findings due that year;
- rectified_on_time: of them, those rectified by an answer submitted by the due and accepted;
- overdue: of them, those found open past their due (marked overdue, whatever came after).
A finding answered by its due and still awaiting the inspector is neither on time nor overdue
yet. Recomputable at any time from inspection_findings (no counters are kept).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import case, func, select

from hotline.campaign.inspections.models import Finding, FindingStatus
from hotline.core.extensions import db


class FindingStats(NamedTuple):
    """A unit's findings due in a year: (findings, rectified_on_time, overdue)."""

    findings: int
    rectified_on_time: int
    overdue: int


def _counts():
    on_time = (Finding.status == FindingStatus.rectified) & Finding.rectified_on_time.is_(True)
    return (
        func.count(Finding.id),
        func.coalesce(func.sum(case((on_time, 1), else_=0)), 0),
        func.coalesce(func.sum(case((Finding.overdue_at.is_not(None), 1), else_=0)), 0),
    )


def _year(year: int):
    return Finding.rectify_due.between(date(year, 1, 1), date(year, 12, 31))


def finding_stats(unit_id: int, year: int) -> FindingStats:
    """(findings, rectified_on_time, overdue) of one unit's findings due in `year`; one query
    through ix_inspection_findings_unit_due."""
    row = db.session.execute(
        select(*_counts()).where(Finding.unit_id == unit_id, _year(year))
    ).one()
    return FindingStats(int(row[0]), int(row[1]), int(row[2]))


def finding_stats_by_unit(year: int) -> dict[int, FindingStats]:
    """`finding_stats` of every unit with a finding due in `year`, in one grouped query (a
    unit without findings is absent: FindingStats(0, 0, 0))."""
    rows = db.session.execute(
        select(Finding.unit_id, *_counts()).where(_year(year)).group_by(Finding.unit_id)
    )
    return {unit_id: FindingStats(int(n), int(ok), int(late)) for unit_id, n, ok, late in rows}
