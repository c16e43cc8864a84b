"""The ticket search in headless Chromium: an operator types words into the top box, sees the
best match first with the words marked, narrows by district and status; a unit's agent finds
only its own unit's tickets, phones masked."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.committed]

UNIT = "C-SCJG"  # the demo unit of the `agent` login
PHONE = "+8613700001111"


def _tickets(live_app) -> dict[str, str]:
    """Tickets about a building site (two in the agent's unit, one elsewhere) and one about
    something else, with their search words written as the search-words job writes them."""
    from sqlalchemy import select

    from hotline.core.extensions import db
    from hotline.tickets import search
    from hotline.units.models import Unit
    from tests.factories import new_ticket, ticket_in

    with live_app.app_context():
        ours = db.session.scalar(select(Unit).where(Unit.code == UNIT))
        other = db.session.scalar(select(Unit).where(Unit.code != UNIT, Unit.kind == "responsible"))
        made = {
            "site": ticket_in(
                "dispatched",
                unit=ours,
                description="滨江路工地夜间施工噪音扰民，工地每晚施工到凌晨两点，多次反映没有解决",
                address="滨江路88号",
                district="东城区",
                phone=PHONE,
            ),
            "once": ticket_in(
                "accepted",
                unit=ours,
                description="楼下饭店油烟很大，隔壁工地偶尔也有施工声音",
                district="西城区",
                phone=PHONE,
            ),
            "elsewhere": ticket_in(
                "dispatched",
                unit=other,
                description="学校门口工地渣土车带泥上路",
                district="东城区",
            ),
            "lamp": new_ticket(description="小区路灯不亮，晚上看不清路"),
        }
        numbers = {k: t.number for k, t in made.items()}
        db.session.commit()
        search.reindex(commit=db.session.commit)
        return numbers


def _login(browser, base: str, username: str):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800}).new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    return page


def _rows(page) -> list[str]:
    return page.locator("[data-test=search-results] tr td:first-child a").all_inner_texts()


def test_an_operator_searches_by_words_and_filters(browser, live_server, live_app, shoot) -> None:
    n = _tickets(live_app)
    page = _login(browser, live_server, "operator")
    page.fill("[data-test=top-search]", "工地 施工")
    page.press("[data-test=top-search]", "Enter")
    page.wait_for_url(re.compile(r"/tickets\?q="))
    rows = _rows(page)
    assert rows[0] == n["site"]  # the best match first
    assert n["once"] in rows
    assert n["elsewhere"] in rows
    assert n["lamp"] not in rows
    marked = page.locator("[data-test=search-results] mark").all_inner_texts()
    assert {"工地", "施工"} <= set(marked)
    assert page.locator("[data-test=search-results]").inner_text().count(PHONE) >= 2
    shoot(page, "search-01-operator-words")

    page.select_option("[data-test=search-district]", "东城区")
    page.click("[data-test=search-form] button[type=submit]")
    page.wait_for_load_state()
    # other browser tests leave their tickets in the live database: judge ours
    rows = set(_rows(page))
    assert {n["site"], n["elsewhere"]} <= rows
    assert n["once"] not in rows  # 西城区
    page.select_option("[data-test=search-status]", "dispatched")
    page.select_option("[data-test=search-unit]", UNIT)
    page.click("[data-test=search-form] button[type=submit]")
    page.wait_for_load_state()
    rows = _rows(page)
    assert n["site"] in rows
    assert n["elsewhere"] not in rows  # another unit's
    shoot(page, "search-02-operator-filters")

    page.goto(f"{live_server}/tickets?q=工地&from=yesterday")
    assert "日期格式应为 YYYY-MM-DD" in page.inner_text("[data-test=search-errors]")
    shoot(page, "search-03-bad-date")


def test_an_agent_finds_only_its_units_tickets_masked(
    browser, live_server, live_app, shoot
) -> None:
    n = _tickets(live_app)
    page = _login(browser, live_server, "agent")
    page.fill("[data-test=top-search]", "工地")
    page.press("[data-test=top-search]", "Enter")
    page.wait_for_url(re.compile(r"/tickets\?q="))
    rows = _rows(page)
    assert n["site"] in rows
    assert n["once"] in rows
    assert n["elsewhere"] not in rows
    table = page.locator("[data-test=search-results]").inner_text()
    assert PHONE not in table
    assert "137****1111" in table
    assert page.locator("[data-test=search-unit]").count() == 0
    shoot(page, "search-04-agent-scoped")
