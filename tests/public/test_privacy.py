"""Nothing personal ever appears on the public site: every page, reached by following its own
links in both languages, is searched for phone numbers (whole, masked or landline), the names
of the complainants and unit heads in the data, and addresses with house numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.escalations import publication
from hotline.metrics.rollup import roll_up
from hotline.tickets import publication as ticket_publication
from hotline.tickets import transitions as tx
from tests.factories import OPERATOR, SUPERVISOR, UnitFactory, ticket_in
from tests.support.interviews import interview_case

COMPLAINANTS = ["李秀英", "王建华", "张晓燕", "刘德明", "陈淑芬", "欧阳娜娜"]
HEADS = ["赵局长", "钱主任"]
STREETS = ["幸福路", "解放大道", "五一北路"]

PHONE_PATTERNS = {
    "mobile": re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)"),
    "masked mobile": re.compile(r"1[3-9]\d[*＊xX]{4}\d{4}"),
    "masked digits": re.compile(r"\*{3,}\d{2,}"),
    "landline": re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"),
    "international": re.compile(r"\+86"),
    "house number": re.compile(r"\d+\s?(?:号楼|号院|号|栋|幢|单元|室|弄)"),
}


@pytest.fixture
def world(session, clock):
    """Two units with a month of real tickets from named complainants (some published on the
    Open311 feed), rolled up; one unit head's commitment published with numbers in its text."""
    clock.set("2026-11-09T09:00:00+08:00")
    units = [
        UnitFactory(code="PRIV-A", name="市公安局出入境管理支队", head_name=HEADS[0]),
        UnitFactory(code="PRIV-B", name="市社会保险事业管理中心", head_name=HEADS[1]),
    ]
    for i in range(24):
        unit = units[i % 2]
        name = COMPLAINANTS[i % len(COMPLAINANTS)]
        phone = f"1391234{i:04d}"
        street = STREETS[i % len(STREETS)]
        ticket = ticket_in(
            "closed" if i % 3 else "replied",
            unit=unit,
            now=clock.now + timedelta(hours=i),
            name=name,
            phone=phone,
            disclose_identity=True,
            publish_consent=True,
            address=f"{street}{10 + i}号{i % 5 + 1}单元{i}02室",
            district="鼓楼区",
            description=f"我是{name}，电话{phone}，住{street}{10 + i}号，小区门口占道经营无人管。",
        )
        if i % 3 == 0:
            tx.callback(ticket, actor=OPERATOR, reached=True, resolved=True, satisfaction=4)
        if i % 4 == 0:  # on the Open311 feed: the public channel rules still apply there
            ticket_publication.publish(ticket, actor=SUPERVISOR, now=clock.now)
    case = interview_case(
        units[0],
        stage="committed",
        now=clock.now,
        commitment="设立投诉专线 0591-87654321 和 13800138000，市民中心 18 号窗口延时到 20 时。",
    )
    publication.publish(case_id=case.id, actor=Actor(role="inspector"), now=clock.now)
    clock.set("2026-12-02T09:00:00+08:00")
    while roll_up(now=utcnow()):
        pass
    db.session.commit()
    return units


def crawl(client, start: str) -> Iterator[tuple[str, str]]:
    """(path, HTML) of every /public page reachable from `start` by its links."""
    seen, todo = set(), [start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        yield path, html
        for href in re.findall(r'href="(/public[^"#]*)"', html):
            todo.append(href.replace("&amp;", "&"))


def leaks(html: str) -> list[str]:
    found = [
        f"{kind}: {m.group(0)}" for kind, p in PHONE_PATTERNS.items() for m in p.finditer(html)
    ]
    found += [f"name: {n}" for n in COMPLAINANTS + HEADS if n in html]
    found += [f"street: {s}" for s in STREETS if s in html]
    found += ["complaint text" for _ in [1] if "占道经营" in html]
    return found


def test_no_page_of_the_public_site_shows_anything_personal(client, world):
    pages = {}
    for start in ("/public", "/public?lang=en"):
        pages.update(crawl(client, start))
    # Every active unit's page in both languages, and the ranking, were walked.
    for unit in world:
        assert f"/public/units/{unit.code}" in pages
        assert f"/public/units/{unit.code}?lang=en" in pages
    assert "设立投诉专线" in pages["/public/units/PRIV-A"]  # the published commitment is there
    assert "[电话]" in pages["/public/units/PRIV-A"]
    for path, html in pages.items():
        assert leaks(html) == [], path
    # The same pages again, now from the cache.
    for path in pages:
        again = client.get(path)
        assert again.headers["X-Cache"] == "hit", path
        assert leaks(again.get_data(as_text=True)) == [], path


def test_the_walk_would_catch_a_leak(client, world):
    """The patterns find what they look for (so a clean walk means something)."""
    sample = "李秀英 13912340001 139****0001 ****0001 0591-87654321 幸福路10号3单元 +8613800138000"
    kinds = {leak.split(":")[0] for leak in leaks(sample)}
    assert kinds >= {"mobile", "masked mobile", "masked digits", "landline", "house number"}
    assert "name" in kinds
    assert "street" in kinds
    assert "international" in kinds
