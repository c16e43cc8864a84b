"""Demo spot checks (明察暗访) and special inspections, walked through the real services with
backdated `now` values: findings rectified (after being sent back once), awaiting review, open,
and overdue, so /dashboard/inspections and the heads' /workbench/findings have something to show.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from hotline.auth.models import User
from hotline.campaign.inspections import climb, findings, service
from hotline.core.actor import Actor
from hotline.core.clock import to_local
from hotline.core.extensions import db

Draft = service.FindingDraft


def _actor(username: str) -> Actor:
    return Actor.of(db.session.scalars(select(User).where(User.username == username)).one())


def _day(at: datetime) -> date:
    return to_local(at).date()


def load_inspections(*, now: datetime) -> dict[str, int]:
    """Two visits with findings in every state (one overdue) and a clean one; counts."""
    inspector = _actor("inspector")
    scjg_head, zjj_head = _actor("unithead"), _actor("zjj_head")

    # A mystery visit of the market regulator's service hall 20 days ago.
    visited = now - timedelta(days=20)
    visit = service.create(
        actor=inspector,
        kind="mystery_visit",
        unit="C-SCJG",
        visited_on=_day(visited),
        note="以办事群众身份到政务服务大厅市场监管窗口办理营业执照变更，全程暗访记录。",
        findings=[
            Draft(
                "窗口工作人员上班时间离岗约20分钟，无人替岗，群众排队等候。",
                "major",
                _day(visited + timedelta(days=10)),
            ),
            Draft(
                "办事指南未公示收费标准和承诺办结时限，与网上公布的材料清单不一致。",
                "minor",
                _day(now - timedelta(days=3)),
            ),
            Draft(
                "叫号系统故障两天未修复，现场秩序混乱。",
                "severe",
                _day(now + timedelta(days=7)),
            ),
        ],
        now=visited,
    )
    absent = visit.findings[0]
    findings.answer(
        finding_id=absent.id,
        actor=scjg_head,
        text="已对当事人批评教育。",
        now=visited + timedelta(days=2),
    )
    findings.reject(
        finding_id=absent.id,
        actor=inspector,
        reason="请说明替岗制度如何落实，并附排班表。",
        now=visited + timedelta(days=3),
    )
    findings.answer(
        finding_id=absent.id,
        actor=scjg_head,
        text="已建立AB岗替岗制度并张贴排班表，离岗须报备登记，附制度文件和排班表。",
        now=visited + timedelta(days=6),
    )
    findings.accept(finding_id=absent.id, actor=inspector, now=visited + timedelta(days=7))

    # A special inspection of the housing bureau's permits 10 days ago.
    inspected = now - timedelta(days=10)
    special = service.create(
        actor=inspector,
        kind="special",
        unit="C-ZJJ",
        visited_on=_day(inspected),
        note="施工许可审批专项检查：抽查2026年第三季度办件30件。",
        findings=[
            Draft(
                "3件施工许可超过承诺时限办结，未说明原因。",
                "major",
                _day(now + timedelta(days=2)),
            ),
            Draft(
                "要求申请人重复提交已由系统共享的营业执照复印件。",
                "minor",
                _day(now + timedelta(days=12)),
            ),
        ],
        now=inspected,
    )
    findings.answer(
        finding_id=special.findings[0].id,
        actor=zjj_head,
        text="已逐件核查超时原因并约谈经办人，建立超时预警台账，附核查报告。",
        now=now - timedelta(days=1),
    )

    # A clean visit: nothing found.
    service.create(
        actor=inspector,
        kind="mystery_visit",
        unit="C-RSJ",
        visited_on=_day(now - timedelta(days=5)),
        note="社保窗口暗访，办理流程规范，未发现问题。",
        findings=[],
        now=now - timedelta(days=5),
    )
    # The fee-guide item's due has passed unanswered: the climb marks it overdue, as it would have.
    climb.mark_overdue_batch(now=now - timedelta(minutes=5))
    return {"inspections": 3, "findings": len(visit.findings) + len(special.findings)}
