"""The inbox in headless Chromium: a unit agent sees the unread badge, opens /notices, follows a
notice to its ticket, marks it read, and the badge goes down."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.committed]

UNIT = "C-SCJG"  # the demo unit of the `agent` login
TEXT = {
    "zh": {"notices": "通知", "read": "标为已读", "overdue": "已超期"},
    "en": {"notices": "Notices", "read": "Mark read", "overdue": "is overdue"},
}


def _overdue_ticket(live_app) -> str:
    """A ticket of the agent's unit dispatched long enough ago to be overdue, then the sweep
    the scheduler runs every minute."""
    from sqlalchemy import select

    from hotline.core.clock import utcnow
    from hotline.core.extensions import db
    from hotline.escalations.sweep import sweep
    from hotline.units.models import Unit
    from tests.factories import ticket_in

    with live_app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == UNIT))
        ticket = ticket_in("accepted", unit=unit, now=utcnow() - timedelta(days=9))
        db.session.commit()
        sweep(now=utcnow(), commit=db.session.commit)
        db.session.commit()
        return ticket.number


def _login(browser, base: str, username: str, lang: str):
    context = browser.new_context(locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    page.goto(f"{base}/login" + ("?lang=en" if lang == "en" else ""))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    return page


def _badge(page) -> int:
    badge = page.locator("#unread-badge")
    return int(badge.inner_text()) if badge.count() else 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_agent_follows_a_notice_to_its_ticket_and_reads_it(
    browser, live_server, live_app, shoot, lang
) -> None:
    t = TEXT[lang]
    number = _overdue_ticket(live_app)

    agent = _login(browser, live_server, "agent", lang)
    assert agent.url.endswith("/workbench")
    unread = _badge(agent)
    assert unread >= 2  # at least this ticket's 预警 and 催办
    shoot(agent, f"notices-{lang}-01-workbench-badge")

    agent.click("[data-test=notices-link]")
    agent.wait_for_url(re.compile(r"/notices$"))
    assert t["notices"] in agent.inner_text("h1")
    row = agent.locator("tr.unread", has_text=f"{number}").filter(has_text=t["overdue"])
    assert row.count() == 1
    shoot(agent, f"notices-{lang}-02-inbox")

    row.locator(f"a:text-is('{number}')").click()
    agent.wait_for_url(re.compile(rf"/tickets/{number}$"))
    assert number in agent.inner_text(".pagehead")
    shoot(agent, f"notices-{lang}-03-ticket-from-notice")

    agent.go_back()
    agent.wait_for_url(re.compile(r"/notices$"))
    row = agent.locator("tr.unread", has_text=f"{number}").filter(has_text=t["overdue"])
    row.locator("[data-test=read]").click()
    agent.wait_for_load_state()
    assert _badge(agent) == unread - 1
    assert agent.locator("tr.read", has_text=f"{number}").filter(has_text=t["overdue"]).count()
    shoot(agent, f"notices-{lang}-04-read")

    # the unread tab no longer lists it; "mark all read" empties it and the badge goes away
    agent.click("[data-test=tab-unread]")
    assert (
        agent.locator("tr.unread", has_text=f"{number}").filter(has_text=t["overdue"]).count() == 0
    )
    agent.click("[data-test=read-all]")
    agent.wait_for_load_state()
    assert _badge(agent) == 0
    shoot(agent, f"notices-{lang}-05-all-read")
