"""疑似重复 in headless Chromium: the unit sees the flag on its workbench; an operator opens the
flagged ticket, sees the banner and merges it into the original with one click."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.committed]

UNIT = "C-SCJG"  # the demo unit of the `agent` login


def _two_alike(live_app) -> tuple[str, str]:
    """Two complaints by the same caller about the same shop, both with the agent's unit; the
    routing job's duplicate check flags the later one."""
    from sqlalchemy import select

    from hotline.core.extensions import db
    from hotline.tickets import duplicates
    from hotline.units.models import Unit
    from tests.factories import ticket_in

    with live_app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == UNIT))
        said = "幸福路12号超市卖过期牛奶，店员拒绝退货"
        first = ticket_in("dispatched", unit=unit, phone="13911112222", description=said)
        later = ticket_in("dispatched", unit=unit, phone="13911112222", description=said + "。")
        duplicates.check(later)
        db.session.commit()
        return first.number, later.number


def _login(browser, base: str, username: str):
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    return page


def test_the_flag_is_seen_by_the_unit_and_merged_by_an_operator(
    browser, live_server, live_app, shoot
) -> None:
    first, later = _two_alike(live_app)

    agent = _login(browser, live_server, "agent")
    row = agent.locator(f"tr[data-ticket='{later}']")
    assert f"疑似重复：{first}" in row.inner_text()
    shoot(agent, "duplicates-01-workbench-flag")

    operator = _login(browser, live_server, "operator")
    operator.goto(f"{live_server}/tickets/{later}")
    banner = operator.locator("[data-test=possible-duplicate]")
    assert "疑似重复：" in banner.inner_text()
    assert first in banner.inner_text()
    assert "同一来电号码" in banner.inner_text()
    shoot(operator, "duplicates-02-ticket-flag")

    operator.click("[data-test=merge-duplicate]")
    operator.wait_for_url(re.compile(rf"/tickets/{later}$"))
    assert operator.locator("[data-test=possible-duplicate]").count() == 0
    assert "已并单" in operator.inner_text(".pagehead")
    shoot(operator, "duplicates-03-merged")
