"""GET /tickets/<number>/recordings/<sid>: the server streams a call recording from Twilio (the
real stub, the account's credentials) to staff who may hear it; each listen is audited, and
Twilio's URL never reaches the page."""

from __future__ import annotations

import base64
import socket

import pytest
from sqlalchemy import select

from hotline.audit.models import AuditEntry
from hotline.calls.models import CallRecording
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from tests.factories import ticket_in

ACCOUNT = "AC" + "1" * 32
SID = "RE" + "5" * 32
URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/{SID}"
AUDIO = bytes(range(256)) * 40  # 10 KiB standing in for an MP3


@pytest.fixture
def recorded(staff, twilio):
    """A ticket of staff.unit with a 14-second recording Twilio (the stub) holds."""
    ticket = ticket_in("accepted", unit=staff.unit, channel="phone")
    db.session.add(
        CallRecording(
            recording_sid=SID,
            call_sid="CA" + "5" * 32,
            url=URL,
            duration_seconds=14,
            ticket_id=ticket.id,
            created_at=utcnow(),
        )
    )
    db.session.flush()
    twilio.media[f"/2010-04-01/Accounts/{ACCOUNT}/Recordings/{SID}.mp3"] = AUDIO
    return ticket


def listen_url(ticket, sid: str = SID) -> str:
    return f"/tickets/{ticket.number}/recordings/{sid}"


def test_an_operator_hears_the_recording_streamed_with_the_accounts_credentials(
    login, staff, recorded, twilio
) -> None:
    response = login(staff.operator).get(listen_url(recorded))
    assert response.status_code == 200
    assert response.mimetype == "audio/mpeg"
    assert response.data == AUDIO
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Length"] == str(len(AUDIO))
    [fetched] = [r for r in twilio.requests if r.method == "GET"]
    assert fetched.path.endswith(f"/Recordings/{SID}.mp3")
    expected = base64.b64encode(f"{ACCOUNT}:test-auth-token".encode()).decode()
    assert fetched.authorization == f"Basic {expected}"
    [read] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "read_personal_data")
    ).all()
    assert (read.actor_id, read.ticket_id) == (staff.operator.id, recorded.id)
    assert (read.detail["recording"], read.detail["via"]) == (SID, "ticket_recording")


def test_a_seek_asks_twilio_for_the_range_and_answers_206(login, staff, recorded) -> None:
    client = login(staff.operator)
    start = client.get(listen_url(recorded), headers={"Range": "bytes=0-"})
    assert (start.status_code, start.data) == (206, AUDIO)
    response = client.get(listen_url(recorded), headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.data == AUDIO[100:200]
    assert response.headers["Content-Range"] == f"bytes 100-199/{len(AUDIO)}"
    # One listen, however often the player seeks within it: one audit row.
    assert len(db.session.scalars(select(AuditEntry)).all()) == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("supervisor", 200),
        ("inspector", 200),
        ("agent", 200),  # the ticket's own unit
        ("head", 200),
        ("other_agent", 404),  # another unit's ticket does not exist for them
        ("admin", 403),
    ],
)
def test_who_may_listen(login, staff, recorded, who, status) -> None:
    assert login(getattr(staff, who)).get(listen_url(recorded)).status_code == status


def test_the_unit_does_not_hear_a_confidential_ticket(login, staff, recorded) -> None:
    recorded.confidential = True
    db.session.flush()
    assert login(staff.agent).get(listen_url(recorded)).status_code == 403
    assert "<audio" not in login(staff.agent).get(f"/tickets/{recorded.number}").get_data(True)
    assert login(staff.operator).get(listen_url(recorded)).status_code == 200


def test_a_sid_of_another_ticket_or_a_junk_sid_is_a_404(login, staff, recorded) -> None:
    other = ticket_in("accepted", unit=staff.unit)
    client = login(staff.operator)
    assert client.get(listen_url(other)).status_code == 404
    assert client.get(listen_url(recorded, "RE" + "0" * 32)).status_code == 404
    assert client.get(listen_url(recorded, "x" * 500)).status_code == 404
    assert client.get("/tickets/20991231-999999/recordings/" + SID).status_code == 404


def test_a_recording_twilio_no_longer_has_is_a_clear_404_page(
    login, staff, recorded, twilio
) -> None:
    twilio.media.clear()
    response = login(staff.operator).get(listen_url(recorded))
    assert response.status_code == 404
    assert "Twilio no longer has this recording" in response.get_data(as_text=True)


def test_twilio_failing_or_down_is_a_502_page_not_a_500(
    login, staff, recorded, twilio, app, monkeypatch
) -> None:
    client = login(staff.operator)
    twilio.fail_next.append(503)
    failed = client.get(listen_url(recorded))
    assert failed.status_code == 502
    assert "Twilio answered 503" in failed.get_data(as_text=True)
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setitem(app.config, "TWILIO_API_BASE", closed)
    down = client.get(listen_url(recorded))
    assert down.status_code == 502
    assert "Twilio cannot be reached" in down.get_data(as_text=True)
    # No listen happened: nothing audited.
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_a_stored_url_that_is_not_twilios_is_never_fetched(login, staff, recorded, twilio) -> None:
    row = db.session.scalar(select(CallRecording))
    row.url = "http://169.254.169.254/latest/meta-data"
    db.session.flush()
    assert login(staff.operator).get(listen_url(recorded)).status_code == 502
    assert [r for r in twilio.requests if r.method == "GET"] == []


def test_the_ticket_page_plays_recordings_through_the_proxy_only(login, staff, recorded) -> None:
    body = login(staff.operator).get(f"/tickets/{recorded.number}").get_data(as_text=True)
    assert f'<audio controls preload="none" src="{listen_url(recorded)}">' in body
    assert "14 秒" in body
    assert "api.twilio.com" not in body
    assert URL not in body


def test_an_admin_sees_that_there_is_a_recording_but_no_player(login, staff, recorded) -> None:
    body = login(staff.admin).get(f"/tickets/{recorded.number}").get_data(as_text=True)
    assert 'data-test="recordings"' in body
    assert "<audio" not in body
