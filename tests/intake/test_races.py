"""Twilio webhooks racing other transactions on PostgreSQL: what they carry is never lost.

Each test commits its rows (marked `committed`) and makes the race deterministic: the winning
transaction holds the ticket's row until the webhook's request waits for it, then commits.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.auth.tokens import issue_token
from hotline.calls.models import CallRecording
from hotline.core.extensions import db
from hotline.core.models import WebhookDelivery
from hotline.tickets import jobs
from hotline.tickets.models import Status, Ticket, TicketEvent
from tests.factories import UnitFactory, UserFactory, ticket_in
from tests.intake.helpers import Twilio, message_text
from tests.support.races import Pause, committed_rows, require_postgresql, threads, wait_blocked

PHONE = "+8613700000011"


def _events(ticket_id: int, type_: str) -> list[TicketEvent]:
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id, TicketEvent.type == type_)
    return list(db.session.scalars(query))


@pytest.mark.committed
@pytest.mark.parametrize(
    ("callback", "status", "answered"),
    [
        # The operator reached the complainant, who was satisfied: the ticket is closed, so the
        # rating no longer applies and the text is answered so.
        ({"reached": True, "resolved": True, "satisfaction": 4}, Status.closed, "暂无待评价"),
        # The operator did not get through: the ticket still waits, the rating applies.
        ({"reached": False, "note": "无人接听"}, Status.closed, "感谢您对工单"),
    ],
    ids=["callback-closed-it", "callback-not-reached"],
)
def test_a_rating_text_racing_an_operator_callback_is_answered_not_500(
    app, clock, callback, status, answered
):
    require_postgresql(app)
    clock.set("2031-02-05T10:00:00+08:00")
    with committed_rows(app):
        with app.app_context():
            unit = UnitFactory()
            token = issue_token(UserFactory(role="operator"))
            ticket = ticket_in("replied", unit=unit, phone=PHONE)
            ticket_id, number = ticket.id, ticket.number
            db.session.commit()
        clock.set("2031-02-05T11:00:00+08:00")
        data = {"MessageSid": "SM" + "f" * 32, "From": PHONE, "Body": "5", "NumMedia": "0"}

        def call_back():
            return app.test_client().post(
                f"/api/v1/tickets/{number}/callback",
                json=callback,
                headers={"Authorization": f"Bearer {token}"},
            )

        with threads(app) as start, Pause(Ticket) as pause:
            # The operator's callback has updated the ticket and not committed yet; the text
            # read the replied ticket and waits for the row, then finds another version.
            operator = start(pause.run(call_back))
            pause.wait()
            text = start(lambda: Twilio(app.test_client()).post("/twilio/sms", data))
            wait_blocked(app, 1)
            pause.release()
            called = operator.result(timeout=30)
            assert called.status_code == 200, called.get_json()
            answer = text.result(timeout=30)

        assert answered in message_text(answer)
        with app.app_context():
            row = db.session.get(Ticket, ticket_id)
            assert row.status == status
            rated = [e.data.get("via") for e in _events(ticket_id, "rated")]
            assert rated == (["callback"] if callback["reached"] else [None])
            stored = db.session.scalar(
                select(WebhookDelivery.response).where(
                    WebhookDelivery.key == f"sms:{data['MessageSid']}"
                )
            )
            assert stored == answer.data.decode()  # a Twilio retry gets the same answer


@pytest.mark.committed
def test_a_recording_arriving_while_the_router_routes_its_ticket_is_attached(app, clock):
    require_postgresql(app)
    clock.set("2031-02-06T10:00:00+08:00")
    call_sid, sid = "CA" + "7" * 32, "RE" + "7" * 32
    url = f"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/{sid}"
    with committed_rows(app):
        twilio = Twilio(app.test_client())
        spoken = {"CallSid": call_sid, "From": PHONE, "SpeechResult": "小区路灯坏了一个星期"}
        assert twilio.post("/twilio/voice/speech", spoken).status_code == 200
        with app.app_context():
            ticket_id = db.session.scalar(
                select(WebhookDelivery.ticket_id).where(
                    WebhookDelivery.key == f"voice-speech:{call_sid}"
                )
            )
            assert db.session.get(Ticket, ticket_id).status == Status.new
        recorded = {
            "CallSid": call_sid,
            "RecordingSid": sid,
            "RecordingUrl": url,
            "RecordingStatus": "completed",
        }

        def route() -> int:
            return jobs.route_pending(sleep=lambda seconds: None)

        with threads(app) as start, Pause(Ticket) as pause:
            # The router has claimed and routed the new ticket and not committed yet; the
            # recording's callback (its rows refer to the ticket) waits for the row, then finds
            # it routed.
            router = start(pause.run(route))
            pause.wait()
            callback = start(
                lambda: Twilio(app.test_client()).post("/twilio/voice/recording", recorded)
            )
            wait_blocked(app, 1)
            pause.release()
            assert router.result(timeout=30) >= 1
            answer = callback.result(timeout=30)

        assert answer.status_code == 204
        with app.app_context():
            ticket = db.session.get(Ticket, ticket_id)
            assert ticket.status == Status.triage  # the router's work stands
            kept = db.session.scalar(
                select(CallRecording).where(CallRecording.recording_sid == sid)
            )
            assert (kept.recording_sid, kept.ticket_id) == (sid, ticket_id)
            attached = _events(ticket_id, "recording_attached")
            assert [e.data["recording_sid"] for e in attached] == [sid]
            delivery = db.session.scalar(
                select(WebhookDelivery).where(WebhookDelivery.key == f"recording:{call_sid}:{sid}")
            )
            assert delivery.ticket_id == ticket_id
