"""The three campaign items scored from real rows: a unit's negative-list plan, its public
commitments and a spot check of it, made through their services over 2026, show up in the
year's assessment as parts with their figures, their points and the line explaining them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from hotline.campaign.commitments import breaches
from hotline.campaign.commitments import service as commitments
from hotline.campaign.inspections import findings, jobs
from hotline.campaign.inspections import service as inspections
from hotline.campaign.inspections.service import FindingDraft
from hotline.campaign.lists import service as lists
from hotline.core.actor import Actor
from hotline.core.extensions import db
from tests.campaign.assessment.conftest import WEIGHTS, Year, part_of, row_of
from tests.factories import UserFactory

# The services notify the head and the inspectors; wake-ups after commit are only recorded.
pytestmark = pytest.mark.usefixtures("woken_jobs")

T = datetime.fromisoformat


def _plan(unit, head: Actor, inspector: Actor) -> None:
    """Four steps due in 2026, three done by their due day, one never; one due in 2027."""
    item = lists.create_item(
        unit=unit,
        actor=head,
        title="办理营业执照要托关系",
        measures="全程网办，一次告知",
        milestones=[
            {"step": step, "due": date.fromisoformat(due)}
            for step, due in (
                ("公布办事指南", "2026-03-31"),
                ("开通网上申报", "2026-06-30"),
                ("窗口无差别受理", "2026-09-30"),
                ("群众回访评议", "2026-12-15"),
                ("明年复查", "2027-03-31"),
            )
        ],
        now=T("2026-01-05T09:00:00+08:00"),
    )
    lists.approve(item=item, actor=inspector, now=T("2026-01-06T09:00:00+08:00"))
    step = {m.step: m.id for m in item.milestones}
    for name, at in (
        ("公布办事指南", "2026-03-20T10:00:00+08:00"),
        ("开通网上申报", "2026-06-30T18:00:00+08:00"),  # the evening of its due day: on time
        ("窗口无差别受理", "2026-09-10T10:00:00+08:00"),
    ):
        lists.mark_done(item=item, milestone_id=step[name], actor=head, note="已完成", now=T(at))


def _spot_check(unit, head: Actor, inspector: Actor) -> list[int]:
    """A mystery visit with two findings due in 2026 (one rectified on time, one overdue
    first) and one due in 2027; the finding ids."""
    visit = inspections.create(
        actor=inspector,
        kind="mystery_visit",
        unit=unit.code,
        visited_on=date(2026, 5, 12),
        findings=[
            FindingDraft("窗口要求群众找熟人才给办理", "major", date(2026, 6, 12)),
            FindingDraft("办事指南未公示收费标准", "minor", date(2026, 6, 30)),
            FindingDraft("自助机长期故障", "minor", date(2027, 2, 1)),
        ],
        now=T("2026-05-12T15:00:00+08:00"),
    )
    on_time, late, _next_year = (f.id for f in visit.findings)
    findings.answer(
        finding_id=on_time,
        actor=head,
        text="已约谈窗口人员并整改",
        now=T("2026-06-10T10:00:00+08:00"),
    )
    findings.accept(finding_id=on_time, actor=inspector, now=T("2026-06-11T10:00:00+08:00"))
    jobs.climb_overdue_findings(now=T("2026-07-01T09:00:00+08:00"))  # the day after its due
    findings.answer(
        finding_id=late, actor=head, text="已公示收费标准", now=T("2026-07-02T10:00:00+08:00")
    )
    findings.accept(finding_id=late, actor=inspector, now=T("2026-07-03T10:00:00+08:00"))
    return [on_time, late]


def _commitments(unit, inspector: Actor, breaking_finding: int) -> None:
    """Three commitments in force all 2026; a spot-check finding breaks one of them."""
    made = [
        commitments.create(actor=inspector, unit=unit.code, text=text, staff_name=staff, now=T(at))
        for text, staff, at in (
            ("办事不求人，一次告知到位", None, "2026-02-01T09:00:00+08:00"),
            ("收费标准全部公示", None, "2026-02-01T09:05:00+08:00"),
            ("当日受理，不推诿", "窗口工作人员", "2026-02-01T09:10:00+08:00"),
        )
    ]
    breaches.add_breach(
        commitment_id=made[1].id,
        actor=inspector,
        finding=breaking_finding,
        note="明察暗访发现收费标准未公示",
        now=T("2026-05-13T09:00:00+08:00"),
    )


def test_a_units_lists_commitments_and_findings_are_scored_and_explained(inspector, year: Year):
    b = year.b
    head = Actor.of(UserFactory(role="unit_head", unit=b))
    office = Actor.of(UserFactory(role="inspector"))
    _plan(b, head, office)
    _on_time, late = _spot_check(b, head, office)
    _commitments(b, office, breaking_finding=late)
    db.session.commit()  # the data must survive the request's own session

    body = inspector.get("/api/v1/assessments/2026").get_json()

    row = row_of(body, "B-UNIT")
    lists_part = part_of(row, "negative_list")
    assert (lists_part["score"], lists_part["counted"], lists_part["figures"]) == (
        75.0,
        True,
        {"due": 4, "done": 3},
    )
    assert lists_part["explanation"] == "到期里程碑4项，按期完成3项：3÷4×100 = 75.00"
    assert lists_part["explanation_en"] == "4 milestones due, 3 done on time: 3 ÷ 4 × 100 = 75.00"
    kept = part_of(row, "commitments")
    assert (kept["score"], kept["figures"]) == (66.67, {"due": 3, "done": 2})
    assert kept["explanation"] == "已见分晓的承诺3项，兑现2项：2÷3×100 = 66.67"
    assert kept["explanation_en"] == "3 commitments judged, 2 kept: 2 ÷ 3 × 100 = 66.67"
    rectified = part_of(row, "inspections")
    assert (rectified["score"], rectified["figures"]) == (50.0, {"due": 2, "done": 1})
    assert rectified["explanation"] == "到期问题2项，按期整改1项：1÷2×100 = 50.00"
    assert rectified["explanation_en"] == "2 findings due, 1 rectified on time: 1 ÷ 2 × 100 = 50.00"
    # Every part counts with its weight as set: hotline 50 × 42, lists 75 × 20, commitments
    # 66.67 × 12, inspections 50 × 8, interviews 100 × 18, over 100.
    assert [(p["key"], p["weight"], p["share"], p["points"]) for p in row["parts"]] == [
        ("hotline", WEIGHTS["hotline"], 42.0, 21.0),
        ("negative_list", WEIGHTS["negative_list"], 20.0, 15.0),
        ("commitments", WEIGHTS["commitments"], 12.0, 8.0),
        ("inspections", WEIGHTS["inspections"], 8.0, 4.0),
        ("interviews", WEIGHTS["interviews"], 18.0, 18.0),
    ]
    assert (row["total"], row["rank"], row["passed"]) == (66.0, 3, True)
    # The other units made none of it: their campaign parts do not count.
    a = row_of(body, "A-UNIT")
    assert [part_of(a, k)["counted"] for k in ("negative_list", "commitments", "inspections")] == [
        False,
        False,
        False,
    ]
