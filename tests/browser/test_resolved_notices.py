"""A request decided by one supervisor, in headless Chromium: the other supervisor's "to decide"
notice turns grey with who decided it and stops counting as unread; the unit hears the outcome."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.committed]

UNIT = "C-SCJG"  # the demo unit of the `agent` login
SECOND = ("supervisor2", "值班长 刘强")


def _login(browser, base: str, username: str, lang: str = "zh"):
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
    return int(badge.inner_text().rstrip("+")) if badge.count() else 0


def _extension_requested(live_app) -> str:
    """A second supervisor, and a ticket of the demo unit whose agent asked for 3 more days."""
    from sqlalchemy import select

    from hotline.auth.models import User
    from hotline.auth.users import create_user
    from hotline.core.extensions import db
    from hotline.tickets import transitions as tx
    from hotline.units import service as units
    from tests.factories import ticket_in, unit_actor

    with live_app.app_context():
        username, name = SECOND
        if db.session.scalar(select(User.id).where(User.username == username)) is None:
            create_user(
                username=username,
                password=f"{username}123",
                role="supervisor",
                display_name=name,
            )
        unit = units.get_by_code(UNIT)
        ticket = ticket_in("accepted", unit=unit)
        tx.request_extension(ticket, actor=unit_actor(unit), days=3, reason="需要现场复核")
        db.session.commit()
        return ticket.number


def test_one_supervisor_decides_and_the_others_notice_turns_grey(
    browser, live_server, live_app, shoot
) -> None:
    number = _extension_requested(live_app)

    # 王芳 sees the request to decide, unread, with the link to act
    first = _login(browser, live_server, "supervisor")
    before = _badge(first)
    assert before >= 1
    first.goto(f"{live_server}/notices")
    row = first.locator("tr.unread", has_text=number)
    assert row.count() == 1
    assert row.locator("a", has_text="去审批").count() == 1
    shoot(first, "resolved-01-to-decide")

    # 刘强 follows his own copy to the requests page and approves it there
    second = _login(browser, live_server, SECOND[0])
    second.goto(f"{live_server}/notices")
    second.locator("tr.unread", has_text=number).locator("a", has_text="去审批").click()
    second.wait_for_url(re.compile(r"/console/requests"))
    second.locator("tr", has_text=number).locator("button", has_text="同意延期").click()
    second.wait_for_load_state()
    assert second.locator("tr", has_text=number).count() == 0  # nothing left to decide

    # 王芳's copy is now grey, says who decided, and no longer counts
    first.goto(f"{live_server}/notices")
    row = first.locator("tr.resolved", has_text=number)
    assert row.count() == 1
    assert f"{SECOND[1]}于" in row.inner_text()
    assert "已同意" in row.inner_text()
    assert row.locator("a", has_text="去审批").count() == 0
    assert _badge(first) == before - 1
    first.click("[data-test=tab-unread]")
    assert first.locator("tr", has_text=number).count() == 0
    first.click("[data-test=tab-all]")
    shoot(first, "resolved-02-decided-by-another")

    english = _login(browser, live_server, "supervisor", "en")
    english.goto(f"{live_server}/notices?lang=en")
    row = english.locator("tr.resolved", has_text=number)
    assert f"Approved by {SECOND[1]}" in row.inner_text()
    shoot(english, "resolved-03-decided-by-another-en")

    # the unit's agent hears that the extension was approved, with the new deadline
    agent = _login(browser, live_server, "agent")
    agent.goto(f"{live_server}/notices")
    told = agent.locator("tr.unread", has_text=number).filter(has_text="延期申请已批准")
    assert told.count() == 1
    shoot(agent, "resolved-04-agent-told")
