"""The operators' desk webhooks: the TwiML App's voice URL (take the next caller, call back), the
<Queue url> that records who answered, and the status callbacks that end calls and free
operators; each signed, idempotent and tolerant of callbacks out of order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline.calls.models import CallRecord, OperatorPresence
from hotline.calls.records import caller_of
from hotline.core.extensions import db
from hotline.notify.models import SmsOptOut
from tests.factories import UnitFactory, UserFactory
from tests.intake.helpers import twiml

CALL = "CA" + "1" * 32
LEG = "CA" + "7" * 32
CALLER = "+8613812345678"


@pytest.fixture
def now(clock):
    return clock.set("2026-10-12T10:00:00+08:00")


@pytest.fixture
def operator(session):
    return UserFactory(role="operator", username="op1", display_name="话务员一")


def softphone(user_id: int, *, sid: str = LEG, **extra: str) -> dict:
    identity = f"client:operator-{user_id}"
    data = {"CallSid": sid, "AccountSid": "AC" + "1" * 32, "From": identity, "Caller": identity}
    return data | extra


def caller_call(**extra: str) -> dict:
    data = {"CallSid": CALL, "AccountSid": "AC" + "1" * 32, "From": CALLER, "To": "+8612345"}
    return data | extra


def record() -> CallRecord:
    db.session.expire_all()
    return db.session.scalars(select(CallRecord).where(CallRecord.call_sid == CALL)).one()


def presence_of(user_id: int) -> OperatorPresence | None:
    db.session.expire_all()
    return db.session.get(OperatorPresence, user_id)


def take_the_call(twilio, operator, *, wait: str = "12") -> None:
    """The caller queues, the operator's softphone dials the queue, Twilio dequeues the caller."""
    twiml(twilio.post("/twilio/voice", caller_call()))
    queue = twiml(twilio.post("/twilio/voice/client", softphone(operator.id))).find("Dial/Queue")
    dequeued = caller_call(QueueSid="QU" + "1" * 32, QueueTime=wait, DequeingCallSid=LEG)
    twiml(twilio.post(queue.get("url"), dequeued))


def test_the_softphone_without_a_number_takes_the_longest_waiting_caller(twilio, now, operator):
    root = twiml(twilio.post("/twilio/voice/client", softphone(operator.id)))
    dial = root.find("Dial")
    queue = dial.find("Queue")
    assert queue.text == "operators"
    assert queue.get("url") == f"/twilio/voice/dequeued?operator={operator.id}"
    assert queue.get("method") == "POST"
    state = presence_of(operator.id)
    assert (state.state, state.call_sid) == ("busy", LEG)


def test_the_queue_dialled_is_the_configured_one(app, twilio, now, operator, monkeypatch):
    monkeypatch.setitem(app.config, "VOICE_QUEUE_NAME", "hotline-12345")
    root = twiml(twilio.post("/twilio/voice/client", softphone(operator.id)))
    assert root.find("Dial/Queue").text == "hotline-12345"


def test_a_callback_dials_the_number_with_the_hotline_as_caller_id(twilio, now, operator):
    data = softphone(operator.id, To="138 1234 5678", Task="41")
    root = twiml(twilio.post("/twilio/voice/client", data))
    dial = root.find("Dial")
    assert dial.get("callerId") == "+8612345000000"
    assert dial.find("Number").text == CALLER
    assert dial.find("Queue") is None
    assert presence_of(operator.id).state == "busy"


@pytest.mark.parametrize(
    ("to", "heard"),
    [
        ("<script>alert(1)</script>", "号码无效"),
        ("13800ABCDEF", "号码无效"),
        ("+86 1", "号码无效"),
        ("client:operator-2", "号码无效"),
        ("+1 900 555 0123", "增值收费"),  # a premium-rate number: no toll fraud via a forged To
    ],
)
def test_a_callback_to_a_number_that_cannot_be_called_is_refused_aloud(
    twilio, now, operator, caplog, to, heard
):
    root = twiml(twilio.post("/twilio/voice/client", softphone(operator.id, To=to)))
    assert root.find("Dial") is None
    assert heard in root.find("Say").text
    assert root.find("Hangup") is not None
    assert presence_of(operator.id) is None  # not put on a call that never happened
    assert "callback refused" in caplog.text
    assert "<script>" not in root.find("Say").text


def test_a_callback_to_a_number_that_opted_out_is_refused_with_the_reason(
    twilio, now, operator, caplog
):
    db.session.add(SmsOptOut(phone=CALLER, at=now))
    db.session.flush()
    root = twiml(twilio.post("/twilio/voice/client", softphone(operator.id, To=CALLER)))
    assert root.find("Dial") is None
    assert "已退订" in root.find("Say").text
    assert "opted out" in caplog.text


@pytest.mark.parametrize(
    "who",
    ["unknown id", "unit agent", "inactive operator", "not a softphone", "a phone number"],
)
def test_a_softphone_identity_that_is_no_active_operator_is_refused(twilio, now, caplog, who):
    agent = UserFactory(role="unit_agent", unit=UnitFactory())
    gone = UserFactory(role="operator", active=False)
    sender = {
        "unknown id": "client:operator-987654",
        "unit agent": f"client:operator-{agent.id}",
        "inactive operator": f"client:operator-{gone.id}",
        "not a softphone": "client:admin",
        "a phone number": CALLER,
    }[who]
    data = {"CallSid": LEG, "AccountSid": "AC" + "1" * 32, "From": sender}
    response = twilio.post("/twilio/voice/client", data)
    assert response.status_code == 403
    assert "refused softphone call" in caplog.text
    assert db.session.scalars(select(OperatorPresence)).all() == []


def test_the_dequeued_caller_is_answered_by_the_operator_whose_softphone_took_them(
    twilio, now, operator
):
    take_the_call(twilio, operator, wait="12")
    row = record()
    assert row.outcome == "answered"
    assert (row.answered_at, row.wait_seconds) == (now, 12)
    assert (row.operator_id, row.operator_call_sid) == (operator.id, LEG)
    assert caller_of(LEG).id == row.id  # what the screen-pop reads


def test_the_dequeued_caller_hears_that_an_operator_is_coming(twilio, now, operator):
    twiml(twilio.post("/twilio/voice", caller_call()))
    url = f"/twilio/voice/dequeued?operator={operator.id}"
    root = twiml(twilio.post(url, caller_call(QueueTime="3", DequeingCallSid=LEG)))
    assert [e.tag for e in root] == ["Say"]  # only what Twilio allows there
    assert "接通话务员" in root.find("Say").text


def test_without_the_operator_in_the_url_the_softphone_leg_names_them(twilio, now, operator):
    twiml(twilio.post("/twilio/voice/client", softphone(operator.id)))
    # The correctly spelt parameter is accepted as well as Twilio's "DequeingCallSid".
    twiml(twilio.post("/twilio/voice/dequeued", caller_call(DequeuingCallSid=LEG, QueueTime="4")))
    assert (record().operator_id, record().wait_seconds) == (operator.id, 4)


def test_an_operator_named_in_a_url_twilio_did_not_sign_is_refused(twilio, now, operator):
    other = UserFactory(role="operator")
    data = caller_call(QueueTime="3", DequeingCallSid=LEG)
    signed_for = f"https://hotline.example.org/twilio/voice/dequeued?operator={operator.id}"
    response = twilio.post(f"/twilio/voice/dequeued?operator={other.id}", data, url=signed_for)
    assert response.status_code == 403
    assert db.session.scalars(select(CallRecord)).all() == []


def test_a_caller_who_hangs_up_while_waiting_is_abandoned(twilio, now, clock):
    twiml(twilio.post("/twilio/voice", caller_call()))
    clock.set("2026-10-12T10:00:40+08:00")
    done = caller_call(CallStatus="completed", CallDuration="40")
    assert twilio.post("/twilio/voice/status", done).status_code == 204
    row = record()
    assert row.outcome == "abandoned"
    assert (row.ended_at, row.duration_seconds) == (now + timedelta(seconds=40), 40)


def test_a_status_callback_before_the_queue_result_keeps_the_answer(twilio, now, operator):
    take_the_call(twilio, operator, wait="9")
    done = caller_call(CallStatus="completed", CallDuration="200")
    twilio.post("/twilio/voice/status", done)
    bridged = caller_call(QueueResult="bridged", QueueTime="9")
    twiml(twilio.post("/twilio/voice/queue-result", bridged))
    row = record()
    assert (row.outcome, row.wait_seconds, row.duration_seconds) == ("answered", 9, 200)
    assert row.operator_id == operator.id


def test_the_queue_result_overrides_an_abandonment_inferred_from_an_earlier_status(twilio, now):
    twiml(twilio.post("/twilio/voice", caller_call()))
    twilio.post("/twilio/voice/status", caller_call(CallStatus="completed", CallDuration="150"))
    assert record().outcome == "abandoned"
    left = caller_call(QueueResult="leave", QueueTime="120")
    twiml(twilio.post("/twilio/voice/queue-result", left))
    assert (record().outcome, record().wait_seconds) == ("timeout", 120)


def test_retried_callbacks_give_the_same_answers_and_the_same_record(twilio, now, clock, operator):
    first_client = twilio.post("/twilio/voice/client", softphone(operator.id)).data
    twiml(twilio.post("/twilio/voice", caller_call()))
    dequeued = caller_call(QueueTime="5", DequeingCallSid=LEG)
    url = f"/twilio/voice/dequeued?operator={operator.id}"
    first_dequeued = twilio.post(url, dequeued).data
    twilio.post("/twilio/voice/status", caller_call(CallStatus="completed", CallDuration="60"))
    before = record()
    answered_at, ended_at = before.answered_at, before.ended_at
    clock.set("2026-10-12T10:05:00+08:00")  # Twilio retries a while later
    assert twilio.post("/twilio/voice/client", softphone(operator.id)).data == first_client
    assert twilio.post(url, dequeued).data == first_dequeued
    twilio.post("/twilio/voice/status", caller_call(CallStatus="completed", CallDuration="60"))
    after = record()
    assert (after.answered_at, after.ended_at) == (answered_at, ended_at)
    assert db.session.scalars(select(CallRecord)).all() == [after]


@pytest.mark.parametrize("junk", ["abc", "-5", "1e9", "99999999999999999999", ""])
def test_junk_queue_times_and_durations_are_not_recorded(twilio, now, operator, junk):
    twiml(twilio.post("/twilio/voice", caller_call()))
    url = f"/twilio/voice/dequeued?operator={operator.id}"
    twiml(twilio.post(url, caller_call(QueueTime=junk, DequeingCallSid=LEG)))
    done = caller_call(CallStatus="completed", CallDuration=junk)
    assert twilio.post("/twilio/voice/status", done).status_code == 204
    row = record()
    assert (row.outcome, row.wait_seconds, row.duration_seconds) == ("answered", None, None)


def test_the_operator_is_ready_again_when_their_softphone_leg_ends(twilio, now, operator):
    take_the_call(twilio, operator)
    assert presence_of(operator.id).state == "busy"
    ended = softphone(operator.id, CallStatus="completed", CallDuration="95")
    assert twilio.post("/twilio/voice/status", ended).status_code == 204
    state = presence_of(operator.id)
    assert (state.state, state.call_sid, state.changed_at) == ("ready", None, now)
    assert record().ended_at is None  # the caller's call is not the operator's leg


def test_an_operator_who_went_away_stays_away_when_an_old_leg_ends(twilio, now, operator):
    take_the_call(twilio, operator)
    db.session.get(OperatorPresence, operator.id).state = "away"
    db.session.flush()
    twilio.post("/twilio/voice/status", softphone(operator.id, CallStatus="completed"))
    assert presence_of(operator.id).state == "away"


def test_a_status_that_is_not_the_end_changes_nothing(twilio, now, operator):
    twiml(twilio.post("/twilio/voice", caller_call()))
    twilio.post("/twilio/voice/status", caller_call(CallStatus="in-progress"))
    assert (record().outcome, record().ended_at) == ("waiting", None)
    twiml(twilio.post("/twilio/voice/client", softphone(operator.id)))
    twilio.post("/twilio/voice/status", softphone(operator.id, CallStatus="ringing"))
    assert presence_of(operator.id).state == "busy"


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/twilio/voice/client", {"From": "client:operator-1"}),
        ("/twilio/voice/dequeued?operator=1", {"QueueTime": "3", "DequeingCallSid": LEG}),
        ("/twilio/voice/status", {"CallStatus": "completed", "CallDuration": "9"}),
    ],
)
def test_every_desk_webhook_refuses_forged_and_unsigned_requests(twilio, now, path, extra):
    data = caller_call(**extra)
    assert twilio.post(path, data, token="forged-token").status_code == 403
    assert twilio.post(path, data, signature="").status_code == 403
    assert db.session.scalars(select(CallRecord)).all() == []
    assert db.session.scalars(select(OperatorPresence)).all() == []


def test_a_desk_webhook_without_call_sid_is_a_400(twilio, now, operator):
    data = {"From": f"client:operator-{operator.id}"}
    assert twilio.post("/twilio/voice/client", data).status_code == 400
    assert twilio.post("/twilio/voice/status", {"CallStatus": "completed"}).status_code == 400


@pytest.mark.parametrize(
    "sid", ["CA123", "CA" + "1" * 200, "XX" + "1" * 32, "CA" + "g" * 32, "<script>"]
)
def test_a_call_sid_that_is_not_twilios_is_a_400(twilio, now, operator, sid):
    for path, data in (
        ("/twilio/voice", caller_call(CallSid=sid)),
        ("/twilio/voice/client", softphone(operator.id, sid=sid)),
        ("/twilio/voice/status", caller_call(CallSid=sid, CallStatus="completed")),
    ):
        response = twilio.post(path, data)
        assert response.status_code == 400, path
        assert "CallSid" in response.get_json()["error"]["message"]
    assert db.session.scalars(select(CallRecord)).all() == []


def test_a_junk_operator_leg_still_records_the_answer(twilio, now, operator):
    twiml(twilio.post("/twilio/voice", caller_call()))
    url = f"/twilio/voice/dequeued?operator={operator.id}"
    twiml(twilio.post(url, caller_call(QueueTime="3", DequeingCallSid="CA" + "9" * 300)))
    row = record()
    assert (row.outcome, row.operator_id, row.operator_call_sid) == ("answered", operator.id, None)
