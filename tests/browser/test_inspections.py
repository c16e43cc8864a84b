"""In Chromium: an inspector records a mystery visit with a finding and a photo, the unit head
answers it on the workbench, the inspector sends it back once, the head answers again with
evidence, and the inspector accepts it (screenshots in test-artifacts/screenshots)."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.committed]

UNIT = "C-SCJG"  # the demo unit of the `unithead` login
FINDING = "窗口工作人员上班时间离岗约20分钟，无人替岗，群众排队等候。"
FIRST = "已对当事人批评教育。"
REASON = "请说明替岗制度如何落实，并附排班表。"
SECOND = "已建立AB岗替岗制度并张贴排班表，附制度文件。"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _login(browser, base: str, username: str):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    return page


def _snap(shoot, page, name: str) -> None:
    """A screenshot in the artifacts, copied to /tmp/i-c-insp-<name>.png to look at."""
    path = shoot(page, f"i-c-insp-{name}")
    shutil.copy(path, f"/tmp/i-c-insp-{name}.png")


def _today_and_due(live_app) -> tuple[str, str]:
    from hotline.core.clock import to_local, utcnow

    with live_app.app_context():
        today = to_local(utcnow()).date()
    return today.isoformat(), (today + timedelta(days=5)).isoformat()


def test_a_mystery_visit_finding_sent_back_once_then_accepted(
    browser, live_server, live_app, shoot
) -> None:
    today, due = _today_and_due(live_app)

    # The inspector records the visit: one finding with its due, and a photo.
    inspector = _login(browser, live_server, "inspector")
    inspector.goto(f"{live_server}/dashboard/inspections")
    inspector.click("[data-test=new-inspection]")
    form = inspector.locator("[data-test=inspection-form]")
    form.locator("select[name=kind]").select_option("mystery_visit")
    form.locator("select[name=unit]").select_option(UNIT)
    form.locator("input[name=date]").fill(today)
    form.locator("textarea[name=note]").fill("以办事群众身份到市场监管窗口办理营业执照变更")
    form.locator("textarea[name=finding_text]").first.fill(FINDING)
    form.locator("select[name=finding_severity]").first.select_option("major")
    form.locator("input[name=finding_due]").first.fill(due)
    form.locator("input[name=files]").set_input_files(
        files=[{"name": "暗访照片.png", "mimeType": "image/png", "buffer": PNG}]
    )
    _snap(shoot, inspector, "01-inspector-records-visit")
    form.locator("button[type=submit]").click()
    inspector.wait_for_load_state()
    body = inspector.inner_text("body")
    assert "检查已记录" in body
    assert FINDING in body
    assert "暗访照片.png" in body
    assert "待整改" in body
    inspection_url = inspector.url
    _snap(shoot, inspector, "02-inspection-page")

    # The head sees it on the workbench and answers.
    head = _login(browser, live_server, "unithead")
    head.goto(f"{live_server}/workbench/findings")
    card = head.locator("[data-finding]", has_text=FINDING)
    assert "明察暗访" in card.inner_text()
    card.locator("textarea[name=text]").fill(FIRST)
    _snap(shoot, head, "03-head-answers")
    card.locator("button[type=submit]").click()
    head.wait_for_load_state()
    assert "整改情况已提交" in head.inner_text("body")

    # The inspector sends it back once, with the reason.
    inspector.goto(inspection_url)
    inspector.locator("tr[data-finding]", has_text=FINDING).locator("a.btn").click()
    inspector.wait_for_load_state()
    assert FIRST in inspector.inner_text("body")
    inspector.locator("textarea[name=reason]").fill(REASON)
    _snap(shoot, inspector, "04-inspector-sends-back")
    inspector.click("[data-test=reject]")
    inspector.wait_for_load_state()
    assert "已退回整改" in inspector.inner_text("body")
    assert REASON in inspector.inner_text("[data-test=sent-back]")
    finding_url = inspector.url

    # The head reads why, and answers again with evidence files.
    head.goto(f"{live_server}/workbench/findings")
    card = head.locator("[data-finding]", has_text=FINDING)
    assert REASON in card.inner_text()
    card.locator("textarea[name=text]").fill(SECOND)
    card.locator("input[name=files]").set_input_files(
        files=[
            {"name": "排班表.png", "mimeType": "image/png", "buffer": PNG},
            {"name": "AB岗制度.pdf", "mimeType": "application/pdf", "buffer": PDF},
        ]
    )
    _snap(shoot, head, "05-head-answers-again")
    card.locator("button[type=submit]").click()
    head.wait_for_load_state()
    head.goto(f"{live_server}/workbench/findings?tab=answered")
    card = head.locator("[data-finding]", has_text=FINDING)
    assert "AB岗制度.pdf" in card.inner_text()
    assert "待督查审核" in card.inner_text()

    # The inspector accepts: rectified on time, the visit closed.
    inspector.goto(finding_url)
    assert SECOND in inspector.inner_text("body")
    _snap(shoot, inspector, "06-inspector-reviews")
    inspector.click("[data-test=accept]")
    inspector.wait_for_load_state()
    body = inspector.inner_text("body")
    assert "已确认整改" in body
    assert "已整改" in inspector.inner_text("[data-test=finding-status]")
    assert "按期" in body
    _snap(shoot, inspector, "07-finding-rectified")
    inspector.goto(inspection_url)
    assert "已完成" in inspector.inner_text(".pagehead")
    _snap(shoot, inspector, "08-inspection-closed")

    head.goto(f"{live_server}/workbench/findings?tab=rectified")
    assert FINDING in head.inner_text("body")
    head.goto(f"{live_server}/notices")
    assert "整改已确认" in head.inner_text("body")
    _snap(shoot, head, "09-head-notices")

    for page in (head, inspector):
        page.context.close()
