"""A worker killed with SIGKILL in the middle of routing and of sending: after a restart every
ticket is routed exactly once and no SMS reaches the provider twice."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from sqlalchemy import func, select

from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.core.queue import get_queue
from hotline.notify.models import OutboxMessage
from hotline.seed.demo import load_reference
from hotline.tickets import service as tickets
from hotline.tickets.models import Status, Ticket, TicketEvent
from tests.factories import OPERATOR
from tests.faults.conftest import Stack

pytestmark = pytest.mark.committed

WAIT_SECONDS = 60


def _wait(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _scalar(stack: Stack, query):
    with stack.app.app_context():
        value = db.session.scalar(query)
        db.session.rollback()
        return value


class SmsStub:
    """Twilio's Messages endpoint on loopback, slow on purpose; counts every message body."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.bodies: list[str] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = {k: v[0] for k, v in parse_qs(raw).items()}
                stub.bodies.append(form.get("Body", ""))
                time.sleep(stub.delay)
                payload = json.dumps(
                    {"sid": "SM" + uuid.uuid4().hex, "status": "queued", "to": form.get("To")}
                ).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def sms_stub() -> Iterator[SmsStub]:
    stub = SmsStub(delay=0.3)
    try:
        yield stub
    finally:
        stub.server.shutdown()
        stub.server.server_close()


def test_routing_killed_mid_batch_routes_every_ticket_exactly_once_after_restart(
    stack: Stack,
) -> None:
    with stack.app.app_context():
        load_reference(now=utcnow())
        for i in range(24):
            tickets.create(
                actor=OPERATOR,
                channel="api",
                kind="complaint",
                category="noise",
                description=f"深夜广场舞音响扰民（{i}）",
                phone=f"+8613800{i:06d}",
            )
        db.session.commit()
        # replace the wake-up job intake queued by one with small batches, so some batches are
        # committed and one is in flight when the kill lands
        get_queue("routing").empty()
        get_queue("routing").enqueue("hotline.tickets.jobs.route_pending", batch_size=4)
    new = select(func.count()).select_from(Ticket).where(Ticket.status == Status.new)
    worker = stack.worker(FAULT_ROUTE_DELAY="0.15")
    _wait(lambda: _scalar(stack, new) <= 16, "two committed batches")
    stack.kill9(worker)
    left = _scalar(stack, new)
    assert 0 < left < 24, "the kill landed in the middle of the routing"

    with stack.app.app_context():
        from hotline.tickets.jobs import requeue_stragglers

        assert requeue_stragglers(now=utcnow() + timedelta(minutes=2))["route"] is True
    restarted = stack.worker("--burst")
    restarted.wait(timeout=WAIT_SECONDS)
    assert _scalar(stack, new) == 0
    with stack.app.app_context():
        routed = Counter(
            db.session.scalars(
                select(TicketEvent.ticket_id).where(TicketEvent.type.in_(("dispatched", "triaged")))
            ).all()
        )
        db.session.rollback()
    assert len(routed) == 24
    assert set(routed.values()) == {1}, "no ticket routed twice"


def test_sender_killed_mid_batch_never_sends_an_sms_twice(stack: Stack, sms_stub: SmsStub) -> None:
    now = utcnow()
    with stack.app.app_context():
        for i in range(12):
            db.session.add(
                OutboxMessage(
                    channel="sms",
                    to=f"+8613800{i:06d}",
                    template="test",
                    body=f"通知 {i}",
                    status="pending",
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        db.session.commit()
        get_queue("notify").enqueue("hotline.notify.jobs.send_outbox", batch_size=4)
    env = {"SMS_BACKEND": "twilio", "FAULT_TWILIO_API_BASE": sms_stub.url}
    worker = stack.worker(**env)
    _wait(lambda: len(sms_stub.bodies) >= 3, "three SMS at the provider")
    stack.kill9(worker)
    sent_before_kill = len(sms_stub.bodies)
    assert sent_before_kill < 12, "the kill landed in the middle of the sending"

    with stack.app.app_context():
        from hotline.notify.jobs import retry_due

        # rows caught in `sending` go to review (maybe sent); the rest are due again
        retry_due(now=utcnow() + timedelta(minutes=11))
        get_queue("notify").enqueue("hotline.notify.jobs.send_outbox")
    restarted = stack.worker("--burst", **env)
    restarted.wait(timeout=WAIT_SECONDS)

    counts = Counter(sms_stub.bodies)
    assert max(counts.values()) == 1, f"an SMS was sent twice: {counts.most_common(3)}"
    with stack.app.app_context():
        statuses = Counter(db.session.scalars(select(OutboxMessage.status)).all())
        sent_bodies = set(
            db.session.scalars(
                select(OutboxMessage.body).where(OutboxMessage.status == "sent")
            ).all()
        )
        db.session.rollback()
    assert set(statuses) <= {"sent", "review"}, statuses
    assert sent_bodies <= set(counts), "every row marked sent reached the provider"
    assert statuses["sent"] + statuses["review"] == 12
    # rows are taken one at a time: the kill strands at most the one in flight
    assert statuses["review"] <= 1, statuses
