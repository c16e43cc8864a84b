"""Missed calls in headless Chromium: the operator's list shows the ticket number, the reason in
words, the tries and a 回拨 button the softphone hooks onto (off for an opted-out caller); a
call's recording plays in the browser through our proxy, which fetched it from the Twilio stub;
the ticket page plays its recording the same way, and no page shows Twilio's URL."""

from __future__ import annotations

import io
import re
import wave

import pytest

from tests.support.twilio_stub import TwilioStub

pytestmark = [pytest.mark.browser, pytest.mark.committed]

ACCOUNT = "AC" + "1" * 32
# Each language's run adds its own calls (the live database is shared by the session).
SIDS = {"zh": ("RE" + "a" * 32, "RE" + "b" * 32), "en": ("RE" + "c" * 32, "RE" + "d" * 32)}
CALLER, SILENT, OPTED = "+8613812340001", "+8613812340002", "+8613812340003"
TEXT = {
    "zh": {"reason": "排队超时未接", "hung_up": "排队中挂断", "opted": "来电人已退订"},
    "en": {
        "reason": "Not answered in time",
        "hung_up": "Hung up while waiting",
        "opted": "opted out",
    },
}


def _wav(seconds: float = 1.0) -> bytes:
    """A short silent WAV: Chromium plays it without any codec of ours."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * int(8000 * seconds))
    return out.getvalue()


def _url(sid: str) -> str:
    return f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/{sid}.wav"


def _missed_calls(live_app, lang: str) -> tuple[str, int, int, int]:
    """A spoken ticket with its recording and missed call; a silent call that left only a
    recording; an opted-out caller. Returns the ticket number and the three task ids."""
    from hotline.calls import recordings
    from hotline.calls.models import CallbackTask
    from hotline.core.clock import utcnow
    from hotline.core.extensions import db
    from hotline.notify.models import SmsOptOut
    from tests.factories import new_ticket

    with live_app.app_context():
        now = utcnow()
        ticket = new_ticket(channel="phone", phone=CALLER, description="小区路灯不亮三天了")
        spoken = CallbackTask(
            phone=CALLER, ticket_id=ticket.id, status="open", reason="timeout", created_at=now
        )
        silent = CallbackTask(phone=SILENT, status="open", reason="abandoned", created_at=now)
        opted = CallbackTask(phone=OPTED, status="open", reason="abandoned", created_at=now)
        db.session.add_all([spoken, silent, opted])
        db.session.merge(SmsOptOut(phone=OPTED, at=now))  # the other language's run may have it
        db.session.flush()
        ticket_sid, task_sid = SIDS[lang]
        for sid, task in ((ticket_sid, spoken), (task_sid, silent)):
            kept = recordings.keep(
                call_sid="CA" + sid[2:],
                recording_sid=sid,
                url=_url(sid),
                duration_seconds=1,
                callback_task_id=task.id,
                now=now,
            )
            if task is spoken:  # as the voice webhook does once the ticket exists
                recordings.attach(kept, ticket_id=ticket.id, now=now)
        db.session.commit()
        return ticket.number, spoken.id, silent.id, opted.id


@pytest.fixture
def twilio_stub(live_app):
    stub = TwilioStub().start()
    for sid in (sid for pair in SIDS.values() for sid in pair):
        stub.media[f"/2010-04-01/Accounts/{ACCOUNT}/Recordings/{sid}.wav"] = _wav()
    live_app.config["TWILIO_API_BASE"] = stub.url
    try:
        yield stub
    finally:
        live_app.config["TWILIO_API_BASE"] = ""
        stub.stop()


def _login(browser, base: str, lang: str):
    context = browser.new_context(locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    page.goto(f"{base}/login" + ("?lang=en" if lang == "en" else ""))
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", "operator123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    return page


def _plays(page, selector: str) -> float:
    """Load the <audio> element's media in the browser; its duration in seconds."""
    return page.eval_on_selector(
        selector,
        """a => new Promise((ok, no) => {
            a.addEventListener('loadedmetadata', () => ok(a.duration), {once: true});
            a.addEventListener('error', () => no(new Error('audio error ' + a.error.code)));
            a.load();
        })""",
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_operator_sees_missed_calls_and_hears_their_recordings(
    browser, live_server, live_app, twilio_stub, shoot, lang
) -> None:
    t = TEXT[lang]
    number, spoken, silent, opted = _missed_calls(live_app, lang)
    ticket_sid, task_sid = SIDS[lang]
    page = _login(browser, live_server, lang)
    page.goto(f"{live_server}/console/missed" + ("?lang=en" if lang == "en" else ""))

    row = page.locator(f"tr[data-task='{spoken}']")
    assert row.locator("a[data-test=ticket]").inner_text() == number
    assert t["reason"] in row.inner_text()
    assert re.search(r"0 / 3", row.locator("[data-test=attempts]").inner_text())
    button = row.locator("button.sp-dial")
    assert button.get_attribute("data-dial") == CALLER
    assert button.get_attribute("data-task") == str(spoken)
    assert button.is_enabled()

    off = page.locator(f"tr[data-task='{opted}'] button.sp-dial")
    assert off.is_disabled()
    assert off.get_attribute("data-dial") is None
    assert t["opted"] in page.locator(f"tr[data-task='{opted}']").inner_text()

    audio = f"tr[data-task='{silent}'] audio"
    assert page.get_attribute(audio, "src") == f"/console/missed/{silent}/recordings/{task_sid}"
    assert page.get_attribute(audio, "preload") == "none"
    assert t["hung_up"] in page.locator(f"tr[data-task='{silent}']").inner_text()
    assert _plays(page, audio) == pytest.approx(1.0, abs=0.05)
    assert "api.twilio.com" not in page.content()
    page.locator(f"tr[data-task='{spoken}'] summary[data-test=attempt-open]").click()
    shoot(page, f"missed-calls-{lang}-01-list")

    page.goto(f"{live_server}/tickets/{number}" + ("?lang=en" if lang == "en" else ""))
    player = f"#rec-{ticket_sid} audio"
    assert page.get_attribute(player, "src") == f"/tickets/{number}/recordings/{ticket_sid}"
    assert _plays(page, player) == pytest.approx(1.0, abs=0.05)
    assert "api.twilio.com" not in page.content()
    shoot(page, f"missed-calls-{lang}-02-ticket-recording")
    fetched = [r.path for r in twilio_stub.requests if r.method == "GET"]
    assert any(p.endswith(f"{task_sid}.wav") for p in fetched)
    assert any(p.endswith(f"{ticket_sid}.wav") for p in fetched)
