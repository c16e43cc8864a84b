"""The operator's desk in headless Chromium: the softphone on the console with Twilio.Device
stubbed at the SDK's documented surface (the vendored file is swapped for the stub by route
interception), going ready, taking the next caller, the screen-pop, logging the call with
Ctrl+Enter, adding a call to an open ticket as 催办, calling back; and the real vendored SDK
loading under the page's Content-Security-Policy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.committed]

UNIT = "C-SCJG"  # a demo unit
PHONE = "+8613700001234"
OPERATOR_LEG = "CA" + "0f" * 16  # what Twilio names the operator's softphone leg
SDK = "**/static/vendor/twilio-voice/twilio.min.js"
STUB = (Path(__file__).parent / "twilio_device_stub.js").read_text()


@pytest.fixture
def voice_keys(live_app) -> Iterator[None]:
    keys = {
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_API_KEY": "SK" + "2" * 32,
        "TWILIO_API_SECRET": "browser-test-secret-of-32-bytes-or-more",
        "TWILIO_TWIML_APP_SID": "AP" + "3" * 32,
    }
    saved = {k: live_app.config.get(k) for k in keys}
    live_app.config.update(keys)
    try:
        yield
    finally:
        live_app.config.update(saved)


def _caller_with_tickets(live_app) -> dict:
    """An open ticket and a finished one for PHONE, and the call Twilio has recorded: the caller
    the operator's leg took from the queue."""
    from sqlalchemy import delete, select

    from hotline.calls.models import CallRecord
    from hotline.core.clock import utcnow
    from hotline.core.extensions import db
    from hotline.tickets.models import Ticket
    from hotline.units.models import Unit
    from tests.factories import ticket_in

    with live_app.app_context():
        db.session.execute(delete(CallRecord).where(CallRecord.operator_call_sid == OPERATOR_LEG))
        db.session.execute(delete(Ticket).where(Ticket.complainant_phone == PHONE))
        unit = db.session.scalar(select(Unit).where(Unit.code == UNIT))
        open_one = ticket_in("accepted", unit=unit, phone=PHONE, description="楼下餐馆油烟扰民")
        done = ticket_in("closed", unit=unit, phone=PHONE, description="去年反映的路灯不亮")
        now = utcnow()
        record = CallRecord(
            call_sid="CA" + "a1" * 16,
            from_phone=PHONE,
            offered_at=now,
            queued_at=now,
            answered_at=now,
            outcome="answered",
            wait_seconds=23,
            operator_call_sid=OPERATOR_LEG,
        )
        db.session.add(record)
        db.session.commit()
        return {"open": open_one.number, "done": done.number, "record_id": record.id}


def _until(page, script: str, seconds: float = 10) -> None:
    """Wait for a condition in the page. Playwright's wait_for_function evaluates its predicate
    with eval, which the page's CSP (rightly) forbids; page.evaluate is not bound by it."""
    for _ in range(int(seconds * 20)):
        if page.evaluate(script):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never true: {script}")


def _operator(browser, base: str, stub: bool = True):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    if stub:
        page.route(SDK, lambda route: route.fulfill(body=STUB, content_type="text/javascript"))
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", "operator123")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/console$"))
    return page


def _presence(live_app) -> str | None:
    from sqlalchemy import select

    from hotline.auth.models import User
    from hotline.calls.models import OperatorPresence
    from hotline.core.extensions import db

    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.username == "operator"))
        row = db.session.get(OperatorPresence, user.id)
        return row.state if row else None


def test_an_operator_takes_a_caller_sees_the_screen_pop_and_logs_the_call(
    browser, live_server, live_app, shoot, voice_keys
) -> None:
    from hotline.calls.models import CallRecord
    from hotline.core.extensions import db
    from hotline.tickets.models import Ticket

    made = _caller_with_tickets(live_app)
    page = _operator(browser, live_server)
    status = page.locator("[data-test=sp-status]")
    _until(page, "document.querySelector('[data-test=sp-status]').textContent === '软电话就绪'")
    assert page.evaluate("document.activeElement.id") == "phone"  # ready to type a number
    assert page.evaluate("window.__device.options.closeProtection").startswith("通话中")

    page.click("[data-presence=ready]")
    page.wait_for_selector("[data-presence=ready][aria-pressed=true]")
    assert _presence(live_app) == "ready"
    shoot(page, "softphone-01-ready")

    page.click("[data-test=take-next]")
    _until(page, "window.__device.calls.length === 1")
    assert page.evaluate("window.__device.calls[0].sentParams") == {}  # no To: the queue
    assert "正在接入" in status.inner_text()
    page.evaluate(f"window.__device.calls[0].answer('{OPERATOR_LEG}')")  # Twilio connects
    pop = page.locator("[data-test=screen-pop]")
    pop.wait_for()
    assert status.inner_text() == "通话中"
    assert PHONE in pop.locator("[data-test=caller-phone]").inner_text()
    assert made["open"] in pop.locator("[data-test=open-tickets]").inner_text()
    assert made["done"] in pop.locator("[data-test=history]").inner_text()
    assert page.input_value("#phone") == PHONE  # the form is filled in and bound to the call
    assert page.is_visible("[data-test=bound-call]")
    _until(page, "document.querySelector('[data-presence=busy]').ariaPressed === 'true'")
    assert _presence(live_app) == "busy"
    shoot(page, "softphone-02-screen-pop")

    page.fill("#description", "来电咨询：餐馆油烟何时整改到位")
    page.keyboard.press("Control+Enter")
    logged = page.locator("#callform-card [data-test=logged]")
    logged.wait_for()
    number = logged.locator("a").inner_text()
    assert page.input_value("#phone") == ""  # a fresh form, focused for the next call
    assert page.evaluate("document.activeElement.id") == "phone"
    assert not page.is_visible("[data-test=bound-call]")
    assert status.inner_text() == "通话中"  # the page (and so the call) stayed
    shoot(page, "softphone-03-logged")
    with live_app.app_context():
        from sqlalchemy import select

        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        assert ticket.channel == "phone"
        assert ticket.complainant_phone == PHONE
        assert db.session.get(CallRecord, made["record_id"]).ticket_id == ticket.id

    # The same caller also presses for their open ticket: 催办 on it.
    row = pop.locator(f"tr[data-ticket='{made['open']}']")
    row.locator("[data-test=append-open]").click()
    row.locator("textarea[name=text]").fill("来电人称油烟仍未改善，要求尽快处理")
    shoot(page, "softphone-04-append-form")
    row.locator("[data-test=append-submit]").click()
    row.locator("[data-test=appended]").wait_for()
    assert "来电催办" in row.inner_text()

    page.click("[data-test=hangup]")
    _until(page, "document.querySelector('[data-test=sp-status]').textContent === '通话已结束'")
    _until(page, "document.querySelector('[data-presence=ready]').ariaPressed === 'true'")
    assert _presence(live_app) == "ready"  # back to what it was before the call

    # The unit's ticket page shows the 催办 on its timeline.
    ticket_page = page.context.new_page()
    ticket_page.goto(f"{live_server}/tickets/{made['open']}")
    event = ticket_page.locator("li.ev-urged")
    assert "来电催办" in event.inner_text()
    assert "油烟仍未改善" in event.inner_text()
    shoot(ticket_page, "softphone-05-ticket-urged")
    page.context.close()


def test_call_back_from_the_missed_list_and_renew_the_token(
    browser, live_server, live_app, shoot, voice_keys
) -> None:
    from hotline.calls.models import CallbackTask
    from hotline.core.clock import utcnow
    from hotline.core.extensions import db

    with live_app.app_context():
        task = CallbackTask(phone="+8613900007777", status="open", created_at=utcnow())
        db.session.add(task)
        db.session.commit()
        task_id = task.id
    page = _operator(browser, live_server)
    page.goto(f"{live_server}/console/missed")
    _until(page, "window.__device !== undefined")
    row = page.locator("tr", has_text="+8613900007777")
    row.locator("[data-test=dial]").click()
    _until(page, "window.__device.calls.length === 1")
    sent = page.evaluate("window.__device.calls[0].sentParams")
    assert sent == {"To": "+8613900007777", "Task": str(task_id)}
    page.evaluate("window.__device.calls[0].answer('CA' + '5'.repeat(32))")
    page.wait_for_selector("[data-test=mute]:visible")
    page.click("[data-test=mute]")
    assert page.evaluate("window.__device.calls[0].isMuted()") is True
    assert page.inner_text("[data-test=mute]") == "取消静音"
    shoot(page, "softphone-06-calling-back")
    page.evaluate("window.__device.calls[0].disconnect()")  # the callee hangs up
    _until(page, "!document.querySelector('[data-test=mute]').offsetParent")
    # Twilio warns the token is about to lapse: a new one is fetched and handed over.
    page.evaluate("window.__device.emit('tokenWillExpire', window.__device)")
    _until(page, "window.__device.tokens.length === 2")
    first, second = page.evaluate("window.__device.tokens")
    assert first.count(".") == 2
    assert second.count(".") == 2
    page.context.close()


def test_without_twilio_keys_the_softphone_says_so_and_the_console_works(
    browser, live_server, live_app, shoot
) -> None:
    page = _operator(browser, live_server)
    _until(page, "document.querySelector('[data-test=sp-status]').textContent === '软电话未配置'")
    assert page.is_disabled("[data-test=take-next]")
    assert page.evaluate("window.__device") is None
    page.fill("#phone", "13812340000")
    page.fill("#description", "咨询：没有软电话也能登记")
    page.click("[data-test=log-call]")
    page.locator("#callform-card [data-test=logged]").wait_for()
    shoot(page, "softphone-07-unconfigured")
    page.context.close()


def test_the_real_vendored_sdk_loads_under_the_console_policy(
    browser, live_server, live_app
) -> None:
    """No stub: the committed bundle is served as JavaScript and runs under the page's CSP
    (no token is configured, so no Device is made and nothing reaches Twilio)."""
    page = _operator(browser, live_server, stub=False)
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security" in msg.text else None,
    )
    response = page.request.get(f"{live_server}/static/vendor/twilio-voice/twilio.min.js")
    assert response.status == 200
    assert "javascript" in response.headers["content-type"]
    page.reload()
    _until(page, "typeof window.Twilio === 'object'")
    assert page.evaluate("typeof Twilio.Device") == "function"
    assert page.evaluate("typeof Twilio.Device.isSupported") == "boolean"
    policy = page.evaluate("fetch('/console').then(r => r.headers.get('content-security-policy'))")
    assert "wss://*.twilio.com" in policy
    assert violations == []
    page.context.close()
