"""The demo's oversight history: the scheduler's work replayed day by day over the demo's
months (the sweep, the figures roll-up, the unit interview rules), and the interview cases it
opened taken through their hearing, the head's commitment and the rectification, so the
dashboard, the credit records and the annual assessment (年度目标考核) have a year to show.

Everything goes through the real services with a backdated `now`, as the ticket walk does.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from hotline.auth.models import User
from hotline.core.actor import Actor, Role
from hotline.core.clock import local_tz, to_local
from hotline.core.extensions import db
from hotline.escalations import interviews
from hotline.escalations.models import InterviewCase, InterviewStatus
from hotline.escalations.sweep import sweep
from hotline.metrics.rollup import roll_up
from hotline.oversight.rules import run_unit_rules

PLACE = "市营商环境监督局三楼约谈室"
MINUTES = "听取单位负责人关于超期办理情况的说明，指出存在的问题，提出限期整改要求。"
COMMITMENTS = (
    "建立超期工单每日通报制度，分管领导逐件督办，两周内清零积压工单。",
    "调整承办人员分工，设立热线专岗，签收时限内必须签收。",
    "对群众反映集中的问题开展专项整治，办结后逐一回访。",
)
EVIDENCE = "整改报告、积压工单清零台账及每日通报记录已上传。"
# One case in this many is never rectified, so a commitment goes overdue (信用档案, 考核扣分).
NEVER_RECTIFIED = 3
ROLLUP_DAYS = (1, 8, 15, 22)


def _heads() -> dict[int, Actor]:
    users = db.session.scalars(select(User).where(User.role == Role.unit_head))
    return {u.unit_id: Actor.of(u) for u in users if u.unit_id is not None}


def _head(heads: dict[int, Actor], unit_id: int) -> Actor:
    return heads.get(unit_id) or Actor(role=Role.unit_head, unit_id=unit_id, label="head")


def _move_cases(rng: random.Random, inspector: Actor, heads: dict[int, Actor], t: datetime) -> None:
    """Each case takes its next step once its time has come, as the people involved would."""
    S = InterviewStatus
    cases = db.session.scalars(
        select(InterviewCase)
        .where(InterviewCase.status.in_((S.proposed, S.scheduled, S.held)))
        .order_by(InterviewCase.id)
    )
    for case in list(cases):
        if case.status == S.proposed and case.opened_at <= t - timedelta(days=3):
            day = to_local(t).date() + timedelta(days=4)
            at = datetime.combine(day, time(10), tzinfo=local_tz())
            interviews.schedule(case_id=case.id, actor=inspector, at=at, place=PLACE, now=t)
        elif case.status == S.scheduled and case.scheduled_for and case.scheduled_for <= t:
            interviews.hold(case_id=case.id, actor=inspector, minutes=MINUTES, now=t)
        elif case.status == S.held and case.committed_at is None:
            interviews.commit(
                case_id=case.id,
                actor=_head(heads, case.unit_id),
                commitment=rng.choice(COMMITMENTS),
                commitment_due=t + timedelta(days=rng.randint(10, 21)),
                now=t,
            )
        elif (
            case.status == S.held
            and case.id % NEVER_RECTIFIED
            and case.commitment_due
            and t < case.commitment_due
            and rng.random() < 0.15
        ):
            interviews.rectify(
                case_id=case.id, actor=_head(heads, case.unit_id), evidence=EVIDENCE, now=t
            )


def _catch_up(now: datetime) -> None:
    while roll_up(now=now):
        pass
    run_unit_rules(now=now)


def replay(*, now: datetime, days: int = 92, seed: int = 17) -> int:
    """The scheduler's days up to `now`, at 10:00 local each day, then `now` itself; returns
    how many interview cases were opened."""
    rng = random.Random(seed)
    user = db.session.scalar(select(User).where(User.role == Role.inspector).order_by(User.id))
    inspector = Actor.of(user) if user else Actor(role=Role.inspector, label="inspector")
    heads = _heads()
    first = to_local(now).date() - timedelta(days=days)
    t = datetime.combine(first, time(10), tzinfo=local_tz())
    while t < now:
        sweep(now=t)
        _move_cases(rng, inspector, heads, t)
        # The month's ranking rules need the month before it rolled up; the supervision rule
        # fires once per unit and month: weekly is as good as every 5 minutes here.
        if to_local(t).day in ROLLUP_DAYS:
            _catch_up(t)
        t += timedelta(days=1)
    sweep(now=now)
    _catch_up(now)
    db.session.flush()
    return len(db.session.scalars(select(InterviewCase.id)).all())
