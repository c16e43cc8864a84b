"""The scheduler: each periodic job once per slot, never overlapping, never crashing on a gap."""

from __future__ import annotations

import logging
from datetime import timedelta

from workers.schedule import Periodic
from workers.scheduler import Scheduler

REGISTRY = (
    Periodic("route-stragglers", "hotline.tickets.jobs.requeue_stragglers", 60, "routing"),
    Periodic("outbox-retry", "hotline.notify.jobs.retry_due", 30, "notify"),
)


def test_two_schedulers_ticking_the_same_slot_enqueue_once(app, clock, queues):
    clock.set("2026-10-09T10:00:05+08:00")
    first, second = Scheduler(REGISTRY), Scheduler(REGISTRY)

    assert first.tick() == ["route-stragglers", "outbox-retry"]
    assert second.tick() == []
    assert first.tick() == []
    assert (queues("routing"), queues("notify")) == (1, 1)


def test_a_job_still_queued_is_not_enqueued_again_in_the_next_slot(app, clock, queues):
    clock.set("2026-10-09T10:00:05+08:00")
    scheduler = Scheduler(REGISTRY)
    scheduler.tick()

    clock.now += timedelta(seconds=60)
    assert scheduler.tick() == []
    assert (queues("routing"), queues("notify")) == (1, 1)


def test_next_slot_enqueues_again_once_the_previous_run_finished(
    app, session, clock, queues, burst
):
    clock.set("2026-10-09T10:00:05+08:00")
    scheduler = Scheduler(REGISTRY)
    scheduler.tick()
    burst()

    clock.now += timedelta(seconds=30)
    assert scheduler.tick() == ["outbox-retry"]  # its 30 s slot came; the 60 s one did not
    burst()
    clock.now += timedelta(seconds=30)
    assert scheduler.tick() == ["route-stragglers", "outbox-retry"]


def test_a_job_function_that_does_not_exist_is_logged_not_fatal(app, clock, queues, caplog):
    registry = (Periodic("ghost", "workers.not_written_yet.run", 60, "default"), *REGISTRY)
    scheduler = Scheduler(registry)

    with caplog.at_level(logging.ERROR, logger="workers.scheduler"):
        assert scheduler.tick() == ["route-stragglers", "outbox-retry"]
        clock.now += timedelta(minutes=5)
        scheduler.tick()

    assert caplog.text.count("workers.not_written_yet.run does not exist") == 1
    assert queues("default") == 0


def test_scheduler_once_command_enqueues_the_due_jobs(app, runner, clock, queues, monkeypatch):
    monkeypatch.setattr("workers.scheduler.PERIODIC", REGISTRY)
    monkeypatch.setattr(Scheduler.__init__, "__defaults__", (REGISTRY,))
    clock.set("2026-10-09T10:00:05+08:00")

    result = runner.invoke(args=["scheduler", "--once"])

    assert result.exit_code == 0, result.output
    assert "route-stragglers" in result.output
    assert queues("routing") == 1
