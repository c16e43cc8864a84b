"""重新分类 in headless Chromium: an operator finds an unclassified ticket in triage, picks
市场监管 › 食品安全 from the tree, and the ticket goes to the market regulator at once; the ticket
page shows the path and the 重新分类 event."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.tickets import service as tickets
from hotline.tickets import transitions as tx
from hotline.tickets.models import Ticket, TicketEvent

pytestmark = [pytest.mark.browser, pytest.mark.committed]

TEXT = "楼下新开的熟食店卖的卤肉发酸发臭，孩子吃了肚子疼，请派人查一查。"


def _ticket_in_triage(live_app) -> str:
    with live_app.app_context():
        ticket = tickets.create(
            actor=Actor(role="operator", label="test"),
            channel="sms",
            description=TEXT,
            phone="13812340000",
            district="南城区",
        )
        tx.route(ticket)
        assert ticket.status == "triage"
        db.session.commit()
        return ticket.number


def test_an_operator_reclassifies_a_ticket_from_triage_and_it_is_dispatched(
    browser, live_server, live_app, shoot
) -> None:
    number = _ticket_in_triage(live_app)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", "operator123")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/console$"))

    page.goto(f"{live_server}/console/triage?per_page=100")
    row = page.locator("tr", has=page.locator(f"a:text('{number}')"))
    row.locator(f"[data-test=classify-{number}] summary").click()
    picker = row.locator("[data-test=classify-category]")
    labels = picker.locator("option").all_inner_texts()
    assert "市场监管 › 食品安全" in labels
    assert "城市管理 › 市容秩序 › 占道经营" in labels
    assert "市场监管" not in labels  # a group takes no tickets
    picker.select_option(label="市场监管 › 食品安全")
    row.locator("[data-test=classify-kind]").select_option("complaint")
    shoot(page, "classify-01-triage-picker")

    row.locator("[data-test=classify-submit]").click()
    page.wait_for_load_state()
    assert "已重新分类" in page.inner_text("body")
    assert number not in page.inner_text("table.list")  # dispatched: out of triage

    page.goto(f"{live_server}/tickets/{number}")
    assert page.inner_text("[data-test=ticket-category]") == "市场监管 › 食品安全"
    assert page.inner_text("[data-test=classified]") == "未分类 → 食品安全"
    assert "市市场监督管理局" in page.inner_text("body")
    shoot(page, "classify-02-ticket-page")

    with live_app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        assert (ticket.status, ticket.unit.code, ticket.category.code) == (
            "dispatched",
            "C-SCJG",
            "food_safety",
        )
        types = db.session.scalars(
            select(TicketEvent.type).where(TicketEvent.ticket_id == ticket.id)
        ).all()
        assert types[-2:] == ["classified", "dispatched"]
    context.close()
