"""An interview case walked through the real services up to a stage (proposed … committed)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hotline.core.actor import Actor
from hotline.escalations import interviews
from hotline.escalations.models import InterviewCase
from hotline.escalations.triggers import open_by_rule
from hotline.units.models import Unit

STAGES = ("proposed", "scheduled", "held", "committed")


def interview_case(
    unit: Unit,
    *,
    stage: str,
    now: datetime,
    commitment: str = "一个月内完成窗口服务流程再造，公开办事指南和办理时限。",
    due_in: timedelta = timedelta(days=30),
    trigger: str = "ranking_last",
) -> InterviewCase:
    """A case of `unit` at `stage`: opened, scheduled and held before `now`, the head's
    commitment (due `due_in` after `now`) written at `now`."""
    inspector = Actor(user_id=None, role="inspector", label="test-inspector")
    head = Actor(user_id=None, role="unit_head", unit_id=unit.id, label="test-head")
    case = open_by_rule(
        unit_id=unit.id,
        trigger=trigger,
        trigger_key=f"{trigger}:{unit.id}:{now.isoformat()}",
        reason="测试约谈",
        now=now - timedelta(days=10),
    )
    if stage == "proposed":
        return case
    at = now - timedelta(days=3)
    interviews.schedule(
        case_id=case.id,
        actor=inspector,
        at=at,
        place="市营商办302会议室",
        now=at - timedelta(days=2),
    )
    if stage == "scheduled":
        return case
    interviews.hold(case_id=case.id, actor=inspector, minutes="约谈纪要", now=at)
    if stage == "held":
        return case
    interviews.commit(
        case_id=case.id, actor=head, commitment=commitment, commitment_due=now + due_in, now=now
    )
    if stage == "committed":
        return case
    raise ValueError(stage)
