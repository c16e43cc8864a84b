"""/api/v1/callbacks: the missed calls operators call back. The list names the ticket, the
reason and the tries; a try is recorded on the caller's existing ticket (never a second one);
the last failed try texts the caller to call 12345 again and closes the task."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hotline.audit.models import AuditEntry
from hotline.calls.models import CallbackAttempt, CallbackTask, CallRecording
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.notify.models import OutboxMessage, SmsOptOut
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import new_ticket, ticket_in
from tests.support.api import error_fields

pytestmark = pytest.mark.usefixtures("woken_jobs")

CALLER = "+8613812345678"


def missed(phone: str = CALLER, *, ticket: Ticket | None = None, reason: str = "abandoned"):
    task = CallbackTask(
        phone=phone,
        call_sid=f"CA{db.session.scalar(select(func.count(CallbackTask.id))):032d}",
        ticket_id=ticket.id if ticket else None,
        status="open",
        reason=reason,
        created_at=utcnow(),
    )
    db.session.add(task)
    db.session.flush()
    return task


def events_of(ticket: Ticket, kind: str = "missed_call_callback") -> list[TicketEvent]:
    return list(
        db.session.scalars(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.type == kind)
            .order_by(TicketEvent.id)
        )
    )


def attempt(caller, task_id: int, **body):
    return caller.post(f"/api/v1/callbacks/{task_id}/attempts", json=body)


def test_the_list_names_ticket_reason_tries_and_recording_and_audits_each_number(
    operator, clock
) -> None:
    clock.set("2026-10-12T10:00:00+08:00")
    ticket = new_ticket(channel="phone", phone=CALLER)
    with_ticket = missed(ticket=ticket, reason="timeout")
    db.session.add(
        CallRecording(
            recording_sid="RE" + "1" * 32,
            call_sid=with_ticket.call_sid,
            url="https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
            duration_seconds=12,
            ticket_id=ticket.id,
            callback_task_id=with_ticket.id,
            created_at=utcnow(),
        )
    )
    anonymous = missed("unknown", reason="no_caller_id")
    db.session.commit()

    response = operator.get("/api/v1/callbacks")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 2
    first, second = body["items"]
    assert first == {
        "id": with_ticket.id,
        "status": "open",
        "phone": CALLER,
        "ticket": ticket.number,
        "reason": "timeout",
        "attempts": 0,
        "max_attempts": 3,
        "last_attempt_at": None,
        "created_at": "2026-10-12T10:00:00+08:00",
        "done_at": None,
        "recording": True,
        "callable": True,
        "not_callable_reason": None,
    }
    assert (second["id"], second["callable"], second["not_callable_reason"]) == (
        anonymous.id,
        False,
        "no_number",
    )
    assert "api.twilio.com" not in response.get_data(as_text=True)
    # The full number shown is a read of personal data: one audit row (the withheld one is none).
    reads = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal_data"))
    assert [(r.ticket_id, r.detail["callback_task"]) for r in reads] == [
        (ticket.id, with_ticket.id)
    ]


def test_the_list_filters_by_status_and_refuses_an_unknown_one(operator, clock) -> None:
    done = missed()
    done.status, done.done_at = "done", utcnow()
    missed("+8613900000001")
    db.session.commit()
    assert [i["id"] for i in operator.get("/api/v1/callbacks?status=done").get_json()["items"]] == [
        done.id
    ]
    assert operator.get("/api/v1/callbacks?status=closed").get_json()["total"] == 0
    bad = operator.get("/api/v1/callbacks?status=everything")
    assert bad.status_code == 422
    assert "status" in error_fields(bad)


def test_a_number_that_opted_out_cannot_be_called_back(operator) -> None:
    task = missed()
    db.session.add(SmsOptOut(phone=CALLER, at=utcnow()))
    db.session.commit()
    [item] = operator.get("/api/v1/callbacks").get_json()["items"]
    assert (item["id"], item["callable"], item["not_callable_reason"]) == (
        task.id,
        False,
        "opted_out",
    )


def test_reaching_the_caller_ends_the_task_on_the_callers_existing_ticket(operator, clock) -> None:
    clock.set("2026-10-12T10:00:00+08:00")
    ticket = new_ticket(channel="phone", phone=CALLER)
    task = missed(ticket=ticket)
    db.session.commit()
    clock.set("2026-10-12T10:05:00+08:00")
    response = attempt(operator, task.id, reached=True, note="已联系，补充了地址")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["reached"], body["note"]) == (True, "已联系，补充了地址")
    assert body["callback"]["status"] == "done"
    assert body["callback"]["attempts"] == 1
    assert body["callback"]["last_attempt_at"] == "2026-10-12T10:05:00+08:00"
    [event] = events_of(ticket)
    assert (event.data, event.reason) == (
        {"reached": True, "attempt": 1, "closed": False},
        "已联系，补充了地址",
    )
    assert db.session.scalar(select(func.count(Ticket.id))) == 1  # no second ticket
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_a_task_without_ticket_continues_the_callers_latest_open_ticket(operator, unit) -> None:
    closed = ticket_in("closed", unit=unit, phone=CALLER)
    older = new_ticket(channel="phone", phone=CALLER)
    latest = new_ticket(channel="sms", phone=CALLER)
    new_ticket(channel="phone", phone="+8613900000009")  # someone else's
    task = missed()
    db.session.commit()
    assert attempt(operator, task.id, reached=False).status_code == 201
    assert [e.data["reached"] for e in events_of(latest)] == [False]
    assert events_of(older) == []
    assert events_of(closed) == []
    db.session.expire_all()
    assert db.session.get(CallbackTask, task.id).ticket_id == latest.id
    listed = operator.get("/api/v1/callbacks").get_json()["items"][0]
    assert listed["ticket"] == latest.number


@pytest.mark.parametrize(
    ("locale", "expected"), [("zh_CN", "请再次拨打12345"), ("en", "call 12345 again")]
)
def test_the_last_failed_try_texts_the_caller_and_closes_the_task(
    operator, clock, locale, expected
) -> None:
    clock.set("2026-10-12T10:00:00+08:00")
    ticket = new_ticket(channel="phone", phone=CALLER, locale=locale)
    task = missed(ticket=ticket)
    db.session.commit()
    for n in (1, 2):
        answer = attempt(operator, task.id, reached=False, note=f"第{n}次无人接听")
        assert answer.get_json()["callback"]["status"] == "open"
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    last = attempt(operator, task.id, reached=False)
    assert last.get_json()["callback"]["status"] == "closed"
    [sms] = db.session.scalars(select(OutboxMessage)).all()
    assert (sms.to, sms.template, sms.ticket_id) == (CALLER, "missed_call_closed_ticket", ticket.id)
    assert expected in sms.body
    assert ticket.number in sms.body
    assert "3" in sms.body
    assert [e.data for e in events_of(ticket)][-1] == {
        "reached": False,
        "attempt": 3,
        "closed": True,
    }
    # Closed: a fourth try is refused, and nothing more is sent.
    again = attempt(operator, task.id, reached=True)
    assert again.status_code == 409
    assert again.get_json()["error"]["current_status"] == "closed"
    assert db.session.scalar(select(func.count(CallbackAttempt.id))) == 3
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_without_a_ticket_the_sms_asks_to_call_again_and_an_opted_out_caller_gets_none(
    operator, app, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "CALLBACK_MAX_ATTEMPTS", 1)
    plain = missed("+8613900000002")
    opted = missed("+8613900000003")
    db.session.add(SmsOptOut(phone="+8613900000003", at=utcnow()))
    db.session.commit()
    assert attempt(operator, plain.id, reached=False).get_json()["callback"]["status"] == "closed"
    assert attempt(operator, opted.id, reached=False).get_json()["callback"]["status"] == "closed"
    [sms] = db.session.scalars(select(OutboxMessage)).all()
    assert (sms.to, sms.template) == ("+8613900000002", "missed_call_closed")
    assert "请再次拨打12345" in sms.body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reached": "yes"}, "reached"),
        ({"reached": 1}, "reached"),
        ({"reached": "false"}, "reached"),
        ({}, "reached"),
        ({"reached": False, "note": "x" * 100_000}, "note"),
        ({"reached": False, "note": 5}, "note"),
        ({"reached": False, "call_sid": "'; DROP TABLE callback_tasks; --"}, "call_sid"),
    ],
)
def test_a_bad_body_is_a_422_naming_the_field_and_records_nothing(operator, body, field) -> None:
    task = missed()
    db.session.commit()
    response = attempt(operator, task.id, **body)
    assert response.status_code == 422
    assert field in error_fields(response)
    assert db.session.scalar(select(func.count(CallbackAttempt.id))) == 0
    db.session.expire_all()
    assert db.session.get(CallbackTask, task.id).attempts == 0


@pytest.mark.parametrize("task_id", ["999999", "99999999999999999999", "0"])
def test_an_unknown_task_is_a_404(operator, task_id) -> None:
    response = operator.post(f"/api/v1/callbacks/{task_id}/attempts", json={"reached": True})
    assert response.status_code == 404


def test_only_hotline_roles_read_and_record(agent, inspector, client) -> None:
    task = missed()
    db.session.commit()
    assert client.get("/api/v1/callbacks").status_code == 401
    for other in (agent, inspector):
        assert other.get("/api/v1/callbacks").status_code == 403
        assert attempt(other, task.id, reached=True).status_code == 403
    db.session.expire_all()
    assert db.session.get(CallbackTask, task.id).status == "open"


def test_a_retried_post_with_the_same_idempotency_key_counts_one_try(operator) -> None:
    task = missed()
    db.session.commit()
    headers = {"Idempotency-Key": "retry-1"}
    url = f"/api/v1/callbacks/{task.id}/attempts"
    first = operator.post(url, json={"reached": False}, headers=headers)
    second = operator.post(url, json={"reached": False}, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert db.session.scalar(select(func.count(CallbackAttempt.id))) == 1
