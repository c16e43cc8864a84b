"""Staff search over the generated tickets (DESIGN §11): `GET /api/v1/tickets?q=` timed for a
mix of queries (words, a sentence, words with filters, part of a number, a phone), as an
operator and as a unit's agent, against the target p95 < 200 ms.

The generated tickets get varied Chinese descriptions and addresses set-based: each is made of
fragments (a matter, two details, a street) joined by punctuation, so jieba cuts each fragment
as it would alone and a ticket's words are its fragments' words, computed once per fragment in
Python and concatenated in SQL (`describe`); the smoke test checks that against
`hotline.tickets.search.ticket_tokens` on real rows. The real indexing path (`reindex`, jieba
per ticket) is timed on a sample, for the 1 M backfill's duration.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from bench import tickets
from bench.stack import Stack

TARGET_P95_MS = 200.0
REPEATS = 15  # per query and role
REINDEX_SAMPLE = 2000

MATTERS = (
    "工地夜间施工噪音扰民",
    "小区门口占道经营",
    "路灯不亮晚上看不清路",
    "井盖丢失非常危险",
    "垃圾清运不及时发臭",
    "餐馆油烟扰民",
    "违章停车堵塞消防通道",
    "供暖温度不达标",
    "自来水突然停水没有通知",
    "物业乱收费",
    "电梯经常故障困人",
    "广场舞音响太吵",
    "共享单车乱停放",
    "下水道堵塞污水外溢",
    "营业执照办理材料反复要求补充",
    "社保卡补办进度慢",
    "公交车长时间不来",
    "出租车拒载",
    "流浪狗伤人",
    "树木倒伏压坏车辆",
    "医保报销手续复杂",
    "学校周边交通拥堵",
    "菜市场卫生脏乱差",
    "燃气管道有异味",
    "工厂排放废气刺鼻",
    "商户噪音扰民",
    "房屋漏水开发商不维修",
    "拖欠农民工工资",
    "不动产登记窗口排长队",
    "网上办事系统打不开",
    "道路破损坑洼不平",
    "红绿灯时间设置不合理",
    "无证摊贩售卖食品",
    "停车场乱收费",
    "楼道堆放杂物",
    "空调外机滴水",
    "宠物粪便无人清理",
    "快递车辆占用人行道",
    "装修噪音周末不停",
    "积水严重无法通行",
)
DETAILS = (
    "已经持续一个星期了",
    "影响居民休息",
    "多次反映没有解决",
    "希望有关部门尽快处理",
    "老人孩子出行不安全",
    "晚上十一点以后还在继续",
    "周边居民意见很大",
    "打过物业电话没人管",
    "早高峰特别严重",
    "请派人到现场查看",
    "去年也出现过同样问题",
    "工作人员态度冷淡",
    "要求给个明确答复",
    "下雨天更加严重",
    "已经拍照留存",
    "附近还有一所幼儿园",
    "社区说不归他们管",
    "担心引发安全事故",
    "每天早上六点就开始",
    "希望加强日常巡查",
)
STREETS = (
    "幸福路",
    "解放大街",
    "人民路",
    "建设路",
    "和平街",
    "中山路",
    "滨江路",
    "长安街",
    "光明路",
    "新华路",
    "胜利街",
    "文化路",
    "青年路",
    "朝阳路",
    "东风路",
    "红旗街",
    "工农路",
    "五一路",
    "迎宾大道",
    "科技园路",
)
# (label, q, extra query arguments); the unit agent's role runs the word queries only.
QUERIES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("one common word", "噪音", {}),
    ("two words", "工地 施工", {}),
    ("street and matter", "幸福路 垃圾", {}),
    ("a typed sentence", "我家楼下餐馆的油烟太大了怎么办", {}),
    ("rare words", "燃气 异味 幼儿园", {}),
    ("words, status filter", "停车", {"status": "dispatched,accepted"}),
    ("words, last 30 days", "漏水", {"from": "{month_ago}"}),
    ("a long paste", "噪音扰民" * 2500, {}),
    ("part of a number", "-00012", {}),
    ("a phone", "+8613800001234", {}),
)


def _pick(array: tuple[str, ...], expr: str) -> str:
    items = ", ".join(f"'{x}'" for x in array)
    return f"(ARRAY[{items}])[1 + ({expr}) % {len(array)}]"


def describe(session: Any, *, first: int, last: int) -> None:
    """Give tickets first..last a description and address made of MATTERS, DETAILS and STREETS
    (PostgreSQL), and their search words and vector as `ticket_tokens` would write them."""
    from hotline.core import fulltext

    def tokens(array: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(fulltext.document_tokens(x) for x in array)

    # Mixed so that every fifth ticket (the open ones) and each unit still get every matter.
    matter, detail, detail2 = "((g / 5) * 3 + g % 5)", "(g / 3)", "(g / 7 + g)"
    street = "(g / 11 + g * 3)"
    house = "(g % 300 + 1)::text || '号'"
    description = (
        f"{_pick(STREETS, street)} || '附近' || '，' || {_pick(MATTERS, matter)} || '，' || "
        f"{_pick(DETAILS, detail)} || '，' || {_pick(DETAILS, detail2)} || '。'"
    )
    address = f"{_pick(STREETS, street)} || {house}"
    # '附近' and a house number ('12号': the words '12', '号') have their own words too.
    near = fulltext.document_tokens("附近")
    words = (
        f"{_pick(tokens(STREETS), street)} || ' {near} ' || {_pick(tokens(MATTERS), matter)}"
        f" || ' ' || {_pick(tokens(DETAILS), detail)} || ' ' || {_pick(tokens(DETAILS), detail2)}"
        f" || ' ' || {_pick(tokens(STREETS), street)} || ' ' || (g % 300 + 1)::text || ' 号'"
    )
    session.execute(
        sa.text(f"""
            UPDATE tickets SET description = d.description, address = d.address,
                search_tokens = d.words, search_vector = to_tsvector('simple', d.words)
            FROM (SELECT g, {description} AS description, {address} AS address,
                         {words} AS words
                  FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g) d
            WHERE tickets.id = d.g
        """),
        {"first": first, "last": last},
    )


def run(stack: Stack, *, tickets_n: int) -> dict[str, Any]:
    from hotline.auth.models import User
    from hotline.auth.tokens import issue_token
    from hotline.auth.users import create_user
    from hotline.core.clock import to_local, utcnow
    from hotline.core.extensions import db
    from hotline.core.uow import checkpoint
    from hotline.tickets.search import reindex

    out: dict[str, Any] = {"target_p95_ms": TARGET_P95_MS}
    now = utcnow()
    with stack.app.app_context():
        have = db.session.scalar(sa.text("SELECT count(*) FROM tickets"))
        if have < tickets_n:
            tickets.generate(db.session, n=tickets_n - have, now=now)
        first, last = db.session.execute(sa.text("SELECT min(id), max(id) FROM tickets")).one()
        started = time.perf_counter()
        db.session.execute(sa.text("DROP INDEX IF EXISTS ix_tickets_search"))
        describe(db.session, first=first, last=last)
        db.session.execute(
            sa.text(
                "CREATE INDEX ix_tickets_search ON tickets USING gin (search_vector) "
                "WITH (fastupdate = off)"
            )
        )
        db.session.commit()
        db.session.execute(sa.text("ANALYZE tickets"))
        db.session.commit()
        out["describe_and_index_s"] = round(time.perf_counter() - started, 1)

        # The real path, jieba per ticket: a sample rewritten, for the backfill's rate.
        db.session.execute(
            sa.text("UPDATE tickets SET search_tokens = NULL WHERE id > :cut"),
            {"cut": last - REINDEX_SAMPLE},
        )
        db.session.commit()
        started = time.perf_counter()
        written = reindex(commit=checkpoint)
        seconds = time.perf_counter() - started
        out["reindex"] = {
            "tickets": written,
            "seconds": round(seconds, 2),
            "per_s": round(written / seconds) if seconds else None,
        }
        out["tickets"] = db.session.scalar(sa.text("SELECT count(*) FROM tickets"))
        month_ago = (to_local(now).date() - timedelta(days=30)).isoformat()
        # The unit with the most tickets, for its agent: the scoped search's worst case.
        unit_code = db.session.scalar(
            sa.text(
                "SELECT un.code FROM tickets t JOIN units un ON un.id = t.unit_id "
                "GROUP BY un.code ORDER BY count(*) DESC LIMIT 1"
            )
        )
        agent = db.session.scalar(sa.select(User).where(User.username == "bench-search-agent"))
        if agent is None:
            agent = create_user(
                username="bench-search-agent",
                password="bench-password-1",
                role="unit_agent",
                unit=unit_code,
            )
        tokens = {"operator": stack.token, "unit_agent": issue_token(agent)}
        db.session.commit()

    client = stack.app.test_client()
    timed: dict[str, Any] = {}
    every: list[float] = []
    for role, token in tokens.items():
        for label, q, extra in QUERIES:
            if role == "unit_agent" and label in ("a phone",):
                continue  # a unit never matches phones
            args = {"q": q, **{k: v.format(month_ago=month_ago) for k, v in extra.items()}}
            headers = {"Authorization": f"Bearer {token}"}
            client.get("/api/v1/tickets", query_string=args, headers=headers)  # warm
            times = []
            total = None
            for _ in range(REPEATS):
                t = time.perf_counter()
                response = client.get("/api/v1/tickets", query_string=args, headers=headers)
                times.append((time.perf_counter() - t) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{label}: {response.status_code} {response.get_data()!r}")
                total = response.get_json()["total"]
            every += times
            timed[f"{role}: {label}"] = {
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(_p95(times), 1),
                "total": total,
            }
    out["queries"] = timed
    out["p95_ms"] = round(_p95(every), 1)
    out["p50_ms"] = round(statistics.median(every), 1)
    out["requests"] = len(every)
    return out


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
