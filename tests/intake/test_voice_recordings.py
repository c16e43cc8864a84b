"""The voice webhooks' recordings and missed calls as operators will work them: a recording is
a row (its URL kept on the server, its sid and length on the ticket's timeline), and each
missed call says why it was missed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.calls.models import CallbackTask, CallRecording
from hotline.core.extensions import db
from hotline.tickets.models import Ticket, TicketEvent

ACCOUNT = "AC" + "1" * 32
CALL = "CA" + "3" * 32
CALLER = "+8613812345678"
SID = "RE" + "3" * 32
URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/{SID}"


def call(**extra: str) -> dict:
    return {"CallSid": CALL, "AccountSid": ACCOUNT, "From": CALLER, "To": "+8612345"} | extra


def task() -> CallbackTask:
    return db.session.scalars(select(CallbackTask)).one()


@pytest.fixture(autouse=True)
def _daytime(clock):
    clock.set("2026-10-12T10:00:00+08:00")


@pytest.mark.parametrize(
    ("queue_result", "reason"),
    [
        ("hangup", "abandoned"),
        ("leave", "timeout"),
        ("queue-full", "timeout"),
        ("error", "timeout"),
    ],
)
def test_a_caller_who_left_the_queue_is_a_missed_call_with_its_reason(
    twilio, queue_result, reason
) -> None:
    twilio.post("/twilio/voice/queue-result", call(QueueResult=queue_result))
    assert (task().reason, task().note) == (reason, None)


def test_out_of_office_hours_the_reason_is_closed(twilio, app, clock, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "VOICE_OPEN_HOURS", "08:00-20:00")
    clock.set("2026-10-12T21:00:00+08:00")
    twilio.post("/twilio/voice", call())
    assert task().reason == "closed"


def test_a_withheld_caller_id_is_the_reason_when_nothing_came_before(twilio) -> None:
    twilio.post("/twilio/voice/speech", call(From="anonymous", SpeechResult="桥下积水"))
    assert (task().reason, task().phone) == ("no_caller_id", "unknown")


def test_the_recording_is_a_row_and_the_timeline_names_only_its_sid_and_length(twilio) -> None:
    twilio.post("/twilio/voice/queue-result", call(QueueResult="leave"))
    twilio.post("/twilio/voice/speech", call(SpeechResult="噪音扰民"))
    done = call(RecordingSid=SID, RecordingUrl=URL, RecordingDuration="37")
    assert twilio.post("/twilio/voice/recording", done).status_code == 204
    ticket = db.session.scalars(select(Ticket)).one()
    row = db.session.scalars(select(CallRecording)).one()
    assert (row.recording_sid, row.call_sid, row.url, row.duration_seconds) == (SID, CALL, URL, 37)
    assert (row.ticket_id, row.callback_task_id) == (ticket.id, task().id)
    [event] = db.session.scalars(
        select(TicketEvent).where(TicketEvent.type == "recording_attached")
    ).all()
    assert event.data == {"recording_sid": SID, "duration_seconds": 37}
    assert ticket.media is None


def test_a_recording_with_no_ticket_stays_with_the_missed_call(twilio) -> None:
    twilio.post("/twilio/voice/queue-result", call(QueueResult="hangup"))
    done = call(RecordingSid=SID, RecordingUrl=URL, RecordingDuration="not-a-number")
    assert twilio.post("/twilio/voice/recording", done).status_code == 204
    row = db.session.scalars(select(CallRecording)).one()
    assert (row.ticket_id, row.callback_task_id, row.duration_seconds) == (None, task().id, None)
    assert task().note is None  # no URL in the note any more


@pytest.mark.parametrize(
    "extra",
    [
        {"RecordingSid": SID, "RecordingUrl": "javascript:alert(1)"},
        {"RecordingSid": SID, "RecordingUrl": "/relative/path"},
        {"RecordingSid": "RE" + "9" * 200, "RecordingUrl": URL},
        {"RecordingSid": SID},
        {"RecordingUrl": URL},
    ],
    ids=["script-url", "relative-url", "long-sid", "no-url", "no-sid"],
)
def test_a_signed_but_malformed_recording_callback_is_a_400_and_keeps_nothing(
    twilio, extra
) -> None:
    assert twilio.post("/twilio/voice/recording", call(**extra)).status_code == 400
    assert db.session.scalars(select(CallRecording)).all() == []
