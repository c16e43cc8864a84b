"""End to end in headless Chromium: a call is logged, handled, called back, reopened and counted."""

from __future__ import annotations

import csv
import io
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.committed]

UNIT = "C-SCJG"  # the demo unit of the `agent` login
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

TEXT = {
    "zh": {
        "accept": "签收",
        "reply": "答复",
        "reopened": "发回重办",
        "in_progress": "办理中",
        "dispatched": "待签收",
        "console_title": "来电登记",
        "not_resolved": "未解决",
    },
    "en": {
        "accept": "Accept",
        "reply": "Reply",
        "reopened": "Sent back for rework",
        "in_progress": "In progress",
        "dispatched": "To accept",
        "console_title": "Log a call",
        "not_resolved": "Not resolved",
    },
}


def _login(browser, base: str, username: str, lang: str):
    context = browser.new_context(
        locale="zh-CN" if lang == "zh" else "en-US", accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{base}/login" + ("?lang=en" if lang == "en" else ""))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    return page


def _rollup(live_app) -> None:
    """What the scheduler's figures roll-up job does every five minutes."""
    from hotline.oversight.jobs import rollup_figures

    with live_app.app_context():
        rollup_figures()


def _unit_row(page, code: str) -> list[str]:
    return page.locator(f"tr[data-unit='{code}'] td").all_inner_texts()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_call_to_reopen_story_in_the_browser(browser, live_server, live_app, shoot, lang) -> None:
    """Operator logs a call → agent accepts and replies → unsatisfied callback reopens → figures."""
    t = TEXT[lang]
    phone = "13912345678" if lang == "zh" else "13987654321"

    # The inspector's figures before anything happens.
    _rollup(live_app)
    inspector = _login(browser, live_server, "inspector", lang)
    assert inspector.url.endswith("/dashboard")
    before = _unit_row(inspector, UNIT)
    dispatched_before = int(before[2])

    # 1. The operator logs the call, with the caller's number prefilled from the URL.
    operator = _login(browser, live_server, "operator", lang)
    assert operator.url.endswith("/console")
    operator.goto(f"{live_server}/console?phone={phone}")
    assert operator.input_value("#phone") == phone
    assert t["console_title"] in operator.inner_text("h1")
    operator.fill("#description", "鑫源超市销售过期食品，要求市场监管部门查处")
    operator.wait_for_selector("#suggest table, #suggest .pick")
    operator.select_option("#unit", UNIT)
    shoot(operator, f"{lang}-01-console-new-call")
    operator.click("[data-test=log-call]")
    # The console stays open for the next call (the softphone would hang up on leaving) and
    # links the new ticket; the form is fresh again.
    link = operator.wait_for_selector("[data-test=logged-link]")
    number = link.inner_text()
    assert re.fullmatch(r"\d{8}-\d{6}", number)
    assert operator.input_value("#description") == ""
    operator.goto(f"{live_server}/tickets/{number}")
    assert t["dispatched"] in operator.inner_text(".pagehead")
    shoot(operator, f"{lang}-02-ticket-dispatched")

    # 2. The unit agent accepts and replies with an attachment; the phone is masked.
    agent = _login(browser, live_server, "agent", lang)
    assert agent.url.endswith("/workbench")
    row = agent.locator(f"tr[data-ticket='{number}']")
    assert "139****" in row.inner_text()
    shoot(agent, f"{lang}-03-workbench-to-accept")
    row.locator("[data-test=accept]").click()
    agent.goto(f"{live_server}/workbench?tab=in_progress")
    row = agent.locator(f"tr[data-ticket='{number}']")
    assert row.locator(".countdown").count() == 1
    row.locator("[data-test=reply-open]").click()
    row.locator("textarea[name=text]").fill("经查，已责令超市下架过期食品并立案处罚。")
    row.locator("input[name=files]").set_input_files(
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": PNG}]
    )
    shoot(agent, f"{lang}-04-workbench-reply")
    row.locator("[data-test=reply-submit]").click()
    agent.wait_for_load_state()
    agent.goto(f"{live_server}/tickets/{number}")
    assert agent.locator(".timeline a[href*='/files/']").count() == 1
    shoot(agent, f"{lang}-05-ticket-replied-unit-view")

    # 3. The operator calls back: not resolved, 2 不满意 → the ticket goes back to the unit.
    operator.goto(f"{live_server}/console/callbacks?per_page=100")
    row = operator.locator("tr", has=operator.locator(f"a:text-is('{number}')"))
    row.locator("[data-test=callback-open]").click()
    form = row.locator("[data-test=callback-form]")
    form.locator("input[name=resolved][value='0']").check()
    form.locator("input[name=satisfaction][value='2']").check()
    shoot(operator, f"{lang}-06-callback-form")
    form.locator("[data-test=callback-submit]").click()
    operator.wait_for_load_state()
    operator.goto(f"{live_server}/tickets/{number}")
    assert t["in_progress"] in operator.inner_text(".pagehead")
    assert t["reopened"] in operator.inner_text(".timeline")
    assert t["not_resolved"] in operator.inner_text(".timeline")
    shoot(operator, f"{lang}-07-ticket-reopened")

    # 4. The inspector sees the figures change after the roll-up, and exports them as CSV.
    _rollup(live_app)
    inspector.reload()
    after = _unit_row(inspector, UNIT)
    assert int(after[2]) == dispatched_before + 1
    assert after != before
    inspector.wait_for_function("window.Chart && Chart.getChart('rankChart') !== undefined")
    shoot(inspector, f"{lang}-08-dashboard")
    with inspector.expect_download() as download_info:
        inspector.click("[data-test=export-figures-csv]")
    content = download_info.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert any(r[1] == after[1] and r[2] == after[2] for r in rows[1:])

    for page in (inspector, operator, agent):
        page.context.close()


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        ("operator", ["/console/triage", "/console/missed"]),
        ("supervisor", ["/console/requests"]),
        ("unithead", ["/workbench/escalations", "/workbench/interviews"]),
        (
            "inspector",
            [
                "/dashboard/overdue",
                "/dashboard/escalations",
                "/dashboard/interviews",
                "/dashboard/appeals",
                f"/dashboard/units/{UNIT}/credit",
            ],
        ),
        (
            "admin",
            [
                "/admin",
                "/admin/units",
                "/admin/users",
                "/admin/categories",
                "/admin/rules",
                "/admin/policies",
                "/admin/calendar",
                "/admin/api-keys",
            ],
        ),
    ],
)
def test_every_page_renders_in_chromium(browser, live_server, shoot, username, paths) -> None:
    """Each role's other pages load without an error page; a screenshot of each is kept."""
    page = _login(browser, live_server, username, "zh")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for path in paths:
        response = page.goto(f"{live_server}{path}")
        assert response is not None, path
        assert response.status == 200, path
        name = path.strip("/").replace("/", "-")
        shoot(page, f"zh-page-{name}")
    assert errors == []
    page.context.close()


def test_login_page_screenshot(browser, live_server, shoot) -> None:
    """The login page shows the Chinese form by default and refuses a wrong password."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/login")
    assert "工作人员登录" in page.inner_text("h1")
    shoot(page, "zh-00-login")
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", "wrong-password")
    page.click("form button[type=submit]")
    assert "用户名或密码错误" in page.inner_text(".flashes")
    context.close()
