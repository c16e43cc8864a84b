"""POST /twilio/sms/status: delivery callbacks move an outbox message forward, never back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hotline.core.extensions import db
from hotline.notify.models import OutboxMessage

SID = "SM" + "d" * 32


@pytest.fixture
def message() -> OutboxMessage:
    row = OutboxMessage(
        channel="sms",
        to="+8613812345678",
        template="ack",
        body="【12345热线】…",
        status="sending",
        provider_sid=SID,
        created_at=datetime(2026, 10, 1, tzinfo=UTC),
    )
    db.session.add(row)
    db.session.flush()
    return row


def callback(twilio, status: str, sid: str = SID, **extra: str):
    data = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "1" * 32}
    return twilio.post("/twilio/sms/status", data | extra)


def test_statuses_move_forward_to_delivered(twilio, message):
    for status in ("sent", "delivered"):
        assert callback(twilio, status).status_code == 204
        assert message.status == status
    assert message.delivered_at is not None


def test_a_late_sent_or_queued_never_undoes_delivered(twilio, message):
    callback(twilio, "delivered")
    callback(twilio, "sent")
    callback(twilio, "queued")
    callback(twilio, "sending")
    assert message.status == "delivered"


def test_a_terminal_status_is_not_replaced_by_another_terminal_one(twilio, message):
    callback(twilio, "undelivered", ErrorCode="30005")
    callback(twilio, "delivered")
    assert message.status == "undelivered"
    assert "30005" in message.last_error


def test_failed_records_the_error(twilio, message):
    callback(twilio, "failed", ErrorCode="30008")
    assert message.status == "failed"
    assert message.last_error == "twilio failed (error 30008)"


def test_queued_does_not_move_a_sending_message_back(twilio, message):
    callback(twilio, "queued")
    assert message.status == "sending"


def test_unknown_message_is_acknowledged_and_changes_nothing(twilio, message):
    assert callback(twilio, "delivered", sid="SM" + "e" * 32).status_code == 204
    assert message.status == "sending"


def test_forged_status_callback_is_refused(twilio, message):
    data = {"MessageSid": SID, "MessageStatus": "failed"}
    assert twilio.post("/twilio/sms/status", data, token="wrong").status_code == 403
    assert twilio.post("/twilio/sms/status", data, signature="").status_code == 403
    assert message.status == "sending"


def test_a_callback_racing_the_senders_commit_is_not_lost(twilio, monkeypatch):
    """The callback finds no message with its sid; before it keeps the status, the sender
    commits the sid and finds nothing kept. The callback's second look must apply it."""
    from hotline.notify import delivery_status

    row = OutboxMessage(
        channel="sms",
        to="+8613812345678",
        template="ack",
        body="【12345热线】…",
        status="sending",
        created_at=datetime(2026, 10, 1, tzinfo=UTC),
    )
    db.session.add(row)
    db.session.flush()
    keep = delivery_status._keep_early

    def sender_commits_in_between(*args, **kwargs):
        row.provider_sid, row.status = SID, "sent"
        delivery_status.apply_early_callbacks(row)  # the sender's own look: nothing kept yet
        db.session.flush()
        return keep(*args, **kwargs)

    monkeypatch.setattr(delivery_status, "_keep_early", sender_commits_in_between)
    assert callback(twilio, "delivered").status_code == 204
    db.session.refresh(row)
    assert row.status == "delivered"
    assert row.delivered_at is not None
