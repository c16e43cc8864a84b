"""The operator console: new calls, caller history, suggestions, queues, approvals."""

from __future__ import annotations

import re

from sqlalchemy import select

from hotline.audit.models import AuditEntry
from hotline.calls.models import CallbackTask
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.tickets import transitions as tx
from hotline.tickets.models import Ticket, TicketRequest
from tests.factories import CategoryFactory, RoutingRuleFactory, new_ticket, ticket_in, unit_actor


def _ticket(number: str) -> Ticket:
    return db.session.scalar(select(Ticket).where(Ticket.number == number))


def test_new_call_form_prefills_the_callers_number(login, staff) -> None:
    body = login(staff.operator).get("/console?phone=13812345678").get_data(as_text=True)
    assert 'value="13812345678"' in body


def test_missed_call_task_prefills_the_number_and_is_closed_by_the_new_ticket(
    login, staff, clock
) -> None:
    task = CallbackTask(phone="+8613900001111", status="open", created_at=utcnow())
    db.session.add(task)
    db.session.flush()
    task_id = task.id
    client = login(staff.operator)
    body = client.get(f"/console?task={task_id}").get_data(as_text=True)
    assert 'value="+8613900001111"' in body
    response = client.post(
        "/console/calls",
        data={"phone": "+8613900001111", "description": "回拨：反映路灯不亮", "task": task_id},
    )
    assert response.status_code == 302
    task = db.session.get(CallbackTask, task_id)
    assert task.status == "done"
    assert task.ticket_id is not None


def test_logging_a_call_with_a_unit_dispatches_it_at_once(login, staff, clock) -> None:
    client = login(staff.operator)
    response = client.post(
        "/console/calls",
        data={
            "phone": "13812345678",
            "description": "小区门口烧烤摊噪音扰民",
            "kind": "complaint",
            "unit": staff.unit.code,
            "district": "东城区",
        },
    )
    # The console stays (a softphone call would end with the page): a fresh form, and a flash
    # linking to the new ticket.
    assert response.status_code == 302
    assert response.headers["Location"] == "/console"
    page = client.get("/console").get_data(as_text=True)
    number = re.search(r'data-test="logged-link">([0-9-]+)</a>', page).group(1)
    assert re.search(r'id="description"[^>]*></textarea>', page), "a fresh, empty form"
    ticket = _ticket(number)
    assert ticket.status == "dispatched"
    assert ticket.channel == "phone"
    assert ticket.complainant_phone == "+8613812345678"


def test_logging_a_call_without_description_names_the_field_and_keeps_the_number(
    login, staff
) -> None:
    client = login(staff.operator)
    response = client.post("/console/calls", data={"phone": "13812345678", "description": ""})
    assert response.status_code == 302
    assert "phone=13812345678" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "description" in page


def test_caller_history_lists_earlier_tickets_and_is_audited(login, staff, clock) -> None:
    earlier = new_ticket(phone="13812345678", description="上月投诉噪音")
    number, earlier_id = earlier.number, earlier.id
    client = login(staff.operator)
    body = client.get("/console/caller?phone=13812345678").get_data(as_text=True)
    assert number in body
    assert "<html" not in body  # an htmx partial, not a page
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.ticket_id == earlier_id))
    assert audit.action == "read_personal_data"
    assert audit.detail["via"] == "caller_history"


def test_suggestions_name_the_category_unit_and_duplicates(login, staff, clock) -> None:
    CategoryFactory(name="噪音扰民", keywords="噪音,扰民", default_unit=staff.unit)
    dup = new_ticket(
        phone="13812345678", description="小区门口烧烤摊噪音扰民严重", district="东城区"
    )
    client = login(staff.operator)
    body = client.get(
        "/console/suggest",
        query_string={
            "description": "小区门口烧烤摊噪音扰民",
            "district": "东城区",
            "phone": "13812345678",
        },
    ).get_data(as_text=True)
    assert "噪音扰民" in body
    assert staff.unit.name in body
    assert dup.number in body
    assert "同号码" in body


def test_suggestion_follows_a_district_routing_rule(login, staff, clock) -> None:
    RoutingRuleFactory(district="西城区", keywords="积水", unit=staff.other_unit)
    body = (
        login(staff.operator)
        .get("/console/suggest", query_string={"description": "道路积水严重", "district": "西城区"})
        .get_data(as_text=True)
    )
    assert staff.other_unit.name in body


def test_triage_queue_lists_triage_tickets_and_dispatches(login, staff, clock) -> None:
    ticket = ticket_in("triage", unit=staff.unit)
    number = ticket.number
    client = login(staff.operator)
    assert number in client.get("/console/triage").get_data(as_text=True)
    response = client.post(
        f"/tickets/{number}/dispatch", data={"unit": staff.unit.code, "next": "/console/triage"}
    )
    assert response.headers["Location"] == "/console/triage"
    assert _ticket(number).status == "dispatched"
    assert number not in client.get("/console/triage").get_data(as_text=True)


def test_dispatch_to_an_unknown_unit_is_a_message_not_a_500(login, staff, clock) -> None:
    number = ticket_in("triage", unit=staff.unit).number
    client = login(staff.operator)
    response = client.post(f"/tickets/{number}/dispatch", data={"unit": "NOPE"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "unknown unit" in page
    assert _ticket(number).status == "triage"


def test_callback_queue_is_oldest_deadline_first(login, staff, clock) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    first = ticket_in("replied", unit=staff.unit).number
    clock.set("2026-10-12T09:00:00+08:00")
    second = ticket_in("replied", unit=staff.unit).number
    body = login(staff.operator).get("/console/callbacks").get_data(as_text=True)
    assert body.index(first) < body.index(second)
    assert "非常不满意" in body  # the five-level form


def test_unsatisfied_callback_reopens_the_ticket(login, staff, clock) -> None:
    number = ticket_in("replied", unit=staff.unit).number
    client = login(staff.operator)
    client.post(
        f"/tickets/{number}/callback",
        data={"reached": "1", "resolved": "0", "satisfaction": "2", "note": "仍有噪音"},
    )
    ticket = _ticket(number)
    assert ticket.status == "accepted"
    assert ticket.rating == 2
    assert ticket.reopen_count == 1


def test_satisfied_callback_closes_the_ticket(login, staff, clock) -> None:
    number = ticket_in("replied", unit=staff.unit).number
    login(staff.operator).post(
        f"/tickets/{number}/callback", data={"reached": "1", "resolved": "1", "satisfaction": "4"}
    )
    assert _ticket(number).status == "closed"


def test_missed_calls_list_and_done(login, staff, clock) -> None:
    task = CallbackTask(phone="+8613900002222", status="open", created_at=utcnow())
    db.session.add(task)
    db.session.flush()
    task_id = task.id
    client = login(staff.operator)
    assert "+8613900002222" in client.get("/console/missed").get_data(as_text=True)
    client.post(f"/console/missed/{task_id}/attempts", data={"reached": "1"})
    assert db.session.get(CallbackTask, task_id).status == "done"
    assert "+8613900002222" not in client.get("/console/missed").get_data(as_text=True)


def test_supervisor_approves_a_return_back_to_triage(login, staff, clock) -> None:
    ticket = ticket_in("dispatched", unit=staff.unit)
    tx.request_return(ticket, actor=unit_actor(staff.unit), reason="不属于本单位职责")
    number = ticket.number
    client = login(staff.supervisor)
    assert number in client.get("/console/requests").get_data(as_text=True)
    client.post(f"/tickets/{number}/return/approve", data={"next": "/console/requests"})
    assert _ticket(number).status == "triage"
    assert number not in client.get("/console/requests").get_data(as_text=True)


def test_supervisor_denies_an_extension_with_a_reason(login, staff, clock) -> None:
    ticket = ticket_in("accepted", unit=staff.unit)
    tx.request_extension(ticket, actor=unit_actor(staff.unit), days=3, reason="需要现场勘查")
    number = ticket.number
    login(staff.supervisor).post(f"/tickets/{number}/extension/deny", data={"reason": "时限充足"})
    request = db.session.scalar(select(TicketRequest).where(TicketRequest.type == "extension"))
    assert request.status == "denied"
    assert request.decision_reason == "时限充足"


def test_operator_may_not_see_approvals_or_decide(login, staff, clock) -> None:
    ticket = ticket_in("dispatched", unit=staff.unit)
    tx.request_return(ticket, actor=unit_actor(staff.unit), reason="不属于本单位")
    number = ticket.number
    client = login(staff.operator)
    assert client.get("/console/requests").status_code == 403
    client.post(f"/tickets/{number}/return/approve")
    assert _ticket(number).status == "dispatched"


def test_unit_staff_and_inspectors_may_not_use_the_console(login, staff) -> None:
    for user in (staff.agent, staff.inspector, staff.admin):
        client = login(user)
        for path in ("/console", "/console/triage", "/console/callbacks", "/console/missed"):
            assert client.get(path).status_code == 403, (user.role, path)
        assert client.post("/console/calls", data={}).status_code == 403


def test_merge_from_the_ticket_page(login, staff, clock) -> None:
    original = ticket_in("dispatched", unit=staff.unit).number
    duplicate = new_ticket(description="同一问题再次来电").number
    login(staff.operator).post(f"/tickets/{duplicate}/merge", data={"into": original})
    assert _ticket(duplicate).status == "merged"
