"""The screen-pop: the caller on an operator's softphone leg with their open and earlier
tickets; the call logged as a new ticket bound to the caller's CallSid, or added to an open
ticket as 催办 / 补充材料 (an event the unit is told of)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hotline.audit.models import AuditEntry
from hotline.calls.models import CallRecord
from hotline.core.extensions import db
from hotline.notify.models import Notice
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import CallRecordFactory, new_ticket, ticket_in

HX = {"HX-Request": "true"}
PHONE = "+8613812345678"


def _popped(client, record: CallRecord, tries: int = 0):
    return client.get(f"/console/screen-pop?call={record.operator_call_sid}&tries={tries}")


def test_the_caller_pops_up_with_open_and_earlier_tickets_and_the_reads_are_audited(
    login, staff, clock
) -> None:
    open_one = ticket_in("accepted", unit=staff.unit, phone=PHONE, description="楼下餐馆油烟")
    done = ticket_in("closed", unit=staff.unit, phone=PHONE, description="去年路灯不亮")
    other = new_ticket(phone="+8613999990000", description="别人的工单")
    record = CallRecordFactory(from_phone=PHONE, wait_seconds=37)
    response = _popped(login(staff.operator), record)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-test="screen-pop"' in html
    assert f'data-bind-call="{record.call_sid}"' in html  # the form binds to the caller's leg
    assert f'data-bind-phone="{PHONE}"' in html
    assert "排队 37 秒" in html
    opened = html.split('data-test="open-tickets"')[1].split('data-test="history"')[0]
    assert open_one.number in opened
    assert done.number not in opened
    assert "追加到此工单" in opened
    assert done.number in html.split('data-test="history"')[1]
    assert other.number not in html
    audited = set(
        db.session.scalars(
            select(AuditEntry.ticket_id).where(AuditEntry.detail["via"].as_string() == "screen_pop")
        )
    )
    assert audited == {open_one.id, done.id}


def test_until_the_call_is_recorded_the_pop_polls_then_gives_up_with_the_blank_form(
    login, staff, clock
) -> None:
    client = login(staff.operator)
    leg = "CA" + "d" * 32
    waiting = client.get(f"/console/screen-pop?call={leg}").get_data(as_text=True)
    assert 'data-test="screen-pop-wait"' in waiting
    assert 'hx-trigger="load delay:1s"' in waiting
    assert f"call={leg}&amp;tries=1" in waiting
    last = client.get(f"/console/screen-pop?call={leg}&tries=20").get_data(as_text=True)
    assert 'data-test="screen-pop-unknown"' in last
    assert "hx-get" not in last  # no more polling
    # The voice webhook records the call: the next poll finds it.
    record = CallRecordFactory(operator_call_sid=leg)
    found = client.get(f"/console/screen-pop?call={leg}&tries=3").get_data(as_text=True)
    assert f'data-bind-call="{record.call_sid}"' in found


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "call"),
        ("call=<script>alert(1)</script>", "call"),
        ("call=CA123", "call"),
        (f"call=CA{'1' * 32}&tries=-1", "tries"),
        (f"call=CA{'1' * 32}&tries=21", "tries"),
        (f"call=CA{'1' * 32}&tries=x", "tries"),
    ],
)
def test_junk_screen_pop_arguments_are_refused_naming_them(login, staff, query, field) -> None:
    response = login(staff.operator).get(
        f"/console/screen-pop?{query}", headers={"Accept": "application/json"}
    )
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_units_and_inspectors_get_no_screen_pop(login, staff, clock) -> None:
    record = CallRecordFactory()
    for who in (staff.agent, staff.inspector):
        assert _popped(login(who), record).status_code == 403


def test_a_popped_call_logged_through_htmx_binds_the_ticket_and_gives_a_fresh_form(
    login, staff, clock
) -> None:
    record = CallRecordFactory(from_phone=PHONE)
    client = login(staff.operator)
    response = client.post(
        "/console/calls",
        data={"phone": PHONE, "description": "咨询社保卡补办", "call_sid": record.call_sid},
        headers=HX,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    number = re.search(r'data-test="logged-link">([0-9-]+)</a>', html).group(1)
    assert 'value=""' in html.split('id="phone"')[1][:80]  # a fresh, empty form
    assert 'id="call_sid" value=""' in html  # not bound to the call any more
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    assert ticket.channel == "phone"
    assert ticket.extra == {"voice": {"call_sid": record.call_sid}}
    assert db.session.get(CallRecord, record.id).ticket_id == ticket.id


def test_a_second_ticket_from_the_same_call_leaves_the_call_on_the_first(
    login, staff, clock
) -> None:
    record = CallRecordFactory(from_phone=PHONE)
    client = login(staff.operator)
    for text in ("反映噪音", "另外咨询停车"):
        client.post(
            "/console/calls",
            data={"phone": PHONE, "description": text, "call_sid": record.call_sid},
        )
    numbers = db.session.scalars(
        select(Ticket.id).where(Ticket.complainant_phone == PHONE).order_by(Ticket.id)
    ).all()
    assert len(numbers) == 2
    assert db.session.get(CallRecord, record.id).ticket_id == numbers[0]


@pytest.mark.parametrize("call_sid", ["CA" + "9" * 32, "not-a-sid", "CA" + "z" * 32])
def test_logging_with_an_unknown_or_junk_call_names_call_sid_and_keeps_the_typing(
    login, staff, clock, call_sid
) -> None:
    client = login(staff.operator)
    response = client.post(
        "/console/calls",
        data={"phone": PHONE, "description": "油烟扰民请处理", "call_sid": call_sid},
        headers=HX,
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "call_sid" in html.split('data-test="form-error"')[1].split("</div>")[0]
    assert "油烟扰民请处理</textarea>" in html  # what was typed stays
    assert db.session.scalar(select(Ticket).where(Ticket.complainant_phone == PHONE)) is None


def test_an_htmx_form_without_description_comes_back_as_typed_with_the_field_named(
    login, staff
) -> None:
    response = login(staff.operator).post(
        "/console/calls", data={"phone": "13812345678", "name": "王女士"}, headers=HX
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "(description)" in html
    assert 'value="13812345678"' in html
    assert 'value="王女士"' in html


def _append(client, ticket: Ticket, **data: str):
    return client.post(f"/console/tickets/{ticket.number}/append", data=data, headers=HX)


def test_urging_an_open_ticket_records_it_tells_the_unit_and_binds_the_call(
    login, staff, clock
) -> None:
    ticket = ticket_in("accepted", unit=staff.unit, phone=PHONE)
    record = CallRecordFactory(from_phone=PHONE)
    client = login(staff.operator)
    response = _append(
        client, ticket, kind="urge", text="来电人称已等待一周", call_sid=record.call_sid
    )
    assert response.status_code == 200
    assert "已追加：来电催办" in response.get_data(as_text=True)
    event = db.session.scalar(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.type == "urged")
    )
    assert event.reason == "来电人称已等待一周"
    assert event.data == {"call_sid": record.call_sid}
    assert event.unit_id == staff.unit.id
    assert db.session.get(CallRecord, record.id).ticket_id == ticket.id
    notice = db.session.scalar(
        select(Notice).where(Notice.ticket_id == ticket.id, Notice.template == "urged")
    )
    assert notice.audience == f"unit:{staff.unit.id}:unit_agent"
    assert "来电人称" not in str(notice.params)  # the words stay on the ticket's timeline
    # The agent reads it in their inbox and sees the event on the ticket page.
    agent = login(staff.agent)
    assert f"来电人来电催办工单{ticket.number}" in agent.get("/notices").get_data(as_text=True)
    page = agent.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "来电催办" in page
    assert "来电人称已等待一周" in page


def test_adding_material_needs_its_text_and_is_its_own_event(login, staff, clock) -> None:
    ticket = ticket_in("dispatched", unit=staff.unit, phone=PHONE)
    client = login(staff.operator)
    refused = _append(client, ticket, kind="supplement", text="  ")
    assert refused.status_code == 422
    assert "text" in refused.get_data(as_text=True)
    added = _append(client, ticket, kind="supplement", text="补充：油烟每天18点最严重")
    assert added.status_code == 200
    types = db.session.scalars(
        select(TicketEvent.type).where(TicketEvent.ticket_id == ticket.id)
    ).all()
    assert types.count("supplemented") == 1
    assert db.session.scalar(select(Notice).where(Notice.template == "supplemented"))


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"kind": "praise", "text": "x"}, 422, "kind"),
        ({"text": "x"}, 422, "kind"),
        ({"kind": "urge", "text": "长" * 2001}, 422, "text"),
        ({"kind": "urge", "call_sid": "CA" + "0" * 31}, 422, "call_sid"),
        ({"kind": "urge", "call_sid": "CA" + "0" * 32}, 422, "call_sid"),  # no such call
    ],
)
def test_junk_additions_are_refused_naming_the_field_and_nothing_is_written(
    login, staff, clock, data, status, field
) -> None:
    ticket = ticket_in("accepted", unit=staff.unit, phone=PHONE)
    response = _append(login(staff.operator), ticket, **data)
    assert response.status_code == status
    assert field in response.get_data(as_text=True)
    assert not db.session.scalar(
        select(TicketEvent).where(TicketEvent.type.in_(("urged", "supplemented")))
    )
    assert not db.session.scalar(select(Notice).where(Notice.template == "urged"))


def test_a_finished_ticket_takes_no_more_calls_and_an_unknown_one_is_404(
    login, staff, clock
) -> None:
    closed = ticket_in("closed", unit=staff.unit, phone=PHONE)
    client = login(staff.operator)
    response = _append(client, closed, kind="urge")
    assert response.status_code == 409
    assert "new ticket" in response.get_data(as_text=True)
    missing = client.post("/console/tickets/20990101-000001/append", data={"kind": "urge"})
    assert missing.status_code == 302  # a plain post: back to the console with the message
    assert not db.session.scalar(select(TicketEvent).where(TicketEvent.type == "urged"))


def test_without_htmx_an_addition_returns_to_the_console_with_a_message(
    login, staff, clock
) -> None:
    ticket = ticket_in("accepted", unit=staff.unit, phone=PHONE)
    client = login(staff.operator)
    response = client.post(f"/console/tickets/{ticket.number}/append", data={"kind": "urge"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/console"
    assert f"已追加到工单 {ticket.number}" in client.get("/console").get_data(as_text=True)


def test_units_may_not_add_calls_to_tickets(login, staff, clock) -> None:
    ticket = ticket_in("accepted", unit=staff.unit, phone=PHONE)
    assert _append(login(staff.agent), ticket, kind="urge").status_code == 403
