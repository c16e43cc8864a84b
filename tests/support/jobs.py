"""Fixtures for the job tests: clean queues, a burst worker, the Twilio stub.

Registered for the whole suite by `pytest_plugins` in tests/conftest.py (tests/intake/conftest.py
overrides `twilio` with its signed-webhook poster).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from hotline.core.queue import get_queue, redis_conn
from tests.support.twilio_stub import TwilioStub


@pytest.fixture
def queues(app: Flask, redis) -> Callable[[str], int]:
    """Empty queues and wake flags at the start, and forget the wake-ups this process asked for
    (an earlier test's would hold back this one's within the window); returns a counter of jobs
    in a queue."""
    prefix = app.config["QUEUE_PREFIX"]
    for key in redis.scan_iter(f"*{prefix}*"):
        redis.delete(key)
    app.extensions.pop("hotline_wakes_asked", None)
    return lambda purpose: get_queue(purpose).count


@pytest.fixture
def burst(app: Flask) -> Callable[[], bool]:
    """Run a SimpleWorker over all the app's queues until they are empty."""
    from workers.app import make_worker

    def run() -> bool:
        worker = make_worker(app)
        return worker.work(burst=True)

    return run


@pytest.fixture
def twilio(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[TwilioStub]:
    """The Twilio backend selected, with the real SDK pointed at a local stub server."""
    stub = TwilioStub().start()
    monkeypatch.setitem(app.config, "SMS_BACKEND", "twilio")
    monkeypatch.setitem(app.config, "TWILIO_API_BASE", stub.url)
    try:
        yield stub
    finally:
        stub.stop()


@pytest.fixture
def redis_down(app: Flask) -> Iterator[Callable[[], None]]:
    """Point the app's Redis at a closed port; call the returned function to bring it back."""
    import socket

    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with app.app_context():
        real = redis_conn(app)
    dead = Redis(
        host="127.0.0.1",
        port=port,
        socket_connect_timeout=0.2,
        socket_timeout=0.2,
        retry=Retry(NoBackoff(), 0),  # fail fast: the test is about what happens after
    )
    app.extensions["hotline_redis"] = dead

    def restore() -> None:
        app.extensions["hotline_redis"] = real

    try:
        yield restore
    finally:
        restore()
        dead.close()
