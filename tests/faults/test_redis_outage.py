"""Redis stopped while complaints arrive by API and SMS: every request is still answered, every
ticket is stored as `new`, and all are routed once Redis is back (nothing is lost)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from hotline.auth.tokens import issue_token
from hotline.auth.users import create_user
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.seed.demo import load_reference
from hotline.tickets.models import Status, Ticket, TicketEvent
from tests.faults.conftest import Stack

pytestmark = pytest.mark.committed

PUBLIC = "https://hotline.example.org"
ROUTED = ("dispatched", "triaged")


def _sms(client, token: str, i: int):
    form = {
        "MessageSid": f"SMfault{i:028d}",
        "AccountSid": "AC" + "1" * 32,
        "From": f"+8613900{i:06d}",
        "To": "+8612345000000",
        "Body": f"楼下餐馆油烟直排，第{i}次投诉",
        "NumMedia": "0",
    }
    signature = RequestValidator("test-auth-token").compute_signature(PUBLIC + "/twilio/sms", form)
    return client.post(
        "/twilio/sms",
        data=form,
        base_url="http://10.0.0.5:8000",
        headers={"X-Twilio-Signature": signature, "X-Forwarded-Proto": "https"},
    )


def _api(client, token: str, i: int):
    body = {
        "channel": "api",
        "kind": "complaint",
        "category": "noise",
        "description": f"广场舞噪音扰民，晚上十点后仍在播放音乐（{i}）",
        "complainant": {"phone": f"+8613800{i:06d}"},
        "location": {"address": "幸福路88号", "district": "东城区"},
    }
    return client.post("/api/v1/tickets", json=body, headers={"Authorization": f"Bearer {token}"})


def test_complaints_during_a_redis_outage_are_answered_kept_and_routed_after(
    stack: Stack,
) -> None:
    app = stack.app
    with app.app_context():
        load_reference(now=utcnow())
        token = issue_token(create_user(username="fault-op", password="pw-123456", role="operator"))
        db.session.commit()
    client = app.test_client()
    answers = []
    for i in range(3):  # Redis up: jobs are queued (and lost when it restarts empty)
        answers += [_api(client, token, i).status_code, _sms(client, token, i).status_code]
    stack.redis.stop()
    for i in range(3, 9):  # Redis down
        answers += [_api(client, token, i).status_code, _sms(client, token, i).status_code]
    assert answers == [201, 200] * 9

    with app.app_context():
        stored = Counter(db.session.scalars(select(Ticket.status)).all())
        db.session.rollback()
    assert stored == {Status.new: 18}, "every complaint is stored and waits in new"

    stack.redis.start()  # back, and empty: the jobs queued before the outage are gone too
    with app.app_context():
        from hotline.tickets.jobs import requeue_stragglers
        from workers.app import make_worker

        woken = requeue_stragglers(now=utcnow() + timedelta(minutes=2))
        assert woken["route"] is True
        make_worker(app).work(burst=True)
        statuses = Counter(db.session.scalars(select(Ticket.status)).all())
        routed = Counter(
            db.session.scalars(
                select(TicketEvent.ticket_id).where(TicketEvent.type.in_(ROUTED))
            ).all()
        )
        db.session.rollback()
    assert statuses[Status.new] == 0
    assert sum(statuses.values()) == 18
    assert len(routed) == 18
    assert set(routed.values()) == {1}, "each ticket routed exactly once"
