"""finding_stats(unit, year) for the annual assessment: findings due in the year, those
rectified on time, those overdue; recomputed from the findings themselves."""

from __future__ import annotations

from datetime import datetime

from hotline.campaign.inspections import jobs
from hotline.campaign.inspections.stats import FindingStats, finding_stats, finding_stats_by_unit
from tests.campaign.inspections.conftest import visit


def _findings(*dues: str) -> list[dict]:
    return [
        {"text": f"问题{i}", "severity": "minor", "rectify_due": due}
        for i, due in enumerate(dues, start=1)
    ]


def test_on_time_late_and_pending_findings_are_counted_apart(people, clock):
    body = visit(findings=_findings("2026-10-16", "2026-10-16", "2026-10-30", "2027-01-15"))
    items = people.inspector.post("/api/v1/inspections", json=body).get_json()["findings"]
    on_time, late, pending, _next_year = (f["id"] for f in items)

    def answer(finding_id: int) -> None:
        r = people.head.post(f"/api/v1/findings/{finding_id}/answer", json={"text": "已整改"})
        assert r.status_code == 200, r.get_json()

    answer(on_time)
    people.inspector.post(f"/api/v1/findings/{on_time}/accept")
    jobs.climb_overdue_findings(now=datetime.fromisoformat("2026-10-19T09:00:00+08:00"))
    clock.set("2026-10-19T10:00:00+08:00")
    answer(late)  # after its due: rectified, but not on time
    people.inspector.post(f"/api/v1/findings/{late}/accept")
    answer(pending)  # by its due, still awaiting review: neither yet

    assert finding_stats(people.unit.id, 2026) == FindingStats(3, 1, 1)
    assert finding_stats(people.unit.id, 2027) == FindingStats(1, 0, 0)
    assert finding_stats(people.other_unit.id, 2026) == (0, 0, 0)
    findings, rectified_on_time, overdue = finding_stats(people.unit.id, 2026)
    assert (findings, rectified_on_time, overdue) == (3, 1, 1)
    assert finding_stats_by_unit(2026) == {people.unit.id: FindingStats(3, 1, 1)}
    assert finding_stats_by_unit(2025) == {}
