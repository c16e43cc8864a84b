"""The routing job: woken after commit, drains `new` tickets, safe to repeat, finds stragglers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from hotline.core.extensions import db
from hotline.core.uow import HOOKS
from hotline.tickets import transitions
from hotline.tickets.jobs import requeue_stragglers, route_pending
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import CategoryFactory, new_ticket


def _reload(number: str) -> Ticket:
    return db.session.scalar(select(Ticket).where(Ticket.number == number))


def test_committed_ticket_is_dispatched_by_a_burst_worker(session, queues, burst):
    category = CategoryFactory()
    unit_code = category.default_unit.code
    number = new_ticket(category=category).number
    assert queues("routing") == 0  # nothing goes to Redis before the commit
    session.commit()
    assert queues("routing") == 1

    assert burst() is True

    ticket = _reload(number)
    assert ticket.status == "dispatched"
    assert ticket.unit.code == unit_code
    assert ticket.resolve_due_at is not None


def test_rolled_back_ticket_enqueues_nothing(session, queues, app, redis):
    new_ticket(category=CategoryFactory())
    session.rollback()

    assert queues("routing") == 0
    assert redis.get(f"{app.config['QUEUE_PREFIX']}:wake:route") is None


def test_many_commits_wake_a_single_drain_job(session, queues, burst):
    category = CategoryFactory()
    numbers = []
    for _ in range(3):
        numbers.append(new_ticket(category=category).number)
        session.commit()
    assert queues("routing") == 1  # one wake-up drains all three

    burst()

    assert {_reload(n).status for n in numbers} == {"dispatched"}


def test_ticket_without_a_confident_unit_goes_to_triage(session, queues, burst):
    number = new_ticket(description="想咨询一下落户政策").number
    session.commit()

    burst()

    assert _reload(number).status == "triage"


def test_route_pending_twice_routes_each_ticket_once(session, queues):
    category = CategoryFactory()
    tickets = [new_ticket(category=category) for _ in range(2)]
    ids = [t.id for t in tickets]
    session.commit()

    assert route_pending() == 2
    assert route_pending() == 0

    dispatched = session.scalar(
        select(func.count())
        .select_from(TicketEvent)
        .where(TicketEvent.ticket_id.in_(ids), TicketEvent.type == "dispatched")
    )
    assert dispatched == 2


def test_one_failing_ticket_is_skipped_and_the_batch_goes_on(session, queues, monkeypatch):
    category = CategoryFactory()
    bad, good = new_ticket(category=category), new_ticket(category=category)
    bad_number, good_number = bad.number, good.number
    session.commit()
    real_route = transitions.route

    def flaky_route(ticket: Ticket, **kwargs: object) -> Ticket:
        if ticket.number == bad_number:
            raise RuntimeError("catalogue exploded")
        return real_route(ticket, **kwargs)

    monkeypatch.setattr(transitions, "route", flaky_route)

    assert route_pending() == 1
    assert _reload(bad_number).status == "new"
    assert _reload(good_number).status == "dispatched"


def test_batches_cover_more_tickets_than_one_claim(session, queues):
    category = CategoryFactory()
    numbers = [new_ticket(category=category).number for _ in range(5)]
    session.commit()

    assert route_pending(batch_size=2) == 5
    assert {_reload(n).status for n in numbers} == {"dispatched"}


def test_ticket_taken_while_redis_is_down_is_kept_and_routed_later(
    session, queues, burst, redis_down, clock
):
    clock.set("2026-10-09T10:00:00+08:00")
    number = new_ticket(category=CategoryFactory()).number
    session.commit()  # the wake-up fails quietly: the complaint is stored all the same

    assert _reload(number).status == "new"
    redis_down()  # Redis is back; nothing was queued while it was down
    assert queues("routing") == 0

    clock.set("2026-10-09T10:00:20+08:00")
    assert requeue_stragglers() == {"route": False, "outbox": False}  # too fresh to be lost

    clock.set("2026-10-09T10:01:00+08:00")
    assert requeue_stragglers()["route"] is True
    burst()

    assert _reload(number).status == "dispatched"


def test_straggler_sweep_wakes_the_sender_for_unsent_sms(session, queues, clock):
    from hotline.notify.service import queue_sms

    clock.set("2026-10-09T10:00:00+08:00")
    queue_sms(to="+8613812345678", template="reopened", number="20261009-000001", due="-")
    session.info.pop(HOOKS, None)  # as if Redis had been down at commit
    session.commit()

    clock.set("2026-10-09T10:05:00+08:00")
    assert requeue_stragglers()["outbox"] is True
    assert queues("notify") == 1


@pytest.mark.committed
def test_concurrent_claims_never_take_the_same_ticket(app, queues):
    """Two routers at once on PostgreSQL: SKIP LOCKED gives each ticket to exactly one."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks need PostgreSQL")
        from hotline.tickets.jobs import _claim

        category = CategoryFactory()
        ids = [new_ticket(category=category).id for _ in range(4)]
        db.session.commit()
        try:
            first = [t.id for t in _claim(0, 2)]  # holds row locks until commit
            seen: list[int] = []

            def other_worker() -> None:
                with app.app_context():
                    seen.extend(t.id for t in _claim(0, 10))
                    db.session.rollback()

            thread = threading.Thread(target=other_worker)
            thread.start()
            thread.join(10)
            db.session.rollback()

            assert first == ids[:2]
            assert seen == ids[2:]
        finally:
            db.session.rollback()
            db.session.execute(TicketEvent.__table__.delete().where(TicketEvent.ticket_id.in_(ids)))
            db.session.execute(Ticket.__table__.delete().where(Ticket.id.in_(ids)))
            cat = db.session.merge(category)
            unit_id = cat.default_unit_id
            db.session.delete(cat)
            db.session.flush()
            from hotline.units.models import Unit

            db.session.delete(db.session.get(Unit, unit_id))
            db.session.commit()


def test_stragglers_ignore_tickets_already_routed(session, queues, clock):
    clock.set("2026-10-09T10:00:00+08:00")
    new_ticket(category=CategoryFactory())
    session.commit()
    route_pending()

    clock.set("2026-10-09T11:00:00+08:00")
    assert requeue_stragglers()["route"] is False


def test_a_job_routes_with_the_catalogue_as_it_is_now(session, queues, burst):
    """An admin's edit lands in a web process; the worker's cached catalogue must not route
    the next ticket the old way."""
    from hotline.catalogue.routing import load_catalogue
    from tests.factories import UnitFactory

    category = CategoryFactory()
    load_catalogue()  # this process has the catalogue cached, default unit included
    moved_to = UnitFactory().id
    category.default_unit_id = moved_to  # the edit, with no invalidation in this process
    number = new_ticket(category=category).number
    session.commit()

    assert burst() is True
    assert _reload(number).unit_id == moved_to
