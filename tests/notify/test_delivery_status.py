"""A delivery callback that beats the sender's commit is kept and applied, not lost."""

from __future__ import annotations

from hotline.notify import delivery_status
from hotline.notify.models import OutboxMessage


def _sending(session, clock) -> OutboxMessage:
    message = OutboxMessage(
        channel="sms",
        to="+8613812345678",
        template="ack",
        body="【12345热线】…",
        status="sending",
        attempts=1,
        created_at=clock.now,
        next_attempt_at=clock.now,
    )
    session.add(message)
    session.flush()
    return message


def test_callback_before_the_sid_is_stored_is_applied_when_it_is(session, clock):
    message = _sending(session, clock)
    assert delivery_status.record(provider_sid="SM0001", status="delivered") is None
    assert message.status == "sending"

    message.status = "sent"  # what the sender records after Twilio answered
    message.provider_sid = "SM0001"
    delivery_status.apply_early_callbacks(message)
    assert message.status == "delivered"
    assert message.delivered_at is not None


def test_repeated_early_callbacks_are_kept_once_and_never_move_backwards(session, clock):
    message = _sending(session, clock)
    delivery_status.record(provider_sid="SM0002", status="undelivered", error_code="30003")
    delivery_status.record(provider_sid="SM0002", status="undelivered", error_code="30003")
    delivery_status.record(provider_sid="SM0002", status="sent")
    message.status, message.provider_sid = "sent", "SM0002"
    delivery_status.apply_early_callbacks(message)
    assert message.status == "undelivered"
    assert "30003" in message.last_error
