"""In Chromium: a unit head adds a negative-list item with its plan on the workbench, the
inspector approves it on the dashboard (where its overdue step shows), and the head marks a
step done."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.committed]

TITLE = "餐饮许可证办理“找熟人”才能加快"
MEASURES = "公布审批流程和时限，现场核查按受理顺序排期并网上公示。"
PERSON = "周敏（食品经营监管科副科长）"
STEPS = ("核查排期网上公示", "许可审批全程网办", "回访申请人满意度")


def _login(browser, base: str, username: str):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    return page


def _dates(live_app) -> tuple[str, str, str]:
    from hotline.core.clock import to_local, utcnow

    with live_app.app_context():
        today = to_local(utcnow()).date()
    # The first step's day is over already: it shows as overdue until it is done.
    return tuple((today + timedelta(days=d)).isoformat() for d in (-3, 20, 45))  # type: ignore[return-value]


def _shot(shoot, page, name: str) -> None:
    path = shoot(page, f"i-c-lists-{name}")
    shutil.copy(path, f"/tmp/i-c-lists-{name}.png")


def test_head_adds_an_item_and_the_inspector_approves_it(
    browser, live_server, live_app, shoot
) -> None:
    dues = _dates(live_app)

    # The head drafts the item and its plan on the workbench.
    head = _login(browser, live_server, "unithead")
    head.click("nav.mainnav a:has-text('负面清单')")
    head.wait_for_load_state()
    form = head.locator("[data-test=new-item]")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=measures]").fill(MEASURES)
    form.locator("input[name=responsible_person]").fill(PERSON)
    steps = form.locator("input[name=step]")
    due_inputs = form.locator("input[name=due]")
    for n, (step, due) in enumerate(zip(STEPS, dues, strict=True)):
        steps.nth(n).fill(step)
        due_inputs.nth(n).fill(due)
    _shot(shoot, head, "01-head-drafts")
    form.locator("button[type=submit]").click()
    head.wait_for_load_state()
    assert "已提交，等待督查审核" in head.inner_text(".flashes")
    card = head.locator("[data-item]", has_text=TITLE)
    assert "待审批" in card.locator("[data-test=item-status]").inner_text()
    assert card.locator("[data-test=milestone-overdue]").count() == 1
    item_id = card.get_attribute("data-item")
    _shot(shoot, head, "02-head-submitted")

    # The inspector finds it pending, with its overdue step on the front page, and approves it.
    inspector = _login(browser, live_server, "inspector")
    panel = inspector.locator("[data-test=milestones-panel]")
    assert STEPS[0] in panel.inner_text()
    _shot(shoot, inspector, "03-dashboard-overdue-panel")
    inspector.goto(f"{live_server}/dashboard/negative-lists?status=pending")
    card = inspector.locator(f"[data-item='{item_id}']")
    assert TITLE in card.inner_text()
    assert PERSON in card.inner_text()
    _shot(shoot, inspector, "04-inspector-reviews")
    card.locator("[data-test=approve]").click()
    inspector.wait_for_load_state()
    assert "已审核通过" in inspector.inner_text(".flashes")
    inspector.goto(f"{live_server}/dashboard/negative-lists?status=approved")
    card = inspector.locator(f"[data-item='{item_id}']")
    assert "已通过" in card.locator("[data-test=item-status]").inner_text()
    _shot(shoot, inspector, "05-inspector-approved")

    # The head sees it approved and marks the overdue step done, with a note.
    head.goto(f"{live_server}/workbench/negative-list")
    card = head.locator(f"[data-item='{item_id}']")
    assert "已通过" in card.locator("[data-test=item-status]").inner_text()
    row = card.locator("tr[data-milestone]").first
    row.locator("summary", has_text="标记完成").click()
    row.locator("textarea[name=note]").fill("排期已在门户网站公示")
    row.locator("button[type=submit]").click()
    head.wait_for_load_state()
    card = head.locator(f"[data-item='{item_id}']")
    assert "逾期完成" in card.locator("tr[data-milestone]").first.inner_text()
    assert "已通过" in card.locator("[data-test=item-status]").inner_text()  # progress, not an edit
    card.locator("details summary", has_text="变更记录").click()
    history = card.locator("[data-test=history]").inner_text()
    assert "审核通过并公开" in history
    assert "节点完成" in history
    _shot(shoot, head, "06-head-step-done")
    card.locator("summary[data-test=edit]").click()
    edit = card.locator("form[action$='/edit']")
    assert edit.locator("input[name=step]").first.get_attribute("readonly") is not None
    _shot(shoot, head, "07-head-edit-form")

    for page in (head, inspector):
        page.context.close()


def _ticket(live_app) -> str:
    """A ticket of the head's unit (C-SCJG), committed, for the inspector to link."""
    from sqlalchemy import select

    from hotline.core.extensions import db
    from hotline.units.models import Unit
    from tests.factories import ticket_in

    with live_app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "C-SCJG"))
        number = ticket_in("accepted", unit=unit).number
        db.session.commit()
        return number


def test_head_commits_publicly_and_the_inspector_records_a_breach(
    browser, live_server, live_app, shoot
) -> None:
    head = _login(browser, live_server, "unithead")
    head.goto(f"{live_server}/workbench/commitments")
    form = head.locator("[data-test=new-commitment]")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    form.locator("input[name=staff_name]").fill("登记窗口 张敏")
    form.locator("textarea[name=text]").fill("材料齐全当场受理，不让群众跑第二趟。")
    form.locator("textarea[name=measure]").fill("窗口公示承诺内容和监督电话")
    form.locator("button[type=submit]").click()
    head.wait_for_load_state()
    row = head.locator("tr[data-commitment]", has_text="登记窗口 张敏")
    commitment_id = row.get_attribute("data-commitment")
    assert "有效" in row.inner_text()
    _shot(shoot, head, "08-head-commitment")

    number = _ticket(live_app)  # came in after the commitment was made
    inspector = _login(browser, live_server, "inspector")
    inspector.goto(f"{live_server}/dashboard/commitments")
    row = inspector.locator(f"tr[data-commitment='{commitment_id}']")
    row.locator("summary", has_text="记录违诺").click()
    row.locator("input[name=ticket]").fill(number)
    row.locator("textarea[name=note]").fill("群众材料齐全仍被要求改日再来")
    row.locator("button[type=submit]").click()
    inspector.wait_for_load_state()
    assert "违诺已记录" in inspector.inner_text(".flashes")
    row = inspector.locator(f"tr[data-commitment='{commitment_id}']")
    assert number in row.locator("[data-test=breaches]").inner_text()
    _shot(shoot, inspector, "09-inspector-breach")

    head.goto(f"{live_server}/workbench/commitments")
    assert number in head.locator(f"tr[data-commitment='{commitment_id}']").inner_text()
    for page in (head, inspector):
        page.context.close()
