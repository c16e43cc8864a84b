"""`flask seed --demo`, the campaign's negative lists and commitments: several units' lists with
plans under way (steps done on time and late, one overdue, items approved, pending and sent
back) and public commitments, one broken by a ticket. Written through the services with
backdated times, so their history and credit record read as the live system would write them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from hotline.auth.models import User
from hotline.campaign.commitments import breaches
from hotline.campaign.commitments import service as commitments
from hotline.campaign.lists import service as lists
from hotline.core.actor import Actor
from hotline.core.clock import to_local
from hotline.core.extensions import db
from hotline.tickets.models import Status, Ticket
from hotline.units.models import Unit

# The head's login of each unit with a list (hotline/seed/data.py USERS).
HEADS = {
    "C-SCJG": "unithead",
    "C-RSJ": "rsj_head",
    "C-ZJJ": "zjj_head",
    "C-CGJ": "cgj_head",
    "D-DC": "dc_head",
}

# Days relative to the seed's "today": a step (text, due in days from today, done days from
# today or None). Negative is the past.
Step = tuple[str, int, int | None]
# unit: [(title, description, measures, responsible person, review, steps)], review being
# "approved", "pending" or "returned".
LISTS: dict[str, list[tuple[str, str, str, str, str, list[Step]]]] = {
    "C-SCJG": [
        (
            "个体工商户登记“找熟人”才能当场办结",
            "群众反映登记窗口对材料要求说法不一，托人打招呼可当场办结，否则往返多次。",
            "公布登记材料清单并一次性告知；窗口办件全程留痕，超时自动预警。",
            "李建国（登记注册科科长）",
            "approved",
            [
                ("在门户网站和大厅公布登记材料清单", -40, -42),
                ("窗口办件系统上线全程留痕", -10, -6),  # done late
                ("开展窗口服务“回头看”", 25, None),
            ],
        ),
        (
            "食品经营许可现场核查时间靠“打招呼”",
            "现场核查排期不透明，申请人反映托关系可提前核查。",
            "核查排期按受理顺序网上公示，申请人可随时查询。",
            "周敏（食品经营监管科副科长）",
            "approved",
            [
                ("核查排期系统上线", -20, None),  # overdue
                ("排期公示纳入政务公开目录", 40, None),
            ],
        ),
        (
            "投诉举报处理结果反馈慢",
            "举报人反映要找熟人才能知道处理结果。",
            "处理结果短信告知举报人，逾期未办结自动提醒。",
            "王强（投诉举报中心主任）",
            "pending",
            [("处理结果短信告知上线", 30, None)],
        ),
    ],
    "C-RSJ": [
        (
            "社保待遇资格认证需要“托人”上门",
            "行动不便的老人反映需要托熟人才能预约上门认证。",
            "开通电话预约上门认证，每周固定两天上门。",
            "刘芳（社会保险经办科科长）",
            "approved",
            [
                ("开通上门认证预约电话", -30, -31),
                ("上门认证服务覆盖全部街道", 20, None),
            ],
        ),
        (
            "职业技能补贴审核进度不透明",
            "申请人不清楚审核到哪一步，托人打听才有消息。",
            "审核进度网上可查，每一环节限时办结。",
            "陈伟（职业能力建设科科长）",
            "returned",
            [("补贴审核进度查询上线", 45, None)],
        ),
    ],
    "C-ZJJ": [
        (
            "物业维修资金使用审批“找关系”",
            "业主反映维修资金申请审批慢，托人才能加快。",
            "审批流程和时限公示，申请材料一次告知。",
            "赵刚（物业管理科科长）",
            "approved",
            [
                ("公布维修资金使用审批流程和时限", -25, -26),
                ("审批事项纳入网上办理", 35, None),
            ],
        ),
        (
            "商品房预售资金监管查询难",
            "购房人反映查询监管账户信息要托人。",
            "开通监管账户信息查询。",
            "孙丽（房地产市场监管科副科长）",
            "pending",
            [("监管账户信息查询上线", 50, None)],
        ),
    ],
    "C-CGJ": [
        (
            "占道经营许可办理靠“熟人”",
            "摊贩反映临时占道经营许可要找熟人才能批。",
            "公布可设摊点位和申请条件，按申请顺序审批。",
            "吴军（市容管理科科长）",
            "approved",
            [
                ("公布可设摊点位和申请条件", -15, -16),
                ("按申请顺序审批并公示结果", 30, None),
            ],
        ),
    ],
}

# unit: [(staff name or None for the unit, commitment, measure)]
COMMITMENTS: dict[str, list[tuple[str | None, str, str]]] = {
    "C-SCJG": [
        (
            "登记窗口 张敏",
            "办事群众无需托人找关系，材料齐全当场受理，不让群众跑第二趟。",
            "窗口公示承诺内容和监督电话，每月通报办件时长。",
        ),
        (None, "企业开办一日办结。", "企业开办全程网办，专人跟进。"),
    ],
    "C-RSJ": [
        (
            "社保窗口 李娜",
            "咨询一次讲清，不推诿，不说“不知道”。",
            "首问负责，当场答不了的限时回复。",
        ),
    ],
    "C-ZJJ": [
        (None, "物业投诉三个工作日内响应。", "投诉专线专人值守。"),
    ],
    "D-DC": [
        (
            "便民服务中心 周红",
            "老年人办事优先、全程帮办。",
            "设立帮办代办窗口。",
        ),
    ],
}


def _users() -> dict[str, User]:
    return {u.username: u for u in db.session.scalars(select(User))}


def load_negative_lists(*, now: datetime) -> int:
    """The units' lists and plans as of `now`; how many items."""
    users = _users()
    inspector = Actor.of(users["inspector"])
    units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(LISTS)))}
    today = to_local(now).date()
    tz = to_local(now).tzinfo
    count = 0
    for code, entries in LISTS.items():
        head = Actor.of(users[HEADS[code]])
        for n, (title, description, measures, person, review, steps) in enumerate(entries):
            made = datetime.combine(today - timedelta(days=60 - n), datetime.min.time(), tz)
            made = made.replace(hour=9 + n)
            item = lists.create_item(
                unit=units[code],
                actor=head,
                title=title,
                description=description,
                measures=measures,
                responsible_person=person,
                milestones=[{"step": s, "due": today + timedelta(days=d)} for s, d, _ in steps],
                now=made,
            )
            reviewed = made + timedelta(days=3)
            if review == "approved":
                lists.approve(item=item, actor=inspector, reason="措施具体，同意公开", now=reviewed)
            elif review == "returned":
                lists.send_back(
                    item=item,
                    actor=inspector,
                    reason="请明确每一步的完成标准和责任科室",
                    now=reviewed,
                )
            for milestone, (_, _, done) in zip(item.milestones, steps, strict=True):
                if done is not None:
                    at = datetime.combine(today + timedelta(days=done), datetime.min.time(), tz)
                    lists.mark_done(
                        item=item,
                        milestone_id=milestone.id,
                        actor=head,
                        note="已完成，相关材料已公示",
                        now=at.replace(hour=16),
                    )
            count += 1
    return count


def load_commitments(*, now: datetime) -> int:
    """The units' public commitments, one broken by a recent ticket; how many commitments."""
    users = _users()
    inspector = Actor.of(users["inspector"])
    units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(COMMITMENTS)))}
    made = now - timedelta(days=80)
    first = None
    count = 0
    for code, entries in COMMITMENTS.items():
        maker = Actor.of(users[HEADS[code]]) if code in HEADS else inspector
        for staff_name, text, measure in entries:
            commitment = commitments.create(
                actor=maker,
                unit=units[code].code,
                staff_name=staff_name,
                text=text,
                measure=measure,
                now=made,
            )
            first = first or commitment
            count += 1
    # The first commitment (C-SCJG's window) broken by one of the unit's recent tickets.
    ticket = db.session.scalar(
        select(Ticket)
        .where(
            Ticket.unit_id == first.unit_id,
            Ticket.status.in_([Status.accepted, Status.replied, Status.closed]),
            Ticket.created_at > made,
        )
        .order_by(Ticket.created_at.desc())
        .limit(1)
    )
    if ticket is not None:
        breaches.add_breach(
            commitment_id=first.id,
            actor=Actor.of(users["operator"]),
            ticket=ticket.number,
            note="群众反映材料齐全仍被要求改日再来，经核实属实",
            now=min(now, ticket.created_at + timedelta(days=2)),
        )
    return count


def load_campaign_lists(*, now: datetime) -> dict[str, int]:
    """Negative lists and commitments for the demo (flushes; the caller commits)."""
    items = load_negative_lists(now=now)
    made = load_commitments(now=now)
    db.session.flush()
    return {"negative_list_items": items, "commitments": made}
