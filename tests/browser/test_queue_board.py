"""The queue board in headless Chromium, fed by signed webhooks over real HTTP: a supervisor
watches a caller arrive, an operator's softphone take them, the call end and the operator come
back ready; `flask voice simulate` adds a caller who gives up; the figures follow."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select

from hotline.auth.models import User
from hotline.calls.simulate import Simulation, http_post
from hotline.core.extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.committed]

CALLER = "+8613812345678"
TOKEN = "browser-auth-token"


@pytest.fixture
def login(browser, live_server) -> Iterator[Callable[[str], object]]:
    """Sign in in a fresh browser context; every context is closed after the test, so no board
    left open keeps polling the live server while other tests run."""
    contexts = []

    def _login(username: str):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", f"{username}123")
        page.click("form button[type=submit]")
        page.wait_for_load_state()
        return page

    yield _login
    for context in contexts:
        context.close()


def _count(page, test: str) -> int:
    return int(page.inner_text(f"[data-test={test}]").strip())


def _until(page, test: str, value: int) -> None:
    """Wait for the board's next htmx refresh to show `value` (it polls every 5 s)."""
    page.wait_for_function(
        "([sel, want]) => document.querySelector(sel)?.textContent.trim() === want",
        arg=[f"[data-test={test}]", str(value)],
        timeout=15_000,
    )


@pytest.fixture
def signed(live_app, live_server, monkeypatch) -> Simulation:
    """The live app checks signatures against its own address, as it would behind Twilio."""
    monkeypatch.setitem(live_app.config, "TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setitem(live_app.config, "PUBLIC_BASE_URL", live_server)
    return Simulation(
        base_url=live_server,
        public_url=live_server,
        auth_token=TOKEN,
        account_sid="AC" + "1" * 32,
        number="+8612345000000",
        post=http_post,
        echo=lambda line: None,
    )


def test_the_board_follows_a_call_from_arrival_to_hang_up(
    login, live_server, live_app, shoot, signed
) -> None:
    with live_app.app_context():
        operator = db.session.scalar(select(User).where(User.username == "operator"))
        operator_id, operator_name = operator.id, operator.display_name

    board = login("supervisor")
    board.click("[data-test=nav-calls]")
    board.wait_for_url(f"{live_server}/console/calls")
    assert _count(board, "waiting-count") == 0
    offered, answered = _count(board, "offered-today"), _count(board, "answered-today")
    shoot(board, "queue-board-zh-01-quiet")

    call_sid, queued = signed.arrive(caller=CALLER)
    assert queued  # 7×24: no office hours configured
    _until(board, "waiting-count", 1)
    waiting = board.locator("[data-test=waiting] tr", has_text="138****5678")
    assert waiting.count() == 1
    assert CALLER not in board.content()
    assert _count(board, "offered-today") == offered + 1
    shoot(board, "queue-board-zh-02-caller-waiting")

    leg = signed.answer(
        call_sid=call_sid, caller=CALLER, operator_id=operator_id, label="operator", wait=14
    )
    _until(board, "waiting-count", 0)
    _until(board, "busy-count", 1)
    row = board.locator(f"[data-test=operators] tr[data-operator='{operator_id}']")
    assert operator_name in row.inner_text()
    assert "通话中" in row.inner_text()
    assert _count(board, "answered-today") == answered + 1
    shoot(board, "queue-board-zh-03-answered")

    signed.leave_queue(call_sid=call_sid, caller=CALLER, result="bridged", wait=14)
    signed.end(call_sid=call_sid, caller=CALLER, duration=80)
    signed.end_leg(leg=leg, operator_id=operator_id, duration=60)
    _until(board, "ready-count", 1)
    assert "空闲" in row.inner_text()

    abandoned = _count(board, "abandoned-today")
    result = live_app.test_cli_runner().invoke(
        args=["voice", "simulate", "--url", live_server, "--from", "13900001111", "--abandon"]
    )
    assert result.exit_code == 0, result.output
    _until(board, "abandoned-today", abandoned + 1)
    _until(board, "offered-today", offered + 2)
    shoot(board, "queue-board-zh-04-after-calls")

    board.click("[data-test=tab-figures]")
    board.wait_for_url(f"{live_server}/console/figures")
    figures_row = board.locator(f"[data-test=per-operator] tr[data-operator='{operator_id}']")
    assert operator_name in figures_row.inner_text()
    shoot(board, "queue-board-zh-05-figures")

    board.goto(f"{live_server}/console/calls?lang=en")
    assert "Callers waiting" in board.inner_text("[data-test=queue-stats]")
    assert "Ready" in board.inner_text("[data-test=operators]")
    shoot(board, "queue-board-en-01")


def test_the_inspectors_dashboard_has_the_phone_card(login, shoot) -> None:
    page = login("inspector")
    card = page.locator("[data-test=phone-card]")
    assert card.count() == 1
    assert "热线服务" in card.inner_text()
    card.scroll_into_view_if_needed()
    shoot(page, "queue-board-zh-06-dashboard-card")
