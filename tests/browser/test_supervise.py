"""/supervise/new on a 375-px phone in headless Chromium: a special supervisor signs in, files a
spot-check report, and finds it on their page beside an earlier filing's answer."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from hotline.auth.models import User
from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.seed import supervisors as demo
from hotline.tickets import filed
from hotline.tickets import service as tickets
from hotline.tickets import transitions as tx
from hotline.tickets.models import Ticket
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.committed]

PHONE = {"width": 375, "height": 812}
ANSWER = "已责令窗口整改，公布办事材料清单，不得要求清单外材料。"
TEXT = {
    "zh": {
        "new": "我要反映",
        "report": "暗访报告",
        "submitted": "已提交，工单号",
        "received": "已受理",
    },
    "en": {
        "new": "File a report",
        "report": "Spot-check report",
        "submitted": "Submitted: ticket",
        "received": "received",
    },
}


def _supervisors_with_an_answer(live_app) -> None:
    """The demo stations and supervisors (once per browser database), and one filing of
    `jiandu`'s answered by its unit, as the workbench would."""
    with live_app.app_context():
        if db.session.scalar(select(User.id).where(User.username == "jiandu")) is None:
            demo.load_supervisors(now=utcnow())
        user = db.session.scalar(select(User).where(User.username == "jiandu"))
        if db.session.scalar(select(Ticket.id).where(Ticket.filed_by_id == user.id)):
            return  # the other language's run made it
        actor = Actor.of(user)
        ticket = tickets.create(
            actor=actor,
            channel="supervisor",
            filer=filed.filer_for(actor, now=utcnow()),
            kind="complaint",
            category="biz_approval",
            description="营业执照变更窗口要求提供“无违法证明”。",
            phone=None,
            address="市民中心3号窗口",
        )
        operator = Actor(role="operator", label="browser-test")
        tx.dispatch(ticket, actor=operator, unit="C-ZWFW")
        agent = Actor(role="unit_agent", unit_id=ticket.unit_id, label="browser-test")
        tx.accept(ticket, actor=agent)
        tx.reply(ticket, actor=agent, text=ANSWER)
        db.session.commit()


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_supervisor_files_a_spot_check_report_on_a_phone(
    browser, live_server, live_app, shoot, lang
) -> None:
    t = TEXT[lang]
    _supervisors_with_an_answer(live_app)
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN" if lang == "zh" else "en-US",
    )
    page = context.new_page()
    page.goto(f"{live_server}/login" + ("?lang=en" if lang == "en" else ""))
    page.fill("input[name=username]", "jiandu")
    page.fill("input[name=password]", "jiandu123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/supervise")
    assert ANSWER in page.content()  # the earlier filing's answer, in full
    _no_sideways_scroll(page)
    shoot(page, f"supervise-home-{lang}")

    page.click(f"nav.tabs a:has-text('{t['new']}')")
    page.wait_for_load_state()
    assert page.url.endswith("/supervise/new")
    _no_sideways_scroll(page)
    page.click(f".kinds label:has-text('{t['report']}')")
    page.select_option("select[name=category]", "biz_approval")
    text = f"暗访（{lang}）：不动产登记窗口午间无人值守，群众排队等候四十分钟。"
    page.fill("textarea[name=description]", text)
    page.fill("input[name=address]", "市民中心二楼不动产登记窗口")
    page.fill("input[name=district]", "东城区")
    form = shoot(page, f"supervise-new-{lang}")
    page.click("form.card button.primary")
    page.wait_for_load_state()

    assert "/supervise?filed=" in page.url
    number = page.url.rsplit("=", 1)[1]
    assert f"{t['submitted']} {number}" in page.content()
    card = page.locator(f"article[data-number='{number}']")
    assert t["received"] in card.inner_text()
    _no_sideways_scroll(page)
    home = shoot(page, f"supervise-filed-{lang}")
    for shot in (form, home):
        shutil.copy(shot, f"/tmp/i-c-sup-{shot.name}")
    with live_app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        assert (ticket.channel, ticket.kind, ticket.complainant_name) == (
            "supervisor",
            "report",
            "刘建华",
        )
    assert SCREENSHOTS.exists()
    context.close()


def test_an_admin_appoints_a_station_staffer_who_then_signs_in(
    browser, live_server, live_app, shoot
) -> None:
    _supervisors_with_an_answer(live_app)  # the demo stations
    admin = browser.new_context(locale="zh-CN").new_page()
    admin.goto(f"{live_server}/login")
    admin.fill("input[name=username]", "admin")
    admin.fill("input[name=password]", "admin123")
    admin.click("form button[type=submit]")
    admin.goto(f"{live_server}/admin/supervisors")
    admin.fill("input[name=username]", "zhandian_new")
    admin.fill("input[name=name]", "吴婷")
    admin.fill("input[name=phone]", "13905710009")
    admin.fill("input[name=password]", "zhandian_new123")
    admin.fill("input[name=affiliation]", "市民中心测评站点测评员")
    admin.select_option("select[name=station]", "S-SMZX")
    admin.click("form.stack button.btn-primary")
    admin.wait_for_load_state()
    row = admin.locator("tr[data-user='zhandian_new']")
    assert "市民中心营商环境监督测评站点" in row.inner_text()
    assert "在聘" in row.inner_text()
    shot = shoot(admin, "supervise-admin-roster")
    shutil.copy(shot, f"/tmp/i-c-sup-{shot.name}")

    phone = browser.new_context(viewport=PHONE, is_mobile=True, locale="zh-CN").new_page()
    phone.goto(f"{live_server}/login")
    phone.fill("input[name=username]", "zhandian_new")
    phone.fill("input[name=password]", "zhandian_new123")
    phone.click("form button[type=submit]")
    phone.wait_for_load_state()
    assert phone.url.endswith("/supervise")
    assert "站点的反映" in phone.content()
