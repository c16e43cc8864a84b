"""/console/missed: the missed calls with their ticket, reason in words, tries, the recording,
a 回拨 button the softphone hooks onto, and a form recording each try (the same service as the
API). The full numbers on the page are audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hotline.audit.models import AuditEntry
from hotline.calls.models import CallbackAttempt, CallbackTask, CallRecording
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.notify.models import OutboxMessage, SmsOptOut
from tests.factories import new_ticket

CALLER = "+8613812345678"
ACCOUNT = "AC" + "1" * 32
SID = "RE" + "7" * 32
URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/{SID}"


def missed(phone: str = CALLER, *, ticket=None, reason: str = "abandoned") -> CallbackTask:
    task = CallbackTask(
        phone=phone,
        ticket_id=ticket.id if ticket else None,
        status="open",
        reason=reason,
        created_at=utcnow(),
    )
    db.session.add(task)
    db.session.flush()
    return task


def row_of(body: str, task: CallbackTask) -> str:
    match = re.search(rf'<tr data-task="{task.id}">(.*?)</tr>', body, re.S)
    assert match, body
    return match.group(1)


def test_each_missed_call_shows_its_ticket_reason_tries_and_a_callback_button(
    login, staff, clock
) -> None:
    clock.set("2026-10-12T10:00:00+08:00")
    ticket = new_ticket(channel="phone", phone=CALLER)
    task = missed(ticket=ticket, reason="timeout")
    body = login(staff.operator).get("/console/missed").get_data(as_text=True)
    row = row_of(body, task)
    assert f'href="/tickets/{ticket.number}"' in row
    assert "排队超时未接" in row
    assert "0 / 3" in row
    assert (
        f'<button type="button" class="btn btn-sm sp-dial" data-dial="{CALLER}" '
        f'data-task="{task.id}" data-test="dial">回拨</button>'
    ) in row
    assert f"#{task.id}" not in row  # no internal id standing in for the ticket
    [read] = db.session.scalars(select(AuditEntry)).all()
    assert (read.actor_id, read.ticket_id, read.detail["callback_task"], read.detail["via"]) == (
        staff.operator.id,
        ticket.id,
        task.id,
        "missed_calls",
    )


def test_reasons_read_in_english_too(login, staff) -> None:
    task = missed(reason="closed")
    body = login(staff.operator).get("/console/missed?lang=en").get_data(as_text=True)
    assert "Called outside answering hours" in row_of(body, task)


@pytest.mark.parametrize(
    ("phone", "why"), [(CALLER, "来电人已退订（TD），不再回拨"), ("unknown", "号码未知，无法回拨")]
)
def test_a_number_that_opted_out_or_is_unknown_cannot_be_called_back(
    login, staff, phone, why
) -> None:
    db.session.add(SmsOptOut(phone=CALLER, at=utcnow()))
    task = missed(phone)
    row = row_of(login(staff.operator).get("/console/missed").get_data(as_text=True), task)
    assert "data-dial" not in row
    assert "disabled" in row
    assert why in row


def test_the_calls_recording_plays_through_the_console_proxy(login, staff, twilio) -> None:
    task = missed()
    db.session.add(
        CallRecording(
            recording_sid=SID,
            call_sid="CA" + "7" * 32,
            url=URL,
            duration_seconds=9,
            callback_task_id=task.id,
            created_at=utcnow(),
        )
    )
    db.session.flush()
    twilio.media[f"/2010-04-01/Accounts/{ACCOUNT}/Recordings/{SID}.mp3"] = b"ID3-audio"
    client = login(staff.operator)
    body = client.get("/console/missed").get_data(as_text=True)
    src = f"/console/missed/{task.id}/recordings/{SID}"
    assert f'<audio controls preload="none" src="{src}">' in row_of(body, task)
    assert "api.twilio.com" not in body
    heard = client.get(src)
    assert (heard.status_code, heard.data) == (200, b"ID3-audio")
    assert heard.headers["Cache-Control"] == "private, no-store"
    other = missed("+8613900000001")
    assert client.get(f"/console/missed/{other.id}/recordings/{SID}").status_code == 404
    assert client.get(f"/console/missed/99999999999/recordings/{SID}").status_code == 404
    assert login(staff.agent).get(src).status_code == 403


def test_the_form_records_a_try_on_the_callers_ticket(login, staff) -> None:
    ticket = new_ticket(channel="phone", phone=CALLER)
    task = missed(ticket=ticket)
    client = login(staff.operator)
    response = client.post(
        f"/console/missed/{task.id}/attempts", data={"reached": "1", "note": "已补充地址"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CallbackTask, task.id).status == "done"
    page = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "漏接回拨" in page
    assert "第 1 次回拨" in page
    assert "已补充地址" in page


def test_three_failed_tries_from_the_page_close_the_task_with_an_sms(login, staff) -> None:
    task = missed()
    client = login(staff.operator)
    for _ in range(3):
        client.post(f"/console/missed/{task.id}/attempts", data={"reached": "0"})
    db.session.expire_all()
    assert db.session.get(CallbackTask, task.id).status == "closed"
    [sms] = db.session.scalars(select(OutboxMessage)).all()
    assert sms.to == CALLER
    assert "请再次拨打12345" in sms.body
    closed = client.get("/console/missed?status=closed").get_data(as_text=True)
    assert "未接通已结束" in row_of(closed, task)
    assert f'data-task="{task.id}"' not in client.get("/console/missed").get_data(as_text=True)


@pytest.mark.parametrize(
    "form", [{"reached": "yes"}, {}, {"reached": "0", "note": "x" * 2001}], ids=str
)
def test_a_bad_form_is_refused_with_a_message_and_records_nothing(login, staff, form) -> None:
    task = missed()
    client = login(staff.operator)
    response = client.post(f"/console/missed/{task.id}/attempts", data=form)
    assert response.status_code == 302
    with client.session_transaction() as sess:
        assert [c for c, _ in sess.get("_flashes", [])] == ["error"]
    assert db.session.scalars(select(CallbackAttempt)).all() == []


def test_a_try_on_a_handled_or_unknown_task_is_refused(login, staff) -> None:
    task = missed()
    task.status = "done"
    db.session.flush()
    client = login(staff.operator)
    client.post(f"/console/missed/{task.id}/attempts", data={"reached": "0"})
    with client.session_transaction() as sess:
        assert [c for c, _ in sess.get("_flashes", [])] == ["error"]
    assert client.post("/console/missed/424242/attempts", data={"reached": "0"}).status_code == 302
    assert db.session.scalars(select(CallbackAttempt)).all() == []


def test_unit_staff_may_neither_see_nor_record(login, staff) -> None:
    task = missed()
    client = login(staff.agent)
    assert client.get("/console/missed").status_code == 403
    assert (
        client.post(f"/console/missed/{task.id}/attempts", data={"reached": "1"}).status_code == 403
    )
