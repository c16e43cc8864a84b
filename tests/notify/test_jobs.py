"""The outbox sender: through the real Twilio SDK to a local stub, at most once, with back-off."""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline.core.extensions import db
from hotline.core.uow import HOOKS
from hotline.notify.backends import SentSms
from hotline.notify.jobs import MAX_ATTEMPTS, SENDING_TIMEOUT, retry_due, send_outbox
from hotline.notify.models import OutboxMessage, SmsOptOut
from hotline.notify.service import queue_sms

PHONE = "+8613812345678"


def _sms(to: str = PHONE, number: str = "20261009-000001") -> int:
    message = queue_sms(to=to, template="reopened", number=number, due="2026-10-16 00:00")
    db.session.flush()
    return message.id


def _row(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_sms_goes_through_the_twilio_sdk_with_our_status_callback(session, clock, twilio, app):
    clock.set("2026-10-09T10:00:00+08:00")
    message_id = _sms()
    session.commit()

    assert send_outbox() == 1

    (request,) = twilio.requests
    sid = app.config["TWILIO_ACCOUNT_SID"]
    assert request.path == f"/2010-04-01/Accounts/{sid}/Messages.json"
    assert request.form["To"] == PHONE
    assert request.form["From"] == "+8612345000000"
    assert "20261009-000001" in request.form["Body"]
    assert request.form["StatusCallback"] == "https://hotline.example.org/twilio/sms/status"
    assert request.authorization.startswith("Basic ")
    row = _row(message_id)
    assert row.status == "sent"
    assert row.provider_sid.startswith("SM")
    assert row.attempts == 1


def test_provider_error_retries_with_exponential_backoff(session, clock, twilio):
    clock.set("2026-10-09T10:00:00+08:00")
    message_id = _sms()
    session.commit()
    twilio.fail_next = [500, 500]

    assert send_outbox() == 0
    row = _row(message_id)
    assert (row.status, row.attempts) == ("retry", 1)
    assert row.next_attempt_at == clock.now + timedelta(minutes=1)
    assert "500" in row.last_error

    clock.now += timedelta(seconds=30)
    send_outbox()  # not due yet: nothing is sent
    assert len(twilio.requests) == 1

    clock.now += timedelta(seconds=30)
    send_outbox()
    row = _row(message_id)
    assert (row.status, row.attempts) == ("retry", 2)
    assert row.next_attempt_at == clock.now + timedelta(minutes=2)

    clock.now += timedelta(minutes=2)
    assert send_outbox() == 1
    assert _row(message_id).status == "sent"
    assert len(twilio.requests) == 3


def test_gives_up_after_the_last_attempt(session, clock, twilio):
    clock.set("2026-10-09T10:00:00+08:00")
    message_id = _sms()
    session.commit()
    twilio.fail_next = [503] * MAX_ATTEMPTS

    for _ in range(MAX_ATTEMPTS):
        send_outbox()
        clock.now += timedelta(hours=1)

    row = _row(message_id)
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    send_outbox()
    assert len(twilio.requests) == MAX_ATTEMPTS


def test_rejected_number_fails_without_retrying(session, clock, twilio):
    clock.set("2026-10-09T10:00:00+08:00")
    message_id = _sms()
    session.commit()
    twilio.fail_next = [400]

    send_outbox()

    assert _row(message_id).status == "failed"


def test_one_failing_sms_does_not_stop_the_rest(session, clock, twilio):
    clock.set("2026-10-09T10:00:00+08:00")
    first = _sms(number="20261009-000001")
    second = _sms(to="+8613900001111", number="20261009-000002")
    session.commit()
    twilio.fail_next = [500]

    assert send_outbox() == 1

    assert _row(first).status == "retry"
    assert _row(second).status == "sent"


def test_opted_out_phone_is_not_sent(session, clock, twilio):
    clock.set("2026-10-09T10:00:00+08:00")
    session.add(SmsOptOut(phone=PHONE, at=clock.now))
    message_id = _sms()
    session.commit()

    assert send_outbox() == 0

    assert twilio.requests == []
    row = _row(message_id)
    assert row.status == "failed"
    assert "opted out" in row.last_error


def test_row_left_sending_is_never_resent_but_flagged_for_review(session, clock, twilio):
    """A worker killed mid-send leaves `sending`: Twilio may have it, so no second copy."""
    clock.set("2026-10-09T10:00:00+08:00")
    message_id = _sms()
    row = _row(message_id)
    row.status, row.attempts, row.next_attempt_at = "sending", 1, clock.now
    session.commit()

    send_outbox()
    clock.now += SENDING_TIMEOUT - timedelta(seconds=1)
    assert retry_due()["flagged"] == 0
    clock.now += timedelta(seconds=2)
    assert retry_due()["flagged"] == 1
    send_outbox()

    assert twilio.requests == []
    row = _row(message_id)
    assert row.status == "review"
    assert "check the provider" in row.last_error


class _Provider:
    """Records what it took; `die_at` makes the process die (BaseException, as SIGKILL would)
    during that send, before the provider has it."""

    def __init__(self, die_at: int | None = None) -> None:
        self.taken: list[str] = []
        self.die_at = die_at

    def send(self, *, to: str, body: str) -> SentSms:
        if len(self.taken) + 1 == self.die_at:
            raise SystemExit("killed mid-send")
        self.taken.append(to)
        return SentSms(sid=f"SM{uuid.uuid4().hex}", status="queued")


def test_a_crash_mid_send_strands_only_the_row_in_flight(session, clock):
    clock.set("2026-10-09T10:00:00+08:00")
    phones = [f"+86138000000{i:02d}" for i in range(5)]
    ids = [_sms(to=phone) for phone in phones]
    session.commit()

    with pytest.raises(SystemExit):
        send_outbox(backend=_Provider(die_at=2))
    session.rollback()  # whatever the dead process had not committed is gone

    assert [_row(i).status for i in ids] == ["sent", "sending", "pending", "pending", "pending"]
    # the next sender sends the rest; the row in flight waits for review, never resent
    provider = _Provider()
    assert send_outbox(backend=provider) == 3
    assert provider.taken == phones[2:]
    assert _row(ids[1]).status == "sending"


def test_in_app_rows_left_from_before_the_inbox_are_not_sent_anywhere(session, clock, twilio):
    """In-app notices were outbox rows (channel "inapp") before they got their own table."""
    clock.set("2026-10-09T10:00:00+08:00")
    db.session.add(
        OutboxMessage(
            channel="inapp",
            template="warning",
            body="工单20261009-000001将于-到期",
            status="sent",
            created_at=clock.now,
            sent_at=clock.now,
        )
    )
    session.commit()

    assert send_outbox() == 0
    assert twilio.requests == []


def test_console_backend_logs_the_message_in_development(session, clock, caplog):
    clock.set("2026-10-09T10:00:00+08:00")
    message_id = _sms()
    session.commit()

    with caplog.at_level(logging.INFO, logger="hotline.notify.backends"):
        assert send_outbox() == 1

    assert PHONE in caplog.text
    assert "20261009-000001" in caplog.text
    assert _row(message_id).provider_sid.startswith("console-")


def test_committed_sms_is_sent_by_a_burst_worker(session, clock, queues, burst):
    clock.set("2026-10-09T10:00:00+08:00")
    message_id = _sms()
    session.commit()
    assert queues("notify") == 1

    burst()

    assert _row(message_id).status == "sent"


def test_retry_due_wakes_the_sender_only_when_a_row_is_due(session, clock, queues):
    clock.set("2026-10-09T10:00:00+08:00")
    message_id = _sms()
    row = _row(message_id)
    row.status, row.attempts, row.next_attempt_at = "retry", 1, clock.now + timedelta(minutes=1)
    session.info.pop(HOOKS, None)
    session.commit()

    assert retry_due()["woken"] is False
    clock.now += timedelta(minutes=1)
    assert retry_due()["woken"] is True
    assert queues("notify") == 1
    assert db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == message_id))


@pytest.mark.committed
def test_two_senders_at_once_never_send_a_row_twice(app):
    """The conditional UPDATE that takes a row lets exactly one sender have it."""
    phones = [f"+86139000000{i:02d}" for i in range(30)]
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("several senders at once run on PostgreSQL; SQLite has one writer")
        ids = [_sms(to=phone) for phone in phones]
        db.session.commit()
    providers = [_Provider(), _Provider()]
    try:

        def sender(provider: _Provider) -> None:
            with app.app_context():
                send_outbox(backend=provider, batch_size=7)
                db.session.remove()

        threads = [threading.Thread(target=sender, args=(p,)) for p in providers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        taken = providers[0].taken + providers[1].taken
        assert sorted(taken) == sorted(phones)  # every row once, none twice
    finally:
        with app.app_context():
            db.session.execute(OutboxMessage.__table__.delete().where(OutboxMessage.id.in_(ids)))
            db.session.commit()


def test_a_delivery_callback_kept_while_the_sender_commits_is_applied(session, clock, monkeypatch):
    """Twilio calls back before our commit of the sid: the callback is kept, and the sender's
    look after its commit applies it (the callback's own second look is tested in intake)."""
    from hotline.notify import delivery_status

    clock.set("2026-10-09T10:00:00+08:00")
    message_id = _sms()
    session.commit()
    real = delivery_status.apply_early_callbacks
    calls: list[int] = []

    def callback_lands_after_the_first_look(message, **kwargs):
        calls.append(message.id)
        real(message, **kwargs)
        if len(calls) == 1:  # nothing kept yet; now the callback handler keeps "delivered"
            delivery_status._keep_early(message.provider_sid, "delivered", None, clock.now)

    monkeypatch.setattr(
        delivery_status, "apply_early_callbacks", callback_lands_after_the_first_look
    )
    assert send_outbox(backend=_Provider()) == 1
    assert _row(message_id).status == "delivered"
