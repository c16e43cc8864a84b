"""Demo special supervisors (特邀监督员) and monitoring stations (监督测评站点), and what they
filed: through the real appointment service and ticket transitions, backdated like the rest of
the demo (hotline/seed/demo.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from hotline.auth.models import User
from hotline.campaign.supervisors import service as supervisors
from hotline.core.actor import Actor
from hotline.core.clock import to_local
from hotline.core.extensions import db
from hotline.tickets import filed
from hotline.tickets import service as tickets
from hotline.tickets import transitions as tx
from hotline.tickets.models import Ticket
from hotline.units.models import Unit, UnitKind

# (code, name, name_en, head, duty phone)
STATIONS = [
    (
        "S-SMZX",
        "市民中心营商环境监督测评站点",
        "Citizen Centre Business Environment Monitoring Station",
        "周敏",
        "+8657188000301",
    ),
    (
        "S-GX",
        "高新区企业服务监督测评站点",
        "High-Tech Zone Enterprise Service Monitoring Station",
        "郑凯",
        "+8657188000302",
    ),
]

# (username, password, name, phone, affiliation, station code, appointed days ago)
# Listed in the README as demo logins (except the retired one).
SUPERVISORS = [
    ("jiandu", "jiandu123", "刘建华", "13905710001", "区人大代表，个体工商户", None, 200),
    ("zhandian", "zhandian123", "周敏", "13905710002", "市民中心测评站点测评员", "S-SMZX", 150),
    ("gx_zhandian", "gx_zhandian123", "郑凯", "13905710003", "高新区企业服务站", "S-GX", 150),
    ("jiandu_old", "jiandu_old123", "孙立平", "13905710004", "退休教师", None, 420),
]
RETIRED = {"jiandu_old": "本人申请，因迁居外地辞去特邀监督员"}


@dataclass(frozen=True)
class Filing:
    """One demo filing and how far it goes: `target` status, `days` ago it was filed."""

    username: str
    kind: str
    category: str | None
    text: str
    place: str
    district: str
    target: str
    days: float
    rating: int | None = None


FILINGS = [
    Filing(
        "jiandu_old",
        "report",
        "biz_approval",
        "暗访：在市民中心3号窗口办理营业执照变更，工作人员要求提供法律没有规定的“无违法证明”，"
        "并称“找个熟人打个招呼当天就能办”。",
        "市民中心3号窗口",
        "东城区",
        "closed",
        75,
        rating=4,
    ),
    Filing(
        "jiandu",
        "complaint",
        "biz_fees",
        "开发区管委会向新入驻企业收取2万元“服务保证金”，没有收费依据和收据，企业不敢不交。",
        "高新区创业大道88号",
        "高新区",
        "closed",
        32,
        rating=5,
    ),
    Filing(
        "jiandu",
        "complaint",
        "food_safety",
        "申请食品经营许可证，现场核查一再推迟，核查人员暗示要先“打招呼”才能安排。",
        "东城区解放路126号",
        "东城区",
        "replied",
        9,
    ),
    Filing(
        "zhandian",
        "report",
        "biz_approval",
        "站点测评：不动产登记窗口工作日12:00至13:30无人值守，群众排队等候，无错时服务安排。",
        "市民中心二楼不动产登记窗口",
        "东城区",
        "accepted",
        4,
    ),
    Filing(
        "gx_zhandian",
        "complaint",
        "biz_approval",
        "企业反映：高新技术企业认定材料提交两个月无人答复，电话咨询被告知“要找人问问”。",
        "高新区企业服务中心",
        "高新区",
        "dispatched",
        1,
    ),
    Filing(
        "zhandian",
        "complaint",
        "other",
        "群众反映：办理居住证要求先到社区开具证明，社区又要求先有居住证，来回跑了四趟。",
        "市民中心一楼综合窗口",
        "东城区",
        "triage",
        0.3,
    ),
    Filing(
        "jiandu",
        "report",
        "biz_fees",
        "暗访：某代办中介在政务大厅门口招揽生意，声称“交钱保证通过”，与窗口人员关系密切。",
        "市民中心正门",
        "东城区",
        "new",
        0.02,
    ),
]


def load_supervisors(*, now: datetime) -> int:
    """The monitoring stations and the demo special supervisors (one retired); how many."""
    for code, name, name_en, head, duty in STATIONS:
        db.session.add(
            Unit(
                code=code,
                name=name,
                name_en=name_en,
                level="city",
                kind=UnitKind.station,
                head_name=head,
                duty_phone=duty,
                active=True,
                created_at=now,
            )
        )
    db.session.flush()
    admin = Actor.of(db.session.scalar(select(User).where(User.username == "admin")))
    today = to_local(now).date()
    for username, password, name, phone, affiliation, station, days in SUPERVISORS:
        appointed = today - timedelta(days=days)
        supervisors.appoint(
            actor=admin,
            now=now - timedelta(days=days),
            username=username,
            password=password,
            name=name,
            phone=phone,
            affiliation=affiliation,
            appointed_on=appointed,
            term_ends_on=appointed + timedelta(days=2 * 365),
            station=station,
        )
    return len(SUPERVISORS)


def load_filings(*, now: datetime) -> dict[str, int]:
    """The demo filings walked to their statuses; {status: count}."""
    users = {
        u.username: u
        for u in db.session.scalars(select(User).where(User.role == "special_supervisor"))
    }
    operator = Actor.of(db.session.scalar(select(User).where(User.username == "operator")))
    counts: dict[str, int] = {}
    for filing in FILINGS:
        ticket = _file(filing, users[filing.username], now - timedelta(days=filing.days))
        _walk(ticket, filing, operator, now)
        counts[ticket.status] = counts.get(ticket.status, 0) + 1
    db.session.flush()
    return counts


def retire_departed(*, now: datetime) -> None:
    """Retire the demo supervisor who left (after their filings: a retired one files nothing)."""
    admin = Actor.of(db.session.scalar(select(User).where(User.username == "admin")))
    for username, reason in RETIRED.items():
        user = db.session.scalar(select(User).where(User.username == username))
        supervisors.retire(
            actor=admin, user_id=user.id, now=now - timedelta(days=20), reason=reason
        )


def _file(filing: Filing, user: User, at: datetime) -> Ticket:
    actor = Actor.of(user)
    return tickets.create(
        actor=actor,
        channel="supervisor",
        filer=filed.filer_for(actor, now=at),
        kind=filing.kind,
        category=filing.category,
        description=filing.text,
        phone=None,
        address=filing.place,
        district=filing.district,
        now=at,
    )


def _walk(ticket: Ticket, filing: Filing, operator: Actor, now: datetime) -> None:
    """Route, accept, reply and rate, a few hours apart, never past `now`."""
    if filing.target == "new":
        return
    at = ticket.created_at

    def later(hours: float) -> datetime:
        nonlocal at
        at = min(at + timedelta(hours=hours), now - timedelta(minutes=1))
        return at

    tx.route(ticket, now=later(0.05))
    if filing.target == "triage":
        return
    if ticket.status == "triage":
        tx.dispatch(ticket, actor=operator, unit="C-ZWFW", reason="人工派单", now=later(1))
    if filing.target == "dispatched":
        return
    agent = Actor(role="unit_agent", unit_id=ticket.unit_id, label="demo-agent")
    tx.accept(ticket, actor=agent, now=later(3))
    if filing.target == "accepted":
        return
    tx.reply(ticket, actor=agent, text=REPLIES[filing.category or "other"], now=later(50))
    if filing.target == "closed" and filing.rating:
        tx.rate(ticket, actor=Actor.complainant(), rating=filing.rating, now=later(20))


REPLIES = {
    "biz_approval": "经核查，窗口人员违规要求提供额外证明，已责令整改并通报批评；"
    "已公布办事材料清单，不得要求清单外材料。",
    "biz_fees": "经核查，该“服务保证金”无收费依据，已责令全额退还企业，并在全区开展涉企收费清理。",
    "food_safety": "已约谈相关核查人员，现场核查已于次日完成，许可证已依法发放；"
    "核查时限和联系方式已在窗口公示。",
    "other": "已协调相关部门，按规定办理。",
}
