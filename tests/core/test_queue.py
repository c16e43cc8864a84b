"""Wake-ups skipped within a process's window are safe: the drain job lingers, then looks again.

The scenario each test plays is the race the window opens: a drain job has already cleared the
flag and found nothing, and a commit lands a moment later in a web process that asked for a
wake-up within the window, so it asks for none. Only the drain's lingering last pass finds it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

import hotline.core.queue as queue_module
from hotline.core.extensions import db
from hotline.core.queue import DRAIN_LINGER_SECONDS, DRAIN_MAX_SECONDS, WAKE_WINDOW_SECONDS
from hotline.core.uow import HOOKS
from hotline.notify.jobs import send_outbox
from hotline.notify.models import OutboxMessage
from hotline.notify.service import queue_sms
from hotline.tickets.jobs import route_pending
from hotline.tickets.models import Ticket
from tests.factories import CategoryFactory, new_ticket


class Monotonic:
    """A stand-in for time.monotonic that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def monotonic(monkeypatch: pytest.MonkeyPatch) -> Monotonic:
    fake = Monotonic()
    monkeypatch.setattr(queue_module, "monotonic", fake)
    return fake


def _flag(app, redis, kind: str) -> bytes | None:
    return redis.get(f"{app.config['QUEUE_PREFIX']}:wake:{kind}")


def _status(number: str) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Ticket.status).where(Ticket.number == number))


def test_linger_is_at_least_twice_the_window():
    assert DRAIN_LINGER_SECONDS >= 2 * WAKE_WINDOW_SECONDS > 0


def test_commit_within_the_window_asks_redis_for_nothing(session, queues, redis, app, monotonic):
    category = CategoryFactory()
    new_ticket(category=category)
    session.commit()
    assert queues("routing") == 1
    redis.delete(f"{app.config['QUEUE_PREFIX']}:wake:route")  # as a drain does before a claim

    monotonic.now += WAKE_WINDOW_SECONDS / 2
    new_ticket(category=category)
    session.commit()
    assert queues("routing") == 1
    assert _flag(app, redis, "route") is None

    monotonic.now += WAKE_WINDOW_SECONDS  # past the window: the next commit asks again
    new_ticket(category=category)
    session.commit()
    assert queues("routing") == 2
    assert _flag(app, redis, "route") == b"1"


def test_ticket_committed_after_the_drain_found_nothing_is_routed_by_its_last_pass(
    session, queues, redis, app, monotonic
):
    category = CategoryFactory()
    first = new_ticket(category=category).number
    session.commit()  # asks for the wake-up; the drain below is that job
    late: list[str] = []
    sleeps: list[float] = []

    def linger(seconds: float) -> None:
        sleeps.append(seconds)
        if not late:  # the drain's first pass is over: the flag is gone, nothing is pending
            assert _flag(app, redis, "route") is None
            monotonic.now += WAKE_WINDOW_SECONDS / 2
            late.append(new_ticket(category=category).number)
            db.session.commit()  # within the window: no wake-up, no flag, no job
            assert _flag(app, redis, "route") is None
            assert queues("routing") == 1

    assert route_pending(sleep=linger) == 2

    assert sleeps == [DRAIN_LINGER_SECONDS, DRAIN_LINGER_SECONDS]
    assert _status(first) == "dispatched"
    assert _status(late[0]) == "dispatched"


def test_failed_wake_up_is_not_remembered(session, queues, redis_down, monotonic):
    category = CategoryFactory()
    new_ticket(category=category)
    session.commit()  # Redis is down: no job, and nothing to hold the next commit back
    redis_down()

    new_ticket(category=category)
    session.commit()  # same instant, Redis back: this one asks

    assert queues("routing") == 1


def test_unroutable_ticket_is_tried_once_per_job_despite_the_linger(session, queues, monkeypatch):
    from hotline.tickets import transitions

    bad = new_ticket(category=CategoryFactory()).number
    session.commit()
    attempts: list[str] = []

    def broken_route(ticket: Ticket, **kwargs: object) -> Ticket:
        attempts.append(ticket.number)
        raise RuntimeError("catalogue exploded")

    monkeypatch.setattr(transitions, "route", broken_route)

    passes: list[float] = []

    def linger(seconds: float) -> None:
        passes.append(seconds)
        assert len(passes) < 5, "the drain keeps claiming the ticket it passed over"

    assert route_pending(sleep=linger) == 0
    assert attempts == [bad]
    assert _status(bad) == "new"


def test_sms_queued_after_the_sender_found_nothing_goes_out_in_its_last_pass(
    session, queues, clock, twilio, monotonic
):
    clock.set("2026-10-09T10:00:00+08:00")
    queue_sms(to="+8613812345678", template="reopened", number="20261009-000001", due="-")
    session.commit()
    late: list[int] = []

    def linger(seconds: float) -> None:
        if not late:
            monotonic.now += WAKE_WINDOW_SECONDS / 2
            message = queue_sms(
                to="+8613812345679", template="reopened", number="20261009-000002", due="-"
            )
            db.session.commit()  # within the window: no wake-up
            late.append(message.id)

    assert send_outbox(sleep=linger) == 2
    db.session.expire_all()
    assert db.session.get(OutboxMessage, late[0]).status == "sent"
    assert len(twilio.requests) == 2


def _steady_load(category, monotonic: Monotonic, arrivals: int) -> tuple[list[str], object]:
    """A linger during which half a DRAIN_MAX_SECONDS passes and a ticket arrives whose wake-up
    another process held back, `arrivals` times."""
    numbers: list[str] = []

    def linger(seconds: float) -> None:
        assert len(numbers) < 10, "the drain never ends under steady load"
        monotonic.now += DRAIN_MAX_SECONDS / 2
        if len(numbers) < arrivals:
            numbers.append(new_ticket(category=category).number)
            db.session.info.pop(HOOKS, None)
            db.session.commit()

    return numbers, linger


def test_a_drain_under_steady_load_hands_over_to_a_new_job(session, queues, redis, app, monotonic):
    category = CategoryFactory()
    first = new_ticket(category=category).number
    session.commit()  # the wake-up whose job the drain below is
    arrived, linger = _steady_load(category, monotonic, arrivals=100)

    route_pending(sleep=linger)

    assert len(arrived) == 2  # a minute in, it stopped looking and handed over
    assert {_status(n) for n in [first, *arrived]} == {"dispatched"}
    assert queues("routing") == 2  # its own wake-up's job, and the successor's
    assert _flag(app, redis, "route") == b"1"


def test_with_redis_down_a_long_drain_keeps_lingering_until_it_finds_nothing(
    session, queues, redis_down, monotonic
):
    category = CategoryFactory()
    first = new_ticket(category=category).number
    session.commit()  # Redis is down: nobody can be handed over to
    arrived, linger = _steady_load(category, monotonic, arrivals=3)

    route_pending(sleep=linger)

    assert len(arrived) == 3
    assert {_status(n) for n in [first, *arrived]} == {"dispatched"}
