"""Fair figures in headless Chromium: a unit appeals a bad rating, an inspector upholds it, and
the dashboard counts the appeal and lists the unit apart while it has too few tickets."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.committed]

UNIT = "C-SCJG"  # the demo unit of the `agent` and `unithead` logins
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _login(browser, base: str, username: str, lang: str = "zh"):
    context = browser.new_context(locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    page.goto(f"{base}/login" + ("?lang=en" if lang == "en" else ""))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    return page


def _rated_badly(live_app) -> str:
    """A ticket of the demo unit, answered and rated 1 by the complainant (committed)."""
    from hotline.core.actor import Actor
    from hotline.core.extensions import db
    from hotline.tickets import transitions as tx
    from hotline.units import service as units
    from tests.factories import ticket_in

    with live_app.app_context():
        ticket = ticket_in("replied", unit=units.get_by_code(UNIT))
        tx.rate(ticket, actor=Actor.complainant(), rating=1)
        db.session.commit()
        return ticket.number


def _rollup(live_app) -> None:
    from hotline.oversight.jobs import rollup_figures

    with live_app.app_context():
        rollup_figures()


def test_a_unit_appeals_and_the_inspector_upholds_in_the_browser(
    browser, live_server, live_app, shoot
) -> None:
    number = _rated_badly(live_app)

    # 1. The unit head appeals from the ticket page, with a photo as evidence.
    head = _login(browser, live_server, "unithead")
    head.goto(f"{live_server}/tickets/{number}")
    head.click("[data-test=appeal-open]")
    form = head.locator(f"form[action$='/{number}/appeal']")
    form.locator("textarea[name=reason]").fill(
        "诉求人要求退还的费用不属于本单位职权范围，已依法告知"
    )
    form.locator("textarea[name=evidence]").fill("答复引用《价格法》第十二条，并附现场核查照片")
    form.locator("input[name=files]").set_input_files(
        files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}]
    )
    shoot(head, "zh-fair-01-appeal-form")
    form.locator("[data-test=appeal-submit]").click()
    head.wait_for_load_state()
    assert "申诉已提交" in head.inner_text("body")
    assert head.locator("[data-test=pending-appeal]").count() == 1
    assert head.locator("[data-test=appeal-open]").count() == 0  # one at a time
    shoot(head, "zh-fair-02-ticket-appeal-pending")

    # 2. The inspector finds it among the appeals and upholds it.
    inspector = _login(browser, live_server, "inspector")
    inspector.goto(f"{live_server}/dashboard/appeals")
    row = inspector.locator("tr", has=inspector.locator(f"a:text-is('{number}')"))
    assert "答复引用《价格法》" in row.inner_text()
    shoot(inspector, "zh-fair-03-appeals-list")
    row.locator("button:text-is('申诉成立')").click()
    inspector.wait_for_load_state()
    inspector.goto(f"{live_server}/tickets/{number}")
    assert "申诉成立" in inspector.inner_text(".timeline")
    shoot(inspector, "zh-fair-04-ticket-appeal-upheld")

    # 3. The dashboard counts the upheld appeal for the unit, which is listed apart while it
    # has fewer than 10 tickets this month.
    _rollup(live_app)
    inspector.goto(f"{live_server}/dashboard")
    apart = inspector.locator("[data-test=figures-apart]")
    cells = apart.locator(f"tr[data-unit='{UNIT}'] td").all_inner_texts()
    assert cells[0] == "—"
    upheld = int(cells[12].split("/")[1])
    assert upheld >= 1
    assert "样本不足，不参与排名" in inspector.inner_text("[data-test=below-minimum]")
    shoot(inspector, "zh-fair-05-dashboard-apart-and-appeals")

    english = _login(browser, live_server, "inspector", "en")
    english.goto(f"{live_server}/dashboard?lang=en")
    assert "Too few tickets: not ranked" in english.inner_text("body")
    shoot(english, "en-fair-06-dashboard")
    for page in (head, inspector, english):
        page.context.close()
