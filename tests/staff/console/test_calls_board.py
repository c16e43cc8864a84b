"""The queue board (GET /console/calls and its live part), the console's figures tab and the
dashboard's phone card."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hotline.audit.models import AuditEntry
from hotline.core.extensions import db
from tests.factories import UserFactory
from tests.support.calls import call_record, presence


@pytest.fixture
def now(clock):
    return clock.set("2026-10-12T10:00:00+08:00")


def _text(html: str, test: str) -> str:
    match = re.search(rf'data-test="{test}"[^>]*>(.*?)</', html, flags=re.S)
    assert match, f"no {test} on the page"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.fixture
def desk(staff, now):
    """Two callers waiting (95 s and 20 s), one caller long gone whose end we never heard of,
    two answered today and one abandoned; one operator ready, one busy, one away."""
    call_record(offered_at=now - timedelta(seconds=95), phone="+8613812345678")
    call_record(offered_at=now - timedelta(seconds=20), phone="+8613987654321")
    call_record(offered_at=now - timedelta(hours=3))  # stale "waiting": not on hold any more
    call_record(offered_at=now - timedelta(hours=1), outcome="answered", wait=8, talk=90)
    call_record(offered_at=now - timedelta(hours=2), outcome="answered", wait=30, talk=60)
    call_record(offered_at=now - timedelta(hours=2), outcome="abandoned", wait=44)
    ready = UserFactory(role="operator", display_name="王晓")
    busy = UserFactory(role="operator", display_name="李明")
    away = UserFactory(role="supervisor", display_name="赵班长")
    presence(ready.id, "ready", now - timedelta(minutes=3))
    presence(busy.id, "busy", now - timedelta(minutes=1), call_sid="CA" + "8" * 32)
    presence(away.id, "away", now - timedelta(hours=1))
    return staff


@pytest.mark.parametrize("who", ["operator", "supervisor"])
def test_the_board_shows_waiting_callers_operators_and_todays_calls(login, desk, who):
    html = login(getattr(desk, who)).get("/console/calls").get_data(as_text=True)
    assert _text(html, "waiting-count") == "2"
    assert _text(html, "longest-wait") == "1:35"
    assert (_text(html, "ready-count"), _text(html, "busy-count")) == ("1", "1")
    # Today: the two waiting, the stale one, two answered and one abandoned were offered.
    assert _text(html, "offered-today") == "6"
    assert (_text(html, "answered-today"), _text(html, "abandoned-today")) == ("2", "1")
    assert _text(html, "answer-rate-today") == "33.3%"
    waiting = html.split('data-test="waiting"', 1)[1].split("</table>", 1)[0]
    assert waiting.index("138****5678") < waiting.index("139****4321")  # longest first
    operators = html.split('data-test="operators"', 1)[1]
    assert operators.index("王晓") < operators.index("李明")
    assert "赵班长" in _text(html, "away")


def test_the_board_shows_numbers_masked_and_writes_no_audit_row_per_refresh(login, desk):
    client = login(desk.operator)
    for _ in range(3):
        html = client.get("/console/calls/live").get_data(as_text=True)
        assert "+8613812345678" not in html
        assert "13812345678" not in html
        assert "138****5678" in html
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_the_live_part_polls_itself(login, desk):
    html = login(desk.operator).get("/console/calls/live").get_data(as_text=True)
    assert 'hx-get="/console/calls/live"' in html
    assert 'hx-trigger="every 5s"' in html
    assert 'hx-swap="outerHTML"' in html
    assert "<html" not in html  # a fragment, not a page


def test_an_empty_board_says_so(login, staff, now):
    html = login(staff.operator).get("/console/calls").get_data(as_text=True)
    assert _text(html, "waiting-count") == "0"
    assert "当前没有等候的来电" in html
    assert "没有在线的话务员" in html
    assert _text(html, "answer-rate-today") == "—"


def test_the_console_nav_links_the_board(login, staff, now):
    html = login(staff.operator).get("/console").get_data(as_text=True)
    assert 'href="/console/calls"' in html


@pytest.mark.parametrize("who", ["agent", "inspector", "admin"])
def test_no_one_but_the_hotline_sees_the_board(login, staff, now, who):
    client = login(getattr(staff, who))
    assert client.get("/console/calls").status_code == 403
    assert client.get("/console/calls/live").status_code == 403
    assert client.get("/console/figures").status_code == 403


def test_the_board_is_in_english_too(login, desk):
    html = login(desk.operator).get("/console/calls?lang=en").get_data(as_text=True)
    for words in ("Call queue", "Callers waiting", "Longest wait", "Answer rate today", "Ready"):
        assert words in html
    assert "等候来电" not in html


def test_the_figures_tab_shows_a_chosen_period_per_operator(login, staff, now):
    op = UserFactory(role="operator", display_name="王晓")
    call_record(
        offered_at=now - timedelta(days=1), outcome="answered", wait=6, talk=120, operator_id=op.id
    )
    call_record(offered_at=now, outcome="abandoned", wait=20)
    client = login(staff.supervisor)
    today = client.get("/console/figures").get_data(as_text=True)
    assert (_text(today, "calls-offered"), _text(today, "calls-answered")) == ("1", "0")
    both = client.get("/console/figures?from=2026-10-11&to=2026-10-12").get_data(as_text=True)
    assert (_text(both, "calls-offered"), _text(both, "answer-rate")) == ("2", "50.0%")
    assert _text(both, "within-15s") == "50.0%"
    row = both.split('data-test="per-operator"', 1)[1]
    assert "王晓" in row
    assert "120.0" in row


@pytest.mark.parametrize(
    "query", ["from=2026-02-30", "to=<script>", "from=2026-10-13&to=2026-10-12", "from=0001-01-01"]
)
def test_bad_dates_on_the_figures_tab_are_flashed_and_today_shown(login, staff, now, query):
    response = login(staff.operator).get(f"/console/figures?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "flash-error" in html
    assert 'value="2026-10-12"' in html
    assert "<script>" not in html


def test_the_dashboard_shows_the_phone_lines_figures_for_its_month(login, staff, now):
    call_record(offered_at=now - timedelta(days=3), outcome="answered", wait=4, talk=30)
    call_record(offered_at=now, outcome="abandoned", wait=9)
    call_record(offered_at=now - timedelta(days=40), outcome="answered", wait=4)  # August
    html = login(staff.inspector).get("/dashboard").get_data(as_text=True)
    card = html.split('data-test="phone-card"', 1)[1]
    assert "2026-10" in card.split("</h2>", 1)[0]
    assert (_text(card, "calls-offered"), _text(card, "calls-answered")) == ("2", "1")
    assert _text(card, "answer-rate") == "50.0%"
