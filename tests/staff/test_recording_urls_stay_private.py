"""Twilio's recording URLs stay on the server: after real (signed) voice webhooks leave one
recording on a ticket and one on a missed call without a ticket, no staff page, no
/api/v1 answer and no Open311 answer carries either URL, or any api.twilio.com address."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.tickets import publication
from hotline.tickets.models import Ticket
from tests.intake.helpers import Twilio
from tests.support.api import caller

pytestmark = pytest.mark.usefixtures("woken_jobs")

ACCOUNT = "AC" + "1" * 32
CALLER = "+8613812345678"
OTHER = "+8613900001111"
SPOKEN_CALL, SILENT_CALL = "CA" + "1" * 32, "CA" + "2" * 32
REC_1, REC_2 = "RE" + "1" * 32, "RE" + "2" * 32
URL_1 = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/{REC_1}"
URL_2 = (
    f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Calls/{SILENT_CALL}/Recordings/{REC_2}"
)


def _call(call_sid: str, phone: str, **extra: str) -> dict:
    return {"CallSid": call_sid, "AccountSid": ACCOUNT, "From": phone, "To": "+8612345"} | extra


def _voice_webhooks(client) -> Ticket:
    twilio = Twilio(client)
    # A caller waits too long, says the complaint, and the message is recorded.
    twilio.post("/twilio/voice/queue-result", _call(SPOKEN_CALL, CALLER, QueueResult="leave"))
    twilio.post("/twilio/voice/speech", _call(SPOKEN_CALL, CALLER, SpeechResult="路灯坏了三天"))
    done = _call(SPOKEN_CALL, CALLER, RecordingSid=REC_1, RecordingUrl=URL_1)
    assert twilio.post("/twilio/voice/recording", done | {"RecordingDuration": "8"}).status_code
    # Another hangs up in the queue and leaves only a recording: no ticket.
    twilio.post("/twilio/voice/queue-result", _call(SILENT_CALL, OTHER, QueueResult="hangup"))
    silent = _call(SILENT_CALL, OTHER, RecordingSid=REC_2, RecordingUrl=URL_2)
    assert twilio.post("/twilio/voice/recording", silent).status_code == 204
    return db.session.scalars(select(Ticket)).one()


def _assert_private(label: str, response) -> None:
    assert response.status_code == 200, (label, response.status_code)
    body = response.get_data(as_text=True)
    for leak in (URL_1, URL_2, "api.twilio.com", "/Recordings/"):
        assert leak not in body, f"{label} shows {leak}"


def test_no_page_api_or_open311_answer_carries_a_recording_url(client, login, staff, clock):
    clock.set("2026-10-12T10:00:00+08:00")
    ticket = _voice_webhooks(client)
    ticket.publish_consent = True
    publication.publish(ticket, actor=Actor(role="supervisor", label="审核员"), text="路灯坏了")
    db.session.flush()
    number = ticket.number

    pages = login(staff.operator)
    page_paths = [
        f"/tickets/{number}",
        "/console/missed",
        f"/console/caller?phone={CALLER}",
        "/console/triage",
        f"/console?phone={OTHER}",
    ]
    for path in page_paths:
        _assert_private(path, pages.get(path))
    ticket_page = pages.get(f"/tickets/{number}").get_data(as_text=True)
    missed_page = pages.get("/console/missed").get_data(as_text=True)
    assert f'src="/tickets/{number}/recordings/{REC_1}"' in ticket_page  # the proxy, instead
    assert f"/recordings/{REC_2}" in missed_page
    _assert_private("ticket page (inspector)", login(staff.inspector).get(f"/tickets/{number}"))

    api = caller(client, staff.operator)
    for path in (
        f"/api/v1/tickets/{number}",
        f"/api/v1/tickets/{number}/events",
        f"/api/v1/tickets?phone={CALLER}",
        "/api/v1/callbacks",
    ):
        _assert_private(path, api.get(path))
    events = api.get(f"/api/v1/tickets/{number}/events").get_json()
    [attached] = [e for e in events if e["type"] == "recording_attached"]
    assert attached["data"] == {"recording_sid": REC_1, "duration_seconds": 8}

    for path in (
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        f"/open311/v2/requests/{number}.json",
    ):
        response = client.get(path)
        _assert_private(path, response)
        assert number in response.get_data(as_text=True)  # the ticket is there, published
