"""The recording callback racing the spoken ticket's callback of the same call, on PostgreSQL:
whichever commits first, the recording ends up on the ticket (the call's missed-call task is
the lock both take)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.calls.models import CallbackTask, CallRecording
from hotline.core.extensions import db
from hotline.core.models import WebhookDelivery
from tests.intake.helpers import Twilio
from tests.support.races import Pause, committed_rows, require_postgresql, threads, wait_blocked

PHONE = "+8613700000012"


@pytest.mark.committed
def test_a_recording_reported_while_the_spoken_ticket_is_being_created_is_attached(app, clock):
    require_postgresql(app)
    clock.set("2031-02-06T10:00:00+08:00")
    call_sid, sid = "CA" + "8" * 32, "RE" + "8" * 32
    call = {"CallSid": call_sid, "From": PHONE}
    recorded = call | {
        "RecordingSid": sid,
        "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/{sid}",
        "RecordingDuration": "21",
    }
    with committed_rows(app):
        twilio = Twilio(app.test_client())
        assert twilio.post(
            "/twilio/voice/queue-result", call | {"QueueResult": "leave"}
        ).status_code
        with threads(app) as start, Pause(CallbackTask) as pause:
            # The spoken ticket is made and has looked for early recordings, not committed; the
            # recording's callback waits for the call's task, then finds the ticket.
            spoken = start(
                pause.run(
                    lambda: Twilio(app.test_client()).post(
                        "/twilio/voice/speech", call | {"SpeechResult": "楼道灯坏了"}
                    )
                )
            )
            pause.wait()
            callback = start(
                lambda: Twilio(app.test_client()).post("/twilio/voice/recording", recorded)
            )
            wait_blocked(app, 1)
            pause.release()
            assert spoken.result(timeout=30).status_code == 200
            assert callback.result(timeout=30).status_code == 204

        with app.app_context():
            ticket_id = db.session.scalar(
                select(WebhookDelivery.ticket_id).where(
                    WebhookDelivery.key == f"voice-speech:{call_sid}"
                )
            )
            kept = db.session.scalar(
                select(CallRecording).where(CallRecording.recording_sid == sid)
            )
            assert ticket_id is not None
            assert (kept.ticket_id, kept.duration_seconds) == (ticket_id, 21)
