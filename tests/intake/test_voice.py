"""Voice webhooks: greeting and queue; unanswered or out of hours a spoken complaint becomes a
ticket with its recording and a missed-call callback task (漏接回拨)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hotline.calls.models import CallbackTask, CallRecording
from hotline.core.extensions import db
from hotline.tickets.models import Ticket
from tests.intake.helpers import twiml

CALL = "CA" + "1" * 32
CALLER = "+8613812345678"
REC_URL = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE" + "2" * 32


def call_data(**extra: str) -> dict:
    data = {"CallSid": CALL, "AccountSid": "AC" + "1" * 32, "From": CALLER, "To": "+8612345"}
    return data | extra


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def recorded(ticket: Ticket) -> list[tuple[str, str]]:
    """The ticket's recordings as (sid, URL kept on the server)."""
    rows = db.session.scalars(select(CallRecording).where(CallRecording.ticket_id == ticket.id))
    return [(r.recording_sid, r.url) for r in rows]


@pytest.fixture
def office_hours(clock):
    clock.set("2026-10-12T10:00:00+08:00")
    return clock


def test_in_hours_the_caller_hears_mandarin_and_waits_for_an_operator(twilio, office_hours):
    root = twiml(twilio.post("/twilio/voice", call_data()))
    say, enqueue = list(root)
    assert say.tag == "Say"
    assert say.get("language") == "zh-CN"
    assert "12345" in say.text
    assert enqueue.tag == "Enqueue"
    assert enqueue.text == "operators"
    assert enqueue.get("waitUrl") == "/twilio/voice/wait"
    assert enqueue.get("action") == "/twilio/voice/queue-result"
    assert count(CallbackTask) == 0


def test_hold_music_until_the_max_wait_then_leave_the_queue(twilio, office_hours, app):
    holding = twiml(twilio.post("/twilio/voice/wait", call_data(QueueTime="30")))
    assert [e.tag for e in holding] == ["Say", "Pause"]
    waited = str(app.config["VOICE_MAX_WAIT_SECONDS"])
    assert [
        e.tag for e in twiml(twilio.post("/twilio/voice/wait", call_data(QueueTime=waited)))
    ] == ["Leave"]


def test_an_answered_call_creates_nothing(twilio, office_hours):
    root = twiml(twilio.post("/twilio/voice/queue-result", call_data(QueueResult="bridged")))
    assert [e.tag for e in root] == ["Hangup"]
    assert count(CallbackTask) == 0
    assert count(Ticket) == 0


def assert_asks_for_speech_then_records(root) -> None:
    gather = root.find("Gather")
    assert gather.get("input") == "speech"
    assert gather.get("language") == "cmn-Hans-CN"
    assert gather.get("action") == "/twilio/voice/speech"
    record = root.find("Record")
    assert record.get("recordingStatusCallback") == "/twilio/voice/recording"
    assert record.get("action") == "/twilio/voice/done"  # never loops back into the queue


def test_out_of_hours_the_caller_leaves_a_message_and_a_callback_task_opens(
    app, twilio, clock, monkeypatch
):
    monkeypatch.setitem(
        app.config, "VOICE_OPEN_HOURS", "08:00-20:00"
    )  # a line kept to office hours
    clock.set("2026-10-12T22:30:00+08:00")
    root = twiml(twilio.post("/twilio/voice", call_data()))
    assert root.find("Enqueue") is None
    assert "非工作时间" in root.find("Say").text
    assert_asks_for_speech_then_records(root)
    task = db.session.scalars(select(CallbackTask)).one()
    assert (task.phone, task.call_sid, task.status) == (CALLER, CALL, "open")


def test_a_whole_missed_call_ends_as_a_ticket_with_recording_and_callback_task(
    twilio, office_hours, woken
):
    twiml(twilio.post("/twilio/voice", call_data()))
    assert twiml(twilio.post("/twilio/voice/wait", call_data(QueueTime="125")))[0].tag == "Leave"
    root = twiml(twilio.post("/twilio/voice/queue-result", call_data(QueueResult="leave")))
    assert_asks_for_speech_then_records(root)

    speech = call_data(SpeechResult="人民路三号楼下的下水道堵了，污水外溢", Confidence="0.91")
    answer = twiml(twilio.post("/twilio/voice/speech", speech))
    ticket = db.session.scalars(select(Ticket)).one()
    assert (ticket.channel, ticket.complainant_phone) == ("phone", CALLER)
    assert ticket.description == "人民路三号楼下的下水道堵了，污水外溢"
    said = answer.find("Say").text
    assert " ".join(ticket.number.replace("-", "")) in said
    # 5 working days from Monday 12 October end at 24:00 on Monday 19 October.
    assert "10月19日24时" in said
    assert answer.find("Record") is not None

    recording = call_data(
        RecordingSid="RE" + "2" * 32,
        RecordingUrl=REC_URL,
        RecordingStatus="completed",
        RecordingDuration="14",
    )
    assert twilio.post("/twilio/voice/recording", recording).status_code == 204
    assert recorded(ticket) == [("RE" + "2" * 32, REC_URL)]
    assert ticket.media is None  # the URL is no ticket media: it never reaches a page or API
    task = db.session.scalars(select(CallbackTask)).one()
    assert (task.ticket_id, task.status, task.phone) == (ticket.id, "open", CALLER)
    assert woken == ["route"]
    done = twiml(twilio.post("/twilio/voice/done", call_data()))
    assert [e.tag for e in done] == ["Say", "Hangup"]


def test_a_recording_that_arrives_before_the_speech_ticket_is_attached_later(twilio, office_hours):
    twilio.post("/twilio/voice/queue-result", call_data(QueueResult="hangup"))
    rec = call_data(RecordingSid="RE" + "3" * 32, RecordingUrl=REC_URL, RecordingStatus="completed")
    assert twilio.post("/twilio/voice/recording", rec).status_code == 204
    assert count(Ticket) == 0
    # Operators hear it on the callback task meanwhile.
    task = db.session.scalars(select(CallbackTask)).one()
    assert db.session.scalars(select(CallRecording)).one().callback_task_id == task.id

    twilio.post("/twilio/voice/speech", call_data(SpeechResult="路灯坏了"))
    assert recorded(db.session.scalars(select(Ticket)).one()) == [("RE" + "3" * 32, REC_URL)]


def test_repeated_speech_and_recording_callbacks_create_one_ticket_and_one_attachment(
    twilio, office_hours
):
    speech = call_data(SpeechResult="噪音扰民")
    first = twilio.post("/twilio/voice/speech", speech)
    again = twilio.post("/twilio/voice/speech", speech)
    assert again.data == first.data
    rec = call_data(RecordingSid="RE" + "4" * 32, RecordingUrl=REC_URL, RecordingStatus="completed")
    twilio.post("/twilio/voice/recording", rec)
    twilio.post("/twilio/voice/recording", rec)
    ticket = db.session.scalars(select(Ticket)).one()
    assert recorded(ticket) == [("RE" + "4" * 32, REC_URL)]
    assert count(CallbackTask) == 1


def test_a_repeated_greeting_opens_one_callback_task(app, twilio, clock, monkeypatch):
    monkeypatch.setitem(app.config, "VOICE_OPEN_HOURS", "08:00-20:00")
    clock.set("2026-10-12T23:00:00+08:00")
    first = twilio.post("/twilio/voice", call_data())
    assert twilio.post("/twilio/voice", call_data()).data == first.data
    assert count(CallbackTask) == 1


def test_silence_asks_for_a_recorded_message_and_creates_no_ticket(twilio, office_hours):
    root = twiml(twilio.post("/twilio/voice/speech", call_data(SpeechResult="")))
    assert root.find("Record") is not None
    assert count(Ticket) == 0


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/twilio/voice", {}),
        ("/twilio/voice/wait", {"QueueTime": "500"}),
        ("/twilio/voice/queue-result", {"QueueResult": "leave"}),
        ("/twilio/voice/speech", {"SpeechResult": "伪造的诉求"}),
        ("/twilio/voice/recording", {"RecordingSid": "RE9", "RecordingUrl": REC_URL}),
        ("/twilio/voice/done", {}),
    ],
)
def test_every_voice_endpoint_refuses_forged_requests(twilio, office_hours, path, extra):
    data = call_data(**extra)
    assert twilio.post(path, data, token="forged-token").status_code == 403
    assert twilio.post(path, data, signature="").status_code == 403
    assert count(Ticket) == 0
    assert count(CallbackTask) == 0
    assert twilio.post(path, data).status_code in (200, 204)  # the same request, signed


def test_a_withheld_caller_id_keeps_the_words_on_the_callback_task(twilio, office_hours):
    data = call_data(From="anonymous", SpeechResult="桥下积水很深")
    root = twiml(twilio.post("/twilio/voice/speech", data))
    assert root.find("Hangup") is not None
    assert count(Ticket) == 0
    assert "桥下积水很深" in db.session.scalars(select(CallbackTask)).one().note


def test_a_callback_without_call_sid_is_a_400(twilio, office_hours):
    assert twilio.post("/twilio/voice/speech", {"SpeechResult": "x"}).status_code == 400
    assert count(Ticket) == 0


def _record():
    from hotline.calls.models import CallRecord

    db.session.expire_all()
    return db.session.scalars(select(CallRecord).where(CallRecord.call_sid == CALL)).one()


def test_an_arriving_call_is_recorded_as_offered_and_waiting(twilio, office_hours):
    twiml(twilio.post("/twilio/voice", call_data()))
    row = _record()
    assert (row.outcome, row.from_phone) == ("waiting", CALLER)
    assert row.offered_at == row.queued_at == office_hours.now
    assert twilio.post("/twilio/voice", call_data()).status_code == 200  # a retry: one record
    assert _record().id == row.id


def test_a_withheld_number_is_still_a_recorded_call(twilio, office_hours):
    twiml(twilio.post("/twilio/voice", call_data(From="anonymous")))
    assert (_record().outcome, _record().from_phone) == ("waiting", None)


@pytest.mark.parametrize(
    ("result", "outcome"),
    [
        ("hangup", "abandoned"),
        ("leave", "timeout"),
        ("queue-full", "failed"),
        ("system-error", "failed"),
        ("bridged", "answered"),
    ],
)
def test_the_queue_result_sets_the_outcome_and_the_wait(twilio, office_hours, result, outcome):
    twiml(twilio.post("/twilio/voice", call_data()))
    twiml(twilio.post("/twilio/voice/queue-result", call_data(QueueResult=result, QueueTime="47")))
    assert (_record().outcome, _record().wait_seconds) == (outcome, 47)


def test_a_spoken_complaint_is_linked_to_the_call_record(twilio, office_hours):
    twiml(twilio.post("/twilio/voice", call_data()))
    twiml(twilio.post("/twilio/voice/queue-result", call_data(QueueResult="leave", QueueTime="9")))
    twiml(twilio.post("/twilio/voice/speech", call_data(SpeechResult="小区门口垃圾没人清运")))
    ticket = db.session.scalars(select(Ticket)).one()
    assert (_record().ticket_id, _record().outcome) == (ticket.id, "timeout")


def test_with_no_office_hours_set_a_call_at_three_in_the_morning_is_queued(app, twilio, clock):
    assert app.config["VOICE_OPEN_HOURS"] == ""  # the default: 7×24 (国办发〔2020〕53号)
    clock.set("2026-10-18T03:00:00+08:00")  # a Sunday night
    root = twiml(twilio.post("/twilio/voice", call_data()))
    assert root.find("Enqueue").text == "operators"
    assert _record().outcome == "waiting"
    assert count(CallbackTask) == 0


def test_with_office_hours_a_call_at_three_in_the_morning_leaves_a_message(
    app, twilio, clock, monkeypatch
):
    monkeypatch.setitem(app.config, "VOICE_OPEN_HOURS", "08:00-20:00")
    clock.set("2026-10-18T03:00:00+08:00")
    root = twiml(twilio.post("/twilio/voice", call_data()))
    assert root.find("Enqueue") is None
    assert_asks_for_speech_then_records(root)
    assert (_record().outcome, _record().queued_at) == ("closed", None)
    assert count(CallbackTask) == 1
