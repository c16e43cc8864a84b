"""The admin status page: queue depths, failed jobs with retry, last sweep, outbox backlog."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from flask_login import FlaskLoginClient
from redis import Redis
from rq import Queue, SimpleWorker
from rq.registry import FailedJobRegistry

from hotline.auth.models import User
from hotline.core.extensions import db
from hotline.core.queue import get_queue
from hotline.escalations.jobs import record_sweep
from hotline.notify.models import OutboxMessage


def _user(role: str, unit=None) -> User:
    user = User(username=f"ops-{role}", role=role, unit=unit)
    user.set_password("correct horse battery")
    db.session.add(user)
    db.session.flush()
    return user


def _client(app: Flask, user: User | None) -> FlaskLoginClient:
    return FlaskLoginClient(app, app.response_class, use_cookies=True, user=user)


@pytest.fixture
def failed_job(app: Flask, redis: Redis) -> str:
    queue: Queue = get_queue("default")
    job = queue.enqueue("builtins.int", "not a number")
    SimpleWorker([queue], connection=redis).work(burst=True)
    assert job.id in FailedJobRegistry(queue=queue).get_job_ids()
    return job.id


def test_admin_sees_queues_failed_jobs_last_sweep_and_outbox_backlog(
    app: Flask, session, failed_job: str, redis: Redis
) -> None:
    now = datetime(2026, 10, 9, 1, 30, tzinfo=UTC)
    session.add(
        OutboxMessage(
            channel="sms",
            to="+8613812345678",
            template="t",
            body="b",
            status="retry",
            created_at=now,
            next_attempt_at=now,
        )
    )
    session.flush()
    record_sweep(at=now)
    page = _client(app, _user("admin")).get("/admin/status")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert failed_job in html
    assert "builtins.int" in html
    assert "2026-10-09T09:30:00+08:00" in html  # the sweep time, in local time
    assert 'id="outbox-backlog">1' in html


def test_retry_button_puts_the_failed_job_back_on_its_queue(
    app: Flask, failed_job: str, redis: Redis
) -> None:
    client = _client(app, _user("admin"))
    response = client.post(f"/admin/status/jobs/default/{failed_job}/retry")
    assert response.status_code == 302
    queue = get_queue("default")
    assert failed_job in queue.job_ids
    assert failed_job not in FailedJobRegistry(queue=queue).get_job_ids()


def test_status_page_is_for_admins_only(app: Flask, redis: Redis) -> None:
    assert _client(app, _user("inspector")).get("/admin/status").status_code == 403
    anonymous = app.test_client().get("/admin/status")
    assert anonymous.status_code in (302, 401)
    if anonymous.status_code == 302:
        assert "/login" in anonymous.headers["Location"]


@pytest.mark.slow
def test_status_page_renders_when_redis_is_down(app: Flask, monkeypatch) -> None:
    from tests.faults.tcpproxy import free_port

    monkeypatch.setitem(
        app.extensions, "hotline_redis", Redis(port=free_port(), socket_connect_timeout=0.5)
    )
    page = _client(app, _user("admin")).get("/admin/status")
    assert page.status_code == 200
    assert "Redis" in page.get_data(as_text=True)


def test_admin_sees_the_sms_that_did_not_arrive_with_the_reason_and_what_was_done(
    app: Flask, session, redis: Redis, woken_jobs
) -> None:
    from hotline.notify import delivery_status
    from tests.factories import UnitFactory, ticket_in

    unit = UnitFactory(head_phone="+8613912345678", duty_phone="+8613712345678")
    ticket = ticket_in("accepted", unit=unit)
    now = datetime(2026, 10, 16, 1, 0, tzinfo=UTC)
    rows = {}
    for name, template, to in (
        ("head", "supervision", unit.head_phone),
        ("complainant", "ack", "+8613812345678"),
        ("delivered", "overdue", unit.duty_phone),
    ):
        rows[name] = OutboxMessage(
            channel="sms",
            to=to,
            unit_id=unit.id if name != "complainant" else None,
            ticket_id=ticket.id,
            template=template,
            body="…",
            status="sent",
            provider_sid=f"SM{name:0>32}",
            created_at=now,
        )
        session.add(rows[name])
    session.flush()
    delivery_status.record(
        provider_sid=rows["head"].provider_sid, status="undelivered", error_code="30003", now=now
    )
    delivery_status.record(provider_sid=rows["complainant"].provider_sid, status="failed", now=now)
    delivery_status.record(provider_sid=rows["delivered"].provider_sid, status="delivered", now=now)

    client = _client(app, _user("admin"))
    html = client.get("/admin/status").get_data(as_text=True)
    table = html[html.index('id="undelivered"') :]
    head_row = table[table.index(f'data-outbox="{rows["head"].id}"') :]
    head_row = head_row[: head_row.index("</tr>")]
    assert "139****5678" in head_row
    assert unit.head_phone not in head_row
    assert ticket.number in head_row
    assert "undelivered: twilio undelivered (error 30003)" in head_row
    assert "已通知督查，已改发单位值班电话" in head_row
    assert "改发短信 #" in head_row
    assert ": pending)" in head_row
    ack_row = table[table.index(f'data-outbox="{rows["complainant"].id}"') :]
    assert "138****5678" in ack_row[: ack_row.index("</tr>")]
    assert "仅记录（不是升级短信）" in ack_row[: ack_row.index("</tr>")]
    assert f'data-outbox="{rows["delivered"].id}"' not in table
    english = client.get("/admin/status?lang=en").get_data(as_text=True)
    assert "Inspectors told; sent again to the unit&#39;s duty phone" in english
