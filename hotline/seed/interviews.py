"""The demo's interview cases (约谈): one at each stage, two heads' commitments published on the
public site and one waiting for an inspector's approval on the dashboard's interview board."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from hotline.auth.models import User
from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.escalations import interviews, publication
from hotline.escalations.triggers import open_by_rule
from hotline.units import service as units

PLACE = "市营商环境监督局 302 会议室"
# (unit, head's login, trigger, reason, days before now the interview was held or None for a
# case still to be held, the head's commitment, its deadline in days from the hearing,
# rectified that many days after the hearing, published)
CASES = (
    (
        "C-ZJJ",
        "zjj_head",
        "ranking_last",
        "考核排名末位",
        50,
        "一个月内清理积压的物业维修资金申请，公开审核时限，每周向社会通报办理进度。",
        30,
        24,
        True,
    ),
    (
        "C-RSJ",
        "rsj_head",
        "on_time_rate",
        "按时办结率低于标准",
        12,
        "四十五日内完成社保关系转移“一网通办”改造，取消纸质证明，超时件由分管领导督办。",
        45,
        None,
        True,
    ),
    (
        "C-SCJG",
        "unithead",
        "supervision_count",
        "30日内多次被督办",
        4,
        "三十日内完成食品经营许可“一窗通办”改造，公开办理时限，取消线下“加急”渠道。",
        30,
        None,
        False,
    ),
    ("C-CGJ", "cgj_head", "ticket_overdue", "工单超期办理", None, "", 0, None, False),
)


def load_interviews(*, now: datetime) -> int:
    """Walk the demo cases through the real services; returns how many were published."""
    users = {u.username: u for u in db.session.scalars(select(User))}
    inspector = Actor.of(users["inspector"])
    published = 0
    for code, head, trigger, reason, held_days, text, due_days, done_days, public in CASES:
        unit = units.get_by_code(code)
        held = now - timedelta(days=held_days if held_days is not None else -3)
        case = open_by_rule(
            unit_id=unit.id,
            trigger=trigger,
            trigger_key=f"demo:{trigger}:{code}",
            reason=reason,
            now=held - timedelta(days=8),
        )
        if case is None:
            continue
        interviews.schedule(
            case_id=case.id, actor=inspector, at=held, place=PLACE, now=held - timedelta(days=5)
        )
        if held_days is None:  # scheduled for a few days from now
            continue
        interviews.hold(
            case_id=case.id, actor=inspector, minutes=f"{reason}，约谈单位主要负责人。", now=held
        )
        writer = Actor.of(users[head])
        interviews.commit(
            case_id=case.id,
            actor=writer,
            commitment=text,
            commitment_due=held + timedelta(days=due_days),
            now=held + timedelta(hours=20),
        )
        if public:
            publication.publish(case_id=case.id, actor=inspector, now=held + timedelta(days=2))
            published += 1
        if done_days is not None:
            interviews.rectify(
                case_id=case.id,
                actor=writer,
                evidence="整改报告及办理台账",
                now=held + timedelta(days=done_days),
            )
    db.session.flush()
    return published
