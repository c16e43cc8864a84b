"""`flask voice simulate`: the signed webhooks of one call, posted to the app and followed as
Twilio follows them (here through the test client; the browser test posts over real HTTP)."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from hotline.calls import cli as voice_cli
from hotline.calls.models import CallRecord, OperatorPresence
from hotline.core.extensions import db
from hotline.tickets.models import Ticket
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.usefixtures("woken_jobs")

PUBLIC = "https://hotline.example.org"  # the test app's PUBLIC_BASE_URL


@pytest.fixture
def posted(app, client, monkeypatch) -> list[str]:
    """The command's poster sends to the test client; the paths it posted, in order."""
    paths: list[str] = []

    def post(url: str, form: dict, headers: dict) -> tuple[int, str]:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        paths.append(path)
        response = client.post(path, data=form, headers=headers)
        return response.status_code, response.get_data(as_text=True)

    monkeypatch.setattr(voice_cli, "POST", post)
    return paths


@pytest.fixture
def now(clock):
    return clock.set("2026-10-12T10:00:00+08:00")


def simulate(runner, *args: str):
    return runner.invoke(args=["voice", "simulate", "--from", "+8613812345678", *args])


def _record() -> CallRecord:
    db.session.expire_all()
    return db.session.scalars(select(CallRecord)).one()


def test_a_call_answered_by_an_operator(runner, posted, now, session):
    op = UserFactory(role="operator", username="wang")
    result = simulate(runner, "--answer-by", "wang", "--wait", "12")
    assert result.exit_code == 0, result.output
    assert posted == [
        "/twilio/voice",
        "/twilio/voice/client",
        f"/twilio/voice/dequeued?operator={op.id}",  # the <Queue url> the app answered
        "/twilio/voice/queue-result",
        "/twilio/voice/status",
        "/twilio/voice/status",
    ]
    row = _record()
    assert (row.outcome, row.wait_seconds, row.operator_id) == ("answered", 12, op.id)
    assert row.ended_at is not None
    assert db.session.get(OperatorPresence, op.id).state == "ready"  # their leg ended
    assert "answered by wang after 12 s" in result.output
    assert "正在为您接通话务员" in result.output


def test_a_call_left_connected(runner, posted, now, session):
    op = UserFactory(role="operator", username="li")
    result = simulate(runner, "--answer-by", "li", "--hold")
    assert result.exit_code == 0, result.output
    row = _record()
    assert (row.outcome, row.ended_at) == ("answered", None)
    assert db.session.get(OperatorPresence, op.id).state == "busy"


def test_a_caller_who_gives_up(runner, posted, now, session):
    result = simulate(runner, "--abandon", "--wait", "30")
    assert result.exit_code == 0, result.output
    assert (_record().outcome, _record().wait_seconds) == ("abandoned", 30)


def test_a_caller_nobody_answers_leaves_a_spoken_complaint(runner, posted, now, session):
    result = simulate(runner, "--speech", "幸福路的路灯坏了一个星期")
    assert result.exit_code == 0, result.output
    ticket = db.session.scalars(select(Ticket)).one()
    assert (ticket.channel, ticket.description) == ("phone", "幸福路的路灯坏了一个星期")
    assert (_record().outcome, _record().ticket_id) == ("timeout", ticket.id)
    assert " ".join(ticket.number.replace("-", "")) in result.output  # what the caller heard


def test_out_of_hours_the_caller_goes_straight_to_the_message(
    app, runner, posted, clock, session, monkeypatch
):
    monkeypatch.setitem(app.config, "VOICE_OPEN_HOURS", "08:00-20:00")
    clock.set("2026-10-12T22:00:00+08:00")
    result = simulate(runner, "--speech", "噪音扰民")
    assert result.exit_code == 0, result.output
    assert "out of hours" in result.output
    assert _record().outcome == "closed"
    assert db.session.scalars(select(Ticket)).one().description == "噪音扰民"


def test_a_caller_left_waiting_shows_on_the_board(runner, posted, now, session):
    result = simulate(runner)
    assert result.exit_code == 0, result.output
    assert posted == ["/twilio/voice"]
    assert _record().outcome == "waiting"
    assert "/console/calls" in result.output


def test_the_app_refusing_a_step_is_reported(runner, posted, now, session):
    UserFactory(role="unit_agent", username="agent", unit=UnitFactory())
    result = simulate(runner, "--answer-by", "agent")
    assert result.exit_code == 1
    assert "/twilio/voice/client answered 403" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--answer-by", "x", "--abandon"], "choose one of"),
        (["--answer-by", "nobody"], "no user 'nobody'"),
        (["--wait", "-1"], "--wait"),
    ],
)
def test_bad_options_are_refused_before_anything_is_posted(
    runner, posted, now, session, args, message
):
    result = simulate(runner, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert posted == []


def test_without_an_auth_token_nothing_is_posted(app, runner, posted, now, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", "")
    result = simulate(runner)
    assert result.exit_code == 1
    assert "TWILIO_AUTH_TOKEN" in result.output
    assert posted == []


def test_an_app_that_is_not_running_is_reported(runner, now, session):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again when the block ends: nothing listens
    result = simulate(runner, "--url", f"http://127.0.0.1:{port}")
    assert result.exit_code == 1
    assert "cannot reach" in result.output
