"""Hypothesis on the operators' desk webhooks, signed as Twilio signs them: whatever the values
(a forged `To`, a junk `QueueTime`, an identity that names nobody), never a 5xx; TwiML, an empty
204, or a 4xx."""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from tests.factories import UserFactory

PUBLIC = "https://hotline.example.org"
LEG = "CA" + "7" * 32
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None
)
TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "\x00",
            "<script>alert(1)</script>",
            "+1 900 555 0123",
            "13812345678",
            "client:operator-1",
            "client:operator-999999999999",
            "-1",
            "99999999999999999999999",
            "completed",
            "' OR 1=1 --",
        ]
    ),
)

# Mostly a well-formed SID (so the values behind it are reached), sometimes anything.
SID = st.one_of(st.just(LEG), st.just("CA" + "8" * 32), TEXT)


def _post(app: Flask, path: str, form: dict):
    signature = RequestValidator("test-auth-token").compute_signature(PUBLIC + path, form)
    return app.test_client().post(
        path,
        data=form,
        base_url="http://10.0.0.5:8000",
        headers={"X-Twilio-Signature": signature, "X-Forwarded-Proto": "https"},
    )


def _answered_well(response) -> None:
    assert response.status_code < 500, response.data[:300]
    if response.status_code == 200:
        assert b"<Response" in response.data


@given(to=TEXT, task=TEXT, sender=st.one_of(st.just("operator"), TEXT), sid=SID)
@FUZZ
def test_the_twiml_app_url_never_fails(app: Flask, session, to, task, sender, sid) -> None:
    with app.app_context():
        operator = UserFactory(role="operator")
        identity = f"client:operator-{operator.id}" if sender == "operator" else sender
        form = {"CallSid": sid, "From": identity, "To": to, "Task": task}
        _answered_well(_post(app, "/twilio/voice/client", form))


@given(
    operator=TEXT, queue_time=TEXT, leg=st.one_of(SID, st.text(min_size=65, max_size=300)), sid=SID
)
@FUZZ
def test_the_queue_url_never_fails(app: Flask, session, operator, queue_time, leg, sid) -> None:
    with app.app_context():
        path = f"/twilio/voice/dequeued?operator={quote(operator)}"
        form = {"CallSid": sid, "QueueTime": queue_time, "DequeingCallSid": leg}
        _answered_well(_post(app, path, form))


@given(status=TEXT, duration=TEXT, sender=TEXT, sid=SID)
@FUZZ
def test_the_status_callback_never_fails(app: Flask, session, status, duration, sender, sid):
    with app.app_context():
        form = {"CallSid": sid, "CallStatus": status, "CallDuration": duration, "From": sender}
        _answered_well(_post(app, "/twilio/voice/status", form))
