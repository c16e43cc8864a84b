"""How the plans are going: overdue milestones through their index, the assessment's yearly
figures, and what the public site may show."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hotline.campaign.lists import progress
from hotline.campaign.lists import service as lists
from hotline.core.actor import Actor
from tests.factories import UnitFactory
from tests.support.plans import query_plan

T = datetime.fromisoformat


def head_of(unit) -> Actor:
    return Actor(user_id=None, role="unit_head", unit_id=unit.id, label=f"{unit.code}-head")


INSPECTOR = Actor(user_id=None, role="inspector", label="inspector")


def plan(unit, *milestones: tuple[str, str], title: str = "办证找关系", now=None):
    return lists.create_item(
        unit=unit,
        actor=head_of(unit),
        title=title,
        milestones=[{"step": step, "due": date.fromisoformat(due)} for step, due in milestones],
        now=now or T("2026-01-05T09:00:00+08:00"),
    )


def test_a_milestone_is_overdue_from_midnight_after_its_due_day(session):
    unit = UnitFactory()
    plan(unit, ("公布清单", "2026-10-15"))
    assert progress.overdue_milestones(now=T("2026-10-15T23:59:59+08:00")) == []
    [late] = progress.overdue_milestones(now=T("2026-10-16T00:00:00+08:00"))
    assert (late.unit_code, late.step, late.due, late.days_overdue) == (
        unit.code,
        "公布清单",
        date(2026, 10, 15),
        1,
    )
    assert progress.overdue_count(now=T("2026-10-20T09:00:00+08:00")) == 1


def test_done_milestones_are_not_overdue_and_the_longest_overdue_come_first(session):
    a, b = UnitFactory(), UnitFactory()
    item = plan(a, ("第一步", "2026-03-01"), ("第二步", "2026-04-01"))
    plan(b, ("乙单位第一步", "2026-02-01"))
    lists.mark_done(
        item=item,
        milestone_id=item.milestones[0].id,
        actor=head_of(a),
        note="完成",
        now=T("2026-03-05T10:00:00+08:00"),
    )
    now = T("2026-05-01T09:00:00+08:00")
    assert [m.step for m in progress.overdue_milestones(now=now)] == ["乙单位第一步", "第二步"]
    assert [m.step for m in progress.overdue_milestones(a.id, now=now)] == ["第二步"]
    assert progress.overdue_count(now=now, unit_id=b.id) == 1


@pytest.mark.parametrize(
    ("unit_id", "index"),
    [
        (None, "ix_negative_list_milestones_open_due"),
        (1, "ix_negative_list_milestones_unit_open_due"),
    ],
)
def test_the_overdue_list_reads_the_index_of_open_milestones(session, unit_id, index):
    query = progress.overdue_query(now=datetime(2026, 10, 1, tzinfo=UTC), unit_id=unit_id)
    text = query_plan(query)
    assert index in text, text


def test_milestone_stats_count_due_and_on_time_by_the_units_local_year(session):
    unit, other = UnitFactory(), UnitFactory()
    head = head_of(unit)
    item = plan(
        unit,
        ("按时完成", "2026-03-31"),
        ("逾期完成", "2026-04-30"),
        ("逾期未完成", "2026-06-30"),
        ("提前完成", "2026-12-20"),
        ("尚未到期", "2026-12-31"),
        ("去年的", "2025-12-31"),
    )
    plan(other, ("别的单位", "2026-03-31"))
    done = {m.step: m for m in item.milestones}
    for step, at in (
        ("按时完成", "2026-03-31T23:00:00+08:00"),  # the evening of its due day: on time
        ("逾期完成", "2026-05-01T00:00:00+08:00"),  # midnight after: late
        ("提前完成", "2026-09-01T10:00:00+08:00"),
    ):
        lists.mark_done(item=item, milestone_id=done[step].id, actor=head, note="完成", now=T(at))
    now = T("2026-10-01T09:00:00+08:00")
    # due: 按时, 逾期完成, 逾期未完成 (their day ended) + 提前完成 (done early); not 尚未到期.
    assert progress.milestone_stats(unit.id, 2026, now=now) == (4, 2)
    assert progress.milestone_stats(unit.id, 2025, now=now) == (1, 0)
    assert progress.milestone_stats(unit.id, 2027, now=now) == (0, 0)
    by_unit = progress.milestone_stats_by_unit([unit.id, other.id], 2026, now=now)
    assert by_unit == {unit.id: (4, 2), other.id: (1, 0)}


def test_items_count_whatever_their_approval(session):
    unit = UnitFactory()
    plan(unit, ("未审核的计划", "2026-02-01"))
    assert progress.milestone_stats(unit.id, 2026, now=T("2026-03-01T00:00:00+08:00")) == (1, 0)


def test_only_approved_items_are_public(session):
    unit = UnitFactory()
    shown = plan(unit, ("公布清单", "2026-02-01"), ("复查", "2026-12-01"), title="已审核")
    plan(unit, ("草稿步骤", "2026-02-01"), title="待审核")
    lists.approve(item=shown, actor=INSPECTOR, now=T("2026-01-06T09:00:00+08:00"))
    [item] = progress.approved_items(unit.id, now=T("2026-03-01T09:00:00+08:00"))
    assert item.title == "已审核"
    assert [(m.step, m.overdue) for m in item.milestones] == [("公布清单", True), ("复查", False)]
    lists.update_item(
        item=shown,
        actor=head_of(unit),
        changes={"title": "已审核（修改）"},
        now=T("2026-03-02T09:00:00+08:00"),
    )
    assert progress.approved_items(unit.id) == []
