"""`flask seed --demo` replays the scheduler's days: escalations, interview cases walked through
their hearing and commitment, day figures; enough for a believable draft assessment."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from hotline.campaign.assessment.compute import compute
from hotline.escalations.models import InterviewCase
from hotline.metrics.models import UnitDayFigures
from hotline.seed.demo import seed_demo

NOW = datetime.fromisoformat("2026-12-01T10:00:00+08:00")


@pytest.mark.slow
def test_the_demo_has_a_year_to_assess(session):
    seed_demo(now=NOW)

    statuses = dict(
        session.execute(
            select(InterviewCase.status, func.count()).group_by(InterviewCase.status)
        ).all()
    )
    assert {"proposed", "held", "rectified", "rectification_overdue"} <= set(statuses)
    assert session.scalar(select(func.count()).select_from(UnitDayFigures)) > 100

    result = compute(year=2026, now=NOW)

    assert result["ranked"] >= 8
    ranked = [r for r in result["items"] if r["rank"] is not None]
    assert any(r["last"] for r in ranked)
    deducted = [
        r for r in ranked if next(p for p in r["parts"] if p["key"] == "interviews")["score"] < 100
    ]
    assert len(deducted) >= 3
    overdue = sum(
        next(p for p in r["parts"] if p["key"] == "interviews")["figures"]["rectification_overdue"]
        for r in result["items"]
    )
    assert overdue >= 1
    for row in result["items"]:
        points = [p["points"] for p in row["parts"] if p["counted"]]
        assert round(sum(points), 2) == row["total"]
